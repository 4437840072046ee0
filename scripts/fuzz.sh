#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs one for a while:
#   scripts/fuzz.sh scenario 60        # fuzz_scenario for 60 s (default: all three, 30 s each)
# Seeds come from the bundled scenarios, the REST fixtures and a Prometheus scrape; the corpus
# grows in build-fuzz/corpus/<target>/. A crash leaves crash-* in the working directory: turn it
# into a regression test (a file in scenarios/broken/ or tests/) before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${FLINKSIM_FUZZ_BUILD_DIR:-build-fuzz}
command -v clang++ >/dev/null || apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DFLINKSIM_FUZZ=ON -DFLINKSIM_BENCH=OFF >/dev/null
targets=${1:-"scenario prometheus rest_json"}
seconds=${2:-30}
for t in $targets; do
  ninja -C "$build" "fuzz_$t" >/dev/null
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  case $t in
    scenario) cp -f scenarios/*.toml "$corpus/"
              for f in scenarios/broken/*.toml; do cp -f "$f" "$corpus/broken-$(basename "$f")"; done ;;
    rest_json) for f in tests/calibrate/fixtures/*/*.json; do
                 cp "$f" "$corpus/$(basename "$(dirname "$f")")-$(basename "$f")"
               done ;;
    prometheus)
                printf 'flink_taskmanager_job_task_busyTimeMsPerSecond{job_id="a",task_name="x",subtask_index="0"} 12.5\n' > "$corpus/seed.txt" ;;
  esac
  echo "fuzz_$t for ${seconds}s"
  "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$corpus"
done
