"""`fit`: the one training loop of brainjax, composed of `make_step`, `batches` and
callbacks."""

import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
from jaxtyping import PRNGKeyArray, PyTree

from .._validate import check_count
from ._batches import batches
from ._callbacks import (
    AbstractCallback,
    Checkpoint,
    EarlyStopping,
    FunctionCallback,
    Progress,
    as_callback,
)
from ._checkpoint import FitResult, split
from ._step import AbstractStep, FilterSpec, Loss, Step, make_step


def _strong(tree: PyTree) -> PyTree:
    """Drop weak types (e.g. of `jnp.asarray(2.5)`): updated parameters are strongly
    typed, so weak inputs would make the compiled step trace again on the next call."""
    return jax.tree.map(lambda x: jnp.asarray(x, x.dtype) if eqx.is_array(x) else x, tree)


def _nonfinite_leaves(tree: PyTree) -> list[str]:
    leaves = jax.tree_util.tree_flatten_with_path(tree)[0]
    return [
        jax.tree_util.keystr(path)
        for path, leaf in leaves
        if eqx.is_inexact_array(leaf) and not bool(jnp.all(jnp.isfinite(leaf)))
    ]


def as_batches(data: Any, batch_size: int | None, key: PRNGKeyArray, start: int) -> Iterator:
    """`fit`'s `data`: `None` (batch `None` forever), an iterable of batches, or a
    PyTree of arrays to shuffle with [`brainjax.fit.batches`][]."""
    if data is None:
        return iter(lambda: None, 0)
    if isinstance(data, Iterable) and not isinstance(
        data, (dict, tuple, list, jax.Array, np.ndarray)
    ):
        return iter(data)
    return batches(data, batch_size, key, start)


def train(
    step: AbstractStep,
    model: PyTree,
    data: Iterator,
    *,
    steps: int,
    opt_state: PyTree = None,
    initial_step: int = 0,
    callbacks: Sequence[AbstractCallback] = (),
) -> FitResult:
    """The loop of [`brainjax.fit.fit`][] for any compiled `step` (also used by the
    incremental predictive-coding trainer)."""
    params, static = split(model, step.filter_spec)
    if not jax.tree.leaves(params):
        raise ValueError(
            "no trainable leaves: `filter_spec` selects nothing (parameters given as Python "
            "floats are constants; pass them as arrays, e.g. jnp.asarray(2.5))."
        )
    params = _strong(params)
    opt_state = _strong(step.optimizer.init(params) if opt_state is None else opt_state)
    history, done = np.empty(steps), 0

    def current(copy: bool = False) -> FitResult:
        losses = history[:done]  # a read-only view while training: O(1) per call
        if copy:
            losses = losses.copy()
        else:
            losses.flags.writeable = False
        return FitResult(
            model=eqx.combine(params, static),
            opt_state=opt_state,
            history=losses,
            step=initial_step + done,
        )

    states = [c.init(initial_step, steps) for c in callbacks]
    # Bound once: each access of an Equinox method builds a bound-method module (~20 us).
    update, updates = step.update, [c.update for c in callbacks]
    for index in range(initial_step, initial_step + steps):
        try:
            batch = next(data)
        except StopIteration:
            break
        params, opt_state, loss, finite = update(params, static, opt_state, batch)
        loss = float(loss)
        history[done], done = loss, done + 1
        if not (np.isfinite(loss) and bool(finite)):
            bad = _nonfinite_leaves(params)
            raise FloatingPointError(
                f"training diverged at step {index}: loss = {loss}"
                + (f", non-finite parameters: {', '.join(bad)}" if bad else "")
                + ". Lower the learning rate or clip gradients (optax.clip_by_global_norm)."
            )
        stop = False
        for i, callback_update in enumerate(updates):
            states[i], stop_here = callback_update(states[i], index, loss, current)
            stop = stop or stop_here
        if stop:
            break
    for callback, state in zip(callbacks, states):
        callback.close(state, current)
    return current(copy=True)


_MOVED = {
    "callback": "callbacks=[...]",
    "early_stopping": "callbacks=[bj.fit.EarlyStopping(...)]",
    "checkpoint": "callbacks=[bj.fit.Checkpoint(path, every)]",
    "checkpoint_every": "callbacks=[bj.fit.Checkpoint(path, every)]",
    "steps_per_batch": "bj.predictive_coding.train(rule=bj.predictive_coding.IPC(...))",
    "batch_init": "bj.predictive_coding.train(rule=bj.predictive_coding.IPC(...))",
}


def _deprecated(
    old: dict[str, Any], step: Step
) -> tuple[AbstractStep, list[AbstractCallback], list[AbstractCallback]]:
    """The step and the (before, after) callbacks that `fit`'s deprecated arguments ask
    for, in the order the former `fit` ran them."""
    unknown = set(old) - set(_MOVED)
    if unknown:
        raise TypeError(f"fit() got unexpected keyword arguments {sorted(unknown)}.")
    for name in old:
        message = f"`fit({name}=...)` is deprecated; use {_MOVED[name]}."
        warnings.warn(message, DeprecationWarning, stacklevel=3)
    before: list[AbstractCallback] = []
    after: list[AbstractCallback] = []
    every = check_count("checkpoint_every", old.get("checkpoint_every", 100))
    if old.get("checkpoint") is not None:
        before.append(Checkpoint(old["checkpoint"], every))
    callback: Any = old.get("callback")
    if callback is not None:
        functions: list[Any] = [callback] if callable(callback) else list(callback)
        before += [FunctionCallback(c) for c in functions]
    early = old.get("early_stopping")
    if early is not None:
        if not isinstance(early, EarlyStopping):
            raise ValueError(f"`early_stopping` must be a bj.fit.EarlyStopping, got {early!r}.")
        after.append(early)
    per_batch = check_count("steps_per_batch", old.get("steps_per_batch", 1))
    if per_batch > 1 or old.get("batch_init") is not None:
        from ..predictive_coding._learning import PerBatchStep

        per_batch_step = PerBatchStep(
            loss=step.loss,
            optimizer=step.optimizer,
            filter_spec=step.filter_spec,
            updates=per_batch,
            batch_init=old.get("batch_init"),
        )
        return per_batch_step, before, after
    return step, before, after


def fit(
    model: Any,
    loss_fn: Loss,
    *,
    optimizer: optax.GradientTransformation,
    steps: int,
    data: PyTree | Iterable | None = None,
    batch_size: int | None = None,
    filter_spec: FilterSpec = eqx.is_inexact_array,
    opt_state: Any = None,
    key: PRNGKeyArray | None = None,
    initial_step: int = 0,
    callbacks: Sequence[AbstractCallback | Callable] = (),
    progress: bool = True,
    **deprecated: Any,
) -> FitResult:
    """Minimise `loss_fn(model, batch)` over the trainable leaves of `model`: a loop
    of [`brainjax.fit.make_step`][] over [`brainjax.fit.batches`][], with callbacks.

    **Arguments:**

    - `model`: any PyTree (usually an `eqx.Module`), possibly holding constraint
      wrappers ([`brainjax.fit.Positive`][], [`brainjax.fit.Bounded`][],
      [`brainjax.fit.Fixed`][], ...): `loss_fn` always receives the unwrapped model.
    - `loss_fn`, `optimizer`, `filter_spec`: as for [`brainjax.fit.make_step`][].
      `batch` is `None` when there is no `data`.
    - `steps`: number of optimiser steps of this call.
    - `data`: a PyTree of arrays with a common leading (example) axis, shuffled into
      mini-batches of `batch_size` (all of it when `None`) by
      [`brainjax.fit.batches`][], or an iterable of batches (training ends early when
      it is exhausted).
    - `opt_state`: resume from this optimiser state.
    - `key`: shuffling key (default `jax.random.key(0)`).
    - `initial_step`: the step counter to start from when resuming (it positions the
      mini-batch shuffling, so resuming reproduces an uninterrupted run).
    - `callbacks`: [`brainjax.fit.AbstractCallback`][]s run after every step, in order
      ([`brainjax.fit.Checkpoint`][], [`brainjax.fit.EarlyStopping`][], ...); a plain
      function `f(step, loss, model)` is wrapped in a [`brainjax.fit.FunctionCallback`][].
    - `progress`: show a tqdm bar with the loss (a [`brainjax.fit.Progress`][] first).

    Deprecated (one release): `callback`, `early_stopping`, `checkpoint`,
    `checkpoint_every` (use `callbacks`), `steps_per_batch`, `batch_init` (use
    [`brainjax.predictive_coding.train`][]).

    Training stops with a `FloatingPointError` naming the step, the loss and the
    leaves that became NaN or infinite. The step is compiled once per model
    structure, `loss_fn` and `optimizer`: reuse the same objects to avoid recompiling.

    **Example:**

    ```python
    result = bj.fit.fit(model, loss, optimizer=optax.adam(1e-2), steps=200,
                        callbacks=[bj.fit.EarlyStopping(patience=20)])
    result.model, result.history
    ```
    """
    check_count("steps", steps)
    if isinstance(initial_step, bool) or not isinstance(initial_step, int) or initial_step < 0:
        raise ValueError(f"`initial_step` must be an integer >= 0, got {initial_step!r}.")
    if batch_size is not None:
        check_count("batch_size", batch_size)
    step, before, after = _deprecated(deprecated, make_step(loss_fn, optimizer, filter_spec))
    chain = [Progress()] if progress else []
    chain += before + [as_callback(c) for c in callbacks] + after
    key = jax.random.key(0) if key is None else key
    data = as_batches(data, batch_size, key, initial_step)
    return train(
        step,
        model,
        data,
        steps=steps,
        opt_state=opt_state,
        initial_step=initial_step,
        callbacks=chain,
    )
