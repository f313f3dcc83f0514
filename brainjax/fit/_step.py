"""`make_step`: one compiled optimiser update, the innermost layer of `fit`."""

import abc
from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import optax
from jaxtyping import Array, Bool, PyTree, Scalar

from ._checkpoint import split
from ._constraints import unwrap

# `loss(model, batch) -> scalar` or `(scalar, aux)`.
Loss = Callable[[Any, Any], Any]
FilterSpec = PyTree[bool] | Callable[[Any], bool]


def update(
    params: PyTree, static: PyTree, opt_state: PyTree, batch: Any, loss: Loss, optimizer
) -> tuple[PyTree, PyTree, Scalar]:
    """One optimiser update of the trainable part `params` (traced, not compiled):
    the loss sees the unwrapped model `unwrap(combine(params, static))`."""

    def loss_of(p):
        out = loss(unwrap(eqx.combine(p, static)), batch)
        return out[0] if isinstance(out, tuple) else out

    value, grads = eqx.filter_value_and_grad(loss_of)(params)
    updates, opt_state = optimizer.update(grads, opt_state, params)
    return eqx.apply_updates(params, updates), opt_state, value


def all_finite(params: PyTree) -> Bool[Array, ""]:
    """Whether every float leaf of `params` is finite (one flag, checked on the host)."""
    leaves = jax.tree.leaves(eqx.filter(params, eqx.is_inexact_array))
    return jnp.all(jnp.stack([jnp.array(True)] + [jnp.all(jnp.isfinite(x)) for x in leaves]))


class AbstractStep(eqx.Module):
    """A compiled training step: what [`brainjax.fit.fit`][] calls once per batch.

    Subclasses declare the `optimizer` and the `filter_spec` (which leaves train) and
    implement `update` on the split model (`params`, the trainable part; `static`, the
    rest, as [`brainjax.fit.fit`][] keeps them between steps). `__call__` works on the
    whole model.
    """

    optimizer: eqx.AbstractVar[optax.GradientTransformation]
    filter_spec: eqx.AbstractVar[FilterSpec]

    @abc.abstractmethod
    def update(
        self, params: PyTree, static: PyTree, opt_state: PyTree, batch: Any
    ) -> tuple[PyTree, PyTree, Scalar, Bool[Array, ""]]:
        """Return `(params, opt_state, loss, finite)` after one step on `batch`; `loss` is
        the loss before the update, `finite` whether every new parameter is finite."""

    def init(self, model: PyTree) -> PyTree:
        """The optimiser state of the trainable leaves of `model`."""
        return self.optimizer.init(split(model, self.filter_spec)[0])

    def __call__(
        self, model: PyTree, opt_state: PyTree, batch: Any
    ) -> tuple[PyTree, PyTree, Scalar]:
        """`(model, opt_state, loss)` after one step; `loss` is the loss before it."""
        return _whole_model_step(self, model, opt_state, batch)


@eqx.filter_jit
def _whole_model_step(step: AbstractStep, model, opt_state, batch):
    # Split and combine inside the compiled call: outside, they cost more than the update.
    params, static = split(model, step.filter_spec)
    params, opt_state, loss, _ = step.update(params, static, opt_state, batch)
    return eqx.combine(params, static), opt_state, loss


@eqx.filter_jit
def _step(params, static, opt_state, batch, loss, optimizer):
    params, opt_state, value = update(params, static, opt_state, batch, loss, optimizer)
    return params, opt_state, value, all_finite(params)


class Step(AbstractStep):
    """The step [`brainjax.fit.make_step`][] returns: value and gradient of `loss`,
    then one `optimizer` update, compiled once per model structure, `loss` and
    `optimizer` (reuse the same objects to avoid recompiling)."""

    loss: Loss
    optimizer: optax.GradientTransformation
    filter_spec: FilterSpec

    def update(self, params, static, opt_state, batch):
        return _step(params, static, opt_state, batch, self.loss, self.optimizer)


def make_step(
    loss: Loss,
    optimizer: optax.GradientTransformation,
    filter_spec: FilterSpec = eqx.is_inexact_array,
) -> Step:
    """A compiled training step `step(model, opt_state, batch) -> (model, opt_state,
    loss)`: the update [`brainjax.fit.fit`][] runs, for a loop of your own.

    **Arguments:**

    - `loss`: `(model, batch) -> scalar` (or `(scalar, aux)`; aux is ignored). It
      receives the unwrapped model (constraint wrappers such as
      [`brainjax.fit.Positive`][] replaced by their values).
    - `optimizer`: an optax transformation. Clip gradients by chaining, e.g.
      `optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-3))`.
    - `filter_spec`: which leaves train: a function of a leaf (default: all float
      arrays) or a PyTree of bools like the model (see `eqx.partition`); leaves inside
      [`brainjax.fit.Fixed`][] never train.

    The returned loss is the value before the update. `step.init(model)` gives the
    initial optimiser state.

    **Example:**

    ```python
    step = bj.fit.make_step(loss, optax.adam(1e-2))
    opt_state = step.init(model)
    for batch in bj.fit.batches(data, 32, jax.random.key(0)):
        model, opt_state, value = step(model, opt_state, batch)
    ```
    """
    if not isinstance(optimizer, optax.GradientTransformation):
        raise ValueError(f"`optimizer` must be an optax.GradientTransformation, got {optimizer!r}.")
    return Step(loss=loss, optimizer=optimizer, filter_spec=filter_spec)
