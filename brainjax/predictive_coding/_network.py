"""`PCNetwork`: a hierarchy of Gaussian prediction errors, an `AbstractEnergy`."""

from collections.abc import Callable, Sequence
from typing import Any, cast

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Bool, Float, PRNGKeyArray, Scalar

from .._dynamics import AbstractEnergy
from .._memory_budget import check_memory, float_bytes
from .._validate import check_count, check_positive

Activities = tuple[Float[Array, "*batch n"], ...]
# Per layer: `True` (free: inferred), `False` (clamped), or a bool array over the layer's
# units (`True` where the unit is free), e.g. to complete an occluded image.
FreeMask = tuple[bool | Bool[Array, "*batch n"], ...]


def _identity(x):
    return x


def _check_size(sizes: tuple[int, ...]) -> None:
    """Refuse, before allocating, layers whose parameters cannot fit in memory."""
    count = sum(n_in * n_out + 2 * n_out for n_in, n_out in zip(sizes, sizes[1:]))
    what = f"PCNetwork(sizes={sizes}) ({count:.3g} parameters x {float_bytes()} bytes)"
    check_memory(what, count * float_bytes(), "Use smaller layers in `sizes`.", device=True)


class PCNetwork(AbstractEnergy):
    """A predictive-coding network: layers of value nodes `x_0, ..., x_L`, each layer
    `l >= 1` predicted from the one above it.

    Prediction and error of layer `l = 1..L` (units of the activities, dimensionless):

        mu_l = f_l(W_l x_{l-1} + b_l),    e_l = x_l - mu_l

    with `f_l = activation` for `l < L` and `f_L = output_activation`. The energy (the
    variational free energy under Gaussian assumptions, up to constants) of one example is

        E = sum_l [ 0.5 sum_i pi_li e_li^2 - 0.5 sum_i log pi_li ]
            + 0.5 sum_i pi_0i (x_0i - m_i)^2 - 0.5 sum_i log pi_0i     (only with a prior)

    where `pi_l` are the precisions (inverse variances) of layer `l`, learnable through
    their logarithm, and `m` the prior mean of the top layer. A batch of examples (leading
    axes of every activity) has the sum of the examples' energies.

    Which layers are clamped is a property of the task, not of the network:
    discriminative (supervised) networks clamp `x_0` to the input and `x_L` to the target;
    generative networks clamp `x_L` to the data and leave `x_0` free (give them a
    prior). See [`brainjax.predictive_coding.initial_activities`][].

    **Arguments:**

    - `sizes`: the number of units of `x_0, ..., x_L` (at least two layers).
    - `key`: initialisation key for the weights (Equinox `Linear` defaults).
    - `activation`: `f_l` of the hidden predictions (default `tanh`).
    - `output_activation`: `f_L` (default identity).
    - `precision`: initial precision of the prediction errors (> 0): one value for all
      layers or one per predicted layer `x_1, ..., x_L`. A small output precision clamps
      the target weakly (then PC's weight updates approach backprop's).
    - `prior_precision`: precision of a Gaussian prior on `x_0` (mean learnable, starts
      at 0), or `None` for no prior (discriminative networks).

    Reference: Rao & Ballard (1999); Whittington & Bogacz (2017); Millidge, Seth &
    Buckley (2022), "Predictive coding: a theoretical and experimental review".

    **Example:**

    ```python
    net = bj.predictive_coding.PCNetwork((64, 128, 10), key=jax.random.key(0))
    net.energy(net.feedforward(x))  # 0: the feedforward pass has no prediction error
    ```
    """

    layers: tuple[eqx.nn.Linear, ...]
    log_precision: tuple[Float[Array, " n"], ...]
    prior_mean: Float[Array, " n0"] | None
    log_prior_precision: Float[Array, " n0"] | None
    sizes: tuple[int, ...] = eqx.field(static=True)
    activation: Callable[[Array], Array] = eqx.field(static=True)
    output_activation: Callable[[Array], Array] = eqx.field(static=True)

    def __init__(
        self,
        sizes: Sequence[int],
        *,
        key: PRNGKeyArray,
        activation: Callable[[Array], Array] = jax.nn.tanh,
        output_activation: Callable[[Array], Array] = _identity,
        precision: float | Sequence[float] = 1.0,
        prior_precision: float | None = None,
    ):
        sizes = tuple(sizes)
        if len(sizes) < 2:
            raise ValueError(f"`sizes` needs at least two layers, got {sizes!r}.")
        sizes = tuple(check_count(f"sizes[{i}]", n) for i, n in enumerate(sizes))
        if np.ndim(precision) == 0:
            precisions = (cast(float, precision),) * (len(sizes) - 1)
        else:
            precisions = tuple(cast(Sequence[float], precision))
        if len(precisions) != len(sizes) - 1:
            raise ValueError(
                f"`precision` must be a scalar or have one value per predicted layer "
                f"({len(sizes) - 1}), got {precision!r}."
            )
        check_positive("precision", precisions)
        _check_size(sizes)
        keys = jax.random.split(key, len(sizes) - 1)
        self.layers = tuple(
            eqx.nn.Linear(n_in, n_out, key=k) for n_in, n_out, k in zip(sizes, sizes[1:], keys)
        )
        self.log_precision = tuple(
            jnp.full(n, jnp.log(float(p))) for n, p in zip(sizes[1:], precisions)
        )
        if prior_precision is None:
            self.prior_mean = self.log_prior_precision = None
        else:
            check_positive("prior_precision", prior_precision)
            self.prior_mean = jnp.zeros(sizes[0])
            self.log_prior_precision = jnp.full(sizes[0], jnp.log(prior_precision))
        self.sizes = sizes
        self.activation = activation
        self.output_activation = output_activation

    def predict_layer(self, i: int, above: Float[Array, "*batch n"]) -> Float[Array, "*batch m"]:
        """The prediction `mu_l` of layer `i >= 1` from the activities of layer `i - 1`."""
        layer = self.layers[i - 1]
        assert layer.bias is not None  # built with `use_bias=True`
        f = self.output_activation if i == len(self.layers) else self.activation
        return f(above @ layer.weight.T + layer.bias)

    def feedforward(self, top: Float[Array, "*batch n0"]) -> Activities:
        """Activities with zero prediction error everywhere below `x_0 = top` (the
        amortised / feedforward initialisation; `x_L` is the network's output)."""
        self._check_layer(0, top, "top")
        xs = [top]
        for i in range(1, len(self.sizes)):
            xs.append(self.predict_layer(i, xs[-1]))
        return tuple(xs)

    def errors(self, x: Activities) -> tuple[Float[Array, "*batch n"], ...]:
        """The prediction errors `e_1, ..., e_L` (and, first, `x_0 - m` with a prior)."""
        self._check_activities(x)
        errors = tuple(x[i] - self.predict_layer(i, x[i - 1]) for i in range(1, len(x)))
        if self.prior_mean is not None:
            errors = (x[0] - self.prior_mean,) + errors
        return errors

    def layer_energies(self, x: Activities, args: Any = None) -> Float[Array, " layers"]:
        """The energy of every prediction-error layer (prior first, when there is one),
        summed over the batch; their sum is the total `energy`."""
        del args
        log_pi = self.log_precision
        if self.log_prior_precision is not None:
            log_pi = (self.log_prior_precision,) + log_pi
        batch = x[0].shape[:-1]
        n_examples = 1
        for d in batch:
            n_examples *= d
        return jnp.stack(
            [
                0.5 * jnp.sum(jnp.exp(lp) * e**2) - 0.5 * n_examples * jnp.sum(lp)
                for lp, e in zip(log_pi, self.errors(x))
            ]
        )

    def energy(self, x: Activities, args: Any = None) -> Scalar:
        """The total energy `E` of activities `x` (a tuple of `L + 1` arrays)."""
        return jnp.sum(self.layer_energies(x, args))

    def _check_layer(self, i: int, value: Array, name: str) -> None:
        if jnp.ndim(value) < 1 or jnp.shape(value)[-1] != self.sizes[i]:
            raise ValueError(
                f"`{name}` must have {self.sizes[i]} units (layer {i} of sizes {self.sizes}) "
                f"in its last axis, got shape {jnp.shape(value)}."
            )

    def _check_activities(self, x: Activities) -> None:
        if len(x) != len(self.sizes):
            raise ValueError(
                f"activities must have {len(self.sizes)} layers (sizes {self.sizes}), got {len(x)}."
            )
        for i, value in enumerate(x):
            self._check_layer(i, value, f"activities[{i}]")
            if jnp.shape(value)[:-1] != jnp.shape(x[0])[:-1]:
                raise ValueError(
                    f"all activities must share their batch shape, got {jnp.shape(x[0])[:-1]} "
                    f"for layer 0 and {jnp.shape(value)[:-1]} for layer {i}."
                )


def initial_activities(
    network: PCNetwork,
    top: Float[Array, "*batch n0"] | None = None,
    bottom: Float[Array, "*batch nL"] | None = None,
    *,
    observed: Bool[Array, "*batch nL"] | None = None,
) -> tuple[Activities, FreeMask]:
    """Starting activities for inference and which of them are free.

    - `top` given: `x_0` is clamped to it (discriminative input); otherwise `x_0` is free
      and starts at the prior mean (zeros without a prior).
    - Hidden layers start at the feedforward prediction from `x_0` (amortised start).
    - `bottom` given: `x_L` is clamped to it (target or data); otherwise `x_L` is free
      (test-time prediction). With `observed` (bool, like `bottom`), only the observed
      units are clamped and the others are free and start at the prediction
      (completion of occluded data).

    Returns `(activities, free)` for [`brainjax.predictive_coding.infer`][].
    """
    if top is None:
        if bottom is None:
            raise ValueError("give `top`, `bottom` or both: nothing to infer from.")
        network._check_layer(len(network.sizes) - 1, bottom, "bottom")
        start = jnp.zeros(network.sizes[0]) if network.prior_mean is None else network.prior_mean
        top_value = jnp.broadcast_to(start, jnp.shape(bottom)[:-1] + (network.sizes[0],))
    else:
        top_value = jnp.asarray(top)
    x = list(network.feedforward(top_value))
    free: list = [top is None] + [True] * (len(x) - 2)
    if bottom is None:
        free.append(True)
    else:
        network._check_layer(len(x) - 1, bottom, "bottom")
        if jnp.shape(bottom) != jnp.shape(x[-1]):
            raise ValueError(
                f"`bottom` has shape {jnp.shape(bottom)} but `top` gives batch shape "
                f"{jnp.shape(x[-1])[:-1]}."
            )
        if observed is None:
            x[-1] = jnp.asarray(bottom)
            free.append(False)
        else:
            if jnp.shape(observed) != jnp.shape(bottom):
                raise ValueError(
                    f"`observed` must have the shape of `bottom` {jnp.shape(bottom)}, "
                    f"got {jnp.shape(observed)}."
                )
            x[-1] = jnp.where(observed, bottom, x[-1])
            free.append(jnp.logical_not(observed))
    return tuple(x), tuple(free)
