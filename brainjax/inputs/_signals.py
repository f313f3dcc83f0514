"""Deterministic inputs: constants, functions of time, steps, piecewise-constant values."""

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float

from .._validate import check_finite
from ._base import AbstractStatelessInput


class Constant(AbstractStatelessInput):
    """A constant input, e.g. a DC current in pA (scalar or one value per neuron).
    `Constant(value)` holds it in `amplitude` (`value` is the input contract's method).
    """

    amplitude: Float[Array, "..."]

    def __init__(self, value: ArrayLike):
        check_finite("value", value)
        self.amplitude = jnp.asarray(value, dtype=jnp.result_type(value, float))

    def value(self, t, state, *, dt=None, key=None):
        return self.amplitude


class Function(AbstractStatelessInput):
    """An input given by a function of time: `fn(t)` with `t` in ms.

    Example: `bj.inputs.Function(lambda t: 100.0 * jnp.sin(2 * jnp.pi * t / 50.0))`.
    """

    fn: Callable[[Any], Any]

    def value(self, t, state, *, dt=None, key=None):
        return jnp.asarray(self.fn(t))


class PiecewiseConstant(AbstractStatelessInput):
    """`values[k]` on `[times[k], times[k+1])` (ms); 0 before `times[0]`; the last
    value holds after the last time. `values` may have extra trailing axes (one value
    per neuron)."""

    times: Float[Array, " k"]
    values: Float[Array, "k ..."]

    def __init__(self, times: ArrayLike, values: ArrayLike):
        times_np, values_np = np.asarray(times, float), np.asarray(values, float)
        if times_np.ndim != 1 or len(times_np) == 0:
            raise ValueError(f"`times` must be a non-empty 1-d array, got shape {times_np.shape}.")
        if np.any(np.diff(times_np) <= 0):
            raise ValueError(f"`times` must be strictly increasing, got {times_np}.")
        if values_np.shape[:1] != times_np.shape:
            raise ValueError(
                f"`values` must have one entry per time ({len(times_np)}), "
                f"got shape {values_np.shape}."
            )
        check_finite("values", values_np)
        self.times, self.values = jnp.asarray(times_np), jnp.asarray(values_np)

    def value(self, t, state, *, dt=None, key=None):
        index = jnp.searchsorted(self.times, t, side="right") - 1
        value = self.values[jnp.maximum(index, 0)]
        return jnp.where(index >= 0, value, jnp.zeros_like(value))


class Step(AbstractStatelessInput):
    """A rectangular pulse: `amplitude` on `[start, stop)` (ms), 0 elsewhere."""

    amplitude: Float[Array, "..."]
    start: float = 0.0
    stop: float = float("inf")

    def __init__(self, amplitude: ArrayLike, start: float = 0.0, stop: float = float("inf")):
        check_finite("amplitude", amplitude)
        if not stop > start:
            raise ValueError(f"`stop` must be > `start` ({start!r}), got {stop!r}.")
        self.amplitude = jnp.asarray(amplitude, dtype=float)
        self.start, self.stop = float(start), float(stop)

    def value(self, t: Any, state, *, dt=None, key=None):
        on = (t >= self.start) & (t < self.stop)
        return jnp.where(on, self.amplitude, jnp.zeros_like(self.amplitude))
