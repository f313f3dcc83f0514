"""Spike functions: a Heaviside step forward, a smooth surrogate derivative backward.

Each surrogate is an `eqx.Module`; calling it on `x = v - v_th` (mV) returns
`1.0` where `x > 0` and `0.0` elsewhere. Its derivative, as seen by `jax.grad` and
`jax.jvp`, is the surrogate's `derivative(x)` (per mV) instead of a Dirac delta, so a
spiking simulation can be trained by backpropagation through time (Neftci, Mostafa &
Zenke 2019).

Example:
    >>> import jax, jax.numpy as jnp, brainjax as bj
    >>> f = bj.surrogate.SuperSpike(slope=1.0)
    >>> f(jnp.array([-1.0, 0.5]))
    Array([0., 1.], dtype=float32)
    >>> jax.grad(lambda x: f(x))(0.0)
    Array(1., dtype=float32)
"""

import abc

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from ._validate import check_positive

__all__ = ["AbstractSurrogate", "SuperSpike", "ArcTan", "Triangle"]


@jax.custom_jvp
def _heaviside(x: Array, surrogate: "AbstractSurrogate") -> Array:
    return jnp.where(x > 0, 1.0, 0.0).astype(jnp.result_type(x, float))


@_heaviside.defjvp
def _heaviside_jvp(primals, tangents):
    x, surrogate = primals
    x_dot, _ = tangents  # the surrogate's own parameters get no gradient
    return _heaviside(x, surrogate), surrogate.derivative(x) * x_dot


class AbstractSurrogate(eqx.Module):
    """Heaviside step with a custom derivative. Subclasses define `derivative(x)`."""

    def __call__(self, x: ArrayLike) -> Float[Array, "..."]:
        """Return `1.0` where `x > 0`, else `0.0`; differentiable via `derivative`."""
        return _heaviside(jnp.asarray(x, dtype=jnp.result_type(x, float)), self)

    @abc.abstractmethod
    def derivative(self, x: Array) -> Array:
        """Return the surrogate derivative at `x` (per unit of `x`)."""


class SuperSpike(AbstractSurrogate):
    """Fast-sigmoid surrogate of SuperSpike (Zenke & Ganguli 2018).

    derivative(x) = 1 / (1 + slope * |x|)**2.

    `slope` (per mV, > 0) sets the sharpness: larger is closer to the true step.
    """

    slope: float = 1.0

    def __check_init__(self):
        check_positive("slope", self.slope)

    def derivative(self, x: Array) -> Array:
        return 1.0 / (1.0 + self.slope * jnp.abs(x)) ** 2


class ArcTan(AbstractSurrogate):
    """Arctan surrogate (Fang et al. 2021, SpikingJelly), the derivative of
    `arctan(pi/2 * alpha * x) / pi + 1/2`:

    derivative(x) = (alpha / 2) / (1 + (pi / 2 * alpha * x)**2).

    `alpha` (per mV, > 0) sets the sharpness; the derivative integrates to 1.
    """

    alpha: float = 2.0

    def __check_init__(self):
        check_positive("alpha", self.alpha)

    def derivative(self, x: Array) -> Array:
        return (self.alpha / 2) / (1.0 + (jnp.pi / 2 * self.alpha * x) ** 2)


class Triangle(AbstractSurrogate):
    """Triangle (piecewise-linear) surrogate (Bellec et al. 2018, Esser et al. 2016):

    derivative(x) = slope * max(0, 1 - slope * |x|).

    `slope` (per mV, > 0): the support is |x| < 1/slope and the derivative
    integrates to 1.
    """

    slope: float = 1.0

    def __check_init__(self):
        check_positive("slope", self.slope)

    def derivative(self, x: Array) -> Array:
        return self.slope * jnp.maximum(0.0, 1.0 - self.slope * jnp.abs(x))
