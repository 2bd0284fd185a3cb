#!/usr/bin/env bash
# Stops what `make up` started (by recorded PID), newest component first. `--status` only reports.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
components=(etcd-shim kube-apiserver)
if [[ ${1:-} == --status ]]; then
  for c in "${components[@]}"; do
    if is_running "$c"; then echo "$c: running (pid $(cat "$RUN_DIR/$c.pid"))"; else echo "$c: stopped"; fi
  done
  exit 0
fi
for ((i=${#components[@]}-1; i>=0; i--)); do stop "${components[i]}"; done
