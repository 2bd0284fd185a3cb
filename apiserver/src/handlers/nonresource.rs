//! Non-resource endpoints: health, metrics, version and discovery.

use component_base::health::Endpoint;
use http::Response;

use super::{build, error_response, respond, Body};
use crate::codec::{negotiate, Offers, Shape};
use crate::discovery;
use crate::request_info::RequestInfo;
use crate::server::ApiServer;
use crate::status::ApiError;
use crate::version;

fn text(status: u16, body: String) -> Response<Body> {
    build(status, "text/plain; charset=utf-8", body.into_bytes())
}

pub async fn handle(
    api: &ApiServer,
    info: &RequestInfo,
    query: Option<&str>,
    accept: Option<&str>,
) -> Response<Body> {
    match serve(api, info, query, accept).await {
        Ok(resp) => resp,
        Err(e) => error_response(&e),
    }
}

async fn serve(
    api: &ApiServer,
    info: &RequestInfo,
    query: Option<&str>,
    accept: Option<&str>,
) -> Result<Response<Body>, ApiError> {
    let path = info.path.trim_end_matches('/');
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if info.verb != "get" && info.verb != "head" {
        return Err(ApiError::method_not_allowed());
    }
    for (prefix, endpoint) in [
        ("healthz", Endpoint::Healthz),
        ("livez", Endpoint::Livez),
        ("readyz", Endpoint::Readyz),
    ] {
        match segments.as_slice() {
            [p] if *p == prefix => {
                let (status, body) = api.health.report(endpoint, query).await;
                return Ok(text(status.as_u16(), body));
            }
            [p, name] if *p == prefix => {
                let (status, body) = api.health.report_one(endpoint, name).await;
                return Ok(text(status.as_u16(), body));
            }
            _ => {}
        }
    }
    if segments == ["openapi", "v2"] {
        return Ok(crate::openapi::serve_v2(accept).await);
    }
    if let ["openapi", "v3", rest @ ..] = segments.as_slice() {
        return Ok(crate::openapi::serve(rest, query, accept).await);
    }
    let plain = || negotiate(accept, Offers::default());
    match segments.as_slice() {
        ["metrics"] => match api.metrics.render() {
            Ok(body) => Ok(build(
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                body.into_bytes(),
            )),
            Err(e) => Err(ApiError::internal(e)),
        },
        ["version"] => Ok(respond(200, &plain()?, &version::info())),
        ["api"] | ["apis"] => {
            let legacy = segments == ["api"];
            let output = negotiate(
                accept,
                Offers {
                    aggregated_discovery: true,
                    ..Offers::default()
                },
            )?;
            let doc = match &output.shape {
                Shape::AggregatedDiscovery(v) => discovery::aggregated(legacy, v),
                _ if legacy => discovery::api_versions(&api.server_address),
                _ => discovery::api_group_list(),
            };
            Ok(respond(200, &output, &doc))
        }
        ["api", version] => discovery::api_resource_list("", version)
            .map(|doc| Ok(respond(200, &plain()?, &doc)))
            .unwrap_or_else(|| Err(ApiError::path_not_found())),
        ["apis", group] => discovery::api_group_doc(group)
            .map(|doc| Ok(respond(200, &plain()?, &doc)))
            .unwrap_or_else(|| Err(ApiError::path_not_found())),
        ["apis", group, version] => discovery::api_resource_list(group, version)
            .map(|doc| Ok(respond(200, &plain()?, &doc)))
            .unwrap_or_else(|| Err(ApiError::path_not_found())),
        _ => Err(ApiError::path_not_found()),
    }
}
