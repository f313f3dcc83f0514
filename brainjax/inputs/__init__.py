"""External inputs: what [`brainjax.simulate`][] passes to a model as `args`.

An input is evaluated at the start of each step and handed to the model's
`vector_field(t, y, args)`. Its unit is whatever the model expects from `args`:
a current in pA for neurons (`brainjax.neurons.LIF`), a dimensionless drive for
neural masses (`brainjax.populations.WilsonCowan`).

`simulate(inputs=...)` accepts one of these objects, a plain number or array (taken
as `Constant`), a Python callable of `t` in ms (taken as `Function`), or a PyTree of
them (e.g. `{"E": ..., "I": ...}` for a network of populations). Inputs add:
`drive + OUNoise(...)`, `Function + Step` and `300.0 + noise` build a
[`brainjax.inputs.Sum`][], and a list or tuple of inputs means their sum.

Every input implements one contract ([`brainjax.inputs.AbstractInput`][]): `init`,
`value`, `advance`. Inputs without memory (`Step`, `PoissonSpikes`, ...) subclass
[`brainjax.inputs.AbstractStatelessInput`][]; inputs with memory across steps
(`OUNoise`) carry a state that the fixed-step (spiking) path of `simulate` threads
through its scan, so the noise is part of the input, not of the model, and its
update is exact.

Example:
    >>> import brainjax as bj
    >>> pulse = bj.inputs.Step(amplitude=300.0, start=10.0, stop=60.0)  # pA, ms
    >>> float(pulse(20.0)), float(pulse(70.0))
    (300.0, 0.0)
"""

from .._validate import deprecated_names
from ._base import (
    AbstractInput as AbstractInput,
    AbstractStatelessInput as AbstractStatelessInput,
)
from ._noise import OUNoise as OUNoise
from ._signals import (
    Constant as Constant,
    Function as Function,
    PiecewiseConstant as PiecewiseConstant,
    Step as Step,
)
from ._spike_train import SpikeTrain as SpikeTrain
from ._spikes import PoissonSpikes as PoissonSpikes, SpikeTimes as SpikeTimes
from ._sum import Sum as Sum
from ._tree import (
    advance as advance,
    evaluate as evaluate,
    init_state as init_state,
    is_stochastic as is_stochastic,
    normalise as normalise,
)

__all__ = [
    "AbstractInput",
    "AbstractStatelessInput",
    "Constant",
    "Function",
    "Step",
    "PiecewiseConstant",
    "PoissonSpikes",
    "SpikeTimes",
    "SpikeTrain",
    "OUNoise",
    "Sum",
    "evaluate",
    "init_state",
    "advance",
]

# Deprecated names (one release): name -> (new name, object).
__getattr__ = deprecated_names(
    "brainjax.inputs",
    {"AbstractStatefulInput": ("brainjax.inputs.AbstractInput", AbstractInput)},
)
