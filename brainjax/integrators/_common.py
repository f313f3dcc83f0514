"""Helpers shared by the integrators: Diffrax terms (in flat coordinates under noise),
recording times and the final record."""

import diffrax
import jax
import jax.numpy as jnp
import lineax as lx
import numpy as np
from jax.flatten_util import ravel_pytree
from jaxtyping import Array, PyTree

from .. import inputs as _inputs
from .._delays import AbstractDelayed
from .._dynamics import AbstractDynamics


def has_step_delays(model: AbstractDynamics, dt: float) -> bool:
    """Whether `model` is an `AbstractDelayed` with a delay of at least one step `dt`."""
    return isinstance(model, AbstractDelayed) and bool(np.rint(np.max(model.delays) / dt) > 0)


def reject_stochastic_inputs(inputs: PyTree) -> None:
    if _inputs.is_stochastic(inputs):
        raise ValueError(
            "stochastic inputs (PoissonSpikes, OUNoise, or a Sum holding one) run on "
            "the fixed-step path only (`integrators.HybridScan`, the default for spiking "
            "models); this model runs on an ODE/SDE path: use the model's `diffusion` "
            "for noise."
        )


def ravel(tree: PyTree) -> Array:
    return ravel_pytree(tree)[0]


def _terms(model, inputs, unravel, noise_key, brownian):
    """Diffrax terms in flat coordinates (noise) or in the model's own PyTree."""

    def drift(t, y, args):
        if args is None:  # ODE path: the inputs are evaluated at every stage time
            args = _inputs.evaluate(inputs, t)
        if unravel is None:
            return model.vector_field(t, y, args)
        return ravel(model.vector_field(t, unravel(y), args))

    if noise_key is None:
        return diffrax.ODETerm(drift)

    def diffusion(t, y, args):
        if args is None:
            args = _inputs.evaluate(inputs, t)
        state = unravel(y)
        g = model.diffusion(t, state, args)
        g = jax.tree.map(lambda g_, y_: jnp.broadcast_to(g_, y_.shape), g, state)
        return lx.DiagonalLinearOperator(ravel(g))

    return diffrax.MultiTerm(diffrax.ODETerm(drift), diffrax.ControlTerm(diffusion, brownian))


def setup_terms(model, y0, inputs, noise_key, make_brownian):
    """`(y_start, as_state, terms)`: the Diffrax terms in the model's own PyTree, or, with
    noise, in flat coordinates (`as_state` maps the solver's state back to the model's)."""
    if noise_key is None:
        return y0, (lambda y: y), _terms(model, inputs, None, None, None)
    y_start, unravel = ravel_pytree(y0)
    brownian = make_brownian(y_start.shape)
    return y_start, unravel, _terms(model, inputs, unravel, noise_key, brownian)


def scan_start(model, problem):
    """`(y_start, as_state, terms, meter)` of the fixed-step scans: the terms of
    `setup_terms` with fixed-step Brownian increments (cheap; valid for constant steps)
    and a progress meter when `problem.progress` (else `None`)."""
    noise_key, _ = problem.keys
    _, _, n_steps = problem.grid
    brownian = lambda shape: diffrax.UnsafeBrownianPath(shape=shape, key=noise_key)
    y_start, as_state, terms = setup_terms(model, problem.y0, problem.inputs, noise_key, brownian)
    meter = diffrax.TqdmProgressMeter(max(1, n_steps // 50)) if problem.progress else None
    return y_start, as_state, terms, meter


def record_times(monitor, grid):
    t0, dt, n_steps = grid
    return t0 + dt * monitor.every * jnp.arange(n_steps // monitor.every + 1)


def with_final(records, final, monitor):
    """Append the monitored final state to the records taken at the start of each chunk."""
    return jax.tree.map(lambda r, f: jnp.concatenate([r, f[None]]), records, monitor.pick(final))


def check_solver(solver) -> None:
    if not isinstance(solver, diffrax.AbstractSolver):
        raise ValueError(f"`solver` must be a diffrax.AbstractSolver, got {solver!r}.")
