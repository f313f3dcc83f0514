"""How a projection propagates spikes: the option objects `Dense` and `EventDriven`,
and their kernels (a dense product, or the rows of the spiking neurons only)."""

from collections.abc import Callable, Sequence

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Bool, Float, Int

from .._validate import check_count
from ._ring_buffer import RingBuffer


class Dense(eqx.Module):
    """Propagate with a dense `(n_pre, n_post)` weight matrix: `increment = spikes @ W`.
    Work ~ n_pre x n_post per step; differentiable in the spikes and the weights (the
    path to train a network by backpropagation through time).

    **Example:** `bj.Projection("in", "out", w, syn, propagation=bj.network.Dense())`.
    """


class EventDriven(eqx.Module):
    """Propagate only from the neurons that spiked: their rows of the connectivity
    (stored per presynaptic neuron, padded to the largest out-degree) are gathered and
    scatter-added onto their targets. Work ~ spikes x fan-out per step.

    `max_spikes`: the number of spiking rows handled in one pass (default:
    `max(16, n_pre // 400)`, i.e. a population rate up to 25 Hz at dt = 0.1 ms); the
    work of a pass is `max_spikes x fan-out` whatever the number of spikes, and busier
    steps loop over further passes, so no spike is ever dropped. Gradients flow to the
    weights but not through the spikes: use [`brainjax.network.Dense`][] to train.

    **Example:** `bj.network.EventDriven(max_spikes=64)`.
    """

    max_spikes: int | None = eqx.field(default=None, static=True)

    def __check_init__(self):
        if self.max_spikes is not None:
            check_count("max_spikes", self.max_spikes)

    def pass_size(self, n_pre: int) -> int:
        """The number of spiking rows handled in one pass, for `n_pre` neurons."""
        return min(self.max_spikes or max(16, n_pre // 400), n_pre)


_BLOCK = 32


def spiking_rows(active: Bool[Array, " n"], size: int) -> Int[Array, " size"]:
    """The indices of (up to) `size` true entries of `active`, padded with `n`.

    `lax.top_k` on the 0/1 values finds them (on CPU several times faster than
    `jnp.nonzero(size=...)`, whose cumulative sum dominates a network step); for large
    `n`, a first `top_k` over blocks of 32 flags selects the blocks that hold spikes
    and a second one picks the spikes within those blocks, so the cost stays ~ `n`.
    """
    n = active.shape[0]
    if n < 4 * _BLOCK * size:
        values, rows = jax.lax.top_k(active.astype(jnp.float32), size)
        return jnp.where(values > 0, rows, n)
    blocks = jnp.pad(active, (0, (-n) % _BLOCK)).reshape(-1, _BLOCK)
    _, chosen = jax.lax.top_k(blocks.any(axis=1).astype(jnp.float32), size)
    values, within = jax.lax.top_k(blocks[chosen].astype(jnp.float32).ravel(), size)
    rows = (chosen[:, None] * _BLOCK + jnp.arange(_BLOCK)).ravel()[within]
    return jnp.where(values > 0, rows, n)


def dense_pass(
    buffer: RingBuffer,
    weights: Float[Array, "n_pre n_post"],
    spikes: Float[Array, " n_pre"],
    lag: int,
    slots: Int[Array, "n_pre n_post"] | None,
) -> RingBuffer:
    """Add `spikes @ weights` to `buffer`, `lag` steps ahead, or each synapse at its
    own slot (`slots`, see [`brainjax.network.RingBuffer.scatter_slots`][])."""
    if slots is not None:
        return buffer.scatter_slots(slots, spikes[:, None] * weights)
    return buffer.add_row(spikes @ weights, lag)


def event_pass(
    buffer: RingBuffer,
    weights: Float[Array, "rows width"],
    targets: Int[Array, "rows width"],
    rows: Int[Array, " size"],
    scale: Float[Array, " n_pre"] | None,
    lag: int,
    slots: Int[Array, "rows width"] | None,
) -> RingBuffer:
    """Scatter-add the weight rows `rows` (spiking neurons, padded with the all-zero
    last row) onto their targets in `buffer`; `scale`: per-neuron factors of the spikes
    (short-term plasticity), if any."""
    values = weights[rows]
    if scale is not None:
        values = values * jnp.append(scale, 0.0)[rows][:, None]
    if slots is not None:
        return buffer.scatter_slots(slots[rows], values)
    return buffer.scatter(targets[rows], values, lag)


def event_driven(
    active: Bool[Array, " n"],
    size: int,
    chunk: Callable[[tuple, Int[Array, " size"]], tuple],
    buffers: Sequence[RingBuffer],
) -> tuple:
    """Run `chunk(buffers, rows)` over all spiking rows of `active`, `size` at a time.

    The first `size` spiking rows take one pass; a busier step loops over the rest
    (`lax.while_loop` under a `lax.cond`), so no spike is ever dropped."""

    def rest(bufs, left):
        def body(carry):  # `size` spiking rows at a time, until none is left
            left, bufs = carry
            rows = spiking_rows(left, size)
            return left.at[rows].set(False, mode="drop"), chunk(bufs, rows)

        return jax.lax.while_loop(lambda c: jnp.any(c[0]), body, (left, bufs))[1]

    rows = spiking_rows(active, size)
    bufs = chunk(tuple(buffers), rows)
    left = active.at[rows].set(False, mode="drop")
    return jax.lax.cond(jnp.sum(active) > size, rest, lambda bufs, left: bufs, bufs, left)
