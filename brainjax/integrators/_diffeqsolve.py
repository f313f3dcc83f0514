"""`DiffeqSolve`: ODE/SDE models through `diffrax.diffeqsolve`."""

from typing import Any

import diffrax
import equinox as eqx
import jax
import numpy as np
from jaxtyping import PyTree

from .._dynamics import AbstractDynamics, AbstractSpiking
from .._solution import Solution
from .._validate import check_count, runtime_checks
from . import _finite
from ._base import AbstractIntegrator, Problem
from ._common import (
    check_solver,
    has_step_delays,
    record_times,
    reject_stochastic_inputs,
    setup_terms,
)


class DiffeqSolve(AbstractIntegrator):
    """Integrate a continuous model (ODE, or Ito SDE `dy = f dt + g dW` when it has a
    `diffusion`) with `diffrax.diffeqsolve`; the noise is a
    `diffrax.VirtualBrownianTree`. The default integrator of non-spiking models.

    **Arguments:**

    - `solver`: a Diffrax solver (default `diffrax.Heun()`).
    - `stepsize_controller`: e.g. `diffrax.PIDController(rtol=1e-6, atol=1e-6)`; the
      default `None` steps exactly onto the grid `t0 + k dt`. With an adaptive
      controller, `dt` is the initial step and the recording grid.
    - `adjoint`: how `jax.grad` differentiates the solve (default
      `diffrax.RecursiveCheckpointAdjoint()`).
    - `max_steps`: the step budget (default: the number of grid steps with constant
      steps, `max(4096, 16 * n_steps)` with an adaptive controller).

    Serves any [`brainjax.AbstractDynamics`][] that is not spiking and has no delay of
    a step or more; inputs must be deterministic (they are evaluated at every solver
    stage).

    **Example:**

    ```python
    wc = bj.populations.WilsonCowan()
    controller = diffrax.PIDController(rtol=1e-6, atol=1e-8)
    integrator = bj.integrators.DiffeqSolve(diffrax.Tsit5(), stepsize_controller=controller)
    sol = bj.simulate(wc, t1=100.0, dt=0.5, integrator=integrator)
    ```
    """

    solver: diffrax.AbstractSolver = diffrax.Heun()
    stepsize_controller: diffrax.AbstractStepSizeController | None = None
    adjoint: diffrax.AbstractAdjoint = diffrax.RecursiveCheckpointAdjoint()
    max_steps: int | None = eqx.field(default=None, static=True)

    def __check_init__(self):
        check_solver(self.solver)
        controller = self.stepsize_controller
        if controller is not None and not isinstance(
            controller, diffrax.AbstractStepSizeController
        ):
            raise ValueError(
                "`stepsize_controller` must be a diffrax.AbstractStepSizeController, "
                f"got {controller!r}."
            )
        if not isinstance(self.adjoint, diffrax.AbstractAdjoint):
            raise ValueError(f"`adjoint` must be a diffrax.AbstractAdjoint, got {self.adjoint!r}.")
        if self.max_steps is not None:
            check_count("max_steps", self.max_steps)

    def check(self, model: AbstractDynamics, inputs: PyTree[Any], dt: float) -> None:
        if isinstance(model, AbstractSpiking):
            self._refuse(
                model,
                "a spiking model jumps at its spikes",
                "HybridScan() (or ExactEvents() for exact spike times)",
            )
        if has_step_delays(model, dt):
            self._refuse(model, f"it has delays of a step `dt` ({dt!r} ms) or more", "DelayScan()")
        reject_stochastic_inputs(inputs)

    def run(self, model: AbstractDynamics, problem: Problem) -> Solution:
        t0, dt, n_steps = problem.grid
        max_steps = self.max_steps
        if self.stepsize_controller is None:
            # Step exactly onto the grid t0 + k dt. With ConstantStepSize the accumulated
            # step times drift from the recording times by round-off, and a recording that
            # falls a hair inside the next step gets a wrong gradient through the
            # interpolation.
            controller = diffrax.StepTo(ts=t0 + dt * np.arange(n_steps + 1))
            max_steps = n_steps + 1 if max_steps is None else max_steps
        else:
            controller = self.stepsize_controller
            max_steps = max(4096, 16 * n_steps) if max_steps is None else max_steps
        checks = runtime_checks()
        return _finite.checked(
            _diffeqsolve(self, model, problem, controller, max_steps, checks), problem, checks
        )


@eqx.filter_jit
def _diffeqsolve(integrator, model, problem, controller, max_steps, checks):
    y0, inputs, monitor, grid = problem.y0, problem.inputs, problem.monitor, problem.grid
    noise_key, _ = problem.keys
    t0, dt, n_steps = grid
    t1 = t0 + dt * n_steps
    ts = record_times(monitor, grid)
    y_start, as_state, terms = setup_terms(
        model,
        y0,
        inputs,
        noise_key,
        lambda shape: diffrax.VirtualBrownianTree(t0, t1, tol=dt / 2, shape=shape, key=noise_key),
    )
    subs = [
        diffrax.SubSaveAt(ts=ts, fn=lambda t, y, args: monitor.pick(as_state(y))),
        diffrax.SubSaveAt(t1=True, fn=lambda t, y, args: as_state(y)),
    ]
    if checks:  # one isfinite(...).all() per state leaf per record
        subs.append(
            diffrax.SubSaveAt(ts=ts, fn=lambda t, y, args: _finite.finite_flags(as_state(y)))
        )
    saveat = diffrax.SaveAt(subs=subs)
    meter = diffrax.TqdmProgressMeter() if problem.progress else diffrax.NoProgressMeter()
    sol = diffrax.diffeqsolve(
        terms,
        integrator.solver,
        t0,
        t1,
        None if isinstance(controller, diffrax.StepTo) else dt,
        y_start,
        None,
        saveat=saveat,
        stepsize_controller=controller,
        adjoint=integrator.adjoint,
        max_steps=max_steps,
        progress_meter=meter,
    )
    assert sol.ys is not None
    ys, final = sol.ys[:2]
    fault = _finite.first_fault(sol.ys[2], monitor.every) if checks else _finite.no_fault()
    final = jax.tree.map(lambda x: x[0], final)
    return Solution(ts=ts, ys=ys, spikes=None, final=final, dt=dt), fault
