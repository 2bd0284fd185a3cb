#!/usr/bin/env bash
# Runs every component's benchmark, each printing its figures beside its reference.
# Each benchmark starts its own processes on free loopback ports and stops them by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release}
ran=0
for bench in hack/bench.d/*.sh; do
  [[ -e $bench ]] || continue
  echo "== $(basename "$bench" .sh)"
  BIN=$BIN bash "$bench"
  ran=$((ran + 1))
done
((ran)) || echo "no benchmarks yet"
