"""Long-term plasticity inside a network: the plastic weights live in the state as
`(weights, rule_state, mask)` and change after each step's delivery."""

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, Float, PyTree

from ..plasticity import Synapses
from ._projection import BuiltProjection

Plastic = tuple[Float[Array, "rows cols"], PyTree, Float[Array, "rows cols"]]


def synapse_layout(proj: BuiltProjection) -> Synapses:
    """How the rule maps neuron traces onto the projection's weight array."""
    return Synapses() if proj.dense else Synapses(post_index=proj.targets)


def plastic_init(proj: BuiltProjection, n_pre: int) -> Plastic | None:
    """`(weights, rule_state, mask)` of a plastic projection, `None` otherwise."""
    if proj.plasticity is None:
        return None
    rows = n_pre if proj.dense else n_pre + 1  # event-driven: + the all-zero padding row
    state = proj.plasticity.init(proj.weights, rows, proj.n_post)
    mask = (proj.weights != 0).astype(proj.weights.dtype)  # zero: not connected
    return proj.weights, state, mask


def plastic_update(
    proj: BuiltProjection, plastic: Plastic, spikes: dict[str, Array], dt: float
) -> Plastic:
    """One step of the projection's rule on its weights (after delivery)."""
    assert proj.plasticity is not None
    w, state, mask = plastic
    pre = spikes[proj.pre] if proj.dense else jnp.append(spikes[proj.pre], 0.0)
    dw, state = proj.plasticity.update(
        w, state, pre, spikes[proj.post], dt, synapses=synapse_layout(proj)
    )
    return w + dw * mask, state, mask


def with_plastic_weights(
    projections: tuple[BuiltProjection, ...], plastic: tuple[Plastic | None, ...]
) -> tuple[BuiltProjection, ...]:
    """The projections with the current plastic weights of the state."""
    return tuple(
        p if s is None else eqx.tree_at(lambda q: q.weights, p, s[0])
        for p, s in zip(projections, plastic)
    )
