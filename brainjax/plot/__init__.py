"""Plots (matplotlib, headless-safe); each returns the `Axes` for customisation."""

from ._plots import (
    energy_curves as energy_curves,
    fc_pair as fc_pair,
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
    "fc_pair",
    "energy_curves",
    "training_curves",
    "rate_histogram",
    "save",
]
