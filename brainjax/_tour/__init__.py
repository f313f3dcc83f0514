"""`python -m brainjax tour`: simulate every model family, write plots and a summary."""

import platform
import time
from pathlib import Path

import jax
from tqdm.auto import tqdm

from . import learning, memory, neurons, predictive_coding, spiking, whole_brain, wilson_cowan
from ._registry import Section

SECTIONS: list[Section] = [
    neurons.SECTION,
    spiking.SECTION,
    wilson_cowan.SECTION,
    whole_brain.SECTION,
    predictive_coding.SECTION,
    memory.SECTION,
    learning.SECTION,
]


def run_tour(out: Path, smoke: bool = False, only: list[str] | None = None) -> Path:
    """Run the tour sections (all, or those named in `only`) and write
    `out/summary.md`. Returns the summary path."""
    out.mkdir(parents=True, exist_ok=True)
    sections = [s for s in SECTIONS if not only or s.name in only]
    unknown = set(only or ()) - {s.name for s in SECTIONS}
    if unknown:
        raise ValueError(
            f"unknown tour sections {sorted(unknown)}; have {[s.name for s in SECTIONS]}"
        )
    lines = [
        "# brainjax tour",
        "",
        f"{'Smoke run (small sizes)' if smoke else 'Full run'}; JAX {jax.__version__} on "
        f"{jax.default_backend()} ({platform.machine()}).",
        "",
    ]
    start = time.perf_counter()
    for section in tqdm(sections, desc="tour", unit="section"):
        tic = time.perf_counter()
        tqdm.write(f"[tour] {section.title} ...")
        body = section.run(out, smoke)
        lines += [
            f"## {section.title}",
            "",
            body.strip(),
            "",
            f"_Section run time: {time.perf_counter() - tic:.1f} s._",
            "",
        ]
    lines += [f"Total run time: {time.perf_counter() - start:.1f} s.", ""]
    summary = out / "summary.md"
    summary.write_text("\n".join(lines))
    return summary
