"""Fitting: the one training loop (`fit`) used by every brainjax model family."""

from ._fit import FitResult as FitResult, fit as fit

__all__ = ["fit", "FitResult"]
