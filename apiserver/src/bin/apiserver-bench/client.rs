//! The client side: credentials from a kubeconfig (embedded data or file paths), rustls with
//! the admin client certificate, and a small pool of HTTP/2 connections that many requests
//! share as concurrent streams (as client-go does).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http2::SendRequest;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use serde_json::Value;

/// Where the apiserver is and how to prove who we are.
pub struct Target {
    pub addr: SocketAddr,
    pub tls: Arc<rustls::ClientConfig>,
}

/// One kubeconfig credential: inline base64 data or a file path (relative to the kubeconfig).
fn material(section: &Value, data_key: &str, file_key: &str, base: &Path) -> Result<Vec<u8>> {
    if let Some(data) = section.get(data_key).and_then(Value::as_str) {
        return base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .with_context(|| format!("{data_key} is not base64"));
    }
    if let Some(file) = section.get(file_key).and_then(Value::as_str) {
        let path = base.join(file);
        return std::fs::read(&path).with_context(|| format!("read {}", path.display()));
    }
    bail!("kubeconfig has neither {data_key} nor {file_key}")
}

/// The current context's cluster and user sections.
fn current(cfg: &Value) -> Result<(&Value, &Value)> {
    let named = |list: &str, name: Option<&str>, inner: &str| -> Result<&Value> {
        let items = cfg
            .get(list)
            .and_then(Value::as_array)
            .ok_or_else(|| anyhow!("kubeconfig has no {list}"))?;
        let item = match name {
            Some(n) => items
                .iter()
                .find(|i| i.get("name").and_then(Value::as_str) == Some(n)),
            None => items.first(),
        };
        item.and_then(|i| i.get(inner))
            .ok_or_else(|| anyhow!("kubeconfig: no usable entry in {list}"))
    };
    let ctx_name = cfg.get("current-context").and_then(Value::as_str);
    let ctx = named("contexts", ctx_name, "context")?;
    let cluster = named(
        "clusters",
        ctx.get("cluster").and_then(Value::as_str),
        "cluster",
    )?;
    let user = named("users", ctx.get("user").and_then(Value::as_str), "user")?;
    Ok((cluster, user))
}

/// Reads a kubeconfig with client-certificate auth. Only loopback servers are accepted:
/// this tool must never load anything else.
pub fn from_kubeconfig(path: &Path) -> Result<Target> {
    let text = std::fs::read_to_string(path).with_context(|| format!("read {}", path.display()))?;
    let cfg: Value = serde_saphyr::from_str(&text).context("parse kubeconfig")?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let (cluster, user) = current(&cfg)?;
    let server = cluster
        .get("server")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("kubeconfig cluster has no server"))?;
    let hostport = server
        .strip_prefix("https://")
        .ok_or_else(|| anyhow!("server {server} is not https://"))?
        .trim_end_matches('/');
    let addr: SocketAddr = hostport
        .parse()
        .with_context(|| format!("server {server} is not https://<ip>:<port>"))?;
    if !addr.ip().is_loopback() {
        bail!("refusing non-loopback server {addr}");
    }
    let ca = material(
        cluster,
        "certificate-authority-data",
        "certificate-authority",
        &base,
    )?;
    let cert = material(user, "client-certificate-data", "client-certificate", &base)?;
    let key = material(user, "client-key-data", "client-key", &base)?;
    Ok(Target {
        addr,
        tls: tls_config(&ca, &cert, &key)?,
    })
}

fn tls_config(ca: &[u8], cert: &[u8], key: &[u8]) -> Result<Arc<rustls::ClientConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(ca) {
        roots.add(c.context("CA certificate")?)?;
    }
    let certs = CertificateDer::pem_slice_iter(cert)
        .collect::<Result<Vec<_>, _>>()
        .context("client certificate")?;
    let key = PrivateKeyDer::from_pem_slice(key).context("client key")?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_client_auth_cert(certs, key)?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

/// One HTTP/2 connection; cheap to clone, each clone opens streams on the same connection.
pub type Conn = SendRequest<Full<Bytes>>;

/// Opens one TLS + HTTP/2 connection (ALPN must pick h2).
pub async fn connect(target: &Target) -> Result<Conn> {
    let tcp = tokio::net::TcpStream::connect(target.addr).await?;
    tcp.set_nodelay(true)?;
    let name = ServerName::from(target.addr.ip());
    let tls = tokio_rustls::TlsConnector::from(target.tls.clone())
        .connect(name, tcp)
        .await
        .context("TLS handshake")?;
    if tls.get_ref().1.alpn_protocol() != Some(b"h2") {
        bail!("server did not negotiate HTTP/2");
    }
    let (send, conn) = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
        .handshake(TokioIo::new(tls))
        .await
        .context("HTTP/2 handshake")?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(send)
}

/// Opens `n` connections.
pub async fn pool(target: &Target, n: usize) -> Result<Vec<Conn>> {
    let mut conns = Vec::with_capacity(n);
    for _ in 0..n.max(1) {
        conns.push(connect(target).await?);
    }
    Ok(conns)
}

/// A JSON request for `path` with an optional body.
pub fn request(
    method: &http::Method,
    path: &str,
    body: Bytes,
) -> Result<http::Request<Full<Bytes>>> {
    let mut req = http::Request::builder()
        .method(method.clone())
        .uri(format!("https://127.0.0.1{path}"))
        .header("accept", "application/json");
    if !body.is_empty() {
        req = req.header("content-type", "application/json");
    }
    Ok(req.body(Full::new(body))?)
}

/// One finished call: status, body and how long it took (until the last body byte).
pub struct Reply {
    pub status: u16,
    pub body: Bytes,
    pub took: Duration,
}

/// Sends one request and reads the whole answer, within `limit`.
pub async fn call(
    conn: &mut Conn,
    method: &http::Method,
    path: &str,
    body: Bytes,
    limit: Duration,
) -> Result<Reply> {
    let req = request(method, path, body)?;
    let start = Instant::now();
    let fut = async {
        conn.ready().await?;
        let resp = conn.send_request(req).await?;
        let status = resp.status().as_u16();
        let body = resp.into_body().collect().await?.to_bytes();
        Ok::<_, anyhow::Error>((status, body))
    };
    let (status, body) = tokio::time::timeout(limit, fut)
        .await
        .map_err(|_| anyhow!("{method} {path}: no answer within {limit:?}"))??;
    Ok(Reply {
        status,
        body,
        took: start.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kubeconfig for `server` with a fresh self-signed CA used as client identity too.
    fn kubeconfig(dir: &Path, server: &str) -> PathBuf {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).unwrap();
        std::fs::write(dir.join("ca.crt"), cert.pem()).unwrap();
        std::fs::write(dir.join("admin.key"), key.serialize_pem()).unwrap();
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\n    certificate-authority: ca.crt\nusers:\n- name: u\n  user:\n    client-certificate-data: {}\n    client-key: admin.key\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n",
            b64(&cert.pem())
        );
        let path = dir.join("kubeconfig");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn reads_files_relative_to_the_kubeconfig_and_inline_data() {
        let dir = tempfile::tempdir().unwrap();
        let target = from_kubeconfig(&kubeconfig(dir.path(), "https://127.0.0.1:6443")).unwrap();
        assert_eq!(target.addr, "127.0.0.1:6443".parse().unwrap());
        assert_eq!(target.tls.alpn_protocols, vec![b"h2".to_vec()]);
    }

    #[test]
    fn refuses_servers_off_loopback() {
        let dir = tempfile::tempdir().unwrap();
        let err = from_kubeconfig(&kubeconfig(dir.path(), "https://10.1.2.3:6443"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("non-loopback"), "{err}");
        let err = from_kubeconfig(&kubeconfig(dir.path(), "https://example.com:6443"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("https://<ip>:<port>"), "{err}");
    }
}
