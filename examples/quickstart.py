"""Quick start: one LIF population, one Wilson-Cowan node, a vmap sweep and a gradient.

    python examples/quickstart.py [--smoke] [--out DIR]

Prints the key results as one final JSON line.
"""

import time

import jax
import jax.numpy as jnp
import numpy as np

import brainjax as bj


def main(smoke: bool = False) -> dict:
    tic = time.perf_counter()
    t1 = 200.0 if smoke else 1000.0

    # 1. LIF f-I curve: one simulation of 8 neurons with 8 different DC currents (pA).
    currents = jnp.linspace(300.0, 1000.0, 8)
    sol = bj.simulate(bj.neurons.LIF(n=8), t1=t1, dt=0.1, inputs=currents)
    rates = np.asarray(sol.mean_rates())
    print(
        "LIF f-I curve (pA -> Hz):",
        {round(float(c)): round(float(r), 1) for c, r in zip(currents, rates)},
    )

    # 2. A Wilson-Cowan node: sweep the drive with vmap, find where it oscillates.
    def amplitude(p_e):
        e = bj.simulate(bj.populations.WilsonCowan(p_e=p_e), t1=t1, dt=0.1).ys.e[:, 0]
        late = e[e.shape[0] // 2 :]
        return late.max() - late.min()

    drives = jnp.linspace(0.0, 4.0, 9)
    amplitudes = np.asarray(jax.vmap(amplitude)(drives))
    print(
        "WC oscillation amplitude vs drive:",
        {float(d): round(float(a), 3) for d, a in zip(drives, amplitudes)},
    )

    # 3. Gradient of the mean excitatory activity w.r.t. the E time constant.
    def mean_e(tau_e):
        return bj.simulate(
            bj.populations.WilsonCowan(p_e=1.0, tau_e=tau_e), t1=50.0, dt=0.1
        ).ys.e.mean()

    grad = float(jax.grad(mean_e)(2.5))
    print(f"d mean(e) / d tau_e at 2.5 ms: {grad:.5f} per ms")
    return {
        "lif_rates_hz": rates.round(2).tolist(),
        "wc_oscillating_drives": np.asarray(drives)[amplitudes > 0.05].tolist(),
        "grad_mean_e_tau_e": grad,
        "runtime_s": time.perf_counter() - tic,
    }


if __name__ == "__main__":
    from _common import parser, report

    args = parser(__doc__, "quickstart").parse_args()
    results = main(args.smoke)
    report("quickstart", args.smoke, results.pop("runtime_s"), **results)
