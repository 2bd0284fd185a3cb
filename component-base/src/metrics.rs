//! Prometheus metrics: one registry per process, served as text on `/metrics`.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus::{Encoder, Registry, TextEncoder};

/// The process's metric registry. Clones share the same registry.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A registry that already carries the standard `process_*` series (CPU, RSS, open fds).
    pub fn new() -> Self {
        let registry = Registry::new();
        #[cfg(target_os = "linux")]
        {
            let process = prometheus::process_collector::ProcessCollector::for_self();
            if let Err(error) = registry.register(Box::new(process)) {
                tracing::warn!(%error, "process metrics unavailable");
            }
        }
        Self { registry }
    }

    /// The registry daemons register their own collectors with.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Renders every registered series in the Prometheus text format.
    pub fn render(&self) -> Result<String, prometheus::Error> {
        let mut buf = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buf)?;
        String::from_utf8(buf).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }

    /// The `/metrics` route.
    pub fn router(self) -> Router {
        Router::new()
            .route("/metrics", get(serve_metrics))
            .with_state(self)
    }
}

async fn serve_metrics(State(metrics): State<Metrics>) -> Response {
    match metrics.render() {
        Ok(body) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            body,
        )
            .into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_registered_series() {
        let metrics = Metrics::new();
        let counter = prometheus::IntCounter::new("demo_total", "A demo counter.").unwrap();
        metrics
            .registry()
            .register(Box::new(counter.clone()))
            .unwrap();
        counter.inc_by(3);
        let text = metrics.render().unwrap();
        assert!(text.contains("# TYPE demo_total counter"), "{text}");
        assert!(text.contains("demo_total 3"), "{text}");
        #[cfg(target_os = "linux")]
        assert!(text.contains("process_resident_memory_bytes"), "{text}");
    }
}
