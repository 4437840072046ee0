#!/usr/bin/env bash
# Installs what flinksim needs on Debian 12 (as root), configures and builds. Idempotent: a package
# already present is not installed again. `--tests` adds what only the tests need.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake ninja-build pkg-config
          libeigen3-dev libboost-graph-dev libtomlplusplus-dev libcli11-dev libbenchmark-dev
          catch2 libcurl4-openssl-dev nlohmann-json3-dev libyaml-cpp-dev libcpp-httplib-dev libjs-chart.js)
# --tests: also what only the tests need (headless Chromium draws report.html; Jupyter executes the
# notebooks; clang builds the fuzz targets for the short fuzz run), so the first command of the
# README does not wait for a browser, a notebook stack and a second compiler.
if [[ ${1:-} == --tests ]]; then
  packages+=(chromium jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib
             clang libclang-rt-14-dev)
elif (($#)); then
  echo "usage: scripts/setup.sh [--tests]" >&2
  exit 2
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build_dir=${FLINKSIM_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release ${FLINKSIM_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
