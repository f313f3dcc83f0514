"""COBA-HH network (Brette et al. 2007, benchmark 3), as in Brian2's `COBAHH.py`
example: 4000 Traub-Miles Hodgkin-Huxley neurons (80 % E, 20 % I), random
connectivity p = 0.02, exponential conductance synapses, no external input (activity
is started by random initial conductances).

    C dv/dt = g_L (E_L - v) - g_Na m^3 h (v - E_Na) - g_K n^4 (v - E_K)
              + g_e (E_e - v) + g_i (E_i - v)
    tau_e dg_e/dt = -g_e,  g_e <- g_e + 6 nS per E spike  (E_e = 0 mV, tau_e = 5 ms)
    tau_i dg_i/dt = -g_i,  g_i <- g_i + 67 nS per I spike (E_i = -80 mV, tau_i = 10 ms)

Cell: `bj.neurons.HodgkinHuxley.traub_miles` (area 20,000 um^2, so C = 200 pF,
g_L = 10 nS, g_Na = 20 uS, g_K = 6 uS; V_T = -63 mV). Initial state as in Brian2:
v ~ E_L + N(-5, 5) mV, g_e ~ N(40, 15) nS, g_i ~ N(200, 120) nS, gates m = h = n = 0.
Spikes are upward crossings of -20 mV, all of them counted and transmitted; Brian2's
`refractory=3*ms` ignores crossings within 3 ms of the last spike, so the example also
prints that count (`rate_*_3ms_hz`). Integrated with Heun steps of 0.05 ms (Brian2
uses exponential Euler at 0.1 ms; explicit solvers need the smaller step, see the
neuron's docstring).

    python examples/coba_hh.py [--smoke] [--n 4000] [--t1 1000]
"""

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

import brainjax as bj

W_E, W_I, DT = 6.0, 67.0, 0.05  # nS, nS, ms


def build(n: int = 4000, p: float = 0.02, key=None):
    """The network and its initial state (`y0` of `simulate`)."""
    key = jax.random.key(0) if key is None else key
    k_v, k_ge, k_gi, *k_proj = jax.random.split(key, 7)
    n_e = int(0.8 * n)
    v0 = -60.0 + 5.0 * jax.random.normal(k_v, (n,)) - 5.0
    pops = {
        "E": bj.neurons.HodgkinHuxley.traub_miles(n_e, v_init=v0[:n_e]),
        "I": bj.neurons.HodgkinHuxley.traub_miles(n - n_e, v_init=v0[n_e:]),
    }
    exc = bj.synapses.Exponential(tau=5.0, output=bj.synapses.COBA(e_rev=0.0))
    inh = bj.synapses.Exponential(tau=10.0, output=bj.synapses.COBA(e_rev=-80.0))
    pairs = [("E", "E", W_E, exc), ("E", "I", W_E, exc), ("I", "E", W_I, inh), ("I", "I", W_I, inh)]
    net = bj.Network(
        pops,
        [
            bj.Projection(pre, post, bj.connect.FixedProb(p, weight=w, autapses=True), syn, key=k)
            for (pre, post, w, syn), k in zip(pairs, k_proj)
        ],
    )
    # Brian2 draws one g_e and one g_i per neuron; here they start in the E->post and
    # I->post projections (projections 0-1 carry g_e, 2-3 carry g_i).
    g_e = 10.0 * (4.0 + 1.5 * jax.random.normal(k_ge, (n,)))
    g_i = 10.0 * (20.0 + 12.0 * jax.random.normal(k_gi, (n,)))
    start = (g_e[:n_e], g_e[n_e:], g_i[:n_e], g_i[n_e:])
    y0 = eqx.tree_at(lambda y: y.synapses, net.init(), start)
    # Brian2's example leaves the gates at 0 (not at their steady state).
    for name in ("E", "I"):
        zeros = jnp.zeros_like(y0.neurons[name].m)
        gates = lambda y, name=name: (y.neurons[name].m, y.neurons[name].h, y.neurons[name].n)
        y0 = eqx.tree_at(gates, y0, (zeros, zeros, zeros))
    return net, y0


def run(net, y0, t1):
    """Simulate with Heun steps; record spikes only."""
    monitor = bj.Monitor(every=int(round(t1 / DT)), select=lambda y: None)
    heun = bj.integrators.HybridScan(diffrax.Heun())
    return bj.simulate(net, t1=t1, dt=DT, y0=y0, integrator=heun, monitor=monitor)


def counted_rate(spikes, dt: float, dead_time: float = 3.0) -> float:
    """Mean rate (Hz) counting, per neuron, only spikes at least `dead_time` ms after the
    last counted one: what Brian2's `threshold="v>-20*mV", refractory=3*ms` counts.
    (brainjax counts, and transmits, every upward crossing of -20 mV.)"""
    spikes = np.asarray(spikes)
    kept = 0
    for column in spikes.T:
        last = -np.inf
        for t in np.nonzero(column)[0] * dt:
            if t - last >= dead_time - 1e-9:
                kept, last = kept + 1, t
    return kept / spikes.shape[1] / (spikes.shape[0] * dt / 1000.0)


if __name__ == "__main__":
    from _common import parse, report, timed

    args = parse(
        __doc__,
        "coba_hh",
        help={"n": "number of neurons (80 %% E)", "t1": "simulated time (ms)"},
        n=4000,
        t1=1000.0,
    )
    n, t1 = (1000, 100.0) if args.smoke else (args.n, args.t1)
    p = 0.02 * 4000 / n  # the benchmark's in-degree of 80 at any size
    net, y0 = build(n, p, jax.random.key(args.seed))
    sol, compile_s, run_s = timed(lambda net, y0: run(net, y0, t1), net, y0)
    rates = {name: float(jnp.mean(r)) for name, r in sol.mean_rates().items()}
    report(
        "coba_hh",
        args.smoke,
        run_s,
        n=n,
        p=p,
        t1_ms=t1,
        rate_e_hz=rates["E"],
        rate_i_hz=rates["I"],
        rate_e_3ms_hz=counted_rate(sol.spikes["E"], DT),
        rate_i_3ms_hz=counted_rate(sol.spikes["I"], DT),
        compile_s=compile_s,
    )
