"""Integrators: how [`brainjax.simulate`][] runs a model on a time grid.

Each is an Equinox module holding its options; pass one as
`bj.simulate(..., integrator=...)`. The default follows the model type: spiking ->
`HybridScan`, delayed (a delay of a step or more) -> `DelayScan`, otherwise
`DiffeqSolve`.
"""

from ._base import AbstractIntegrator as AbstractIntegrator, Problem as Problem
from ._delay_scan import DelayScan as DelayScan
from ._diffeqsolve import DiffeqSolve as DiffeqSolve
from ._exact_events import ExactEvents as ExactEvents
from ._hybrid_scan import HybridScan as HybridScan

__all__ = ["AbstractIntegrator", "DelayScan", "DiffeqSolve", "ExactEvents", "HybridScan", "Problem"]
