#!/usr/bin/env bash
# Create the peer-simulator venvs used by benchmarks/coba.py (each in its own venv,
# because the peers pin package versions that brainjax does not use):
#   benchmarks/.venv-brian2   Brian2 2.9 (needs numpy < 2.4); cpp_standalone needs g++
#   benchmarks/.venv-brainpy  BrainPy 2.x with the jax it pins
# Usage: bash benchmarks/setup_peers.sh [brian2] [brainpy]   (default: both)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3}"
peers=("$@")
[ ${#peers[@]} -eq 0 ] && peers=(brian2 brainpy)
for peer in "${peers[@]}"; do
  venv="$here/.venv-$peer"
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  case "$peer" in
    brian2) "$venv/bin/pip" install -q "brian2==2.9.*" "numpy<2.4" ;;
    brainpy) "$venv/bin/pip" install -q "brainpy==2.8.2" "jax[cpu]" numba ;;  # numba: CPU kernels
    *) echo "unknown peer: $peer (use brian2, brainpy)" >&2; exit 2 ;;
  esac
  echo "$peer: $("$venv/bin/python" -c "import importlib.metadata as m; print(m.version('$peer'))")"
done
