"""Diffrax solvers that Diffrax itself does not provide.

[`brainjax.solvers.ExponentialEuler`][]: the exponential Euler method of
conductance-based simulators (Brian2's `exponential_euler`, BrainPy's `exp_euler`,
NEURON's `cnexp` for the gates), as a `diffrax.AbstractSolver`, so it plugs into
[`brainjax.simulate`][] like `diffrax.Euler()`.
"""

from collections.abc import Callable
from typing import ClassVar

import diffrax
import jax
import jax.numpy as jnp
from jaxtyping import Array

__all__ = ["ExponentialEuler"]


def _phi1(z: Array) -> Array:
    """`(exp(z) - 1) / z`, -> 1 at 0; `z` is capped at 30 so that an unstable mode
    (e.g. the upswing of an exponential integrate-and-fire neuron) grows hugely but
    stays finite."""
    z = jnp.minimum(z, 30.0)
    small = jnp.abs(z) < 1e-5
    safe = jnp.where(small, 1.0, z)
    return jnp.where(small, 1.0 + z / 2, jnp.expm1(safe) / safe)


def _one_hot_trees(y):
    """For each leaf of `y`: a tree of zeros with ones in that leaf."""
    leaves, treedef = jax.tree.flatten(y)
    return [
        jax.tree.unflatten(treedef, [jnp.ones_like(x) if i == k else jnp.zeros_like(x)
                                     for i, x in enumerate(leaves)])
        for k in range(len(leaves))
    ]  # fmt: skip


class ExponentialEuler(diffrax.AbstractSolver):
    """Exponential Euler: first order, exact for linear decay.

    For each state variable `y_i` with `dy_i/dt = f_i(y)`, the step is

        y_i(t + dt) = y_i + dt * phi1(a_i dt) * f_i(y),    phi1(z) = (exp(z) - 1) / z

    with `a_i = df_i/dy_i` at the start of the step (computed by forward-mode
    autodiff, one `jax.jvp` per state leaf). When `f_i` is linear in `y_i` with the
    other variables frozen over the step, as for the gates `dm/dt = alpha (1 - m) -
    beta m` and the membrane potential of conductance-based neurons, this is the exact
    solution of that linear equation (MacGregor 1987; Brian2's `exponential_euler`).
    Fast gates therefore stay stable and in [0, 1] at steps where `diffrax.Euler()`
    explodes, e.g. the Traub-Miles neuron of the COBA-HH benchmark at `dt = 0.1` ms.

    `a_i` is the sum of row `i` of the Jacobian block of `y_i`'s leaf, which is the
    diagonal when the elements of a leaf do not drive each other (every neuron
    population; synaptic variables). Otherwise the step is still a consistent first
    order method, just without the stability gain. Deterministic (ODE) terms only.

    **Example:**

    ```python
    hh = bj.neurons.HodgkinHuxley.traub_miles(n=4000)
    sol = bj.simulate(hh, t1=1000.0, dt=0.1, solver=bj.solvers.ExponentialEuler())
    ```
    """

    term_structure: ClassVar = diffrax.ODETerm
    interpolation_cls: ClassVar[Callable[..., diffrax.LocalLinearInterpolation]] = (
        diffrax.LocalLinearInterpolation
    )

    def order(self, terms):
        return 1

    def init(self, terms, t0, t1, y0, args):
        return None

    def step(self, terms, t0, t1, y0, args, solver_state, made_jump):
        del solver_state, made_jump
        dt = t1 - t0
        f0, f_jvp = jax.linearize(lambda y: terms.vf(t0, y, args), y0)
        leaves_y0, treedef = jax.tree.flatten(y0)
        leaves_f0 = treedef.flatten_up_to(f0)
        new_leaves = []
        for k, (yk, fk, tangent) in enumerate(zip(leaves_y0, leaves_f0, _one_hot_trees(y0))):
            a = treedef.flatten_up_to(f_jvp(tangent))[k]
            new_leaves.append(yk + dt * _phi1(a * dt) * fk)
        y1 = jax.tree.unflatten(treedef, new_leaves)
        return y1, None, dict(y0=y0, y1=y1), None, diffrax.RESULTS.successful

    def func(self, terms, t0, y0, args):
        return terms.vf(t0, y0, args)
