//! The one request path: authenticate → authorize → route (non-resource endpoints, or a
//! resource verb handler, one file per verb, which admits, validates and stores through the
//! generic store). No resource has a handler of its own.

mod connect;
mod create;
mod delete;
mod get;
mod list;
mod nonresource;
mod patch;
mod update;
mod watch;

use std::convert::Infallible;
use std::sync::Arc;

use api_types::registry::{builtin, ResourceInfo, Verb};
use bytes::Bytes;
use http::{header, Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited};
use serde_json::Value;

use crate::codec::{self, Output};
use crate::pipeline::authn::{AuthnRequest, UserInfo};
use crate::pipeline::authz::{self, Decision};
use crate::registry::store::WriteContext;
use crate::registry::Store;
use crate::request_info::RequestInfo;
use crate::server::{ApiServer, ConnInfo};
use crate::status::{ApiError, MAX_REQUEST_BODY_BYTES};

/// The response body type: whole bodies and watch streams alike.
pub type Body = BoxBody<Bytes, Infallible>;

/// A whole body.
pub fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed()
}

/// A response of `value` in the negotiated format.
pub fn respond(status: u16, output: &Output, value: &Value) -> Response<Body> {
    respond_any(status, output, value)
}

/// As [`respond`], for any serializable body.
pub fn respond_any<T: serde::Serialize>(status: u16, output: &Output, value: &T) -> Response<Body> {
    build(status, &output.content_type(), output.encode_any(value))
}

/// As [`respond`], for a body already encoded in the output's encoding.
pub fn respond_bytes(status: u16, output: &Output, body: bytes::Bytes) -> Response<Body> {
    build(status, &output.content_type(), body)
}

fn build(status: u16, content_type: &str, body: impl Into<bytes::Bytes>) -> Response<Body> {
    let mut resp = Response::new(full(body));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = content_type.parse() {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    resp
}

/// An error as a JSON `Status`.
pub fn error_response(err: &ApiError) -> Response<Body> {
    build(err.code, codec::JSON, codec::encode_json(&err.to_status()))
}

/// Everything a verb handler needs about the request.
pub struct RequestContext<'a> {
    pub api: &'a ApiServer,
    pub info: &'a RequestInfo,
    pub user: &'a UserInfo,
    pub resource: &'static ResourceInfo,
    pub store: Option<Arc<Store>>,
    pub query: Option<&'a str>,
    pub accept: Option<&'a str>,
}

impl RequestContext<'_> {
    /// The store, or 405 for resources that are not stored (reviews, bindings).
    pub fn store(&self) -> Result<&Arc<Store>, ApiError> {
        self.store.as_ref().ok_or_else(ApiError::method_not_allowed)
    }

    /// Whether the query asks for a dry run (`dryRun=All`).
    pub fn dry_run(&self) -> Result<bool, ApiError> {
        let mut dry = false;
        for (k, v) in form_urlencoded::parse(self.query.unwrap_or("").as_bytes()) {
            if k == "dryRun" {
                if v != "All" {
                    return Err(ApiError::bad_request(format!(
                        "dryRun: Unsupported value: \"{v}\": supported values: \"All\""
                    )));
                }
                dry = true;
            }
        }
        Ok(dry)
    }

    /// Upstream's `ValidateFieldManager` on `fieldManager` (at most 128 bytes, printable),
    /// reported against `options_kind` (`CreateOptions`, `UpdateOptions`).
    pub fn check_field_manager(&self, options_kind: &str) -> Result<(), ApiError> {
        let Some(manager) = self.param("fieldManager") else {
            return Ok(());
        };
        let path = api_types::validation::FieldPath::new("fieldManager");
        let mut errs = Vec::new();
        if manager.len() > 128 {
            errs.push(api_types::validation::FieldError::too_long(
                &path,
                manager.as_str(),
                128,
            ));
        }
        for (i, ch) in manager.char_indices() {
            if ch.is_control() {
                errs.push(api_types::validation::FieldError::invalid(
                    &path,
                    manager.as_str(),
                    format!(
                        "invalid character U+{:04X} (at position {i})",
                        u32::from(ch)
                    ),
                ));
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(
                "meta.k8s.io",
                options_kind,
                "",
                &errs.into(),
            ))
        }
    }

    pub fn write_context(&self, dry_run: bool) -> WriteContext<'_> {
        WriteContext {
            user: self.user,
            admission: &self.api.admission,
            dry_run,
        }
    }

    /// A query parameter's first value.
    pub fn param(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.query.unwrap_or("").as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// Entry point for every request on the secure port.
pub async fn handle<B>(api: Arc<ApiServer>, conn: Arc<ConnInfo>, req: Request<B>) -> Response<Body>
where
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let info = RequestInfo::parse(&method, &path, query.as_deref());
    let dry_run = query.as_deref().is_some_and(|q| {
        form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == "dryRun" && v == "All")
    });
    let record = |code: u16| {
        crate::metrics::observe(&method, &info, dry_run, code, started.elapsed());
    };

    let Some(user) = api.authn.authenticate(&AuthnRequest {
        headers: req.headers(),
        peer_certificates: conn.peer_certificates.as_deref(),
        x509_cache: Some(&conn.x509),
    }) else {
        record(401);
        return error_response(&ApiError::unauthorized());
    };
    match api.authz.authorize(&user, &info) {
        Decision::Allow => {}
        Decision::Deny(reason) => {
            record(403);
            return error_response(&authz::forbidden(&user, &info, &reason));
        }
        Decision::NoOpinion => {
            record(403);
            return error_response(&authz::forbidden(&user, &info, ""));
        }
    }

    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);

    let resp = if !info.is_resource_request {
        nonresource::handle(&api, &info, query.as_deref(), accept.as_deref()).await
    } else {
        let body = req.into_body();
        let result = resource(
            &api,
            &info,
            &user,
            query.as_deref(),
            accept.as_deref(),
            content_type.as_deref(),
            body,
        )
        .await;
        result.unwrap_or_else(|e| error_response(&e))
    };
    let code = resp.status().as_u16();
    record(code);
    tracing::debug!(
        verb = %info.verb,
        path = %path,
        user = %user.name,
        code,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    resp
}

/// Reads a request body up to upstream's limit.
async fn read_body<B>(body: B) -> Result<Bytes, ApiError>
where
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    match Limited::new(body, MAX_REQUEST_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(ApiError::request_entity_too_large())
        }
        Err(e) => Err(ApiError::bad_request(format!("reading request body: {e}"))),
    }
}

#[allow(clippy::too_many_arguments)]
async fn resource<B>(
    api: &ApiServer,
    info: &RequestInfo,
    user: &UserInfo,
    query: Option<&str>,
    accept: Option<&str>,
    content_type: Option<&str>,
    body: B,
) -> Result<Response<Body>, ApiError>
where
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let resource = builtin()
        .get(&info.api_group, &info.api_version, &info.resource)
        .ok_or_else(ApiError::path_not_found)?;
    let verbs = if info.subresource.is_empty() {
        resource.verbs
    } else {
        resource
            .subresource(&info.subresource)
            .ok_or_else(ApiError::path_not_found)?
            .verbs
    };
    let verb: Verb = match info.verb.as_str() {
        "watch" if info.subresource.is_empty() => Verb::Watch,
        other => other.parse().map_err(|_| ApiError::method_not_allowed())?,
    };
    let listing = matches!(verb, Verb::List | Verb::Watch | Verb::DeleteCollection);
    let allowed = verbs.contains(verb)
        // A watch of one object by name (`/watch/.../name`) is served with the list verbs.
        || (verb == Verb::Watch && verbs.contains(Verb::List));
    if !allowed || (listing && !info.subresource.is_empty()) {
        return Err(ApiError::method_not_allowed());
    }
    let namespaced_path = !info.namespace.is_empty() && info.resource != "namespaces";
    if namespaced_path && !resource.is_namespaced() {
        return Err(ApiError::path_not_found());
    }
    if resource.is_namespaced() && info.namespace.is_empty() && !listing {
        return Err(ApiError::path_not_found());
    }
    let ctx = RequestContext {
        api,
        info,
        user,
        resource,
        store: api
            .registry
            .store(resource.group, resource.version, resource.plural),
        query,
        accept,
    };
    if resource.group.is_empty()
        && resource.plural == "pods"
        && matches!(
            info.subresource.as_str(),
            "log" | "exec" | "attach" | "portforward"
        )
    {
        return connect::handle(&ctx).await;
    }
    match verb {
        Verb::Get => get::handle(&ctx).await,
        Verb::List => list::handle(&ctx).await,
        Verb::Watch => watch::handle(&ctx).await,
        Verb::Create => {
            let body = read_body(body).await?;
            create::handle(&ctx, content_type, &body).await
        }
        Verb::Update => {
            let body = read_body(body).await?;
            update::handle(&ctx, content_type, &body).await
        }
        Verb::Delete => {
            let body = read_body(body).await?;
            delete::handle(&ctx, content_type, &body).await
        }
        Verb::DeleteCollection => {
            let body = read_body(body).await?;
            delete::handle_collection(&ctx, content_type, &body).await
        }
        Verb::Patch => {
            let body = read_body(body).await?;
            patch::handle(&ctx, content_type, &body).await
        }
    }
}
