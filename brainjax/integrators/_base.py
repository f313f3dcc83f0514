"""The contract of an integrator: run a model on a time grid, return a `Solution`."""

import abc
from typing import Any, NoReturn

import equinox as eqx
from jaxtyping import PRNGKeyArray, PyTree

from .._dynamics import AbstractDynamics, State
from .._monitor import Monitor
from .._solution import Solution

Grid = tuple[float, float, int]
"""`(t0, dt, n_steps)`: start time (ms), step (ms), number of steps."""


class Problem(eqx.Module):
    """What [`brainjax.simulate`][] asks an integrator to run, besides the model.

    **Fields:**

    - `y0`: the initial state.
    - `inputs`: the inputs, normalised by [`brainjax.inputs`][].
    - `grid`: `(t0, dt, n_steps)`: start time (ms), step (ms), number of steps.
    - `keys`: `(noise_key, input_key)`; `noise_key` is `None` for a deterministic
      model, `input_key` is `None` without a `key`.
    - `monitor`: the [`brainjax.Monitor`][] saying what to record.
    - `progress`: whether to show a progress bar.
    """

    y0: State
    inputs: PyTree[Any]
    grid: Grid
    keys: tuple[PRNGKeyArray | None, PRNGKeyArray | None]
    monitor: Monitor
    progress: bool


class AbstractIntegrator(eqx.Module):
    """How [`brainjax.simulate`][] integrates a model.

    Subclasses implement:

    - `check(model, inputs, dt)`: raise a `ValueError` naming the model type and the
      integrator to use instead when this integrator cannot serve `model` (or these
      inputs, normalised by [`brainjax.inputs`][]).
    - `run(model, problem)`: integrate `model` as a [`brainjax.integrators.Problem`][]
      asks (from `problem.y0` on `problem.grid`) and return a [`brainjax.Solution`][].

    and may override `prepare(model, dt)`, the model as this integrator runs it (e.g.
    a fixed-step scan converts parts counted in whole steps); `simulate` calls it once,
    before building the initial state.

    Options are fields of the integrator (an option exists only on the integrator that
    honours it); the integrator is an argument of the compiled run, so static options
    are compile-time constants.
    """

    @abc.abstractmethod
    def check(self, model: AbstractDynamics, inputs: PyTree[Any], dt: float) -> None:
        """Raise `ValueError` if this integrator cannot serve `model` with `inputs`."""

    def prepare(self, model: AbstractDynamics, dt: float) -> AbstractDynamics:
        """Return `model` as this integrator runs it with step `dt` (ms)."""
        del dt
        return model

    @abc.abstractmethod
    def run(self, model: AbstractDynamics, problem: Problem) -> Solution:
        """Integrate `model` as `problem` asks and return the [`brainjax.Solution`][]."""

    def _refuse(self, model: AbstractDynamics, why: str, instead: str) -> NoReturn:
        raise ValueError(
            f"{type(self).__name__} cannot integrate {type(model).__name__}: {why}; use {instead}."
        )
