"""PyTree helpers of the relaxation methods: norm, stopped gradients, padded records
and implicit derivatives at a fixed point."""

from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optimistix as optx
from jaxtyping import Array, Scalar

from .._dynamics import State


def norm(tree: Any) -> Scalar:
    """The Euclidean norm of all the leaves of a PyTree."""
    return jnp.sqrt(sum(jnp.sum(jnp.square(leaf)) for leaf in jax.tree.leaves(tree)))


def stop(tree: Any) -> Any:
    """`stop_gradient` on the array leaves of a PyTree that may hold other leaves."""
    return jax.tree.map(lambda v: jax.lax.stop_gradient(v) if eqx.is_array(v) else v, tree)


def pad(values: Array, final: Array) -> Array:
    """Replace the non-finite (unused) entries of a record by its final value."""
    return jnp.where(jnp.isfinite(values), values, final)


def implicit_fixed_point(fixed_map, x_star: State, params: Any) -> State:
    """Attach implicit-function-theorem derivatives to the fixed point `x_star` of
    `fixed_map` (value unchanged): optimistix differentiates `x = fixed_map(x, params)`
    at the solution; its forward pass, started at the solution, takes one step."""
    x_star = stop(x_star)
    solver = optx.FixedPointIteration(rtol=np.inf, atol=np.inf)
    y = optx.fixed_point(fixed_map, solver, x_star, params, max_steps=2, throw=False).value
    return jax.tree.map(lambda s, v: s + (v - jax.lax.stop_gradient(v)), x_star, y)
