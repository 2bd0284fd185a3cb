//! POST: decode, then the store's create (admission, preparation, validation, storage); also
//! the create-only subresources `pods/binding` (and the `bindings` resource) and
//! `pods/eviction`.

use http::Response;
use serde_json::{json, Value};

use super::{error_response, respond, Body, RequestContext};
use crate::codec::field_validation::{self, FieldValidation};
use crate::codec::{negotiate, Offers, Output};
use crate::registry::core::pod;
use crate::registry::store::DeleteOptions;
use crate::status::ApiError;

/// What binding and eviction answer.
fn created_status() -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201})
}

pub async fn handle(
    ctx: &RequestContext<'_>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Response<Body>, ApiError> {
    let output = negotiate(ctx.accept, Offers::default())?;
    let dry_run = ctx.dry_run()?;
    ctx.check_field_manager("CreateOptions")?;
    let mode =
        FieldValidation::from_query(ctx.param("fieldValidation").as_deref(), "CreateOptions")?;
    let kind = field_validation::body_kind(ctx.resource, &ctx.info.subresource);
    let decoded = field_validation::decode(content_type, body, mode, kind)?;
    let resp = create(ctx, output, dry_run, decoded.object)
        .await
        .unwrap_or_else(|e| error_response(&e));
    Ok(field_validation::add_warnings(resp, &decoded.warnings))
}

async fn create(
    ctx: &RequestContext<'_>,
    output: Output,
    dry_run: bool,
    obj: Value,
) -> Result<Response<Body>, ApiError> {
    let info = ctx.info;
    if info.subresource.is_empty() {
        let review = crate::reviews::answer(
            ctx.resource.group,
            ctx.resource.plural,
            &info.namespace,
            &obj,
            ctx.user,
            ctx.api.authz.as_ref(),
        );
        if let Some(review) = review {
            return Ok(respond(201, &output, &review?));
        }
    }
    match (
        ctx.resource.group,
        ctx.resource.plural,
        info.subresource.as_str(),
    ) {
        ("", "pods", "binding") => bind(ctx, &output, &info.name, &obj, dry_run).await,
        ("", "bindings", "") => {
            let name = crate::object::name(&obj).to_string();
            bind(ctx, &output, &name, &obj, dry_run).await
        }
        ("", "pods", "eviction") => evict(ctx, &output, &obj, dry_run).await,
        (_, _, "") if info.name.is_empty() => {
            let created = ctx
                .store()?
                .create(&ctx.write_context(dry_run), &info.namespace, obj)
                .await?;
            Ok(respond(201, &output, &created))
        }
        _ => Err(ApiError::method_not_allowed()),
    }
}

fn pods(ctx: &RequestContext<'_>) -> Result<std::sync::Arc<crate::registry::Store>, ApiError> {
    ctx.api
        .registry
        .store("", "v1", "pods")
        .ok_or_else(ApiError::method_not_allowed)
}

async fn bind(
    ctx: &RequestContext<'_>,
    output: &Output,
    pod_name: &str,
    binding: &Value,
    dry_run: bool,
) -> Result<Response<Body>, ApiError> {
    let body_name = crate::object::name(binding);
    if pod_name.is_empty() || (!body_name.is_empty() && body_name != pod_name) {
        return Err(ApiError::bad_request(
            "name in URL does not match name in Binding object",
        ));
    }
    let store = pods(ctx)?;
    if dry_run {
        let mut current = store.get(&ctx.info.namespace, pod_name).await?;
        pod::bind(&mut current, binding)?;
    } else {
        store
            .guaranteed_update(&ctx.info.namespace, pod_name, |p| pod::bind(p, binding))
            .await?;
    }
    Ok(respond(201, output, &created_status()))
}

async fn evict(
    ctx: &RequestContext<'_>,
    output: &Output,
    eviction: &Value,
    dry_run: bool,
) -> Result<Response<Body>, ApiError> {
    let name = crate::object::name(eviction);
    if !name.is_empty() && name != ctx.info.name {
        return Err(ApiError::bad_request(
            "name in URL does not match name in Eviction object",
        ));
    }
    let d = &eviction["deleteOptions"];
    let opts = DeleteOptions {
        precondition_uid: d["preconditions"]["uid"].as_str().map(str::to_string),
        precondition_rv: d["preconditions"]["resourceVersion"]
            .as_str()
            .map(str::to_string),
        propagation_policy: d["propagationPolicy"].as_str().map(str::to_string),
        grace_period_seconds: d["gracePeriodSeconds"].as_i64(),
    };
    let pods = pods(ctx)?;
    let pod = pods.get(&ctx.info.namespace, &ctx.info.name).await?;
    if let Some(pdbs) = ctx
        .api
        .registry
        .store("policy", "v1", "poddisruptionbudgets")
    {
        crate::registry::eviction::check_budgets(&pdbs, &pod, dry_run).await?;
    }
    pods.delete(
        &ctx.write_context(dry_run),
        &ctx.info.namespace,
        &ctx.info.name,
        &opts,
    )
    .await?;
    Ok(respond(201, output, &created_status()))
}
