"""`Dale`: weights whose sign is fixed by the presynaptic neuron (Dale's law)."""

import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, ArrayLike, Bool, Float

from .._validate import check_finite
from ._constraints import AbstractConstraint


class Dale(AbstractConstraint):
    """A weight matrix obeying Dale's law, trained through a positive parametrisation.

        w_ij = sign_i * softplus(raw_ij),    sign_i = +1 (excitatory) or -1 (inhibitory)

    Every outgoing weight of presynaptic neuron `i` keeps the sign of that neuron
    whatever the gradient steps do (the optimiser trains the unconstrained `raw`).
    Like the other [`brainjax.fit`][] constraints, wrap the weights of a model with
    `eqx.tree_at`; [`brainjax.fit.fit`][] unwraps it before every loss call.

    **Arguments:** `value`: the initial `(n_pre, n_post)` weights (only their
    magnitudes are used); `excitatory`: bool `(n_pre,)`, `True` for excitatory neurons.

    **Example:**

    ```python
    dale = lambda w: bj.fit.Dale(w, excitatory=jnp.arange(100) < 80)   # 80 E, 20 I
    model = eqx.tree_at(lambda m: m.network.projections[0].weights, model, replace_fn=dale)
    ```
    """

    raw: Float[Array, "n_pre n_post"]
    sign: Float[Array, "n_pre 1"]

    def __init__(
        self, value: Float[ArrayLike, "n_pre n_post"], excitatory: Bool[ArrayLike, " n_pre"]
    ):
        value = np.abs(np.asarray(value, dtype=float))
        check_finite("value", value)
        excitatory = np.asarray(excitatory)
        if value.ndim != 2 or excitatory.shape != value.shape[:1]:
            raise ValueError(
                f"`excitatory` must have shape ({value.shape[0] if value.ndim else '?'},) "
                f"(one flag per presynaptic neuron of `value` {value.shape}), got "
                f"{excitatory.shape}."
            )
        magnitude = np.maximum(value, 1e-6)  # softplus is > 0: start just above zero
        self.raw = jnp.asarray(magnitude + np.log(-np.expm1(-magnitude)))  # softplus^-1
        self.sign = jnp.asarray(np.where(excitatory, 1.0, -1.0)[:, None])

    def unwrap(self) -> Array:
        return jax.lax.stop_gradient(self.sign) * jax.nn.softplus(self.raw)
