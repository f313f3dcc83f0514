import jax
import jax.numpy as jnp
import optimistix as optx
from jax.flatten_util import ravel_pytree
from jaxtyping import Array, Complex, Float

from .._dynamics import AbstractDynamics, State


def fixed_point(
    model: AbstractDynamics,
    guess: State,
    args=None,
    *,
    t: float = 0.0,
    rtol: float = 1e-6,
    atol: float = 1e-6,
    max_steps: int = 256,
) -> State:
    """Find a state `y*` with `model.vector_field(t, y*, args) = 0` by Newton's method
    (`optimistix.Newton`), starting from `guess`. Raises if it does not converge.

    Differentiable with respect to model parameters (implicit function theorem).

    **Example:** `y_star = bj.analysis.fixed_point(wc, wc.init())`.
    """
    solver = optx.Newton(rtol=rtol, atol=atol)
    sol = optx.root_find(
        lambda y, _: model.vector_field(t, y, args), solver, guess, max_steps=max_steps
    )
    return sol.value


def jacobian(
    model: AbstractDynamics, y: State, args=None, *, t: float = 0.0
) -> Float[Array, "d d"]:
    """The Jacobian `d f / d y` of the vector field at `y`, as a matrix over the
    flattened state (order of `jax.flatten_util.ravel_pytree`)."""
    flat, unravel = ravel_pytree(y)
    return jax.jacfwd(lambda z: ravel_pytree(model.vector_field(t, unravel(z), args))[0])(flat)


def eigenvalues(
    model: AbstractDynamics, y: State, args=None, *, t: float = 0.0
) -> Complex[Array, " d"]:
    """Eigenvalues (per ms) of the Jacobian at `y`; `y` is a stable fixed point when
    all real parts are negative."""
    return jnp.linalg.eigvals(jacobian(model, y, args, t=t))
