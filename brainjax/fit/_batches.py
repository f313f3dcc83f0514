"""`batches`: reproducible shuffled mini-batches of a PyTree of arrays."""

from collections.abc import Iterator

import jax
import numpy as np
from jaxtyping import PRNGKeyArray, PyTree

from .._validate import check_count


def batches(
    data: PyTree, batch_size: int | None, key: PRNGKeyArray, start: int = 0
) -> Iterator[PyTree]:
    """Endless shuffled mini-batches over the leading (example) axis of every leaf of
    `data`, starting at batch number `start`.

    Each epoch draws a fresh permutation from `fold_in(key, epoch)` and yields its
    `n // batch_size` full batches (the last partial batch is dropped); with
    `batch_size=None` (or at least `n`), every batch is all of `data`. Batch `start`
    of a new iterator equals batch `start` of an uninterrupted one, so a resumed run
    sees the same batches.

    **Example:**

    ```python
    data = {"x": xs, "y": ys}                      # common leading axis
    it = bj.fit.batches(data, 32, jax.random.key(0))
    batch = next(it)                               # {"x": (32, ...), "y": (32, ...)}
    ```
    """
    leaves = jax.tree.leaves(data)
    sizes = {len(x) if np.ndim(x) else 0 for x in leaves}
    if not leaves or sizes == {0}:
        raise ValueError("`data` is empty: it needs at least one example.")
    if len(sizes) != 1:
        raise ValueError(f"every leaf of `data` needs the same leading size, got {sorted(sizes)}.")
    if batch_size is not None:
        check_count("batch_size", batch_size)
    if isinstance(start, bool) or not isinstance(start, int) or start < 0:
        raise ValueError(f"`start` must be an integer >= 0, got {start!r}.")
    (n,) = sizes
    return _shuffled(data, n, batch_size, key, start)


def _shuffled(
    data: PyTree, n: int, batch_size: int | None, key: PRNGKeyArray, start: int
) -> Iterator[PyTree]:
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
