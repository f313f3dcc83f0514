"""Receptor presets: dual-exponential conductance synapses with published time
constants and reversal potentials.

Time constants and reversal potentials are those of Hill & Tononi (2005), table 2
(also the defaults of NEST's `ht_neuron`); the NMDA magnesium block is that of Jahr &
Stevens (1990). Weights of projections using them are peak conductances in nS.
"""

from ._kinetics import DualExponential
from ._outputs import COBA, MgBlock


def AMPA() -> DualExponential:
    """AMPA receptor: rise 0.5 ms, decay 2.4 ms, reversal 0 mV (Hill & Tononi 2005).

    **Example:** `bj.Projection("E", "E", w_nS, bj.synapses.AMPA())`."""
    return DualExponential(tau_rise=0.5, tau_decay=2.4, output=COBA(e_rev=0.0))


def NMDA(mg: float = 1.0) -> DualExponential:
    """NMDA receptor: rise 4 ms, decay 40 ms, reversal 0 mV (Hill & Tononi 2005), with
    the Mg2+ block `1 / (1 + exp(-0.062 v) mg / 3.57)` of Jahr & Stevens (1990).

    **Arguments:** `mg`: extracellular Mg2+ (mM), default 1.0.

    **Example:** `bj.synapses.NMDA(mg=1.0)`."""
    return DualExponential(
        tau_rise=4.0, tau_decay=40.0, output=COBA(e_rev=0.0, mg_block=MgBlock(mg=mg))
    )


def GABA_A() -> DualExponential:
    """GABA_A receptor: rise 1 ms, decay 7 ms, reversal -70 mV (Hill & Tononi 2005).

    **Example:** `bj.Projection("I", "E", w_nS, bj.synapses.GABA_A())`."""
    return DualExponential(tau_rise=1.0, tau_decay=7.0, output=COBA(e_rev=-70.0))


def GABA_B() -> DualExponential:
    """GABA_B receptor: rise 60 ms, decay 200 ms, reversal -90 mV (Hill & Tononi 2005).

    **Example:** `bj.synapses.GABA_B()`."""
    return DualExponential(tau_rise=60.0, tau_decay=200.0, output=COBA(e_rev=-90.0))
