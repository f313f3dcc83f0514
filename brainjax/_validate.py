"""Parameter checks shared by all models.

On concrete values a check raises `ValueError` at construction. Inside `jax.jit`,
`jax.vmap` or `jax.grad` the parameters may be tracers: the check then becomes a runtime
check (`eqx.error_if`) on the value it returns, which raises when the compiled
computation runs. Runtime checks are on unless the environment variable
`BRAINJAX_RUNTIME_CHECKS` is `0` (read when a computation is traced).
"""

import dataclasses
import os
import warnings
from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jax.core import Tracer

RUNTIME_CHECKS = "BRAINJAX_RUNTIME_CHECKS"


def runtime_checks() -> bool:
    """Whether runtime checks are on: unless the environment variable
    `BRAINJAX_RUNTIME_CHECKS` is `0`/`false`/`off` (traced parameter checks and the
    non-finite detection of `simulate` and `relax`)."""
    return os.environ.get(RUNTIME_CHECKS, "1").strip().lower() not in ("0", "false", "off", "no")


def is_traced(value: Any) -> bool:
    """Whether any leaf of `value` is a JAX tracer (under `jit`/`vmap`/`grad`)."""
    return any(isinstance(leaf, Tracer) for leaf in jax.tree.leaves(value))


def runtime_check(value: Any, bad: Any, message: str) -> Any:
    """`value`, raising `message` when the computation runs if `bad` (a boolean array)
    has any true element: `eqx.error_if`, unless runtime checks are off. The check
    lives on the returned value: use it in place of `value`."""
    if not runtime_checks():
        return value
    return eqx.error_if(
        value, jnp.any(bad), message + f" (runtime check; {RUNTIME_CHECKS}=0 skips)"
    )


def _traced_check(name: str, value: Any, ok: Callable[[Any], Any], what: str) -> Any:
    return runtime_check(value, ~ok(jnp.asarray(value)), f"`{name}` must be {what}")


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


def _check_sign(name: str, value: Any, strict: bool) -> Any:
    """`value > 0` (`strict`) or `value >= 0`, and finite: concrete values now, traced
    values by a runtime check."""
    what = "positive and finite" if strict else "non-negative and finite"

    def ok(x, xp):
        return xp.isfinite(x) & ((x > 0) if strict else (x >= 0))

    array = _concrete(value, name)
    if isinstance(value, Tracer):
        return _traced_check(name, value, lambda x: ok(x, jnp), what)
    if array is not None and not np.all(ok(array, np)):
        raise ValueError(f"`{name}` must be {what}, got {_describe(array)}.")
    return value


def check_positive(name: str, value: Any) -> Any:
    """Raise `ValueError` unless every element of `value` is finite and > 0.

    Returns `value`; a traced `value` comes back with a runtime check on it."""
    return _check_sign(name, value, strict=True)


def check_nonnegative(name: str, value: Any) -> Any:
    """Raise `ValueError` unless every element of `value` is finite and >= 0.

    Returns `value`; a traced `value` comes back with a runtime check on it."""
    return _check_sign(name, value, strict=False)


def check_finite(name: str, value: Any) -> Any:
    """Raise `ValueError` if any element of `value` is NaN or infinite.

    Returns `value`; a traced `value` comes back with a runtime check on it."""
    array = _concrete(value, name)
    if isinstance(value, Tracer):
        return _traced_check(name, value, jnp.isfinite, "finite")
    if array is not None and not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` must be finite, got {_describe(array)}.")
    return value


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
    named. Traced parameters get runtime checks (see `check_fields`)."""
    n = check_count("n", model.n)
    for name in names:
        value = getattr(model, name)
        if value is not None:
            check_shape(name, value, n)
    finite = tuple(name for name in names if name not in positive + nonnegative)
    check_fields(model, positive=positive, nonnegative=nonnegative, finite=finite)


def check_fields(
    model: Any,
    positive: tuple[str, ...] = (),
    nonnegative: tuple[str, ...] = (),
    finite: tuple[str, ...] = (),
) -> None:
    """Check the named fields of `model` (from its `__check_init__`; `None` skipped):
    positive, non-negative or finite. A concrete bad value raises `ValueError`; a
    traced one (a model built under `jit`/`vmap`/`grad`) is replaced by itself with a
    runtime check attached, so the check runs wherever the model is used."""
    checks = [(check_positive, positive), (check_nonnegative, nonnegative), (check_finite, finite)]
    for check, names in checks:
        for name in names:
            value = getattr(model, name)
            if value is None:
                continue
            checked = check(name, value)
            if checked is not value:
                # The module is frozen once built; its own check may swap a traced field
                # for the same value carrying the runtime check.
                object.__setattr__(model, name, checked)


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
