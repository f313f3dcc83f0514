"""The plasticity-rule contract, synapse layouts, trace kinds and weight dependences."""

import abc
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float, PyTree

from .._validate import check_finite


class Synapses(eqx.Module):
    """Where each synapse of a weight array sits: maps per-neuron quantities (shape
    `(n_pre,)` or `(n_post,)`) onto the weight array's shape.

    - Dense weights `(n_pre, n_post)`: `Synapses()` (the default).
    - Sparse weights stored row-wise (ELL) `(n_pre, k)`: `Synapses(post_index=targets)`
      with `targets[i, c]` the postsynaptic neuron of synapse `c` of row `i`.
    - Flat lists of synapses `(n_syn,)` (COO/CSR): `Synapses(pre_index=rows,
      post_index=cols)`.
    """

    pre_index: Array | None = None
    post_index: Array | None = None

    def pre(self, x: Float[Array, " n_pre"]) -> Array:
        """Presynaptic quantity `x` at every synapse."""
        return x[:, None] if self.pre_index is None else x[self.pre_index]

    def post(self, y: Float[ArrayLike, " n_post"]) -> Array:
        """Postsynaptic quantity `y` at every synapse (scalars broadcast)."""
        y = jnp.asarray(y)
        if y.ndim == 0:
            return y
        return y[None, :] if self.post_index is None else y[self.post_index]


DENSE = Synapses()
"""The layout of dense `(n_pre, n_post)` weights (the default)."""


class AbstractTraces(eqx.Module):
    """How a spike trace jumps at a spike `s` (0./1.); between spikes traces decay."""

    @abc.abstractmethod
    def bump(self, x: Array, s: Array) -> Array:
        """The trace just after spikes `s`."""


class AllPairs(AbstractTraces):
    """Every earlier spike counts, so every pre/post spike pair interacts (the
    "all-to-all" pairing scheme): `x <- x + s` (Morrison, Diesmann & Gerstner 2008)."""

    def bump(self, x, s):
        return x + s


class Nearest(AbstractTraces):
    """Only the most recent spike counts: `x <- 1` at a spike (the "nearest-spike"
    interaction of Morrison, Diesmann & Gerstner 2008; Pfister & Gerstner 2006)."""

    def bump(self, x, s):
        return x + s * (1.0 - x)


class AbstractWeightDependence(eqx.Module):
    """How the size of a weight change depends on the weight; keeps `w` in
    `[w_min, w_max]`. Subclasses declare the bounds `w_min` < `w_max` as fields."""

    w_min: eqx.AbstractVar[float]
    w_max: eqx.AbstractVar[float]

    def __check_init__(self):
        check_finite("w_min", self.w_min)
        if not self.w_max > self.w_min:
            raise ValueError(f"`w_max` must be > `w_min` ({self.w_min!r}), got {self.w_max!r}.")

    @abc.abstractmethod
    def potentiation(self, w: Array) -> Array: ...

    @abc.abstractmethod
    def depression(self, w: Array) -> Array: ...

    def clip(self, w: Array, dw: ArrayLike) -> Array:
        """The change `dw`, shortened so that `w + dw` stays in the bounds."""
        return jnp.clip(w + dw, self.w_min, self.w_max) - w


class Additive(AbstractWeightDependence):
    """Changes independent of `w`, hard bounds `[w_min, w_max]` (Song, Miller & Abbott
    2000): leads to bimodal weight distributions."""

    w_min: float = 0.0
    w_max: float = 1.0

    def potentiation(self, w):
        return jnp.ones_like(w)

    def depression(self, w):
        return jnp.ones_like(w)


class Multiplicative(AbstractWeightDependence):
    """Soft bounds: potentiation scales with `(w_max - w)`, depression with
    `(w - w_min)`, both divided by `w_max - w_min` (van Rossum, Bi & Turrigiano 2000;
    Guetig et al. 2003 with mu = 1): leads to unimodal weight distributions."""

    w_min: float = 0.0
    w_max: float = 1.0

    def potentiation(self, w):
        return (self.w_max - w) / (self.w_max - self.w_min)

    def depression(self, w):
        return (w - self.w_min) / (self.w_max - self.w_min)


class AbstractRule(eqx.Module):
    """A plasticity rule, shaped like an optax transformation: a pair of pure functions.

    - `init(w, n_pre, n_post)`: the rule's state (traces, thresholds, eligibilities)
      for weights `w`; `n_pre`/`n_post` default to `w.shape` (dense weights).
    - `update(w, state, pre, post, dt, *, modulator=None, synapses=DENSE)`:
      one step of `dt` ms. `pre`/`post` are this step's presynaptic/postsynaptic
      activity: spikes (0./1.) for spike-based rules, activities (rates, potentials)
      for rate-based rules. Returns `(dw, new_state)`; the new weights are `w + dw`.

    Rules are `eqx.Module`s whose parameters (learning rates, time constants) are
    array leaves, so `jax.grad` differentiates a whole simulation with respect to them
    (meta-learning). They run inside `simulate`'s scan on the plastic projections of a
    [`brainjax.Network`][], or offline with [`brainjax.plasticity.replay`][].
    """

    @abc.abstractmethod
    def init(self, w: Array, n_pre: int | None = None, n_post: int | None = None) -> PyTree:
        """The initial rule state for weights `w`."""

    @abc.abstractmethod
    def update(
        self,
        w: Array,
        state: PyTree,
        pre: Array,
        post: Array,
        dt: float,
        *,
        modulator: ArrayLike | None = None,
        synapses: Synapses = DENSE,
    ) -> tuple[Array, PyTree]:
        """One step: the weight change and the new state."""


def neuron_counts(w: Array, n_pre: int | None, n_post: int | None) -> tuple[int, int]:
    """`(n_pre, n_post)`, defaulting to the dense shape of `w`."""
    shape = np.shape(w)
    if (n_pre is None or n_post is None) and len(shape) != 2:
        raise ValueError(
            f"`n_pre` and `n_post` are required for non-dense weights of shape {shape}."
        )
    pre = shape[0] if n_pre is None else n_pre
    post = shape[1] if n_post is None else n_post
    return int(pre), int(post)


def check_activity(name: str, x: Array, trace: Array) -> None:
    """Raise a `ValueError` when the activity `x` does not match its trace's shape."""
    if jnp.shape(x) != jnp.shape(trace):
        raise ValueError(
            f"`{name}` must have shape {jnp.shape(trace)} (the rule's {name} traces), "
            f"got {jnp.shape(x)}."
        )


def decay(x: Array, dt: float, tau: Any) -> Array:
    """Exact decay of a trace `tau dx/dt = -x` over `dt` ms."""
    return x * jnp.exp(-dt / tau)


def replay(
    rule: AbstractRule,
    w: Float[ArrayLike, "..."],
    pre: Float[ArrayLike, "steps n_pre"],
    post: Float[ArrayLike, "steps n_post"],
    dt: float,
    *,
    modulator: Float[ArrayLike, "steps ..."] | None = None,
    synapses: Synapses = DENSE,
) -> tuple[Array, PyTree]:
    """Apply `rule` to recorded activity (spike trains or rates), step by step.

    Returns the final weights and rule state. `pre[k]`, `post[k]` (and `modulator[k]`)
    are the activities of step `k`. Differentiable with respect to `w`, the activities
    and the rule's parameters.

    **Example** (the STDP window at +10 ms):

    ```python
    pre = jnp.zeros((30, 1)).at[5, 0].set(1.0)
    post = jnp.zeros((30, 1)).at[15, 0].set(1.0)
    w, _ = bj.plasticity.replay(bj.plasticity.STDP(), jnp.full((1, 1), 0.5), pre, post, 1.0)
    ```
    """
    w = jnp.asarray(w, dtype=float)
    pre, post = jnp.asarray(pre, dtype=float), jnp.asarray(post, dtype=float)
    if pre.shape[0] != post.shape[0]:
        raise ValueError(
            f"`pre` and `post` must have the same number of steps, got {pre.shape[0]} "
            f"and {post.shape[0]}."
        )
    n_pre = pre.shape[1] if synapses.pre_index is not None or w.ndim != 2 else None
    n_post = post.shape[1] if synapses.post_index is not None or w.ndim != 2 else None
    state = rule.init(w, n_pre, n_post)

    def step(carry, xs):
        w, state = carry
        x, y, m = xs
        dw, state = rule.update(w, state, x, y, dt, modulator=m, synapses=synapses)
        return (w + dw, state), None

    (w, state), _ = jax.lax.scan(step, (w, state), (pre, post, modulator))
    return w, state
