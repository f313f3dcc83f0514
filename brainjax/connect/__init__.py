"""Connectivity rules: which neurons of `pre` connect to which of `post`, with which
weights and delays, and how a [`brainjax.Projection`][] propagates spikes along them.

A rule is an option object handed to a projection:

```python
import brainjax as bj
rule = bj.connect.FixedProb(0.02, weight=0.6, delay=bj.connect.Uniform(1.0, 2.0))
proj = bj.Projection("E", "I", rule, bj.synapses.Exponential(tau=5.0), key=key)
```

The [`brainjax.Network`][] builds every rule once (it knows the population sizes) into
[`brainjax.connect.Connections`][]: flat arrays `pre`, `post`, `weight`, `delay`, one
entry per synapse, sorted by `pre`. Building works in chunks with NumPy and never
materialises an `n_pre x n_post` array for the sparse rules, so memory is proportional
to the number of synapses (about 16 bytes per synapse while building).

Weights and delays are each a number (the same for every synapse), a distribution
object ([`brainjax.connect.Normal`][], [`brainjax.connect.Uniform`][],
[`brainjax.connect.LogNormal`][]) drawn once per synapse, or, for the explicit rules
([`brainjax.connect.FromIndices`][], [`brainjax.connect.FromMatrix`][]), an array with
one value per synapse. Weights are the jump of the synaptic variable per spike (pA
for current synapses, nS for conductance synapses); delays are in ms and are rounded
to the nearest multiple of the simulation step `dt` (as Brian2 and NEST do).

Each rule declares how it propagates by default (`default_propagation`):
[`brainjax.network.EventDriven`][] (only the rows of spiking neurons are touched: work
~ spikes x fan-out; the sparse rules) or [`brainjax.network.Dense`][] (`spikes @ W`:
small or trainable projections; `AllToAll` and `FromMatrix`). `bj.connect.Dense` and
`bj.connect.EventDriven` are deprecated aliases of those.
"""

import warnings

from ._base import AbstractConnectivity as AbstractConnectivity, Connections as Connections
from ._distributions import (
    AbstractDistribution as AbstractDistribution,
    LogNormal as LogNormal,
    Normal as Normal,
    Uniform as Uniform,
)
from ._rules import (
    AllToAll as AllToAll,
    FixedInDegree as FixedInDegree,
    FixedOutDegree as FixedOutDegree,
    FixedProb as FixedProb,
    FromIndices as FromIndices,
    FromMatrix as FromMatrix,
    OneToOne as OneToOne,
)

__all__ = [
    "AbstractConnectivity",
    "AbstractDistribution",
    "AllToAll",
    "Connections",
    "FixedInDegree",
    "FixedOutDegree",
    "FixedProb",
    "FromIndices",
    "FromMatrix",
    "LogNormal",
    "Normal",
    "OneToOne",
    "Uniform",
]


def __getattr__(name: str):
    # Deprecated (one release): the propagation options moved to `brainjax.network`.
    if name in ("Dense", "EventDriven"):
        from .. import network

        warnings.warn(
            f"`brainjax.connect.{name}` is deprecated: use `brainjax.network.{name}`.",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(network, name)
    raise AttributeError(f"module 'brainjax.connect' has no attribute {name!r}")
