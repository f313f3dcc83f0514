"""Inputs with memory across steps: Ornstein-Uhlenbeck noise."""

from typing import Any, ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._validate import check_count, check_finite, check_nonnegative, check_positive, check_shape
from ._base import AbstractInput


class OUNoise(AbstractInput):
    """Ornstein-Uhlenbeck noise current, one independent process per neuron.

        tau dI = (mean - I) dt + sigma sqrt(2 tau) dW

    `I` (pA) has stationary mean `mean`, standard deviation `sigma` (pA) and
    autocorrelation `sigma^2 exp(-|s| / tau)` (Uhlenbeck & Ornstein 1930). It is
    updated with the exact discretisation (Gillespie 1996), so its statistics do not
    depend on `dt`:

        I_{k+1} = mean + (I_k - mean) exp(-dt / tau) + sigma sqrt(1 - exp(-2 dt / tau)) xi_k

    with `xi_k ~ N(0, 1)`; `I_k` is held over step `k`. The process starts from its
    stationary distribution (or at `start`, if given). Fixed-step (spiking) path only;
    continuing a run with `y0=sol.final` restarts the noise.

    **Arguments:** `mean`, `sigma` (pA; scalar or `(n,)`; `sigma >= 0`), `tau` (ms,
    > 0), `n` (number of neurons), `start` (pA, optional).

    **Example:**

    ```python
    noise = bj.inputs.OUNoise(mean=300.0, sigma=50.0, tau=5.0, n=100)
    sol = bj.simulate(bj.neurons.LIF(n=100), t1=500.0, dt=0.1, inputs=noise,
                      key=jax.random.key(0))
    ```
    """

    mean: Float[Array, "..."]
    sigma: Float[Array, "..."]
    tau: Float[Array, "..."]
    n: int = eqx.field(static=True)
    start: Float[Array, "..."] | None = None
    stochastic: ClassVar[bool] = True

    def __init__(
        self,
        mean: ArrayLike,
        sigma: ArrayLike,
        tau: ArrayLike,
        n: int,
        start: ArrayLike | None = None,
    ):
        self.n = check_count("n", n)
        for name, value in (("mean", mean), ("sigma", sigma), ("tau", tau), ("start", start)):
            if value is not None:
                check_shape(name, value, n)
                check_finite(name, value)
        check_nonnegative("sigma", sigma)
        check_positive("tau", tau)
        self.mean, self.sigma, self.tau = (jnp.asarray(x, dtype=float) for x in (mean, sigma, tau))
        self.start = None if start is None else jnp.asarray(start, dtype=float)

    def init(self, dt: float, key: PRNGKeyArray | None) -> Array:
        if self.start is not None:
            return jnp.broadcast_to(self.start, (self.n,))
        assert key is not None, "`OUNoise` needs a key"  # simulate checks it first
        return self.mean + self.sigma * jax.random.normal(key, (self.n,))

    def value(self, t, state, *, dt=None, key=None):
        if state is None:
            raise ValueError(
                "`OUNoise` carries state across steps, so it cannot be called as a "
                "function of time (e.g. inside `lambda t: drive(t) + ou(t)`): add it to "
                "the drive instead, `inputs=drive + ou` or `inputs=[drive, ou]`. It runs "
                "on the fixed-step path of `simulate` (`HybridScan`, the default for "
                "spiking models); the ODE/SDE paths (`DiffeqSolve`, `DelayScan`) "
                "take noise from the model's `diffusion` instead."
            )
        return state

    def advance(self, state: Any, t, *, dt: float, key: PRNGKeyArray | None) -> Array:
        assert key is not None, "`OUNoise` needs a key"
        decay = jnp.exp(-dt / self.tau)
        kick = self.sigma * jnp.sqrt(-jnp.expm1(-2.0 * dt / self.tau))
        return self.mean + (state - self.mean) * decay + kick * jax.random.normal(key, (self.n,))
