"""Neural-mass (population rate) models, all [`brainjax.AbstractDynamics`][]."""

from ._akorn import VectorKuramoto as VectorKuramoto
from ._bold import Balloon as Balloon, BalloonState as BalloonState
from ._fitzhugh_nagumo import (
    FitzHughNagumo as FitzHughNagumo,
    FitzHughNagumoState as FitzHughNagumoState,
)
from ._jansen_rit import JansenRit as JansenRit, JansenRitState as JansenRitState
from ._network import WilsonCowanNetwork as WilsonCowanNetwork
from ._oscillators import Hopf as Hopf, HopfState as HopfState, Kuramoto as Kuramoto
from ._rate import RateUnit as RateUnit, ReLU as ReLU, Sigmoid as Sigmoid, Tanh as Tanh
from ._wilson_cowan import WilsonCowan as WilsonCowan, WilsonCowanState as WilsonCowanState

__all__ = [
    "Balloon",
    "BalloonState",
    "FitzHughNagumo",
    "FitzHughNagumoState",
    "Hopf",
    "HopfState",
    "JansenRit",
    "JansenRitState",
    "Kuramoto",
    "RateUnit",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "VectorKuramoto",
    "WilsonCowan",
    "WilsonCowanState",
    "WilsonCowanNetwork",
]
