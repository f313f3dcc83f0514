"""Inference: relax the free activities of a `PCNetwork` down its energy."""

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, Scalar

from .._dynamics import AbstractEnergy
from .._energy import GradientFlow, relax
from .._validate import check_count, check_positive
from ._network import Activities, FreeMask, PCNetwork


class FixedStep(eqx.Module):
    """Inference by `steps` explicit gradient steps `x <- x - step_size * dE/dx` on the
    free activities (forward Euler on the gradient flow with `dt = step_size`).

    The energy is non-increasing when `step_size < 2 / lambda_max` of the energy's
    Hessian in the activities (about `1 / precision` for weak weights).
    """

    step_size: float = eqx.field(static=True)
    steps: int = eqx.field(static=True)

    def __check_init__(self):
        check_positive("step_size", self.step_size)
        check_count("steps", self.steps)


class Inference(eqx.Module):
    """What [`brainjax.predictive_coding.infer`][] returns.

    - `activities`: the activities at the end of inference (clamped ones unchanged).
    - `ts`: the (pseudo-)times of the energy record: step index times `step_size` for
      [`FixedStep`][brainjax.predictive_coding.FixedStep], the ODE times for
      [`brainjax.GradientFlow`][] (padded with the final time after the last step).
    - `energies`: the total energy at `ts`.
    """

    activities: Activities
    ts: Float[Array, " times"]
    energies: Float[Array, " times"]


class _Clamped(AbstractEnergy):
    """The energy as a function of the layers that are not fully clamped (the state
    relaxed); the clamped layers and units are taken from `args` (the starting
    activities), so inference neither moves nor even differentiates them."""

    network: PCNetwork
    free: FreeMask

    def state(self, x: Activities) -> Activities:
        return tuple(xi for xi, f in zip(x, self.free) if f is not False)

    def merge(self, state: Activities, start: Activities) -> Activities:
        values = iter(state)
        return tuple(
            si if f is False else (next(values) if f is True else jnp.where(f, next(values), si))
            for si, f in zip(start, self.free)
        )

    def energy(self, x: Activities, args: Activities) -> Scalar:
        return self.network.energy(self.merge(x, args))


@eqx.filter_jit
def infer(
    network: PCNetwork,
    activities: Activities,
    free: FreeMask,
    method: FixedStep | GradientFlow | None = None,
    *,
    rtol: float = 1e-5,
    atol: float = 1e-5,
    max_steps: int = 4096,
    implicit: bool = True,
) -> Inference:
    """Infer the free activities of `network` by descending its energy.

    **Arguments:**

    - `network`: the [`PCNetwork`][brainjax.predictive_coding.PCNetwork].
    - `activities`, `free`: the starting activities and which of them are free, as given
      by [`initial_activities`][brainjax.predictive_coding.initial_activities].
    - `method`: [`FixedStep`][brainjax.predictive_coding.FixedStep], a fixed number of
      gradient steps (`lax.scan`; the training path; default 20 steps of 0.1), or
      [`brainjax.GradientFlow`][], the ODE `dx/dt = -dE/dx` solved by Diffrax (any
      solver, adaptive steps) until a steady state, through [`brainjax.relax`][].
    - `rtol`, `atol`, `max_steps`, `implicit`: passed to [`brainjax.relax`][] for
      `GradientFlow` (steady-state tolerance, step budget, gradients by the implicit
      function theorem or by backpropagation through the solver).

    The result is differentiable with respect to the network and the clamped values
    (`FixedStep`: backpropagation through the loop).

    **Example:**

    ```python
    x, free = pc.initial_activities(net, top=images, bottom=targets)
    result = pc.infer(net, x, free, pc.FixedStep(step_size=0.1, steps=50))
    result.energies  # non-increasing for a small step
    ```
    """
    network._check_activities(activities)
    if len(free) != len(activities):
        raise ValueError(f"`free` needs {len(activities)} entries, got {len(free)}.")
    model = _Clamped(network, tuple(free))
    method = FixedStep(step_size=0.1, steps=20) if method is None else method
    if isinstance(method, FixedStep):
        energy_grad = jax.value_and_grad(model.energy)

        def step(x, _):
            energy, grad = energy_grad(x, activities)
            return jax.tree.map(lambda a, g: a - method.step_size * g, x, grad), energy

        final, energies = jax.lax.scan(step, model.state(activities), length=method.steps)
        energies = jnp.concatenate([energies, model.energy(final, activities)[None]])
        ts = method.step_size * jnp.arange(method.steps + 1, dtype=energies.dtype)
        return Inference(model.merge(final, activities), ts, energies)
    if isinstance(method, GradientFlow):
        out = relax(
            model,
            model.state(activities),
            activities,
            method=method,
            rtol=rtol,
            atol=atol,
            max_steps=max_steps,
            implicit=implicit,
        )
        return Inference(model.merge(out.x, activities), out.ts, out.energies)
    raise TypeError(
        f"`method` must be predictive_coding.FixedStep or brainjax.GradientFlow, got {method!r}."
    )
