"""The dynamics contract shared by synapses and short-term plasticity."""

import abc
from typing import ClassVar

import equinox as eqx
from jaxtyping import Array, Float, PyTree


class AbstractSynapticDynamics(eqx.Module):
    """A per-neuron variable with continuous dynamics between spikes, carried by a
    projection: the synaptic variable of the postsynaptic side
    ([`brainjax.synapses.AbstractSynapse`][]) or the vesicle pool of the presynaptic
    side ([`brainjax.synapses.AbstractShortTermPlasticity`][]).

    - `init(n)`: the state for `n` neurons: an `(n,)` array, or a PyTree of `(n,)`
      arrays for dynamics with several variables.
    - `vector_field(t, state)`: its continuous dynamics between spikes (per ms).
    """

    @abc.abstractmethod
    def init(self, n: int) -> PyTree[Float[Array, " n"]]:
        """The resting state for `n` neurons."""

    @abc.abstractmethod
    def vector_field(self, t, g: PyTree[Float[Array, " n"]]) -> PyTree[Float[Array, " n"]]:
        """d state / dt (per ms) between spikes."""


class AbstractSynapse(AbstractSynapticDynamics):
    """A synaptic variable per postsynaptic neuron, driven by arriving spikes.

    - `init(n)`: the synaptic state for `n` postsynaptic neurons: an `(n,)` array, or
      a PyTree of `(n,)` arrays for kinetics with several variables (e.g.
      [`brainjax.synapses.Alpha`][]).
    - `vector_field(t, g)`: its continuous dynamics between spikes (per ms).
    - `deliver(g, increment)`: the jump when spikes arrive; `increment` is the summed
      weight of the arriving spikes per postsynaptic neuron, shape `(n,)`. The default
      is `g + increment`.
    - `current(g, v)`: the current (pA) it injects into a neuron at potential `v` (mV).
    - `additive` (class attribute): `True` when `deliver` is `g + increment`, which
      lets a network add undelayed spikes straight into the state. A subclass that
      overrides `deliver` sets `additive = False`.
    """

    additive: ClassVar[bool] = True

    def deliver(self, g: Float[Array, " n"], increment: Float[Array, " n"]) -> Float[Array, " n"]:
        """The state after spikes of summed weight `increment` arrive."""
        return g + increment

    @abc.abstractmethod
    def current(
        self, g: PyTree[Float[Array, " n"]], v: Float[Array, " n"] | None
    ) -> Float[Array, " n"]:
        """The synaptic current (pA) into neurons at potential `v` (mV)."""


class AbstractShortTermPlasticity(AbstractSynapticDynamics):
    """Short-term plasticity of presynaptic release: a state per presynaptic neuron
    that relaxes between spikes (`init`, `vector_field`) and scales each spike's
    efficacy when it is released.

    - `release(state, spikes)`: apply the spike jumps; return the new state and the
      spikes scaled by their efficacy (shape `(n_pre,)`).
    """

    @abc.abstractmethod
    def release(
        self, state: PyTree[Float[Array, " n_pre"]], spikes: Float[Array, " n_pre"]
    ) -> tuple[PyTree[Float[Array, " n_pre"]], Float[Array, " n_pre"]]:
        """The new state and `spikes * efficacy`."""
