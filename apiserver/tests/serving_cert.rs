//! The self-signed serving certificate: without `--tls-cert-file`/`--tls-private-key-file`,
//! kube-apiserver writes `apiserver.crt`/`apiserver.key` in `--cert-dir`, serves with them and
//! reuses them after a restart.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use common::{Cluster, Opts};
use http_body_util::{BodyExt, Full};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

/// A TLS client that trusts only the certificates of `cert_file` (the generated leaf and CA).
fn trusting(cert_file: &Path) -> Arc<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(cert_file).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

/// GET `path` over TLS, verifying the server as `server_name`; the status and body.
async fn get(
    tls: Arc<rustls::ClientConfig>,
    port: u16,
    server_name: &str,
    path: &str,
) -> Result<(u16, String), String> {
    let tcp = tokio::net::TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .map_err(|e| e.to_string())?;
    let stream = tokio_rustls::TlsConnector::from(tls)
        .connect(ServerName::try_from(server_name.to_string()).unwrap(), tcp)
        .await
        .map_err(|e| e.to_string())?;
    let (mut send, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let req = http::Request::get(path)
        .header("host", "localhost")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let resp = send.send_request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_signed_cert_is_written_trusted_and_reused() {
    let certs = tempfile::tempdir().unwrap();
    let cert_dir = certs.path().join("run/kubernetes");
    // Later flags win: empty values undo the harness's --tls-cert-file/--tls-private-key-file.
    let mut c = Cluster::start_opts(Opts {
        apiserver_args: vec![
            "--tls-cert-file=".to_string(),
            "--tls-private-key-file=".to_string(),
            format!("--cert-dir={}", cert_dir.display()),
        ],
        ..Opts::default()
    });
    let cert = cert_dir.join("apiserver.crt");
    let key = cert_dir.join("apiserver.key");
    assert!(cert.is_file(), "no {}:\n{}", cert.display(), c.log());
    assert!(key.is_file(), "no {}", key.display());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let written = (std::fs::read(&cert).unwrap(), std::fs::read(&key).unwrap());
    assert_eq!(
        CertificateDer::pem_file_iter(&cert).unwrap().count(),
        2,
        "certificate then CA"
    );

    // A client trusting the written certificate connects, by name and by address.
    let tls = trusting(&cert);
    for name in ["localhost", "127.0.0.1", "kubernetes.default.svc"] {
        let (status, body) = get(tls.clone(), c.port, name, "/healthz")
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", c.log()));
        assert_eq!((status, body.as_str()), (200, "ok"), "{name}");
    }
    // The service IP of --service-cluster-ip-range=10.96.0.0/12 is in the certificate too.
    get(tls.clone(), c.port, "10.96.0.1", "/version")
        .await
        .unwrap();
    // A name it was not made for is refused.
    assert!(get(tls.clone(), c.port, "example.com", "/healthz")
        .await
        .is_err());
    // The harness's CA (what the other tests trust) does not vouch for it.
    let harness_ca = c.dir.path().join("ca.crt");
    assert!(get(trusting(&harness_ca), c.port, "localhost", "/healthz")
        .await
        .is_err());

    // A restart reuses the pair byte for byte.
    c.restart_apiserver();
    let again = (std::fs::read(&cert).unwrap(), std::fs::read(&key).unwrap());
    assert_eq!(written, again);
    let (status, _) = get(tls, c.port, "localhost", "/healthz").await.unwrap();
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn given_cert_files_leave_cert_dir_alone() {
    let certs = tempfile::tempdir().unwrap();
    let cert_dir = certs.path().join("unused");
    let c = Cluster::start_opts(Opts {
        apiserver_args: vec![format!("--cert-dir={}", cert_dir.display())],
        ..Opts::default()
    });
    assert!(!cert_dir.exists(), "{}", c.log());
    let tls = trusting(&c.dir.path().join("ca.crt"));
    let (status, _) = get(tls, c.port, "localhost", "/healthz").await.unwrap();
    assert_eq!(status, 200);
}

#[test]
fn help_lists_cert_dir() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kube-apiserver"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    // Lines are wrapped to the terminal: compare with whitespace collapsed.
    let help = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        help.contains("--cert-dir <CERT_DIR> The directory where the TLS certs are located. If --tls-cert-file and --tls-private-key-file are provided, this flag will be ignored"),
        "{help}"
    );
    assert!(help.contains("[default: /var/run/kubernetes]"), "{help}");
}
