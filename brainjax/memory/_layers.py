"""Hopfield layers (Ramsauer et al. 2020) as Equinox modules for larger models."""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

from .._validate import check_count, check_positive


def _retrieve(beta, queries, keys, values):
    """One Hopfield update for every query: `softmax(beta Q K^T) V`."""
    return jax.nn.softmax(beta * queries @ keys.T, axis=-1) @ values


def _start(
    beta: float | None, key: PRNGKeyArray, key_size: int, out_size: int, **sizes: int
) -> tuple[Array, Array]:
    """Check the sizes (integers >= 1); return `beta` as an array (default
    `1/sqrt(key_size)`) and three keys for the query, key and value parameters."""
    for name, value in {**sizes, "key_size": key_size, "out_size": out_size}.items():
        check_count(name, value)
    return _beta(beta, key_size), jax.random.split(key, 3)


def _linear(in_size: int, out_size: int, key: PRNGKeyArray) -> eqx.nn.Linear:
    return eqx.nn.Linear(in_size, out_size, use_bias=False, key=key)


def _beta(beta: float | None, key_size: int) -> Array:
    value = 1.0 / jnp.sqrt(key_size) if beta is None else beta
    check_positive("beta", value)
    return jnp.asarray(value, float)


class HopfieldAttention(eqx.Module):
    """Hopfield association of state patterns `R` with stored patterns `Y`
    (Ramsauer et al. 2020, eq. 10; their `Hopfield` layer):

    `Z = softmax(beta (R W_Q) (Y W_K)^T) (Y W_V)`,

    one update of a modern Hopfield network whose stored patterns are the projected
    `Y W_K` and whose state patterns are `R W_Q`; the same as transformer attention.
    `beta` is learnable (default `1/sqrt(key_size)`).

    **Example:** `HopfieldAttention(16, 32, key_size=8, out_size=4, key=k)(r, y)` with `r` of
    shape `(s, 16)` and `y` of shape `(p, 32)` gives `(s, 4)`.
    """

    query: eqx.nn.Linear
    key: eqx.nn.Linear
    value: eqx.nn.Linear
    beta: Float[Array, ""]

    def __init__(
        self,
        state_size: int,
        stored_size: int,
        *,
        key_size: int,
        out_size: int,
        beta: float | None = None,
        key: PRNGKeyArray,
    ):
        self.beta, (kq, kk, kv) = _start(
            beta, key, key_size, out_size, state_size=state_size, stored_size=stored_size
        )
        self.query = _linear(state_size, key_size, kq)
        self.key = _linear(stored_size, key_size, kk)
        self.value = _linear(stored_size, out_size, kv)

    def __call__(
        self, state: Float[Array, "s state"], stored: Float[Array, "p stored"]
    ) -> Float[Array, "s out"]:
        q, k, v = (
            state @ self.query.weight.T,
            stored @ self.key.weight.T,
            stored @ self.value.weight.T,
        )
        return _retrieve(self.beta, q, k, v)


class HopfieldPooling(eqx.Module):
    """Hopfield pooling: learnable state (query) patterns `Q` retrieve from the input
    set `Y`: `Z = softmax(beta Q (Y W_K)^T) (Y W_V)`, a fixed-size summary of a set
    or sequence of any length (Ramsauer et al. 2020).

    **Example:** `HopfieldPooling(32, num_queries=1, key_size=8, out_size=4, key=k)(y)`
    maps `y` of shape `(p, 32)` to `(1, 4)`.
    """

    queries: Float[Array, "s key_size"]
    key: eqx.nn.Linear
    value: eqx.nn.Linear
    beta: Float[Array, ""]

    def __init__(
        self,
        stored_size: int,
        *,
        num_queries: int = 1,
        key_size: int,
        out_size: int,
        beta: float | None = None,
        key: PRNGKeyArray,
    ):
        self.beta, (kq, kk, kv) = _start(
            beta, key, key_size, out_size, stored_size=stored_size, num_queries=num_queries
        )
        self.queries = jax.random.normal(kq, (num_queries, key_size)) / jnp.sqrt(key_size)
        self.key = _linear(stored_size, key_size, kk)
        self.value = _linear(stored_size, out_size, kv)

    def __call__(self, stored: Float[Array, "p stored"]) -> Float[Array, "s out"]:
        k, v = stored @ self.key.weight.T, stored @ self.value.weight.T
        return _retrieve(self.beta, self.queries, k, v)


class HopfieldLayer(eqx.Module):
    """Hopfield lookup layer: the stored patterns are learnable (`keys`, and the
    `values` they retrieve), the input gives the state patterns:
    `Z = softmax(beta (R W_Q) K^T) V` (Ramsauer et al. 2020). With one-hot-like
    `keys` it acts as a learnable associative memory / prototype layer.

    **Example:** `HopfieldLayer(16, num_patterns=64, key_size=8, out_size=4, key=k)(r)`
    maps `r` of shape `(s, 16)` to `(s, 4)`.
    """

    query: eqx.nn.Linear
    keys: Float[Array, "p key_size"]
    values: Float[Array, "p out"]
    beta: Float[Array, ""]

    def __init__(
        self,
        state_size: int,
        *,
        num_patterns: int,
        key_size: int,
        out_size: int,
        beta: float | None = None,
        key: PRNGKeyArray,
    ):
        self.beta, (kq, kk, kv) = _start(
            beta, key, key_size, out_size, state_size=state_size, num_patterns=num_patterns
        )
        self.query = _linear(state_size, key_size, kq)
        self.keys = jax.random.normal(kk, (num_patterns, key_size)) / jnp.sqrt(key_size)
        self.values = jax.random.normal(kv, (num_patterns, out_size)) / jnp.sqrt(out_size)

    def __call__(self, state: Float[Array, "s state"]) -> Float[Array, "s out"]:
        return _retrieve(self.beta, state @ self.query.weight.T, self.keys, self.values)
