"""`RingBuffer`: `depth` rows of `width` values, indexed relative to a moving head;
the delay line of network projections and of `DelayScan`."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float, Int, Shaped


class RingBuffer(eqx.Module):
    """A ring of `depth` rows of `width` values, stored flat, with the row of the
    current step at `head`. Row `(head + k) % depth` is `k` steps ahead.

    Two uses share it:

    - **Future input** (network projections): spikes emitted now are added `lag`
      steps ahead ([`add_row`][brainjax.network.RingBuffer.add_row],
      [`scatter`][brainjax.network.RingBuffer.scatter], or per synapse with
      [`scatter_slots`][brainjax.network.RingBuffer.scatter_slots]); each step
      [`pop`][brainjax.network.RingBuffer.pop] reads the row due now, clears it and
      advances the head.
    - **Past output** (delayed models, `mirrored=True`): each step
      [`push`][brainjax.network.RingBuffer.push] writes the current row,
      [`gather`][brainjax.network.RingBuffer.gather] reads entries written `lag` steps
      ago (lag 0: the row just pushed), then
      [`advance`][brainjax.network.RingBuffer.advance]. A mirrored buffer keeps every
      row twice (rows `p` and `p + depth`), so a gather needs no wrap-around.

    The head may be a float (so that a buffer inside a model state passes through
    Diffrax solvers, whose vector field leaves it unchanged) or an integer.

    **Example:**

    ```python
    buf = bj.network.RingBuffer.zeros(depth=3, width=2)
    buf = buf.add_row(jnp.array([1.0, 2.0]), lag=2)   # due in two steps
    row, buf = buf.pop()                               # now: [0, 0]
    ```
    """

    data: Float[Array, " size"]
    head: Shaped[Array, ""]
    depth: int = eqx.field(static=True)
    width: int = eqx.field(static=True)
    mirrored: bool = eqx.field(default=False, static=True)

    @classmethod
    def zeros(cls, depth: int, width: int, *, head_dtype=float) -> "RingBuffer":
        """An empty buffer (all zeros), head at row 0."""
        return cls(jnp.zeros((depth * width,)), jnp.zeros((), head_dtype), depth, width)

    @classmethod
    def constant(cls, row: Float[Array, " width"], depth: int) -> "RingBuffer":
        """A mirrored buffer whose past rows all equal `row` (a constant history),
        head at row 0 and an integer head."""
        data = jnp.tile(row, 2 * depth)
        return cls(data, jnp.zeros((), jnp.int32), depth, row.shape[0], mirrored=True)

    def _row(self) -> Int[Array, ""]:
        return self.head.astype(jnp.int32)

    def _with_data(self, data: Array) -> "RingBuffer":
        return RingBuffer(data, self.head, self.depth, self.width, self.mirrored)

    # ----------------------------------------------------------------- future input

    def add_row(self, increment: Float[Array, " width"], lag: int) -> "RingBuffer":
        """Add a whole row of values `lag` (static, `< depth`) steps ahead."""
        if self.depth == 1:
            return self._with_data(self.data + increment)
        start = ((self._row() + lag) % self.depth) * self.width
        old = jax.lax.dynamic_slice(self.data, (start,), (self.width,))
        return self._with_data(jax.lax.dynamic_update_slice(self.data, old + increment, (start,)))

    def scatter(self, columns: Int[Array, "..."], values: Float[Array, "..."], lag: int):
        """Add `values` at `columns` of the row `lag` (static) steps ahead (repeated
        columns add up)."""
        index = columns
        if self.depth > 1:
            index = columns + ((self._row() + lag) % self.depth) * self.width
        return self._with_data(self.data.at[index].add(values))

    @staticmethod
    def slots(lags: ArrayLike, columns: ArrayLike, width: int) -> Int[Array, "..."]:
        """Per-entry slots `lags * width + columns` (relative to the head) for
        [`scatter_slots`][brainjax.network.RingBuffer.scatter_slots]."""
        return jnp.asarray(np.asarray(lags) * width + np.asarray(columns), dtype=jnp.int32)

    def scatter_slots(self, slots: Int[Array, "..."], values: Float[Array, "..."]):
        """Add `values` at precomputed slots (`lag * width + column`, see
        [`slots`][brainjax.network.RingBuffer.slots]): each entry its own lag."""
        index = jnp.remainder(slots + self._row() * self.width, self.data.shape[0])
        return self._with_data(self.data.at[index].add(values))

    def pop(self) -> tuple[Float[Array, " width"], "RingBuffer"]:
        """The row due now, and the buffer with that row cleared and the head advanced."""
        rows = self.data.reshape(self.depth, self.width)
        head = self._row()
        data = rows.at[head].set(0.0).reshape(-1)
        advanced = ((head + 1) % self.depth).astype(self.head.dtype)
        return rows[head], RingBuffer(data, advanced, self.depth, self.width, self.mirrored)

    # ------------------------------------------------------------------- past output

    def push(self, row: Float[Array, " width"]) -> "RingBuffer":
        """Write `row` as the current row (both copies when mirrored)."""
        start = self._row() * self.width
        data = jax.lax.dynamic_update_slice(self.data, row, (start,))
        if self.mirrored:
            data = jax.lax.dynamic_update_slice(data, row, (start + self.depth * self.width,))
        return self._with_data(data)

    def lag_index(self, lags: ArrayLike, columns: ArrayLike) -> Int[Array, "..."]:
        """Precomputed indices for [`gather`][brainjax.network.RingBuffer.gather]:
        entry `e` reads column `columns[e]` as pushed `lags[e]` (`0 <= lag < depth`)
        steps ago."""
        lags, columns = np.asarray(lags), np.asarray(columns)
        return jnp.asarray((self.depth - lags) * self.width + columns, dtype=jnp.int32)

    def gather(self, index: Int[Array, "..."]) -> Float[Array, "..."]:
        """The past values at `index` (from
        [`lag_index`][brainjax.network.RingBuffer.lag_index])."""
        flat = index + self._row() * self.width
        if not self.mirrored:
            flat = jnp.remainder(flat, self.data.shape[0])
        return self.data[flat]

    def advance(self) -> "RingBuffer":
        """The buffer with its head moved one row on."""
        head = ((self._row() + 1) % self.depth).astype(self.head.dtype)
        return RingBuffer(self.data, head, self.depth, self.width, self.mirrored)
