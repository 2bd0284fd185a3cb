//! LIST of a collection (one namespace or all), paginated, filtered by selectors.

use http::Response;

use super::{respond, respond_any, respond_bytes, Body, RequestContext};
use crate::codec::{negotiate, Encoding, Offers, Shape};
use crate::componentstatus;
use crate::registry::list::ListOptions;
use crate::status::ApiError;
use crate::table;

pub async fn handle(ctx: &RequestContext<'_>) -> Result<Response<Body>, ApiError> {
    let output = negotiate(ctx.accept, Offers::TABLE)?;
    let opts = ListOptions::from_query(ctx.query)?;
    opts.validate(false)?;
    if (ctx.resource.group, ctx.resource.plural) == ("", "componentstatuses") {
        let list = componentstatus::list(&ctx.api.storage).await;
        return table_or_list(ctx, &output, list);
    }
    let list = ctx.store()?.list_body(&ctx.info.namespace, &opts).await?;
    if output.shape == Shape::Table {
        return table_or_list(ctx, &output, list.into_value());
    }
    if output.encoding == Encoding::Json {
        // Items from the watch cache go out as their cached JSON.
        return Ok(respond_bytes(200, &output, list.to_json()));
    }
    // Serialized straight from the items: no copy of the item set on the way out.
    Ok(respond_any(200, &output, &list))
}

/// Writes `list` as a Table when one was asked for, else as it is.
fn table_or_list(
    ctx: &RequestContext<'_>,
    output: &crate::codec::Output,
    list: serde_json::Value,
) -> Result<Response<Body>, ApiError> {
    if output.shape == Shape::Table {
        let include = table::IncludeObject::from_query(ctx.param("includeObject").as_deref())?;
        let items = list["items"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        let t = table::for_objects(ctx.resource, items, Some(&list["metadata"]), include, true);
        return Ok(respond(200, output, &t));
    }
    Ok(respond(200, output, &list))
}
