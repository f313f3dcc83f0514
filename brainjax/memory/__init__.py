"""Associative memories on the [`brainjax.AbstractEnergy`][] contract: classical
(Hopfield 1982/1984), dense (Krotov & Hopfield 2016) and modern Hopfield networks
(Ramsauer et al. 2020), and Hopfield layers for larger models."""

from .._validate import deprecated_names
from ._dense import (
    DenseAssociativeMemory as DenseAssociativeMemory,
    ExponentialInteraction as ExponentialInteraction,
    PolynomialInteraction as PolynomialInteraction,
)
from ._hopfield import (
    ClassicalHopfield as ClassicalHopfield,
    ContinuousHopfield as ContinuousHopfield,
)
from ._layers import (
    HopfieldAttention as HopfieldAttention,
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
    "ExponentialInteraction",
    "Hebbian",
    "HopfieldAttention",
    "HopfieldLayer",
    "HopfieldPooling",
    "ModernHopfield",
    "PolynomialInteraction",
    "PseudoInverse",
    "Storkey",
    "corrupt",
]

# Renamed (one release): `Exponential` collided with `brainjax.synapses.Exponential`;
# `Hopfield` (an attention layer) read like `ClassicalHopfield`.
__getattr__ = deprecated_names(
    "brainjax.memory",
    {
        "Exponential": ("brainjax.memory.ExponentialInteraction", ExponentialInteraction),
        "Polynomial": ("brainjax.memory.PolynomialInteraction", PolynomialInteraction),
        "Hopfield": ("brainjax.memory.HopfieldAttention", HopfieldAttention),
    },
)
