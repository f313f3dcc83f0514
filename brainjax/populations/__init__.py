"""Neural-mass (population rate) models, all [`brainjax.AbstractDynamics`][]."""

from ._bold import Balloon as Balloon, BalloonState as BalloonState
from ._network import WilsonCowanNetwork as WilsonCowanNetwork
from ._oscillators import Hopf as Hopf, HopfState as HopfState, Kuramoto as Kuramoto
from ._wilson_cowan import WilsonCowan as WilsonCowan, WilsonCowanState as WilsonCowanState

__all__ = [
    "Balloon",
    "BalloonState",
    "Hopf",
    "HopfState",
    "Kuramoto",
    "WilsonCowan",
    "WilsonCowanState",
    "WilsonCowanNetwork",
]
