"""How a synaptic variable becomes a current: current-based or conductance-based."""

import abc

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from .._validate import check_fields


class MgBlock(eqx.Module):
    """Voltage-dependent magnesium block of NMDA receptors (Jahr & Stevens 1990).

        B(v) = 1 / (1 + exp(-alpha v) [Mg] / beta)

    **Arguments:** `mg`: extracellular Mg2+ concentration (mM), >= 0; `alpha`: voltage
    sensitivity (per mV), default 0.062; `beta`: (mM), default 3.57 — the fit of Jahr &
    Stevens (1990), as used by Brunel & Wang (2001).

    **Example:** `float(bj.synapses.MgBlock(mg=1.0)(jnp.array(-65.0)))` is about 0.05.
    """

    mg: Float[ArrayLike, "..."] = 1.0
    alpha: Float[ArrayLike, "..."] = 0.062
    beta: Float[ArrayLike, "..."] = 3.57

    def __check_init__(self):
        check_fields(self, positive=("alpha", "beta"), nonnegative=("mg",))

    def __call__(self, v: Float[Array, "..."]) -> Float[Array, "..."]:
        """The unblocked fraction (0..1) at membrane potential `v` (mV)."""
        return 1.0 / (1.0 + jnp.exp(-(self.alpha * v)) * self.mg / self.beta)


class AbstractOutput(eqx.Module):
    """Turns the synaptic variable `s` of a synapse into a current (pA) at potential `v`
    (mV). The kinetics ([`brainjax.synapses.Exponential`][], ...) shape `s` in time; the
    output decides what `s` means (a current, or a conductance)."""

    @abc.abstractmethod
    def __call__(self, s: Float[Array, " n"], v: Float[Array, " n"] | None) -> Float[Array, " n"]:
        """Return the synaptic current (pA)."""


class CUBA(AbstractOutput):
    """Current-based output: the synaptic variable is the current itself,
    `I = s` (pA), whatever the membrane potential. Weights are in pA."""

    def __call__(self, s, v):
        return s


class COBA(AbstractOutput):
    """Conductance-based output: the synaptic variable is a conductance `g` (nS) and

        I = g B(v) (e_rev - v)      (pA, with v and e_rev in mV)

    where `B(v) = 1` unless a `mg_block` ([`brainjax.synapses.MgBlock`][]) is given.
    Weights are conductance jumps in nS. The current vanishes at `v = e_rev` and is
    depolarising (positive) below it.

    **Arguments:** `e_rev`: reversal potential (mV), e.g. 0 for AMPA, -80 for GABA_A;
    `mg_block`: optional magnesium block (NMDA).

    **Example:** `bj.synapses.Exponential(tau=5.0, output=bj.synapses.COBA(e_rev=0.0))`.
    """

    e_rev: Float[ArrayLike, "..."] = 0.0
    mg_block: MgBlock | None = None

    def __check_init__(self):
        check_fields(self, finite=("e_rev",))

    def __call__(self, s, v):
        if v is None:
            raise ValueError(
                "a conductance-based synapse (COBA) needs a postsynaptic population "
                "with a membrane potential `v`."
            )
        block = 1.0 if self.mg_block is None else self.mg_block(v)
        return s * block * (self.e_rev - v)
