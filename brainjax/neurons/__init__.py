"""Spiking neuron models (all [`brainjax.AbstractSpiking`][])."""

from ._lif import LIF as LIF, LIFState as LIFState

__all__ = ["LIF", "LIFState"]
