"""Neural-mass (population rate) models, all [`brainjax.AbstractDynamics`][]."""

from ._wilson_cowan import WilsonCowan as WilsonCowan, WilsonCowanState as WilsonCowanState

__all__ = ["WilsonCowan", "WilsonCowanState"]
