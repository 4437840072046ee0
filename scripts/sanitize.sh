#!/usr/bin/env bash
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer (any report fails the
# test that triggered it): a separate build in build-asan, the same set-up as the README's test
# command. The CI job .ci/sanitize runs it; on a 2-core machine it takes 13 minutes from a cold
# build directory (about twice the plain CI run), which is why the README's test command does not.
#   scripts/sanitize.sh            # every test but the fuzz run (already sanitized)
#   scripts/sanitize.sh -L quick   # extra ctest arguments
set -euo pipefail
cd "$(dirname "$0")/.."
export FLINKSIM_BUILD_DIR=${FLINKSIM_BUILD_DIR:-build-asan}
# A Debug build (no -DNDEBUG: the code's own assertions are checked too) at -O1 -g1 (CMakeLists.txt).
export FLINKSIM_CMAKE_ARGS="-DFLINKSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DFLINKSIM_BENCH=OFF ${FLINKSIM_CMAKE_ARGS:-}"
scripts/setup.sh --tests
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
ctest --test-dir "$FLINKSIM_BUILD_DIR" --output-on-failure -j2 -LE fuzz "$@"
