import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._dynamics import AbstractSpiking
from .._validate import check_count, check_finite, check_nonnegative, check_positive, check_shape
from ..surrogate import AbstractSurrogate, SuperSpike

# Refractory countdowns are compared with this (ms) rather than 0, so that float32
# round-off in `t_ref - k * dt` does not add a spurious extra step.
_REFRACTORY_TOL = 1e-4


class LIFState(eqx.Module):
    """State of a [`brainjax.neurons.LIF`][] population.

    - `v`: membrane potential (mV), shape `(n,)`.
    - `refractory`: time left in the refractory period (ms), shape `(n,)`.
    """

    v: Float[Array, " n"]
    refractory: Float[Array, " n"]


class LIF(AbstractSpiking):
    """Current-based leaky integrate-and-fire neurons (Lapicque 1907; Stein 1965).

        tau_m dv/dt = -(v - v_rest) + (tau_m / c_m) I      (not refractory)
        dv/dt = 0                                           (refractory)

    A spike is emitted when `v > v_th`; then `v <- v_reset` and `v` is clamped for
    `t_ref` ms. `I` is the input current in pA (the `args` of `vector_field`; for a
    scalar, the same for all neurons). Parameters may be scalars or `(n,)` arrays.

    **Arguments** (defaults of NEST's `iaf_psc_exp`):

    - `n`: number of neurons.
    - `tau_m`: membrane time constant (ms), > 0.
    - `c_m`: membrane capacitance (pF), > 0; input resistance is `tau_m / c_m` (GOhm).
    - `v_rest`, `v_reset`, `v_th`: resting, reset and threshold potentials (mV).
    - `t_ref`: absolute refractory period (ms), >= 0 (0 means none).
    - `v_init`: initial potential (mV); defaults to `v_rest`.
    - `surrogate`: the spike function, a [`brainjax.surrogate`][] object.

    The reset does not pass gradients through the spike (it uses
    `stop_gradient(spikes)`), as recommended by Zenke & Vogels (2021).

    With constant current `I` and `v_reset = v_rest`, the inter-spike interval is
    `t_ref + tau_m ln(R I / (R I - (v_th - v_rest)))` with `R = tau_m / c_m`.

    **Example:**

    ```python
    lif = bj.neurons.LIF(n=100, tau_m=20.0)
    sol = bj.simulate(lif, t1=500.0, dt=0.1, inputs=400.0)  # 400 pA
    ```
    """

    n: int = eqx.field(static=True)
    tau_m: Float[ArrayLike, "..."] = 10.0
    c_m: Float[ArrayLike, "..."] = 250.0
    v_rest: Float[ArrayLike, "..."] = -70.0
    v_reset: Float[ArrayLike, "..."] = -70.0
    v_th: Float[ArrayLike, "..."] = -55.0
    t_ref: Float[ArrayLike, "..."] = 2.0
    v_init: Float[ArrayLike, "..."] | None = None
    surrogate: AbstractSurrogate = SuperSpike()

    def __check_init__(self):
        check_count("n", self.n)
        for name in ("tau_m", "c_m", "v_rest", "v_reset", "v_th", "t_ref", "v_init"):
            value = getattr(self, name)
            if value is not None:
                check_shape(name, value, self.n)
                check_finite(name, value)
        check_positive("tau_m", self.tau_m)
        check_positive("c_m", self.c_m)
        check_nonnegative("t_ref", self.t_ref)

    def init(self, key: PRNGKeyArray | None = None) -> LIFState:
        v = self.v_rest if self.v_init is None else self.v_init
        v = jnp.broadcast_to(jnp.asarray(v, dtype=float), (self.n,))
        return LIFState(v=v, refractory=jnp.zeros((self.n,)))

    def vector_field(self, t, y: LIFState, args) -> LIFState:
        current = 0.0 if args is None else args
        dv = (self.v_rest - y.v) / self.tau_m + current / self.c_m
        refractory = y.refractory > _REFRACTORY_TOL
        return LIFState(
            v=jnp.where(refractory, 0.0, dv),
            refractory=jnp.where(refractory, -1.0, 0.0),
        )

    def spike(self, y: LIFState) -> Float[Array, " n"]:
        return self.surrogate(y.v - self.v_th)

    def reset(self, y: LIFState, spikes: Float[Array, " n"]) -> LIFState:
        s = jax.lax.stop_gradient(spikes)
        return LIFState(
            v=y.v + s * (self.v_reset - y.v),
            refractory=jnp.where(s > 0, self.t_ref, jnp.maximum(y.refractory, 0.0)),
        )
