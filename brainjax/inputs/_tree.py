"""PyTrees of inputs: what the integrators call at every step."""

from typing import Any

import jax
from jaxtyping import Array, ArrayLike, PRNGKeyArray, PyTree

from ._base import AbstractInput
from ._sum import as_input as _as_input


def _is_input_leaf(x: Any) -> bool:
    return isinstance(x, AbstractInput) or callable(x) or type(x) in (list, tuple)


def normalise(inputs: PyTree[Any]) -> PyTree[AbstractInput]:
    """Convert numbers, arrays and callables in `inputs` to `AbstractInput`s; a list or
    tuple of inputs means their sum ([`brainjax.inputs.Sum`][])."""
    return jax.tree.map(_as_input, inputs, is_leaf=_is_input_leaf)


def is_stochastic(inputs: PyTree[AbstractInput]) -> bool:
    """Whether any input in the PyTree needs a key."""
    leaves = jax.tree.leaves(inputs, is_leaf=_is_input_leaf)
    return any(isinstance(leaf, AbstractInput) and leaf.stochastic for leaf in leaves)


def _key(key: PRNGKeyArray | None, index: int) -> PRNGKeyArray | None:
    return None if key is None else jax.random.fold_in(key, index)


def _stochastic_key(leaf: AbstractInput, key: PRNGKeyArray | None, index: int):
    # Only stochastic inputs draw when they start or advance: no key work for the others.
    return _key(key, index) if leaf.stochastic else None


def evaluate(
    inputs: PyTree[Any],
    t: ArrayLike,
    *,
    dt: float | None = None,
    key: PRNGKeyArray | None = None,
    state: list | None = None,
) -> PyTree[Array]:
    """Evaluate a PyTree of inputs at time `t` (ms); each input gets its own key folded
    from `key`. Inputs read their state from `state` (one entry per input leaf, from
    `init_state` / `advance`; without it, inputs with memory raise `ValueError`).
    `None` stays `None` (no input)."""
    leaves, treedef = jax.tree.flatten(normalise(inputs), is_leaf=_is_input_leaf)
    states = [None] * len(leaves) if state is None else state
    values = [
        leaf.value(t, s, dt=dt, key=_key(key, index))
        for index, (leaf, s) in enumerate(zip(leaves, states))
    ]
    return jax.tree.unflatten(treedef, values)


def init_state(inputs: PyTree[Any], dt: float, key: PRNGKeyArray | None) -> list:
    """The initial states of the inputs in `inputs` (`None` for inputs without memory),
    one entry per input leaf; stochastic inputs get their own key folded from `key`."""
    leaves = jax.tree.leaves(normalise(inputs), is_leaf=_is_input_leaf)
    return [leaf.init(dt, _stochastic_key(leaf, key, index)) for index, leaf in enumerate(leaves)]


def advance(
    inputs: PyTree[Any], state: list, t: ArrayLike, *, dt: float, key: PRNGKeyArray | None
) -> list:
    """The states of the inputs one step of `dt` ms after `t`."""
    leaves = jax.tree.leaves(normalise(inputs), is_leaf=_is_input_leaf)
    return [
        leaf.advance(s, t, dt=dt, key=_stochastic_key(leaf, key, index))
        for index, (leaf, s) in enumerate(zip(leaves, state))
    ]
