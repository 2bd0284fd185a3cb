//! Test harness: starts real etcd (Debian's `etcd-server`) or the shim on free loopback
//! ports with a temporary data directory, and kills it (by PID) when dropped.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use etcd_client::{Client, ConnectOptions};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Etcd,
    Shim,
}

pub struct Server {
    pub kind: Kind,
    pub endpoint: String,
    pub data_dir: PathBuf,
    log_path: PathBuf,
    child: Option<std::sync::Mutex<Child>>,
    _tmp: Option<tempfile::TempDir>,
}

pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

impl Server {
    /// Starts a fresh server of `kind` in a new temporary directory.
    pub fn start(kind: Kind) -> Server {
        Server::start_with(kind, &[])
    }

    /// Starts a fresh server with extra flags (etcd's names work for both).
    pub fn start_with(kind: Kind, extra: &[&str]) -> Server {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        let mut s = Server::start_in(kind, &dir, extra);
        s._tmp = Some(tmp);
        s
    }

    /// Starts a fresh server with extra flags and environment variables.
    pub fn start_with_env(kind: Kind, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        let mut s = Server::launch(kind, &dir, extra, env);
        s._tmp = Some(tmp);
        s
    }

    /// Starts a server on `data_dir` (which may hold a previous run's data).
    pub fn start_in(kind: Kind, data_dir: &Path, extra: &[&str]) -> Server {
        Server::launch(kind, data_dir, extra, &[])
    }

    fn launch(kind: Kind, data_dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let url = format!("http://127.0.0.1:{port}");
        let log_path = data_dir.with_extension(format!("{port}.log"));
        let log = std::fs::File::create(&log_path).unwrap();
        let mut cmd = match kind {
            Kind::Etcd => {
                let peer = format!("http://127.0.0.1:{}", free_port());
                let mut c = Command::new("etcd");
                c.args(["--name", "t", "--data-dir"])
                    .arg(data_dir)
                    .args([
                        "--listen-client-urls",
                        &url,
                        "--advertise-client-urls",
                        &url,
                    ])
                    .args([
                        "--listen-peer-urls",
                        &peer,
                        "--initial-advertise-peer-urls",
                        &peer,
                    ])
                    .args(["--initial-cluster", &format!("t={peer}")])
                    .args(["--log-level", "error"]);
                c
            }
            Kind::Shim => {
                let mut c = Command::new(env!("CARGO_BIN_EXE_etcd-shim"));
                c.args(["--name", "t", "--data-dir"]).arg(data_dir).args([
                    "--listen-client-urls",
                    &url,
                    "--advertise-client-urls",
                    &url,
                ]);
                if !extra.contains(&"--log-level") {
                    c.args(["--log-level", "warn"]);
                }
                c
            }
        };
        cmd.args(extra);
        cmd.envs(env.iter().copied());
        // Relative unix socket names (etcd's `unix://localhost:PORT`) land next to the data.
        if let Some(parent) = data_dir.parent() {
            std::fs::create_dir_all(parent).unwrap();
            cmd.current_dir(parent);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {kind:?} ({e}): the tests need Debian's etcd-server (etcd) and etcd-client (etcdctl)")
            });
        Server {
            kind,
            endpoint: format!("127.0.0.1:{port}"),
            data_dir: data_dir.to_path_buf(),
            log_path,
            child: Some(std::sync::Mutex::new(child)),
            _tmp: None,
        }
    }

    /// A connected client, once the server answers Status (up to 60 s).
    pub async fn client(&self) -> Client {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let opts = ConnectOptions::new()
                .with_connect_timeout(Duration::from_secs(2))
                .with_timeout(Duration::from_secs(30));
            if let Ok(mut c) = Client::connect([self.endpoint.as_str()], Some(opts)).await {
                if c.status().await.is_ok() {
                    return c;
                }
            }
            if let Some(status) = self.exited() {
                panic!(
                    "{:?} at {} exited with {status} before it was ready; its log:\n{}",
                    self.kind,
                    self.endpoint,
                    std::fs::read_to_string(&self.log_path).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{:?} at {} did not become ready",
                self.kind,
                self.endpoint
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// What the server has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// SIGKILL, as `kill -9`.
    pub fn kill(&mut self) {
        if let Some(c) = self.child.take() {
            let mut c = c.into_inner().unwrap_or_else(|e| e.into_inner());
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// The process ID.
    pub fn pid(&self) -> u32 {
        let c = self.child.as_ref().expect("running");
        let c = c.lock().unwrap_or_else(|e| e.into_inner());
        c.id()
    }

    /// Exit status if the process has ended.
    pub fn exited(&self) -> Option<std::process::ExitStatus> {
        let c = self.child.as_ref()?;
        let mut c = c.lock().unwrap_or_else(|e| e.into_inner());
        c.try_wait().ok().flatten()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Debug text of a response with the per-cluster identity removed (cluster and member IDs,
/// raft term differ between any two clusters).
pub fn norm(s: impl std::fmt::Debug) -> String {
    let text = format!("{s:?}");
    let re = regex::Regex::new(r"(cluster_id|member_id|raft_term): \d+").unwrap();
    re.replace_all(&text, "$1: _").into_owned()
}

/// A result as text: the normalized response, or the gRPC code and message.
pub fn outcome<T: std::fmt::Debug>(r: Result<T, etcd_client::Error>) -> String {
    match r {
        Ok(v) => norm(v),
        Err(etcd_client::Error::GRpcStatus(s)) => {
            format!("ERR {:?} {}", s.code(), s.message())
        }
        Err(e) => format!("ERR {e}"),
    }
}
