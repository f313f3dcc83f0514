"""Neural-mass (population rate) models, all [`brainjax.AbstractDynamics`][]."""

from ._network import WilsonCowanNetwork as WilsonCowanNetwork
from ._wilson_cowan import WilsonCowan as WilsonCowan, WilsonCowanState as WilsonCowanState

__all__ = ["WilsonCowan", "WilsonCowanState", "WilsonCowanNetwork"]
