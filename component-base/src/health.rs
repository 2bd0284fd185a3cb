//! `/healthz`, `/livez` and `/readyz`, shaped like upstream's `k8s.io/apiserver/pkg/server/healthz`.
//!
//! Each endpoint runs its named checks. Success answers `ok` (or, with `?verbose`, one
//! `[+]name ok` line per check and `<endpoint> check passed`); a failure answers 500 with the
//! per-check lines, reasons withheld, and `<endpoint> check failed`. `/<endpoint>/<name>` runs
//! one check, and `?exclude=name` skips checks. Liveness checks also count for readiness, as
//! upstream's `/readyz` includes everything `/livez` has; `/healthz` runs them all.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures::future::BoxFuture;

/// One named health check. Returns `Err(reason)` when unhealthy.
pub trait HealthCheck: Send + Sync + 'static {
    fn name(&self) -> &str;
    fn check(&self) -> BoxFuture<'_, Result<(), String>>;
}

/// A check built from a name and a closure returning a future.
pub struct FnCheck<F> {
    name: String,
    f: F,
}

/// Builds a [`HealthCheck`] from a closure, e.g. `check_fn("etcd", move || ping(client.clone()))`.
pub fn check_fn<F, Fut>(name: impl Into<String>, f: F) -> FnCheck<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
{
    FnCheck {
        name: name.into(),
        f,
    }
}

impl<F, Fut> HealthCheck for FnCheck<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
{
    fn name(&self) -> &str {
        &self.name
    }
    fn check(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin((self.f)())
    }
}

/// Which endpoint a request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Healthz,
    Livez,
    Readyz,
}

impl Endpoint {
    fn name(self) -> &'static str {
        match self {
            Endpoint::Healthz => "healthz",
            Endpoint::Livez => "livez",
            Endpoint::Readyz => "readyz",
        }
    }
}

/// The checks of one process, grouped by endpoint.
#[derive(Clone)]
pub struct HealthChecks {
    healthz: Vec<Arc<dyn HealthCheck>>,
    livez: Vec<Arc<dyn HealthCheck>>,
    readyz: Vec<Arc<dyn HealthCheck>>,
}

impl Default for HealthChecks {
    fn default() -> Self {
        Self::new()
    }
}

impl HealthChecks {
    /// Starts with upstream's `ping` check on every endpoint.
    pub fn new() -> Self {
        let mut checks = Self {
            healthz: Vec::new(),
            livez: Vec::new(),
            readyz: Vec::new(),
        };
        checks.add_liveness(check_fn("ping", || async { Ok(()) }));
        checks
    }

    /// A check that says whether the process is alive: served on all three endpoints.
    pub fn add_liveness(&mut self, check: impl HealthCheck) -> &mut Self {
        let check: Arc<dyn HealthCheck> = Arc::new(check);
        self.healthz.push(check.clone());
        self.livez.push(check.clone());
        self.readyz.push(check);
        self
    }

    /// A check that says whether the process should get traffic: `/readyz` and `/healthz`.
    pub fn add_readiness(&mut self, check: impl HealthCheck) -> &mut Self {
        let check: Arc<dyn HealthCheck> = Arc::new(check);
        self.healthz.push(check.clone());
        self.readyz.push(check);
        self
    }

    fn checks(&self, endpoint: Endpoint) -> &[Arc<dyn HealthCheck>] {
        match endpoint {
            Endpoint::Healthz => &self.healthz,
            Endpoint::Livez => &self.livez,
            Endpoint::Readyz => &self.readyz,
        }
    }

    /// Runs an endpoint's checks and renders the answer (status and body) as upstream does.
    pub async fn report(&self, endpoint: Endpoint, query: Option<&str>) -> (StatusCode, String) {
        let params = QueryFlags::parse(query);
        let mut body = String::new();
        let mut failed = false;
        let mut unmatched: BTreeMap<&str, ()> =
            params.exclude.iter().map(|e| (e.as_str(), ())).collect();
        for check in self.checks(endpoint) {
            if params.exclude.iter().any(|e| e == check.name()) {
                unmatched.remove(check.name());
                let _ = writeln!(body, "[+]{} excluded: ok", check.name());
                continue;
            }
            match check.check().await {
                Ok(()) => {
                    let _ = writeln!(body, "[+]{} ok", check.name());
                }
                Err(reason) => {
                    failed = true;
                    tracing::info!(check = check.name(), endpoint = endpoint.name(), %reason, "health check failed");
                    let _ = writeln!(body, "[-]{} failed: reason withheld", check.name());
                }
            }
        }
        if !unmatched.is_empty() {
            let names: Vec<String> = unmatched.keys().map(|n| format!("{n:?}")).collect();
            let _ = writeln!(
                body,
                "warn: some health checks cannot be excluded: no matches for {}",
                names.join(",")
            );
        }
        if failed {
            let _ = writeln!(body, "{} check failed", endpoint.name());
            (StatusCode::INTERNAL_SERVER_ERROR, body)
        } else if params.verbose {
            let _ = writeln!(body, "{} check passed", endpoint.name());
            (StatusCode::OK, body)
        } else {
            (StatusCode::OK, "ok".to_string())
        }
    }

    /// Runs one named check of an endpoint.
    pub async fn report_one(&self, endpoint: Endpoint, name: &str) -> (StatusCode, String) {
        match self.checks(endpoint).iter().find(|c| c.name() == name) {
            None => (StatusCode::NOT_FOUND, "404 page not found\n".to_string()),
            Some(check) => match check.check().await {
                Ok(()) => (StatusCode::OK, "ok".to_string()),
                Err(reason) => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("internal server error: {reason}\n"),
                ),
            },
        }
    }

    /// Routes for the three endpoints and their per-check sub-paths.
    pub fn router(self) -> Router {
        let state = Arc::new(self);
        let mut router = Router::new();
        for endpoint in [Endpoint::Healthz, Endpoint::Livez, Endpoint::Readyz] {
            let all = move |State(s): State<Arc<HealthChecks>>, RawQuery(q): RawQuery| async move {
                text(s.report(endpoint, q.as_deref()).await)
            };
            let one = move |State(s): State<Arc<HealthChecks>>, Path(name): Path<String>| async move {
                text(s.report_one(endpoint, &name).await)
            };
            router = router
                .route(&format!("/{}", endpoint.name()), get(all))
                .route(&format!("/{}/{{name}}", endpoint.name()), get(one));
        }
        router.with_state(state)
    }
}

fn text((status, body): (StatusCode, String)) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// The query parameters the health endpoints understand.
#[derive(Default)]
struct QueryFlags {
    verbose: bool,
    exclude: Vec<String>,
}

impl QueryFlags {
    fn parse(query: Option<&str>) -> Self {
        let mut flags = Self::default();
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "verbose" => flags.verbose = value != "false" && value != "0",
                "exclude" if !value.is_empty() => flags.exclude.push(value.to_string()),
                _ => {}
            }
        }
        flags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failing(name: &'static str) -> impl HealthCheck {
        check_fn(name, || async { Err("disk on fire".to_string()) })
    }

    #[tokio::test]
    async fn all_passing_is_terse_unless_verbose() {
        let checks = HealthChecks::new();
        assert_eq!(
            checks.report(Endpoint::Livez, None).await,
            (StatusCode::OK, "ok".into())
        );
        let (status, body) = checks.report(Endpoint::Readyz, Some("verbose")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, "[+]ping ok\nreadyz check passed\n");
    }

    #[tokio::test]
    async fn failure_lists_every_check_and_withholds_reason() {
        let mut checks = HealthChecks::new();
        checks.add_readiness(failing("etcd"));
        let (status, body) = checks.report(Endpoint::Readyz, None).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            body,
            "[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n"
        );
        // A readiness check does not affect liveness.
        assert_eq!(checks.report(Endpoint::Livez, None).await.0, StatusCode::OK);
        assert_eq!(
            checks.report(Endpoint::Healthz, None).await.0,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[tokio::test]
    async fn exclude_skips_and_warns_on_unknown() {
        let mut checks = HealthChecks::new();
        checks.add_liveness(failing("etcd"));
        let (status, body) = checks
            .report(Endpoint::Livez, Some("exclude=etcd&exclude=nope&verbose"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body,
            "[+]ping ok\n[+]etcd excluded: ok\nwarn: some health checks cannot be excluded: no matches for \"nope\"\nlivez check passed\n"
        );
    }

    #[tokio::test]
    async fn single_check_paths() {
        let mut checks = HealthChecks::new();
        checks.add_readiness(failing("etcd"));
        assert_eq!(
            checks.report_one(Endpoint::Readyz, "ping").await,
            (StatusCode::OK, "ok".into())
        );
        let (status, body) = checks.report_one(Endpoint::Readyz, "etcd").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body, "internal server error: disk on fire\n");
        assert_eq!(
            checks.report_one(Endpoint::Livez, "etcd").await.0,
            StatusCode::NOT_FOUND
        );
    }
}
