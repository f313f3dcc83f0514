"""Fail fast on size: refuse to build what cannot fit in memory.

Connectivity builders, [`brainjax.Monitor`][] recordings and dense models (Hopfield
weights, predictive-coding layers) estimate the bytes they are about to allocate and
raise [`MemoryBudgetError`][brainjax._memory_budget.MemoryBudgetError] (a `ValueError`
and a `MemoryError`) before allocating when the estimate exceeds the budget: by default
the machine's physical memory (for device arrays also the accelerator's memory, when
JAX reports it). The message gives the estimate, the budget and how to reduce it.

Override with the environment variable `BRAINJAX_MEMORY_BUDGET` (read at each check):
a number of bytes with an optional unit (`"512MB"`, `"64GiB"`, `"2e9"`), or `"off"`
to disable the checks.
"""

import os
import re

import jax

ENV = "BRAINJAX_MEMORY_BUDGET"

_UNITS = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "ki": 2**10, "mi": 2**20}
_UNITS |= {"gi": 2**30, "ti": 2**40}


class MemoryBudgetError(ValueError, MemoryError):
    """Raised before an allocation whose estimated size exceeds the memory budget."""


def float_bytes() -> int:
    """Bytes of JAX's default float (4, or 8 with `jax_enable_x64`)."""
    return jax.numpy.zeros(()).dtype.itemsize


def format_bytes(n: float) -> str:
    """`n` bytes in a readable unit (`"1.5 GB"`)."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} B"


def _parse(text: str) -> float | None:
    """Bytes from `BRAINJAX_MEMORY_BUDGET`; `None` when checks are off."""
    text = text.strip().lower()
    if text in ("off", "none", "0", "inf", "false", "no"):
        return None
    match = re.fullmatch(r"([0-9.e+]+)\s*([kmgt]i?)?b?", text)
    if match is None:
        raise ValueError(
            f"`{ENV}` must be a number of bytes with an optional unit (e.g. '16GB', "
            f"'512MiB') or 'off', got {text!r}."
        )
    return float(match.group(1)) * _UNITS[match.group(2) or ""]


def _physical_memory() -> float | None:
    try:
        return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):  # not POSIX: no check
        return None


def _device_memory() -> float | None:
    try:
        device = jax.devices()[0]
        if device.platform == "cpu":
            return None
        stats = device.memory_stats()
    except Exception:  # noqa: BLE001 (backends without memory stats)
        return None
    return None if not stats or "bytes_limit" not in stats else float(stats["bytes_limit"])


def memory_budget(device: bool = False) -> float | None:
    """The budget in bytes (`None`: checks off): `BRAINJAX_MEMORY_BUDGET` if set, else
    the physical memory, or for `device` arrays the smaller of it and the default
    accelerator's memory."""
    override = os.environ.get(ENV)
    if override is not None:
        return _parse(override)
    budget = _physical_memory()
    if device:
        on_device = _device_memory()
        if on_device is not None:
            budget = on_device if budget is None else min(budget, on_device)
    return budget


def check_memory(what: str, nbytes: float, reduce: str, *, device: bool = False) -> None:
    """Raise `MemoryBudgetError` when `nbytes` (the estimate for `what`, e.g.
    "`FixedProb(p=0.5)` between 1000000 and 1000000 neurons: 5e11 synapses x 16 bytes")
    exceeds the memory budget; `reduce` says how to make it smaller."""
    budget = memory_budget(device)
    if budget is None or nbytes <= budget:
        return
    raise MemoryBudgetError(
        f"{what} needs about {format_bytes(nbytes)}, more than the {format_bytes(budget)} "
        f"of memory available. {reduce} (To change the limit, set the environment variable "
        f"{ENV}, e.g. '64GB', or 'off'.)"
    )
