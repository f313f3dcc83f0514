"""`FixedStep`: a fixed number of explicit gradient steps on the energy (the inference of
predictive coding)."""

import equinox as eqx
import jax
import jax.numpy as jnp

from .._dynamics import AbstractEnergy
from .._validate import check_count, check_positive
from ._base import AbstractRelaxation, Relaxation, RelaxationProblem
from ._tree import norm


class FixedStep(AbstractRelaxation):
    """Relax by exactly `steps` explicit gradient steps `x <- x - step_size * dE/dx`
    (forward Euler on the gradient flow with `dt = step_size`), in one `lax.scan`; the
    inference of predictive coding ([`brainjax.predictive_coding.infer`][]).

    Serves every [`brainjax.AbstractEnergy`][] (it descends `E` itself, whatever the
    model's `vector_field`). There is no stopping test: `relax`'s `max_steps` does not
    apply, and `rtol`, `atol` only set the `converged` flag (the last step changed the
    state by at most `atol + rtol * |x|`). Gradients by backpropagation through the
    steps (`implicit=True` is refused: the result need not be a fixed point). The
    energy is non-increasing when `step_size < 2 / lambda_max` of the energy's Hessian
    (about `1 / precision` for weak predictive-coding weights).

    **Arguments:** `step_size` (> 0, in the flow's time units), `steps` (>= 1).

    **Example:** `bj.relax(model, x0, args, method=bj.FixedStep(step_size=0.1, steps=20))`.
    """

    step_size: float = eqx.field(static=True)
    steps: int = eqx.field(static=True)

    def __check_init__(self):
        check_positive("step_size", self.step_size)
        check_count("steps", self.steps)

    def check(self, model: AbstractEnergy, problem: RelaxationProblem) -> None:
        del model
        if problem.implicit is True:
            raise ValueError(
                "`implicit=True` is not available with `FixedStep()`: it backpropagates "
                "through its steps (leave `implicit` unset)."
            )

    def run(self, model: AbstractEnergy, problem: RelaxationProblem) -> Relaxation:
        x0, args = problem.x0, problem.args
        energy_grad = jax.value_and_grad(model.energy)

        def step(carry, _):
            x, _ = carry
            energy, grad = energy_grad(x, args)
            return (jax.tree.map(lambda a, g: a - self.step_size * g, x, grad), x), energy

        (final, before), energies = jax.lax.scan(step, (x0, x0), length=self.steps)
        energies = jnp.concatenate([energies, model.energy(final, args)[None]])
        ts = self.step_size * jnp.arange(self.steps + 1, dtype=energies.dtype)
        change = norm(jax.tree.map(jnp.subtract, final, before))
        return Relaxation(
            x=final,
            energies=energies,
            ts=ts,
            num_steps=jnp.asarray(self.steps),
            converged=change <= problem.atol + problem.rtol * norm(before),
        )
