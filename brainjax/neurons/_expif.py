import dataclasses

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._validate import renamed_keyword
from ..surrogate import AbstractSurrogate, SuperSpike
from ._base import AbstractIntegrateAndFire, check_above, check_parameters, refractory_flow


class ExpIFState(eqx.Module):
    """State of a [`brainjax.neurons.ExpIF`][] population.

    - `v`: membrane potential (mV), shape `(n,)`.
    - `refractory`: time left in the refractory period (ms), shape `(n,)`.
    """

    v: Float[Array, " n"]
    refractory: Float[Array, " n"]


def exp_term(v, v_th, delta_t, v_peak):
    """`delta_t * exp((v - v_th) / delta_t)` with `v` capped at the cutoff `v_peak`, so
    that an Euler step overshooting the cutoff stays finite (it is reset anyway)."""
    return delta_t * jnp.exp((jnp.minimum(v, v_peak) - v_th) / delta_t)


class ExpIF(AbstractIntegrateAndFire):
    """Exponential integrate-and-fire neurons (Fourcaud-Trocme et al. 2003).

        tau_m dv/dt = -(v - v_rest) + delta_t exp((v - v_th) / delta_t) + (tau_m / c_m) I

    The exponential term is the spike-initiation current of sodium channels: below
    `v_th` the neuron is a leaky integrator, above it `v` diverges in finite time. The
    divergence is cut at `v_peak`: a spike is emitted when `v > v_peak`, then
    `v <- v_reset` and `v` is clamped for `t_ref` ms. `I` is the input current in pA.
    Parameters may be scalars or `(n,)` arrays.

    The rheobase (smallest constant current that fires) is
    `I_rh = (c_m / tau_m) (v_th - v_rest - delta_t)`.

    **Arguments:**

    - `n`: number of neurons.
    - `tau_m`: membrane time constant (ms), > 0.
    - `c_m`: membrane capacitance (pF), > 0.
    - `v_rest`, `v_reset`: resting and reset potentials (mV).
    - `v_th`: the soft threshold, where the exponential takes over (mV) (formerly
      `v_t`, still accepted with a `DeprecationWarning` for one release).
    - `delta_t`: slope factor (mV), > 0; `delta_t -> 0` recovers the LIF.
    - `v_peak`: spike cutoff (mV), > `v_th`.
    - `t_ref`: absolute refractory period (ms), >= 0.
    - `v_init`: initial potential (mV); defaults to `v_rest`.
    - `surrogate`: the spike function, a [`brainjax.surrogate`][] object.

    **Example:**

    ```python
    expif = bj.neurons.ExpIF(n=10)
    sol = bj.simulate(expif, t1=200.0, dt=0.05, inputs=500.0)  # 500 pA
    ```
    """

    n: int = eqx.field(static=True)
    tau_m: Float[ArrayLike, "..."] = 10.0
    c_m: Float[ArrayLike, "..."] = 250.0
    v_rest: Float[ArrayLike, "..."] = -70.0
    v_reset: Float[ArrayLike, "..."] = -70.0
    v_th: Float[ArrayLike, "..."] = -55.0
    delta_t: Float[ArrayLike, "..."] = 2.0
    v_peak: Float[ArrayLike, "..."] = -30.0
    t_ref: Float[ArrayLike, "..."] = 2.0
    v_init: Float[ArrayLike, "..."] | None = None
    surrogate: AbstractSurrogate = SuperSpike()
    v_t: dataclasses.InitVar[Float[ArrayLike, "..."] | None] = None  # deprecated: v_th

    def __post_init__(self, v_t):
        self.v_th = renamed_keyword(self, "v_t", "v_th", v_t)

    def __check_init__(self):
        names = ("tau_m", "c_m", "v_rest", "v_reset", "v_th", "delta_t", "v_peak", "t_ref")
        check_parameters(
            self,
            names + ("v_init",),
            positive=("tau_m", "c_m", "delta_t"),
            nonnegative=("t_ref",),
        )
        check_above("v_peak", self.v_peak, "v_th", self.v_th)
        check_above("v_peak", self.v_peak, "v_reset", self.v_reset)  # else it fires every step

    def init(self, key: PRNGKeyArray | None = None) -> ExpIFState:
        return ExpIFState(v=self.initial_v(), refractory=jnp.zeros((self.n,)))

    def vector_field(self, t, y: ExpIFState, args) -> ExpIFState:
        current = 0.0 if args is None else args
        spiking = exp_term(y.v, self.v_th, self.delta_t, self.v_peak)
        dv = (self.v_rest - y.v + spiking) / self.tau_m + current / self.c_m
        dv, d_refractory = refractory_flow(dv, y.refractory)
        return ExpIFState(v=dv, refractory=d_refractory)

    def threshold_margin(self, y: ExpIFState) -> Float[Array, " n"]:
        return y.v - self.v_peak
