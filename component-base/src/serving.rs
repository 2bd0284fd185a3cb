//! Serving a daemon's HTTP endpoints until shutdown.

use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;

use crate::health::HealthChecks;
use crate::metrics::Metrics;
use crate::signals::Shutdown;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("failed to listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Serve(#[source] std::io::Error),
}

/// The routes every daemon serves: `/healthz`, `/livez`, `/readyz` (with sub-paths) and
/// `/metrics`. A daemon merges its own routes into this.
pub fn base_router(health: HealthChecks, metrics: Metrics) -> Router {
    health.router().merge(metrics.router())
}

/// Binds a listener, with the address in the error.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, ServeError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })
}

/// Serves `router` on `listener` until `shutdown` fires, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: Shutdown,
) -> Result<(), ServeError> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "serving");
    }
    // TCP_NODELAY as Go's servers have it: small answers are not held back by Nagle.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
    });
    axum::serve(listener, router)
        .with_graceful_shutdown(async move { shutdown.wait().await })
        .await
        .map_err(ServeError::Serve)
}
