"""Spike-timing-dependent plasticity: pair, triplet and reward-modulated."""

import equinox as eqx
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike, Float

from .._validate import check_nonnegative, check_positive
from ._base import (
    DENSE,
    AbstractRule,
    AbstractTraces,
    AbstractWeightDependence,
    Additive,
    AllPairs,
    check_activity,
    decay,
    neuron_counts,
)


class STDPState(eqx.Module):
    """Traces of [`brainjax.plasticity.STDP`][]: `pre` `(n_pre,)`, `post` `(n_post,)`."""

    pre: Float[Array, " n_pre"]
    post: Float[Array, " n_post"]


class STDP(AbstractRule):
    """Pair-based STDP with spike traces (Song, Miller & Abbott 2000; Morrison,
    Diesmann & Gerstner 2008).

        dx/dt = -x / tau_plus   (+ jump at each presynaptic spike)
        dy/dt = -y / tau_minus  (+ jump at each postsynaptic spike)
        at a postsynaptic spike:  w <- w + a_plus  F+(w) x
        at a presynaptic spike:   w <- w - a_minus F-(w) y

    With all-to-all traces (jump +1) one pair at `dt_s = t_post - t_pre` changes the
    weight by `a_plus exp(-dt_s / tau_plus)` if `dt_s > 0` and by
    `-a_minus exp(dt_s / tau_minus)` if `dt_s < 0`; simultaneous spikes do nothing.

    **Arguments:**

    - `a_plus`, `a_minus`: potentiation / depression amplitudes (weight units, >= 0).
    - `tau_plus`, `tau_minus`: trace time constants (ms, > 0).
    - `traces`: [`brainjax.plasticity.AllPairs`][] (default) or
      [`brainjax.plasticity.Nearest`][].
    - `weight_dependence`: [`brainjax.plasticity.Additive`][] (hard bounds, default
      `[0, 1]`) or [`brainjax.plasticity.Multiplicative`][] (soft bounds).

    `pre`/`post` in `update` are this step's spikes (0./1.).

    **Example:**

    ```python
    rule = bj.plasticity.STDP(a_plus=0.01, a_minus=0.0105, tau_plus=20.0, tau_minus=20.0)
    state = rule.init(w)
    dw, state = rule.update(w, state, pre_spikes, post_spikes, dt=0.1)
    ```
    """

    a_plus: Float[ArrayLike, ""] = 0.01
    a_minus: Float[ArrayLike, ""] = 0.0105
    tau_plus: Float[ArrayLike, ""] = 20.0
    tau_minus: Float[ArrayLike, ""] = 20.0
    traces: AbstractTraces = AllPairs()
    weight_dependence: AbstractWeightDependence = Additive()

    def __check_init__(self):
        check_nonnegative("a_plus", self.a_plus)
        check_nonnegative("a_minus", self.a_minus)
        check_positive("tau_plus", self.tau_plus)
        check_positive("tau_minus", self.tau_minus)

    def init(self, w, n_pre=None, n_post=None) -> STDPState:
        n_pre, n_post = neuron_counts(w, n_pre, n_post)
        return STDPState(pre=jnp.zeros((n_pre,)), post=jnp.zeros((n_post,)))

    def increment(self, w, state: STDPState, pre, post, dt, synapses):
        """The unbounded weight change of one step and the new traces."""
        check_activity("pre", pre, state.pre)
        check_activity("post", post, state.post)
        x = decay(state.pre, dt, self.tau_plus)
        y = decay(state.post, dt, self.tau_minus)
        wd = self.weight_dependence
        dw = self.a_plus * wd.potentiation(w) * synapses.pre(x) * synapses.post(post)
        dw = dw - self.a_minus * wd.depression(w) * synapses.pre(pre) * synapses.post(y)
        return dw, STDPState(pre=self.traces.bump(x, pre), post=self.traces.bump(y, post))

    def update(self, w, state, pre, post, dt, *, modulator=None, synapses=DENSE):
        dw, state = self.increment(w, state, pre, post, dt, synapses)
        return self.weight_dependence.clip(w, dw), state


class TripletState(eqx.Module):
    """Traces of [`brainjax.plasticity.Triplet`][]: presynaptic `r1`, `r2`,
    postsynaptic `o1`, `o2`."""

    r1: Float[Array, " n_pre"]
    r2: Float[Array, " n_pre"]
    o1: Float[Array, " n_post"]
    o2: Float[Array, " n_post"]


class Triplet(AbstractRule):
    """Triplet STDP (Pfister & Gerstner 2006).

        presynaptic traces  r1 (tau_plus),  r2 (tau_x);  postsynaptic o1 (tau_minus), o2 (tau_y)
        at a postsynaptic spike: w <- w + r1 (a2_plus + a3_plus o2(t-))
        at a presynaptic spike:  w <- w - o1 (a2_minus + a3_minus r2(t-))

    then the traces of the spiking side jump (+1 all-to-all, to 1 nearest-spike).
    The post-post-pre term `a3_plus o2` makes potentiation grow with the pairing
    frequency, reproducing the frequency dependence of Sjoestroem, Turrigiano &
    Smith (2001). Defaults: Pfister & Gerstner's all-to-all fit to visual cortex
    (their Table 4): tau_plus = 16.8, tau_minus = 33.7, tau_x = 101, tau_y = 125 ms,
    a2_plus = 5e-10, a3_plus = 6.2e-3, a2_minus = 7e-3, a3_minus = 2.3e-4.

    **Arguments:** the amplitudes above (weight units, >= 0), the time constants
    (ms, > 0), `traces` ([`brainjax.plasticity.AllPairs`][] or
    [`brainjax.plasticity.Nearest`][]) and `weight_dependence`.

    **Example:** `rule = bj.plasticity.Triplet(); state = rule.init(w)`.
    """

    a2_plus: Float[ArrayLike, ""] = 5e-10
    a3_plus: Float[ArrayLike, ""] = 6.2e-3
    a2_minus: Float[ArrayLike, ""] = 7e-3
    a3_minus: Float[ArrayLike, ""] = 2.3e-4
    tau_plus: Float[ArrayLike, ""] = 16.8
    tau_minus: Float[ArrayLike, ""] = 33.7
    tau_x: Float[ArrayLike, ""] = 101.0
    tau_y: Float[ArrayLike, ""] = 125.0
    traces: AbstractTraces = AllPairs()
    weight_dependence: AbstractWeightDependence = Additive()

    def __check_init__(self):
        for name in ("a2_plus", "a3_plus", "a2_minus", "a3_minus"):
            check_nonnegative(name, getattr(self, name))
        for name in ("tau_plus", "tau_minus", "tau_x", "tau_y"):
            check_positive(name, getattr(self, name))

    def init(self, w, n_pre=None, n_post=None) -> TripletState:
        n_pre, n_post = neuron_counts(w, n_pre, n_post)
        zeros_pre, zeros_post = jnp.zeros((n_pre,)), jnp.zeros((n_post,))
        return TripletState(r1=zeros_pre, r2=zeros_pre, o1=zeros_post, o2=zeros_post)

    def update(self, w, state, pre, post, dt, *, modulator=None, synapses=DENSE):
        check_activity("pre", pre, state.r1)
        check_activity("post", post, state.o1)
        r1, r2 = decay(state.r1, dt, self.tau_plus), decay(state.r2, dt, self.tau_x)
        o1, o2 = decay(state.o1, dt, self.tau_minus), decay(state.o2, dt, self.tau_y)
        wd = self.weight_dependence
        potentiation = synapses.pre(r1) * synapses.post(post * (self.a2_plus + self.a3_plus * o2))
        depression = synapses.pre(pre * (self.a2_minus + self.a3_minus * r2)) * synapses.post(o1)
        dw = wd.potentiation(w) * potentiation - wd.depression(w) * depression
        bump = self.traces.bump
        state = TripletState(
            r1=bump(r1, pre), r2=bump(r2, pre), o1=bump(o1, post), o2=bump(o2, post)
        )
        return wd.clip(w, dw), state


class RewardSTDPState(eqx.Module):
    """State of [`brainjax.plasticity.RewardSTDP`][]: the STDP traces and the
    eligibility trace of every synapse (shape of `w`)."""

    stdp: STDPState
    eligibility: Array


class RewardSTDP(AbstractRule):
    """Reward-modulated STDP with eligibility traces (Izhikevich 2007; Fremaux &
    Gerstner 2016).

        de/dt = -e / tau_e + (pair-STDP increments of `stdp`)
        dw/dt = eta M(t) e

    `M` is the neuromodulator (reward, dopamine, reward prediction error) passed as
    `modulator` to `update`: a scalar or one value per postsynaptic neuron. Timing
    only leaves a decaying tag `e`; the weight changes when the modulator arrives,
    which solves the distal-reward problem.

    **Arguments:** `stdp`: the [`brainjax.plasticity.STDP`][] that writes the
    eligibility (its bounds also bound `w`); `tau_e`: eligibility time constant (ms,
    > 0); `eta`: learning rate (per ms per unit of modulator, > 0).

    **Example:** `dw, state = rule.update(w, state, pre, post, dt, modulator=reward)`.
    """

    stdp: STDP = STDP()
    tau_e: Float[ArrayLike, ""] = 1000.0
    eta: Float[ArrayLike, ""] = 1.0

    def __check_init__(self):
        check_positive("tau_e", self.tau_e)
        check_positive("eta", self.eta)

    def init(self, w, n_pre=None, n_post=None) -> RewardSTDPState:
        return RewardSTDPState(
            stdp=self.stdp.init(w, n_pre, n_post), eligibility=jnp.zeros_like(w, dtype=float)
        )

    def update(self, w, state, pre, post, dt, *, modulator=None, synapses=DENSE):
        if modulator is None:
            raise ValueError("`RewardSTDP` needs a `modulator` (reward signal) at every step.")
        tag, stdp_state = self.stdp.increment(w, state.stdp, pre, post, dt, synapses)
        eligibility = decay(state.eligibility, dt, self.tau_e) + tag
        dw = self.eta * dt * synapses.post(modulator) * eligibility
        return self.stdp.weight_dependence.clip(w, dw), RewardSTDPState(stdp_state, eligibility)
