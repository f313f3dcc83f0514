"""Distributions of per-synapse values (weights, delays)."""

import abc

import equinox as eqx
import numpy as np

from .._validate import check_finite, check_nonnegative


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
