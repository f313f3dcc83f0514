"""Construction-time parameter checks shared by all models.

Checks run on concrete values only: inside `jax.jit`/`jax.vmap` the parameters may be
tracers, and then the check is skipped (runtime checks use `eqx.error_if` instead).
"""

from typing import Any

import jax
import numpy as np


def _concrete(value: Any) -> np.ndarray | None:
    if any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree.leaves(value)):
        return None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _describe(value: Any) -> str:
    array = np.asarray(value)
    return repr(array.item()) if array.size == 1 else f"array with min {array.min()!r}"


def check_positive(name: str, value: Any) -> None:
    """Raise `ValueError` unless every element of `value` is finite and > 0."""
    array = _concrete(value)
    if array is not None and not (np.all(np.isfinite(array)) and np.all(array > 0)):
        raise ValueError(f"`{name}` must be positive and finite, got {_describe(array)}.")


def check_nonnegative(name: str, value: Any) -> None:
    """Raise `ValueError` unless every element of `value` is finite and >= 0."""
    array = _concrete(value)
    if array is not None and not (np.all(np.isfinite(array)) and np.all(array >= 0)):
        raise ValueError(f"`{name}` must be non-negative and finite, got {_describe(array)}.")


def check_finite(name: str, value: Any) -> None:
    """Raise `ValueError` if any element of `value` is NaN or infinite."""
    array = _concrete(value)
    if array is not None and not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` must be finite, got {_describe(array)}.")


def check_count(name: str, value: Any) -> int:
    """Return `value` as an int, raising `ValueError` unless it is an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"`{name}` must be an integer >= 1, got {value!r}.")
    return int(value)


def check_shape(name: str, value: Any, n: int) -> None:
    """Raise `ValueError` unless `value` is a scalar or has shape `(n,)`."""
    shape = np.shape(value)
    if shape not in ((), (n,)):
        raise ValueError(f"`{name}` must be a scalar or have shape ({n},), got shape {shape}.")
