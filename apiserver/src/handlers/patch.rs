//! PATCH of an object or of its `status` / `scale` subresource, as upstream's
//! `PatchResource`: the patch is applied to the current object's JSON and the result goes
//! through the normal update path. A conflict on the write is retried against a fresh read,
//! unless the patch itself set `metadata.resourceVersion` (then the 409 stands).

use api_types::validation::{FieldError, FieldPath};
use http::Response;
use serde_json::Value;

use super::{error_response, respond, Body, RequestContext};
use crate::codec::field_validation::{self, FieldValidation};
use crate::codec::patch::{self, PatchType};
use crate::codec::{negotiate, Offers, JSON};
use crate::object;
use crate::openapi::schemas::Gvk;
use crate::registry::scale;
use crate::status::ApiError;

/// Attempts before a write conflict is returned to the client.
const MAX_ATTEMPTS: usize = 10;

pub async fn handle(
    ctx: &RequestContext<'_>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Response<Body>, ApiError> {
    let store = ctx.store()?.clone();
    let kind = PatchType::from_content_type(content_type)?;
    let output = negotiate(ctx.accept, Offers::default())?;
    check_force(ctx)?;
    ctx.check_field_manager("PatchOptions")?;
    let dry_run = ctx.dry_run()?;
    let mode =
        FieldValidation::from_query(ctx.param("fieldValidation").as_deref(), "PatchOptions")?;
    let body_kind = field_validation::body_kind(ctx.resource, &ctx.info.subresource);
    let scale = ctx.info.subresource == "scale";
    let mut attempt = 0;
    loop {
        attempt += 1;
        let current = store.get(&ctx.info.namespace, &ctx.info.name).await?;
        let base = if scale {
            scale::to_scale(ctx.resource, &current)
        } else {
            current.clone()
        };
        let current_rv = object::meta_str(&base, "resourceVersion").to_string();
        let patched = patch::apply(kind, base, body)?;
        let (patched, warnings) = check_fields(patched, mode, body_kind)?;
        check_identity(ctx, body_kind, &current, &patched)?;
        let patch_sets_rv = object::meta_str(&patched, "resourceVersion") != current_rv;
        let result = if scale {
            super::update::write_scale(ctx, &store, &output, dry_run, current, &patched).await
        } else {
            store
                .update(
                    &ctx.write_context(dry_run),
                    &ctx.info.namespace,
                    &ctx.info.name,
                    &ctx.info.subresource,
                    patched,
                )
                .await
                .map(|(updated, _)| respond(200, &output, &updated))
        };
        match result {
            Err(e) if e.code == 409 && !patch_sets_rv && attempt < MAX_ATTEMPTS => continue,
            Err(e) => {
                return Ok(field_validation::add_warnings(
                    error_response(&e),
                    &warnings,
                ))
            }
            Ok(resp) => return Ok(field_validation::add_warnings(resp, &warnings)),
        }
    }
}

/// Upstream's `ValidatePatchOptions`: `force` is only for apply patches.
fn check_force(ctx: &RequestContext<'_>) -> Result<(), ApiError> {
    if ctx.param("force").is_none() {
        return Ok(());
    }
    let err = FieldError::forbidden(
        &FieldPath::new("force"),
        "may not be specified for non-apply patch",
    );
    Err(ApiError::invalid(
        "meta.k8s.io",
        "PatchOptions",
        "",
        &vec![err].into(),
    ))
}

/// Decodes the patched object as a body of `kind` would be: unknown fields are dropped and
/// reported as `mode` says; in `Strict` mode they fail the patch with upstream's 422 on the
/// `patch` field.
fn check_fields(
    patched: Value,
    mode: FieldValidation,
    kind: Gvk<'static>,
) -> Result<(Value, Vec<String>), ApiError> {
    let bytes = serde_json::to_vec(&patched).map_err(ApiError::internal)?;
    let decode_mode = match mode {
        FieldValidation::Ignore => FieldValidation::Ignore,
        _ => FieldValidation::Warn,
    };
    let decoded = field_validation::decode(Some(JSON), &bytes, decode_mode, kind)?;
    if mode == FieldValidation::Strict && !decoded.warnings.is_empty() {
        let err = FieldError::invalid(
            &FieldPath::new("patch"),
            String::from_utf8_lossy(&bytes).into_owned(),
            format!("strict decoding error: {}", decoded.warnings.join(", ")),
        );
        return Err(ApiError::invalid("", "", "", &vec![err].into()));
    }
    Ok((decoded.object, decoded.warnings))
}

/// Upstream's `checkName` (400 for a name or namespace that differs from the URL's) and
/// its immutable-uid rule (422).
fn check_identity(
    ctx: &RequestContext<'_>,
    kind: Gvk<'static>,
    current: &Value,
    patched: &Value,
) -> Result<(), ApiError> {
    let name = object::name(patched);
    if name != ctx.info.name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({name}) does not match the name on the URL ({})",
            ctx.info.name
        )));
    }
    let namespace = object::namespace(patched);
    if !ctx.info.namespace.is_empty() && !namespace.is_empty() && namespace != ctx.info.namespace {
        return Err(ApiError::bad_request(format!(
            "the namespace of the object ({namespace}) does not match the namespace on the URL ({})",
            ctx.info.namespace
        )));
    }
    let uid = object::meta_str(patched, "uid");
    if !uid.is_empty() && uid != object::meta_str(current, "uid") {
        let err = FieldError::invalid(
            &FieldPath::from_names(["metadata", "uid"]),
            uid,
            "field is immutable",
        );
        return Err(ApiError::invalid(
            kind.0,
            kind.2,
            &ctx.info.name,
            &vec![err].into(),
        ));
    }
    Ok(())
}
