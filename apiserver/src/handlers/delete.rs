//! DELETE of one object, with `DeleteOptions` from the body and the query.

use http::Response;
use serde_json::Value;

use super::{respond, Body, RequestContext};
use crate::codec::{decode_body, negotiate, Offers};
use crate::registry::list::ListOptions;
use crate::registry::store::DeleteOptions;
use crate::status::ApiError;

/// Reads `DeleteOptions` (body first, query parameters override as upstream).
fn options(
    ctx: &RequestContext<'_>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<(DeleteOptions, bool), ApiError> {
    let mut opts = DeleteOptions::default();
    let mut dry_run = ctx.dry_run()?;
    if !body.iter().all(u8::is_ascii_whitespace) {
        let v = decode_body(content_type, body)?;
        opts.propagation_policy = v["propagationPolicy"].as_str().map(str::to_string);
        opts.grace_period_seconds = v["gracePeriodSeconds"].as_i64();
        opts.precondition_uid = v["preconditions"]["uid"].as_str().map(str::to_string);
        opts.precondition_rv = v["preconditions"]["resourceVersion"]
            .as_str()
            .map(str::to_string);
        if let Some(Value::Array(d)) = v.get("dryRun") {
            dry_run |= d.iter().any(|x| x == "All");
        }
        if v.get("orphanDependents").and_then(Value::as_bool) == Some(true)
            && opts.propagation_policy.is_none()
        {
            opts.propagation_policy = Some("Orphan".into());
        }
    }
    if let Some(p) = ctx.param("propagationPolicy") {
        opts.propagation_policy = Some(p);
    }
    if let Some(g) = ctx.param("gracePeriodSeconds") {
        opts.grace_period_seconds = Some(g.parse().map_err(|_| {
            ApiError::bad_request(format!("invalid value for gracePeriodSeconds: {g:?}"))
        })?);
    }
    if let Some(p) = &opts.propagation_policy {
        if !matches!(p.as_str(), "Foreground" | "Background" | "Orphan") {
            return Err(ApiError::bad_request(format!(
                "propagationPolicy: Unsupported value: \"{p}\": supported values: \"Foreground\", \"Background\", \"Orphan\""
            )));
        }
    }
    Ok((opts, dry_run))
}

pub async fn handle(
    ctx: &RequestContext<'_>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Response<Body>, ApiError> {
    if !ctx.info.subresource.is_empty() {
        return Err(ApiError::method_not_allowed());
    }
    let store = ctx.store()?;
    let output = negotiate(ctx.accept, Offers::default())?;
    let (opts, dry_run) = options(ctx, content_type, body)?;
    let deleted = store
        .delete(
            &ctx.write_context(dry_run),
            &ctx.info.namespace,
            &ctx.info.name,
            &opts,
        )
        .await?;
    Ok(respond(200, &output, &deleted.body))
}

/// DELETE of a collection: every object the label and field selectors pick.
pub async fn handle_collection(
    ctx: &RequestContext<'_>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Response<Body>, ApiError> {
    let store = ctx.store()?;
    let output = negotiate(ctx.accept, Offers::default())?;
    let (opts, dry_run) = options(ctx, content_type, body)?;
    let list_opts = ListOptions::from_query(ctx.query)?;
    list_opts.validate(false)?;
    let deleted = store
        .delete_collection(
            &ctx.write_context(dry_run),
            &ctx.info.namespace,
            &list_opts,
            &opts,
        )
        .await?;
    Ok(respond(200, &output, &deleted))
}
