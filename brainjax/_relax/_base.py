"""The contract of a relaxation method, and the one result type, `Relaxation`."""

import abc
import warnings
from typing import Any

import equinox as eqx
from jaxtyping import Array, Bool, Float, Int, PRNGKeyArray

from .._dynamics import AbstractEnergy, State


class Relaxation(eqx.Module):
    """The result of [`brainjax.relax`][] (and of
    [`brainjax.predictive_coding.infer`][]).

    - `x`: the final state (the fixed point when `converged`); for
      `predictive_coding.infer`, all the layer activities (clamped ones unchanged).
    - `energies`: `E(x)` at the start and after every step; shape `(max_steps + 1,)`,
      entries after `num_steps` repeating the final energy so the array has a fixed
      shape under `jax.vmap` (shape `(steps + 1,)` for [`brainjax.FixedStep`][]).
    - `ts`: the flow time at each entry of `energies` (the step index for discrete
      updates, step index times `step_size` for `FixedStep`), padded the same way.
    - `num_steps`: steps (solver steps, updates or sweeps) taken.
    - `converged`: whether the steady-state tolerance was met (for `FixedStep`:
      whether its last step changed the state by less than the tolerance).
    """

    x: State
    energies: Float[Array, " steps_plus_one"]
    ts: Float[Array, " steps_plus_one"]
    num_steps: Int[Array, ""]
    converged: Bool[Array, ""]

    @property
    def activities(self) -> State:
        """Deprecated: the final state, `x` (the field of the former
        `predictive_coding.Inference`)."""
        warnings.warn(
            "`.activities` (of the former `predictive_coding.Inference`) is deprecated; "
            "use `.x` of the `brainjax.Relaxation`.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.x


class RelaxationProblem(eqx.Module):
    """What [`brainjax.relax`][] asks a relaxation method to do, besides the model: its
    arguments `x0`, `args`, `rtol`, `atol`, `max_steps`, `key` and `implicit` (`None`
    for the method's default way of differentiating)."""

    x0: State
    args: Any
    rtol: float
    atol: float
    max_steps: int
    key: PRNGKeyArray | None
    implicit: bool | None


class AbstractRelaxation(eqx.Module):
    """How [`brainjax.relax`][] drives an energy model to a fixed point.

    Subclasses implement:

    - `check(model, problem)`: raise a `ValueError` naming the model type when this
      method cannot relax `model` (e.g. discrete updates the model does not declare)
      or cannot honour `problem.key` / `problem.implicit`.
    - `run(model, problem)`: relax `model` from `problem.x0` and return a
      [`brainjax.Relaxation`][].

    Options that only one method honours are its fields (the Diffrax solver of
    [`brainjax.GradientFlow`][], the step of [`brainjax.FixedStep`][]); `relax` runs
    `run` inside one `eqx.filter_jit`, so static options are compile-time constants.
    """

    @abc.abstractmethod
    def check(self, model: AbstractEnergy, problem: RelaxationProblem) -> None:
        """Raise `ValueError` if this method cannot relax `model` with these options."""

    @abc.abstractmethod
    def run(self, model: AbstractEnergy, problem: RelaxationProblem) -> Relaxation:
        """Relax `model` from `x0` and return the [`brainjax.Relaxation`][]."""

    def _refuse(self, model: AbstractEnergy, why: str) -> None:
        raise ValueError(f"{type(self).__name__}() cannot relax {type(model).__name__}: {why}.")
