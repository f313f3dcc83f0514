import abc

import equinox as eqx
from jaxtyping import Array, Float, PyTree


class AbstractSynapse(eqx.Module):
    """A synaptic variable per postsynaptic neuron, driven by arriving spikes.

    - `init(n)`: the synaptic state for `n` postsynaptic neurons: an `(n,)` array, or
      a PyTree of `(n,)` arrays for kinetics with several variables (e.g.
      [`brainjax.synapses.Alpha`][]).
    - `vector_field(t, g)`: its continuous dynamics between spikes (per ms).
    - `deliver(g, increment)`: the jump when spikes arrive; `increment` is the summed
      weight of the arriving spikes per postsynaptic neuron, shape `(n,)`.
    - `current(g, v)`: the current (pA) it injects into a neuron at potential `v` (mV).
    """

    @abc.abstractmethod
    def init(self, n: int) -> PyTree[Float[Array, " n"]]: ...

    @abc.abstractmethod
    def vector_field(self, t, g: PyTree[Float[Array, " n"]]) -> PyTree[Float[Array, " n"]]: ...

    def deliver(self, g: Float[Array, " n"], increment: Float[Array, " n"]) -> Float[Array, " n"]:
        return g + increment

    @abc.abstractmethod
    def current(
        self, g: PyTree[Float[Array, " n"]], v: Float[Array, " n"] | None
    ) -> Float[Array, " n"]: ...
