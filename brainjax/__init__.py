"""brainjax: differentiable brain dynamics in JAX (Equinox modules, Diffrax solvers)."""

from importlib.metadata import PackageNotFoundError, version

from . import (
    analysis as analysis,
    connect as connect,
    datasets as datasets,
    encoding as encoding,
    fit as fit,
    inputs as inputs,
    memory as memory,
    neurons as neurons,
    plasticity as plasticity,
    plot as plot,
    populations as populations,
    predictive_coding as predictive_coding,
    solvers as solvers,
    surrogate as surrogate,
    synapses as synapses,
)
from ._dale import Dale as Dale
from ._delays import AbstractDelayed as AbstractDelayed, DelayedArgs as DelayedArgs
from ._dynamics import (
    AbstractDynamics as AbstractDynamics,
    AbstractEnergy as AbstractEnergy,
    AbstractSpiking as AbstractSpiking,
)
from ._energy import (
    Asynchronous as Asynchronous,
    EnergyFlow as EnergyFlow,
    GradientFlow as GradientFlow,
    Relaxation as Relaxation,
    Synchronous as Synchronous,
    relax as relax,
)
from ._exact import ExactSolution as ExactSolution, simulate_exact as simulate_exact
from ._network import Network as Network, NetworkState as NetworkState, Projection as Projection
from ._simulate import (
    Monitor as Monitor,
    Solution as Solution,
    SpikeEvents as SpikeEvents,
    simulate as simulate,
)

try:
    __version__ = version("brainjax")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
