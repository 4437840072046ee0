#!/usr/bin/env bash
# The `notebooks` test (notebooks.cmake): checks that the committed notebooks hold no outputs,
# regenerates their inputs with notebooks/make-inputs.sh, and executes every notebooks/*.ipynb with
# nbconvert; a cell that raises (each notebook ends with checks of its own) fails the test.
#
#   run_notebooks.sh NOTEBOOK_DIR WORK_DIR      (FLINKSIM: the flinksim binary)
#
# Python: the first of $FLINKSIM_PYTHON, /usr/bin/python3 and python3 on PATH that imports
# nbconvert, ipykernel, pandas and matplotlib. On Debian that is /usr/bin/python3, where apt's
# python3-* packages live, even when a pyenv or virtualenv python3 comes first on PATH. The kernel is
# pinned to the same interpreter by a kernelspec of our own, first in JUPYTER_PATH, so neither a
# `python3` on PATH nor a user's own "python3" kernelspec can hand the notebooks another one.
set -euo pipefail

if (($# != 2)); then
  echo "usage: $0 NOTEBOOK_DIR WORK_DIR   (FLINKSIM=path/to/flinksim)" >&2
  exit 2
fi
notebooks=$(cd "$1" && pwd)
work=$2
: "${FLINKSIM:?set FLINKSIM to the flinksim binary}"

needed="import nbconvert, nbclient, ipykernel, pandas, matplotlib"
python=
for candidate in "${FLINKSIM_PYTHON:-}" /usr/bin/python3 "$(command -v python3 || true)"; do
  if [[ -n $candidate && -x $candidate ]] && "$candidate" -c "$needed" 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [[ -z $python ]]; then
  echo "notebooks: no Python with nbconvert, ipykernel, pandas and matplotlib (tried \$FLINKSIM_PYTHON," \
       "/usr/bin/python3, python3 on PATH); on Debian 12: apt-get install jupyter-nbconvert" \
       "python3-ipykernel python3-pandas python3-matplotlib (scripts/setup.sh does)" >&2
  exit 1
fi
"$python" -c 'import sys, nbconvert, pandas, matplotlib
print(f"notebooks: {sys.executable} (Python {sys.version.split()[0]}), nbconvert {nbconvert.__version__},"
      f" pandas {pandas.__version__}, matplotlib {matplotlib.__version__}")'

shopt -s nullglob
books=("$notebooks"/*.ipynb)
if ((${#books[@]} == 0)); then
  echo "notebooks: no .ipynb in $notebooks" >&2
  exit 1
fi

# Committed notebooks are stored without outputs (no images in the repository, no stale figures).
"$python" - "${books[@]}" <<'EOF'
import json, sys
dirty = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        cells = json.load(f)["cells"]
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None):
            dirty.append(f"{path}: cell {i} has outputs or an execution count")
if dirty:
    sys.exit("notebooks: clear the outputs before committing (Jupyter: Edit > Clear All Outputs):\n  "
             + "\n  ".join(dirty))
EOF

rm -rf "$work/data" "$work/executed" "$work/jupyter" "$work/config" "$work/runtime" "$work/ipython"
mkdir -p "$work/jupyter/kernels/python3" "$work/config" "$work/runtime" "$work/ipython" "$work/mplconfig"
"$python" - "$work/jupyter/kernels/python3/kernel.json" <<'EOF'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
               "display_name": "Python 3 (flinksim notebooks test)", "language": "python"}, f)
EOF
export JUPYTER_PATH=$work/jupyter       # searched before the user's and the system's kernelspecs
export JUPYTER_CONFIG_DIR=$work/config  # no ~/.jupyter settings
export JUPYTER_RUNTIME_DIR=$work/runtime
export IPYTHONDIR=$work/ipython         # no ~/.ipython startup files
export MPLCONFIGDIR=$work/mplconfig     # kept between runs: matplotlib's font cache
export MPLBACKEND=Agg                   # no display; the notebooks switch to inline themselves
export PYDEVD_DISABLE_FILE_VALIDATION=1 # ipykernel's debugger warns about frozen modules otherwise
export FLINKSIM_NOTEBOOK_DATA=$work/data

seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.1f s", b - a }'; }

start=$(seconds)
bash "$notebooks/make-inputs.sh" "$work/data"
echo "notebooks: inputs in $(elapsed "$start")"
for book in "${books[@]}"; do
  start=$(seconds)
  "$python" -m nbconvert --to notebook --execute --output-dir "$work/executed" \
    --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=120 "$book"
  echo "notebooks: $(basename "$book") executed in $(elapsed "$start")"
done
echo "notebooks: ${#books[@]} notebooks executed; results in $work/executed"
