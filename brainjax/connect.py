"""Connectivity rules: which neurons of `pre` connect to which of `post`, with which
weights and delays, and how a [`brainjax.Projection`][] propagates spikes along them.

A rule is an option object handed to a projection:

```python
import brainjax as bj
rule = bj.connect.FixedProb(0.02, weight=0.6, delay=bj.connect.Uniform(1.0, 2.0))
proj = bj.Projection("E", "I", rule, bj.synapses.Exponential(tau=5.0), key=key)
```

The [`brainjax.Network`][] builds every rule once (it knows the population sizes) into
[`brainjax.connect.Connections`][]: flat arrays `pre`, `post`, `weight`, `delay`, one
entry per synapse, sorted by `pre`. Building works in chunks with NumPy and never
materialises an `n_pre x n_post` array for the sparse rules, so memory is proportional
to the number of synapses (about 16 bytes per synapse while building).

Weights and delays are each a number (the same for every synapse), a distribution
object ([`brainjax.connect.Normal`][], [`brainjax.connect.Uniform`][],
[`brainjax.connect.LogNormal`][]) drawn once per synapse, or, for the explicit rules
([`brainjax.connect.FromIndices`][], [`brainjax.connect.FromMatrix`][]), an array with
one value per synapse. Weights are the jump of the synaptic variable per spike (pA
for current synapses, nS for conductance synapses); delays are in ms and are rounded
to the nearest multiple of the simulation step `dt` (as Brian2 and NEST do).

Propagation options: [`brainjax.connect.EventDriven`][] (only the rows of spiking
neurons are touched: work ~ spikes x fan-out; default for the sparse rules) and
[`brainjax.connect.Dense`][] (`spikes @ W`: small or trainable projections; default for
`AllToAll` and `FromMatrix`).
"""

import abc
import math
from typing import ClassVar, NamedTuple

import equinox as eqx
import jax
import numpy as np
from jaxtyping import ArrayLike, PRNGKeyArray

from ._validate import check_count, check_finite, check_nonnegative

__all__ = [
    "AbstractConnectivity",
    "AbstractDistribution",
    "AllToAll",
    "Connections",
    "Dense",
    "EventDriven",
    "FixedInDegree",
    "FixedOutDegree",
    "FixedProb",
    "FromIndices",
    "FromMatrix",
    "LogNormal",
    "Normal",
    "OneToOne",
    "Uniform",
]

# Rows of a rule are generated in chunks holding about this many draws at once.
_CHUNK = 1 << 22


# --------------------------------------------------------------------------- distributions


class AbstractDistribution(eqx.Module):
    """A distribution of per-synapse values; `sample(rng, size)` draws `size` values
    with a `numpy.random.Generator`."""

    @abc.abstractmethod
    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Return `size` independent draws."""


class Normal(AbstractDistribution):
    """Gaussian values, `mean + std * N(0, 1)`. Example: `Normal(0.6, 0.1)`."""

    mean: float
    std: float

    def __check_init__(self):
        check_finite("mean", self.mean)
        check_nonnegative("std", self.std)

    def sample(self, rng, size):
        return rng.normal(self.mean, self.std, size)


class Uniform(AbstractDistribution):
    """Uniform values on `[low, high)`. Example: `Uniform(1.0, 5.0)` (ms delays)."""

    low: float
    high: float

    def __check_init__(self):
        check_finite("low", self.low)
        check_finite("high", self.high)
        if not self.high >= self.low:
            raise ValueError(f"`high` must be >= `low` ({self.low!r}), got {self.high!r}.")

    def sample(self, rng, size):
        return rng.uniform(self.low, self.high, size)


class LogNormal(AbstractDistribution):
    """Log-normal values `exp(mu + sigma * N(0, 1))` (positive, heavy-tailed weights,
    as measured in cortex: Song et al. 2005). Example: `LogNormal(-0.5, 1.0)`."""

    mu: float
    sigma: float

    def __check_init__(self):
        check_finite("mu", self.mu)
        check_nonnegative("sigma", self.sigma)

    def sample(self, rng, size):
        return rng.lognormal(self.mu, self.sigma, size)


# --------------------------------------------------------------------------- propagation


class Dense(eqx.Module):
    """Propagate with a dense `(n_pre, n_post)` weight matrix: `increment = spikes @ W`.
    Work ~ n_pre x n_post per step; differentiable in the spikes and the weights (the
    path to train a network by backpropagation through time)."""


class EventDriven(eqx.Module):
    """Propagate only from the neurons that spiked: their rows of the connectivity
    (stored per presynaptic neuron, padded to the largest out-degree) are gathered and
    scatter-added onto their targets. Work ~ spikes x fan-out per step.

    `max_spikes`: the number of spiking rows handled in one pass (default:
    `max(16, n_pre // 400)`, i.e. a population rate up to 25 Hz at dt = 0.1 ms); the
    work of a pass is `max_spikes x fan-out` whatever the number of spikes, and busier
    steps loop over further passes, so no spike is ever dropped. Gradients flow to the
    weights but not through the spikes: use [`brainjax.connect.Dense`][] to train.
    """

    max_spikes: int | None = eqx.field(default=None, static=True)

    def __check_init__(self):
        if self.max_spikes is not None:
            check_count("max_spikes", self.max_spikes)


# --------------------------------------------------------------------------- connections


class Connections(NamedTuple):
    """Built connectivity: one entry per synapse, sorted by `pre` (NumPy arrays).

    - `pre`, `post`: int32 indices; `weight`: float32; `delay`: float32 (ms).
    - `n_pre`, `n_post`: population sizes.
    """

    pre: np.ndarray
    post: np.ndarray
    weight: np.ndarray
    delay: np.ndarray
    n_pre: int
    n_post: int

    def out_degree(self) -> np.ndarray:
        return np.bincount(self.pre, minlength=self.n_pre)

    def in_degree(self) -> np.ndarray:
        return np.bincount(self.post, minlength=self.n_post)

    def to_dense(self) -> np.ndarray:
        """The `(n_pre, n_post)` weight matrix (duplicated pairs add up). Small only."""
        w = np.zeros((self.n_pre, self.n_post), np.float32)
        np.add.at(w, (self.pre, self.post), self.weight)
        return w


def _rng(key: PRNGKeyArray | None, rule: "AbstractConnectivity") -> np.random.Generator:
    if key is None:
        if rule.random:
            raise ValueError(f"`key` is required to build the random rule {rule!r}.")
        return np.random.default_rng(0)
    try:
        data = np.asarray(jax.random.key_data(key)).ravel()
    except (TypeError, jax.errors.ConcretizationTypeError):
        raise ValueError(f"`key` must be a concrete JAX PRNG key, got {key!r}.") from None
    return np.random.default_rng(np.random.SeedSequence(data.astype(np.uint64).tolist()))


def _values(name: str, spec, rng: np.random.Generator, size: int, explicit: bool) -> np.ndarray:
    """Per-synapse values from a number, a distribution, or (explicit rules) an array."""
    if isinstance(spec, AbstractDistribution):
        values = spec.sample(rng, size)
    elif np.ndim(spec) == 0:
        values = np.full(size, spec, np.float32)
    elif explicit and np.shape(spec) == (size,):
        values = np.asarray(spec)
    else:
        allowed = f"a number, a distribution or an array of shape ({size},)"
        if not explicit:
            allowed = "a number or a distribution (random rules draw their synapse count)"
        raise ValueError(f"`{name}` must be {allowed}, got shape {np.shape(spec)}.")
    values = np.asarray(values, np.float32)
    check_finite(name, values)
    if name == "delay":
        check_nonnegative("delay", values)
    return values


class AbstractConnectivity(eqx.Module):
    """A connectivity rule. Subclasses implement `_pairs(n_pre, n_post, rng,
    recurrent)` returning `(pre, post)` int arrays; `build` adds weights and delays.

    Common arguments: `weight` and `delay` (ms) as described in
    [`brainjax.connect`][]; `autapses`: whether a neuron may connect to itself (only
    matters when `pre` and `post` are the same population).
    """

    weight: object = 1.0
    delay: object = 0.0
    autapses: bool = eqx.field(default=False, static=True, kw_only=True)

    # Class-level facts about a rule: whether it draws random numbers, whether it takes
    # per-synapse arrays, and how it propagates unless told otherwise.
    random: ClassVar[bool] = True
    explicit: ClassVar[bool] = False
    default_propagation: ClassVar[eqx.Module] = EventDriven()

    def __check_init__(self):
        for name in ("weight", "delay"):
            spec = getattr(self, name)
            if not isinstance(spec, AbstractDistribution):
                check_finite(name, spec)
        if not isinstance(self.delay, AbstractDistribution):
            check_nonnegative("delay", self.delay)

    @abc.abstractmethod
    def _pairs(
        self, n_pre: int, n_post: int, rng: np.random.Generator, recurrent: bool
    ) -> tuple[np.ndarray, np.ndarray]: ...

    def build(
        self, n_pre: int, n_post: int, key: PRNGKeyArray | None = None, recurrent: bool = False
    ) -> Connections:
        """Draw the synapses between `n_pre` and `n_post` neurons (`recurrent`: `pre`
        and `post` are the same population, so autapses are possible)."""
        n_pre, n_post = check_count("n_pre", n_pre), check_count("n_post", n_post)
        rng = _rng(key, self)
        pre, post = self._pairs(n_pre, n_post, rng, recurrent and n_pre == n_post)
        pre, post = pre.astype(np.int32, copy=False), post.astype(np.int32, copy=False)
        weight = _values("weight", self.weight, rng, pre.size, self.explicit)
        delay = _values("delay", self.delay, rng, pre.size, self.explicit)
        if pre.size and np.any(pre[1:] < pre[:-1]):
            order = np.argsort(pre, kind="stable")
            pre, post, weight, delay = pre[order], post[order], weight[order], delay[order]
        return Connections(pre, post, weight, delay, n_pre, n_post)


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

    def _pairs(self, n_pre, n_post, rng, recurrent):
        skip = recurrent and not self.autapses
        width = max(1, int(n_post * self.p + 6.0 * math.sqrt(n_post) + 10))
        step = max(1, _CHUNK // width)
        parts = [
            _bernoulli_rows(np.arange(s, min(n_pre, s + step)), n_post, self.p, rng, skip)
            for s in range(0, n_pre, step)
        ]
        return np.concatenate([a for a, _ in parts]), np.concatenate([b for _, b in parts])


class FixedInDegree(AbstractConnectivity):
    """Each postsynaptic neuron receives exactly `k` synapses from distinct, uniformly
    drawn presynaptic neurons (Brunel 2000's "C_E = epsilon N_E" inputs per neuron).

    Example: `bj.connect.FixedInDegree(80, weight=0.6)`.
    """

    k: int = eqx.field(default=1, static=True)

    def __init__(self, k: int, weight=1.0, delay=0.0, *, autapses: bool = False):
        self.k = check_count("k", k)
        self.weight, self.delay, self.autapses = weight, delay, autapses

    def _pairs(self, n_pre, n_post, rng, recurrent):
        sources = _distinct(n_post, n_pre, self.k, rng, recurrent and not self.autapses)
        return sources.ravel(), np.repeat(np.arange(n_post), self.k)


class FixedOutDegree(AbstractConnectivity):
    """Each presynaptic neuron sends exactly `k` synapses to distinct, uniformly drawn
    postsynaptic neurons.

    Example: `bj.connect.FixedOutDegree(80, weight=0.6)`.
    """

    k: int = eqx.field(default=1, static=True)

    def __init__(self, k: int, weight=1.0, delay=0.0, *, autapses: bool = False):
        self.k = check_count("k", k)
        self.weight, self.delay, self.autapses = weight, delay, autapses

    def _pairs(self, n_pre, n_post, rng, recurrent):
        targets = _distinct(n_pre, n_post, self.k, rng, recurrent and not self.autapses)
        return np.repeat(np.arange(n_pre), self.k), targets.ravel()


class OneToOne(AbstractConnectivity):
    """Neuron `i` of `pre` connects to neuron `i` of `post` (sizes must match).

    Example: `bj.connect.OneToOne(weight=2.0)` (e.g. Poisson drive, one source per neuron).
    """

    random = False

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

    pre: np.ndarray
    post: np.ndarray
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

    matrix: np.ndarray
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
