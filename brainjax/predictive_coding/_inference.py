"""Inference: `relax` of a `PCNetwork` with some of its activities clamped."""

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Scalar

from .._dynamics import AbstractEnergy
from .._relax import AbstractRelaxation, FixedStep, Relaxation, relax
from ._network import Activities, FreeMask, PCNetwork


class Clamped(AbstractEnergy):
    """A [`PCNetwork`][brainjax.predictive_coding.PCNetwork] with some activities
    clamped: an [`brainjax.AbstractEnergy`][] of the free part alone.

    Its state is the tuple of the layers that are not fully clamped (`state`), and its
    `args` are all the activities, from which the clamped layers and units are read
    (`merge`), so relaxation neither moves nor even differentiates them.

    **Arguments:** `network`, and `free` as given by
    [`initial_activities`][brainjax.predictive_coding.initial_activities].

    **Example:**

    ```python
    model = pc.Clamped(net, free)
    out = bj.relax(model, model.state(x), x, method=bj.FixedStep(0.1, 20))
    activities = model.merge(out.x, x)  # = pc.infer(net, x, free).x
    ```
    """

    network: PCNetwork
    free: FreeMask

    def __init__(self, network: PCNetwork, free: FreeMask):
        self.network = network
        self.free = tuple(free)

    def state(self, activities: Activities) -> Activities:
        """The relaxed part of `activities`: the layers that are not fully clamped."""
        return tuple(xi for xi, f in zip(activities, self.free) if f is not False)

    def merge(self, state: Activities, activities: Activities) -> Activities:
        """All the activities: the free units from `state`, the others from
        `activities`."""
        values = iter(state)
        return tuple(
            si if f is False else (next(values) if f is True else jnp.where(f, next(values), si))
            for si, f in zip(activities, self.free)
        )

    def energy(self, x: Activities, args: Activities) -> Scalar:
        return self.network.energy(self.merge(x, args))


@eqx.filter_jit
def infer(
    network: PCNetwork,
    activities: Activities,
    free: FreeMask,
    method: AbstractRelaxation | None = None,
    *,
    rtol: float = 1e-5,
    atol: float = 1e-5,
    max_steps: int = 4096,
    implicit: bool | None = None,
) -> Relaxation:
    """Infer the free activities of `network` by descending its energy: `relax` of the
    [`Clamped`][brainjax.predictive_coding.Clamped] network.

    **Arguments:**

    - `network`: the [`PCNetwork`][brainjax.predictive_coding.PCNetwork].
    - `activities`, `free`: the starting activities and which of them are free, as given
      by [`initial_activities`][brainjax.predictive_coding.initial_activities].
    - `method`: [`brainjax.FixedStep`][], a fixed number of gradient steps (`lax.scan`;
      the training path; default 20 steps of 0.1), or [`brainjax.GradientFlow`][], the
      ODE `dx/dt = -dE/dx` solved by Diffrax (any solver, adaptive steps) until a
      steady state.
    - `rtol`, `atol`, `max_steps`, `implicit`: passed to [`brainjax.relax`][]
      (steady-state tolerance, step budget, gradients by the implicit function theorem
      or by backpropagation through the steps).

    **Returns:** a [`brainjax.Relaxation`][] whose `x` holds all the activities
    (clamped ones unchanged), with the energy record `energies` at times `ts`.
    Differentiable with respect to the network and the clamped values.

    **Example:**

    ```python
    x, free = pc.initial_activities(net, top=images, bottom=targets)
    result = pc.infer(net, x, free, bj.FixedStep(step_size=0.1, steps=50))
    result.x[-1], result.energies  # non-increasing for a small step
    ```
    """
    network._check_activities(activities)
    if len(free) != len(activities):
        raise ValueError(f"`free` needs {len(activities)} entries, got {len(free)}.")
    model = Clamped(network, free)
    method = FixedStep(step_size=0.1, steps=20) if method is None else method
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
    full = model.merge(out.x, activities)
    return Relaxation(
        x=full, energies=out.energies, ts=out.ts, num_steps=out.num_steps, converged=out.converged
    )
