#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a while:
#   scripts/fuzz.sh flink_config 60    # fuzz_flink_config for 60 s
#   scripts/fuzz.sh                    # every target (all), 30 s each
# Targets: scenario, prometheus, rest_json, flink_config (fuzz/). Seeds: the bundled scenarios,
# snapshots and REST fixtures, the bad inputs of tests/bad_inputs/, the YAML files of deploy/ and a
# Prometheus line; the corpus grows in $build/corpus/<target>/. A crash, a leak or undefined
# behaviour (UBSan halts) fails the run and leaves crash-* in $build/artifacts/: turn it into a
# regression file (scenarios/broken/, tests/bad_inputs/) before fixing it.
#   FLINKSIM_FUZZ_BUILD_DIR   the build directory (default build-fuzz)
#   FLINKSIM_FUZZ_CMAKE_ARGS  extra CMake arguments (e.g. a compiler launcher)
#   FLINKSIM_FUZZ_SMOKE=1     the short CI run (tests/fuzz/fuzz_smoke.cmake): every corpus starts
#                             from the seeds alone, libFuzzer's seed is fixed (-seed=1), and a
#                             machine without clang's libFuzzer skips (exit 77) instead of
#                             installing it.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${FLINKSIM_FUZZ_BUILD_DIR:-build-fuzz}
smoke=${FLINKSIM_FUZZ_SMOKE:-0}
all="scenario prometheus rest_json flink_config"
targets=${1:-all}
[ "$targets" = all ] && targets=$all
seconds=${2:-30}

libfuzzer() { [ -f "$(clang++ -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a" ]; }
if ! command -v clang++ >/dev/null || ! libfuzzer; then
  if [ "$smoke" = 1 ]; then
    echo "fuzz: clang++ with libFuzzer is not installed (scripts/setup.sh --tests installs it); skipped"
    exit 77
  fi
  apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
fi

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DFLINKSIM_FUZZ=ON -DFLINKSIM_BENCH=OFF ${FLINKSIM_FUZZ_CMAKE_ARGS:-} >/dev/null
# Every target in one ninja call, so they build in parallel; the log only when it fails.
ninja -C "$build" $(printf 'fuzz_%s ' $targets) >"$build/fuzz-build.log" || { cat "$build/fuzz-build.log"; exit 1; }

# Copies the seeds of target $1 into corpus folder $2, named by their path (unique, readable).
seed() {
  local f
  case $1 in
    scenario)     set -- "$2" scenarios/*.toml scenarios/broken/*.toml ;;
    rest_json)    set -- "$2" tests/calibrate/fixtures/*/*.json scenarios/snapshots/*/*.json \
                                tests/bad_inputs/rest/*/*.json ;;
    flink_config) set -- "$2" tests/bad_inputs/flink-config/*/*.yaml deploy/*.yaml ;;
    prometheus)   printf 'flink_taskmanager_job_task_busyTimeMsPerSecond{job_id="a",task_name="x",subtask_index="0"} 12.5\n' \
                    > "$2/seed.txt"
                  set -- "$2" tests/bad_inputs/prometheus/*.txt ;;
  esac
  local corpus=$1
  shift
  for f in "$@"; do cp -f "$f" "$corpus/$(echo "$f" | tr / _)"; done
}

status=0
for t in $targets; do
  corpus="$build/corpus/$t"
  [ "$smoke" = 1 ] && rm -rf "$corpus"
  mkdir -p "$corpus" "$build/artifacts"
  seed "$t" "$corpus"
  flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
         -artifact_prefix="$build/artifacts/fuzz_$t-")
  [ "$smoke" = 1 ] && flags+=(-seed=1)
  echo "fuzz_$t for ${seconds}s over $(ls "$corpus" | wc -l) inputs"
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$build/fuzz/fuzz_$t" "${flags[@]}" "$corpus" 2>&1 ||
    { status=1; echo "fuzz_$t FAILED: see $build/artifacts/"; }
done
exit $status
