"""Plots (matplotlib, headless-safe); each returns the `Axes` for customisation.
`raster`, `population_rate`, `traces` and `fc` take a [`brainjax.Solution`][]
(`raster(sol, population="E")`, `traces(sol, select="v")`) or plain arrays."""

from ._fc import fc as fc, fc_pair as fc_pair
from ._plots import (
    energy_curves as energy_curves,
    phase_plane as phase_plane,
    population_rate as population_rate,
    raster as raster,
    rate_histogram as rate_histogram,
    save as save,
    traces as traces,
    training_curves as training_curves,
)

__all__ = [
    "raster",
    "traces",
    "population_rate",
    "phase_plane",
    "fc",
    "fc_pair",
    "energy_curves",
    "training_curves",
    "rate_histogram",
    "save",
]
