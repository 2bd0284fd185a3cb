#!/usr/bin/env bash
# Starts a single-node kubeoxide cluster from the built binaries in $BIN: what exists so far.
# State (data, PKI, kubeconfig, logs, PIDs) lives in $STATE_DIR. Running it again is harmless.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib.sh
BIN=${BIN:-target/release}
ETCD_PORT=${ETCD_PORT:-2379}
APISERVER_PORT=${APISERVER_PORT:-6443}
export STATE_DIR APISERVER_PORT

echo "Starting kubeoxide (binaries from $BIN, state in $STATE_DIR)"

mkdir -p "$STATE_DIR/etcd"
start etcd-shim "$BIN/etcd-shim" \
  --data-dir "$STATE_DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_PORT"
if ! wait_for "etcd-shim on 127.0.0.1:$ETCD_PORT" 30 etcdctl --endpoints "127.0.0.1:$ETCD_PORT" endpoint status; then
  tail -n 20 "$LOG_DIR/etcd-shim.log" >&2
  exit 1
fi

if [[ -x $BIN/kube-apiserver ]]; then
  bash hack/pki.sh
  pki=$STATE_DIR/pki
  start kube-apiserver "$BIN/kube-apiserver" \
    --secure-port "$APISERVER_PORT" --bind-address 127.0.0.1 --advertise-address 127.0.0.1 \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --service-cluster-ip-range 10.96.0.0/12
  if ! wait_for "kube-apiserver on 127.0.0.1:$APISERVER_PORT" 60 \
      curl -sf --cacert "$pki/ca.crt" "https://127.0.0.1:$APISERVER_PORT/readyz"; then
    tail -n 20 "$LOG_DIR/kube-apiserver.log" >&2
    exit 1
  fi
fi

echo
echo "kubeoxide is up."
echo "  datastore:  etcd-shim on 127.0.0.1:$ETCD_PORT (etcd v3 API), e.g."
echo "                etcdctl --endpoints 127.0.0.1:$ETCD_PORT endpoint status -w table"
if [[ -x $BIN/kube-apiserver ]]; then
  echo "  apiserver:  https://127.0.0.1:$APISERVER_PORT"
  echo "  kubectl:    export KUBECONFIG=$STATE_DIR/admin.conf"
  echo "                kubectl get namespaces"
  echo "                kubectl create configmap demo --from-literal=hello=world"
  echo "                kubectl get configmaps -A"
else
  echo "  kubectl:    needs kube-apiserver (issue #5), not built yet"
fi
echo "  logs:       $LOG_DIR/"
echo "  stop:       make down"
