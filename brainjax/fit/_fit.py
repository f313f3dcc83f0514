"""`fit`: the one training loop of brainjax (optax + Equinox filters)."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
from jaxtyping import PRNGKeyArray, PyTree
from tqdm.auto import tqdm

from .._validate import check_count
from ._checkpoint import FitResult, save_checkpoint, split
from ._constraints import unwrap


class EarlyStopping(eqx.Module):
    """Stop [`brainjax.fit.fit`][] when the loss has not improved on its best value by
    more than `min_delta` for `patience` consecutive steps.

    **Example:**

    ```python
    bj.fit.fit(model, loss, optimizer=opt, steps=5000,
               early_stopping=bj.fit.EarlyStopping(patience=100, min_delta=1e-6))
    ```
    """

    patience: int = eqx.field(static=True)
    min_delta: float = eqx.field(static=True, default=0.0)

    def __check_init__(self):
        check_count("patience", self.patience)
        if not (np.isfinite(self.min_delta) and self.min_delta >= 0):
            raise ValueError(f"`min_delta` must be >= 0, got {self.min_delta!r}.")


def _batches(
    data: PyTree, batch_size: int | None, key: PRNGKeyArray, start: int
) -> Iterator[PyTree]:
    """Endless shuffled mini-batches over the leading axis of every leaf of `data`,
    starting at batch number `start` (so a resumed run sees the same batches)."""
    leaves = jax.tree.leaves(data)
    sizes = {len(x) if np.ndim(x) else 0 for x in leaves}
    if not leaves or sizes == {0}:
        raise ValueError("`data` is empty: it needs at least one example.")
    if len(sizes) != 1:
        raise ValueError(f"every leaf of `data` needs the same leading size, got {sorted(sizes)}.")
    (n,) = sizes
    if batch_size is None or batch_size >= n:
        while True:
            yield data
    per_epoch = n // batch_size
    epoch, position = divmod(start, per_epoch)
    while True:
        order = np.asarray(jax.random.permutation(jax.random.fold_in(key, epoch), n))
        for batch in range(position, per_epoch):
            index = order[batch * batch_size : (batch + 1) * batch_size]
            yield jax.tree.map(lambda x, index=index: x[index], data)
        epoch, position = epoch + 1, 0


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


def _update(params, static, opt_state, batch, loss_fn, optimizer):
    def loss_of(p):
        out = loss_fn(unwrap(eqx.combine(p, static)), batch)
        return out[0] if isinstance(out, tuple) else out

    loss, grads = eqx.filter_value_and_grad(loss_of)(params)
    updates, opt_state = optimizer.update(grads, opt_state, params)
    return eqx.apply_updates(params, updates), opt_state, loss


@eqx.filter_jit
def _train_step(
    params, static, opt_state, batch, loss_fn, optimizer, steps_per_batch, batch_init, filter_spec
):
    if batch_init is not None:
        params, static = split(batch_init(eqx.combine(params, static), batch), filter_spec)
    params, opt_state, loss = _update(params, static, opt_state, batch, loss_fn, optimizer)
    if steps_per_batch > 1:

        def more(carry, _):
            out = _update(carry[0], static, carry[1], batch, loss_fn, optimizer)
            return out[:2], None

        (params, opt_state), _ = jax.lax.scan(more, (params, opt_state), length=steps_per_batch - 1)
    leaves = jax.tree.leaves(eqx.filter(params, eqx.is_inexact_array))
    finite = jnp.all(jnp.stack([jnp.array(True)] + [jnp.all(jnp.isfinite(x)) for x in leaves]))
    return params, opt_state, loss, finite


def fit(
    model: Any,
    loss_fn: Callable[[Any, Any], Any],
    *,
    optimizer: optax.GradientTransformation,
    steps: int,
    data: PyTree | Iterable | None = None,
    batch_size: int | None = None,
    filter_spec: PyTree | Callable[[Any], bool] = eqx.is_inexact_array,
    opt_state: Any = None,
    key: PRNGKeyArray | None = None,
    progress: bool = True,
    callback: Callable[[int, float, Any], bool | None]
    | Sequence[Callable[[int, float, Any], bool | None]]
    | None = None,
    early_stopping: EarlyStopping | None = None,
    initial_step: int = 0,
    checkpoint: str | Path | None = None,
    checkpoint_every: int = 100,
    steps_per_batch: int = 1,
    batch_init: Callable[[Any, Any], Any] | None = None,
) -> FitResult:
    """Minimise `loss_fn(model, batch)` over the trainable leaves of `model`.

    **Arguments:**

    - `model`: any PyTree (usually an `eqx.Module`), possibly holding constraint
      wrappers ([`brainjax.fit.Positive`][], [`brainjax.fit.Bounded`][],
      [`brainjax.fit.Fixed`][], ...): `loss_fn` always receives the unwrapped model.
    - `loss_fn`: `(model, batch) -> scalar` (or `(scalar, aux)`; aux is ignored).
      `batch` is `None` when there is no `data`.
    - `optimizer`: an optax transformation. Clip gradients by chaining, e.g.
      `optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-3))`.
    - `steps`: number of optimiser steps of this call.
    - `data`: a PyTree of arrays with a common leading (example) axis, shuffled into
      mini-batches of `batch_size` (all of it when `None`), or an iterable of batches
      (training ends early when it is exhausted).
    - `filter_spec`: which leaves train: a function of a leaf (default: all float
      arrays; Python floats are constants, so pass parameters as arrays) or a PyTree
      of bools like `model` (see `eqx.partition`); the rest stay frozen.
    - `opt_state`: resume from this optimiser state.
    - `key`: shuffling key (default `jax.random.key(0)`).
    - `progress`: tqdm progress bar showing the loss.
    - `callback`: `callback(step, loss, model)` (or a list of them), called after
      every step with the unwrapped model; returning `True` stops training.
    - `early_stopping`: an [`brainjax.fit.EarlyStopping`][].
    - `initial_step`: the step counter to start from when resuming (it positions the
      mini-batch shuffling, so resuming reproduces an uninterrupted run).
    - `checkpoint`, `checkpoint_every`: when a path is given, a
      [`brainjax.fit.save_checkpoint`][] is written every `checkpoint_every` steps
      and at the end.
    - `steps_per_batch`: optimiser updates per batch, all inside one compiled step
      (default 1); `steps` then counts batches and `history` holds the loss at the
      first update of each batch.
    - `batch_init`: `batch_init(model, batch) -> model`, applied (compiled) before the
      updates of each batch, e.g. to start per-batch latent variables that train along
      with the parameters (incremental predictive coding).

    Training stops with a `FloatingPointError` naming the step, the loss and the
    leaves that became NaN or infinite. The step is compiled once per model
    structure, `loss_fn` and `optimizer`: reuse the same objects to avoid recompiling.

    **Example:**

    ```python
    result = bj.fit.fit(model, loss, optimizer=optax.adam(1e-2), steps=200)
    result.model, result.history
    ```
    """
    check_count("steps", steps)
    if isinstance(initial_step, bool) or not isinstance(initial_step, int) or initial_step < 0:
        raise ValueError(f"`initial_step` must be an integer >= 0, got {initial_step!r}.")
    if batch_size is not None:
        check_count("batch_size", batch_size)
    check_count("checkpoint_every", checkpoint_every)
    check_count("steps_per_batch", steps_per_batch)
    if not isinstance(optimizer, optax.GradientTransformation):
        raise ValueError(f"`optimizer` must be an optax.GradientTransformation, got {optimizer!r}.")
    if early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
        raise ValueError(
            f"`early_stopping` must be a bj.fit.EarlyStopping, got {early_stopping!r}."
        )
    callbacks = [] if callback is None else [callback] if callable(callback) else list(callback)
    key = jax.random.key(0) if key is None else key
    params, static = split(model, filter_spec)
    if not jax.tree.leaves(params):
        raise ValueError(
            "no trainable leaves: `filter_spec` selects nothing (parameters given as Python "
            "floats are constants; pass them as arrays, e.g. jnp.asarray(2.5))."
        )
    params = _strong(params)
    opt_state = _strong(optimizer.init(params) if opt_state is None else opt_state)

    if data is None:
        batches: Iterator = iter(lambda: None, 0)
    elif isinstance(data, Iterable) and not isinstance(
        data, (dict, tuple, list, jax.Array, np.ndarray)
    ):
        batches = iter(data)
    else:
        batches = _batches(data, batch_size, key, initial_step)
    history: list[float] = []
    best, since_best = np.inf, 0

    def result() -> FitResult:
        return FitResult(
            model=eqx.combine(params, static),
            opt_state=opt_state,
            history=np.asarray(history),
            step=initial_step + len(history),
        )

    bar = tqdm(
        range(initial_step, initial_step + steps), desc="fit", disable=not progress, leave=False
    )
    for step in bar:
        try:
            batch = next(batches)
        except StopIteration:
            break
        params, opt_state, loss, finite = _train_step(
            params,
            static,
            opt_state,
            batch,
            loss_fn,
            optimizer,
            steps_per_batch,
            batch_init,
            None if batch_init is None else filter_spec,
        )
        loss = float(loss)
        history.append(loss)
        if not (np.isfinite(loss) and bool(finite)):
            bad = _nonfinite_leaves(params)
            bar.close()
            raise FloatingPointError(
                f"training diverged at step {step}: loss = {loss}"
                + (f", non-finite parameters: {', '.join(bad)}" if bad else "")
                + ". Lower the learning rate or clip gradients (optax.clip_by_global_norm)."
            )
        bar.set_postfix(loss=f"{loss:.4g}")
        if checkpoint is not None and (step + 1) % checkpoint_every == 0:
            save_checkpoint(checkpoint, result())
        stop = False
        if callbacks:
            plain = unwrap(eqx.combine(params, static))
            stop = any([bool(c(step, loss, plain)) for c in callbacks])
        if early_stopping is not None:
            if loss < best - early_stopping.min_delta:
                best, since_best = loss, 0
            else:
                since_best += 1
            stop = stop or since_best >= early_stopping.patience
        if stop:
            break
    bar.close()
    if checkpoint is not None:
        save_checkpoint(checkpoint, result())
    return result()
