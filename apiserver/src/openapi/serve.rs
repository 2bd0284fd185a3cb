//! HTTP side of `/openapi/v3`: content negotiation (JSON only; the protobuf form upstream
//! also offers is answered 406 when nothing else is acceptable), hash-pinned URLs
//! (immutable caching when the hash matches, a 301 to the current URL when it does not).

use api_types::k8s_openapi::jiff;
use http::{header, HeaderValue, Response, StatusCode};

use super::document::{self, Documents};
use crate::codec::{parse_accept, MediaType};
use crate::handlers::{error_response, full, Body};
use crate::status::ApiError;

const JSON: &str = "application/json";

/// Serves `/openapi/v3/<rest>`; `rest` is empty for the index.
pub async fn serve(rest: &[&str], query: Option<&str>, accept: Option<&str>) -> Response<Body> {
    // The first request renders every document: keep that off the async workers.
    let docs = match tokio::task::spawn_blocking(document::documents).await {
        Ok(docs) => docs,
        Err(e) => return error_response(&ApiError::internal(e)),
    };
    serve_from(docs, rest, query, accept)
}

fn serve_from(
    docs: &Documents,
    rest: &[&str],
    query: Option<&str>,
    accept: Option<&str>,
) -> Response<Body> {
    if rest.is_empty() {
        let mut resp = Response::new(full(docs.index.clone()));
        set(&mut resp, header::CONTENT_TYPE, JSON);
        set(
            &mut resp,
            header::ETAG,
            &format!("\"{}\"", document::hash(&docs.index)),
        );
        return resp;
    }
    let key = rest.join("/");
    let Some(doc) = docs.get(&key) else {
        return error_response(&ApiError::path_not_found());
    };
    if !accepts_json(accept) {
        let mut resp = Response::new(full(bytes::Bytes::new()));
        *resp.status_mut() = StatusCode::NOT_ACCEPTABLE;
        set(&mut resp, header::VARY, "Accept");
        return resp;
    }
    let wanted = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "hash")
        .map(|(_, v)| v.into_owned())
        .filter(|h| !h.is_empty());
    if let Some(wanted) = &wanted {
        if *wanted != doc.hash {
            let mut resp = Response::new(full(bytes::Bytes::new()));
            *resp.status_mut() = StatusCode::MOVED_PERMANENTLY;
            set(
                &mut resp,
                header::LOCATION,
                &document::server_relative_url(&doc.key, &doc.hash),
            );
            return resp;
        }
    }
    let mut resp = Response::new(full(doc.json.clone()));
    set(&mut resp, header::CONTENT_TYPE, JSON);
    set(&mut resp, header::ETAG, &format!("\"{}\"", doc.hash));
    set(&mut resp, header::VARY, "Accept");
    if wanted.is_some() {
        set(&mut resp, header::CACHE_CONTROL, "public, immutable");
        set(&mut resp, header::EXPIRES, &a_year_from_now());
    }
    resp
}

/// The protobuf form of `/openapi/v2` (kubectl asks for the first; both are upstream's).
const V2_PROTOBUF: [&str; 2] = [
    "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
    "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
];

/// Serves `/openapi/v2`: protobuf when asked for, else JSON, else 406.
pub async fn serve_v2(accept: Option<&str>) -> Response<Body> {
    let doc = match tokio::task::spawn_blocking(super::v2::rendered).await {
        Ok(doc) => doc,
        Err(e) => return error_response(&ApiError::internal(e)),
    };
    let clauses = parse_accept(Some(accept.unwrap_or("*/*")));
    let mut ranked: Vec<(f32, &MediaType)> = clauses
        .iter()
        .map(|m| {
            let q = m.param("q").and_then(|q| q.parse().ok()).unwrap_or(1.0);
            (q, m)
        })
        .filter(|(q, _)| *q > 0.0)
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let chosen = ranked.iter().find_map(|(_, m)| {
        if V2_PROTOBUF.contains(&m.essence.as_str()) {
            // Upstream answers with the dotted form: Go's mime parser refuses the `@`.
            Some((V2_PROTOBUF[1], doc.protobuf.clone()))
        } else if matches!(m.essence.as_str(), JSON | "application/*" | "*/*") {
            Some((JSON, doc.json.clone()))
        } else {
            None
        }
    });
    let (content_type, body) = match chosen {
        Some(found) => found,
        None if clauses.is_empty() => (JSON, doc.json.clone()),
        None => {
            let mut resp = Response::new(full(bytes::Bytes::new()));
            *resp.status_mut() = StatusCode::NOT_ACCEPTABLE;
            set(&mut resp, header::VARY, "Accept");
            return resp;
        }
    };
    let mut resp = Response::new(full(body));
    set(&mut resp, header::CONTENT_TYPE, content_type);
    set(&mut resp, header::ETAG, &format!("\"{}\"", doc.etag));
    set(&mut resp, header::VARY, "Accept");
    resp
}

fn set(resp: &mut Response<Body>, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, v);
    }
}

/// Whether `Accept` (none means anything) admits JSON, taking clauses by quality as
/// upstream's negotiation does; a clause with `q=0` refuses.
fn accepts_json(accept: Option<&str>) -> bool {
    let clauses = parse_accept(Some(accept.unwrap_or("*/*")));
    if clauses.is_empty() {
        return true;
    }
    clauses.iter().any(|m: &MediaType| {
        let q = m
            .param("q")
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        q > 0.0 && matches!(m.essence.as_str(), JSON | "application/*" | "*/*")
    })
}

/// `Expires` of an immutable document: one year on, in HTTP date form.
fn a_year_from_now() -> String {
    let now = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC);
    let later = now.checked_add(jiff::Span::new().years(1)).unwrap_or(now);
    later.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn body(resp: Response<Body>) -> bytes::Bytes {
        resp.into_body().collect().await.unwrap().to_bytes()
    }

    #[tokio::test]
    async fn index_then_document_by_its_url() {
        let docs = document::documents();
        let index = serve_from(docs, &[], None, None);
        assert_eq!(index.status(), 200);
        let index: serde_json::Value = serde_json::from_slice(&body(index).await).unwrap();
        let url = index["paths"]["api/v1"]["serverRelativeURL"]
            .as_str()
            .unwrap()
            .to_string();
        let (_, query) = url.split_once('?').unwrap();
        let resp = serve_from(docs, &["api", "v1"], Some(query), Some(JSON));
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["cache-control"], "public, immutable");
        assert!(resp.headers()["expires"]
            .to_str()
            .unwrap()
            .ends_with(" GMT"));
        let doc: serde_json::Value = serde_json::from_slice(&body(resp).await).unwrap();
        assert!(doc["paths"]["/api/v1/namespaces/{namespace}/pods"].is_object());

        let plain = serve_from(docs, &["api", "v1"], None, None);
        assert_eq!(plain.status(), 200);
        assert!(plain.headers().get("cache-control").is_none());
    }

    #[test]
    fn stale_hash_redirects_and_protobuf_only_is_406() {
        let docs = document::documents();
        let resp = serve_from(docs, &["apis", "apps", "v1"], Some("hash=ABC"), None);
        assert_eq!(resp.status(), 301);
        let want = format!(
            "/openapi/v3/apis/apps/v1?hash={}",
            docs.get("apis/apps/v1").unwrap().hash
        );
        assert_eq!(resp.headers()["location"], want.as_str());
        let pb = "application/com.github.proto-openapi.spec.v3@v1.0+protobuf";
        assert_eq!(
            serve_from(docs, &["apis", "apps", "v1"], None, Some(pb)).status(),
            406
        );
        let both = format!("{pb}, application/json");
        assert_eq!(
            serve_from(docs, &["apis", "apps", "v1"], None, Some(&both)).status(),
            200
        );
        assert_eq!(
            serve_from(docs, &["apis", "nope", "v1"], None, None).status(),
            404
        );
    }
}
