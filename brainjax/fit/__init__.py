"""Fitting: the one training loop (`fit`) used by every brainjax model family, losses
for neuroscience targets, parameter constraints and checkpoints."""

from ._checkpoint import (
    FitResult as FitResult,
    load_checkpoint as load_checkpoint,
    save_checkpoint as save_checkpoint,
)
from ._constraints import (
    AbstractConstraint as AbstractConstraint,
    Bounded as Bounded,
    Fixed as Fixed,
    LogPositive as LogPositive,
    Positive as Positive,
    unwrap as unwrap,
)
from ._fit import EarlyStopping as EarlyStopping, fit as fit
from ._losses import (
    fc_correlation as fc_correlation,
    fc_loss as fc_loss,
    functional_connectivity as functional_connectivity,
    power_spectrum as power_spectrum,
    rate_loss as rate_loss,
    spectrum_loss as spectrum_loss,
    van_rossum_loss as van_rossum_loss,
    victor_purpura_loss as victor_purpura_loss,
)

__all__ = [
    "fit",
    "FitResult",
    "EarlyStopping",
    "save_checkpoint",
    "load_checkpoint",
    "AbstractConstraint",
    "Positive",
    "LogPositive",
    "Bounded",
    "Fixed",
    "unwrap",
    "functional_connectivity",
    "fc_correlation",
    "fc_loss",
    "rate_loss",
    "van_rossum_loss",
    "victor_purpura_loss",
    "power_spectrum",
    "spectrum_loss",
]
