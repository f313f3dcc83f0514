"""BrainPy side of benchmarks/coba.py (run with benchmarks/.venv-brainpy/bin/python).

The COBA network of BrainPy's own benchmark (LifRef E and I populations, four
`ProjAlignPostMg2` with
`EventJitFPHomoLinear` connectivity, `bm.for_loop` under `bm.jit`), with the
parameters of benchmarks/coba.py (p = 80 / N, v0 ~ N(-55, 5) mV, forward Euler).
Prints one JSON line: runtime_s, compile_s (first call minus second), rate_hz, peak_mb.
"""

import argparse
import json
import resource
import time

import brainpy as bp
import brainpy.math as bm
import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, default=4000)
parser.add_argument("--model", default="coba", choices=["coba"])
args = parser.parse_args()
bm.set_platform("cpu")
bm.set_dt(0.1)
n, n_e = args.n, int(0.8 * args.n)
p = 80.0 / n


class EINet(bp.DynSysGroup):
    def __init__(self):
        super().__init__()
        cell = dict(
            V_rest=-60.0,
            V_th=-50.0,
            V_reset=-60.0,
            tau=20.0,
            tau_ref=5.0,
            V_initializer=bp.init.Normal(-55.0, 5.0),
            method="euler",
        )
        self.E = bp.dyn.LifRef(n_e, **cell)
        self.I = bp.dyn.LifRef(n - n_e, **cell)
        seeds = iter(range(1, 5))

        def proj(pre, post, weight, tau, e_rev):
            return bp.dyn.ProjAlignPostMg2(
                pre=pre,
                delay=None,
                comm=bp.dnn.EventJitFPHomoLinear(
                    pre.num, post.num, prob=p, weight=weight, seed=next(seeds)
                ),
                syn=bp.dyn.Expon.desc(post.num, tau=tau, method="euler"),
                out=bp.dyn.COBA.desc(E=e_rev),
                post=post,
            )

        self.E2E = proj(self.E, self.E, 0.6, 5.0, 0.0)
        self.E2I = proj(self.E, self.I, 0.6, 5.0, 0.0)
        self.I2E = proj(self.I, self.E, 6.7, 10.0, -80.0)
        self.I2I = proj(self.I, self.I, 6.7, 10.0, -80.0)

    def update(self, inp):
        self.E2E()
        self.E2I()
        self.I2E()
        self.I2I()
        self.E(inp)
        self.I(inp)
        return self.E.spike.value.sum() + self.I.spike.value.sum()


net = EINet()
steps = np.arange(int(1000.0 / bm.get_dt()))


@bm.jit
def run():
    return bm.for_loop(lambda i: net.step_run(i, 20.0), steps).sum()


times, counts = [], []
for _ in range(3):
    start = time.perf_counter()
    counts.append(float(np.asarray(run())))
    times.append(time.perf_counter() - start)
runtime = min(times[1:])
print(
    json.dumps(
        dict(
            runtime_s=runtime,
            compile_s=max(times[0] - runtime, 0.0),
            rate_hz=counts[1] / n,
            peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        )
    )
)
