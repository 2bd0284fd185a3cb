//! What a request is about, read from its method, path and query the way upstream's
//! `RequestInfoFactory` reads it (`k8s.io/apiserver/pkg/endpoints/request/requestinfo.go`).
//!
//! Authorization, admission and routing all decide from this one parse.

use http::Method;

/// The parsed request: a resource request (`/api/v1/namespaces/ns/pods/p/status`) or a
/// non-resource one (`/healthz`, `/apis`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestInfo {
    pub is_resource_request: bool,
    pub path: String,
    /// For resource requests one of get, list, watch, create, update, patch, delete,
    /// deletecollection; for non-resource requests the lower-cased HTTP method.
    pub verb: String,
    /// `api` or `apis`.
    pub api_prefix: String,
    pub api_group: String,
    pub api_version: String,
    pub namespace: String,
    pub resource: String,
    pub subresource: String,
    pub name: String,
    /// Path segments after `resource[/name[/subresource]]`, e.g. a proxy path.
    pub parts: Vec<String>,
}

/// Subresources of the `namespaces` resource itself (`/api/v1/namespaces/x/status`), which
/// must not be read as "resource `status` in namespace `x`".
const NAMESPACE_SUBRESOURCES: &[&str] = &["status", "finalize"];

impl RequestInfo {
    /// Parses a request line; `query` is the raw query string without `?`.
    pub fn parse(method: &Method, path: &str, query: Option<&str>) -> RequestInfo {
        let mut info = RequestInfo {
            path: path.to_string(),
            verb: method.as_str().to_ascii_lowercase(),
            ..RequestInfo::default()
        };
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let Some((&prefix, rest)) = segments.split_first() else {
            return info;
        };
        if prefix != "api" && prefix != "apis" {
            return info;
        }
        let mut parts: &[&str] = rest;
        if prefix == "apis" {
            // `/apis` and `/apis/<group>` are discovery, not resources.
            let [group, tail @ ..] = parts else {
                return info;
            };
            if tail.is_empty() {
                return info;
            }
            info.api_group = (*group).to_string();
            parts = tail;
        }
        let [version, tail @ ..] = parts else {
            return info;
        };
        if version.is_empty() {
            return info;
        }
        info.api_prefix = prefix.to_string();
        info.api_version = (*version).to_string();
        parts = tail;
        if parts.is_empty() || parts == [""] {
            // `/api/v1` and `/apis/apps/v1`: group-version discovery.
            info.api_prefix.clear();
            info.api_group.clear();
            info.api_version.clear();
            return info;
        }
        info.is_resource_request = true;
        info.verb = match *method {
            Method::POST => "create",
            Method::GET | Method::HEAD => "get",
            Method::PUT => "update",
            Method::PATCH => "patch",
            Method::DELETE => "delete",
            _ => "",
        }
        .to_string();

        if parts.first() == Some(&"watch") {
            if parts.len() < 2 {
                info.is_resource_request = false;
                return info;
            }
            if info.verb == "get" {
                info.verb = "watch".to_string();
            }
            parts = &parts[1..];
        }

        if parts.first() == Some(&"namespaces") {
            if let Some(ns) = parts.get(1) {
                info.namespace = (*ns).to_string();
                if parts.len() > 2 && !NAMESPACE_SUBRESOURCES.contains(&parts[2]) {
                    parts = &parts[2..];
                }
            }
        }

        if let Some(resource) = parts.first() {
            info.resource = (*resource).to_string();
        }
        if let Some(name) = parts.get(1) {
            info.name = (*name).to_string();
        }
        if let Some(sub) = parts.get(2) {
            info.subresource = (*sub).to_string();
        }
        if parts.len() > 3 {
            info.parts = parts[3..].iter().map(|s| s.to_string()).collect();
        }

        let params = QueryFlags::parse(query);
        if info.name.is_empty() && info.verb == "get" {
            info.verb = if params.watch { "watch" } else { "list" }.to_string();
            // A list or watch of one name (`fieldSelector=metadata.name=x`) is about that object.
            if let Some(name) = params.field_name {
                if is_valid_path_segment(&name) {
                    info.name = name;
                }
            }
        }
        if info.name.is_empty() && info.verb == "delete" {
            info.verb = "deletecollection".to_string();
        }
        info
    }

    /// Whether the request addresses a collection or object under a namespace.
    pub fn is_namespaced_path(&self) -> bool {
        !self.namespace.is_empty() && self.resource != "namespaces"
    }
}

struct QueryFlags {
    watch: bool,
    field_name: Option<String>,
}

impl QueryFlags {
    fn parse(query: Option<&str>) -> Self {
        let mut flags = QueryFlags {
            watch: false,
            field_name: None,
        };
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match key.as_ref() {
                "watch" => flags.watch = parse_go_bool(&value).unwrap_or(false),
                "fieldSelector" => {
                    flags.field_name = exact_field(&value, "metadata.name");
                }
                _ => {}
            }
        }
        flags
    }
}

/// Go's `strconv.ParseBool`.
pub fn parse_go_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// The value `field` must equal in a field selector, if the selector requires exactly that
/// (`metadata.name=x` or `metadata.name==x` among its terms).
fn exact_field(selector: &str, field: &str) -> Option<String> {
    selector.split(',').find_map(|term| {
        let term = term.trim();
        if term.contains("!=") {
            return None;
        }
        let (key, value) = term.split_once("==").or_else(|| term.split_once('='))?;
        (key.trim() == field).then(|| value.trim().to_string())
    })
}

fn is_valid_path_segment(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains('/') && !name.contains('%')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(method: Method, url: &str) -> RequestInfo {
        let (path, query) = match url.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (url, None),
        };
        RequestInfo::parse(&method, path, query)
    }

    type Parsed<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
    );

    fn tuple(i: &RequestInfo) -> Parsed<'_> {
        (
            &i.verb,
            &i.api_prefix,
            &i.api_group,
            &i.api_version,
            &i.namespace,
            &i.resource,
            &i.subresource,
            &i.name,
        )
    }

    #[test]
    fn resource_requests_like_upstream() {
        let cases: &[(Method, &str, Parsed<'static>)] = &[
            (
                Method::GET,
                "/api/v1/namespaces",
                ("list", "api", "", "v1", "", "namespaces", "", ""),
            ),
            (
                Method::GET,
                "/api/v1/namespaces/other",
                ("get", "api", "", "v1", "other", "namespaces", "", "other"),
            ),
            (
                Method::GET,
                "/api/v1/namespaces/other/pods",
                ("list", "api", "", "v1", "other", "pods", "", ""),
            ),
            (
                Method::GET,
                "/api/v1/namespaces/other/pods/foo",
                ("get", "api", "", "v1", "other", "pods", "", "foo"),
            ),
            (
                Method::HEAD,
                "/api/v1/namespaces/other/pods/foo",
                ("get", "api", "", "v1", "other", "pods", "", "foo"),
            ),
            (
                Method::GET,
                "/api/v1/pods",
                ("list", "api", "", "v1", "", "pods", "", ""),
            ),
            (
                Method::GET,
                "/api/v1/namespaces/other/pods/foo/status",
                ("get", "api", "", "v1", "other", "pods", "status", "foo"),
            ),
            (
                Method::PUT,
                "/api/v1/namespaces/other/finalize",
                (
                    "update",
                    "api",
                    "",
                    "v1",
                    "other",
                    "namespaces",
                    "finalize",
                    "other",
                ),
            ),
            (
                Method::PUT,
                "/api/v1/namespaces/other/status",
                (
                    "update",
                    "api",
                    "",
                    "v1",
                    "other",
                    "namespaces",
                    "status",
                    "other",
                ),
            ),
            (
                Method::GET,
                "/api/v1/watch/pods",
                ("watch", "api", "", "v1", "", "pods", "", ""),
            ),
            (
                Method::GET,
                "/api/v1/pods?watch=true",
                ("watch", "api", "", "v1", "", "pods", "", ""),
            ),
            (
                Method::GET,
                "/api/v1/pods?watch=false",
                ("list", "api", "", "v1", "", "pods", "", ""),
            ),
            (
                Method::GET,
                "/api/v1/watch/namespaces/other/pods",
                ("watch", "api", "", "v1", "other", "pods", "", ""),
            ),
            (
                Method::GET,
                "/api/v1/watch/namespaces/other/pods/foo",
                ("watch", "api", "", "v1", "other", "pods", "", "foo"),
            ),
            (
                Method::POST,
                "/api/v1/namespaces/other/pods",
                ("create", "api", "", "v1", "other", "pods", "", ""),
            ),
            (
                Method::DELETE,
                "/api/v1/namespaces/other/pods",
                ("deletecollection", "api", "", "v1", "other", "pods", "", ""),
            ),
            (
                Method::DELETE,
                "/api/v1/namespaces/other/pods/foo",
                ("delete", "api", "", "v1", "other", "pods", "", "foo"),
            ),
            (
                Method::PATCH,
                "/apis/apps/v1/namespaces/other/deployments/web/scale",
                (
                    "patch",
                    "apis",
                    "apps",
                    "v1",
                    "other",
                    "deployments",
                    "scale",
                    "web",
                ),
            ),
            (
                Method::GET,
                "/apis/apps/v1/deployments",
                ("list", "apis", "apps", "v1", "", "deployments", "", ""),
            ),
            (
                Method::GET,
                "/api/v1/namespaces/other/pods?fieldSelector=metadata.name%3Dfoo",
                ("list", "api", "", "v1", "other", "pods", "", "foo"),
            ),
        ];
        for (method, url, want) in cases {
            let info = parse(method.clone(), url);
            assert!(info.is_resource_request, "{url}");
            assert_eq!(tuple(&info), *want, "{method} {url}");
        }
    }

    #[test]
    fn non_resource_requests() {
        for url in [
            "/",
            "/healthz",
            "/version",
            "/api",
            "/api/v1",
            "/apis",
            "/apis/apps",
            "/apis/apps/v1",
            "/openapi/v2",
        ] {
            let info = parse(Method::GET, url);
            assert!(!info.is_resource_request, "{url}");
            assert_eq!(info.verb, "get");
        }
        assert_eq!(parse(Method::POST, "/healthz").verb, "post");
    }

    #[test]
    fn proxy_parts() {
        let info = parse(Method::GET, "/api/v1/namespaces/ns/pods/p/proxy/a/b");
        assert_eq!(info.subresource, "proxy");
        assert_eq!(info.parts, ["a", "b"]);
    }
}
