"""`python -m brainjax tour`: simulate every model family, write plots and a summary."""

import json
import math
import platform
import re
import sys
import time
from pathlib import Path
from typing import Any

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
    `out/summary.md` and `out/summary.json` (key figures per section, machine,
    versions). Returns the Markdown summary's path."""
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
    records: dict[str, Any] = {}
    for section in tqdm(sections, desc="tour", unit="section"):
        tic = time.perf_counter()
        tqdm.write(f"[tour] {section.title} ...")
        result = section.run(out, smoke)
        body, figures = (result, {}) if isinstance(result, str) else result
        records[section.name] = {
            "title": section.title,
            "figures": {k: _round(v) for k, v in figures.items()},
            "files": re.findall(r"!\[[^\]]*\]\(([^)]+)\)", body),
            "runtime_s": _round(time.perf_counter() - tic),
        }
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
    (out / "summary.json").write_text(
        json.dumps(
            {
                "smoke": smoke,
                "machine": {
                    "backend": jax.default_backend(),
                    "devices": [str(d) for d in jax.devices()],
                    "platform": platform.platform(),
                    "arch": platform.machine(),
                },
                "versions": _versions(),
                "sections": records,
                "runtime_s": _round(time.perf_counter() - start),
            },
            indent=1,
        )
    )
    return summary


def _round(x: Any) -> Any:
    """Numbers to 4 significant digits (JSON-safe); other values unchanged."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return x
    return None if not math.isfinite(x) else float(f"{x:.4g}") if isinstance(x, float) else x


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": sys.version.split()[0]}
    for name in ("brainjax", "jax", "jaxlib", "equinox", "diffrax", "optax", "numpy"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found
