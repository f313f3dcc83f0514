"""Sums of inputs: `drive + OUNoise(...)`, `Function + Step`, `inputs=[a, b]`."""

from typing import Any

import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, PRNGKeyArray

from ._base import AbstractInput, InputState
from ._signals import Constant, Function


def as_input(x: Any) -> AbstractInput:
    """`x` as an input: inputs stay, lists/tuples become `Sum`, callables `Function`,
    numbers and arrays `Constant`."""
    if isinstance(x, AbstractInput):
        return x
    if type(x) in (list, tuple):
        if x and all(isinstance(v, int | float) for v in x):
            raise ValueError(
                f"a list or tuple of inputs means their sum; got plain numbers {x!r}: "
                "pass an array (`jnp.array([...])`) for one value per neuron."
            )
        return Sum(*x)
    if callable(x):
        return Function(x)
    return Constant(x)


def _fold(key: PRNGKeyArray | None, index: int, term: AbstractInput) -> PRNGKeyArray | None:
    return None if key is None or not term.stochastic else jax.random.fold_in(key, index)


class Sum(AbstractInput):
    """The sum of several inputs, evaluated at the same time and added (broadcast), e.g.
    a drive plus Ornstein-Uhlenbeck noise. `a + b`, `a + 300.0` and
    `simulate(inputs=[a, b])` all build one. Each term keeps its own state (a tuple,
    one entry per term) and its own key (folded from the sum's key by its position),
    so a `Sum` has memory or needs a key exactly when one of its terms does.

    **Arguments:** the terms: inputs, numbers/arrays (`Constant`), callables of `t` in
    ms (`Function`), or lists/tuples of them; nested sums are flattened.

    **Example:**

    ```python
    drive = bj.inputs.Step(amplitude=300.0, start=10.0)  # pA, ms
    noise = bj.inputs.OUNoise(mean=0.0, sigma=50.0, tau=5.0, n=100)  # pA, ms
    total = drive + noise  # == bj.inputs.Sum(drive, noise)
    sol = bj.simulate(bj.neurons.LIF(n=100), t1=200.0, dt=0.1, inputs=total,
                      key=jax.random.key(0))
    ```
    """

    terms: tuple[AbstractInput, ...]

    def __init__(self, *terms: Any):
        flat: list[AbstractInput] = []
        for term in terms:
            term = as_input(term)
            flat.extend(term.terms if isinstance(term, Sum) else (term,))
        if not flat:
            raise ValueError("`Sum` needs at least one input.")
        self.terms = tuple(flat)

    @property
    def stochastic(self) -> bool:  # pyright: ignore[reportIncompatibleVariableOverride]
        return any(term.stochastic for term in self.terms)

    def init(self, dt: float, key: PRNGKeyArray | None) -> InputState:
        states = tuple(term.init(dt, _fold(key, i, term)) for i, term in enumerate(self.terms))
        return None if all(s is None for s in states) else states

    def value(
        self,
        t: ArrayLike,
        state: InputState,
        *,
        dt: float | None = None,
        key: PRNGKeyArray | None = None,
    ) -> Array:
        states = (None,) * len(self.terms) if state is None else state
        values = [
            term.value(t, s, dt=dt, key=_fold(key, i, term))
            for i, (term, s) in enumerate(zip(self.terms, states))
        ]
        total = values[0]
        for v in values[1:]:
            total = jnp.add(total, v)
        return jnp.asarray(total)

    def advance(
        self, state: InputState, t: ArrayLike, *, dt: float, key: PRNGKeyArray | None
    ) -> InputState:
        if state is None:
            return None
        return tuple(
            term.advance(s, t, dt=dt, key=_fold(key, i, term))
            for i, (term, s) in enumerate(zip(self.terms, state))
        )
