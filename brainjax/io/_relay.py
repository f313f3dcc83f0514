"""`SpikeRelay`: the input layer of a network imported from NIR."""

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

from .._dynamics import AbstractSpiking
from ..surrogate import AbstractSurrogate, SuperSpike


class SpikeRelay(AbstractSpiking):
    """A population that re-emits the spikes it is given: the `Input` node of a NIR
    graph inside a [`brainjax.Network`][].

    Its state `v` (shape `(n,)`) integrates the input, `dv/dt = I`, and is cleared
    after every step; unit `i` spikes in a step when `v_i > 0.5`. Given a 0/1 raster
    as [`brainjax.inputs.SpikeTrain`][] (`weights=1.0`, which delivers `spikes / dt`),
    it spikes exactly in the steps where the raster has a 1, so its projections carry
    the raster into the network like any population's spikes.

    **Arguments:** `n`: number of units; `surrogate`: the spike function (gradients
    flow through it to the raster).

    **Example:**

    ```python
    relay = bj.io.SpikeRelay(n=3)
    raster = jnp.eye(3)                                          # (steps, n)
    sol = bj.simulate(relay, t1=3.0, dt=1.0, inputs=bj.inputs.SpikeTrain(raster, dt=1.0))
    sol.spikes  # == raster
    ```
    """

    n: int = eqx.field(static=True)
    surrogate: AbstractSurrogate = SuperSpike()

    def __check_init__(self):
        if not (isinstance(self.n, int) and self.n > 0):
            raise ValueError(f"`n` must be a positive int, got {self.n!r}.")

    def init(self, key: PRNGKeyArray | None = None) -> Float[Array, " n"]:
        return jnp.zeros((self.n,))

    def vector_field(self, t, y: Float[Array, " n"], args) -> Float[Array, " n"]:
        current = 0.0 if args is None else args
        return jnp.zeros_like(y) + current

    def spike(self, y: Float[Array, " n"]) -> Float[Array, " n"]:
        return self.surrogate(self.threshold_margin(y))

    def reset(self, y: Float[Array, " n"], spikes: Float[Array, " n"]) -> Float[Array, " n"]:
        return jnp.zeros_like(y)

    def membrane_potential(self, y: Float[Array, " n"]) -> Float[Array, " n"]:
        return y

    def threshold_margin(self, y: Float[Array, " n"]) -> Float[Array, " n"]:
        return y - 0.5

    def refractory_period(self) -> float:
        return 0.0
