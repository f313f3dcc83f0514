"""`python -m brainjax bench --quick`: run every benchmark in `benchmarks/` (each as a
subprocess, `python benchmarks/<name>.py --quick --json <tmp>`) and print one table of
same-run ratios from their JSON records. The benchmarks are scripts of the repository
checkout, not part of the installed package."""

import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Peer simulators live in their own venvs under benchmarks/ (made by the setup scripts).
PEER_VENVS = {
    "brian2": ("benchmarks/setup_peers.sh", ".venv-brian2"),
    "brainpy": ("benchmarks/setup_peers.sh", ".venv-brainpy"),
    "neurolib": ("benchmarks/setup_neurolib.sh", ".venv-neurolib"),
}
_SIZE_KEYS = ("n", "size", "n_hidden")


def find_benchmarks(root: Path | None = None) -> Path | None:
    """The `benchmarks/` folder of the checkout: under `root`, the current directory, or
    beside the `brainjax` package (an editable install); `None` when there is none."""
    candidates = [root] if root is not None else [Path.cwd(), Path(__file__).parent.parent]
    for base in candidates:
        folder = base / "benchmarks"
        if folder.is_dir() and any(folder.glob("*.py")):
            return folder
    return None


def scripts(folder: Path) -> list[Path]:
    """The benchmark scripts that have a `--quick` mode, sorted by name."""
    return sorted(
        p for p in folder.glob("*.py") if not p.name.startswith("_") and "--quick" in p.read_text()
    )


def _size(record: dict) -> object:
    return next((record[k] for k in _SIZE_KEYS if k in record), "-")


def _fmt(x: float) -> str:
    return "-" if not isinstance(x, int | float) or math.isnan(x) else f"{x:.4g}"


def ratio_table(records: list[dict]) -> list[str]:
    """Markdown rows: one per record, with its runtime over the runtime of the
    `brainjax` record of the same benchmark and size (else the group's first record)."""
    groups: dict[tuple, list[dict]] = {}
    for r in records:
        groups.setdefault((r.get("bench", "?"), _size(r)), []).append(r)
    lines = [
        "| bench | size | impl | runtime (s) | compile (s) | x brainjax |",
        "|---|---|---|---|---|---|",
    ]
    for (bench, size), group in groups.items():
        base = next((r for r in group if r.get("impl") == "brainjax"), group[0])
        for r in group:
            ratio = r["runtime_s"] / base["runtime_s"] if base.get("runtime_s") else float("nan")
            lines.append(
                f"| {bench} | {size} | {r.get('impl', '?')} | {_fmt(r.get('runtime_s', math.nan))} "
                f"| {_fmt(r.get('compile_s', math.nan))} | {_fmt(ratio)} |"
            )
    return lines


def run_bench(quick: bool = True, only: list[str] | None = None, timeout: float = 1800.0) -> int:
    """Run the benchmarks (all, or those named in `only`), print their records' ratio
    table; return a process exit status (1 when the folder is missing or one failed)."""
    folder = find_benchmarks()
    if folder is None:
        print(
            "brainjax bench: no `benchmarks/` folder found. The benchmarks are scripts in the "
            "brainjax repository, not part of the installed package: run this command from "
            "a checkout of the repository (git clone, then `python -m brainjax bench --quick`)."
        )
        return 1
    todo = [p for p in scripts(folder) if not only or p.stem in only]
    missing = set(only or ()) - {p.stem for p in todo}
    if missing:
        print(f"brainjax bench: unknown benchmarks {sorted(missing)}; have "
              f"{[p.stem for p in scripts(folder)]}")  # fmt: skip
        return 1
    skipped = [
        f"{peer} (run `bash {setup}`)"
        for peer, (setup, venv) in PEER_VENVS.items()
        if not (folder / venv / "bin" / "python").exists()
    ]
    records: list[dict] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for script in todo:
            out = Path(tmp) / f"{script.stem}.json"
            cmd = [sys.executable, str(script), "--json", str(out)] + (["--quick"] if quick else [])
            print(f"[bench] {script.stem}: {' '.join(cmd[1:])}", flush=True)
            tic = time.perf_counter()
            try:
                done = subprocess.run(
                    cmd, cwd=folder.parent, timeout=timeout, capture_output=True, text=True
                )
            except subprocess.TimeoutExpired:
                failed.append(f"{script.stem} (timed out after {timeout:.0f} s)")
                continue
            if done.returncode or not out.exists():
                failed.append(
                    f"{script.stem} (exit {done.returncode}: {done.stderr.strip()[-500:]})"
                )
                continue
            records += json.loads(out.read_text())
            print(f"[bench] {script.stem}: done in {time.perf_counter() - tic:.1f} s", flush=True)
    print("\nSame-run ratios (runtime over the brainjax record of the same benchmark and size):\n")
    print("\n".join(ratio_table(records)))
    if skipped:
        print(f"\nPeers skipped (no venv): {', '.join(skipped)}.")
    if failed:
        print(f"\nFailed: {'; '.join(failed)}")
    return 1 if failed else 0
