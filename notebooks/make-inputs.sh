#!/usr/bin/env bash
# Writes every file the notebooks read into OUTDIR, from the bundled scenarios, in a few seconds:
#
#   notebooks/make-inputs.sh OUTDIR
#   FLINKSIM_NOTEBOOK_DATA=OUTDIR jupyter notebook notebooks/
#
# The flinksim binary is $FLINKSIM, or build/flinksim of this checkout. Paths are resolved from
# this script's folder, so it runs from any working directory. Runs are kept short (a 20 s or 30 s
# horizon, fluid where the engine chooses it) so that CI can regenerate everything each time.
#
#   OUTDIR/commands.txt           every flinksim command run, in order
#   OUTDIR/what-if/layouts.csv    layout name, the overrides that make it, what it changes
#   OUTDIR/what-if/<layout>/      run.json (run --json), sweep.json (its cost and verdict),
#                                 job.csv, subtasks.csv, taskmanagers.csv (run --out)
#   OUTDIR/calibration/           snapshot/ (a copy of scenarios/snapshots/running-etl),
#                                 calibrated.toml, calibrate.txt, run.json, run/*.csv
#   OUTDIR/sweep/                 rows.csv and rows.json (the same sweep, CSV and JSON)
set -euo pipefail

if (($# != 1)); then
  echo "usage: $0 OUTDIR   (FLINKSIM=path/to/flinksim, default build/flinksim)" >&2
  exit 2
fi
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
flinksim=${FLINKSIM:-$repo/build/flinksim}
if [[ ! -x $flinksim ]]; then
  echo "make-inputs: '$flinksim' is not an executable flinksim; build it or set FLINKSIM" >&2
  exit 2
fi
mkdir -p "$1"
out=$(cd "$1" && pwd)
scenarios=$repo/scenarios
: >"$out/commands.txt"

# flinksim exits 1 when an SLO is missed or no layout is feasible: an answer the notebooks show,
# not a failure. Anything else (2 bad input, 70 engine bug) stops the script.
fs() {
  echo "flinksim $*" >>"$out/commands.txt"
  local rc=0
  "$flinksim" "$@" || rc=$?
  if ((rc > 1)); then
    echo "make-inputs: 'flinksim $*' exited $rc" >&2
    exit "$rc"
  fi
}

# --- what-if.ipynb: one CPU-bound job (100k records/s) on four layouts --------------------------
# Each layout is simulated over the same short horizon by `run` (summary and time series) and by a
# one-row `sweep` (its cost per hour and whether it meets the SLOs over that horizon).
whatif=$out/what-if
whatif_scenario=$scenarios/recommend-cpu-bound.toml
whatif_horizon=20s
mkdir -p "$whatif"
echo "layout,overrides,change" >"$whatif/layouts.csv"
layout() {
  local name=$1 change=$2
  shift 2
  mkdir -p "$whatif/$name"
  echo "$name,\"$*\",\"$change\"" >>"$whatif/layouts.csv"
  fs run "$whatif_scenario" "$@" --horizon "$whatif_horizon" --json --no-timing --out "$whatif/$name" \
    >"$whatif/$name/run.json"
  fs sweep "$whatif_scenario" "$@" --horizon "$whatif_horizon" --json --out "$whatif/$name/sweep.json"
}
layout as-written "2 TaskManagers x 2 cores, enrich at parallelism 4 (the scenario as written)"
layout more-cores "4 cores per TaskManager instead of 2" \
  --set cluster.cpu_per_taskmanager=4
layout more-cores-enrich-8 "4 cores per TaskManager and enrich at parallelism 8" \
  --set cluster.cpu_per_taskmanager=4 --set operator.enrich.parallelism=8
layout spread-4x2 "4 TaskManagers x 2 slots x 2 cores, enrich at parallelism 8" \
  --set cluster.taskmanagers=4 -Dtaskmanager.numberOfTaskSlots=2 --set operator.enrich.parallelism=8

# --- calibration-review.ipynb: a saved snapshot, calibrated and simulated ------------------------
calibration=$out/calibration
rm -rf "$calibration/snapshot"
mkdir -p "$calibration"
cp -R "$scenarios/snapshots/running-etl" "$calibration/snapshot"
fs calibrate --from "$calibration/snapshot" --out "$calibration/calibrated.toml" >"$calibration/calibrate.txt"
fs run "$calibration/calibrated.toml" --horizon 30s --json --no-timing --out "$calibration/run" \
  >"$calibration/run.json"

# --- sweep-frontier.ipynb: a grid of layouts for a job whose SLO includes recovery --------------
sweep=$out/sweep
mkdir -p "$sweep"
grid=(--vary cluster.taskmanagers=1..6 --vary flink.taskmanager.numberOfTaskSlots=2,4
      --vary cluster.cpu_per_taskmanager=2,4 --jobs 2)
fs sweep "$scenarios/recommend-recovery-bound.toml" "${grid[@]}" --out "$sweep/rows.csv"
fs sweep "$scenarios/recommend-recovery-bound.toml" "${grid[@]}" --json --out "$sweep/rows.json"

echo "make-inputs: wrote $out" >&2
