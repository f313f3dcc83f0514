"""Shared pieces of the point neurons: parameter checks, the refractory clamp and the
spike/reset/readout methods of the abstract bases. Private: each neuron is still one
public class."""

from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float

from .._dynamics import AbstractSpiking, State
from .._validate import _concrete, check_parameters as check_parameters
from ..surrogate import AbstractSurrogate

# Refractory countdowns are compared with this (ms) rather than 0, so that float32
# round-off in `t_ref - k * dt` does not add a spurious extra step.
_REFRACTORY_TOL = 1e-4


def full(value: Any, n: int) -> Float[Array, " n"]:
    """`value` (scalar or `(n,)`) as a float `(n,)` array."""
    return jnp.broadcast_to(jnp.asarray(value, dtype=float), (n,))


def refractory_flow(
    dv: Float[ArrayLike, " n"], refractory: Float[Array, " n"]
) -> tuple[Float[Array, " n"], Float[Array, " n"]]:
    """Clamp `dv/dt` to 0 while refractory; the countdown decreases at 1 ms per ms."""
    clamped = refractory > _REFRACTORY_TOL
    return jnp.where(clamped, 0.0, dv), jnp.where(clamped, -1.0, 0.0)


def spike_reset(
    v: Float[Array, " n"],
    refractory: Float[Array, " n"],
    spikes: Float[Array, " n"],
    v_reset: Any,
    t_ref: Any,
) -> tuple[Float[Array, " n"], Float[Array, " n"], Float[Array, " n"]]:
    """`v <- v_reset` and start the refractory countdown where `spikes`; returns
    `(v, refractory, s)` with `s = stop_gradient(spikes)` for further jumps.

    The reset passes no gradient through the spike (Zenke & Vogels 2021). It selects
    rather than computes `v + s (v_reset - v)`, which loses `v_reset` to float32
    round-off when an exponential upswing has overshot to a huge `v`."""
    s = jax.lax.stop_gradient(spikes)
    v = jnp.where(s > 0, v_reset, v)
    return v, jnp.where(s > 0, t_ref, jnp.maximum(refractory, 0.0)), s


def check_above(name: str, value: Any, other_name: str, other: Any) -> None:
    """Raise `ValueError` unless `value > other` everywhere (concrete values only)."""
    a, b = _concrete(value), _concrete(other)
    if a is not None and b is not None and not np.all(a > b):
        raise ValueError(
            f"`{name}` must be greater than `{other_name}`, got {value!r} <= {other!r}."
        )


class AbstractPointNeuron(AbstractSpiking):
    """Private base of the single-compartment neurons: a state with a membrane
    potential `v` (mV) and a spike function `surrogate`. A spike is emitted where
    `threshold_margin(y)` crosses zero; no refractory period unless a subclass says so.

    Subclasses declare the fields and implement `init`, `vector_field`, `reset` and
    `threshold_margin`."""

    surrogate: eqx.AbstractVar[AbstractSurrogate]

    def spike(self, y: State) -> Float[Array, " n"]:
        return self.surrogate(self.threshold_margin(y))

    def membrane_potential(self, y: State) -> Float[Array, " n"]:
        return y.v

    def refractory_period(self) -> float:
        return 0.0


class AbstractIntegrateAndFire(AbstractPointNeuron):
    """Private base of the integrate-and-fire neurons (LIF, ExpIF, AdEx): a state with
    `v` (mV) and `refractory` (ms, time left); `v` starts at `v_init` (default
    `v_rest`), and where a spike is emitted, `v <- v_reset` and `v` is clamped for
    `t_ref` ms (see `refractory_flow` and `spike_reset`).

    Subclasses declare the fields and implement `init`, `vector_field` and
    `threshold_margin`; one with more post-spike jumps extends `reset`."""

    n: eqx.AbstractVar[int]
    v_rest: eqx.AbstractVar[Float[ArrayLike, "..."]]
    v_reset: eqx.AbstractVar[Float[ArrayLike, "..."]]
    t_ref: eqx.AbstractVar[Float[ArrayLike, "..."]]
    v_init: eqx.AbstractVar[Float[ArrayLike, "..."] | None]

    def initial_v(self) -> Float[Array, " n"]:
        """The initial potential (mV), `(n,)`: `v_init`, or `v_rest` when `None`."""
        return full(self.v_rest if self.v_init is None else self.v_init, self.n)

    def reset(self, y: State, spikes: Float[Array, " n"]) -> State:
        v, refractory, _ = spike_reset(y.v, y.refractory, spikes, self.v_reset, self.t_ref)
        return eqx.tree_at(lambda s: (s.v, s.refractory), y, (v, refractory))

    def refractory_period(self) -> float:
        return float(np.max(np.asarray(self.t_ref)))
