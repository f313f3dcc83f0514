"""Associative memories on the [`brainjax.AbstractEnergy`][] contract: classical
(Hopfield 1982/1984), dense (Krotov & Hopfield 2016) and modern Hopfield networks
(Ramsauer et al. 2020), and Hopfield layers for larger models."""

from ._dense import (
    DenseAssociativeMemory as DenseAssociativeMemory,
    Exponential as Exponential,
    Polynomial as Polynomial,
)
from ._hopfield import (
    ClassicalHopfield as ClassicalHopfield,
    ContinuousHopfield as ContinuousHopfield,
)
from ._layers import (
    Hopfield as Hopfield,
    HopfieldLayer as HopfieldLayer,
    HopfieldPooling as HopfieldPooling,
)
from ._modern import ModernHopfield as ModernHopfield
from ._storage import (
    Binary as Binary,
    Bipolar as Bipolar,
    Covariance as Covariance,
    Hebbian as Hebbian,
    PseudoInverse as PseudoInverse,
    Storkey as Storkey,
    corrupt as corrupt,
)

__all__ = [
    "Binary",
    "Bipolar",
    "ClassicalHopfield",
    "ContinuousHopfield",
    "Covariance",
    "DenseAssociativeMemory",
    "Exponential",
    "Hebbian",
    "Hopfield",
    "HopfieldLayer",
    "HopfieldPooling",
    "ModernHopfield",
    "Polynomial",
    "PseudoInverse",
    "Storkey",
    "corrupt",
]
