"""Synapse models: synaptic variables driven by spikes, injecting currents.

Kinetics (`Exponential`, `Alpha`, `DualExponential`) x output (`CUBA()` current-based,
`COBA(e_rev, mg_block)` conductance-based) are combined by passing the output as an
option; `AMPA()`, `NMDA()`, `GABA_A()`, `GABA_B()` are receptor presets.
`TsodyksMarkram` is short-term plasticity, an option of a `brainjax.Projection`.
"""

from ._base import (
    AbstractShortTermPlasticity as AbstractShortTermPlasticity,
    AbstractSynapse as AbstractSynapse,
    AbstractSynapticDynamics as AbstractSynapticDynamics,
)
from ._kinetics import (
    Alpha as Alpha,
    DualExponential as DualExponential,
    Exponential as Exponential,
)
from ._outputs import (
    COBA as COBA,
    CUBA as CUBA,
    AbstractOutput as AbstractOutput,
    MgBlock as MgBlock,
)
from ._presets import AMPA as AMPA, GABA_A as GABA_A, GABA_B as GABA_B, NMDA as NMDA
from ._stp import TsodyksMarkram as TsodyksMarkram, TsodyksMarkramState as TsodyksMarkramState

__all__ = [
    "AbstractSynapticDynamics",
    "AbstractSynapse",
    "AbstractShortTermPlasticity",
    "AbstractOutput",
    "Exponential",
    "Alpha",
    "DualExponential",
    "CUBA",
    "COBA",
    "MgBlock",
    "AMPA",
    "NMDA",
    "GABA_A",
    "GABA_B",
    "TsodyksMarkram",
    "TsodyksMarkramState",
]
