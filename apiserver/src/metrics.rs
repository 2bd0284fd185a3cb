//! The apiserver's Prometheus series, with upstream's names and labels:
//! `apiserver_request_total`, `apiserver_request_duration_seconds`,
//! `apiserver_storage_objects`, `apiserver_registered_watchers` and the etcd client's
//! `etcd_requests_total` / `etcd_request_duration_seconds`. The vectors are created
//! once per process (the watch caches update them from deep inside storage) and registered
//! with each server's [`Metrics`].

use std::sync::OnceLock;
use std::time::Duration;

use component_base::metrics::Metrics;
use http::Method;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts};

use crate::request_info::RequestInfo;

/// Upstream's `apiserver_request_duration_seconds` buckets.
const DURATION_BUCKETS: &[f64] = &[
    0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0,
    10.0, 15.0, 20.0, 30.0, 45.0, 60.0,
];

const REQUEST_LABELS: &[&str] = &[
    "verb",
    "dry_run",
    "group",
    "version",
    "resource",
    "subresource",
    "scope",
    "component",
];

/// Every series of the apiserver.
pub struct ApiMetrics {
    pub requests: IntCounterVec,
    pub durations: HistogramVec,
    pub storage_objects: IntGaugeVec,
    pub watchers: IntGaugeVec,
    pub cache_lists: IntCounterVec,
    pub consistent_reads: IntCounterVec,
    pub etcd_requests: IntCounterVec,
    pub etcd_durations: HistogramVec,
}

fn build() -> Result<ApiMetrics, prometheus::Error> {
    let mut with_code = REQUEST_LABELS.to_vec();
    with_code.push("code");
    Ok(ApiMetrics {
        requests: IntCounterVec::new(
            Opts::new(
                "apiserver_request_total",
                "Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.",
            ),
            &with_code,
        )?,
        durations: HistogramVec::new(
            HistogramOpts::new(
                "apiserver_request_duration_seconds",
                "Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.",
            )
            .buckets(DURATION_BUCKETS.to_vec()),
            REQUEST_LABELS,
        )?,
        storage_objects: IntGaugeVec::new(
            Opts::new(
                "apiserver_storage_objects",
                "Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.",
            ),
            &["resource"],
        )?,
        watchers: IntGaugeVec::new(
            Opts::new(
                "apiserver_registered_watchers",
                "Number of currently registered watchers for a given resources",
            ),
            &["group", "version", "kind"],
        )?,
        cache_lists: IntCounterVec::new(
            Opts::new(
                "apiserver_cache_list_total",
                "Number of LIST requests served from watch cache",
            ),
            &["resource_prefix", "index"],
        )?,
        consistent_reads: IntCounterVec::new(
            Opts::new(
                "apiserver_watch_cache_consistent_read_total",
                "Counter for consistent reads from cache.",
            ),
            &["resource", "success", "fallback"],
        )?,
        etcd_requests: IntCounterVec::new(
            Opts::new(
                "etcd_requests_total",
                "Etcd request counts for each operation and object type.",
            ),
            &["operation", "type"],
        )?,
        etcd_durations: HistogramVec::new(
            HistogramOpts::new(
                "etcd_request_duration_seconds",
                "Etcd request latency in seconds for each operation and object type.",
            )
            .buckets(DURATION_BUCKETS.to_vec()),
            &["operation", "type"],
        )?,
    })
}

/// The process's series (`None` only if their definitions were refused, which the unit test
/// rules out).
pub fn get() -> Option<&'static ApiMetrics> {
    static METRICS: OnceLock<Option<ApiMetrics>> = OnceLock::new();
    METRICS.get_or_init(|| build().ok()).as_ref()
}

/// Registers every series with a server's metrics registry.
pub fn register(metrics: &Metrics) -> Result<(), prometheus::Error> {
    let Some(m) = get() else {
        return Err(prometheus::Error::Msg(
            "apiserver metrics unavailable".into(),
        ));
    };
    let r = metrics.registry();
    r.register(Box::new(m.requests.clone()))?;
    r.register(Box::new(m.durations.clone()))?;
    r.register(Box::new(m.storage_objects.clone()))?;
    r.register(Box::new(m.watchers.clone()))?;
    r.register(Box::new(m.cache_lists.clone()))?;
    r.register(Box::new(m.consistent_reads.clone()))?;
    r.register(Box::new(m.etcd_requests.clone()))?;
    r.register(Box::new(m.etcd_durations.clone()))?;
    Ok(())
}

/// Upstream's reported verb: GET of a collection is LIST, watches are WATCH, otherwise the
/// HTTP method.
fn reported_verb(method: &Method, info: &RequestInfo) -> String {
    if !info.is_resource_request {
        return method.as_str().to_string();
    }
    match info.verb.as_str() {
        "watch" => "WATCH".to_string(),
        "list" => "LIST".to_string(),
        _ => method.as_str().to_string(),
    }
}

/// Upstream's `scope` label: `resource` for one named object, `namespace` or `cluster` for
/// collections; empty for non-resource paths.
fn scope(info: &RequestInfo) -> &'static str {
    match () {
        _ if !info.is_resource_request => "",
        _ if !info.name.is_empty() => "resource",
        _ if !info.namespace.is_empty() => "namespace",
        _ => "cluster",
    }
}

/// Records one finished request: its count by code and (except for watches, which last as
/// long as the client wants) its latency.
pub fn observe(method: &Method, info: &RequestInfo, dry_run: bool, code: u16, took: Duration) {
    let Some(m) = get() else { return };
    let verb = reported_verb(method, info);
    let labels = [
        verb.as_str(),
        if dry_run { "All" } else { "" },
        info.api_group.as_str(),
        info.api_version.as_str(),
        info.resource.as_str(),
        info.subresource.as_str(),
        scope(info),
        "apiserver",
    ];
    let code = code.to_string();
    let mut with_code = labels.to_vec();
    with_code.push(&code);
    m.requests.with_label_values(&with_code).inc();
    if verb != "WATCH" {
        m.durations
            .with_label_values(&labels)
            .observe(took.as_secs_f64());
    }
}

/// Sets `apiserver_storage_objects` of one resource (`plural` or `plural.group`).
pub fn set_storage_objects(resource: &str, count: usize) {
    if let Some(m) = get() {
        m.storage_objects
            .with_label_values(&[resource])
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }
}

/// Counts a list the watch cache tried to serve: `apiserver_cache_list_total` when it did,
/// and for consistent reads `apiserver_watch_cache_consistent_read_total` (a fallback to etcd
/// when the cache did not catch up in time).
pub fn count_cache_read(resource: &str, consistent: bool, served: bool) {
    let Some(m) = get() else { return };
    if served {
        let prefix = format!("/{}", resource.split('.').next().unwrap_or(resource));
        m.cache_lists
            .with_label_values(&[prefix.as_str(), ""])
            .inc();
    }
    if consistent {
        let (success, fallback) = if served {
            ("true", "false")
        } else {
            ("false", "true")
        };
        m.consistent_reads
            .with_label_values(&[resource, success, fallback])
            .inc();
    }
}

/// Records one etcd request (`etcd_requests_total`, `etcd_request_duration_seconds`):
/// `operation` as upstream names them (get, list, create, update, delete, compact), `type`
/// the resource's storage prefix (`pods`, `deployments`).
pub fn observe_etcd(operation: &'static str, resource: &str, took: Duration) {
    let Some(m) = get() else { return };
    let labels = [operation, resource];
    m.etcd_requests.with_label_values(&labels).inc();
    m.etcd_durations
        .with_label_values(&labels)
        .observe(took.as_secs_f64());
}

/// Counts a watcher in `apiserver_registered_watchers` for as long as it lives.
pub struct WatcherGuard {
    labels: [String; 3],
}

impl WatcherGuard {
    pub fn new(group: &str, version: &str, kind: &str) -> Self {
        let labels = [group.to_string(), version.to_string(), kind.to_string()];
        if let Some(m) = get() {
            m.watchers.with_label_values(&labels).inc();
        }
        WatcherGuard { labels }
    }
}

impl Drop for WatcherGuard {
    fn drop(&mut self) {
        if let Some(m) = get() {
            m.watchers.with_label_values(&self.labels).dec();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_are_defined_and_registrable() {
        let metrics = Metrics::default();
        register(&metrics).unwrap();
        let info = RequestInfo::parse(&Method::GET, "/api/v1/namespaces/default/pods", None);
        observe(&Method::GET, &info, false, 200, Duration::from_millis(3));
        let text = metrics.render().unwrap();
        assert!(text.contains(
            "apiserver_request_total{code=\"200\",component=\"apiserver\",dry_run=\"\",group=\"\",resource=\"pods\",scope=\"namespace\",subresource=\"\",verb=\"LIST\",version=\"v1\"}"
        ), "{text}");
        assert!(text.contains("apiserver_request_duration_seconds_bucket{component=\"apiserver\",dry_run=\"\",group=\"\",resource=\"pods\",scope=\"namespace\",subresource=\"\",verb=\"LIST\",version=\"v1\",le=\"0.005\"}"), "{text}");
        let named = RequestInfo::parse(
            &Method::POST,
            "/apis/apps/v1/namespaces/x/deployments",
            None,
        );
        assert_eq!(reported_verb(&Method::POST, &named), "POST");
        assert_eq!(scope(&named), "namespace");
        let one = RequestInfo::parse(&Method::GET, "/api/v1/nodes/n1", None);
        assert_eq!(
            (reported_verb(&Method::GET, &one).as_str(), scope(&one)),
            ("GET", "resource")
        );
    }
}
