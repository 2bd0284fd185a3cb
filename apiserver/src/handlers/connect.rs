//! The pod subresources that reach into a node: `log`, `exec`, `attach` and `portforward`.
//!
//! Upstream answers these by connecting to the kubelet of the pod's node. The apiserver's
//! part, done here as upstream does it: read and validate the options, find the pod and
//! choose its container, and find the node. A pod that is not scheduled has no logs yet (an
//! empty `text/plain` body) and nothing to exec into or attach to (400 `pod ... does not have
//! a host assigned`). The connection to a kubelet itself comes with the kubelet: until then a
//! scheduled pod's request is a 503 that names the node.

use http::{header, Response, StatusCode};
use serde_json::Value;

use api_types::validation::{FieldError, FieldErrors, FieldPath};

use super::{full, Body, RequestContext};
use crate::status::{ApiError, Qualified};

const PODS: Qualified<'static> = Qualified {
    group: "",
    resource: "pods",
};
const NODES: Qualified<'static> = Qualified {
    group: "",
    resource: "nodes",
};

/// Serves `pods/{log,exec,attach,portforward}`; the caller has checked the verb.
pub async fn handle(ctx: &RequestContext<'_>) -> Result<Response<Body>, ApiError> {
    let param = |name: &str| ctx.param(name);
    let subresource = ctx.info.subresource.as_str();
    let log_options = match subresource {
        "log" => Some(LogOptions::from_params(&param, &ctx.info.name)?),
        _ => None,
    };
    let pods = ctx
        .api
        .registry
        .store("", "v1", "pods")
        .ok_or_else(|| ApiError::not_found(PODS, &ctx.info.name))?;
    let pod = pods.get(&ctx.info.namespace, &ctx.info.name).await?;
    if subresource != "portforward" {
        choose_container(&pod, param("container").as_deref())?;
    }
    let node = pod["spec"]["nodeName"].as_str().unwrap_or_default();
    if node.is_empty() {
        return match log_options {
            // Upstream streams from an empty location: no logs yet, and no error.
            Some(_) => Ok(empty_log()),
            None => Err(ApiError::bad_request(format!(
                "pod {} does not have a host assigned",
                ctx.info.name
            ))),
        };
    }
    let nodes = ctx
        .api
        .registry
        .store("", "v1", "nodes")
        .ok_or_else(|| ApiError::not_found(NODES, node))?;
    nodes.get("", node).await?;
    Err(ApiError::service_unavailable(format!(
        "pods/{subresource} of pod {} needs a connection to the kubelet on node {node}, \
         which this kube-apiserver does not make yet",
        ctx.info.name
    )))
}

fn empty_log() -> Response<Body> {
    let mut resp = Response::new(full(bytes::Bytes::new()));
    *resp.status_mut() = StatusCode::OK;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain"),
    );
    resp
}

/// A query parameter as an integer (upstream's parameter codec: 400 when it does not parse).
fn int_param(param: &dyn Fn(&str) -> Option<String>, name: &str) -> Result<Option<i64>, ApiError> {
    param(name)
        .map(|v| {
            v.parse::<i64>().map_err(|_| {
                ApiError::bad_request(format!("strconv.ParseInt: parsing {v:?}: invalid syntax"))
            })
        })
        .transpose()
}

/// `PodLogOptions` as far as the apiserver checks them (upstream's `ValidatePodLogOptions`).
#[derive(Debug, Default, PartialEq)]
struct LogOptions {
    tail_lines: Option<i64>,
    limit_bytes: Option<i64>,
    since_seconds: Option<i64>,
    since_time: Option<String>,
}

impl LogOptions {
    fn from_params(param: &dyn Fn(&str) -> Option<String>, pod: &str) -> Result<Self, ApiError> {
        let opts = LogOptions {
            tail_lines: int_param(param, "tailLines")?,
            limit_bytes: int_param(param, "limitBytes")?,
            since_seconds: int_param(param, "sinceSeconds")?,
            since_time: param("sinceTime"),
        };
        if let Some(t) = &opts.since_time {
            if t.parse::<jiff::Timestamp>().is_err() {
                return Err(ApiError::bad_request(format!(
                    "parsing time {t:?} as \"2006-01-02T15:04:05Z07:00\": cannot parse {t:?} \
                     as an RFC 3339 time"
                )));
            }
        }
        let errs = opts.validate();
        if !errs.is_empty() {
            return Err(ApiError::invalid("", "PodLogOptions", pod, &errs));
        }
        Ok(opts)
    }

    fn validate(&self) -> FieldErrors {
        let mut errs = FieldErrors::new();
        if let Some(n) = self.tail_lines.filter(|n| *n < 0) {
            errs.push(FieldError::invalid(
                &FieldPath::new("tailLines"),
                n,
                "must be greater than or equal to 0",
            ));
        }
        if let Some(n) = self.limit_bytes.filter(|n| *n < 1) {
            errs.push(FieldError::invalid(
                &FieldPath::new("limitBytes"),
                n,
                "must be greater than 0",
            ));
        }
        match (self.since_seconds, &self.since_time) {
            (Some(_), Some(_)) => errs.push(FieldError::forbidden(
                &FieldPath::new(""),
                "at most one of `sinceTime` or `sinceSeconds` may be specified",
            )),
            (Some(n), None) if n < 1 => errs.push(FieldError::invalid(
                &FieldPath::new("sinceSeconds"),
                n,
                "must be greater than 0",
            )),
            _ => {}
        }
        errs
    }
}

/// The container a request is for: the one named, or the pod's only container
/// (upstream's `validateContainer`).
fn choose_container(pod: &Value, requested: Option<&str>) -> Result<String, ApiError> {
    let name = crate::object::name(pod);
    let names_in = |list: &str| -> Vec<String> {
        pod["spec"][list]
            .as_array()
            .map(|cs| {
                cs.iter()
                    .filter_map(|c| c["name"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let containers = names_in("containers");
    match requested.filter(|c| !c.is_empty()) {
        Some(wanted) => {
            let known = ["initContainers", "containers", "ephemeralContainers"]
                .iter()
                .any(|list| names_in(list).iter().any(|n| n == wanted));
            if known {
                Ok(wanted.to_string())
            } else {
                Err(ApiError::bad_request(format!(
                    "container {wanted} is not valid for pod {name}"
                )))
            }
        }
        None => match containers.as_slice() {
            [only] => Ok(only.clone()),
            [] => Err(ApiError::bad_request(format!(
                "a container name must be specified for pod {name}"
            ))),
            _ => {
                let all: Vec<String> = ["initContainers", "containers", "ephemeralContainers"]
                    .iter()
                    .flat_map(|list| names_in(list))
                    .collect();
                Err(ApiError::bad_request(format!(
                    "a container name must be specified for pod {name}, choose one of: [{}]",
                    all.join(" ")
                )))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod() -> Value {
        json!({
            "metadata": {"name": "web"},
            "spec": {
                "initContainers": [{"name": "setup"}],
                "containers": [{"name": "app"}, {"name": "sidecar"}],
                "ephemeralContainers": [{"name": "debugger"}],
            }
        })
    }

    #[test]
    fn the_only_container_is_chosen_and_named_ones_are_checked() {
        let single = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}});
        assert_eq!(choose_container(&single, None).unwrap(), "c");
        assert_eq!(choose_container(&single, Some("")).unwrap(), "c");
        assert_eq!(choose_container(&pod(), Some("setup")).unwrap(), "setup");
        assert_eq!(
            choose_container(&pod(), Some("debugger")).unwrap(),
            "debugger"
        );
        let err = choose_container(&pod(), Some("nope")).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_str()),
            (400, "container nope is not valid for pod web")
        );
        let err = choose_container(&pod(), None).unwrap_err();
        assert_eq!(
            err.message,
            "a container name must be specified for pod web, choose one of: [setup app sidecar debugger]"
        );
    }

    #[test]
    fn log_options_are_validated_as_upstream() {
        let parse = |q: &str| {
            let param = |name: &str| {
                form_urlencoded::parse(q.as_bytes())
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.into_owned())
            };
            LogOptions::from_params(&param, "web")
        };
        assert_eq!(
            parse("tailLines=10&limitBytes=5&sinceSeconds=3").unwrap(),
            LogOptions {
                tail_lines: Some(10),
                limit_bytes: Some(5),
                since_seconds: Some(3),
                since_time: None
            }
        );
        let err = parse("tailLines=-1&limitBytes=0").unwrap_err();
        assert_eq!(err.code, 422);
        assert_eq!(
            err.message,
            "PodLogOptions \"web\" is invalid: [tailLines: Invalid value: -1: must be greater \
             than or equal to 0, limitBytes: Invalid value: 0: must be greater than 0]"
        );
        let err = parse("sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z").unwrap_err();
        assert_eq!(err.code, 422);
        assert!(
            err.message
                .contains("at most one of `sinceTime` or `sinceSeconds`"),
            "{}",
            err.message
        );
        assert_eq!(parse("sinceSeconds=0").unwrap_err().code, 422);
        let err = parse("tailLines=abc").unwrap_err();
        assert_eq!(
            (err.code, err.message.as_str()),
            (400, "strconv.ParseInt: parsing \"abc\": invalid syntax")
        );
        assert_eq!(parse("sinceTime=yesterday").unwrap_err().code, 400);
    }
}
