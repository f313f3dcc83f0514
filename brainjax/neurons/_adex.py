import dataclasses
from types import MappingProxyType
from typing import ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float, PRNGKeyArray

from .._validate import renamed_keyword
from ..surrogate import AbstractSurrogate, SuperSpike
from ._base import AbstractIntegrateAndFire, check_above, check_parameters, refractory_flow
from ._expif import exp_term

# Naud, Marcille, Clopath & Gerstner (2008), Table 1: c_m (pF), g_l (nS), v_rest (mV),
# v_th (mV), delta_t (mV), a (nS), tau_w (ms), b (pA), v_reset (mV); and the step
# current (pA) of their Fig. 4. Spike cutoff v_peak = 0 mV.
_NAUD_2008 = {
    "tonic": ((200, 10, -70, -50, 2, 2, 30, 0, -58), 500),
    "adapting": ((200, 12, -70, -50, 2, 2, 300, 60, -58), 500),
    "initial_burst": ((130, 18, -58, -50, 2, 4, 150, 120, -50), 400),
    "bursting": ((200, 10, -58, -50, 2, 2, 120, 100, -46), 210),
    "delayed_accelerating": ((200, 12, -70, -50, 2, -10, 300, 0, -58), 300),
    "delayed_bursting": ((100, 10, -65, -50, 2, -10, 90, 30, -47), 110),
    "transient": ((100, 10, -65, -50, 2, 10, 90, 100, -47), 180),
    "irregular": ((100, 12, -60, -50, 2, -11, 130, 30, -48), 160),
}
_NAUD_NAMES = ("c_m", "g_l", "v_rest", "v_th", "delta_t", "a", "tau_w", "b", "v_reset")


class AdExState(eqx.Module):
    """State of an [`brainjax.neurons.AdEx`][] population.

    - `v`: membrane potential (mV), shape `(n,)`.
    - `w`: adaptation current (pA), shape `(n,)`.
    - `refractory`: time left in the refractory period (ms), shape `(n,)`.
    """

    v: Float[Array, " n"]
    w: Float[Array, " n"]
    refractory: Float[Array, " n"]


class AdEx(AbstractIntegrateAndFire):
    """Adaptive exponential integrate-and-fire neurons (Brette & Gerstner 2005).

        c_m dv/dt  = -g_l (v - v_rest) + g_l delta_t exp((v - v_th) / delta_t) - w + I
        tau_w dw/dt = a (v - v_rest) - w

    When `v > v_peak`: a spike, `v <- v_reset`, `w <- w + b`, and `v` is clamped for
    `t_ref` ms (`w` keeps evolving). `I` is the input current in pA; `w` is in pA.
    Parameters may be scalars or `(n,)` arrays. Defaults: the regular-spiking cell of
    Brette & Gerstner (2005).

    **Arguments:**

    - `n`: number of neurons.
    - `c_m`: capacitance (pF), > 0; `g_l`: leak conductance (nS), > 0.
    - `v_rest`: leak reversal (resting) potential (mV); `v_th`: soft threshold (mV);
      `delta_t`: slope factor (mV), > 0; `v_reset`: reset potential (mV);
      `v_peak`: spike cutoff (mV), > `v_th`.
    - `a`: subthreshold adaptation (nS); `tau_w`: adaptation time constant (ms), > 0;
      `b`: spike-triggered adaptation increment (pA).
    - `t_ref`: absolute refractory period (ms), >= 0.
    - `v_init`: initial potential (mV), default `v_rest`; `w` starts at 0.
    - `surrogate`: the spike function, a [`brainjax.surrogate`][] object.

    `v_rest` and `v_th` were called `e_l` and `v_t` before; the old keywords are still
    accepted, with a `DeprecationWarning`, for one release.

    **Presets** (Naud et al. 2008, Table 1; `v_peak = 0` mV): the classmethods
    `tonic`, `adapting`, `initial_burst`, `bursting`, `delayed_accelerating`,
    `delayed_bursting`, `transient`, `irregular`, each `(n, **overrides)`. The step
    current (pA) of the paper's Fig. 4 for each is in `AdEx.PRESET_CURRENTS`.

    **Example:**

    ```python
    adex = bj.neurons.AdEx.adapting(n=1)
    current = bj.neurons.AdEx.PRESET_CURRENTS["adapting"]  # 500 pA
    sol = bj.simulate(adex, t1=500.0, dt=0.05, inputs=current)
    ```
    """

    n: int = eqx.field(static=True)
    c_m: Float[ArrayLike, "..."] = 281.0
    g_l: Float[ArrayLike, "..."] = 30.0
    v_rest: Float[ArrayLike, "..."] = -70.6
    v_th: Float[ArrayLike, "..."] = -50.4
    delta_t: Float[ArrayLike, "..."] = 2.0
    v_reset: Float[ArrayLike, "..."] = -70.6
    v_peak: Float[ArrayLike, "..."] = 0.0
    a: Float[ArrayLike, "..."] = 4.0
    tau_w: Float[ArrayLike, "..."] = 144.0
    b: Float[ArrayLike, "..."] = 80.5
    t_ref: Float[ArrayLike, "..."] = 0.0
    v_init: Float[ArrayLike, "..."] | None = None
    surrogate: AbstractSurrogate = SuperSpike()
    # Deprecated keywords (one release): `e_l` is now `v_rest`, `v_t` is now `v_th`.
    e_l: dataclasses.InitVar[Float[ArrayLike, "..."] | None] = None
    v_t: dataclasses.InitVar[Float[ArrayLike, "..."] | None] = None

    PRESET_CURRENTS: ClassVar = MappingProxyType(
        {name: float(current) for name, (_, current) in _NAUD_2008.items()}
    )

    def __post_init__(self, e_l, v_t):
        self.v_rest = renamed_keyword(self, "e_l", "v_rest", e_l)
        self.v_th = renamed_keyword(self, "v_t", "v_th", v_t)

    def __check_init__(self):
        names = ("c_m", "g_l", "v_rest", "v_th", "delta_t", "v_reset", "v_peak")
        names += ("a", "tau_w", "b", "t_ref", "v_init")
        check_parameters(
            self,
            names,
            positive=("c_m", "g_l", "delta_t", "tau_w"),
            nonnegative=("t_ref",),
        )
        check_above("v_peak", self.v_peak, "v_th", self.v_th)
        check_above("v_peak", self.v_peak, "v_reset", self.v_reset)  # else it fires every step

    @classmethod
    def _naud(cls, name: str, n: int, overrides: dict) -> "AdEx":
        params = dict(zip(_NAUD_NAMES, map(float, _NAUD_2008[name][0])))
        return cls(n=n, **{**params, **overrides})

    @classmethod
    def tonic(cls, n: int, **overrides) -> "AdEx":
        """Tonic spiking (Naud et al. 2008, Fig. 4a): regular firing, no adaptation."""
        return cls._naud("tonic", n, overrides)

    @classmethod
    def adapting(cls, n: int, **overrides) -> "AdEx":
        """Spike-frequency adaptation (Naud et al. 2008, Fig. 4b)."""
        return cls._naud("adapting", n, overrides)

    @classmethod
    def initial_burst(cls, n: int, **overrides) -> "AdEx":
        """Initial burst, then tonic spiking (Naud et al. 2008, Fig. 4c)."""
        return cls._naud("initial_burst", n, overrides)

    @classmethod
    def bursting(cls, n: int, **overrides) -> "AdEx":
        """Regular bursting (Naud et al. 2008, Fig. 4d)."""
        return cls._naud("bursting", n, overrides)

    @classmethod
    def delayed_accelerating(cls, n: int, **overrides) -> "AdEx":
        """Delayed, accelerating spiking (Naud et al. 2008, Fig. 4e)."""
        return cls._naud("delayed_accelerating", n, overrides)

    @classmethod
    def delayed_bursting(cls, n: int, **overrides) -> "AdEx":
        """Delayed regular bursting (Naud et al. 2008, Fig. 4f)."""
        return cls._naud("delayed_bursting", n, overrides)

    @classmethod
    def transient(cls, n: int, **overrides) -> "AdEx":
        """Transient spiking (Naud et al. 2008, Fig. 4g)."""
        return cls._naud("transient", n, overrides)

    @classmethod
    def irregular(cls, n: int, **overrides) -> "AdEx":
        """Irregular spiking (Naud et al. 2008, Fig. 4h)."""
        return cls._naud("irregular", n, overrides)

    def init(self, key: PRNGKeyArray | None = None) -> AdExState:
        zeros = jnp.zeros((self.n,))
        return AdExState(v=self.initial_v(), w=zeros, refractory=zeros)

    def vector_field(self, t, y: AdExState, args) -> AdExState:
        current = 0.0 if args is None else args
        spiking = self.g_l * exp_term(y.v, self.v_th, self.delta_t, self.v_peak)
        dv = (self.g_l * (self.v_rest - y.v) + spiking - y.w + current) / self.c_m
        dv, d_refractory = refractory_flow(dv, y.refractory)
        # Capped like the exponential, so multi-stage solvers stay finite past the cutoff.
        dw = (self.a * (jnp.minimum(y.v, self.v_peak) - self.v_rest) - y.w) / self.tau_w
        return AdExState(v=dv, w=jnp.asarray(dw), refractory=d_refractory)

    def reset(self, y: AdExState, spikes: Float[Array, " n"]) -> AdExState:
        w = y.w + jax.lax.stop_gradient(spikes) * self.b  # `w <- w + b` at a spike
        return eqx.tree_at(lambda s: s.w, super().reset(y, spikes), w)

    def threshold_margin(self, y: AdExState) -> Float[Array, " n"]:
        return y.v - self.v_peak
