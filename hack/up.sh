#!/usr/bin/env bash
# Starts a single-node kubeoxide cluster from the release binaries: what exists so far.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
BIN=${BIN:-target/release}
ETCD_PORT=${ETCD_PORT:-2379}

echo "Starting kubeoxide (state in $STATE_DIR)"
mkdir -p "$STATE_DIR/etcd"
start etcd-shim "$BIN/etcd-shim" \
  --data-dir "$STATE_DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_PORT"
if ! wait_for "etcd-shim on 127.0.0.1:$ETCD_PORT" 30 etcdctl --endpoints "127.0.0.1:$ETCD_PORT" endpoint status; then
  tail -n 20 "$LOG_DIR/etcd-shim.log" >&2
  exit 1
fi

cat <<MSG

kubeoxide is up.
  datastore:  etcd-shim on 127.0.0.1:$ETCD_PORT (etcd v3 API)
              try: etcdctl --endpoints 127.0.0.1:$ETCD_PORT put hello world
                   etcdctl --endpoints 127.0.0.1:$ETCD_PORT get hello -w json
              etcdctl --endpoints 127.0.0.1:$ETCD_PORT endpoint status -w table
  kubectl:    needs kube-apiserver, which is not built yet (issue #5); once it is, \`make up\`
              writes $STATE_DIR/admin.conf and you run:  export KUBECONFIG=$STATE_DIR/admin.conf
  logs:       $LOG_DIR/
  stop:       make down
MSG
