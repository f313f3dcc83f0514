"""Networks of spiking populations: [`brainjax.Network`][], projections (a
[`brainjax.Projection`][] spec, built into a
[`brainjax.network.BuiltProjection`][]), propagation options
([`brainjax.network.Dense`][], [`brainjax.network.EventDriven`][]) and the
[`brainjax.network.RingBuffer`][] that holds delayed input."""

from ._network import Network as Network, NetworkState as NetworkState
from ._projection import (
    BuiltProjection as BuiltProjection,
    Projection as Projection,
    StepDelays as StepDelays,
)
from ._propagation import Dense as Dense, EventDriven as EventDriven
from ._ring_buffer import RingBuffer as RingBuffer

__all__ = [
    "BuiltProjection",
    "Dense",
    "EventDriven",
    "Network",
    "NetworkState",
    "Projection",
    "RingBuffer",
    "StepDelays",
]
