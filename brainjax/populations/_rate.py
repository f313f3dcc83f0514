from collections.abc import Callable

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._dynamics import AbstractDynamics
from .._validate import check_count, check_fields, check_finite, check_nonnegative, check_shape


class Sigmoid(eqx.Module):
    """Logistic transfer `f(x) = 1 / (1 + exp(-gain (x - threshold)))`, in [0, 1]."""

    gain: Float[ArrayLike, "..."] = 1.0
    threshold: Float[ArrayLike, "..."] = 0.0

    def __call__(self, x: Float[Array, "..."]) -> Float[Array, "..."]:
        return jax.nn.sigmoid(self.gain * (x - self.threshold))


class ReLU(eqx.Module):
    """Threshold-linear transfer `f(x) = max(x, 0)`."""

    def __call__(self, x: Float[Array, "..."]) -> Float[Array, "..."]:
        return jax.nn.relu(x)


class Tanh(eqx.Module):
    """Hyperbolic-tangent transfer `f(x) = tanh(x)`, in [-1, 1]."""

    def __call__(self, x: Float[Array, "..."]) -> Float[Array, "..."]:
        return jnp.tanh(x)


class RateUnit(AbstractDynamics):
    """A generic rate population (Wilson & Cowan 1972; Dayan & Abbott 2001, ch. 7):

        tau dr/dt = -r + f(W r + I)

    `r` (shape `(n,)`) in the units of `f`'s output (e.g. Hz, or dimensionless for
    [`brainjax.populations.Sigmoid`][]); `tau` in ms; `I` in the units of `f`'s input.
    `transfer` is [`brainjax.populations.Sigmoid`][], [`brainjax.populations.ReLU`][],
    [`brainjax.populations.Tanh`][] or any callable mapping an array to an array of the
    same shape. Fixed points satisfy `r* = f(W r* + I)`; with the identity transfer
    and `W = None` the rate relaxes to `I` exponentially with time constant `tau`.

    **Arguments:** `n` units; `transfer` (default `Sigmoid()`); `tau=10` (ms, > 0) and
    `I=0`, scalars or `(n,)`; `weights` (`(n, n)`, any sign, `None` for no recurrence;
    `weights[i, j]` is the weight from unit `j` to unit `i`); `noise=None` or
    `sigma >= 0` (white noise `sigma dW` on `dr/dt`, per sqrt(ms)); `r_init=0`. The
    `args` input is added to `I`.

    **Example:**

    ```python
    net = bj.populations.RateUnit(n=3, transfer=bj.populations.Tanh(), I=0.5,
                                  weights=0.1 * jnp.ones((3, 3)))
    r_star = bj.analysis.fixed_point(net, net.init())
    ```
    """

    n: int = eqx.field(static=True, default=1)
    transfer: Callable[[Array], Array] = Sigmoid()
    tau: Float[ArrayLike, "..."] = 10.0
    I: Float[ArrayLike, "..."] = 0.0  # noqa: E741
    weights: Float[ArrayLike, "n n"] | None = None
    noise: Float[ArrayLike, ""] | None = None
    r_init: Float[ArrayLike, "..."] = 0.0

    def __check_init__(self):
        check_count("n", self.n)
        if not callable(self.transfer):
            raise ValueError(f"`transfer` must be callable, got {self.transfer!r}.")
        for name in ("tau", "I", "r_init"):
            check_shape(name, getattr(self, name), self.n)
            check_finite(name, getattr(self, name))
        check_fields(self, positive=("tau",))
        if self.weights is not None:
            if np.shape(self.weights) != (self.n, self.n):
                raise ValueError(
                    f"`weights` must have shape ({self.n}, {self.n}), "
                    f"got shape {np.shape(self.weights)}."
                )
            check_finite("weights", self.weights)
        if self.noise is not None:
            check_nonnegative("noise", self.noise)

    def init(self, key: PRNGKeyArray | None = None) -> Float[Array, " n"]:
        return jnp.broadcast_to(jnp.asarray(self.r_init, dtype=float), (self.n,))

    def vector_field(self, t, r: Float[Array, " n"], args) -> Float[Array, " n"]:
        drive = self.I + (0.0 if args is None else args)
        if self.weights is not None:
            drive = drive + jnp.asarray(self.weights) @ r
        return (-r + self.transfer(jnp.asarray(drive))) / self.tau

    def diffusion(self, t, r: Float[Array, " n"], args) -> Float[Array, " n"] | None:
        if self.noise is None:
            return None
        return jnp.broadcast_to(jnp.asarray(self.noise, dtype=float), r.shape)
