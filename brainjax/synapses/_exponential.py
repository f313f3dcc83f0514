import jax.numpy as jnp
from jaxtyping import ArrayLike, Float

from .._validate import check_positive
from ._base import AbstractSynapse


class Exponential(AbstractSynapse):
    """Current-based exponential synapse (CUBA).

        tau dI/dt = -I,    I <- I + w   for each arriving spike of weight w (pA)

    The postsynaptic current is `I` (pA), independent of the membrane potential.

    **Arguments:** `tau`: decay time constant (ms), > 0.

    **Example:** `bj.Projection("E", "E", weights, bj.synapses.Exponential(tau=5.0))`.
    """

    tau: Float[ArrayLike, "..."] = 5.0

    def __check_init__(self):
        check_positive("tau", self.tau)

    def init(self, n):
        return jnp.zeros((n,))

    def vector_field(self, t, g):
        return -g / self.tau

    def current(self, g, v):
        return g
