"""Fitting: the one training loop (`fit`) used by every brainjax model family, built
from public layers (`make_step`, `batches`, callbacks), losses for neuroscience
targets, parameter constraints (including Dale's law) and checkpoints."""

from .._validate import deprecated_names
from ..analysis import _fc, _spectra
from ._batches import batches as batches
from ._callbacks import (
    AbstractCallback as AbstractCallback,
    Checkpoint as Checkpoint,
    EarlyStopping as EarlyStopping,
    FunctionCallback as FunctionCallback,
    Progress as Progress,
)
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
from ._dale import Dale as Dale
from ._fit import fit as fit
from ._losses import (
    fc_loss as fc_loss,
    rate_loss as rate_loss,
    spectrum_loss as spectrum_loss,
    van_rossum_loss as van_rossum_loss,
    victor_purpura_loss as victor_purpura_loss,
)
from ._step import AbstractStep as AbstractStep, Step as Step, make_step as make_step

__all__ = [
    "fit",
    "make_step",
    "AbstractStep",
    "Step",
    "batches",
    "AbstractCallback",
    "Progress",
    "Checkpoint",
    "EarlyStopping",
    "FunctionCallback",
    "FitResult",
    "save_checkpoint",
    "load_checkpoint",
    "AbstractConstraint",
    "Positive",
    "LogPositive",
    "Bounded",
    "Fixed",
    "Dale",
    "unwrap",
    "fc_loss",
    "rate_loss",
    "van_rossum_loss",
    "victor_purpura_loss",
    "spectrum_loss",
]

# Deprecated names (one release): name -> (new name, object).
__getattr__ = deprecated_names(
    "brainjax.fit",
    {
        "functional_connectivity": (
            "brainjax.analysis.functional_connectivity",
            _fc.functional_connectivity,
        ),
        "fc_correlation": ("brainjax.analysis.fc_correlation", _fc.fc_correlation),
        "power_spectrum": ("brainjax.analysis.power_spectrum", _spectra.power_spectrum),
    },
)
