"""Brunel (2000) sparse balanced network of excitatory and inhibitory LIF neurons,
in its synchronous-regular (SR) and asynchronous-irregular (AI) regimes (model A, the
states of figure 8: relative inhibition g = 3 (SR) and g = 5 (AI), external drive
nu_ext = 2 nu_thr).

    tau dv/dt = -v + R I(t),   spike at v > theta = 20 mV, reset to V_r = 10 mV,
    refractory 2 ms, tau = 20 ms; every synapse delays by D = 1.5 ms.

N_E = 4 N_I neurons; each receives C_E = eps N_E excitatory and C_I = C_E / 4
inhibitory synapses (here drawn with probability eps = 0.1), of PSP amplitude J and
-g J, and C_E external Poisson inputs at nu_ext each, of amplitude J, with
nu_thr = theta / (J C_E tau).

Delta synapses: each recurrent synapse is an exponential current with tau_s = dt and
peak J C / dt. Under Euler steps (`simulate`'s default) such a current lasts exactly
one step and moves v by exactly J, which is Brunel's delta synapse; its delay is
shortened by that one step, so the jump lands D after the spike. External Poisson
spikes are voltage jumps of J too. The full run uses Brunel's N_E = 10,000
(J = 0.1 mV); `--smoke` uses N_E = 2,000 with J = 0.5 mV (the same J C_E = 100 mV,
so the same mean input, but larger fluctuations). Initial potentials are uniform in
[0, theta) (the paper does not state them).

Prints mean rates (and, for AI, the rate of Brunel's mean-field theory of the
asynchronous state, which it should match), the mean ISI coefficient of variation
(about 1 when irregular) and a synchrony index: the Fano factor of the population spike
count in 1 ms bins (about 1 when asynchronous, >> 1 when synchronous).

    python examples/brunel.py [--smoke] [--t1 500]
"""

import math

import jax
import numpy as np

import brainjax as bj

THETA, V_R, TAU, T_REF, DELAY, C_M = 20.0, 10.0, 20.0, 2.0, 1.5, 250.0
REGIMES = {"SR": 3.0, "AI": 5.0}  # relative inhibition g at nu_ext / nu_thr = 2


def build(n_e: int, j: float, g: float, eta: float = 2.0, eps: float = 0.1, key=None, dt=0.1):
    """The network and its external Poisson drive (`inputs` of `simulate`).

    `j`: PSP amplitude (mV); `g`: relative inhibition; `eta`: nu_ext / nu_thr."""
    key = jax.random.key(0) if key is None else key
    key_v, key = jax.random.split(key)
    n_i = n_e // 4
    c_e = eps * n_e
    cell = dict(tau_m=TAU, c_m=C_M, v_rest=0.0, v_reset=V_R, v_th=THETA, t_ref=T_REF)
    v0 = jax.random.uniform(key_v, (n_e + n_i,), maxval=THETA)  # desynchronised start
    pops = {
        "E": bj.neurons.LIF(n=n_e, v_init=v0[:n_e], **cell),
        "I": bj.neurons.LIF(n=n_i, v_init=v0[n_e:], **cell),
    }
    w = j * C_M / dt  # pA for one step of dt: the charge J C_M, a jump of J mV
    synapse = bj.synapses.Exponential(tau=dt)  # with Euler: zero again after one step
    rule = lambda weight: bj.connect.FixedProb(eps, weight=weight, delay=DELAY - dt)
    projections = [
        bj.Projection(pre, post, rule(weight), synapse, key=k)
        for (pre, post, weight), k in zip(
            [("E", "E", w), ("E", "I", w), ("I", "E", -g * w), ("I", "I", -g * w)],
            jax.random.split(key, 4),
        )
    ]
    nu_thr = THETA / (j * c_e * TAU) * 1000.0  # Hz
    rate = eta * nu_thr * c_e  # Hz of external spikes per neuron
    drive = {
        name: bj.inputs.PoissonSpikes(rate=rate, n=pop.n, weight=j * C_M)  # J mV per spike
        for name, pop in pops.items()
    }
    return bj.Network(pops, projections), drive


def run(net, drive, t1, key, dt=0.1):
    """Simulate; record spikes only."""
    monitor = bj.Monitor(every=int(round(t1 / dt)), select=lambda y: None)
    return bj.simulate(net, t1=t1, dt=dt, key=key, inputs=drive, monitor=monitor)


def theory_rate(j: float, c_e: float, g: float, eta: float = 2.0) -> float:
    """Brunel's (2000) self-consistent rate (Hz) of the asynchronous state: nu = phi(mu,
    sigma) with mu = C_E J tau (nu (1 - g/4) + nu_ext), sigma^2 = J^2 C_E tau (nu (1 +
    g^2/4) + nu_ext), phi the Siegert formula 1 / (tau_rp + tau sqrt(pi) int_{(V_r -
    mu)/sigma}^{(theta - mu)/sigma} exp(u^2) (1 + erf u) du), solved by bisection."""
    tau, t_ref = TAU / 1000.0, T_REF / 1000.0  # s
    nu_ext = eta * THETA / (j * c_e * tau)

    def phi(nu):
        mu = c_e * j * tau * (nu * (1 - g / 4) + nu_ext)
        sigma = math.sqrt(j * j * c_e * tau * (nu * (1 + g * g / 4) + nu_ext))
        u = np.linspace((V_R - mu) / sigma, (THETA - mu) / sigma, 2001)
        f = np.exp(u**2) * (1 + np.vectorize(math.erf)(u))
        return 1.0 / (t_ref + tau * math.sqrt(math.pi) * np.trapezoid(f, u))

    lo, hi = 1e-3, 1.0 / t_ref - 1e-3
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if phi(mid) > mid else (lo, mid)
    return 0.5 * (lo + hi)


def _isi_cv(spikes: np.ndarray, dt: float) -> float:
    """Mean ISI coefficient of variation over neurons with >= 3 spikes (NaN if none)."""
    cvs = []
    for column in spikes.T:
        isi = np.diff(np.nonzero(column)[0] * dt)
        if isi.size >= 2:
            cvs.append(isi.std() / isi.mean())
    return float(np.mean(cvs)) if cvs else float("nan")


def statistics(spikes: np.ndarray, dt: float, skip_ms: float = 100.0) -> dict[str, float]:
    """Rate (Hz), ISI CV and population Fano factor (1 ms bins) after a transient."""
    s = np.asarray(spikes)[int(skip_ms / dt) :]
    per_bin = int(round(1.0 / dt))
    counts = s[: len(s) // per_bin * per_bin].sum(axis=1).reshape(-1, per_bin).sum(axis=1)
    return {
        "rate_hz": float(s.mean() * 1000.0 / dt),
        "cv_isi": _isi_cv(s, dt),
        "fano_pop": float(counts.var() / max(counts.mean(), 1e-12)),
    }


if __name__ == "__main__":
    from _common import parse, report, timed

    args = parse(__doc__, "brunel", help={"t1": "simulated time (ms)"}, t1=500.0)
    n_e, j, t1 = (2000, 0.5, 300.0) if args.smoke else (10000, 0.1, args.t1)
    results = {"n_e": n_e, "j_mv": j, "t1_ms": t1}
    for regime, g in REGIMES.items():
        net, drive = build(n_e, j, g, key=jax.random.key(args.seed))
        sol, compile_s, run_s = timed(
            lambda net, drive: run(net, drive, t1, jax.random.key(args.seed + 1)), net, drive
        )
        stats = statistics(sol.spikes["E"], sol.dt)
        results.update({f"{regime}_{k}": v for k, v in stats.items()})
        results[f"{regime}_runtime_s"] = run_s
    results["AI_rate_theory_hz"] = theory_rate(j, 0.1 * n_e, REGIMES["AI"])
    runtime_s = sum(results[f"{regime}_runtime_s"] for regime in REGIMES)
    report("brunel", args.smoke, runtime_s, **results)
