"""`HybridScan`: the fixed-step scan of spiking models (flow, spike, reset)."""

from typing import Any

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import PyTree

from .. import inputs as _inputs
from .._dynamics import AbstractDynamics, AbstractSpiking
from .._solution import Solution
from .._validate import runtime_checks
from . import _finite
from ._base import AbstractIntegrator, Problem
from ._common import (
    check_solver,
    ravel,
    record_times,
    scan_start,
    with_final,
)


class HybridScan(AbstractIntegrator):
    """Integrate a spiking model (a population or a [`brainjax.Network`][]) with a
    `jax.lax.scan` of fixed steps `dt`: the solver's `step` for the continuous flow
    (inputs held constant over the step), then `model.spike`, then `model.reset`.
    Spikes pass surrogate gradients, so `jax.grad` through the scan is
    backpropagation through time. The default integrator of spiking models.

    **Arguments:**

    - `solver`: a Diffrax solver whose `step` is reused (default `diffrax.Euler()`).
    - `checkpoint`: memory-bounded backpropagation through time. Each chunk of
      `monitor.every` steps is wrapped in `jax.checkpoint`, so `jax.grad` stores one
      state per chunk and recomputes the steps inside a chunk during the backward
      pass: memory ~ `n_steps / every + every` states instead of `n_steps`, for about
      one extra forward pass of compute (best near `every ~ sqrt(n_steps)`). Results
      and gradients are unchanged.

    Stochastic inputs (e.g. [`brainjax.inputs.PoissonSpikes`][]) draw once per step;
    a model `diffusion` adds Euler-Maruyama-style noise increments.

    **Example:**

    ```python
    lif = bj.neurons.LIF(n=10)
    sol = bj.simulate(lif, t1=200.0, dt=0.1, inputs=400.0,
                      integrator=bj.integrators.HybridScan(diffrax.Heun()))
    ```
    """

    solver: diffrax.AbstractSolver = diffrax.Euler()
    checkpoint: bool = eqx.field(default=False, static=True)

    def __check_init__(self):
        check_solver(self.solver)

    def check(self, model: AbstractDynamics, inputs: PyTree[Any], dt: float) -> None:
        if not isinstance(model, AbstractSpiking):
            self._refuse(model, "it is not spiking", "DiffeqSolve() (or DelayScan() with delays)")

    def prepare(self, model: AbstractDynamics, dt: float) -> AbstractDynamics:
        from ..network import Network  # late: the network imports the models

        assert isinstance(model, AbstractSpiking)
        # A Network built with the deprecated `dt` must be run with that step.
        model_dt = model.dt if isinstance(model, Network) else None
        if model_dt is not None and not np.isclose(model_dt, dt):
            raise ValueError(
                f"`dt` ({dt!r} ms) must equal the `dt` the Network was built with "
                f"({model_dt!r} ms): its delays are counted in steps."
            )
        return model.with_step(dt)

    def run(self, model: AbstractDynamics, problem: Problem) -> Solution:
        checks = runtime_checks()
        return _finite.checked(_scan(self, model, problem, checks), problem, checks)


@eqx.filter_jit
def _scan(integrator, model, problem, checks):
    y0, inputs, monitor, grid = problem.y0, problem.inputs, problem.monitor, problem.grid
    noise_key, input_key = problem.keys
    t0, dt, n_steps = grid
    solver = integrator.solver
    y_start, as_state, terms, meter = scan_start(model, problem)
    as_flat = (lambda y: y) if noise_key is None else ravel
    stochastic_inputs = _inputs.is_stochastic(inputs)

    def input_key_at(i):
        return jax.random.fold_in(input_key, i) if stochastic_inputs else None

    # Stateful inputs (OU noise) carry their state in the scan; the step index n_steps
    # is never used by a step, so its key seeds their initial state.
    input_state = _inputs.init_state(inputs, dt, input_key_at(n_steps))

    def args_at(i, t, input_state):
        return _inputs.evaluate(inputs, t, dt=dt, key=input_key_at(i), state=input_state)

    solver_state = solver.init(terms, t0, t0 + dt, y_start, args_at(0, t0, input_state))

    def step(carry, i):
        y, solver_state, meter_state, input_state = carry
        t = t0 + i * dt
        y, _, _, solver_state, _ = solver.step(
            terms, t, t + dt, y, args_at(i, t, input_state), solver_state, made_jump=True
        )
        input_state = _inputs.advance(inputs, input_state, t, dt=dt, key=input_key_at(i))
        state = as_state(y)
        spikes = model.spike(state)
        y = as_flat(model.reset(state, spikes))
        if meter is not None:
            meter_state = meter.step(meter_state, (i + 1) / n_steps)
        carry = (y, solver_state, meter_state, input_state)
        return carry, spikes

    def watched_step(carry_watch, i):
        carry, watch = carry_watch
        carry, spikes = step(carry, i)
        watch, per_step = monitor.watch(watch, spikes, i)
        return (carry, watch), per_step

    def chunk(carry_fault, chunk_index):
        carry_watch, fault = carry_fault
        record = monitor.pick(as_state(carry_watch[0][0]))
        steps = chunk_index * monitor.every + jnp.arange(monitor.every)
        carry_watch, per_step = jax.lax.scan(watched_step, carry_watch, steps)
        if checks:  # one isfinite(...).all() per state leaf per record
            end = (chunk_index + 1) * monitor.every
            fault = _finite.watch(fault, as_state(carry_watch[0][0]), end)
        return (carry_watch, fault), (record, per_step)

    if integrator.checkpoint:
        chunk = jax.checkpoint(chunk)
    meter_state = None if meter is None else meter.init()
    carry = (y_start, solver_state, meter_state, input_state)
    watch = monitor.init_watch(jax.eval_shape(model.spike, y0))
    ((carry, (counts, events)), fault), (records, (spikes, rates)) = jax.lax.scan(
        chunk, ((carry, watch), _finite.no_fault()), jnp.arange(n_steps // monitor.every)
    )
    if meter is not None and carry[2] is not None:
        meter.close(carry[2])
    final = as_state(carry[0])
    per_step = lambda tree: jax.tree.map(lambda s: s.reshape((n_steps,) + s.shape[2:]), tree)  # noqa: E731
    solution = Solution(
        ts=record_times(monitor, grid),
        ys=with_final(records, final, monitor),
        spikes=per_step(spikes),
        final=final,
        dt=dt,
        events=events,
        population_counts=per_step(rates),
        spike_counts=counts,
    )
    return solution, fault
