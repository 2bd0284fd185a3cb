//! The gRPC channel to etcd: one endpoint per `--etcd-servers` URL (balanced when there
//! are several; a unix socket for `unix://`), with unary calls sent whole.
//!
//! tonic hands a unary request to hyper as a one-message stream whose end is only known
//! after a second poll, and hyper then writes the request's HEADERS, its DATA and an empty
//! end-of-stream DATA frame in three separate socket writes. Every apiserver read and write
//! is such a call, and each write costs a syscall here and a wake-up in etcd. A unary
//! call's message is complete when tonic makes the request, so this layer passes it on as
//! one sized body that ends with its data: hyper then needs two writes (HEADERS, and DATA
//! that ends the stream), and connections to a single server coalesce those into one
//! (`coalesce.rs`). Streaming calls (watch, lease keep-alives) pass through untouched.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tonic::body::Body;
use tonic::transport::{ClientTlsConfig, Endpoint};
use tower::{BoxError, ServiceExt};

use super::coalesce::Coalesce;
use super::StorageError;

/// Path prefix of etcd's unary KV service (Range, Put, DeleteRange, Txn, Compact).
const UNARY_SERVICE: &str = "/etcdserverpb.KV/";

/// The channel to `servers` (URLs; `tls` for the https ones), connected on first use.
pub fn connect(
    servers: &[String],
    tls: Option<ClientTlsConfig>,
) -> Result<etcd_client::Channel, StorageError> {
    if let Some(path) = servers.iter().find_map(|s| s.strip_prefix("unix://")) {
        return Ok(whole_unary_requests(unix_socket(path)));
    }
    let endpoints = servers
        .iter()
        .map(|url| endpoint(url, tls.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    let channel = match endpoints.as_slice() {
        [] => return Err(invalid("no etcd server given")),
        // One server (the embedded etcd-shim, a local etcd): no balancer, whose buffer
        // would add a task hop to every call.
        [one] => one.connect_with_connector_lazy(tower::service_fn(tcp)),
        _ => tonic::transport::Channel::balance_list(endpoints.into_iter()),
    };
    Ok(whole_unary_requests(channel))
}

fn invalid(why: impl Into<String>) -> StorageError {
    StorageError::Etcd(etcd_client::Error::InvalidArgs(why.into()))
}

/// One server: `http://` or `https://` (a URL without a scheme is plain HTTP, as etcd's
/// clients take it), with the keep-alives upstream's etcd client uses.
fn endpoint(url: &str, tls: Option<&ClientTlsConfig>) -> Result<Endpoint, StorageError> {
    let full = if url.contains("://") {
        url.to_string()
    } else {
        format!("http://{url}")
    };
    let mut endpoint = Endpoint::from_shared(full)
        .map_err(|e| invalid(format!("{url}: {e}")))?
        .connect_timeout(Duration::from_secs(10))
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_timeout(Duration::from_secs(10));
    if url.starts_with("https://") {
        endpoint = endpoint
            .tls_config(tls.cloned().unwrap_or_default())
            .map_err(|e| invalid(format!("{url}: {e}")))?;
    }
    Ok(endpoint)
}

/// A TCP connection to the endpoint's host and port (TLS, if any, goes on top), with
/// writes coalesced per scheduler turn.
async fn tcp(uri: http::Uri) -> std::io::Result<TokioIo<Coalesce<tokio::net::TcpStream>>> {
    let host = uri.host().unwrap_or("localhost").trim_matches(['[', ']']);
    let port = uri
        .port_u16()
        .unwrap_or(if uri.scheme_str() == Some("https") {
            443
        } else {
            80
        });
    let stream = tokio::net::TcpStream::connect((host, port)).await?;
    stream.set_nodelay(true)?;
    Ok(TokioIo::new(Coalesce::new(stream)))
}

/// A channel whose every connection goes to the unix socket at `path`.
fn unix_socket(path: &str) -> tonic::transport::Channel {
    let path = path.to_string();
    // The URI is only a placeholder: every connection goes to the socket.
    Endpoint::from_static("http://etcd.invalid")
        .connect_timeout(Duration::from_secs(10))
        .connect_with_connector_lazy(tower::service_fn(move |_: http::Uri| {
            let path = path.clone();
            async move {
                let stream = tokio::net::UnixStream::connect(path).await?;
                Ok::<_, std::io::Error>(TokioIo::new(Coalesce::new(stream)))
            }
        }))
}

/// `channel` as etcd-client's custom channel, with KV requests sent whole.
fn whole_unary_requests(channel: tonic::transport::Channel) -> etcd_client::Channel {
    let service = tower::service_fn(move |req: http::Request<Body>| {
        let channel = channel.clone();
        async move {
            let req = if req.uri().path().starts_with(UNARY_SERVICE) {
                let (parts, body) = req.into_parts();
                let message: Bytes = body.collect().await?.to_bytes();
                http::Request::from_parts(parts, Body::new(Full::new(message)))
            } else {
                req
            };
            channel.oneshot(req).await.map_err(BoxError::from)
        }
    });
    etcd_client::Channel::Custom(tower::util::BoxCloneSyncService::new(service))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::body::Body as _;

    #[test]
    fn a_whole_body_knows_its_size_and_ends_with_its_data() {
        let mut body = Body::new(Full::new(Bytes::from_static(b"\0\0\0\0\x02\x08\x01")));
        assert_eq!(body.size_hint().exact(), Some(7));
        assert!(!body.is_end_stream());
        let frame = futures::executor::block_on(body.frame())
            .expect("a frame")
            .expect("data");
        assert_eq!(frame.into_data().ok().map(|d| d.len()), Some(7));
        assert!(
            body.is_end_stream(),
            "hyper can mark the DATA frame END_STREAM"
        );
    }
}
