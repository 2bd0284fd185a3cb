//! Test harness: a throw-away PKI (rcgen), a real etcd and the `kube-apiserver` binary on free
//! loopback ports, a kubeconfig for kubectl, and a small HTTPS client. Everything is killed by
//! PID when the [`Cluster`] drops, also on panic.

#![allow(dead_code)]

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use serde_json::Value;

pub const ADMIN_TOKEN: &str = "admin-token-0123456789";

/// A loopback port nobody listens on, never handed out twice by this test process (tests
/// start clusters in parallel, and the OS may offer a just-released port again).
fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

fn wait_for_port(port: u16, what: &str, child: &mut Child, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            panic!("{what} exited with {status}:\n{log}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = std::fs::read_to_string(log).unwrap_or_default();
    panic!("{what} did not listen on {port}:\n{log}");
}

fn wait_for_socket(path: &Path, child: &mut Child, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "etcd exited with {status}:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("etcd did not create {}", path.display());
}

/// Which etcd implementation a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `$KUBEOXIDE_TEST_ETCD` if set, else Debian's `/usr/bin/etcd`.
    Default,
    /// Real etcd (`/usr/bin/etcd`).
    Etcd,
    /// The workspace's `etcd-shim` (`target/debug/etcd-shim`, built if missing).
    Shim,
}

/// The etcd server to test against: `$KUBEOXIDE_TEST_ETCD` (e.g. the `etcd-shim` binary),
/// else Debian's `/usr/bin/etcd`.
pub fn etcd_binary() -> PathBuf {
    std::env::var_os("KUBEOXIDE_TEST_ETCD")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/etcd"))
}

static SHIM_BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The workspace's `etcd-shim` binary next to this test's `kube-apiserver`; built with
/// `cargo build -p etcd-shim` when it is missing. Panics (never skips) when it cannot be had.
pub fn shim_binary() -> PathBuf {
    let apiserver = PathBuf::from(env!("CARGO_BIN_EXE_kube-apiserver"));
    let shim = apiserver.with_file_name("etcd-shim");
    let _once = SHIM_BUILD.lock().unwrap_or_else(|p| p.into_inner());
    if !shim.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let release = apiserver
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == "release");
        let profile: &[&str] = if release { &["--release"] } else { &[] };
        let status = Command::new(cargo)
            .args(["build", "-p", "etcd-shim", "--bin", "etcd-shim"])
            .args(profile)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status();
        assert!(
            shim.exists(),
            "the etcd-shim binary is missing at {} and `cargo build -p etcd-shim` did not make it ({status:?}); build it before running the apiserver tests",
            shim.display()
        );
    }
    shim
}

impl Backend {
    pub fn binary(self) -> PathBuf {
        match self {
            Backend::Default => etcd_binary(),
            Backend::Etcd => PathBuf::from("/usr/bin/etcd"),
            Backend::Shim => shim_binary(),
        }
    }
}

/// How a test cluster is started.
#[derive(Clone, Debug)]
pub struct Opts {
    pub mode: EtcdMode,
    pub backend: Backend,
    /// Extra kube-apiserver flags (later flags win).
    pub apiserver_args: Vec<String>,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            mode: EtcdMode::Http,
            backend: Backend::Default,
            apiserver_args: Vec::new(),
        }
    }
}

/// How the apiserver reaches etcd.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EtcdMode {
    Http,
    /// HTTPS with client certificates (`--etcd-cafile/--etcd-certfile/--etcd-keyfile`).
    Tls,
    /// A unix socket (`unix:///path`).
    Unix,
}

/// An open HTTP/1.1 connection to the apiserver.
pub struct Conn {
    who: Who,
    send: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Conn {
    /// One request; the whole body is read.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Resp {
        self.send.ready().await.unwrap();
        let resp = self
            .send
            .send_request(Cluster::build(self.who, method, path, headers, body))
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Resp {
            status,
            content_type,
            body,
        }
    }

    /// A JSON request.
    pub async fn json(&mut self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let body = body.map(|b| serde_json::to_vec(&b).unwrap());
        self.request(
            method,
            path,
            &[
                ("content-type", "application/json"),
                ("accept", "application/json"),
            ],
            body,
        )
        .await
    }
}

/// Who a request is sent as.
#[derive(Clone, Copy, Debug)]
pub enum Who {
    /// x509 client certificate CN=kubernetes-admin, O=system:masters.
    Admin,
    /// No credentials at all.
    Anonymous,
    /// A client certificate (CN=kubernetes-admin, O=system:masters) from an untrusted CA.
    Rogue,
    /// A bearer token.
    Token(&'static str),
}

/// An answer: status, content type and the body (parsed as JSON when it is JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One etcd and one kube-apiserver.
pub struct Cluster {
    pub dir: tempfile::TempDir,
    etcd: Child,
    apiserver: Child,
    /// Every flag the apiserver was started with (for restarts).
    apiserver_args: Vec<String>,
    pub port: u16,
    pub etcd_url: String,
    pub kubeconfig: PathBuf,
    admin_tls: Arc<rustls::ClientConfig>,
    anon_tls: Arc<rustls::ClientConfig>,
    rogue_tls: Arc<rustls::ClientConfig>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for child in [&mut self.apiserver, &mut self.etcd] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

struct Pki {
    rogue_cert: String,
    rogue_key: String,
    etcd_cert: String,
    etcd_key: String,
    etcd_client_cert: String,
    etcd_client_key: String,
    ca_pem: String,
    server_cert: String,
    server_key: String,
    admin_cert: String,
    admin_key: String,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "kubeoxide-test-ca");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);

    let server_key = KeyPair::generate().unwrap();
    let mut server =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    server
        .distinguished_name
        .push(DnType::CommonName, "kube-apiserver");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server.signed_by(&server_key, &issuer).unwrap();

    let admin_key = KeyPair::generate().unwrap();
    let mut admin = CertificateParams::new(Vec::<String>::new()).unwrap();
    admin
        .distinguished_name
        .push(DnType::CommonName, "kubernetes-admin");
    admin
        .distinguished_name
        .push(DnType::OrganizationName, "system:masters");
    admin.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let admin_cert = admin.signed_by(&admin_key, &issuer).unwrap();

    let etcd_key = KeyPair::generate().unwrap();
    let mut etcd =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    etcd.distinguished_name.push(DnType::CommonName, "etcd");
    etcd.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let etcd_cert = etcd.signed_by(&etcd_key, &issuer).unwrap();

    let etcd_client_key = KeyPair::generate().unwrap();
    let mut etcd_client = CertificateParams::new(Vec::<String>::new()).unwrap();
    etcd_client
        .distinguished_name
        .push(DnType::CommonName, "kube-apiserver-etcd-client");
    etcd_client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let etcd_client_cert = etcd_client.signed_by(&etcd_client_key, &issuer).unwrap();

    // A client certificate from a CA the server does not trust.
    let other_ca_key = KeyPair::generate().unwrap();
    let mut other_ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    other_ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    other_ca
        .distinguished_name
        .push(DnType::CommonName, "rogue-ca");
    let other_issuer = Issuer::new(other_ca, other_ca_key);
    let rogue_key = KeyPair::generate().unwrap();
    let mut rogue = CertificateParams::new(Vec::<String>::new()).unwrap();
    rogue
        .distinguished_name
        .push(DnType::CommonName, "kubernetes-admin");
    rogue
        .distinguished_name
        .push(DnType::OrganizationName, "system:masters");
    rogue.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let rogue_cert = rogue.signed_by(&rogue_key, &other_issuer).unwrap();

    Pki {
        rogue_cert: rogue_cert.pem(),
        rogue_key: rogue_key.serialize_pem(),
        etcd_cert: etcd_cert.pem(),
        etcd_key: etcd_key.serialize_pem(),
        etcd_client_cert: etcd_client_cert.pem(),
        etcd_client_key: etcd_client_key.serialize_pem(),
        ca_pem: ca_cert.pem(),
        server_cert: server_cert.pem(),
        server_key: server_key.serialize_pem(),
        admin_cert: admin_cert.pem(),
        admin_key: admin_key.serialize_pem(),
    }
}

fn write(path: &Path, text: &str) {
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

fn client_config(ca_pem: &str, identity: Option<(&str, &str)>) -> Arc<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(c.unwrap()).unwrap();
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let config = match identity {
        Some((cert, key)) => {
            let certs: Vec<_> = CertificateDer::pem_slice_iter(cert.as_bytes())
                .map(|c| c.unwrap())
                .collect();
            let key = PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap();
            builder.with_client_auth_cert(certs, key).unwrap()
        }
        None => builder.with_no_client_auth(),
    };
    Arc::new(config)
}

impl Cluster {
    /// The apiserver's process id (to send it signals).
    pub fn apiserver_pid(&self) -> u32 {
        self.apiserver.id()
    }

    /// Waits up to `wait` for the apiserver to exit; its status if it did.
    pub fn wait_apiserver_exit(&mut self, wait: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.apiserver.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Starts etcd and kube-apiserver; panics with their logs if either fails.
    pub fn start() -> Cluster {
        Self::start_with(EtcdMode::Http)
    }

    /// Like [`Cluster::start`], with etcd reached as `mode` says.
    pub fn start_with(mode: EtcdMode) -> Cluster {
        Self::start_opts(Opts {
            mode,
            ..Opts::default()
        })
    }

    /// Like [`Cluster::start`], on the given etcd implementation.
    pub fn start_on(backend: Backend) -> Cluster {
        Self::start_opts(Opts {
            backend,
            ..Opts::default()
        })
    }

    /// Starts etcd and kube-apiserver as `opts` says.
    pub fn start_opts(opts: Opts) -> Cluster {
        let mode = opts.mode;
        let etcd_tls = mode == EtcdMode::Tls;
        let dir = tempfile::tempdir().unwrap();
        let p = |name: &str| dir.path().join(name);
        let pki = pki();
        write(&p("ca.crt"), &pki.ca_pem);
        write(&p("apiserver.crt"), &pki.server_cert);
        write(&p("apiserver.key"), &pki.server_key);
        write(&p("admin.crt"), &pki.admin_cert);
        write(&p("admin.key"), &pki.admin_key);
        write(&p("etcd.crt"), &pki.etcd_cert);
        write(&p("etcd.key"), &pki.etcd_key);
        write(&p("etcd-client.crt"), &pki.etcd_client_cert);
        write(&p("etcd-client.key"), &pki.etcd_client_key);
        write(
            &p("tokens.csv"),
            &format!("{ADMIN_TOKEN},token-admin,uid-1,\"system:masters\"\n"),
        );

        let client_port = free_port();
        let peer_port = free_port();
        let scheme = if etcd_tls { "https" } else { "http" };
        let tcp_url = format!("{scheme}://127.0.0.1:{client_port}");
        // etcd puts a unix socket named by the URL's host in its working directory.
        let etcd_listen = match mode {
            EtcdMode::Unix => "unix://etcd.sock:0".to_string(),
            _ => tcp_url.clone(),
        };
        let etcd_url = match mode {
            EtcdMode::Unix => format!("unix://{}", p("etcd.sock:0").display()),
            _ => tcp_url,
        };
        let peer_url = format!("http://127.0.0.1:{peer_port}");
        let etcd_log = p("etcd.log");
        let mut etcd_tls_args = Vec::new();
        if etcd_tls {
            etcd_tls_args = vec![
                format!("--cert-file={}", p("etcd.crt").display()),
                format!("--key-file={}", p("etcd.key").display()),
                format!("--trusted-ca-file={}", p("ca.crt").display()),
                "--client-cert-auth".to_string(),
            ];
        }
        let binary = opts.backend.binary();
        let shim = binary.file_name().is_some_and(|n| n == "etcd-shim");
        let mut args = vec![
            "--name=default".to_string(),
            format!("--data-dir={}", p("etcd-data").display()),
            format!("--listen-client-urls={etcd_listen}"),
            format!("--advertise-client-urls={etcd_listen}"),
            format!("--initial-advertise-peer-urls={peer_url}"),
        ];
        if !shim {
            // Real etcd also needs its (single-member) peer set-up.
            args.push(format!("--listen-peer-urls={peer_url}"));
            args.push(format!("--initial-cluster=default={peer_url}"));
        }
        let mut etcd = Command::new(&binary)
            .args(etcd_tls_args)
            .args(args)
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&etcd_log).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        if mode == EtcdMode::Unix {
            wait_for_socket(&p("etcd.sock:0"), &mut etcd, &etcd_log);
        } else {
            wait_for_port(client_port, "etcd", &mut etcd, &etcd_log);
        }

        let port = free_port();
        let api_log = p("apiserver.log");
        let mut etcd_client_args = Vec::new();
        if etcd_tls {
            etcd_client_args = vec![
                format!("--etcd-cafile={}", p("ca.crt").display()),
                format!("--etcd-certfile={}", p("etcd-client.crt").display()),
                format!("--etcd-keyfile={}", p("etcd-client.key").display()),
            ];
        }
        let mut apiserver_args = etcd_client_args;
        apiserver_args.extend([
            "--bind-address=127.0.0.1".to_string(),
            format!("--secure-port={port}"),
            format!("--etcd-servers={etcd_url}"),
            format!("--tls-cert-file={}", p("apiserver.crt").display()),
            format!("--tls-private-key-file={}", p("apiserver.key").display()),
            format!("--client-ca-file={}", p("ca.crt").display()),
            format!("--token-auth-file={}", p("tokens.csv").display()),
            "--service-cluster-ip-range=10.96.0.0/12".to_string(),
        ]);
        apiserver_args.extend(opts.apiserver_args);
        let apiserver = spawn_apiserver(&apiserver_args, &api_log);
        let apiserver = match apiserver {
            Ok(child) => child,
            Err(e) => {
                let _ = etcd.kill();
                let _ = etcd.wait();
                panic!("start kube-apiserver: {e}");
            }
        };
        let kubeconfig = p("kubeconfig");
        write(
            &kubeconfig,
            &format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: https://127.0.0.1:{port}\n    certificate-authority: {ca}\nusers:\n- name: admin\n  user:\n    client-certificate: {cert}\n    client-key: {key}\ncontexts:\n- name: test\n  context:\n    cluster: test\n    user: admin\n    namespace: default\ncurrent-context: test\n",
                ca = p("ca.crt").display(),
                cert = p("admin.crt").display(),
                key = p("admin.key").display(),
            ),
        );
        let admin_tls = client_config(&pki.ca_pem, Some((&pki.admin_cert, &pki.admin_key)));
        let anon_tls = client_config(&pki.ca_pem, None);
        let rogue_tls = client_config(&pki.ca_pem, Some((&pki.rogue_cert, &pki.rogue_key)));
        let cluster = Cluster {
            dir,
            etcd,
            apiserver,
            apiserver_args,
            port,
            etcd_url,
            kubeconfig,
            admin_tls,
            anon_tls,
            rogue_tls,
        };
        // Build the cluster value first so Drop cleans up if the server never comes up.
        let mut cluster = cluster;
        wait_for_port(port, "kube-apiserver", &mut cluster.apiserver, &api_log);
        cluster
    }

    /// Kills the apiserver (SIGKILL) and starts it again with the same flags, port and etcd;
    /// returns once it listens.
    pub fn restart_apiserver(&mut self) {
        self.stop_apiserver();
        self.start_apiserver();
    }

    /// Kills the apiserver (SIGKILL) and waits for it to be gone.
    pub fn stop_apiserver(&mut self) {
        let _ = self.apiserver.kill();
        let _ = self.apiserver.wait();
    }

    /// Starts the apiserver again after [`Cluster::stop_apiserver`]; returns once it listens.
    pub fn start_apiserver(&mut self) {
        let log = self.dir.path().join("apiserver.log");
        self.apiserver =
            spawn_apiserver(&self.apiserver_args, &log).expect("restart kube-apiserver");
        wait_for_port(self.port, "kube-apiserver", &mut self.apiserver, &log);
    }

    /// A plain etcd client of this cluster's etcd (HTTP mode only), to look behind the
    /// apiserver's back.
    pub async fn etcd_client(&self) -> etcd_client::Client {
        etcd_client::Client::connect([self.etcd_url.as_str()], None)
            .await
            .expect("connect to etcd")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("apiserver.log")).unwrap_or_default()
    }

    async fn connect(&self, who: Who) -> hyper::client::conn::http1::SendRequest<Full<Bytes>> {
        let tls = match who {
            Who::Admin => self.admin_tls.clone(),
            Who::Rogue => self.rogue_tls.clone(),
            _ => self.anon_tls.clone(),
        };
        let tcp = tokio::net::TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], self.port)))
            .await
            .unwrap();
        let stream = tokio_rustls::TlsConnector::from(tls)
            .connect(ServerName::try_from("127.0.0.1").unwrap(), tcp)
            .await
            .unwrap();
        let (send, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .unwrap();
        tokio::spawn(conn);
        send
    }

    fn build(
        who: Who,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> http::Request<Full<Bytes>> {
        let mut req = http::Request::builder()
            .method(method)
            .uri(path)
            .header("host", "127.0.0.1");
        if let Who::Token(t) = who {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.body(Full::new(Bytes::from(body.unwrap_or_default())))
            .unwrap()
    }

    /// One request on a new connection; the whole body is read.
    pub async fn request(
        &self,
        who: Who,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Resp {
        self.open(who)
            .await
            .request(method, path, headers, body)
            .await
    }

    /// A connection with its TLS handshake done, for requests that must reach the
    /// apiserver as soon as they are sent.
    pub async fn open(&self, who: Who) -> Conn {
        Conn {
            who,
            send: self.connect(who).await,
        }
    }

    /// A JSON request as the admin.
    pub async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        self.open(Who::Admin).await.json(method, path, body).await
    }

    /// Opens a watch and returns a reader of its events.
    pub async fn watch(&self, path: &str) -> Watch {
        let mut send = self.connect(Who::Admin).await;
        let resp = send
            .send_request(Self::build(
                Who::Admin,
                "GET",
                path,
                &[("accept", "application/json")],
                None,
            ))
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "watch {path}");
        Watch {
            body: resp.into_body(),
            buf: Vec::new(),
        }
    }

    /// Runs the real kubectl v1.33 against this cluster.
    pub fn kubectl(&self, args: &[&str]) -> Output {
        let cache = self.dir.path().join("kube-cache");
        Command::new(kubectl_binary())
            .arg(format!("--kubeconfig={}", self.kubeconfig.display()))
            .arg(format!("--cache-dir={}", cache.display()))
            .args(args)
            .env("HOME", self.dir.path())
            .output()
            .expect("run kubectl")
    }
}

/// Starts kube-apiserver with `args`, its stderr appended to `log`.
fn spawn_apiserver(args: &[String], log: &Path) -> std::io::Result<Child> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)?;
    Command::new(env!("CARGO_BIN_EXE_kube-apiserver"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
}

/// `kubectl.1.33` next to the real file behind `kubectl` on PATH (the version dispatcher's
/// folder), else `kubectl` itself.
pub fn kubectl_binary() -> PathBuf {
    let which = Command::new("sh")
        .args(["-c", "command -v kubectl"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if !which.is_empty() {
        if let Ok(real) = std::fs::canonicalize(&which) {
            if let Some(dir) = real.parent() {
                let pinned = dir.join("kubectl.1.33");
                if pinned.exists() {
                    return pinned;
                }
            }
        }
    }
    PathBuf::from("kubectl")
}

/// Whether a kubectl binary is installed at all. In CI (`$CI` set) a missing kubectl is a
/// failure, never a skip.
pub fn have_kubectl() -> bool {
    let have = Command::new(kubectl_binary())
        .arg("version")
        .arg("--client")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        have || std::env::var_os("CI").is_none(),
        "kubectl is not installed but $CI is set: the kubectl tests must run in CI"
    );
    have
}

/// Reads newline-delimited watch events.
pub struct Watch {
    body: hyper::body::Incoming,
    buf: Vec<u8>,
}

impl Watch {
    /// The next event, or `None` when the stream ends or nothing arrives within `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=pos).collect();
                return Some(serde_json::from_slice(&line).unwrap());
            }
            let frame = tokio::time::timeout_at(deadline, self.body.frame())
                .await
                .ok()??;
            if let Ok(data) = frame.unwrap().into_data() {
                self.buf.extend_from_slice(&data);
            }
        }
    }
}

/// kubectl's standard output.
pub fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// kubectl's standard error.
pub fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs kubectl and asserts it succeeded (the failure shows both streams and the
/// apiserver's log).
pub fn kubectl_output_ok(c: &Cluster, args: &[&str]) -> Output {
    let o = c.kubectl(args);
    assert!(
        o.status.success(),
        "kubectl {args:?} failed:\nstdout: {}\nstderr: {}\napiserver log:\n{}",
        out(&o),
        err(&o),
        c.log()
    );
    o
}

/// Runs kubectl, asserts it succeeded, and returns its standard output.
pub fn kubectl_ok(c: &Cluster, args: &[&str]) -> String {
    out(&kubectl_output_ok(c, args))
}

/// Runs kubectl, asserts it failed, and returns its standard error.
pub fn kubectl_fails(c: &Cluster, args: &[&str]) -> String {
    let o = c.kubectl(args);
    assert!(
        !o.status.success(),
        "kubectl {args:?} unexpectedly succeeded: {}",
        out(&o)
    );
    err(&o)
}

/// Splits kubectl's table output into cells (columns are separated by 2+ spaces).
pub fn table_lines(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// Runs each named `async fn(Backend)` once per backend, as `<name>::etcd` and `<name>::shim`.
#[allow(unused_macros)] // not every test file runs on both backends
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn etcd() {
                super::$name(Backend::Etcd).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn shim() {
                super::$name(Backend::Shim).await
            }
        }
    )*};
}
#[allow(unused_imports)]
pub(crate) use on_both;
