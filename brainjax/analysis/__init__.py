"""Analysis of dynamical models: fixed points, Jacobians, stability, continuation with
Hopf detection, functional connectivity (FC), FC dynamics and power spectra."""

from ._continuation import (
    Continuation as Continuation,
    classify as classify,
    continuation as continuation,
)
from ._fc import (
    fc_correlation as fc_correlation,
    functional_connectivity as functional_connectivity,
)
from ._fcd import fcd as fcd
from ._fixed_points import (
    eigenvalues as eigenvalues,
    fixed_point as fixed_point,
    jacobian as jacobian,
)
from ._spectra import power_spectrum as power_spectrum

__all__ = [
    "fixed_point",
    "jacobian",
    "eigenvalues",
    "classify",
    "continuation",
    "Continuation",
    "functional_connectivity",
    "fc_correlation",
    "fcd",
    "power_spectrum",
]
