"""`fit`: the one training loop of brainjax (optax + Equinox filters)."""

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
from jaxtyping import PRNGKeyArray, PyTree
from tqdm.auto import tqdm


class FitResult(eqx.Module):
    """What [`brainjax.fit.fit`][] returns.

    - `model`: the trained model.
    - `opt_state`: the final optimiser state (to continue training).
    - `history`: the loss of every step (NumPy array).
    - `step`: the number of steps taken.
    """

    model: Any
    opt_state: Any
    history: np.ndarray
    step: int = eqx.field(static=True)


def _batches(data: PyTree, batch_size: int | None, key: PRNGKeyArray) -> Iterator[PyTree]:
    """Endless shuffled mini-batches over the leading axis of every leaf of `data`."""
    n = len(jax.tree.leaves(data)[0])
    if batch_size is None or batch_size >= n:
        while True:
            yield data
    epoch = 0
    while True:
        order = np.asarray(jax.random.permutation(jax.random.fold_in(key, epoch), n))
        for start in range(0, n - batch_size + 1, batch_size):
            index = order[start : start + batch_size]
            yield jax.tree.map(lambda x, index=index: x[index], data)
        epoch += 1


def _nonfinite_leaves(tree: PyTree) -> list[str]:
    leaves = jax.tree_util.tree_flatten_with_path(tree)[0]
    return [
        jax.tree_util.keystr(path)
        for path, leaf in leaves
        if eqx.is_inexact_array(leaf) and not bool(jnp.all(jnp.isfinite(leaf)))
    ]


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
    callback: Callable[[int, float, Any], bool | None] | None = None,
) -> FitResult:
    """Minimise `loss_fn(model, batch)` over the trainable leaves of `model`.

    **Arguments:**

    - `model`: any PyTree (usually an `eqx.Module`).
    - `loss_fn`: `(model, batch) -> scalar` (or `(scalar, aux)`; aux is ignored).
      `batch` is `None` when there is no `data`.
    - `optimizer`: an optax transformation, e.g.
      `optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-3))`.
    - `steps`: number of optimiser steps.
    - `data`: a PyTree of arrays with a common leading (example) axis, shuffled into
      mini-batches of `batch_size` (all of it when `None`), or an iterable of batches.
    - `filter_spec`: which leaves train: a function of a leaf (default: all float
      arrays) or a PyTree of bools like `model` (see `eqx.partition`); the rest stay
      frozen.
    - `opt_state`: resume from this optimiser state.
    - `key`: shuffling key (default `jax.random.key(0)`).
    - `progress`: tqdm progress bar showing the loss.
    - `callback`: `callback(step, loss, model)`, called after every step; returning
      `True` stops training early.

    Training stops with a `FloatingPointError` naming the step and the leaves when the
    loss or a parameter becomes NaN or infinite.

    **Example:**

    ```python
    result = bj.fit.fit(model, loss, optimizer=optax.adam(1e-2), steps=200)
    result.model, result.history
    ```
    """
    if steps < 1:
        raise ValueError(f"`steps` must be >= 1, got {steps!r}.")
    key = jax.random.key(0) if key is None else key
    params, static = eqx.partition(model, filter_spec)
    opt_state = optimizer.init(params) if opt_state is None else opt_state

    @eqx.filter_jit
    def train_step(params, opt_state, batch):
        def loss_of(p):
            out = loss_fn(eqx.combine(p, static), batch)
            return out[0] if isinstance(out, tuple) else out

        loss, grads = eqx.filter_value_and_grad(loss_of)(params)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        params = eqx.apply_updates(params, updates)
        finite = jnp.all(
            jnp.stack(
                [jnp.array(True)]
                + [
                    jnp.all(jnp.isfinite(x))
                    for x in jax.tree.leaves(eqx.filter(params, eqx.is_inexact_array))
                ]
            )
        )
        return params, opt_state, loss, finite

    if data is None:
        batches: Iterator = iter(lambda: None, 0)
    elif isinstance(data, Iterable) and not isinstance(
        data, (dict, tuple, list, jax.Array, np.ndarray)
    ):
        batches = iter(data)
    else:
        batches = _batches(data, batch_size, key)
    history = []
    bar = tqdm(range(steps), desc="fit", disable=not progress, leave=False)
    for step in bar:
        params, opt_state, loss, finite = train_step(params, opt_state, next(batches))
        loss = float(loss)
        history.append(loss)
        if not (np.isfinite(loss) and bool(finite)):
            bad = _nonfinite_leaves(params)
            raise FloatingPointError(
                f"training diverged at step {step}: loss = {loss}"
                + (f", non-finite parameters: {', '.join(bad)}" if bad else "")
                + ". Lower the learning rate or clip gradients (optax.clip_by_global_norm)."
            )
        bar.set_postfix(loss=f"{loss:.4g}")
        if callback is not None and callback(step, loss, eqx.combine(params, static)):
            break
    return FitResult(
        model=eqx.combine(params, static),
        opt_state=opt_state,
        history=np.asarray(history),
        step=len(history),
    )
