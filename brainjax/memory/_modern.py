"""The modern (continuous) Hopfield network of Ramsauer et al. (2020)."""

from typing import Any

import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, Scalar

from .._dynamics import AbstractSynchronousEnergy
from .._validate import check_positive
from ._storage import check_patterns


class ModernHopfield(AbstractSynchronousEnergy):
    """Continuous modern Hopfield network ("Hopfield Networks is All You Need",
    Ramsauer et al. 2020).

    Energy of a state pattern `xi` (shape `(d,)`) given stored patterns `X` (`(p, d)`):

    `E(xi) = -lse(beta, X xi) + 1/2 xi^T xi + log(p) / beta + M^2 / 2`,

    with `lse(beta, z) = log(sum exp(beta z)) / beta` and `M` the largest pattern norm.
    The update `xi <- X^T softmax(beta X xi)` (= `update`) never increases `E` and
    converges in one step for well-separated patterns; its fixed points are those of
    the gradient flow `dxi/dt = X^T softmax(beta X xi) - xi` (the default
    `vector_field`, time dimensionless). Three regimes: small `beta` gives the global
    average of the patterns, intermediate `beta` metastable averages over clusters,
    large `beta` a single pattern (see `attention`). `args` is unused.

    **Arguments:** `patterns` (`(p, d)`), `beta` (inverse temperature, > 0).

    **Example:** `bj.memory.ModernHopfield(x, beta=8.0).update(query)`, or for a batch
    `jax.vmap(net.update)(queries)`.
    """

    patterns: Float[Array, "p d"]
    beta: Float[Array, ""]

    def __init__(self, patterns: Float[ArrayLike, "p d"], *, beta: float = 1.0):
        self.patterns = check_patterns(patterns)
        check_positive("beta", beta)
        self.beta = jnp.asarray(beta, float)

    def attention(self, xi: Float[Array, " d"]) -> Float[Array, " p"]:
        """The softmax weights `softmax(beta X xi)` over the stored patterns."""
        return jax.nn.softmax(self.beta * (xi @ self.patterns.T))  # batch-friendly layout

    def energy(self, xi: Float[Array, " d"], args: Any = None) -> Scalar:
        lse = jax.nn.logsumexp(self.beta * (xi @ self.patterns.T)) / self.beta
        p = self.patterns.shape[0]
        m2 = jnp.max(jnp.sum(self.patterns**2, axis=1))
        return -lse + 0.5 * xi @ xi + jnp.log(p) / self.beta + 0.5 * m2

    def update(self, xi: Float[Array, " d"], args: Any = None) -> Float[Array, " d"]:
        return self.attention(xi) @ self.patterns
