"""Spiking neuron models (all [`brainjax.AbstractSpiking`][]).

Every model's state has a membrane potential `v` (mV); the input (`args`) is a
current in pA, except [`brainjax.neurons.Izhikevich`][] (its own units, mV/ms).
"""

from ._adex import AdEx as AdEx, AdExState as AdExState
from ._expif import ExpIF as ExpIF, ExpIFState as ExpIFState
from ._hodgkin_huxley import (
    AbstractGating as AbstractGating,
    HodgkinHuxley as HodgkinHuxley,
    HodgkinHuxleyState as HodgkinHuxleyState,
    SquidGating as SquidGating,
    TraubMilesGating as TraubMilesGating,
)
from ._izhikevich import Izhikevich as Izhikevich, IzhikevichState as IzhikevichState
from ._lif import LIF as LIF, LIFState as LIFState

__all__ = [
    "AbstractGating",
    "AdEx",
    "AdExState",
    "ExpIF",
    "ExpIFState",
    "HodgkinHuxley",
    "HodgkinHuxleyState",
    "Izhikevich",
    "IzhikevichState",
    "LIF",
    "LIFState",
    "SquidGating",
    "TraubMilesGating",
]
