"""Synaptic plasticity rules, shaped like optax transformations.

A rule is a small `eqx.Module` with `init(w)` (its state: traces, thresholds,
eligibilities) and `update(w, state, pre, post, dt)` returning `(dw, state)`. Rules run
online inside [`brainjax.simulate`][] on the plastic projections of a
[`brainjax.Network`][] (dense or sparse), or offline on recorded activity with
[`brainjax.plasticity.replay`][]. Their parameters are array leaves, so learning rates
and time constants can themselves be trained by `jax.grad` (meta-learning).

Example:
    >>> import jax.numpy as jnp, brainjax as bj
    >>> pre = jnp.zeros((40, 1)).at[5, 0].set(1.0)    # pre spike at step 5
    >>> post = jnp.zeros((40, 1)).at[15, 0].set(1.0)  # post spike 10 ms later
    >>> w, _ = bj.plasticity.replay(bj.plasticity.STDP(), jnp.full((1, 1), 0.5), pre, post, 1.0)
    >>> round(float(w[0, 0]) - 0.5, 5)                # a_plus * exp(-10 / 20)
    0.00607
"""

from .._validate import deprecated_names
from ._base import (
    AbstractRule as AbstractRule,
    AbstractTraces as AbstractTraces,
    AbstractWeightDependence as AbstractWeightDependence,
    Additive as Additive,
    AllPairs as AllPairs,
    Multiplicative as Multiplicative,
    Nearest as Nearest,
    Synapses as Synapses,
    replay as replay,
)
from ._rate import (
    BCM as BCM,
    BCMState as BCMState,
    Chain as Chain,
    Hebb as Hebb,
    Oja as Oja,
    ScalingState as ScalingState,
    SynapticScaling as SynapticScaling,
    chain as chain,
)
from ._stdp import (
    STDP as STDP,
    RewardSTDP as RewardSTDP,
    RewardSTDPState as RewardSTDPState,
    STDPState as STDPState,
    Triplet as Triplet,
    TripletState as TripletState,
)

__all__ = [
    "AbstractRule",
    "AbstractTraces",
    "AbstractWeightDependence",
    "Additive",
    "AllPairs",
    "BCM",
    "BCMState",
    "Chain",
    "Hebb",
    "Multiplicative",
    "Nearest",
    "Oja",
    "RewardSTDP",
    "RewardSTDPState",
    "STDP",
    "STDPState",
    "ScalingState",
    "Synapses",
    "SynapticScaling",
    "Triplet",
    "TripletState",
    "chain",
    "replay",
]

# Renamed (one release): `AllToAll` collided with `brainjax.connect.AllToAll`.
__getattr__ = deprecated_names(
    "brainjax.plasticity", {"AllToAll": ("brainjax.plasticity.AllPairs", AllPairs)}
)
