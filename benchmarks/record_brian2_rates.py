"""Record Brian2 firing rates of the COBA, CUBA and COBA-HH benchmark networks (Brette et
al. 2007) into `tests/data/brian2_rates.json` (updating the models run, keeping the
others): the reference that `tests/test_examples_spiking.py` pins brainjax's
`examples/coba.py`, `examples/cuba.py` and `examples/coba_hh.py` to.

Run with the Brian2 venv (created by `bash benchmarks/setup_peers.sh brian2`):

    benchmarks/.venv-brian2/bin/python benchmarks/record_brian2_rates.py \
        [--seeds 5] [--models coba,cuba,cobahh]

Networks (identical to the brainjax examples; Euler steps of dt = 0.1 ms in both, and
Brian2's default order: state update, threshold, reset, then spike delivery):

- COBA: 80 % E / 20 % I LIF, tau_m 20 ms, E_L = V_r = -60 mV, V_t = -50 mV, 5 ms
  refractory, constant drive 20 mV (200 pA with g_L = 10 nS), exponential conductances
  (tau 5 / 10 ms, E_rev 0 / -80 mV, jumps 0.6 / 6.7 in units of g_L = 6 / 67 nS);
  v0 ~ N(-55, 5) mV.
- CUBA: same cell but E_L = -49 mV, no drive, exponential currents (tau 5 / 10 ms, jumps
  1.62 / -9 mV = 16.2 / -90 pA with g_L = 10 nS); v0 ~ U(V_r, V_t).

Each at full size (N = 4000, p = 0.02, 1 s) and reduced (N = 1000, p = 0.08: the same
in-degree of 80, 0.5 s). Connectivity is Bernoulli(p) per ordered pair (no autapse
exclusion, as `Synapses.connect(p=...)`), freshly drawn for every seed.
"""

import argparse
import json
import platform
import time
from pathlib import Path

import brian2 as b2
import numpy as np

CONFIGS = {"full": (4000, 0.02, 1000.0), "reduced": (1000, 0.08, 500.0)}


def run(model: str, n: int, p: float, t_ms: float, seed: int) -> tuple[float, float]:
    b2.start_scope()
    b2.seed(seed)
    b2.defaultclock.dt = 0.1 * b2.ms
    ns = {
        "taum": 20 * b2.ms, "taue": 5 * b2.ms, "taui": 10 * b2.ms,
        "vt": -50 * b2.mV, "vr": -60 * b2.mV,
    }  # fmt: skip
    if model == "coba":
        ns.update(el=-60 * b2.mV, drive=20 * b2.mV, we=0.6, wi=6.7)  # we, wi in units of g_L
        eqs = """
        dv/dt = (ge*(0*mV-v) + gi*(-80*mV-v) - (v-el) + drive)/taum : volt (unless refractory)
        dge/dt = -ge/taue : 1
        dgi/dt = -gi/taui : 1
        """
    else:
        ns.update(el=-49 * b2.mV, we=1.62 * b2.mV, wi=-9.0 * b2.mV)
        eqs = """
        dv/dt = (ge + gi - (v-el))/taum : volt (unless refractory)
        dge/dt = -ge/taue : volt
        dgi/dt = -gi/taui : volt
        """
    group = b2.NeuronGroup(
        n, eqs, threshold="v>vt", reset="v=vr", refractory=5 * b2.ms, method="euler", namespace=ns
    )
    n_e = int(0.8 * n)
    group.v = "-55*mV + 5*mV*randn()" if model == "coba" else "vr + rand()*(vt - vr)"
    exc = b2.Synapses(group, group, on_pre="ge += we", namespace=ns)
    inh = b2.Synapses(group, group, on_pre="gi += wi", namespace=ns)
    exc.connect(condition=f"i < {n_e}", p=p)
    inh.connect(condition=f"i >= {n_e}", p=p)
    spikes = b2.SpikeMonitor(group)
    b2.run(t_ms * b2.ms)
    counts = np.bincount(np.asarray(spikes.i), minlength=n)
    seconds = t_ms / 1000.0
    return float(counts[:n_e].mean() / seconds), float(counts[n_e:].mean() / seconds)


def run_cobahh(n: int, p: float, t_ms: float, seed: int) -> tuple[float, float]:
    """Brian2's `COBAHH.py` example (Brette et al. 2007 benchmark 3), exponential Euler
    at dt = 0.1 ms; gates start at 0 as in that example."""
    b2.start_scope()
    b2.seed(seed)
    b2.defaultclock.dt = 0.1 * b2.ms
    area = 20000 * b2.umetre**2
    ns = {
        "Cm": 1 * b2.ufarad * b2.cm**-2 * area, "gl": 5e-5 * b2.siemens * b2.cm**-2 * area,
        "El": -60 * b2.mV, "EK": -90 * b2.mV, "ENa": 50 * b2.mV,
        "g_na": 100 * b2.msiemens * b2.cm**-2 * area, "g_kd": 30 * b2.msiemens * b2.cm**-2 * area,
        "VT": -63 * b2.mV, "taue": 5 * b2.ms, "taui": 10 * b2.ms, "Ee": 0 * b2.mV,
        "Ei": -80 * b2.mV, "we": 6 * b2.nS, "wi": 67 * b2.nS,
    }  # fmt: skip
    eqs = """
    dv/dt = (gl*(El-v) + ge*(Ee-v) + gi*(Ei-v) - g_na*(m*m*m)*h*(v-ENa)
             - g_kd*(n*n*n*n)*(v-EK))/Cm : volt
    dm/dt = alpha_m*(1-m)-beta_m*m : 1
    dn/dt = alpha_n*(1-n)-beta_n*n : 1
    dh/dt = alpha_h*(1-h)-beta_h*h : 1
    dge/dt = -ge*(1./taue) : siemens
    dgi/dt = -gi*(1./taui) : siemens
    alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
    beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
    alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
    beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
    alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
    beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
    """
    group = b2.NeuronGroup(
        n, eqs, threshold="v>-20*mV", refractory=3 * b2.ms, method="exponential_euler",
        namespace=ns,
    )  # fmt: skip
    n_e = int(0.8 * n)
    exc = b2.Synapses(group[:n_e], group, on_pre="ge += we", namespace=ns)
    inh = b2.Synapses(group[n_e:], group, on_pre="gi += wi", namespace=ns)
    exc.connect(p=p)
    inh.connect(p=p)
    group.v = "El + (randn()*5 - 5)*mV"
    group.ge = "(randn()*1.5 + 4)*10.*nS"
    group.gi = "(randn()*12 + 20)*10.*nS"
    spikes = b2.SpikeMonitor(group)
    b2.run(t_ms * b2.ms)
    counts = np.bincount(np.asarray(spikes.i), minlength=n)
    seconds = t_ms / 1000.0
    return float(counts[:n_e].mean() / seconds), float(counts[n_e:].mean() / seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--models", default="coba,cuba", help="any of coba,cuba,cobahh")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parents[1] / "tests/data/brian2_rates.json"
    )
    args = parser.parse_args()
    b2.prefs.codegen.target = "cython"
    record = json.loads(args.out.read_text()) if args.out.exists() else {}
    record.update(
        brian2=b2.__version__,
        machine=f"{platform.machine()} {platform.python_version()}",
        method="euler (COBA-HH: exponential_euler), dt = 0.1 ms, codegen cython",
        generated_by="benchmarks/record_brian2_rates.py",
    )
    for model in args.models.split(","):
        configs = {"full": CONFIGS["full"]} if model == "cobahh" else CONFIGS
        for config, (n, p, t_ms) in configs.items():
            rates = []
            for seed in range(args.seeds):
                tic = time.perf_counter()
                if model == "cobahh":
                    rates.append(run_cobahh(n, p, t_ms, seed))
                else:
                    rates.append(run(model, n, p, t_ms, seed))
                print(
                    f"{model} {config} seed {seed}: E {rates[-1][0]:.2f} Hz, "
                    f"I {rates[-1][1]:.2f} Hz ({time.perf_counter() - tic:.1f} s)",
                    flush=True,
                )
            e, i = np.array(rates).T
            record[f"{model}_{config}"] = {
                "n": n,
                "p": p,
                "t_ms": t_ms,
                "rate_e_hz": [round(x, 3) for x in e],
                "rate_i_hz": [round(x, 3) for x in i],
                "mean_e_hz": round(float(e.mean()), 3),
                "mean_i_hz": round(float(i.mean()), 3),
            }
    args.out.write_text(json.dumps(record, indent=1) + "\n")
    print(json.dumps({k: v for k, v in record.items() if isinstance(v, dict)}))


if __name__ == "__main__":
    main()
