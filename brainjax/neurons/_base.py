"""Shared pieces of the integrate-and-fire neurons: parameter checks and the
refractory clamp. Private: each neuron is still one public class."""

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float

from .._validate import _concrete, check_parameters as check_parameters

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
