"""Analysis of dynamical models: fixed points, Jacobians, stability, continuation with
Hopf detection, functional connectivity dynamics."""

from ._continuation import (
    Continuation as Continuation,
    classify as classify,
    continuation as continuation,
)
from ._fcd import fcd as fcd
from ._fixed_points import (
    eigenvalues as eigenvalues,
    fixed_point as fixed_point,
    jacobian as jacobian,
)

__all__ = [
    "fixed_point",
    "jacobian",
    "eigenvalues",
    "classify",
    "continuation",
    "Continuation",
    "fcd",
]
