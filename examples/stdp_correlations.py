"""STDP learns input correlations (in the style of Song, Miller & Abbott 2000).

One LIF neuron receives 400 excitatory Poisson inputs through a plastic projection with
additive pair STDP (A- / A+ = 1.05, tau = 20 ms, hard bounds [0, w_max]). Half of the
inputs share a common rate modulation (they are correlated), the other half fire
independently at the same mean rate. STDP is competitive: the weights split into a
bimodal distribution, and the correlated group, which drives the output spikes that
follow it, wins. The plastic weights live in the network state and change online
inside `bj.simulate`.

    python examples/stdp_correlations.py            # 60 s of biological time
    python examples/stdp_correlations.py --smoke    # 3 s (CI)
"""

import time

import jax
import jax.numpy as jnp
import matplotlib
import numpy as np

import brainjax as bj

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

N_IN, RATE, DT, W_MAX = 400, 10.0, 0.5, 40.0  # inputs, Hz, ms, pA


def input_rates(t):
    """Group 0 (first half): rate modulated by a common signal; group 1: constant."""
    common = RATE * (1.0 + 0.9 * jnp.sin(2 * jnp.pi * t / 100.0) * jnp.sin(2 * jnp.pi * t / 37.0))
    return jnp.concatenate([jnp.full(N_IN // 2, common), jnp.full(N_IN - N_IN // 2, RATE)])


def build(key):
    # Relay population: each Poisson event makes its input neuron spike in that step
    # (a jump of 2 x (v_th - v_rest), no leak to speak of, no refractory period).
    relay = bj.neurons.LIF(n=N_IN, tau_m=1e4, c_m=1.0, v_rest=0.0, v_reset=0.0, v_th=1.0,
                           t_ref=0.0)  # fmt: skip
    post = bj.neurons.LIF(n=1, tau_m=10.0, c_m=250.0, t_ref=2.0)
    rule = bj.plasticity.STDP(
        a_plus=0.02 * W_MAX,
        a_minus=0.021 * W_MAX,
        tau_plus=20.0,
        tau_minus=20.0,
        weight_dependence=bj.plasticity.Additive(w_min=0.0, w_max=W_MAX),
    )
    w0 = jax.random.uniform(key, (N_IN, 1), minval=0.3, maxval=0.7) * W_MAX
    proj = bj.Projection("in", "out", w0, bj.synapses.Exponential(tau=5.0), plasticity=rule)
    net = bj.Network({"in": relay, "out": post}, [proj])
    drive = {"in": bj.inputs.PoissonSpikes(input_rates, n=N_IN, weight=2.0)}
    return net, drive, w0


def main():
    from _common import out_dir, parse, report

    args = parse(__doc__, "stdp_correlations", help={"seconds": "simulated time (s)"}, seconds=60.0)
    seconds = 3.0 if args.smoke else args.seconds
    net, drive, w0 = build(jax.random.key(args.seed))
    every = int(round(1000.0 / DT))  # record the weights every second
    tic = time.perf_counter()
    sol = bj.simulate(
        net,
        t1=seconds * 1000.0,
        dt=DT,
        inputs=drive,
        key=jax.random.key(1),
        monitor=bj.Monitor(every=every, select=lambda y: y.plastic[0][0][:, 0], spikes=False,
                           spike_counts=True),
    )  # fmt: skip
    weights = np.asarray(jax.block_until_ready(sol.ys))  # (seconds + 1, N_IN)
    run_s = time.perf_counter() - tic
    half = N_IN // 2
    post_rate = float(sol.spike_counts["out"][0]) / seconds
    input_rate = float(np.mean(sol.spike_counts["in"])) / seconds

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), layout="constrained")
    bins = np.linspace(0, W_MAX, 31)
    for k, (label, part) in enumerate([("correlated", slice(0, half)),
                                       ("independent", slice(half, N_IN))]):  # fmt: skip
        axes[0].hist(weights[-1, part] / W_MAX, bins=bins / W_MAX, alpha=0.6, label=label)
        axes[1].plot(sol.ts / 1000.0, weights[:, part].mean(1) / W_MAX, f"C{k}", label=label)
    axes[0].hist(np.asarray(w0[:, 0]) / W_MAX, bins=bins / W_MAX, histtype="step", color="k",
                 label="initial")  # fmt: skip
    axes[0].set(xlabel="w / w_max", ylabel="synapses", title=f"weights after {seconds:g} s")
    axes[0].legend()
    axes[1].set(xlabel="time (s)", ylabel="mean w / w_max", ylim=(0, 1),
                title=f"output {post_rate:.1f} Hz, inputs {input_rate:.1f} Hz")  # fmt: skip
    axes[1].legend()
    path = out_dir(args.out, "stdp_correlations") / "stdp_correlations.png"
    fig.savefig(path, dpi=120)

    final = weights[-1] / W_MAX
    report(
        "stdp_correlations",
        args.smoke,
        run_s,
        seconds=seconds,
        mean_w_correlated=float(final[:half].mean()),
        mean_w_independent=float(final[half:].mean()),
        fraction_near_bounds=float(np.mean((final < 0.1) | (final > 0.9))),
        output_rate_hz=post_rate,
        input_rate_hz=input_rate,
        files=[path],
    )


if __name__ == "__main__":
    main()
