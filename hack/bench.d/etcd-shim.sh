#!/usr/bin/env bash
# etcd-shim vs real etcd 3.4 (Debian's etcd-server, fsync on for both), same client and workload
# in one run. etcd-bench starts both servers on free loopback ports and stops them itself.
set -euo pipefail
BIN=${BIN:-target/release}
"$BIN/etcd-bench"
