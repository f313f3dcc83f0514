"""Predictive coding: hierarchical Gaussian prediction-error networks (an
[`brainjax.AbstractEnergy`][]), inference by gradient flow (fixed steps or any Diffrax
solver), and learning by standard or incremental predictive coding through
[`brainjax.fit.fit`][]."""

from ._inference import FixedStep as FixedStep, Inference as Inference, infer as infer
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
    "FixedStep",
    "Inference",
    "infer",
    "PC",
    "IPC",
    "IPCState",
    "train",
    "network_filter",
]
