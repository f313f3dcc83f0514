"""The input contract: `init`, `value`, `advance` for every input."""

import abc
from typing import Any, ClassVar

import equinox as eqx
from jaxtyping import Array, ArrayLike, PRNGKeyArray, PyTree

# An input's state: a PyTree of arrays, or `None` for inputs without memory.
InputState = PyTree[Array] | None


class AbstractInput(eqx.Module):
    """An input signal handed to a model as `args` by [`brainjax.simulate`][].

    Every input implements the same three methods; the fixed-step (spiking) path of
    `simulate` carries the state through its scan, the other paths use inputs
    without state only:

    - `init(dt, key)`: the state at the start (`None` for inputs without memory).
    - `value(t, state, *, dt=None, key=None)`: the value held over the step that
      starts at `t` (ms) in `state`.
    - `advance(state, t, *, dt, key)`: the state one step of `dt` ms after `t`.

    Stochastic inputs (`stochastic = True`) need the step `dt` (ms) and a key; they
    are only available to the fixed-step path. Calling an input, `input(t, dt=...,
    key=...)`, is `value(t, None, ...)`: inputs with memory raise `ValueError` then.
    Inputs without memory subclass [`brainjax.inputs.AbstractStatelessInput`][].
    """

    stochastic: ClassVar[bool] = False

    @abc.abstractmethod
    def init(self, dt: float, key: PRNGKeyArray | None) -> InputState:
        """Return the state at the start of the simulation (`None`: no memory)."""

    @abc.abstractmethod
    def value(
        self,
        t: ArrayLike,
        state: InputState,
        *,
        dt: float | None = None,
        key: PRNGKeyArray | None = None,
    ) -> Array:
        """Return the input value held over the step that starts at `t` (ms) in `state`."""

    @abc.abstractmethod
    def advance(
        self, state: InputState, t: ArrayLike, *, dt: float, key: PRNGKeyArray | None
    ) -> InputState:
        """Return the state one step of `dt` ms after `t`."""

    def __call__(
        self, t: ArrayLike, *, dt: float | None = None, key: PRNGKeyArray | None = None
    ) -> Array:
        """The value at `t` (ms) of an input without memory: `value(t, None, ...)`."""
        return self.value(t, None, dt=dt, key=key)

    def __add__(self, other: Any) -> "AbstractInput":
        """`a + b`: the [`brainjax.inputs.Sum`][] of two inputs (or an input and a number,
        array or callable of `t` in ms)."""
        from ._sum import Sum

        return Sum(self, other)

    def __radd__(self, other: Any) -> "AbstractInput":
        from ._sum import Sum

        return Sum(other, self)


class AbstractStatelessInput(AbstractInput):
    """An input without memory across steps: its value depends on `t` (and, when
    stochastic, on `dt` and the key) only. Subclasses implement `value` and ignore its
    `state`, which is always `None`.

    **Example:**

    ```python
    class Ramp(bj.inputs.AbstractStatelessInput):
        slope: float  # pA / ms

        def value(self, t, state, *, dt=None, key=None):
            return self.slope * jnp.asarray(t)
    ```
    """

    def init(self, dt, key):
        return None

    def advance(self, state, t, *, dt, key):
        return state
