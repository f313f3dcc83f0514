"""Synapse models: synaptic variables driven by spikes, injecting currents."""

from ._base import AbstractSynapse as AbstractSynapse
from ._exponential import Exponential as Exponential

__all__ = ["AbstractSynapse", "Exponential"]
