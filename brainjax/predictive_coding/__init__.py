"""Predictive coding: hierarchical Gaussian prediction-error networks (an
[`brainjax.AbstractEnergy`][]), inference as [`brainjax.relax`][] of the clamped network
(fixed steps or any Diffrax solver), and learning by standard or incremental predictive
coding through [`brainjax.fit.fit`][]."""

from .._relax import FixedStep as FixedStep, Relaxation as _Relaxation
from .._validate import deprecated_names
from ._inference import Clamped as Clamped, infer as infer
from ._learning import (
    IPC as IPC,
    PC as PC,
    IPCState as IPCState,
    network_filter as network_filter,
    train as train,
)
from ._network import PCNetwork as PCNetwork, initial_activities as initial_activities

__all__ = [
    "PCNetwork",
    "initial_activities",
    "Clamped",
    "FixedStep",
    "infer",
    "PC",
    "IPC",
    "IPCState",
    "train",
    "network_filter",
]

# Deprecated names (one release): name -> (new name, object).
__getattr__ = deprecated_names(
    "brainjax.predictive_coding",
    {"Inference": ("brainjax.Relaxation", _Relaxation)},
    note=" (its `x` is the former `activities`)",
)
