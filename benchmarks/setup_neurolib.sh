#!/usr/bin/env bash
# Create benchmarks/.venv-neurolib: neurolib (MIT) in its own venv, used by
# benchmarks/whole_brain.py and tests/data/record_neurolib_wc.py. Not a brainjax dependency.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv-neurolib"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet "neurolib==0.6.2"
"$venv/bin/python" -c "import neurolib, numba; print('neurolib', neurolib.__version__ if hasattr(neurolib, '__version__') else '0.6.2', 'numba', numba.__version__)"
