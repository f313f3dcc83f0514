"""Analysis of dynamical models: fixed points, Jacobians, stability."""

from ._fixed_points import (
    eigenvalues as eigenvalues,
    fixed_point as fixed_point,
    jacobian as jacobian,
)

__all__ = ["fixed_point", "jacobian", "eigenvalues"]
