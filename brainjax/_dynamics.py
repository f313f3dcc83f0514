"""The model contracts: every brainjax model is one of these three abstract classes."""

import abc
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Int, PRNGKeyArray, PyTree, Scalar
from typing_extensions import Self

State = PyTree[Array]


class AbstractDynamics(eqx.Module):
    """A continuous-time dynamical system `dy/dt = f(t, y, args)`.

    Subclasses declare:

    - `n`: the number of units (neurons, nodes, oscillators), a static `int` field or a
      property.

    and implement:

    - `init(key=None)`: the initial state, a PyTree of arrays.
    - `vector_field(t, y, args)`: the time derivative of the state, with the same
      PyTree structure as `y`. It has Diffrax's signature, so
      `diffrax.ODETerm(model.vector_field)` works directly. `t` is in ms, `args` is the
      external input at time `t` (as evaluated by [`brainjax.simulate`][] from its
      `inputs` argument, or `None` when there is none), derivatives are per ms.

    and may override:

    - `check_inputs(args)`: raise `ValueError` when the input `args` (its shapes and
      dtypes, as `jax.ShapeDtypeStruct`s) does not fit the model.
      [`brainjax.simulate`][] calls it before tracing. The default accepts `None` or
      one numeric array broadcastable to `(n,)` (a number, one value per unit).

    Optionally, for stochastic models with additive (diagonal) noise:

    - `diffusion(t, y, args)`: a PyTree like `y` holding the noise amplitude of each
      state variable (units of the variable per sqrt(ms)). The default returns `None`,
      meaning the model is deterministic. `simulate` then solves the Ito SDE
      `dy = f dt + g dW` with independent Wiener processes `W`.
    """

    n: eqx.AbstractVar[int]

    @abc.abstractmethod
    def init(self, key: PRNGKeyArray | None = None) -> State:
        """Return the initial state."""

    @abc.abstractmethod
    def vector_field(self, t: Scalar | float, y: State, args: Any) -> State:
        """Return `dy/dt` at time `t` (ms) for state `y` and input `args`."""

    def diffusion(self, t: Scalar | float, y: State, args: Any) -> State | None:
        """Return the diagonal noise amplitude, or `None` for a deterministic model."""
        del t, y, args
        return None

    def check_inputs(self, args: PyTree[jax.ShapeDtypeStruct]) -> None:
        """Raise `ValueError` unless `args` (the shapes of the input that `simulate`
        passes as `args`) is `None` or one numeric array broadcastable to `(n,)`."""
        check_input_shape(type(self).__name__, args, self.n)


def check_input_shape(owner: str, args: PyTree[jax.ShapeDtypeStruct], n: int) -> None:
    """The default input contract: `args` is `None` or one numeric array of shape `()`,
    `(1,)` or `(n,)` (inputs of more dimensions are left to the model)."""
    if args is None:
        return
    if not isinstance(args, jax.ShapeDtypeStruct):
        raise ValueError(
            f"`inputs` of {owner} must be one number, array, function of t or "
            f"brainjax.inputs object, got a {type(args).__name__} of inputs"
            + (" (pass an array: jnp.asarray(...))." if isinstance(args, (list, tuple)) else ".")
        )
    if not (jnp.issubdtype(args.dtype, jnp.number) or jnp.issubdtype(args.dtype, jnp.bool_)):
        raise ValueError(f"`inputs` of {owner} must be numeric, got dtype {args.dtype}.")
    if args.ndim <= 1 and args.shape not in ((), (1,), (n,)):
        raise ValueError(
            f"`inputs` of {owner} must be a scalar or have shape ({n},) (one value per "
            f"unit), got shape {args.shape}."
        )


class AbstractSpiking(AbstractDynamics):
    """A hybrid system: continuous flow between spikes, discrete jumps at spikes.

    In addition to the [`brainjax.AbstractDynamics`][] methods, subclasses implement:

    - `spike(y)`: which units spike in state `y` (just after a continuous step), as a
      float array of 0s and 1s produced by a [`brainjax.surrogate`][] function, so
      gradients flow through it.
    - `reset(y, spikes)`: the state after the post-spike jump (reset, refractoriness).
    - `membrane_potential(y)`: the potential (mV) that conductance synapses and
      monitors read.
    - `threshold_margin(y)`: `v - v_threshold` (mV), positive above threshold; a spike
      is emitted where it crosses zero from below (the event function of exact,
      event-driven integration).
    - `refractory_period()`: the longest absolute refractory period (ms), `0.0` when
      the model has none.

    A model whose discrete parts are counted in whole steps (network delays) overrides
    `with_step(dt)`, which fixed-step integrators call once before the scan.

    [`brainjax.simulate`][] integrates such a model with a fixed-step scan:
    continuous step (any Diffrax solver's `step`), then `spike`, then `reset`.
    """

    @abc.abstractmethod
    def spike(self, y: State) -> PyTree[Float[Array, "..."]]:
        """Return the spikes (0./1., surrogate-differentiable) emitted in state `y`."""

    @abc.abstractmethod
    def reset(self, y: State, spikes: PyTree[Float[Array, "..."]]) -> State:
        """Return the state after applying the post-spike jumps."""

    @abc.abstractmethod
    def membrane_potential(self, y: State) -> PyTree[Float[Array, "..."]]:
        """Return the membrane potential (mV) in state `y`."""

    @abc.abstractmethod
    def threshold_margin(self, y: State) -> PyTree[Float[Array, "..."]]:
        """Return `v - v_threshold` (mV): positive above threshold."""

    @abc.abstractmethod
    def refractory_period(self) -> float:
        """Return the longest absolute refractory period (ms); `0.0` if none."""

    def with_step(self, dt: float) -> Self:
        """Return the model as a fixed-step integrator runs it with step `dt` (ms).

        The default returns `self`; a model with parts counted in whole steps (e.g. a
        [`brainjax.Network`][]'s delays) converts them here, so that `dt` is given
        once, to [`brainjax.simulate`][]."""
        del dt
        return self


class AbstractEnergy(eqx.Module):
    """A model defined by a scalar energy (Hopfield networks, dense associative
    memories, predictive coding, AKOrN).

    Subclasses implement `energy(x, args)`, returning a scalar; the state `x` is any
    PyTree of arrays. They may override `vector_field(t, x, args)`, the continuous
    dynamics (Diffrax signature): the default is the gradient flow `-dE/dx`; a model
    may use its own dynamics instead (e.g. `du/dt = -u + W g(u)`, or a projected flow
    on a sphere), as long as `E` never increases along it.

    Discrete updates are declared by subclassing, not guessed:
    [`brainjax.AbstractSynchronousEnergy`][] adds `update` (all units at once) and
    [`brainjax.AbstractAsynchronousEnergy`][] adds `update_unit` (one unit); a model
    with both subclasses both.

    [`brainjax.relax`][] drives any such model to a fixed point, and
    [`brainjax.EnergyFlow`][] hands its continuous dynamics to [`brainjax.simulate`][].
    """

    @abc.abstractmethod
    def energy(self, x: PyTree[Array], args: Any = None) -> Scalar:
        """Return the energy of configuration `x` (a scalar)."""

    def vector_field(self, t: Scalar | float, x: PyTree[Array], args: Any = None) -> PyTree:
        """Return `dx/dt`; by default the gradient flow `-dE/dx`."""
        del t
        return jax.tree.map(jnp.negative, jax.grad(self.energy)(x, args))


class AbstractSynchronousEnergy(AbstractEnergy):
    """An energy model with a discrete synchronous update, which
    [`brainjax.Synchronous`][] iterates (and through which implicit gradients of a
    discrete relaxation flow).

    Subclasses implement, besides `energy`:

    - `update(x, args)`: the state after one update of all units at once (e.g.
      `xi <- X^T softmax(beta X xi)` for a modern Hopfield network). Its fixed points
      are the relaxed states.
    """

    @abc.abstractmethod
    def update(self, x: PyTree[Array], args: Any = None) -> PyTree[Array]:
        """Return the state after one synchronous discrete update."""


class AbstractAsynchronousEnergy(AbstractEnergy):
    """An energy model of units updated one at a time, which
    [`brainjax.Asynchronous`][] sweeps in random order (Hopfield 1982). The state is a
    single array.

    Subclasses implement, besides `energy`:

    - `update_unit(x, i, args)`: the state after the update of unit `i` alone (flat
      index), given the current values of the others; it must never increase `E`.
    """

    @abc.abstractmethod
    def update_unit(self, x: Array, i: Int[Array, ""], args: Any = None) -> Array:
        """Return the state after the asynchronous update of unit `i`."""
