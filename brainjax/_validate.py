"""Construction-time parameter checks shared by all models.

Checks run on concrete values only: inside `jax.jit`/`jax.vmap` the parameters may be
tracers, and then the check is skipped (runtime checks use `eqx.error_if` instead).
"""

import dataclasses
import warnings
from collections.abc import Callable
from typing import Any

import jax
import numpy as np
from jax.core import Tracer


def _concrete(value: Any, name: str | None = None) -> np.ndarray | None:
    leaves = jax.tree.leaves(value)
    if any(isinstance(leaf, Tracer) for leaf in leaves):
        return None
    if name is not None and any(isinstance(leaf, (str, bytes)) for leaf in leaves):
        raise ValueError(f"`{name}` must be a number or an array, got the string {value!r}.")
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _describe(value: Any) -> str:
    array = np.asarray(value)
    return repr(array.item()) if array.size == 1 else f"array with min {array.min()!r}"


def check_positive(name: str, value: Any) -> None:
    """Raise `ValueError` unless every element of `value` is finite and > 0."""
    array = _concrete(value, name)
    if array is not None and not (np.all(np.isfinite(array)) and np.all(array > 0)):
        raise ValueError(f"`{name}` must be positive and finite, got {_describe(array)}.")


def check_nonnegative(name: str, value: Any) -> None:
    """Raise `ValueError` unless every element of `value` is finite and >= 0."""
    array = _concrete(value, name)
    if array is not None and not (np.all(np.isfinite(array)) and np.all(array >= 0)):
        raise ValueError(f"`{name}` must be non-negative and finite, got {_describe(array)}.")


def check_finite(name: str, value: Any) -> None:
    """Raise `ValueError` if any element of `value` is NaN or infinite."""
    array = _concrete(value, name)
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


def check_parameters(
    model: Any,
    names: tuple[str, ...],
    positive: tuple[str, ...] = (),
    nonnegative: tuple[str, ...] = (),
) -> None:
    """Raise `ValueError` unless `model.n` is a count and every parameter in `names` is
    a finite scalar or `(n,)` array (`None` is skipped), positive / non-negative where
    named."""
    n = check_count("n", model.n)
    for name in names:
        value = getattr(model, name)
        if value is not None:
            check_shape(name, value, n)
            check_finite(name, value)
    for name in positive:
        check_positive(name, getattr(model, name))
    for name in nonnegative:
        check_nonnegative(name, getattr(model, name))


def deprecated_names(
    module: str, names: dict[str, tuple[str, Any]], note: str = ""
) -> Callable[[str], Any]:
    """A module `__getattr__` serving renamed public names for one release:
    `names` maps each old name to `(new public name, object)`; accessing an old name
    emits a `DeprecationWarning` (ending with `note`) and returns the object."""

    def __getattr__(name: str) -> Any:
        if name in names:
            new, value = names[name]
            warnings.warn(
                f"`{module}.{name}` is deprecated; use `{new}`{note}.",
                DeprecationWarning,
                stacklevel=2,
            )
            return value
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__


def renamed_keyword(model: Any, old: str, new: str, value: Any) -> Any:
    """The value for the field `new` of `model` (a dataclass being initialised) when
    the deprecated keyword `old` was given as `value` (None when not given): warns and
    returns `value`, or returns the field's current value when `old` was not given.
    Raises `ValueError` when both keywords were given.

    Called from `__post_init__`, where the user's call is six frames up."""
    current = getattr(model, new)
    if value is None:
        return current
    owner = type(model).__name__
    default = next(f.default for f in dataclasses.fields(model) if f.name == new)
    if current is not default:
        raise ValueError(f"`{owner}` got both `{old}` (deprecated) and `{new}`; give `{new}` only.")
    warnings.warn(
        f"`{owner}({old}=...)` is deprecated; use `{new}=...`.", DeprecationWarning, stacklevel=6
    )
    return value
