"""`EnergyFlow`: an energy model's continuous dynamics as a model for `simulate`."""

from typing import Any

import jax
import numpy as np
from jaxtyping import PRNGKeyArray

from .._dynamics import AbstractDynamics, AbstractEnergy, State


class EnergyFlow(AbstractDynamics):
    """An energy model as a continuous-time dynamical system, for
    [`brainjax.simulate`][]: `dx/dt = model.vector_field(t, x, args)` (by default the
    gradient flow `-grad_x E(x, args)`), starting from `x0`. `simulate`'s `inputs`
    become the energy's `args`. Time is in the model's time units.

    **Example:** `bj.simulate(bj.EnergyFlow(net, noisy), t1=10.0, dt=0.01)`.
    """

    model: AbstractEnergy
    x0: State

    def __check_init__(self):
        if not isinstance(self.model, AbstractEnergy):
            raise TypeError(f"`model` must be a brainjax.AbstractEnergy, got {self.model!r}.")

    @property
    def n(self) -> int:
        """The number of state variables."""
        return sum(int(np.size(x)) for x in jax.tree.leaves(self.x0))

    def init(self, key: PRNGKeyArray | None = None) -> State:
        del key
        return self.x0

    def vector_field(self, t, y: State, args: Any) -> State:
        return self.model.vector_field(t, y, args)

    def check_inputs(self, args: Any) -> None:
        """`inputs` are the energy's `args`: any PyTree the energy accepts."""
        try:
            jax.eval_shape(self.model.energy, self.x0, args)
        except (TypeError, ValueError) as error:
            raise ValueError(f"`inputs` do not fit the energy's `args`: {error}") from None
