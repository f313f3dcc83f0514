"""External inputs: what [`brainjax.simulate`][] passes to a model as `args`.

An input is evaluated at the start of each step and handed to the model's
`vector_field(t, y, args)`. Its unit is whatever the model expects from `args`:
a current in pA for neurons (`brainjax.neurons.LIF`), a dimensionless drive for
neural masses (`brainjax.populations.WilsonCowan`).

`simulate(inputs=...)` accepts one of these objects, a plain number or array (taken
as `Constant`), a Python callable of `t` in ms (taken as `Function`), or a PyTree of
them (e.g. `{"E": ..., "I": ...}` for a network of populations).

Inputs with memory across steps (`OUNoise`) are `AbstractStatefulInput`s: the
fixed-step (spiking) path of `simulate` carries their state through its scan, so
the noise is part of the input, not of the model, and its update is exact.

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

from ._validate import check_count, check_finite, check_nonnegative, check_positive, check_shape

__all__ = [
    "AbstractInput",
    "AbstractStatefulInput",
    "Constant",
    "Function",
    "Step",
    "PiecewiseConstant",
    "PoissonSpikes",
    "SpikeTimes",
    "OUNoise",
    "evaluate",
    "init_state",
    "advance",
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


class SpikeTimes(AbstractInput):
    """Spike trains given as lists of times, delivered as current pulses.

    Neuron `indices[k]` receives a spike at `times[k]` (ms). Like
    [`brainjax.inputs.PoissonSpikes`][], the spikes falling in the step `[t, t + dt)`
    are delivered as the current `weight * count / dt` pA over that step: each spike
    carries the charge `weight` (pA ms), a jump of `weight / C_m` mV in a neuron of
    capacitance `C_m` pF. A time within 0.1 % of `dt` below a step boundary counts as
    on the boundary (float32 round-off of `t0 + k dt`). Deterministic; the work per
    step is proportional to the largest number of spikes in any `dt` window (for
    `dt <= 5` ms), not to the length of the lists. Fixed-step (spiking) path only.

    **Arguments:** `times` (ms, finite), `indices` (integers in `[0, n)`, same length),
    `n` (number of trains), `weight` (pA ms, scalar or `(n,)`).

    **Example:**

    ```python
    stim = bj.inputs.SpikeTimes(times=[10.0, 10.0, 25.0], indices=[0, 1, 0], n=2,
                                weight=500.0)
    ```
    """

    times: Float[Array, " k"]
    indices: Array
    n: int = eqx.field(static=True)
    weight: Float[Array, "..."]
    # _spans[j - 1]: the shortest time (ms) spanned by j + 1 consecutive spikes, up to the
    # first span >= _SPAN_CAP; it sizes the per-step window statically for any dt.
    _spans: tuple[float, ...] = eqx.field(static=True)
    _SPAN_CAP: ClassVar[float] = 5.0

    def __init__(self, times: ArrayLike, indices: ArrayLike, n: int, weight: ArrayLike = 1.0):
        self.n = check_count("n", n)
        times_np, indices_np = np.asarray(times, dtype=float), np.asarray(indices)
        if times_np.ndim != 1 or times_np.shape != indices_np.shape:
            raise ValueError(
                f"`times` and `indices` must be 1-d arrays of the same length, got shapes "
                f"{times_np.shape} and {indices_np.shape}."
            )
        check_finite("times", times_np)
        if len(indices_np) and (
            not np.issubdtype(indices_np.dtype, np.integer)
            or indices_np.min() < 0
            or indices_np.max() >= n
        ):
            raise ValueError(f"`indices` must be integers in [0, {n}), got {indices_np!r}.")
        check_shape("weight", weight, n)
        check_finite("weight", weight)
        order = np.argsort(times_np, kind="stable")
        times_np, indices_np = times_np[order], indices_np[order]
        spans = []
        for j in range(1, len(times_np)):
            spans.append(float(np.min(times_np[j:] - times_np[:-j])))
            if spans[-1] >= self._SPAN_CAP:
                break
        self._spans = tuple(spans)
        # One +inf sentinel: a search past the last spike finds a time that never arrives.
        self.times = jnp.asarray(np.append(times_np, np.inf))
        self.indices = jnp.asarray(np.append(indices_np, 0).astype(np.int32))
        self.weight = jnp.asarray(weight, dtype=float)

    def __call__(self, t, *, dt=None, key=None):
        if dt is None:
            raise ValueError("`SpikeTimes` needs `dt` (fixed-step simulation).")
        if dt <= self._SPAN_CAP:
            # Spans a hair over dt may still fit one float32 window: over-size slightly.
            window = 1 + int(np.searchsorted(self._spans, 1.01 * dt, side="right"))
        else:
            window = len(self.times)
        start = t - 1e-3 * dt
        first = jnp.searchsorted(self.times, start, side="left")
        pad = jnp.full((window,), jnp.inf)
        times = jax.lax.dynamic_slice(jnp.concatenate([self.times, pad]), (first,), (window,))
        indices = jax.lax.dynamic_slice(
            jnp.concatenate([self.indices, jnp.zeros((window,), jnp.int32)]), (first,), (window,)
        )
        arrived = (times >= start) & (times < start + dt)
        counts = jnp.zeros(self.n).at[indices].add(arrived.astype(float))
        return self.weight * counts / dt


class AbstractStatefulInput(AbstractInput):
    """An input with memory across steps. [`brainjax.simulate`][] (fixed-step path
    only) carries its state through the scan:

    - `init(dt, key)`: the state at `t0`.
    - `value(state)`: the input held over the current step.
    - `advance(state, t, *, dt, key)`: the state at `t + dt`.

    Calling it like a stateless input raises `ValueError`.
    """

    stochastic: ClassVar[bool] = True

    @abc.abstractmethod
    def init(self, dt: float, key: PRNGKeyArray) -> PyTree[Array]:
        """Return the state at the start of the simulation."""

    @abc.abstractmethod
    def value(self, state: PyTree[Array]) -> Array:
        """Return the input value held over the step that starts in `state`."""

    @abc.abstractmethod
    def advance(
        self, state: PyTree[Array], t: ArrayLike, *, dt: float, key: PRNGKeyArray
    ) -> PyTree[Array]:
        """Return the state one step of `dt` ms after `t`."""

    def __call__(self, t, *, dt=None, key=None):
        raise ValueError(
            f"`{type(self).__name__}` carries state across steps: it is only available to "
            "the fixed-step path of `simulate` (spiking models)."
        )


class OUNoise(AbstractStatefulInput):
    """Ornstein-Uhlenbeck noise current, one independent process per neuron.

        tau dI = (mean - I) dt + sigma sqrt(2 tau) dW

    `I` (pA) has stationary mean `mean`, standard deviation `sigma` (pA) and
    autocorrelation `sigma^2 exp(-|s| / tau)` (Uhlenbeck & Ornstein 1930). It is
    updated with the exact discretisation (Gillespie 1996), so its statistics do not
    depend on `dt`:

        I_{k+1} = mean + (I_k - mean) exp(-dt / tau) + sigma sqrt(1 - exp(-2 dt / tau)) xi_k

    with `xi_k ~ N(0, 1)`; `I_k` is held over step `k`. The process starts from its
    stationary distribution (or at `start`, if given). Fixed-step (spiking) path only;
    continuing a run with `y0=sol.final` restarts the noise.

    **Arguments:** `mean`, `sigma` (pA; scalar or `(n,)`; `sigma >= 0`), `tau` (ms,
    > 0), `n` (number of neurons), `start` (pA, optional).

    **Example:**

    ```python
    noise = bj.inputs.OUNoise(mean=300.0, sigma=50.0, tau=5.0, n=100)
    sol = bj.simulate(bj.neurons.LIF(n=100), t1=500.0, dt=0.1, inputs=noise,
                      key=jax.random.key(0))
    ```
    """

    mean: Float[Array, "..."]
    sigma: Float[Array, "..."]
    tau: Float[Array, "..."]
    n: int = eqx.field(static=True)
    start: Float[Array, "..."] | None = None

    def __init__(
        self,
        mean: ArrayLike,
        sigma: ArrayLike,
        tau: ArrayLike,
        n: int,
        start: ArrayLike | None = None,
    ):
        self.n = check_count("n", n)
        for name, value in (("mean", mean), ("sigma", sigma), ("tau", tau), ("start", start)):
            if value is not None:
                check_shape(name, value, n)
                check_finite(name, value)
        check_nonnegative("sigma", sigma)
        check_positive("tau", tau)
        self.mean, self.sigma, self.tau = (jnp.asarray(x, dtype=float) for x in (mean, sigma, tau))
        self.start = None if start is None else jnp.asarray(start, dtype=float)

    def init(self, dt, key):
        if self.start is not None:
            return jnp.broadcast_to(self.start, (self.n,))
        return self.mean + self.sigma * jax.random.normal(key, (self.n,))

    def value(self, state):
        return state

    def advance(self, state, t, *, dt, key):
        decay = jnp.exp(-dt / self.tau)
        kick = self.sigma * jnp.sqrt(-jnp.expm1(-2.0 * dt / self.tau))
        return self.mean + (state - self.mean) * decay + kick * jax.random.normal(key, (self.n,))


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
    state: list | None = None,
) -> PyTree[Array]:
    """Evaluate a PyTree of inputs at time `t` (ms); each stochastic input gets its
    own key folded from `key`. Stateful inputs read their value from `state` (from
    `init_state` / `advance`). `None` stays `None` (no input)."""
    leaves, treedef = jax.tree.flatten(normalise(inputs), is_leaf=_is_input_leaf)
    values = []
    for index, leaf in enumerate(leaves):
        if isinstance(leaf, AbstractStatefulInput) and state is not None:
            values.append(leaf.value(state[index]))
            continue
        leaf_key = None if key is None else jax.random.fold_in(key, index)
        values.append(leaf(t, dt=dt, key=leaf_key))
    return jax.tree.unflatten(treedef, values)


def init_state(inputs: PyTree[Any], dt: float, key: PRNGKeyArray | None) -> list:
    """The initial states of the stateful inputs in `inputs` (`None` for the others),
    one entry per input leaf."""
    leaves = jax.tree.leaves(normalise(inputs), is_leaf=_is_input_leaf)
    return [
        leaf.init(dt, jax.random.fold_in(key, index))
        if isinstance(leaf, AbstractStatefulInput)
        else None
        for index, leaf in enumerate(leaves)
    ]


def advance(
    inputs: PyTree[Any], state: list, t: ArrayLike, *, dt: float, key: PRNGKeyArray | None
) -> list:
    """The states of the stateful inputs one step of `dt` ms after `t`."""
    leaves = jax.tree.leaves(normalise(inputs), is_leaf=_is_input_leaf)
    return [
        leaf.advance(s, t, dt=dt, key=jax.random.fold_in(key, index))
        if isinstance(leaf, AbstractStatefulInput)
        else None
        for index, (leaf, s) in enumerate(zip(leaves, state))
    ]
