"""The Izhikevich (2003) network: 800 excitatory (regular spiking to chattering) and 200
inhibitory (fast spiking to low-threshold spiking) neurons, all-to-all random weights,
random thalamic input; it shows alpha (~10 Hz) and gamma (~40 Hz) rhythms.

    dv/dt = 0.04 v^2 + 5 v + 140 - u + I,   du/dt = a (b v - u)
    v >= 30 mV: v <- c, u <- u + d

Heterogeneity as in the paper (r ~ U(0, 1) per neuron): excitatory a = 0.02, b = 0.2,
c = -65 + 15 r^2, d = 8 - 6 r^2; inhibitory a = 0.02 + 0.08 r, b = 0.25 - 0.05 r,
c = -65, d = 2. Weights S: 0.5 U(0, 1) from excitatory, -U(0, 1) from inhibitory
neurons. Thalamic input: 5 N(0, 1) (E) and 2 N(0, 1) (I), redrawn every ms.

Differences from the paper's MATLAB loop, stated: Izhikevich adds a spike's weight to
`I` for one 1 ms step; here it is an exponential current with tau = 1 ms (the same
charge), and the model is integrated by Euler steps of 0.5 ms (the paper's `v` step).

Prints the mean rates and the dominant frequency of the excitatory population rate.

    python examples/izhikevich.py [--smoke] [--t1 1000]
"""

import jax
import jax.numpy as jnp
import numpy as np

import brainjax as bj

N_E, N_I, DT = 800, 200, 0.5


def build(key=None):
    """The network and its thalamic input (`inputs` of `simulate`)."""
    key = jax.random.key(0) if key is None else key
    k_e, k_i, k_w, k_th = jax.random.split(key, 4)
    r_e, r_i = jax.random.uniform(k_e, (N_E,)), jax.random.uniform(k_i, (N_I,))
    exc = bj.neurons.Izhikevich(n=N_E, a=0.02, b=0.2, c=-65 + 15 * r_e**2, d=8 - 6 * r_e**2)
    inh = bj.neurons.Izhikevich(n=N_I, a=0.02 + 0.08 * r_i, b=0.25 - 0.05 * r_i, c=-65.0, d=2.0)
    s = jax.random.uniform(k_w, (N_E + N_I, N_E + N_I))
    s = jnp.concatenate([0.5 * s[:N_E], -s[N_E:]])  # rows: presynaptic neuron
    synapse = bj.synapses.Exponential(tau=1.0)  # input in the model's units (mV/ms)
    projections = [
        bj.Projection(pre, post, s[rows][:, cols], synapse)
        for pre, rows in (("E", slice(0, N_E)), ("I", slice(N_E, None)))
        for post, cols in (("E", slice(0, N_E)), ("I", slice(N_E, None)))
    ]

    def thalamic(t):  # a fresh Gaussian draw every ms, a deterministic function of t
        k = jax.random.fold_in(k_th, jnp.floor(t).astype(int))
        return jax.random.normal(k, (N_E + N_I,))

    inputs = {
        "E": bj.inputs.Function(lambda t: 5.0 * thalamic(t)[:N_E]),
        "I": bj.inputs.Function(lambda t: 2.0 * thalamic(t)[N_E:]),
    }
    return bj.Network({"E": exc, "I": inh}, projections), inputs


def run(net, thalamic, t1):
    """Simulate; record spikes only."""
    monitor = bj.Monitor(every=int(round(t1 / DT)), select=lambda y: None)
    return bj.simulate(net, t1=t1, dt=DT, inputs=thalamic, monitor=monitor)


def dominant_frequency(spikes: np.ndarray, dt: float, skip_ms: float = 100.0) -> float:
    """Peak frequency (Hz, above 4 Hz) of the power spectrum of the population rate."""
    rate = np.asarray(spikes)[int(skip_ms / dt) :].mean(axis=1)
    power = np.abs(np.fft.rfft(rate - rate.mean())) ** 2
    freqs = np.fft.rfftfreq(rate.size, d=dt / 1000.0)
    band = freqs > 4.0
    return float(freqs[band][np.argmax(power[band])])


if __name__ == "__main__":
    from _common import out_dir, parse, report, timed

    args = parse(__doc__, "izhikevich", help={"t1": "simulated time (ms)"}, t1=1000.0)
    t1 = 300.0 if args.smoke else args.t1
    net, thalamic = build(jax.random.key(args.seed))
    sol, compile_s, run_s = timed(lambda net, th: run(net, th, t1), net, thalamic)
    rates = {name: float(jnp.mean(r)) for name, r in sol.mean_rates().items()}
    out = out_dir(args.out, "izhikevich")
    bj.plot.save(bj.plot.raster(sol), out / "izhikevich_raster.png")
    report(
        "izhikevich",
        args.smoke,
        run_s,
        t1_ms=t1,
        rate_e_hz=rates["E"],
        rate_i_hz=rates["I"],
        peak_freq_hz=dominant_frequency(sol.spikes["E"], DT),
        compile_s=compile_s,
        files=[out / "izhikevich_raster.png"],
    )
