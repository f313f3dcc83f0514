"""Brian2 side of benchmarks/coba.py (run with benchmarks/.venv-brian2/bin/python).

Prints one JSON line: runtime_s, compile_s (code generation + compilation: runtime
mode, the first run minus the second; cpp_standalone, the build), rate_hz, peak_mb.
The networks are the ones described in benchmarks/coba.py (COBA: Brette et al. 2007,
Brian2's own COBA example with p = 80 / N; COBA-HH: Brian2's COBAHH example).
"""

import argparse
import json
import resource
import tempfile
import time

import brian2 as b2
from brian2 import ms, mV, second, siemens, umetre

parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, default=4000)
parser.add_argument("--model", default="coba", choices=["coba", "hh"])
parser.add_argument("--standalone", action="store_true")
args = parser.parse_args()
n, n_e = args.n, int(0.8 * args.n)
directory = tempfile.mkdtemp(prefix="brian2_coba_")
if args.standalone:
    b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
else:
    b2.prefs.codegen.target = "cython"
b2.seed(0)
b2.defaultclock.dt = 0.1 * ms

if args.model == "coba":
    taum, taue, taui, vt, vr, el, drive = (
        20 * ms,
        5 * ms,
        10 * ms,
        -50 * mV,
        -60 * mV,
        -60 * mV,
        20 * mV,
    )  # noqa: E501
    eqs = """
    dv/dt = (ge*(0*mV-v) + gi*(-80*mV-v) - (v-el) + drive)/taum : volt (unless refractory)
    dge/dt = -ge/taue : 1
    dgi/dt = -gi/taui : 1
    """
    group = b2.NeuronGroup(
        n, eqs, threshold="v>vt", reset="v=vr", refractory=5 * ms, method="euler"
    )
    group.v = "-55*mV + 5*mV*randn()"
    we, wi = "ge += 0.6", "gi += 6.7"
else:
    area = 20000 * umetre**2
    cm_, gl = 1e-2 * b2.farad / b2.metre**2 * area, 5e-5 * siemens * b2.cm**-2 * area
    el, ek, ena = -60 * mV, -90 * mV, 50 * mV
    g_na, g_kd = 100e-3 * siemens * b2.cm**-2 * area, 30e-3 * siemens * b2.cm**-2 * area
    vt, taue, taui = -63 * mV, 5 * ms, 10 * ms
    eqs = """
    dv/dt = (gl*(el-v) + ge*(0*mV-v) + gi*(-80*mV-v) - g_na*(m*m*m)*h*(v-ena)
             - g_kd*(n*n*n*n)*(v-ek))/cm_ : volt
    dm/dt = alpha_m*(1-m)-beta_m*m : 1
    dn/dt = alpha_n*(1-n)-beta_n*n : 1
    dh/dt = alpha_h*(1-h)-beta_h*h : 1
    dge/dt = -ge/taue : siemens
    dgi/dt = -gi/taui : siemens
    alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+vt)/(4*mV))/ms : Hz
    beta_m = 0.28*(mV**-1)*5*mV/exprel((v-vt-40*mV)/(5*mV))/ms : Hz
    alpha_h = 0.128*exp((17*mV-v+vt)/(18*mV))/ms : Hz
    beta_h = 4./(1+exp((40*mV-v+vt)/(5*mV)))/ms : Hz
    alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+vt)/(5*mV))/ms : Hz
    beta_n = .5*exp((10*mV-v+vt)/(40*mV))/ms : Hz
    """
    group = b2.NeuronGroup(
        n, eqs, threshold="v>-20*mV", refractory=3 * ms, method="exponential_euler"
    )
    group.v = "el + (randn()*5 - 5)*mV"
    we, wi = "ge += 6*nS", "gi += 67*nS"

exc = b2.Synapses(group[:n_e], group, on_pre=we)
inh = b2.Synapses(group[n_e:], group, on_pre=wi)
exc.connect(p=80.0 / n)
inh.connect(p=80.0 / n)
spikes = b2.SpikeMonitor(group, record=False)
net = b2.Network(b2.collect())

if args.standalone:
    start = time.perf_counter()
    net.run(1 * second)
    b2.device.build(directory=directory, compile=True, run=True, debug=False)
    total = time.perf_counter() - start
    runtime = float(b2.device._last_run_time)
    compile_s, count = total - runtime, int(spikes.num_spikes)
else:
    start = time.perf_counter()
    net.run(1 * second)
    first = time.perf_counter() - start
    before = int(spikes.num_spikes)
    start = time.perf_counter()
    net.run(1 * second)
    runtime = time.perf_counter() - start
    compile_s, count = max(first - runtime, 0.0), int(spikes.num_spikes) - before
print(
    json.dumps(
        dict(
            runtime_s=runtime,
            compile_s=compile_s,
            rate_hz=count / n,
            peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        )
    )
)
