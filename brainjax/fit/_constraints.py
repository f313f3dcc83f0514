"""Parameter constraints as reparameterisations: train an unconstrained number, use a
constrained one.

A constraint wraps one leaf of a model (with `eqx.tree_at`); the optimiser sees the
unconstrained `raw` field; [`brainjax.fit.unwrap`][] maps every wrapper back to its
constrained value. [`brainjax.fit.fit`][] unwraps the model before every call of the
loss, so the loss never sees a wrapper.
"""

import abc

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Float, PyTree

from .._validate import check_finite


class AbstractConstraint(eqx.Module):
    """A wrapped parameter; `unwrap()` returns its constrained value."""

    @abc.abstractmethod
    def unwrap(self) -> Array:
        """Return the constrained value."""


def _concrete(name: str, value: ArrayLike) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    check_finite(name, array)
    return array


def _inverse_softplus(y: np.ndarray) -> np.ndarray:
    return y + np.log(-np.expm1(-y))  # log(exp(y) - 1), stable for large y


class Positive(AbstractConstraint):
    """A positive parameter `value = softplus(raw) = log(1 + exp(raw))`.

    Softplus is close to the identity for large values, so gradient steps keep their
    size in natural units. Construct it from the positive value: `Positive(2.5)`.

    **Example:**

    ```python
    model = eqx.tree_at(lambda m: m.tau_e, model, replace_fn=bj.fit.Positive)
    ```
    """

    raw: Float[Array, "..."]

    def __init__(self, value: Float[ArrayLike, "..."]):
        value = _concrete("value", value)
        if np.any(value <= 0):
            raise ValueError(f"`Positive` needs a value > 0, got {value!r}.")
        self.raw = jnp.asarray(_inverse_softplus(value))

    def unwrap(self) -> Array:
        return jax.nn.softplus(self.raw)


class LogPositive(AbstractConstraint):
    """A positive parameter stored by its logarithm: `value = exp(raw)`.

    Prefer it to [`brainjax.fit.Positive`][] for scale parameters spanning decades
    (time constants, rates): a gradient step changes the value by a fixed *factor*.
    Construct it from the positive value: `LogPositive(10.0)`.
    """

    raw: Float[Array, "..."]

    def __init__(self, value: Float[ArrayLike, "..."]):
        value = _concrete("value", value)
        if np.any(value <= 0):
            raise ValueError(f"`LogPositive` needs a value > 0, got {value!r}.")
        self.raw = jnp.asarray(np.log(value))

    def unwrap(self) -> Array:
        return jnp.exp(self.raw)


class Bounded(AbstractConstraint):
    """A parameter in the open interval `(lower, upper)`:
    `value = lower + (upper - lower) * sigmoid(raw)`.

    The bounds are fixed Python floats (never trained). Construct it from a value
    strictly inside the bounds: `Bounded(0.3, lower=0.0, upper=1.0)`.

    **Example:**

    ```python
    bounded = lambda v: bj.fit.Bounded(v, lower=0.0, upper=1.0)
    model = eqx.tree_at(lambda m: m.coupling, model, replace_fn=bounded)
    ```
    """

    raw: Float[Array, "..."]
    lower: float = eqx.field(static=True)
    upper: float = eqx.field(static=True)

    def __init__(self, value: Float[ArrayLike, "..."], *, lower: float, upper: float):
        value = _concrete("value", value)
        lower, upper = float(lower), float(upper)
        if not (np.isfinite(lower) and np.isfinite(upper) and lower < upper):
            raise ValueError(
                f"`Bounded` needs finite `lower` < `upper`, got lower={lower!r}, upper={upper!r}."
            )
        if np.any(value <= lower) or np.any(value >= upper):
            raise ValueError(
                f"`Bounded` needs a value strictly inside ({lower}, {upper}), got {value!r}."
            )
        fraction = (value - lower) / (upper - lower)
        self.raw = jnp.asarray(np.log(fraction) - np.log1p(-fraction))
        self.lower, self.upper = lower, upper

    def unwrap(self) -> Array:
        return self.lower + (self.upper - self.lower) * jax.nn.sigmoid(self.raw)


class Fixed(AbstractConstraint):
    """A parameter that [`brainjax.fit.fit`][] never trains, whatever its
    `filter_spec` (its leaves are moved to the frozen part of the model).

    **Example:**

    ```python
    model = eqx.tree_at(lambda m: m.c_ee, model, replace_fn=bj.fit.Fixed)
    ```
    """

    value: Float[Array, "..."]

    def __init__(self, value: Float[ArrayLike, "..."]):
        self.value = jnp.asarray(value)

    def unwrap(self) -> Array:
        return jax.lax.stop_gradient(self.value)


def is_constraint(x) -> bool:
    """Whether `x` is a constraint wrapper (an `is_leaf` for tree maps)."""
    return isinstance(x, AbstractConstraint)


def unwrap(tree: PyTree) -> PyTree:
    """Replace every constraint wrapper in `tree` by its constrained value.

    Trees without wrappers are returned unchanged, so it is safe to call on any model.

    **Example:**

    ```python
    model = eqx.tree_at(lambda m: m.tau_e, bj.populations.WilsonCowan(),
                        replace_fn=bj.fit.Positive)
    bj.fit.unwrap(model).tau_e  # 2.5 (an array)
    ```
    """
    return jax.tree.map(
        lambda x: x.unwrap() if is_constraint(x) else x, tree, is_leaf=is_constraint
    )
