"""Small real data sets bundled with brainjax, with their provenance and licences."""

from ._connectome import Connectome as Connectome, load_connectome as load_connectome
from ._digits import load_digits as load_digits

__all__ = ["load_digits", "load_connectome", "Connectome"]
