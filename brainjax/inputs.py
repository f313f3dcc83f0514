"""External inputs: what [`brainjax.simulate`][] passes to a model as `args`.

An input is evaluated at the start of each step and handed to the model's
`vector_field(t, y, args)`. Its unit is whatever the model expects from `args`:
a current in pA for neurons (`brainjax.neurons.LIF`), a dimensionless drive for
neural masses (`brainjax.populations.WilsonCowan`).

`simulate(inputs=...)` accepts one of these objects, a plain number or array (taken
as `Constant`), a Python callable of `t` in ms (taken as `Function`), or a PyTree of
them (e.g. `{"E": ..., "I": ...}` for a network of populations).

Example:
    >>> import brainjax as bj
    >>> pulse = bj.inputs.Step(amplitude=300.0, start=10.0, stop=60.0)  # pA, ms
    >>> float(pulse(20.0)), float(pulse(70.0))
    (300.0, 0.0)
"""

import abc
from collections.abc import Callable
from typing import Any, ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray, PyTree

from ._validate import check_finite, check_nonnegative

__all__ = [
    "AbstractInput",
    "Constant",
    "Function",
    "Step",
    "PiecewiseConstant",
    "PoissonSpikes",
    "evaluate",
]


class AbstractInput(eqx.Module):
    """An input signal. `__call__(t, *, dt=None, key=None)` returns its value at `t`
    (ms). Stochastic inputs (`stochastic = True`) need the step `dt` (ms) and a key;
    they are only available to the fixed-step (spiking) path of `simulate`.
    """

    stochastic: ClassVar[bool] = False

    @abc.abstractmethod
    def __call__(
        self, t: ArrayLike, *, dt: float | None = None, key: PRNGKeyArray | None = None
    ) -> Array:
        """Return the input value at time `t` (ms)."""


class Constant(AbstractInput):
    """A constant input, e.g. a DC current in pA (scalar or one value per neuron)."""

    value: Float[Array, "..."]

    def __init__(self, value: ArrayLike):
        check_finite("value", value)
        self.value = jnp.asarray(value, dtype=jnp.result_type(value, float))

    def __call__(self, t, *, dt=None, key=None):
        return self.value


class Function(AbstractInput):
    """An input given by a function of time: `fn(t)` with `t` in ms.

    Example: `bj.inputs.Function(lambda t: 100.0 * jnp.sin(2 * jnp.pi * t / 50.0))`.
    """

    fn: Callable[[Any], Any]

    def __call__(self, t, *, dt=None, key=None):
        return jnp.asarray(self.fn(t))


class PiecewiseConstant(AbstractInput):
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

    def __call__(self, t, *, dt=None, key=None):
        index = jnp.searchsorted(self.times, t, side="right") - 1
        value = self.values[jnp.maximum(index, 0)]
        return jnp.where(index >= 0, value, jnp.zeros_like(value))


class Step(AbstractInput):
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

    def __call__(self, t, *, dt=None, key=None):
        on = (t >= self.start) & (t < self.stop)
        return jnp.where(on, self.amplitude, jnp.zeros_like(self.amplitude))


class PoissonSpikes(AbstractInput):
    """Independent Poisson spike trains delivered as current pulses.

    Each of the `n` trains fires at `rate` Hz (a scalar, an `(n,)` array, or a
    function of `t` in ms returning either). In a step of length `dt` ms, train `i`
    fires `k_i ~ Poisson(rate * dt / 1000)` spikes, and the input is the current
    `weight * k_i / dt` pA: each spike delivers the charge `weight` (pA ms = fC) within
    the step, i.e. a voltage jump of `weight / C_m` mV in a neuron of capacitance
    `C_m` pF. Stochastic: only available to the fixed-step (spiking) path.
    """

    rate: Any
    n: int = eqx.field(static=True)
    weight: float = 1.0
    stochastic: ClassVar[bool] = True

    def __init__(self, rate: ArrayLike | Callable[[Any], ArrayLike], n: int, weight: float = 1.0):
        if not callable(rate):
            check_nonnegative("rate", rate)
            rate = jnp.asarray(rate, dtype=float)
        check_finite("weight", weight)
        self.rate, self.n, self.weight = rate, int(n), weight

    def __call__(self, t, *, dt=None, key=None):
        if dt is None or key is None:
            raise ValueError("`PoissonSpikes` needs `dt` and `key` (fixed-step simulation).")
        rate = self.rate(t) if callable(self.rate) else self.rate
        counts = jax.random.poisson(key, jnp.broadcast_to(rate * dt / 1000.0, (self.n,)))
        return self.weight * counts / dt


def _as_input(leaf: Any) -> AbstractInput:
    if isinstance(leaf, AbstractInput):
        return leaf
    if callable(leaf):
        return Function(leaf)
    return Constant(leaf)


def _is_input_leaf(x: Any) -> bool:
    return isinstance(x, AbstractInput) or callable(x)


def normalise(inputs: PyTree[Any]) -> PyTree[AbstractInput]:
    """Convert numbers, arrays and callables in `inputs` to `AbstractInput`s."""
    return jax.tree.map(_as_input, inputs, is_leaf=_is_input_leaf)


def is_stochastic(inputs: PyTree[AbstractInput]) -> bool:
    """Whether any input in the PyTree needs a key."""
    leaves = jax.tree.leaves(inputs, is_leaf=_is_input_leaf)
    return any(getattr(leaf, "stochastic", False) for leaf in leaves)


def evaluate(
    inputs: PyTree[Any],
    t: ArrayLike,
    *,
    dt: float | None = None,
    key: PRNGKeyArray | None = None,
) -> PyTree[Array]:
    """Evaluate a PyTree of inputs at time `t` (ms); each stochastic input gets its
    own key folded from `key`. `None` stays `None` (no input)."""
    leaves, treedef = jax.tree.flatten(normalise(inputs), is_leaf=_is_input_leaf)
    values = []
    for index, leaf in enumerate(leaves):
        leaf_key = None if key is None else jax.random.fold_in(key, index)
        values.append(leaf(t, dt=dt, key=leaf_key))
    return jax.tree.unflatten(treedef, values)
