import abc

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._validate import check_finite
from ..surrogate import AbstractSurrogate, SuperSpike
from ._base import AbstractPointNeuron, check_parameters, full

Rates = tuple[Float[Array, " n"], ...]


def _x_over_expm1(x: Array) -> Array:
    """`x / (exp(x) - 1)`, finite (-> 1) and smoothly differentiable at `x = 0`."""
    small = jnp.abs(x) < 1e-4
    safe = jnp.where(small, 1.0, x)
    return jnp.where(small, 1.0 - x / 2, safe / jnp.expm1(safe))


class AbstractGating(eqx.Module):
    """Voltage-dependent opening/closing rates of the `m`, `h` (sodium) and `n`
    (potassium) gates of a [`brainjax.neurons.HodgkinHuxley`][] neuron:
    `rates(v)` returns `(alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n)` in 1/ms
    for `v` in mV, and each gate `x` follows `dx/dt = alpha_x (1 - x) - beta_x x`."""

    @abc.abstractmethod
    def rates(self, v: Float[Array, " n"]) -> Rates:
        """Return the six rates (1/ms) at membrane potential `v` (mV)."""


class SquidGating(AbstractGating):
    """The squid giant axon rates of Hodgkin & Huxley (1952), at 6.3 C, in the modern
    convention (rest at -65 mV, depolarisation positive):

        alpha_m = 0.1 (v + 40) / (1 - exp(-(v + 40) / 10))   beta_m = 4 exp(-(v + 65) / 18)
        alpha_h = 0.07 exp(-(v + 65) / 20)                  beta_h = 1 / (1 + exp(-(v + 35) / 10))
        alpha_n = 0.01 (v + 55) / (1 - exp(-(v + 55) / 10))  beta_n = 0.125 exp(-(v + 65) / 80)
    """

    def rates(self, v):
        return (
            _x_over_expm1(-(v + 40.0) / 10.0),
            4.0 * jnp.exp(-(v + 65.0) / 18.0),
            0.07 * jnp.exp(-(v + 65.0) / 20.0),
            1.0 / (1.0 + jnp.exp(-(v + 35.0) / 10.0)),
            0.1 * _x_over_expm1(-(v + 55.0) / 10.0),
            0.125 * jnp.exp(-(v + 65.0) / 80.0),
        )


class TraubMilesGating(AbstractGating):
    """The Traub & Miles (1991) rates used in the COBA-HH benchmark of Brette et al.
    (2007), shifted by `v_t` (mV, default -63):

        alpha_m = 0.32 (13 - v + v_t) / (exp((13 - v + v_t) / 4) - 1)
        beta_m  = 0.28 (v - v_t - 40) / (exp((v - v_t - 40) / 5) - 1)
        alpha_h = 0.128 exp((17 - v + v_t) / 18)
        beta_h  = 4 / (1 + exp((40 - v + v_t) / 5))
        alpha_n = 0.032 (15 - v + v_t) / (exp((15 - v + v_t) / 5) - 1)
        beta_n  = 0.5 exp((10 - v + v_t) / 40)
    """

    v_t: float = -63.0

    def __check_init__(self):
        check_finite("v_t", self.v_t)

    def rates(self, v):
        u = v - self.v_t
        return (
            1.28 * _x_over_expm1((13.0 - u) / 4.0),
            1.4 * _x_over_expm1((u - 40.0) / 5.0),
            0.128 * jnp.exp((17.0 - u) / 18.0),
            4.0 / (1.0 + jnp.exp((40.0 - u) / 5.0)),
            0.16 * _x_over_expm1((15.0 - u) / 5.0),
            0.5 * jnp.exp((10.0 - u) / 40.0),
        )


class HodgkinHuxleyState(eqx.Module):
    """State of a [`brainjax.neurons.HodgkinHuxley`][] population.

    - `v`: membrane potential (mV); `m`, `h`, `n`: gating variables in [0, 1].
    - `above`: 1. where `v` was above the detection threshold at the end of the last
      step (so that a spike is counted once per upward crossing), else 0.
    All of shape `(n,)`.
    """

    v: Float[Array, " n"]
    m: Float[Array, " n"]
    h: Float[Array, " n"]
    n: Float[Array, " n"]
    above: Float[Array, " n"]


class HodgkinHuxley(AbstractPointNeuron):
    """Hodgkin-Huxley conductance-based neurons (single compartment).

        c_m dv/dt = I / area - g_na m^3 h (v - e_na) - g_k n^4 (v - e_k) - g_l (v - e_l)
        dx/dt = alpha_x(v) (1 - x) - beta_x(v) x,   x in {m, h, n}

    Densities: `c_m` in uF/cm^2, conductances in mS/cm^2, potentials in mV, so `dv/dt`
    is in mV/ms. **The input `I` is a current in pA**, like every brainjax neuron; it is
    converted to a density with the membrane `area` (um^2): `I / area` in uA/cm^2 is
    `100 I / area`. With the default 20,000 um^2, a textbook density of 10 uA/cm^2 is
    2,000 pA. Conductance synapses (nS x mV = pA) plug in unchanged.

    Spikes are not imposed: the action potential is the dynamics. A spike is
    *detected* when `v` crosses `v_th` upward (above it now, below it at the previous
    step); `v` is **not** reset and there is no refractory period (the gates provide
    it).

    The defaults are the squid giant axon (Hodgkin & Huxley 1952; rest at -65 mV);
    `HodgkinHuxley.traub_miles(n)` gives the Traub-Miles cell of the COBA-HH benchmark
    (Brette et al. 2007; area 20,000 um^2, c_m 1 uF/cm^2, g_l 0.05 mS/cm^2,
    e_l -60 mV, e_k -90 mV, e_na 50 mV, g_na 100 mS/cm^2, g_k 30 mS/cm^2, v_t -63 mV).
    With its tiny leak that cell has no resting equilibrium (the net ionic current is
    inward at every potential with the gates at steady state): without input it fires
    by itself, at about 14 Hz.

    **Solver and step:** the gates are stiff during a spike. With the default
    `diffrax.Euler()` use `dt <= 0.01` ms (squid) or `<= 0.02` ms (Traub-Miles, whose
    `m` gate opens at ~30/ms). `bj.solvers.ExponentialEuler()`, the method of Brian2
    and BrainPy for this model, is stable at `dt = 0.1` ms (Traub-Miles ISIs at 2 nA
    about 13 % longer than the converged ones there, 2.5 % at 0.02 ms).

    **Arguments:**

    - `n`: number of neurons.
    - `c_m`: specific capacitance (uF/cm^2), > 0.
    - `g_na`, `g_k`, `g_l`: maximal sodium, potassium and leak conductances
      (mS/cm^2), >= 0.
    - `e_na`, `e_k`, `e_l`: reversal potentials (mV).
    - `area`: membrane area (um^2), > 0.
    - `v_th`: spike detection threshold (mV).
    - `v_init`: initial potential (mV); the gates start at their steady state there.
    - `gating`: the rate functions, a [`brainjax.neurons.SquidGating`][] or
      [`brainjax.neurons.TraubMilesGating`][] (or any `AbstractGating`).
    - `surrogate`: the spike function, a [`brainjax.surrogate`][] object.

    **Example:**

    ```python
    hh = bj.neurons.HodgkinHuxley(n=1)
    sol = bj.simulate(hh, t1=50.0, dt=0.01, inputs=2000.0)  # 2 nA = 10 uA/cm^2
    ```
    """

    n: int = eqx.field(static=True)
    c_m: Float[ArrayLike, "..."] = 1.0
    g_na: Float[ArrayLike, "..."] = 120.0
    g_k: Float[ArrayLike, "..."] = 36.0
    g_l: Float[ArrayLike, "..."] = 0.3
    e_na: Float[ArrayLike, "..."] = 50.0
    e_k: Float[ArrayLike, "..."] = -77.0
    e_l: Float[ArrayLike, "..."] = -54.387
    area: Float[ArrayLike, "..."] = 20000.0
    v_th: Float[ArrayLike, "..."] = -20.0
    v_init: Float[ArrayLike, "..."] = -65.0
    gating: AbstractGating = SquidGating()
    surrogate: AbstractSurrogate = SuperSpike()

    def __check_init__(self):
        check_parameters(
            self,
            ("c_m", "g_na", "g_k", "g_l", "e_na", "e_k", "e_l", "area", "v_th", "v_init"),
            positive=("c_m", "area"),
            nonnegative=("g_na", "g_k", "g_l"),
        )

    @classmethod
    def traub_miles(cls, n: int, **overrides) -> "HodgkinHuxley":
        """The Traub-Miles cell of the COBA-HH benchmark (Brette et al. 2007)."""
        params = dict(
            c_m=1.0, g_na=100.0, g_k=30.0, g_l=0.05, e_na=50.0, e_k=-90.0, e_l=-60.0,
            area=20000.0, v_init=-60.0, gating=TraubMilesGating(v_t=-63.0),
        )  # fmt: skip
        return cls(n=n, **{**params, **overrides})

    def steady_state(self, v: Float[ArrayLike, "..."]) -> tuple[Array, Array, Array]:
        """The steady-state gates `(m, h, n)` at a fixed potential `v` (mV)."""
        a_m, b_m, a_h, b_h, a_n, b_n = self.gating.rates(jnp.asarray(v, dtype=float))
        return a_m / (a_m + b_m), a_h / (a_h + b_h), a_n / (a_n + b_n)

    def init(self, key: PRNGKeyArray | None = None) -> HodgkinHuxleyState:
        v = full(self.v_init, self.n)
        m, h, n = self.steady_state(v)
        above = jnp.where(v > self.v_th, 1.0, 0.0)
        return HodgkinHuxleyState(v=v, m=m, h=h, n=n, above=above)

    def vector_field(self, t, y: HodgkinHuxleyState, args) -> HodgkinHuxleyState:
        current = 0.0 if args is None else args
        a_m, b_m, a_h, b_h, a_n, b_n = self.gating.rates(y.v)
        i_ion = (
            self.g_na * y.m**3 * y.h * (y.v - self.e_na)
            + self.g_k * y.n**4 * (y.v - self.e_k)
            + self.g_l * (y.v - self.e_l)
        )
        dv = jnp.asarray((100.0 * current / self.area - i_ion) / self.c_m)
        return HodgkinHuxleyState(
            v=dv,
            m=a_m * (1.0 - y.m) - b_m * y.m,
            h=a_h * (1.0 - y.h) - b_h * y.h,
            n=a_n * (1.0 - y.n) - b_n * y.n,
            above=jnp.zeros_like(y.above),
        )

    def spike(self, y: HodgkinHuxleyState) -> Float[Array, " n"]:
        return self.surrogate(y.v - self.v_th) * (1.0 - y.above)

    def reset(self, y: HodgkinHuxleyState, spikes: Float[Array, " n"]) -> HodgkinHuxleyState:
        above = jax.lax.stop_gradient(jnp.where(y.v > self.v_th, 1.0, 0.0))
        return eqx.tree_at(lambda s: s.above, y, above)

    def threshold_margin(self, y: HodgkinHuxleyState) -> Float[Array, " n"]:
        return y.v - self.v_th
