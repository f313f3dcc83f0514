"""Shared pieces of the population models: node states from scalars or `(n,)` arrays,
and additive noise. Private: each model is still one public class."""

from typing import Any

from jaxtyping import Array, Float

from ..neurons._base import full as full


def noise_amplitude(noise: Any, n: int) -> Float[Array, " n"] | None:
    """The amplitude of additive white noise on a variable of `n` nodes: `None`
    (a deterministic model) when `noise` is `None`, else `noise` as a float `(n,)`
    array."""
    return None if noise is None else full(noise, n)
