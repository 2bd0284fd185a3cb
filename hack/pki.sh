#!/usr/bin/env bash
# Creates the cluster PKI and the admin kubeconfig under $STATE_DIR (kubeadm's layout, in
# small): a CA, the apiserver's serving certificate, and an admin client certificate
# (CN=kubernetes-admin, O=system:masters). Existing files are kept.
set -euo pipefail
STATE_DIR=${STATE_DIR:?}
APISERVER_PORT=${APISERVER_PORT:-6443}
pki=$STATE_DIR/pki
mkdir -p "$pki"
umask 077

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if [[ ! -f $pki/ca.crt ]]; then
  key "$pki/ca.key"
  openssl req -x509 -new -key "$pki/ca.key" -subj "/CN=kubernetes" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$pki/ca.crt" 2>/dev/null
fi

# sign NAME SUBJECT EXTENSIONS: a leaf certificate signed by the CA.
sign() {
  local name=$1 subject=$2 ext=$3
  [[ -f $pki/$name.crt ]] && return 0
  key "$pki/$name.key"
  openssl req -new -key "$pki/$name.key" -subj "$subject" -out "$pki/$name.csr" 2>/dev/null
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 365 -extfile <(printf '%s\n' "$ext") -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr"
}

sign apiserver "/CN=kube-apiserver" \
  "subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.96.0.1
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth"
sign admin "/O=system:masters/CN=kubernetes-admin" \
  "keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"

b64() { base64 -w0 < "$1"; }
cat > "$STATE_DIR/admin.conf" <<CONF
apiVersion: v1
kind: Config
clusters:
- name: kubeoxide
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $(b64 "$pki/ca.crt")
users:
- name: kubernetes-admin
  user:
    client-certificate-data: $(b64 "$pki/admin.crt")
    client-key-data: $(b64 "$pki/admin.key")
contexts:
- name: kubernetes-admin@kubeoxide
  context:
    cluster: kubeoxide
    user: kubernetes-admin
current-context: kubernetes-admin@kubeoxide
CONF
