//! LIST of a collection (one namespace or all), paginated, filtered by selectors.

use http::Response;

use super::{respond, Body, RequestContext};
use crate::codec::{negotiate, Offers, Shape};
use crate::componentstatus;
use crate::registry::list::ListOptions;
use crate::status::ApiError;
use crate::table;

pub async fn handle(ctx: &RequestContext<'_>) -> Result<Response<Body>, ApiError> {
    let output = negotiate(
        ctx.accept,
        Offers {
            table: true,
            ..Offers::default()
        },
    )?;
    let opts = ListOptions::from_query(ctx.query)?;
    opts.validate(false)?;
    let list = if (ctx.resource.group, ctx.resource.plural) == ("", "componentstatuses") {
        componentstatus::list(&ctx.api.storage).await
    } else {
        ctx.store()?.list(&ctx.info.namespace, &opts).await?
    };
    if output.shape == Shape::Table {
        let include = table::IncludeObject::from_query(ctx.param("includeObject").as_deref())?;
        let items = list["items"].as_array().cloned().unwrap_or_default();
        let t = table::for_objects(ctx.resource, &items, Some(&list["metadata"]), include, true);
        return Ok(respond(200, &output, &t));
    }
    Ok(respond(200, &output, &list))
}
