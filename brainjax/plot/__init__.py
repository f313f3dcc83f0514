"""Plots (matplotlib, headless-safe); each returns the `Axes` for customisation."""

from ._plots import (
    phase_plane as phase_plane,
    population_rate as population_rate,
    raster as raster,
    save as save,
    traces as traces,
)

__all__ = ["raster", "traces", "population_rate", "phase_plane", "save"]
