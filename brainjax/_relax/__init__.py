"""Relaxation of energy models: `relax` with one of the relaxation methods (option
objects), one result type `Relaxation`, and `EnergyFlow` for `simulate`."""

from ._base import AbstractRelaxation as AbstractRelaxation, Relaxation as Relaxation
from ._discrete import Asynchronous as Asynchronous, Synchronous as Synchronous
from ._energy_flow import EnergyFlow as EnergyFlow
from ._fixed_step import FixedStep as FixedStep
from ._gradient_flow import GradientFlow as GradientFlow
from ._relax import relax as relax
