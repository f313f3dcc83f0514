"""Small real data sets bundled with brainjax, with their provenance and licences."""

from ._digits import load_digits as load_digits

__all__ = ["load_digits"]
