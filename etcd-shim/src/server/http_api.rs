//! The plain-HTTP endpoints etcd serves next to gRPC on its client port: `/health` and
//! `/version` in etcd's shapes, plus the house endpoints every kubeoxide daemon has
//! (`/healthz`, `/livez`, `/readyz` and Prometheus `/metrics`, from component-base).

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use component_base::health::{check_fn, HealthChecks};
use component_base::metrics::Metrics;
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::IntGauge;

use super::ETCD_VERSION;
use crate::store::Store;

/// `/health` (`{"health":"true"}`, 503 with an alarm or a stopped log), `/version`, the
/// health endpoints and `/metrics`.
pub fn routes(store: Store) -> Router {
    let mut health = HealthChecks::new();
    let writable = store.clone();
    health.add_readiness(check_fn("store", move || {
        let (ok, alarm) = (writable.writable(), writable.nospace_alarm());
        async move {
            match (ok, alarm) {
                (false, _) => Err("the log cannot be written; the store is read-only".to_string()),
                (true, true) => Err("NOSPACE alarm is raised".to_string()),
                (true, false) => Ok(()),
            }
        }
    }));
    let metrics = Metrics::new();
    let registered = StoreCollector::new(store.clone())
        .and_then(|collector| metrics.registry().register(Box::new(collector)))
        .and_then(|()| {
            metrics
                .registry()
                .register(Box::new(store.wal_fsync_histogram()))
        });
    if let Err(error) = registered {
        tracing::warn!(%error, "store metrics unavailable");
    }
    component_base::serving::base_router(health, metrics)
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

/// Store gauges read at scrape time, under etcd's own series names.
struct StoreCollector {
    store: Store,
    has_leader: IntGauge,
    db_size: IntGauge,
    revision: IntGauge,
    compact_revision: IntGauge,
}

impl StoreCollector {
    fn new(store: Store) -> prometheus::Result<Self> {
        Ok(Self {
            store,
            has_leader: IntGauge::new(
                "etcd_server_has_leader",
                "Whether or not a leader exists. 1 is existence, 0 is not.",
            )?,
            db_size: IntGauge::new(
                "etcd_mvcc_db_total_size_in_bytes",
                "Total size of the underlying database physically allocated in bytes.",
            )?,
            revision: IntGauge::new(
                "etcd_debugging_mvcc_current_revision",
                "The current revision of store.",
            )?,
            compact_revision: IntGauge::new(
                "etcd_debugging_mvcc_compact_revision",
                "The revision of the last compaction in store.",
            )?,
        })
    }

    fn gauges(&self) -> [&IntGauge; 4] {
        [
            &self.has_leader,
            &self.db_size,
            &self.revision,
            &self.compact_revision,
        ]
    }
}

impl Collector for StoreCollector {
    fn desc(&self) -> Vec<&Desc> {
        self.gauges().into_iter().flat_map(|g| g.desc()).collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        // A single member is always its own leader.
        self.has_leader.set(1);
        self.db_size
            .set(i64::try_from(self.store.db_size()).unwrap_or(i64::MAX));
        self.revision.set(self.store.revision());
        self.compact_revision.set(self.store.compact_revision());
        self.gauges()
            .into_iter()
            .flat_map(|g| g.collect())
            .collect()
    }
}
