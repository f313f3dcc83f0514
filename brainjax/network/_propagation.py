"""How a projection propagates spikes: the option objects `Dense` and `EventDriven`,
and their kernels (a dense product, or the rows of the spiking neurons only)."""

from collections.abc import Callable, Sequence
from functools import partial
from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
from jax.custom_derivatives import SymbolicZero
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
    steps loop over further passes, so no spike is ever dropped.

    **Differentiable** like [`brainjax.network.Dense`][] (same gradients, tested): each
    row is multiplied by its spike value, and a custom JVP defines the derivative as
    that of the dense `spikes @ W`, so surrogate gradients flow through the spikes
    (also of neurons that did not fire), the short-term plasticity efficacies, the
    weights (on the stored synapses only; padding gets zero), plastic (STDP) weights
    and the synaptic parameters, in reverse mode (`jax.grad`, BPTT) and forward mode
    (`jax.jvp`). The busy-step loop is never differentiated. Cost: the forward pass is
    unchanged; the backward pass of a step touches every stored synapse once (a gather
    of the cotangent at each synapse's target slot, ~ the number of synapses, not
    spikes x fan-out) and stores only the spike values and the ring-buffer head per
    step (the synapse index arrays are recomputed, not saved).

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


class Line(NamedTuple):
    """The static layout of one event-driven projection's delay line: ring-buffer
    `depth` and `width`, the common `lag` (steps), and whether each synapse carries its
    own slot (`slotted`, heterogeneous delays)."""

    depth: int
    width: int
    lag: int
    slotted: bool


def _flat_index(line: Line, head: Array, index: Int[Array, "..."]) -> Int[Array, "..."]:
    """Positions in the flat ring-buffer data of synapses with targets (or, slotted,
    slots) `index`: as [`brainjax.network.RingBuffer.scatter`][] and
    [`brainjax.network.RingBuffer.scatter_slots`][] place them."""
    if line.depth == 1:
        return index
    row = head.astype(jnp.int32)
    if line.slotted:
        return jnp.remainder(index + row * line.width, line.depth * line.width)
    return index + ((row + line.lag) % line.depth) * line.width


@partial(jax.custom_jvp, nondiff_argnums=(0, 1))
def event_push(
    size: int,
    lines: tuple[Line, ...],
    active: Bool[Array, " n_pre"],
    datas: tuple[Float[Array, " flat"], ...],
    heads: tuple[Array, ...],
    sent: tuple[Float[Array, " n_pre"], ...],
    weights: tuple[Float[Array, "rows width"], ...],
    index: tuple[Int[Array, "rows width"], ...],
    degrees: tuple[Int[Array, " rows"] | None, ...],
) -> tuple[Float[Array, " flat"], ...]:
    """Add `sent[k] @ W_k` to the ring-buffer data `datas[k]` of every projection `k`
    sharing the presynaptic population, touching only the rows where `active`.

    `weights[k]`/`index[k]`: padded rows (one per presynaptic neuron, plus an all-zero
    last row) of weights and targets (or ring-buffer slots); `sent[k]`: the spike
    values (0/1, or scaled by short-term plasticity); `degrees[k]`: the number of
    stored synapses per row (the rest is padding). The spike values multiply their rows,
    so the result is `spikes @ W` exactly as the dense product.

    Differentiable (a custom JVP, hence forward and reverse mode): the tangent is the
    sparse product over all rows (a spike's surrogate derivative is non-zero where it
    did not fire), and its transpose gives, w.r.t. the spike values, the transposed
    sparse product, and w.r.t. the weights, the spike value times the cotangent at the
    synapse's target slot, on stored synapses only (zero on padding). No derivative
    passes through the busy-step `while_loop`."""

    padded = [jnp.append(s, 0.0) for s in sent]  # row `n_pre`: the all-zero padding row

    def chunk(datas, rows):
        out = []
        for line, d, h, s, w, ix in zip(lines, datas, heads, padded, weights, index):
            values = w[rows] * s[rows][:, None]
            out.append(d.at[_flat_index(line, h, ix[rows])].add(values))
        return tuple(out)

    return event_driven(active, size, chunk, datas)


def _is_zero(t) -> bool:
    return isinstance(t, SymbolicZero)


def _event_push_jvp(size, lines, primals, tangents):
    active, datas, heads, sent, weights, index, degrees = primals
    _, d_datas, _, d_sent, d_weights, _, _ = tangents
    out = event_push(size, lines, active, datas, heads, sent, weights, index, degrees)
    d_out = []
    for k, line in enumerate(lines):
        ds, dw = d_sent[k], d_weights[k]
        if _is_zero(ds) and _is_zero(dw):
            increment = None
        else:
            ds = None if _is_zero(ds) else ds
            dw = None if _is_zero(dw) else dw
            args = (heads[k], sent[k], weights[k], index[k], degrees[k], ds, dw)
            increment = jax.checkpoint(partial(_tangent, line, out[k].dtype))(*args)
        dd = d_datas[k]
        if _is_zero(dd):
            dd = jnp.zeros_like(out[k]) if increment is None else increment
        elif increment is not None:
            dd = dd + increment
        d_out.append(dd)
    return out, tuple(d_out)


event_push.defjvp(_event_push_jvp, symbolic_zeros=True)


def _tangent(line: Line, dtype, head, sent, weights, index, degrees, d_sent, d_weights):
    """The tangent increment over all rows (recomputed, not stored, in reverse mode)."""
    values = 0.0
    if d_sent is not None:
        values = jnp.append(d_sent, 0.0)[:, None] * weights
    if d_weights is not None:
        values = values + jnp.append(sent, 0.0)[:, None] * d_weights
    if degrees is not None:  # stored synapses only
        values = jnp.where(jnp.arange(weights.shape[1]) < degrees[:, None], values, 0.0)
    flat = jnp.zeros((line.depth * line.width,), dtype)
    return flat.at[_flat_index(line, head, index)].add(values)


def event_driven(
    active: Bool[Array, " n"],
    size: int,
    chunk: Callable[[tuple, Int[Array, " size"]], tuple],
    buffers: Sequence,
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
