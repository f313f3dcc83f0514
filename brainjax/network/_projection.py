"""A projection as the user writes it (`Projection`, a spec) and as the network runs
it (`BuiltProjection`: index arrays, weights, delays)."""

import equinox as eqx
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float, Int, PRNGKeyArray

from .. import connect as _connect  # (only used at call time: `connect` imports this package)
from .._validate import check_finite
from ..plasticity import AbstractRule
from ..synapses import AbstractShortTermPlasticity, AbstractSynapse
from ._propagation import Dense, EventDriven


class Projection(eqx.Module):
    """Synaptic connections from population `pre` to population `post`.

    **Arguments:**

    - `pre`, `post`: population names in the [`brainjax.Network`][].
    - `connectivity`: a rule from [`brainjax.connect`][] (e.g.
      `bj.connect.FixedProb(0.02, weight=0.6, delay=1.5)`), or a dense `(n_pre, n_post)`
      weight matrix, entry `[i, j]` being the jump of the synaptic variable of `post`
      neuron `j` when `pre` neuron `i` spikes (pA for current synapses, nS for
      conductance synapses; zero means not connected; no delay).
    - `synapse`: the synapse model (e.g. [`brainjax.synapses.Exponential`][]).
    - `stp`: optional short-term plasticity of the presynaptic release (e.g.
      [`brainjax.synapses.TsodyksMarkram`][]); it scales each spike before delivery.
    - `plasticity`: optional long-term plasticity rule of the weights (e.g.
      [`brainjax.plasticity.STDP`][]); the weights then live in the network state
      (`NetworkState.plastic[k] = (weights, rule_state, mask)`) and change online, after
      each step's delivery, with the step's pre/postsynaptic spikes. On event-driven
      projections, pair and triplet STDP are event-driven (only the synapses of the
      neurons that spiked change; `mask` is then `None`). Synapses of
      initial weight exactly 0 are absent (never changed).
    - `key`: PRNG key of a random connectivity rule (the same key, the same synapses).
    - `propagation`: [`brainjax.network.EventDriven`][] or [`brainjax.network.Dense`][];
      defaults to the rule's (event-driven for sparse rules; dense for `AllToAll`,
      `FromMatrix` and matrices).

    This is a description; the [`brainjax.Network`][] builds it into a
    [`brainjax.network.BuiltProjection`][] (it knows the population sizes).

    **Example:**

    ```python
    rule = bj.connect.FixedProb(0.02, weight=0.6)
    proj = bj.Projection("E", "I", rule, bj.synapses.Exponential(tau=5.0), key=key)
    ```
    """

    pre: str = eqx.field(static=True)
    post: str = eqx.field(static=True)
    connectivity: "_connect.AbstractConnectivity | Float[Array, 'n_pre n_post']"
    synapse: AbstractSynapse
    stp: AbstractShortTermPlasticity | None
    plasticity: AbstractRule | None
    key: PRNGKeyArray | None
    propagation: Dense | EventDriven = eqx.field(static=True)

    def __init__(
        self,
        pre: str,
        post: str,
        connectivity: "_connect.AbstractConnectivity | ArrayLike",
        synapse: AbstractSynapse,
        *,
        stp: AbstractShortTermPlasticity | None = None,
        plasticity: AbstractRule | None = None,
        key: PRNGKeyArray | None = None,
        propagation: Dense | EventDriven | None = None,
    ):
        if not isinstance(synapse, AbstractSynapse):
            raise ValueError(
                f"`synapse` must be a brainjax.synapses.AbstractSynapse, got {synapse!r}."
            )
        if stp is not None and not isinstance(stp, AbstractShortTermPlasticity):
            raise ValueError(f"`stp` must be a short-term plasticity model, got {stp!r}.")
        if plasticity is not None and not isinstance(plasticity, AbstractRule):
            raise ValueError(
                f"`plasticity` must be a brainjax.plasticity rule, got {plasticity!r}."
            )
        if isinstance(connectivity, _connect.AbstractConnectivity):
            default = connectivity.default_propagation
        else:
            if np.ndim(connectivity) != 2:
                raise ValueError(
                    "`connectivity` must be a brainjax.connect rule or a 2-d (n_pre, n_post) "
                    f"weight matrix, got shape {np.shape(connectivity)}."
                )
            check_finite("weights", connectivity)
            default = Dense()
        propagation = default if propagation is None else propagation
        if not isinstance(propagation, (Dense, EventDriven)):
            raise ValueError(
                "`propagation` must be brainjax.network.Dense() or EventDriven(), "
                f"got {propagation!r}."
            )
        if not isinstance(connectivity, _connect.AbstractConnectivity):
            if isinstance(propagation, Dense):  # a matrix used as is (trainable)
                connectivity = jnp.asarray(connectivity, dtype=float)
            else:
                connectivity = _connect.FromMatrix(connectivity)
        self.pre, self.post, self.connectivity = pre, post, connectivity
        self.synapse, self.stp, self.plasticity = synapse, stp, plasticity
        self.key, self.propagation = key, propagation

    def build(self, n_pre: int, n_post: int) -> "BuiltProjection":
        """Draw the rule into arrays for `n_pre` and `n_post` neurons."""
        where = f"{self.pre}->{self.post}"
        dense = isinstance(self.propagation, Dense)
        if not isinstance(self.connectivity, _connect.AbstractConnectivity):
            if self.connectivity.shape != (n_pre, n_post):
                raise ValueError(
                    f"`weights` of projection {where} must have shape {(n_pre, n_post)}, "
                    f"got {self.connectivity.shape}."
                )
            return self._built(self.connectivity, None, None, n_post, (0.0, 0.0), None, None)
        conn = self.connectivity.build(n_pre, n_post, self.key, recurrent=self.pre == self.post)
        span = (float(conn.delay.min()), float(conn.delay.max())) if conn.delay.size else (0.0, 0.0)
        uniform = conn.delay.size == 0 or bool(np.all(conn.delay == conn.delay[0]))
        if dense:
            weights, targets, degrees = conn.to_dense(), None, None
            grid = None
            if not uniform:
                grid = np.zeros((n_pre, n_post), np.float32)
                grid[conn.pre, conn.post] = conn.delay
                if np.any(grid[conn.pre, conn.post] != conn.delay):
                    raise ValueError(
                        f"projection {where}: a dense projection cannot hold repeated pairs "
                        "with different delays; use EventDriven()."
                    )
        else:
            counts = np.bincount(conn.pre, minlength=n_pre)
            degrees = np.append(counts, 0).astype(np.int32)  # + the padding row
            width = max(int(counts.max(initial=0)), 1)
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            col = np.arange(conn.pre.size) - starts[conn.pre]
            weights = np.zeros((n_pre + 1, width), np.float32)  # + an all-zero last row
            weights[conn.pre, col] = conn.weight
            targets = np.zeros((n_pre + 1, width), np.int32)
            targets[conn.pre, col] = conn.post
            grid = None
            if not uniform:
                grid = np.zeros((n_pre + 1, width), np.float32)
                grid[conn.pre, col] = conn.delay
        incoming = None
        if not dense and self.plasticity is not None:
            incoming = _incoming(conn.post, conn.pre * width + col, n_pre * width, n_post)
        as_jnp = lambda a: None if a is None else jnp.asarray(a)  # noqa: E731
        arrays = (jnp.asarray(weights), as_jnp(targets), as_jnp(grid))
        return self._built(*arrays, n_post, span, as_jnp(degrees), as_jnp(incoming))

    def _built(
        self, weights, targets, delays, n_post, span, degrees, incoming
    ) -> "BuiltProjection":
        return BuiltProjection(
            self.pre, self.post, self.synapse, self.stp, self.plasticity, self.propagation,
            weights, targets, delays, n_post, span[1], span[0], None, degrees, incoming,
        )  # fmt: skip


def _incoming(post: np.ndarray, flat: np.ndarray, pad: int, n_post: int) -> np.ndarray:
    """The post -> synapse index: row `j` holds the flat positions (in the padded
    `(n_pre + 1, width)` weights) of the stored synapses onto neuron `j`, padded with
    `pad` (a slot of the all-zero last row); one more all-`pad` row for `j = n_post`."""
    counts = np.bincount(post, minlength=n_post)
    order = np.argsort(post, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    col = np.arange(post.size) - starts[post[order]]
    out = np.full((n_post + 1, max(int(counts.max(initial=0)), 1)), pad, np.int32)
    out[post[order], col] = flat[order]
    return out


class StepDelays(eqx.Module):
    """A projection's delays in whole steps of `dt`: the ring buffer `depth` (the
    largest lag + 1), the common `lag` of all synapses, or, when lags differ, one
    ring-buffer slot per synapse (`lag * n_post + target`, see
    [`brainjax.network.RingBuffer.scatter_slots`][])."""

    depth: int = eqx.field(static=True)
    lag: int = eqx.field(static=True)
    slots: Int[Array, "rows cols"] | None


class BuiltProjection(eqx.Module):
    """A [`brainjax.Projection`][] drawn into arrays, as a [`brainjax.Network`][] holds it
    (`net.projections[k]`).

    - `weights`: the `(n_pre, n_post)` matrix (dense), or one row per presynaptic neuron
      padded to the largest out-degree plus a last all-zero row (event-driven), with the
      postsynaptic indices in `targets` (`None` when dense). Trainable, e.g. with
      `eqx.tree_at(lambda n: n.projections[0].weights, net, w)`.
    - `delay`, `min_delay`: the largest and smallest delays (ms); when they differ,
      `delays` holds one per synapse (in the layout of `weights`), else `None`.
    - `steps`: the delays rounded to whole steps ([`brainjax.network.StepDelays`][]),
      set by `Network.with_step(dt)`; `None` before.
    - `degrees`: event-driven only, the number of stored synapses of each row of
      `weights` (the rest of the row is padding, whose gradient is zero).
    - `incoming`: event-driven plastic projections only, the post -> synapse index:
      row `j` holds the flat positions in `weights` of the synapses onto post neuron
      `j` (padded with a slot of the all-zero last row; one more padding row at the
      end), so that a rule updates the synapses of the neurons that spiked.
    """

    pre: str = eqx.field(static=True)
    post: str = eqx.field(static=True)
    synapse: AbstractSynapse
    stp: AbstractShortTermPlasticity | None
    plasticity: AbstractRule | None
    propagation: Dense | EventDriven = eqx.field(static=True)
    weights: Float[Array, "rows cols"]
    targets: Int[Array, "rows cols"] | None
    delays: Float[Array, "rows cols"] | None
    n_post: int = eqx.field(static=True)
    delay: float = eqx.field(static=True)
    min_delay: float = eqx.field(static=True)
    steps: StepDelays | None
    degrees: Int[Array, " rows"] | None = None
    incoming: Int[Array, "n_post_1 max_in"] | None = None

    @property
    def dense(self) -> bool:
        return isinstance(self.propagation, Dense)

    @property
    def has_delays(self) -> bool:
        """Whether any synapse has a positive delay (ms)."""
        return self.delay > 0

    @property
    def depth(self) -> int:
        """The ring-buffer depth (the largest delay in steps + 1); 1 without delays."""
        if self.steps is not None:
            return self.steps.depth
        if not self.has_delays:
            return 1
        raise ValueError(
            f"projection {self.pre}->{self.post} has delays, counted in steps: pass the "
            "network to `brainjax.simulate` (or call `network.with_step(dt)`) first."
        )

    def with_step(self, dt: float) -> "BuiltProjection":
        """The projection with its delays rounded to the nearest whole number of steps
        of `dt` (ms), as Brian2 and NEST do."""
        dt32 = np.float32(dt)  # rounded in float32, the precision of the delays
        depth = int(np.rint(np.float32(self.delay) / dt32)) + 1
        shortest = int(np.rint(np.float32(self.min_delay) / dt32))
        if self.delays is None or shortest == depth - 1:  # one lag for all synapses
            steps = StepDelays(depth, depth - 1, None)
        else:
            lags = jnp.rint(self.delays / dt32).astype(jnp.int32)
            columns = self.targets  # event-driven projections always hold targets
            if self.dense or columns is None:
                columns = jnp.arange(self.n_post, dtype=jnp.int32)
            steps = StepDelays(depth, 0, lags * self.n_post + columns)
        return eqx.tree_at(lambda p: p.steps, self, steps, is_leaf=lambda x: x is None)

    def effective_weights(self) -> Float[Array, "n_pre n_post"]:
        """The `(n_pre, n_post)` weight matrix (small sizes)."""
        if self.targets is None:
            return self.weights
        n_pre = self.weights.shape[0] - 1
        rows = jnp.broadcast_to(jnp.arange(n_pre + 1)[:, None], self.targets.shape)
        dense = jnp.zeros((n_pre + 1, self.n_post))
        return dense.at[rows, self.targets].add(self.weights)[:n_pre]
