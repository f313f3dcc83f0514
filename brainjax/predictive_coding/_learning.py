"""Learning rules for `PCNetwork`s (standard PC and incremental PC), both run by the
training loop of `brainjax.fit` (incremental PC with its own per-batch step)."""

import functools
from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import optax
from jaxtyping import Array, Float, PRNGKeyArray, Scalar

from .._validate import check_count, check_positive
from ..fit import AbstractCallback, FitResult, FunctionCallback, Progress, batches, fit
from ..fit._checkpoint import split
from ..fit._fit import train as _train
from ..fit._step import AbstractStep, FilterSpec, Loss, all_finite, update
from ._inference import FixedStep, infer
from ._network import Activities, PCNetwork, initial_activities

# A batch is `(top, bottom)`: the values clamped at `x_0` and at `x_L`, either may be
# `None` (free): `(inputs, targets)` to classify, `(None, data)` for a generative model.
Batch = tuple[Float[Array, "batch n0"] | None, Float[Array, "batch nL"] | None]


def _examples(batch: Batch) -> int:
    top, bottom = batch
    value: Any = top if top is not None else bottom
    return 1 if value.ndim < 2 else value.shape[0]


class PC(eqx.Module):
    """Standard predictive coding (Whittington & Bogacz, 2017): infer the free activities
    to (near) equilibrium with the weights fixed, then update the weights (and learnable
    precisions) along `-dE/dtheta` at those fixed activities.

    An instance is a loss for [`brainjax.fit.fit`][]: `PC(...)(network, batch)` is the
    energy per example at the inferred activities, which are held constant
    (`stop_gradient`); its gradient is exactly the local PC update
    `dW_l ~ pi_l e_l f'(a_l) x_{l-1}^T`, so any optax optimiser applies it.

    - `inference`: [`FixedStep`][brainjax.predictive_coding.FixedStep] (default 20 steps
      of 0.1) or [`brainjax.GradientFlow`][].
    """

    inference: Any = FixedStep(step_size=0.1, steps=20)

    def __call__(self, network: PCNetwork, batch: Batch) -> Scalar:
        top, bottom = batch
        frozen = jax.lax.stop_gradient(network)
        x, free = initial_activities(frozen, top, bottom)
        x = jax.lax.stop_gradient(infer(frozen, x, free, self.inference).x)
        return network.energy(x) / _examples(batch)


class IPCState(eqx.Module):
    """What incremental PC trains: the network and the activities of the current batch
    (both are updated at every step)."""

    network: PCNetwork
    activities: Activities


class IPC(eqx.Module):
    """Incremental predictive coding (Salvatori et al., 2024, "A stable, fast, and fully
    automatic learning algorithm for predictive coding networks", ICLR): activities and
    weights descend the same energy together, at every step, from the feedforward start
    of each batch: for `t = 1..steps`,

        x     <- x - step_size * dE/dx                     (free activities)
        theta <- theta + optimiser(-dE/dtheta / batch)     (weights, precisions)

    There is no separate inference phase, so no waiting for equilibrium.

    - `step_size`: activity step (> 0).
    - `steps`: joint updates per batch (>= 1).
    """

    step_size: float = eqx.field(default=0.1, static=True)
    steps: int = eqx.field(default=5, static=True)

    def __check_init__(self):
        check_positive("step_size", self.step_size)
        check_count("steps", self.steps)

    def init(self, state: IPCState, batch: Batch) -> IPCState:
        """Start the activities of a new batch at the feedforward pass."""
        top, bottom = batch
        x, _ = initial_activities(jax.lax.stop_gradient(state.network), top, bottom)
        return eqx.tree_at(lambda s: s.activities, state, x)

    def loss(self, state: IPCState, batch: Batch) -> Scalar:
        """The energy per example, with the clamped layers set from `batch`."""
        top, bottom = batch
        x = list(state.activities)
        if top is not None:
            x[0] = top
        if bottom is not None:
            x[-1] = bottom
        return state.network.energy(tuple(x)) / _examples(batch)

    def optimizer(
        self, weight_optimizer: optax.GradientTransformation, batch_size: int
    ) -> optax.GradientTransformation:
        """Plain gradient steps of `step_size` (per example) on the activities, the given
        optax optimiser on the network. Cached, so repeated training reuses the compiled
        step."""
        return _ipc_optimizer(self.step_size, weight_optimizer, batch_size)


@functools.lru_cache(maxsize=16)
def _ipc_optimizer(
    step_size: float, weight_optimizer: optax.GradientTransformation, batch_size: int
) -> optax.GradientTransformation:
    labels = lambda state: IPCState(
        network=jax.tree.map(lambda _: "network", state.network),
        activities=jax.tree.map(lambda _: "activities", state.activities),
    )
    return optax.multi_transform(
        {"network": weight_optimizer, "activities": optax.sgd(step_size * batch_size)}, labels
    )


class PerBatchStep(AbstractStep):
    """A compiled step that first runs `batch_init(model, batch) -> model` (e.g. to start
    per-batch latent activities that train with the parameters), then `updates`
    optimiser updates on the same batch (a `lax.scan`). The loss returned is that of
    the first update. Incremental PC trains through it."""

    loss: Loss
    optimizer: optax.GradientTransformation
    filter_spec: FilterSpec
    updates: int = eqx.field(static=True)
    batch_init: Callable[[Any, Any], Any] | None

    def update(self, params, static, opt_state, batch):
        return _per_batch_step(params, static, opt_state, batch, self)


@eqx.filter_jit
def _per_batch_step(params, static, opt_state, batch, step: PerBatchStep):
    loss, optimizer = step.loss, step.optimizer
    if step.batch_init is not None:
        params, static = split(
            step.batch_init(eqx.combine(params, static), batch), step.filter_spec
        )
    params, opt_state, value = update(params, static, opt_state, batch, loss, optimizer)
    if step.updates > 1:

        def more(carry, _):
            out = update(carry[0], static, carry[1], batch, loss, optimizer)
            return out[:2], None

        (params, opt_state), _ = jax.lax.scan(more, (params, opt_state), length=step.updates - 1)
    return params, opt_state, value, all_finite(params)


def train(
    network: PCNetwork,
    data: Batch,
    *,
    rule: PC | IPC,
    optimizer: optax.GradientTransformation,
    epochs: int,
    batch_size: int,
    learn_precision: bool = False,
    key: PRNGKeyArray | None = None,
    callback: Callable[[int, float, PCNetwork], bool | None] | None = None,
    progress: bool = False,
) -> FitResult:
    """Train a [`PCNetwork`][brainjax.predictive_coding.PCNetwork] with standard
    ([`PC`][brainjax.predictive_coding.PC]) or incremental
    ([`IPC`][brainjax.predictive_coding.IPC]) predictive coding, through
    [`brainjax.fit.fit`][].

    **Arguments:**

    - `data`: `(top, bottom)` arrays with a common leading example axis (either may be
      `None`): `(inputs, one_hot_targets)` for a classifier, `(None, data)` for a
      generative model.
    - `rule`: `PC(...)` or `IPC(...)`.
    - `optimizer`: optax optimiser of the weight updates.
    - `epochs`, `batch_size`: passes over the data, examples per batch (the last partial
      batch of an epoch is dropped).
    - `learn_precision`: also learn the precisions (and the prior mean); otherwise they
      stay fixed.
    - `key`: shuffling key. `callback(step, loss, network)` is called after every batch
      (returning `True` stops). `progress`: a tqdm bar.

    Returns `fit`'s [`FitResult`][brainjax.fit.FitResult] with `model` the trained
    network and `history` the loss of every batch (energy per example: for `IPC`, at the
    feedforward start of the batch, i.e. the prediction loss before training on it).

    **Example:**

    ```python
    result = pc.train(net, (x, y), rule=pc.PC(), optimizer=optax.adam(1e-3), epochs=10,
                      batch_size=64)
    ```
    """
    n = _examples(data)
    batch_size = check_count("batch_size", batch_size)
    if batch_size > n:
        raise ValueError(f"`batch_size` ({batch_size}) exceeds the number of examples ({n}).")
    steps = check_count("epochs", epochs) * (n // batch_size)
    trainable = network_filter(network, learn_precision)
    if isinstance(rule, PC):
        batching: dict[str, Any] = dict(data=data, batch_size=batch_size, key=key)
        return fit(
            network,
            rule,
            optimizer=optimizer,
            steps=steps,
            filter_spec=trainable,
            callbacks=[] if callback is None else [callback],
            progress=progress,
            **batching,
        )
    if not isinstance(rule, IPC):
        raise TypeError(f"`rule` must be predictive_coding.PC or IPC, got {rule!r}.")
    top, bottom = jax.tree.map(lambda v: v[:batch_size], data)
    state = IPCState(network, initial_activities(network, top, bottom)[0])
    filter_spec = IPCState(trainable, jax.tree.map(lambda _: True, state.activities))
    step = PerBatchStep(
        loss=rule.loss,
        optimizer=rule.optimizer(optimizer, batch_size),
        filter_spec=filter_spec,
        updates=rule.steps,
        batch_init=rule.init,
    )
    callbacks: list[AbstractCallback] = [Progress()] if progress else []
    if callback is not None:
        callbacks.append(FunctionCallback(lambda i, loss, s: callback(i, loss, s.network)))
    key = jax.random.key(0) if key is None else key
    result = _train(step, state, batches(data, batch_size, key), steps=steps, callbacks=callbacks)
    return eqx.tree_at(lambda r: r.model, result, result.model.network)


def network_filter(network: PCNetwork, learn_precision: bool = False) -> PCNetwork:
    """The `filter_spec` (a PyTree of bools like `network`) that trains the weights and
    biases, and the precisions and prior mean only when `learn_precision`."""
    spec = jax.tree.map(eqx.is_inexact_array, network)
    fixed = jax.tree.map(lambda _: learn_precision, network.log_precision)
    spec = eqx.tree_at(lambda net: net.log_precision, spec, fixed)
    if network.prior_mean is not None:
        spec = eqx.tree_at(
            lambda net: (net.prior_mean, net.log_prior_precision),
            spec,
            (learn_precision, learn_precision),
        )
    return spec
