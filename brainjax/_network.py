"""`Network` and `Projection`: populations of spiking neurons coupled by synapses."""

from collections.abc import Mapping, Sequence

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from ._dynamics import AbstractSpiking
from ._validate import check_finite
from .synapses import AbstractSynapse


class Projection(eqx.Module):
    """Synaptic connections from population `pre` to population `post`.

    **Arguments:**

    - `pre`, `post`: population names in the [`brainjax.Network`][].
    - `weights`: dense weight matrix, shape `(n_pre, n_post)`; entry `[i, j]` is the
      jump of the synaptic variable of `post` neuron `j` when `pre` neuron `i` spikes
      (pA for current synapses). Zeros mean "not connected".
    - `synapse`: the synapse model (e.g. [`brainjax.synapses.Exponential`][]).

    Delivery is the product `spikes @ weights` (dense): right for small or trainable
    networks.
    """

    pre: str = eqx.field(static=True)
    post: str = eqx.field(static=True)
    weights: Float[Array, "n_pre n_post"]
    synapse: AbstractSynapse

    def __init__(self, pre: str, post: str, weights: ArrayLike, synapse: AbstractSynapse):
        if not isinstance(synapse, AbstractSynapse):
            raise ValueError(
                f"`synapse` must be a brainjax.synapses.AbstractSynapse, got {synapse!r}."
            )
        if np.ndim(weights) != 2:
            raise ValueError(
                f"`weights` must be a 2-d (n_pre, n_post) array, got shape {np.shape(weights)}."
            )
        check_finite("weights", weights)
        self.pre, self.post, self.synapse = pre, post, synapse
        self.weights = jnp.asarray(weights, dtype=float)

    def deliver(
        self, g: Float[Array, " n_post"], spikes: Float[Array, " n_pre"]
    ) -> Float[Array, " n_post"]:
        return self.synapse.deliver(g, spikes @ self.weights)


class NetworkState(eqx.Module):
    """State of a [`brainjax.Network`][]: `neurons[name]` per population,
    `synapses[k]` per projection (shape `(n_post,)`)."""

    neurons: dict[str, eqx.Module]
    synapses: tuple[Float[Array, " n_post"], ...]


class Network(AbstractSpiking):
    """Spiking populations coupled by projections; itself an `AbstractSpiking`, so
    [`brainjax.simulate`][], `jax.vmap` and `jax.grad` apply to it as to one population.

    One step: continuous flow of all neurons and synapses, then spikes, then resets,
    then spike delivery to the synapses. A population's input current is its external
    input (`inputs[name]` in pA, if any) plus the currents of the projections onto it.

    **Example:**

    ```python
    key = jax.random.key(0)
    w = 40.0 * jax.random.bernoulli(key, 0.1, (100, 100))         # pA
    net = bj.Network({"E": bj.neurons.LIF(n=100)},
                     [bj.Projection("E", "E", w, bj.synapses.Exponential(tau=5.0))])
    sol = bj.simulate(net, t1=200.0, dt=0.1, inputs={"E": 380.0})
    sol.spikes["E"]  # (2000, 100)
    ```
    """

    populations: dict[str, AbstractSpiking]
    projections: tuple[Projection, ...]

    def __init__(
        self, populations: Mapping[str, AbstractSpiking], projections: Sequence[Projection] = ()
    ):
        populations = dict(populations)
        for name, pop in populations.items():
            if not isinstance(pop, AbstractSpiking):
                raise ValueError(f"population {name!r} must be an AbstractSpiking, got {pop!r}.")
        for proj in projections:
            for role in ("pre", "post"):
                name = getattr(proj, role)
                if name not in populations:
                    raise ValueError(
                        f"projection `{role}={name!r}` is not a population "
                        f"(have {sorted(populations)})."
                    )
            expected = (populations[proj.pre].n, populations[proj.post].n)
            if proj.weights.shape != expected:
                raise ValueError(
                    f"`weights` of projection {proj.pre}->{proj.post} must have shape "
                    f"{expected}, got {proj.weights.shape}."
                )
        self.populations = populations
        self.projections = tuple(projections)

    def init(self, key: PRNGKeyArray | None = None) -> NetworkState:
        keys = (
            [None] * len(self.populations)
            if key is None
            else jax.random.split(key, len(self.populations))
        )
        neurons = {name: pop.init(k) for (name, pop), k in zip(self.populations.items(), keys)}
        synapses = tuple(p.synapse.init(self.populations[p.post].n) for p in self.projections)
        return NetworkState(neurons=neurons, synapses=synapses)

    def vector_field(self, t, y: NetworkState, args) -> NetworkState:
        external = {} if args is None else args
        currents = {name: external.get(name, 0.0) for name in self.populations}
        for proj, g in zip(self.projections, y.synapses):
            v_post = getattr(y.neurons[proj.post], "v", None)
            currents[proj.post] = currents[proj.post] + proj.synapse.current(g, v_post)
        neurons = {
            name: pop.vector_field(t, y.neurons[name], currents[name])
            for name, pop in self.populations.items()
        }
        synapses = tuple(p.synapse.vector_field(t, g) for p, g in zip(self.projections, y.synapses))
        return NetworkState(neurons=neurons, synapses=synapses)

    def spike(self, y: NetworkState) -> dict[str, Float[Array, " n"]]:
        return {name: pop.spike(y.neurons[name]) for name, pop in self.populations.items()}

    def reset(self, y: NetworkState, spikes: dict[str, Float[Array, " n"]]) -> NetworkState:
        neurons = {
            name: pop.reset(y.neurons[name], spikes[name]) for name, pop in self.populations.items()
        }
        synapses = tuple(p.deliver(g, spikes[p.pre]) for p, g in zip(self.projections, y.synapses))
        return NetworkState(neurons=neurons, synapses=synapses)
