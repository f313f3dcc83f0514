import abc

import equinox as eqx
from jaxtyping import Array, Float


class AbstractSynapse(eqx.Module):
    """A synaptic variable per postsynaptic neuron, driven by arriving spikes.

    - `init(n)`: the synaptic state for `n` postsynaptic neurons.
    - `vector_field(t, g)`: its continuous dynamics between spikes (per ms).
    - `deliver(g, increment)`: the jump when spikes arrive; `increment` is the summed
      weight of the arriving spikes per postsynaptic neuron.
    - `current(g, v)`: the current (pA) it injects into a neuron at potential `v` (mV).
    """

    @abc.abstractmethod
    def init(self, n: int) -> Float[Array, " n"]: ...

    @abc.abstractmethod
    def vector_field(self, t, g: Float[Array, " n"]) -> Float[Array, " n"]: ...

    def deliver(self, g: Float[Array, " n"], increment: Float[Array, " n"]) -> Float[Array, " n"]:
        return g + increment

    @abc.abstractmethod
    def current(
        self, g: Float[Array, " n"], v: Float[Array, " n"] | None
    ) -> Float[Array, " n"]: ...
