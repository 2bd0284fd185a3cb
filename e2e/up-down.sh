#!/usr/bin/env bash
# End-to-end check of the README's `make up` / `make down` scripts: starts what `make up`
# starts (from the already-built binaries in $BIN) on free loopback ports in a temporary state
# directory, uses it as the README says, stops it, and checks nothing is left running.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/debug}
state=$(mktemp -d)
passed=0 failed=0
check() { # check DESCRIPTION CMD...
  if "${@:2}" >/dev/null 2>&1; then passed=$((passed + 1)); echo "ok   $1"
  else failed=$((failed + 1)); echo "FAIL $1"; fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cleanup() { STATE_DIR=$state bash hack/down.sh >/dev/null 2>&1; rm -rf "$state"; }
trap cleanup EXIT

port=$(free_port)
export STATE_DIR=$state BIN ETCD_PORT=$port APISERVER_PORT=$(free_port)
kc() { KUBECONFIG=$state/admin.conf kubectl "$@"; }
export -f kc; export state
out=$(bash hack/up.sh 2>&1); rc=$?
echo "$out" | sed 's/^/  | /'
check "up.sh exits 0" test $rc -eq 0
check "up.sh prints how to use it" grep -q "make down" <<<"$out"
ep=(--endpoints "127.0.0.1:$port")
check "etcdctl put through etcd-shim" etcdctl "${ep[@]}" put e2e-key e2e-value
check "etcdctl get reads it back" bash -c "etcdctl ${ep[*]} get e2e-key --print-value-only | grep -qx e2e-value"
check "status reports running" bash -c "bash hack/down.sh --status | grep -q 'etcd-shim: running'"
if [[ -x $BIN/kube-apiserver ]]; then
  check "kubectl reaches the apiserver" kc get --raw /readyz
  check "kubectl lists the default namespaces" bash -c "kc get namespaces -o name | grep -qx namespace/kube-system"
  # `create -f` sends JSON (validated on the server: kubectl finds fieldValidation in
  # /openapi/v3); `create configmap` sends protobuf.
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e2e-cm}\ndata: {k: v}\n' > "$state/cm.yaml"
  check "kubectl creates a configmap" kc create -f "$state/cm.yaml"
  check "kubectl reads it back" bash -c "[[ \$(kc get configmap e2e-cm -o jsonpath='{.data.k}') == v ]]"
  check "kubectl create configmap (protobuf body)" kc create configmap e2e-pb --from-literal=a=b
  check "kubectl get prints the table" bash -c "kc get configmaps | grep -E '^e2e-pb +1 +'"
fi
pid=$(cat "$state/run/etcd-shim.pid" 2>/dev/null || echo 0)
check "up.sh is idempotent" bash hack/up.sh
check "same process after second up" test "$(cat "$state/run/etcd-shim.pid" 2>/dev/null)" = "$pid"
check "down.sh exits 0" bash hack/down.sh
check "etcd-shim stopped" bash -c "! kill -0 $pid"
check "data survives restart" bash -c "bash hack/up.sh && etcdctl ${ep[*]} get e2e-key --print-value-only | grep -qx e2e-value"
if [[ -x $BIN/kube-apiserver ]]; then
  check "configmap survives restart" bash -c "[[ \$(kc get configmap e2e-cm -o jsonpath='{.data.k}') == v ]]"
fi

echo "$passed passed, $failed failed"
((failed == 0))
