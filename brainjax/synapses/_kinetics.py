"""Synaptic kinetics: how the synaptic variable rises and decays after a spike.

Each class is one kinetic scheme; whether its variable is a current (CUBA) or a
conductance (COBA, optionally with an NMDA Mg2+ block) is its `output` option.
All kinetics are normalised so that one spike of weight `w` gives a peak of `w`
(pA for CUBA, nS for COBA).
"""

from typing import Any, ClassVar

import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float

from .._validate import check_fields
from ._base import AbstractSynapse
from ._outputs import CUBA, AbstractOutput


def _check_output(output) -> None:
    if not isinstance(output, AbstractOutput):
        raise ValueError(
            f"`output` must be a brainjax.synapses output (CUBA() or COBA(...)), got {output!r}."
        )


class Exponential(AbstractSynapse):
    """Exponential synapse: instantaneous rise, exponential decay.

        tau ds/dt = -s,    s <- s + w   for each arriving spike of weight w

    so one spike gives `s(t) = w exp(-t / tau)`. The current is `output(s, v)`: `s`
    itself (pA) with the default [`brainjax.synapses.CUBA`][], or `s (e_rev - v)` with
    `s` in nS with [`brainjax.synapses.COBA`][].

    **Arguments:** `tau`: decay time constant (ms), > 0; `output`: CUBA() or COBA(e_rev).

    Reference: the synapses of the Vogels & Abbott (2005) / Brette et al. (2007)
    COBA and CUBA benchmarks.

    **Example:** `bj.Projection("E", "E", weights, bj.synapses.Exponential(tau=5.0))`.
    """

    tau: Float[ArrayLike, "..."] = 5.0
    output: AbstractOutput = CUBA()

    def __check_init__(self):
        check_fields(self, positive=("tau",))
        _check_output(self.output)

    def init(self, n):
        return jnp.zeros((n,))

    def vector_field(self, t, g):
        return -g / self.tau

    def current(self, g, v):
        return self.output(g, v)


class Alpha(AbstractSynapse):
    """Alpha-function synapse (Rall 1967): one spike of weight `w` at time 0 gives

        s(t) = w (t / tau) exp(1 - t / tau),

    which peaks at `t = tau` with value `w`. Integrated as two linear variables,
    state `(h, s)`:

        tau dh/dt = -h,   tau ds/dt = e h - s,   h <- h + w per spike (e = exp(1)).

    **Arguments:** `tau`: time to peak (ms), > 0; `output`: CUBA() or COBA(e_rev).

    **Example:** `bj.synapses.Alpha(tau=2.0, output=bj.synapses.COBA(e_rev=0.0))`.
    """

    tau: Float[ArrayLike, "..."] = 2.0
    output: AbstractOutput = CUBA()

    additive: ClassVar[bool] = False

    def __check_init__(self):
        check_fields(self, positive=("tau",))
        _check_output(self.output)

    def init(self, n):
        return (jnp.zeros((n,)), jnp.zeros((n,)))

    def vector_field(self, t, g):
        h, s = g
        return (-h / self.tau, (np.e * h - s) / self.tau)

    def deliver(self, g, increment):
        h, s = g
        return (h + increment, s)

    def current(self, g, v):
        return self.output(g[1], v)


class DualExponential(AbstractSynapse):
    """Difference-of-exponentials synapse: one spike of weight `w` at time 0 gives

        s(t) = w a (exp(-t / tau_decay) - exp(-t / tau_rise)),

    peaking at `t_peak = tau_rise tau_decay / (tau_decay - tau_rise) ln(tau_decay /
    tau_rise)`, where the normalisation `a` makes the peak equal to `w`. Integrated as
    two decaying variables, state `(r, d)` with `s = d - r`:

        tau_rise dr/dt = -r,   tau_decay dd/dt = -d,   r, d <- r + a w, d + a w.

    **Arguments:** `tau_rise` < `tau_decay` (ms), both > 0 (for equal constants use
    [`brainjax.synapses.Alpha`][]); `output`: CUBA() or COBA(e_rev, mg_block).

    Reference: Dayan & Abbott (2001), eq. 5.34; presets in
    [`brainjax.synapses.AMPA`][] etc.

    **Example:** `bj.synapses.DualExponential(tau_rise=1.0, tau_decay=7.0)`.
    """

    tau_rise: Float[ArrayLike, "..."] = 1.0
    tau_decay: Float[ArrayLike, "..."] = 7.0
    output: AbstractOutput = CUBA()

    additive: ClassVar[bool] = False

    def __check_init__(self):
        check_fields(self, positive=("tau_rise", "tau_decay"))
        rise, decay = np.asarray(self.tau_rise), np.asarray(self.tau_decay)
        if np.any(rise >= decay):
            raise ValueError(
                f"`tau_rise` must be smaller than `tau_decay` ({self.tau_decay!r}), "
                f"got {self.tau_rise!r}."
            )
        _check_output(self.output)

    @property
    def t_peak(self) -> Float[Array, "..."]:
        """Time of the peak after a spike (ms)."""
        # Floats or arrays; float parameters are combined in Python floats first.
        r: Any = self.tau_rise
        d: Any = self.tau_decay
        return r * d / (d - r) * jnp.log(d / r)

    def _norm(self):
        t = self.t_peak
        return 1.0 / (jnp.exp(-t / self.tau_decay) - jnp.exp(-t / self.tau_rise))

    def init(self, n):
        return (jnp.zeros((n,)), jnp.zeros((n,)))

    def vector_field(self, t, g):
        r, d = g
        return (-r / self.tau_rise, -d / self.tau_decay)

    def deliver(self, g, increment):
        r, d = g
        jump = self._norm() * increment
        return (r + jump, d + jump)

    def current(self, g, v):
        r, d = g
        return self.output(d - r, v)
