//! The plain-HTTP endpoints etcd serves next to gRPC on its client port.

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use super::ETCD_VERSION;
use crate::store::Store;

/// `/health` (`{"health":"true"}`, 503 with an alarm or a stopped log) and `/version`.
pub fn routes(store: Store) -> Router {
    Router::new()
        .route(
            "/health",
            get(move || {
                let healthy = store.writable() && !store.nospace_alarm();
                async move {
                    let (code, body) = if healthy {
                        (StatusCode::OK, r#"{"health":"true"}"#)
                    } else {
                        (StatusCode::SERVICE_UNAVAILABLE, r#"{"health":"false"}"#)
                    };
                    (
                        code,
                        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                        body,
                    )
                }
            }),
        )
        .route("/version", get(version))
}

async fn version() -> impl IntoResponse {
    let cluster = ETCD_VERSION
        .rsplit_once('.')
        .map_or(ETCD_VERSION, |(minor, _)| minor);
    (
        [(header::CONTENT_TYPE, "application/json")],
        format!(r#"{{"etcdserver":"{ETCD_VERSION}","etcdcluster":"{cluster}.0"}}"#),
    )
}
