"""The connectivity rules: random (`FixedProb`, `FixedInDegree`, `FixedOutDegree`),
structured (`OneToOne`, `AllToAll`) and explicit (`FromIndices`, `FromMatrix`)."""

import math
from typing import ClassVar

import equinox as eqx
import numpy as np
from jaxtyping import ArrayLike

from .._validate import check_count, check_finite, check_nonnegative
from ..network._propagation import Dense
from ._base import AbstractConnectivity

# Rows of a rule are generated in chunks holding about this many draws at once.
_CHUNK = 1 << 22


def _check_prob(p) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)):
        raise ValueError(f"`p` must be a number in [0, 1], got {p!r}.")
    if not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"`p` must be a probability in [0, 1], got {p!r}.")
    return float(p)


def _skip_self(targets: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Map positions drawn among `n - 1` candidates to indices that skip `rows`."""
    return targets + (targets >= rows[:, None] if targets.ndim == 2 else targets >= rows)


def _bernoulli_rows(rows: np.ndarray, n: int, p: float, rng: np.random.Generator, skip: bool):
    """Successes of independent Bernoulli(p) trials over `n` candidates for each row,
    as cumulative sums of geometric gaps: work and memory ~ the number of successes."""
    m = n - 1 if skip else n
    if p == 0.0 or m == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if p == 1.0:
        cols = np.tile(np.arange(m), len(rows))
        pre = np.repeat(rows, m)
        return pre, (_skip_self(cols, pre) if skip else cols)
    width = int(m * p + 6.0 * math.sqrt(m * p * (1.0 - p)) + 10)
    pres, posts = [], []
    todo = rows
    while todo.size:
        pos = np.cumsum(rng.geometric(p, size=(todo.size, width)), axis=1) - 1
        done = pos[:, -1] >= m  # the row's trials all fit in `width` gaps
        pos, kept = pos[done], todo[done]
        valid = pos < m
        pre = np.repeat(kept, valid.sum(axis=1))
        post = pos[valid]
        pres.append(pre)
        posts.append(_skip_self(post, pre) if skip else post)
        todo, width = todo[~done], 2 * width  # rare: redraw these rows with more gaps
    return np.concatenate(pres), np.concatenate(posts)


def _distinct(n_rows: int, n: int, k: int, rng: np.random.Generator, skip: bool):
    """`k` distinct indices among `n` candidates per row (row `i` excluding `i` when
    `skip`), shape `(n_rows, k)`, built in chunks."""
    m = n - 1 if skip else n
    if k > m:
        raise ValueError(f"the degree {k} exceeds the {m} available partners.")
    out = np.empty((n_rows, k), np.int64)
    step = max(1, _CHUNK // max(k if 4 * k < m else m, 1))
    for start in range(0, n_rows, step):
        rows = np.arange(start, min(n_rows, start + step))
        if 4 * k < m:  # draw with replacement, redraw duplicates (few for k << m)
            cols = np.sort(rng.integers(0, m, (rows.size, k)), axis=1)
            while True:
                dup = np.zeros_like(cols, bool)
                dup[:, 1:] = cols[:, 1:] == cols[:, :-1]
                if not dup.any():
                    break
                cols[dup] = rng.integers(0, m, dup.sum())
                cols.sort(axis=1)
        else:
            cols = rng.permuted(np.broadcast_to(np.arange(m), (rows.size, m)), axis=1)[:, :k]
        out[rows] = _skip_self(cols, rows) if skip else cols
    return out


class FixedProb(AbstractConnectivity):
    """Each pair `(i, j)` is connected independently with probability `p` (Erdős–Rényi;
    the Brunel 2000 and Vogels-Abbott 2005 networks). In-degrees are Binomial(n_pre,
    p) (mean `n_pre p`, variance `n_pre p (1 - p)`).

    Example: `bj.connect.FixedProb(0.02, weight=0.6)`.
    """

    p: float = eqx.field(default=0.1, static=True)

    def __init__(self, p: float, weight=1.0, delay=0.0, *, autapses: bool = False):
        self.p = _check_prob(p)
        self.weight, self.delay, self.autapses = weight, delay, autapses

    def expected_synapses(self, n_pre, n_post, recurrent):
        n = n_pre * (n_post - 1 if recurrent and not self.autapses else n_post)
        return n * self.p, f"Lower `p` (now {self.p!r}) or the population sizes."

    def _pairs(self, n_pre, n_post, rng, recurrent):
        skip = recurrent and not self.autapses
        width = max(1, int(n_post * self.p + 6.0 * math.sqrt(n_post) + 10))
        step = max(1, _CHUNK // width)
        parts = [
            _bernoulli_rows(np.arange(s, min(n_pre, s + step)), n_post, self.p, rng, skip)
            for s in range(0, n_pre, step)
        ]
        return np.concatenate([a for a, _ in parts]), np.concatenate([b for _, b in parts])


class _AbstractFixedDegree(AbstractConnectivity):
    """`k` synapses for each neuron of one side, from (`FixedInDegree`) or to
    (`FixedOutDegree`: `outgoing`) distinct, uniformly drawn neurons of the other."""

    k: int = eqx.field(default=1, static=True)
    outgoing: ClassVar[bool]

    def __init__(self, k: int, weight=1.0, delay=0.0, *, autapses: bool = False):
        self.k = check_count("k", k)
        self.weight, self.delay, self.autapses = weight, delay, autapses

    def expected_synapses(self, n_pre, n_post, recurrent):
        n, name = (n_pre, "n_pre") if self.outgoing else (n_post, "n_post")
        return float(n) * self.k, f"Lower `k` (now {self.k}) or `{name}`."

    def _pairs(self, n_pre, n_post, rng, recurrent):
        n_fixed, n_drawn = (n_pre, n_post) if self.outgoing else (n_post, n_pre)
        drawn = _distinct(n_fixed, n_drawn, self.k, rng, recurrent and not self.autapses)
        fixed = np.repeat(np.arange(n_fixed), self.k)
        return (fixed, drawn.ravel()) if self.outgoing else (drawn.ravel(), fixed)


class FixedInDegree(_AbstractFixedDegree):
    """Each postsynaptic neuron receives exactly `k` synapses from distinct, uniformly
    drawn presynaptic neurons (Brunel 2000's "C_E = epsilon N_E" inputs per neuron).

    Example: `bj.connect.FixedInDegree(80, weight=0.6)`.
    """

    outgoing: ClassVar[bool] = False


class FixedOutDegree(_AbstractFixedDegree):
    """Each presynaptic neuron sends exactly `k` synapses to distinct, uniformly drawn
    postsynaptic neurons.

    Example: `bj.connect.FixedOutDegree(80, weight=0.6)`.
    """

    outgoing: ClassVar[bool] = True


class OneToOne(AbstractConnectivity):
    """Neuron `i` of `pre` connects to neuron `i` of `post` (sizes must match).

    Example: `bj.connect.OneToOne(weight=2.0)` (e.g. Poisson drive, one source per neuron).
    """

    random = False

    def expected_synapses(self, n_pre, n_post, recurrent):
        return float(min(n_pre, n_post)), "Use smaller populations."

    def _pairs(self, n_pre, n_post, rng, recurrent):
        if n_pre != n_post:
            raise ValueError(f"OneToOne needs n_pre == n_post, got {n_pre} and {n_post}.")
        return np.arange(n_pre), np.arange(n_post)


class AllToAll(AbstractConnectivity):
    """Every `pre` neuron connects to every `post` neuron (except itself unless
    `autapses`). Propagates densely by default.

    Example: `bj.connect.AllToAll(weight=bj.connect.Normal(0.0, 0.1))`.
    """

    random = False
    default_propagation = Dense()

    def expected_synapses(self, n_pre, n_post, recurrent):
        reduce = "Use smaller populations, or a sparse rule (`FixedProb`, `FixedInDegree`)."
        return float(n_pre) * n_post, reduce

    def _pairs(self, n_pre, n_post, rng, recurrent):
        pre = np.repeat(np.arange(n_pre), n_post)
        post = np.tile(np.arange(n_post), n_pre)
        if recurrent and not self.autapses:
            keep = pre != post
            pre, post = pre[keep], post[keep]
        return pre, post


class FromIndices(AbstractConnectivity):
    """Explicit synapses `pre[s] -> post[s]` (e.g. a connectome's edge list).
    `weight` and `delay` may be arrays with one value per synapse. Duplicated pairs
    are separate synapses; `autapses` is ignored (the list is taken as given).

    Example: `bj.connect.FromIndices([0, 0, 1], [1, 2, 2], weight=[0.5, 0.2, 0.1])`.
    """

    # Set by `__init__` (positional there); keyword-only only to follow the defaulted
    # base fields in the dataclass field order.
    pre: np.ndarray = eqx.field(kw_only=True)
    post: np.ndarray = eqx.field(kw_only=True)
    random = False
    explicit = True

    def __init__(self, pre: ArrayLike, post: ArrayLike, weight=1.0, delay=0.0):
        pre_np, post_np = np.asarray(pre), np.asarray(post)
        if pre_np.ndim != 1 or pre_np.shape != post_np.shape:
            raise ValueError(
                f"`pre` and `post` must be 1-d arrays of equal length, got shapes "
                f"{pre_np.shape} and {post_np.shape}."
            )
        for name, idx in (("pre", pre_np), ("post", post_np)):
            if idx.size and (not np.issubdtype(idx.dtype, np.integer) or idx.min() < 0):
                raise ValueError(f"`{name}` must hold non-negative integer indices.")
        self.pre, self.post = pre_np.astype(np.int64), post_np.astype(np.int64)
        self.weight, self.delay = weight, delay

    def _pairs(self, n_pre, n_post, rng, recurrent):
        for name, idx, n in (("pre", self.pre, n_pre), ("post", self.post, n_post)):
            if idx.size and idx.max() >= n:
                raise ValueError(f"`{name}` index {idx.max()} is out of range for {n} neurons.")
        return self.pre, self.post


class FromMatrix(AbstractConnectivity):
    """Synapses at the nonzero entries of an `(n_pre, n_post)` weight matrix, with
    those entries as weights (e.g. a structural connectome). `delay` may be a number, a
    distribution or an `(n_pre, n_post)` matrix. Propagates densely by default (and then
    the matrix is used as is, so its weights can be trained).

    Example: `bj.connect.FromMatrix(w, delay=distances / velocity)`.
    """

    matrix: np.ndarray = eqx.field(kw_only=True)  # set by `__init__`; see `FromIndices`
    random = False
    explicit = True
    default_propagation = Dense()

    def __init__(self, matrix: ArrayLike, delay=0.0):
        matrix_np = np.asarray(matrix, np.float32)
        if matrix_np.ndim != 2:
            raise ValueError(
                f"`matrix` must be a 2-d (n_pre, n_post) array, got shape {matrix_np.shape}."
            )
        check_finite("matrix", matrix_np)
        if np.ndim(delay) == 2:
            delay_np = np.asarray(delay, np.float32)
            if delay_np.shape != matrix_np.shape:
                raise ValueError(
                    f"`delay` must have the shape of `matrix` {matrix_np.shape}, "
                    f"got {delay_np.shape}."
                )
            check_finite("delay", delay_np)
            check_nonnegative("delay", delay_np)
            delay = delay_np[np.nonzero(matrix_np)]
        self.matrix, self.weight, self.delay = matrix_np, 1.0, delay

    def _pairs(self, n_pre, n_post, rng, recurrent):
        if self.matrix.shape != (n_pre, n_post):
            raise ValueError(
                f"`matrix` must have shape ({n_pre}, {n_post}) (n_pre, n_post), "
                f"got {self.matrix.shape}."
            )
        return np.nonzero(self.matrix)

    def build(self, n_pre, n_post, key=None, recurrent=False):
        conn = super().build(n_pre, n_post, key, recurrent)
        return conn._replace(weight=self.matrix[conn.pre, conn.post])
