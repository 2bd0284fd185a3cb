#!/usr/bin/env bash
# Installs what building, testing and running kubeoxide needs on Debian 12, as root.
# Idempotent and quiet when everything is already there.
set -euo pipefail

packages=(
  build-essential pkg-config ca-certificates curl
  protobuf-compiler   # etcd-client's build script runs protoc
  etcd-server         # real etcd 3.4: the differential tests' and benchmarks' reference
  etcd-client         # etcdctl: the shim must work with it
  iproute2 iptables   # network namespaces and service rules
  python3 python3-pip # shared/bench/apiload.py; the Python client test (pip installs `kubernetes`)
  procps              # ps/pkill-free PID checks in scripts
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# kubectl: the client that must work unchanged. Debian 12 has none recent enough; the Google
# Cloud SDK apt repository provides `kubectl` (a version dispatcher with 1.27..1.33 clients).
if ! command -v kubectl >/dev/null; then
  if apt-get install -y -qq kubectl >/dev/null 2>&1; then
    echo "install-deps: installed kubectl"
  else
    echo "install-deps: kubectl not found and no apt source provides it; install kubectl v1.33 to use the cluster" >&2
  fi
fi

# Rust: rustup's stable toolchain with rustfmt and clippy.
if ! command -v cargo >/dev/null && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null; then
  echo "install-deps: installing the Rust toolchain with rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if command -v rustup >/dev/null; then
  for c in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
  done
fi
