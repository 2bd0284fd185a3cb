//! GET of one object (or of a `status`-like subresource, which reads the same object).

use http::Response;

use super::{respond, Body, RequestContext};
use crate::codec::{negotiate, Offers, Shape};
use crate::registry::scale;
use crate::status::ApiError;
use crate::table;

pub async fn handle(ctx: &RequestContext<'_>) -> Result<Response<Body>, ApiError> {
    if (ctx.resource.group, ctx.resource.plural) == ("", "componentstatuses") {
        let output = negotiate(ctx.accept, Offers::default())?;
        let all = crate::componentstatus::all(&ctx.api.storage).await;
        let found = all
            .into_iter()
            .find(|c| crate::object::name(c) == ctx.info.name)
            .ok_or_else(|| {
                ApiError::not_found(
                    crate::status::Qualified {
                        group: "",
                        resource: "componentstatuses",
                    },
                    &ctx.info.name,
                )
            })?;
        return Ok(respond(200, &output, &found));
    }
    let store = ctx.store()?;
    if !matches!(ctx.info.subresource.as_str(), "" | "status" | "scale") {
        return Err(ApiError::method_not_allowed());
    }
    let output = negotiate(ctx.accept, Offers::TABLE)?;
    let obj = store.get(&ctx.info.namespace, &ctx.info.name).await?;
    let include = || table::IncludeObject::from_query(ctx.param("includeObject").as_deref());
    if ctx.info.subresource == "scale" {
        let scale = scale::to_scale(ctx.resource, &obj);
        if output.shape == Shape::Table {
            return Ok(respond(200, &output, &table::for_scale(&scale, include()?)));
        }
        return Ok(respond(200, &output, &scale));
    }
    if output.shape == Shape::Table {
        let include = include()?;
        let t = table::for_objects(
            ctx.resource,
            std::slice::from_ref(&obj),
            None,
            include,
            true,
        );
        return Ok(respond(200, &output, &t));
    }
    Ok(respond(200, &output, &obj))
}
