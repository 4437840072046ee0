#!/usr/bin/env bash
# Rewrites tests/golden/*.json from tests/golden/manifest.txt with the built flinksim, after a
# deliberate change of behaviour; review the diff (git diff tests/golden) before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${FLINKSIM_BINARY:-build/flinksim}
grep -v '^#' tests/golden/manifest.txt | while read -r file args; do
  [ -n "$file" ] || continue
  # shellcheck disable=SC2086
  "$bin" $args > "tests/golden/$file.tmp" || [ $? -eq 1 ]  # exit 1 = a negative answer, still output
  mv "tests/golden/$file.tmp" "tests/golden/$file"
  echo "updated tests/golden/$file"
done
