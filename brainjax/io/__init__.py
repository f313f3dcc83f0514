"""Interoperability: NIR export and import ([`brainjax.io.to_nir`][],
[`brainjax.io.from_nir`][]) and the [`brainjax.io.SpikeRelay`][] input population.

The `nir` package is imported only when a NIR function is called
(`pip install 'brainjax[nir]'`)."""

from ._nir import from_nir as from_nir, to_nir as to_nir
from ._relay import SpikeRelay as SpikeRelay

__all__ = ["SpikeRelay", "from_nir", "to_nir"]
