"""Record neurolib's Wilson-Cowan output for tests/test_populations_network.py.

Run in the neurolib venv (made by benchmarks/setup_neurolib.sh):

    benchmarks/.venv-neurolib/bin/python tests/data/record_neurolib_wc.py

Writes tests/data/neurolib_wc.npz: a deterministic single node (exc_ext = 1, a limit
cycle) and the 80-node HCP network with delays (K_gl = 0.6, signalV = 20 m/s,
exc_ext = 0.8), Euler dt = 0.1 ms, constant initial history e = i = 0.05 (single
node) or the recorded per-node values (network), sampled every 1 ms.
"""

from pathlib import Path

import numpy as np
from neurolib.models.wc import WCModel

HERE = Path(__file__).parent
ROOT = HERE.parents[1]


def run(model, duration, exc_init, inh_init, exc_ext):
    model.params["duration"] = duration
    model.params["dt"] = 0.1
    model.params["sigma_ou"] = 0.0
    model.params["exc_init"] = exc_init[:, None]
    model.params["inh_init"] = inh_init[:, None]
    model.params["exc_ext"] = exc_ext
    model.run()
    return np.asarray(model.exc)[:, 9::10], np.asarray(model.inh)[:, 9::10]  # t = 1, 2, ... ms


def main():
    hcp = np.load(ROOT / "brainjax/datasets/data/hcp.npz")
    single = run(WCModel(), 300.0, np.array([0.05]), np.array([0.05]), 1.0)
    rng = np.random.default_rng(0)
    e0, i0 = 0.05 * rng.uniform(size=80), 0.05 * rng.uniform(size=80)
    net = WCModel(Cmat=hcp["weights"].astype(float), Dmat=hcp["lengths"].astype(float))
    net.params["K_gl"] = 0.6
    net.params["signalV"] = 20.0
    network = run(net, 300.0, e0, i0, 0.8)
    np.savez_compressed(
        HERE / "neurolib_wc.npz",
        single_e=single[0],
        single_i=single[1],
        net_e=network[0].astype(np.float32),
        net_i=network[1].astype(np.float32),
        net_e0=e0,
        net_i0=i0,
    )
    print("single e range", single[0].min(), single[0].max(), "net mean", network[0].mean())


if __name__ == "__main__":
    main()
