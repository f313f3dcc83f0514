"""Vogels-Abbott COBA network (Brette et al. 2007, benchmark 1), as in Brian2's COBA
benchmark: 4000 LIF neurons (80 % E, 20 % I), random connectivity p = 0.02,
exponential conductance synapses, constant 20 mV drive.

    C dv/dt = g_L (E_L - v) + g_e (E_e - v) + g_i (E_i - v) + I      (v < V_t)
    tau_e dg_e/dt = -g_e,  g_e <- g_e + 6 nS per E spike  (E_e = 0 mV, tau_e = 5 ms)
    tau_i dg_i/dt = -g_i,  g_i <- g_i + 67 nS per I spike (E_i = -80 mV, tau_i = 10 ms)

C = 200 pF, g_L = 10 nS (tau_m = 20 ms), E_L = V_r = -60 mV, V_t = -50 mV, 5 ms
refractory, I = 200 pA (20 mV x g_L), v(0) ~ N(-55, 5) mV. Brian2 gives about 21-23 Hz
(E) and 21-22 Hz (I) with these parameters (`tests/data/brian2_rates.json`).

    python examples/coba.py [--smoke] [--n 4000] [--t1 1000]
"""

import jax
import jax.numpy as jnp

import brainjax as bj

CELL = dict(tau_m=20.0, c_m=200.0, v_rest=-60.0, v_reset=-60.0, v_th=-50.0, t_ref=5.0)
DRIVE = 200.0  # pA
W_E, W_I = 6.0, 67.0  # nS


def build(n: int = 4000, p: float = 0.02, key=None) -> bj.Network:
    """The COBA network with `n` neurons and connection probability `p`."""
    key = jax.random.key(0) if key is None else key
    k_v, *k_proj = jax.random.split(key, 5)
    n_e = int(0.8 * n)
    v0 = -55.0 + 5.0 * jax.random.normal(k_v, (n,))
    pops = {
        "E": bj.neurons.LIF(n=n_e, v_init=v0[:n_e], **CELL),
        "I": bj.neurons.LIF(n=n - n_e, v_init=v0[n_e:], **CELL),
    }
    exc = bj.synapses.Exponential(tau=5.0, output=bj.synapses.COBA(e_rev=0.0))
    inh = bj.synapses.Exponential(tau=10.0, output=bj.synapses.COBA(e_rev=-80.0))
    pairs = [("E", "E", W_E, exc), ("E", "I", W_E, exc), ("I", "E", W_I, inh), ("I", "I", W_I, inh)]
    projections = [
        # Brian2's `connect(p=...)` allows autapses; so do we, for identical statistics.
        bj.Projection(pre, post, bj.connect.FixedProb(p, weight=w, autapses=True), syn, key=k)
        for (pre, post, w, syn), k in zip(pairs, k_proj)
    ]
    return bj.Network(pops, projections)


def run(net: bj.Network, t1: float, dt: float = 0.1) -> bj.Solution:
    """Simulate with the constant drive; record spikes only."""
    return bj.simulate(
        net,
        t1=t1,
        dt=dt,
        inputs={"E": DRIVE, "I": DRIVE},
        monitor=bj.Monitor(every=int(round(t1 / dt)), select=lambda y: None),
    )


def rates(sol: bj.Solution) -> dict[str, float]:
    """Mean rate (Hz) of each population."""
    return {name: float(jnp.mean(r)) for name, r in sol.mean_rates().items()}


if __name__ == "__main__":
    from _common import vogels_abbott_main

    vogels_abbott_main("coba", __doc__, build, run, rates)
