"""Vogels-Abbott CUBA network (Brette et al. 2007, benchmark 2), as in Brian2's
`CUBA.py` example: 4000 LIF neurons (80 % E, 20 % I), random connectivity p = 0.02,
exponential current synapses, resting potential above threshold (self-sustained).

    C dv/dt = g_L (E_L - v) + I_e + I_i      (v < V_t)
    tau_e dI_e/dt = -I_e,  I_e <- I_e + 16.2 pA per E spike (tau_e = 5 ms)
    tau_i dI_i/dt = -I_i,  I_i <- I_i - 90 pA per I spike   (tau_i = 10 ms)

C = 200 pF, g_L = 10 nS (tau_m = 20 ms), E_L = -49 mV, V_r = -60 mV, V_t = -50 mV,
5 ms refractory, v(0) ~ U(V_r, V_t). (Brian2 writes the weights as voltages, 1.62 mV
and -9 mV, i.e. current x tau_m / C.)

    python examples/cuba.py [--smoke] [--n 4000] [--t1 1000]
"""

import jax
import jax.numpy as jnp

import brainjax as bj

CELL = dict(tau_m=20.0, c_m=200.0, v_rest=-49.0, v_reset=-60.0, v_th=-50.0, t_ref=5.0)
W_E, W_I = 16.2, -90.0  # pA


def build(n: int = 4000, p: float = 0.02, key=None) -> bj.Network:
    """The CUBA network with `n` neurons and connection probability `p`."""
    key = jax.random.key(0) if key is None else key
    k_v, *k_proj = jax.random.split(key, 5)
    n_e = int(0.8 * n)
    v0 = jax.random.uniform(k_v, (n,), minval=-60.0, maxval=-50.0)
    pops = {
        "E": bj.neurons.LIF(n=n_e, v_init=v0[:n_e], **CELL),
        "I": bj.neurons.LIF(n=n - n_e, v_init=v0[n_e:], **CELL),
    }
    exc, inh = bj.synapses.Exponential(tau=5.0), bj.synapses.Exponential(tau=10.0)
    pairs = [("E", "E", W_E, exc), ("E", "I", W_E, exc), ("I", "E", W_I, inh), ("I", "I", W_I, inh)]
    projections = [
        # Brian2's `connect(p=...)` allows autapses; so do we, for identical statistics.
        bj.Projection(pre, post, bj.connect.FixedProb(p, weight=w, autapses=True), syn, key=k)
        for (pre, post, w, syn), k in zip(pairs, k_proj)
    ]
    return bj.Network(pops, projections)


def run(net: bj.Network, t1: float, dt: float = 0.1) -> bj.Solution:
    """Simulate (no external input); record spikes only."""
    return bj.simulate(
        net, t1=t1, dt=dt, monitor=bj.Monitor(every=int(round(t1 / dt)), select=lambda y: None)
    )


def rates(sol: bj.Solution) -> dict[str, float]:
    """Mean rate (Hz) of each population."""
    return {name: float(jnp.mean(r)) for name, r in sol.mean_rates().items()}


if __name__ == "__main__":
    from _common import vogels_abbott_main

    vogels_abbott_main("cuba", __doc__, build, run, rates)
