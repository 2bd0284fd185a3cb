//! HTTPS serving: TLS with rustls (ring), HTTP/1.1 and HTTP/2, one task per connection, the
//! client certificate chain handed to authentication.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use component_base::health::HealthChecks;
use component_base::metrics::Metrics;
use component_base::signals::Shutdown;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::ServerConfig;
use rustls_pki_types::CertificateDer;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::handlers;
use crate::pipeline::admission::AdmissionChain;
use crate::pipeline::authn::{AuthenticatorChain, X509Cache};
use crate::pipeline::authz::Authorizer;
use crate::registry::Registry;
use crate::storage::Storage;

/// What one TLS connection tells about its client.
#[derive(Debug, Clone)]
pub struct ConnInfo {
    pub remote: SocketAddr,
    /// The client chain the TLS layer verified against the client CA, leaf first.
    pub peer_certificates: Option<Vec<CertificateDer<'static>>>,
    /// The x509 authentication outcome, computed on the connection's first request.
    pub x509: X509Cache,
}

/// The assembled server: pipeline stages, stores and the shared endpoints.
pub struct ApiServer {
    pub storage: Storage,
    pub registry: Registry,
    pub service_cidr: crate::registry::core::service::ServiceCidr,
    pub secure_port: u16,
    pub advertise_address: std::net::IpAddr,
    pub authn: AuthenticatorChain,
    pub authz: Arc<dyn Authorizer>,
    pub admission: AdmissionChain,
    pub health: HealthChecks,
    pub metrics: Metrics,
    /// `host:port` published in `/api`'s `serverAddressByClientCIDRs`.
    pub server_address: String,
}

/// Accepts TLS connections on `listener` until `shutdown` fires.
pub async fn serve(
    listener: TcpListener,
    tls: Arc<ServerConfig>,
    api: Arc<ApiServer>,
    shutdown: Shutdown,
) {
    let acceptor = TlsAcceptor::from(tls);
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "serving securely");
    }
    loop {
        let accepted = tokio::select! {
            _ = shutdown.wait() => break,
            a = listener.accept() => a,
        };
        let (tcp, remote) = match accepted {
            Ok(pair) => pair,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // As Go's net package does for every TCP connection (upstream's default): without it,
        // Nagle holds a response's last segment until the client's delayed ACK (~40 ms).
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%remote, %error, "cannot set TCP_NODELAY");
        }
        let acceptor = acceptor.clone();
        let api = api.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let stream =
                match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await {
                    Ok(Ok(stream)) => stream,
                    Ok(Err(error)) => {
                        tracing::debug!(%remote, %error, "TLS handshake failed");
                        return;
                    }
                    Err(_) => return,
                };
            let conn = Arc::new(ConnInfo {
                remote,
                peer_certificates: stream.get_ref().1.peer_certificates().map(<[_]>::to_vec),
                x509: X509Cache::default(),
            });
            let service = service_fn(move |req| {
                let api = api.clone();
                let conn = conn.clone();
                async move { Ok::<_, Infallible>(handlers::handle(api, conn, req).await) }
            });
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            tokio::select! {
                result = connection => {
                    if let Err(error) = result {
                        tracing::debug!(%remote, %error, "connection ended with error");
                    }
                }
                _ = shutdown.wait() => {}
            }
        });
    }
}
