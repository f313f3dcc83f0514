"""brainjax: differentiable brain dynamics in JAX (Equinox modules, Diffrax solvers)."""

from importlib.metadata import PackageNotFoundError, version

from . import (
    analysis as analysis,
    connect as connect,
    datasets as datasets,
    encoding as encoding,
    fit as fit,
    inputs as inputs,
    integrators as integrators,
    io as io,
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
from ._delays import AbstractDelayed as AbstractDelayed, DelayedArgs as DelayedArgs
from ._dynamics import (
    AbstractAsynchronousEnergy as AbstractAsynchronousEnergy,
    AbstractDynamics as AbstractDynamics,
    AbstractEnergy as AbstractEnergy,
    AbstractSpiking as AbstractSpiking,
    AbstractSynchronousEnergy as AbstractSynchronousEnergy,
)
from ._exact import simulate_exact as simulate_exact
from ._monitor import Monitor as Monitor, SpikeEvents as SpikeEvents
from ._relax import (
    AbstractRelaxation as AbstractRelaxation,
    Asynchronous as Asynchronous,
    EnergyFlow as EnergyFlow,
    FixedStep as FixedStep,
    GradientFlow as GradientFlow,
    Relaxation as Relaxation,
    Synchronous as Synchronous,
    relax as relax,
)
from ._simulate import simulate as simulate
from ._solution import Solution as Solution
from ._validate import deprecated_names as _deprecated_names
from .network import Network as Network, NetworkState as NetworkState, Projection as Projection

try:
    __version__ = version("brainjax")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"


# Deprecated names (one release): name -> (new name, object).
__getattr__ = _deprecated_names(
    "brainjax",
    {
        "ExactSolution": ("brainjax.Solution", Solution),
        "Dale": ("brainjax.fit.Dale", fit.Dale),
    },
)
