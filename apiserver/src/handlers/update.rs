//! PUT of an object or of its `status` / `finalize` subresource.

use http::Response;

use super::{error_response, respond, Body, RequestContext};
use crate::codec::field_validation::{self, FieldValidation};
use crate::codec::{negotiate, Offers, Output};
use crate::object;
use crate::registry::{scale, Store};
use crate::status::ApiError;

pub async fn handle(
    ctx: &RequestContext<'_>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Response<Body>, ApiError> {
    ctx.store()?;
    let output = negotiate(ctx.accept, Offers::default())?;
    let dry_run = ctx.dry_run()?;
    ctx.check_field_manager("UpdateOptions")?;
    let mode =
        FieldValidation::from_query(ctx.param("fieldValidation").as_deref(), "UpdateOptions")?;
    let kind = field_validation::body_kind(ctx.resource, &ctx.info.subresource);
    let decoded = field_validation::decode(content_type, body, mode, kind)?;
    let resp = update(ctx, &output, dry_run, decoded.object)
        .await
        .unwrap_or_else(|e| error_response(&e));
    Ok(field_validation::add_warnings(resp, &decoded.warnings))
}

async fn update(
    ctx: &RequestContext<'_>,
    output: &Output,
    dry_run: bool,
    obj: serde_json::Value,
) -> Result<Response<Body>, ApiError> {
    let store = ctx.store()?;
    if ctx.info.subresource == "scale" {
        return update_scale(ctx, output, dry_run, &obj).await;
    }
    let (updated, created) = store
        .update(
            &ctx.write_context(dry_run),
            &ctx.info.namespace,
            &ctx.info.name,
            &ctx.info.subresource,
            obj,
        )
        .await?;
    Ok(respond(if created { 201 } else { 200 }, output, &updated))
}

/// PUT of `scale`: the Scale's `resourceVersion` (if any) must be current; `spec.replicas`
/// goes through the main resource's update path.
async fn update_scale(
    ctx: &RequestContext<'_>,
    output: &Output,
    dry_run: bool,
    body: &serde_json::Value,
) -> Result<Response<Body>, ApiError> {
    let store = ctx.store()?;
    let current = store.get(&ctx.info.namespace, &ctx.info.name).await?;
    write_scale(ctx, store, output, dry_run, current, body).await
}

/// A new Scale (PUT or patched) of `current`: its `resourceVersion`, if any, must be
/// current, and `spec.replicas` goes through the main resource's update path.
pub(super) async fn write_scale(
    ctx: &RequestContext<'_>,
    store: &Store,
    output: &Output,
    dry_run: bool,
    mut current: serde_json::Value,
    scale: &serde_json::Value,
) -> Result<Response<Body>, ApiError> {
    let wanted = object::meta_str(scale, "resourceVersion");
    if !wanted.is_empty() && wanted != object::meta_str(&current, "resourceVersion") {
        return Err(ApiError::conflict(store.qualified(), &ctx.info.name));
    }
    scale::apply_scale(&mut current, scale)?;
    let (updated, _) = store
        .update(
            &ctx.write_context(dry_run),
            &ctx.info.namespace,
            &ctx.info.name,
            "",
            current,
        )
        .await?;
    Ok(respond(
        200,
        output,
        &scale::to_scale(ctx.resource, &updated),
    ))
}
