"""Short-term synaptic plasticity (Tsodyks & Markram)."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer
from jaxtyping import Array, ArrayLike, Float

from .._validate import check_fields
from ._base import AbstractShortTermPlasticity


class TsodyksMarkramState(eqx.Module):
    """Per-presynaptic-neuron state of [`brainjax.synapses.TsodyksMarkram`][]:
    `u` (facilitation: utilisation left by past spikes) and `x` (fraction of available
    resources), both shape `(n_pre,)`."""

    u: Float[Array, " n_pre"]
    x: Float[Array, " n_pre"]


class TsodyksMarkram(AbstractShortTermPlasticity):
    """Tsodyks-Markram short-term depression and facilitation (Tsodyks & Markram 1997;
    Markram, Wang & Tsodyks 1998; Tsodyks, Pawelzik & Markram 1998).

    Each presynaptic neuron carries `u` and `x` (Markram, Wang & Tsodyks 1998 form, as
    NEST's `tsodyks2_synapse`). Between spikes:

        tau_f du/dt = -u,    tau_d dx/dt = 1 - x

    and at a presynaptic spike (in this order):

        u <- u + U (1 - u);     efficacy = u x;     x <- x - u x

    With `tau_f = 0`, `u` is 0 before every spike, so `efficacy = U x`: pure depression
    (Tsodyks & Markram 1997).

    The spike is transmitted with weight `w * efficacy` instead of `w`. The state lives
    with the presynaptic neuron because it describes its vesicle pool; it scales the
    spike *before* it is delivered (and delayed), so one state serves all of that
    neuron's targets in the projection.

    **Arguments:**

    - `U`: utilisation increment (release probability of a rested synapse), in (0, 1].
    - `tau_d`: recovery time constant of resources (ms), > 0 (depression).
    - `tau_f`: relaxation time constant of `u` (ms), >= 0; 0 means no facilitation
      (every spike uses `u = U`).

    For a regular train of period `T`, the steady state is `u* = U / (1 - (1 - U)
    exp(-T/tau_f))` (after the jump) and `x* = (1 - exp(-T/tau_d)) / (1 - (1 - u*)
    exp(-T/tau_d))` (before it); the efficacy is `u* x*`.

    **Example** (a depressing excitatory projection):

    ```python
    stp = bj.synapses.TsodyksMarkram(U=0.5, tau_d=200.0, tau_f=0.0)
    proj = bj.Projection("E", "E", w, bj.synapses.Exponential(tau=5.0), stp=stp)
    ```
    """

    U: Float[ArrayLike, "..."] = 0.5
    tau_d: Float[ArrayLike, "..."] = 200.0
    tau_f: Float[ArrayLike, "..."] = 0.0

    def __check_init__(self):
        check_fields(self, positive=("tau_d", "U"), nonnegative=("tau_f",))
        if not _is_traced(self.U) and np.any(np.asarray(self.U) > 1.0):
            raise ValueError(f"`U` must be in (0, 1], got {self.U!r}.")

    def init(self, n_pre: int) -> TsodyksMarkramState:
        """Resting state: `u = 0`, `x = 1`."""
        return TsodyksMarkramState(u=jnp.zeros((n_pre,)), x=jnp.ones((n_pre,)))

    def vector_field(self, t, state: TsodyksMarkramState) -> TsodyksMarkramState:
        """Relaxation between spikes (per ms)."""
        facilitating = jnp.asarray(self.tau_f) > 0
        tau_f = jnp.where(facilitating, self.tau_f, 1.0)
        du = jnp.where(facilitating, -state.u / tau_f, 0.0)
        return TsodyksMarkramState(u=du, x=(1.0 - state.x) / self.tau_d)

    def release(
        self, state: TsodyksMarkramState, spikes: Float[Array, " n_pre"]
    ) -> tuple[TsodyksMarkramState, Float[Array, " n_pre"]]:
        """Apply the spike jumps; return the new state and `spikes * efficacy`."""
        u_before = jnp.where(jnp.asarray(self.tau_f) > 0, state.u, 0.0)
        u = u_before + spikes * self.U * (1.0 - u_before)
        efficacy = u * state.x
        x = state.x - spikes * efficacy
        return TsodyksMarkramState(u=u, x=x), spikes * efficacy


def _is_traced(value) -> bool:
    return any(isinstance(leaf, Tracer) for leaf in jax.tree.leaves(value))
