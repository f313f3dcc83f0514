"""`GradientFlow`: relax by integrating the model's continuous dynamics with Diffrax."""

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp

from .._dynamics import AbstractEnergy
from .._validate import check_positive
from ._base import AbstractRelaxation, Relaxation, RelaxationProblem
from ._tree import implicit_fixed_point, norm, pad, stop


class GradientFlow(AbstractRelaxation):
    """Relax by integrating the model's continuous dynamics `dx/dt = vector_field(t, x,
    args)` (by default the gradient flow `-grad_x E`) with Diffrax until a steady state
    (`|vector_field(x)| < atol + rtol * |x|`, a Diffrax steady-state event). Serves
    every [`brainjax.AbstractEnergy`][].

    **Arguments:**

    - `solver`: a Diffrax solver (default `diffrax.Tsit5()`).
    - `dt0`: the initial (or, with a constant step size, the fixed) step, in the flow's
      own time units (time constants of the model, dimensionless unless the model says
      otherwise).
    - `stepsize_controller`: default `diffrax.PIDController` with ten times tighter
      tolerances than `relax`'s steady-state `rtol`, `atol` (looser error control lets
      an explicit solver wander at the stability limit and never meet the steady-state
      test). `diffrax.ConstantStepSize()` gives fixed steps of `dt0` (e.g. with
      `diffrax.Euler()`, plain gradient descent `x <- x - dt0 * grad E`).

    Gradients: by the implicit function theorem at the fixed point (`implicit=True`,
    the default), or by backpropagation through the solver steps (`implicit=False`),
    right also when the flow is stopped before equilibrium.

    **Example:** `bj.relax(net, u0, method=bj.GradientFlow(diffrax.Heun(), dt0=0.05))`.
    """

    solver: diffrax.AbstractSolver = diffrax.Tsit5()
    dt0: float = 0.1
    stepsize_controller: diffrax.AbstractStepSizeController | None = None

    def __check_init__(self):
        check_positive("dt0", self.dt0)

    def check(self, model: AbstractEnergy, problem: RelaxationProblem) -> None:
        del model, problem  # any energy model, either kind of gradient

    def run(self, model: AbstractEnergy, problem: RelaxationProblem) -> Relaxation:
        p = problem
        implicit = True if p.implicit is None else p.implicit
        out = self._flow(model, p.x0, p.args, p.rtol, p.atol, p.max_steps, implicit)
        if implicit:
            fixed_map = lambda x, a: jax.tree.map(jnp.add, x, a[0].vector_field(0.0, x, a[1]))
            x = implicit_fixed_point(fixed_map, out.x, (model, p.args))
            out = eqx.tree_at(lambda r: r.x, out, x)
        return out

    def _flow(self, model, x0, args, rtol, atol, max_steps, implicit) -> Relaxation:
        energy = lambda t, y, a: model.energy(y, a)
        saveat = diffrax.SaveAt(
            subs=[diffrax.SubSaveAt(t1=True), diffrax.SubSaveAt(t0=True, steps=True, fn=energy)]
        )
        if implicit:
            # Gradients come from `implicit_fixed_point`; the solve is not differentiated.
            model, x0, args = stop((model, x0, args))
        controller = self.stepsize_controller
        if controller is None:
            controller = diffrax.PIDController(rtol=rtol / 10, atol=atol / 10)
        sol = diffrax.diffeqsolve(
            diffrax.ODETerm(model.vector_field),
            self.solver,
            0.0,
            jnp.inf,
            self.dt0,
            x0,
            args,
            saveat=saveat,
            stepsize_controller=controller,
            event=diffrax.Event(diffrax.steady_state_event(rtol=rtol, atol=atol, norm=norm)),
            max_steps=max_steps,
            adjoint=diffrax.RecursiveCheckpointAdjoint(),
            throw=False,
        )
        assert sol.ts is not None and sol.ys is not None  # saved by `saveat`
        (_, ts), (x, energies) = sol.ts, sol.ys
        x = jax.tree.map(lambda leaf: leaf[0], x)
        final_energy = model.energy(x, args)
        t_final = jnp.max(jnp.where(jnp.isfinite(ts), ts, -jnp.inf))
        return Relaxation(
            x=x,
            energies=pad(energies, final_energy),
            ts=pad(ts, t_final),
            num_steps=sol.stats["num_accepted_steps"],
            converged=sol.result == diffrax.RESULTS.event_occurred,
        )
