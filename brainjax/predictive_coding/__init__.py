"""Predictive coding: hierarchical Gaussian prediction-error networks (an
[`brainjax.AbstractEnergy`][]), inference as [`brainjax.relax`][] of the clamped network
(fixed steps or any Diffrax solver), and learning by standard or incremental predictive
coding through [`brainjax.fit.fit`][]."""

from .._relax import FixedStep as FixedStep, Relaxation as _Relaxation
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
_DEPRECATED = {"Inference": ("brainjax.Relaxation", _Relaxation)}


def __getattr__(name: str):
    if name in _DEPRECATED:
        import warnings

        new, value = _DEPRECATED[name]
        warnings.warn(
            f"`brainjax.predictive_coding.{name}` is deprecated; use `{new}` (its `x` is the "
            "former `activities`).",
            DeprecationWarning,
            stacklevel=2,
        )
        return value
    raise AttributeError(f"module 'brainjax.predictive_coding' has no attribute {name!r}")
