"""`DelayScan`: fixed steps with a ring buffer of past outputs, for delayed models."""

from typing import Any

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import PyTree

from .. import inputs as _inputs
from .._delays import AbstractDelayed, DelayedArgs
from .._dynamics import AbstractDynamics
from .._solution import Solution
from .._validate import runtime_checks
from ..network import RingBuffer
from . import _finite
from ._base import AbstractIntegrator, Problem
from ._common import (
    check_solver,
    record_times,
    reject_stochastic_inputs,
    scan_start,
    with_final,
)


class DelayScan(AbstractIntegrator):
    """Integrate an [`brainjax.AbstractDelayed`][] model (e.g. a whole-brain network
    with conduction delays) with fixed steps `dt` and a ring buffer of its past outputs.

    Each step writes `output(y)` into the buffer, gathers `past[i, j]` (the output of
    node `j` `delays[i, j]` ms ago, delays rounded to whole steps) with one indexed
    read, and takes one step of the Diffrax solver with `past` held constant over the
    step. Before `t0` the history is constant, equal to `output(y0)`. Gradients store
    one state per record (`monitor.every` steps), recomputing the steps in between.
    The default integrator of delayed models with a delay of a step or more.

    **Arguments:**

    - `solver`: a Diffrax solver whose `step` is reused (default `diffrax.Heun()`).

    **Example:**

    ```python
    sol = bj.simulate(model, t1=1000.0, dt=0.1, key=key,
                      integrator=bj.integrators.DelayScan(diffrax.Euler()))
    ```
    """

    solver: diffrax.AbstractSolver = diffrax.Heun()

    def __check_init__(self):
        check_solver(self.solver)

    def check(self, model: AbstractDynamics, inputs: PyTree[Any], dt: float) -> None:
        if not isinstance(model, AbstractDelayed):
            self._refuse(
                model, "it has no delays", "DiffeqSolve() (or HybridScan() for spiking models)"
            )
        reject_stochastic_inputs(inputs)

    def run(self, model: AbstractDynamics, problem: Problem) -> Solution:
        checks = runtime_checks()
        return _finite.checked(_delayed_scan(self, model, problem, checks), problem, checks)


@eqx.filter_jit
def _delayed_scan(integrator, model, problem, checks):
    y0, inputs, monitor, grid = problem.y0, problem.inputs, problem.monitor, problem.grid
    t0, dt, n_steps = grid
    solver = integrator.solver
    lags = np.rint(np.asarray(model.delays, dtype=float) / dt).astype(np.int32)
    n = lags.shape[1]
    # A mirrored ring buffer of past outputs, constant history output(y0) before t0;
    # past[i, j] = output j as pushed lags[i, j] steps ago (lag 0: this step's output).
    history = RingBuffer.constant(model.output(y0), depth=int(lags.max()) + 1)
    index = history.lag_index(lags, np.broadcast_to(np.arange(n), lags.shape))
    y_start, as_state, terms, meter = scan_start(model, problem)

    def args_at(t, past):
        return DelayedArgs(input=_inputs.evaluate(inputs, t, dt=dt), past=past)

    solver_state = solver.init(terms, t0, t0 + dt, y_start, args_at(t0, jnp.zeros((n, n))))

    def step(carry, i):
        y, history, solver_state, meter_state = carry
        t = t0 + i * dt
        history = history.push(model.output(as_state(y)))
        past = history.gather(index)
        history = history.advance()
        y, _, _, solver_state, _ = solver.step(
            terms, t, t + dt, y, args_at(t, past), solver_state, made_jump=False
        )
        if meter is not None:
            meter_state = meter.step(meter_state, (i + 1) / n_steps)
        return (y, history, solver_state, meter_state), None

    @jax.checkpoint  # gradients store one carry per record, not one per step
    def chunk(carry_fault, chunk_index):
        carry, fault = carry_fault
        record = monitor.pick(as_state(carry[0]))
        steps = chunk_index * monitor.every + jnp.arange(monitor.every)
        carry, _ = jax.lax.scan(step, carry, steps)
        if checks:  # one isfinite(...).all() per state leaf per record
            end = (chunk_index + 1) * monitor.every
            fault = _finite.watch(fault, as_state(carry[0]), end)
        return (carry, fault), record

    meter_state = None if meter is None else meter.init()
    carry = (y_start, history, solver_state, meter_state)
    (carry, fault), records = jax.lax.scan(
        chunk, (carry, _finite.no_fault()), jnp.arange(n_steps // monitor.every)
    )
    if meter is not None and carry[3] is not None:
        meter.close(carry[3])
    final = as_state(carry[0])
    solution = Solution(
        ts=record_times(monitor, grid),
        ys=with_final(records, final, monitor),
        spikes=None,
        final=final,
        dt=dt,
    )
    return solution, fault
