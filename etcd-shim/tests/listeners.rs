//! https (with client certificate auth) and unix-socket listeners, driven by etcdctl.

mod common;

use std::path::Path;
use std::process::Command;

use common::{free_port, Kind, Server};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, ExtendedKeyUsagePurpose, IsCa, KeyPair,
};

fn write_pki(dir: &Path) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    for (name, eku) in [
        ("server", ExtendedKeyUsagePurpose::ServerAuth),
        ("client", ExtendedKeyUsagePurpose::ClientAuth),
    ] {
        let mut p =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
        p.extended_key_usages = vec![eku];
        let key = KeyPair::generate().unwrap();
        let cert = p.signed_by(&key, &ca).unwrap();
        std::fs::write(dir.join(format!("{name}.pem")), cert.pem()).unwrap();
        std::fs::write(dir.join(format!("{name}.key")), key.serialize_pem()).unwrap();
    }
}

fn ctl(args: &[&str]) -> std::process::Output {
    Command::new("etcdctl")
        .env("ETCDCTL_API", "3")
        .args(["--dial-timeout=5s", "--command-timeout=10s"])
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_client_certs_and_unix_socket() {
    let tmp = tempfile::tempdir().unwrap();
    write_pki(tmp.path());
    let p = |f: &str| tmp.path().join(f).to_str().unwrap().to_string();
    let https = format!("https://127.0.0.1:{}", free_port());
    // etcd's unix URL form: the socket file `localhost:PORT` in the working directory
    // (grpc-go then sends a valid :authority; an absolute path would not be one).
    let unix = format!("unix://localhost:{}", free_port());
    let (cert, key, ca) = (p("server.pem"), p("server.key"), p("ca.pem"));
    let shim = Server::start_in(
        Kind::Shim,
        &tmp.path().join("data"),
        &[
            "--listen-client-urls",
            &format!("{https},{unix}"),
            "--cert-file",
            &cert,
            "--key-file",
            &key,
            "--trusted-ca-file",
            &ca,
            "--client-cert-auth",
        ],
    );
    let _ = shim.client().await; // the plain listener is up, so all are

    let ep = format!("--endpoints={https}");
    let (ccert, ckey) = (p("client.pem"), p("client.key"));
    let out = ctl(&[
        &ep, "--cacert", &ca, "--cert", &ccert, "--key", &ckey, "put", "tls-key", "v",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "OK\n");

    // Without a client certificate the handshake is refused.
    let out = ctl(&[
        &ep,
        "--cacert",
        &ca,
        "--dial-timeout=1s",
        "--command-timeout=2s",
        "get",
        "tls-key",
    ]);
    assert!(!out.status.success(), "client-cert-auth must be enforced");

    // The unix socket serves the same store.
    let out = Command::new("etcdctl")
        .env("ETCDCTL_API", "3")
        .current_dir(tmp.path())
        .args([&format!("--endpoints={unix}"), "get", "tls-key"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "tls-key\nv\n");
}
