//! Wiring: config → store → listeners → gRPC services, plus auto-compaction.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio_stream::wrappers::{TcpListenerStream, UnixListenerStream};
use tonic::transport::{Certificate, Identity, ServerTlsConfig};

use crate::config::{parse_duration, Config};
use crate::error::RunError;
use crate::server::{Info, Services};
use crate::store::{Limits, Store, WriteOp};

/// A parsed `--listen-client-urls` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listen {
    Tcp { addr: String, tls: bool },
    Unix { path: String },
}

/// Parses one client URL the way etcd accepts them.
pub fn parse_listen_url(url: &str) -> Result<Listen, RunError> {
    let bad = |why: &str| RunError::Config(format!("invalid listen URL {url:?}: {why}"));
    let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("missing scheme"))?;
    match scheme {
        "http" | "https" => {
            let hostport = rest.trim_end_matches('/');
            if hostport.is_empty() || !hostport.contains(':') {
                return Err(bad("expected host:port"));
            }
            let addr = match hostport.strip_prefix("localhost:") {
                Some(port) => format!("127.0.0.1:{port}"),
                None => hostport.to_string(),
            };
            Ok(Listen::Tcp {
                addr,
                tls: scheme == "https",
            })
        }
        "unix" | "unixs" => {
            if rest.is_empty() {
                return Err(bad("empty socket path"));
            }
            Ok(Listen::Unix {
                path: rest.to_string(),
            })
        }
        _ => Err(bad("scheme must be http, https, unix or unixs")),
    }
}

fn tls_config(cfg: &Config) -> Result<Option<ServerTlsConfig>, RunError> {
    let (Some(cert), Some(key)) = (&cfg.cert_file, &cfg.key_file) else {
        return Ok(None);
    };
    let read = |p: &std::path::Path| {
        std::fs::read(p).map_err(|e| RunError::Config(format!("reading {}: {e}", p.display())))
    };
    let mut tls = ServerTlsConfig::new().identity(Identity::from_pem(read(cert)?, read(key)?));
    if let Some(ca) = &cfg.trusted_ca_file {
        tls = tls
            .client_ca_root(Certificate::from_pem(read(ca)?))
            .client_auth_optional(!cfg.client_cert_auth);
    } else if cfg.client_cert_auth {
        return Err(RunError::Config(
            "--client-cert-auth requires --trusted-ca-file".into(),
        ));
    }
    Ok(Some(tls))
}

/// Runs the server until `shutdown` resolves.
pub async fn run(
    cfg: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), RunError> {
    let listens = cfg
        .listen_client_urls
        .iter()
        .map(|u| parse_listen_url(u))
        .collect::<Result<Vec<_>, _>>()?;
    let tls = tls_config(&cfg)?;
    if listens
        .iter()
        .any(|l| matches!(l, Listen::Tcp { tls: true, .. }))
        && tls.is_none()
    {
        return Err(RunError::Config(
            "an https listen URL needs --cert-file and --key-file".into(),
        ));
    }
    let limits = Limits {
        max_txn_ops: cfg.max_txn_ops,
        max_request_bytes: cfg.max_request_bytes,
        quota_backend_bytes: cfg.quota_backend_bytes,
        log_rewrite_min_bytes: cfg.log_rewrite_min_bytes,
    };
    let data_dir = cfg.data_dir();
    let store = tokio::task::spawn_blocking(move || Store::open(&data_dir, limits))
        .await
        .map_err(|e| RunError::Config(format!("store open task failed: {e}")))??;
    let services = Services {
        store: store.clone(),
        info: Arc::new(Info {
            name: cfg.name.clone(),
            client_urls: cfg.advertise_client_urls.clone(),
            peer_urls: cfg.initial_advertise_peer_urls.clone(),
            progress_notify_interval: cfg.watch_progress_notify_interval,
        }),
    };
    start_auto_compaction(&cfg, store)?;

    let (stop_tx, _) = tokio::sync::broadcast::channel::<()>(1);
    let mut tasks = tokio::task::JoinSet::new();
    for l in listens {
        let mut stop = stop_tx.subscribe();
        let signal = async move {
            let _ = stop.recv().await;
        };
        match l {
            Listen::Tcp { addr, tls: use_tls } => {
                let listener = tokio::net::TcpListener::bind(&addr)
                    .await
                    .map_err(|e| RunError::Listen(addr.clone(), e))?;
                let builder = if use_tls {
                    let tls = tls.clone().ok_or_else(|| {
                        RunError::Config("https listener without TLS files".into())
                    })?;
                    tonic::transport::Server::builder()
                        .tls_config(tls)
                        .map_err(|e| RunError::Config(format!("TLS: {e}")))?
                } else {
                    tonic::transport::Server::builder()
                };
                let router = services.router(builder);
                tracing::info!(%addr, tls = use_tls, "serving client requests");
                // Small gRPC frames (watch events, keep-alives) must not wait for Nagle.
                let incoming = TcpListenerStream::new(listener).map(|conn| {
                    conn.inspect(|s| {
                        if let Err(e) = s.set_nodelay(true) {
                            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
                        }
                    })
                });
                tasks.spawn(
                    async move { router.serve_with_incoming_shutdown(incoming, signal).await },
                );
            }
            Listen::Unix { path } => {
                let _ = std::fs::remove_file(&path);
                let listener = tokio::net::UnixListener::bind(&path)
                    .map_err(|e| RunError::Listen(path.clone(), e))?;
                let router = services.router(tonic::transport::Server::builder());
                tracing::info!(%path, "serving client requests on unix socket");
                tasks.spawn(async move {
                    router
                        .serve_with_incoming_shutdown(UnixListenerStream::new(listener), signal)
                        .await
                });
            }
        }
    }
    tokio::select! {
        _ = shutdown => {
            let _ = stop_tx.send(());
        }
        Some(res) = tasks.join_next() => {
            let _ = stop_tx.send(());
            if let Ok(Err(e)) = res {
                return Err(RunError::Serve(e.to_string()));
            }
        }
    }
    // Graceful stop waits for open streams (watches, keep-alives); etcd does not, so give
    // them a moment and then go. Every acknowledged write is already durable.
    let drain = async { while tasks.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(2), drain)
        .await
        .is_err()
    {
        tracing::info!("closing remaining client streams");
    }
    Ok(())
}

/// etcd's auto-compaction: `periodic` keeps `retention` of time, `revision` keeps that many
/// revisions.
fn start_auto_compaction(cfg: &Config, store: Store) -> Result<(), RunError> {
    let retention = cfg.auto_compaction_retention.trim();
    match cfg.auto_compaction_mode.as_str() {
        "periodic" => {
            let keep = if retention.chars().all(|c| c.is_ascii_digit()) {
                let hours: u64 = retention.parse().unwrap_or(0);
                Duration::from_secs(hours * 3600)
            } else {
                parse_duration(retention).map_err(RunError::Config)?
            };
            if keep.is_zero() {
                return Ok(());
            }
            // Sample the revision every tenth of the window (at most hourly) and compact to
            // the revision seen one window ago.
            let tick = (keep / 10).clamp(Duration::from_millis(100), Duration::from_secs(3600));
            tokio::spawn(async move {
                let mut samples: std::collections::VecDeque<(tokio::time::Instant, i64)> =
                    Default::default();
                let mut interval = tokio::time::interval(tick);
                loop {
                    interval.tick().await;
                    let now = tokio::time::Instant::now();
                    samples.push_back((now, store.revision()));
                    let mut target = None;
                    while let Some((t, rev)) = samples.front().copied() {
                        if now.duration_since(t) >= keep {
                            target = Some(rev);
                            samples.pop_front();
                        } else {
                            break;
                        }
                    }
                    if let Some(rev) = target {
                        if rev > store.compact_revision() {
                            let _ = store.write(WriteOp::Compact(rev)).await;
                        }
                    }
                }
            });
        }
        "revision" => {
            let keep: i64 = retention.parse().map_err(|_| {
                RunError::Config(format!("invalid --auto-compaction-retention {retention:?}"))
            })?;
            if keep <= 0 {
                return Ok(());
            }
            tokio::spawn(async move {
                let mut interval = tokio::time::interval(Duration::from_secs(5 * 60));
                loop {
                    interval.tick().await;
                    let target = store.revision() - keep;
                    if target > store.compact_revision() {
                        let _ = store.write(WriteOp::Compact(target)).await;
                    }
                }
            });
        }
        other => {
            return Err(RunError::Config(format!(
                "unknown --auto-compaction-mode {other:?} (periodic or revision)"
            )))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_urls() {
        assert_eq!(
            parse_listen_url("http://localhost:2379").unwrap(),
            Listen::Tcp {
                addr: "127.0.0.1:2379".into(),
                tls: false
            }
        );
        assert_eq!(
            parse_listen_url("unix:///tmp/etcd.sock").unwrap(),
            Listen::Unix {
                path: "/tmp/etcd.sock".into()
            }
        );
        assert!(parse_listen_url("ftp://x:1").is_err());
        assert!(parse_listen_url("http://nohost").is_err());
    }
}
