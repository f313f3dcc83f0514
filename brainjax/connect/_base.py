"""Built connectivity (`Connections`) and the base class of connectivity rules."""

import abc
from typing import ClassVar, NamedTuple

import equinox as eqx
import jax
import numpy as np
from jaxtyping import PRNGKeyArray

from .._memory_budget import check_memory
from .._validate import check_count, check_finite, check_nonnegative
from ..network._propagation import Dense, EventDriven
from ._distributions import AbstractDistribution

# Peak bytes per synapse while building: int64 indices as drawn, then int32 `pre`/`post`
# and float32 `weight`/`delay`.
_BYTES_PER_SYNAPSE = 32


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
    default_propagation: ClassVar[Dense | EventDriven] = EventDriven()

    def __check_init__(self):
        for name in ("weight", "delay"):
            spec = getattr(self, name)
            if not isinstance(spec, AbstractDistribution):
                check_finite(name, spec)
        if not isinstance(self.delay, AbstractDistribution):
            check_nonnegative("delay", self.delay)

    def expected_synapses(self, n_pre: int, n_post: int, recurrent: bool) -> tuple[float, str]:
        """`(count, how to reduce it)`: the number of synapses `build` will draw (an
        upper estimate; `0.0` when unknown, then the size is not checked) and a hint
        naming the parameters that set it. `build` refuses, before allocating, rules
        whose synapses do not fit in memory (see `BRAINJAX_MEMORY_BUDGET`)."""
        return 0.0, ""

    def _check_size(self, n_pre: int, n_post: int, recurrent: bool) -> None:
        count, reduce = self.expected_synapses(n_pre, n_post, recurrent)
        what = (
            f"{type(self).__name__} between n_pre={n_pre} and n_post={n_post} neurons "
            f"(about {count:.3g} synapses x {_BYTES_PER_SYNAPSE} bytes)"
        )
        check_memory(what, count * _BYTES_PER_SYNAPSE, reduce)

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
        self._check_size(n_pre, n_post, recurrent and n_pre == n_post)
        rng = _rng(key, self)
        pre, post = self._pairs(n_pre, n_post, rng, recurrent and n_pre == n_post)
        pre, post = pre.astype(np.int32, copy=False), post.astype(np.int32, copy=False)
        weight = _values("weight", self.weight, rng, pre.size, self.explicit)
        delay = _values("delay", self.delay, rng, pre.size, self.explicit)
        if pre.size and np.any(pre[1:] < pre[:-1]):
            order = np.argsort(pre, kind="stable")
            pre, post, weight, delay = pre[order], post[order], weight[order], delay[order]
        return Connections(pre, post, weight, delay, n_pre, n_post)
