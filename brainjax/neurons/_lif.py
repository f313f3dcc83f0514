import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from ..surrogate import AbstractSurrogate, SuperSpike
from ._base import AbstractIntegrateAndFire, check_above, check_parameters, refractory_flow


class LIFState(eqx.Module):
    """State of a [`brainjax.neurons.LIF`][] population.

    - `v`: membrane potential (mV), shape `(n,)`.
    - `refractory`: time left in the refractory period (ms), shape `(n,)`.
    """

    v: Float[Array, " n"]
    refractory: Float[Array, " n"]


class LIF(AbstractIntegrateAndFire):
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
        names = ("tau_m", "c_m", "v_rest", "v_reset", "v_th", "t_ref", "v_init")
        check_parameters(self, names, positive=("tau_m", "c_m"), nonnegative=("t_ref",))
        check_above("v_th", self.v_th, "v_reset", self.v_reset)  # else it fires every step

    def init(self, key: PRNGKeyArray | None = None) -> LIFState:
        return LIFState(v=self.initial_v(), refractory=jnp.zeros((self.n,)))

    def vector_field(self, t, y: LIFState, args) -> LIFState:
        current = 0.0 if args is None else args
        dv = (self.v_rest - y.v) / self.tau_m + current / self.c_m
        dv, d_refractory = refractory_flow(dv, y.refractory)
        return LIFState(v=dv, refractory=d_refractory)

    def threshold_margin(self, y: LIFState) -> Float[Array, " n"]:
        return y.v - self.v_th
