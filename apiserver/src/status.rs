//! The one API error type and its `metav1.Status` rendering, with upstream's reasons, codes
//! and messages (`k8s.io/apimachinery/pkg/api/errors`).
//!
//! Every failure a handler can produce ends up here, so clients see the same shapes
//! whichever resource or stage failed.

use api_types::validation::FieldErrors;
use serde_json::{json, Map, Value};

/// An API failure, rendered as a `Status` object with the matching HTTP code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// HTTP status code.
    pub code: u16,
    /// Machine-readable `reason` (`NotFound`, `AlreadyExists`, ...); empty for none.
    pub reason: &'static str,
    pub message: String,
    /// The `details` object, when upstream fills one.
    pub details: Option<Value>,
}

/// Which resource an error is about: `details.group` and `details.kind` (the plural).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Qualified<'a> {
    pub group: &'a str,
    pub resource: &'a str,
}

impl Qualified<'_> {
    /// `configmaps` or `deployments.apps`, as upstream's `GroupResource.String()`.
    pub fn display(&self) -> String {
        if self.group.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }

    fn details(&self, name: &str) -> Value {
        let mut d = Map::new();
        if !name.is_empty() {
            d.insert("name".into(), name.into());
        }
        if !self.group.is_empty() {
            d.insert("group".into(), self.group.into());
        }
        d.insert("kind".into(), self.resource.into());
        Value::Object(d)
    }
}

/// Upstream's largest accepted request body (3 MiB).
pub const MAX_REQUEST_BODY_BYTES: usize = 3 * 1024 * 1024;

impl ApiError {
    fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
            details: None,
        }
    }

    fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// 404: `configmaps "x" not found`.
    pub fn not_found(what: Qualified<'_>, name: &str) -> Self {
        Self::new(
            404,
            "NotFound",
            format!("{} \"{name}\" not found", what.display()),
        )
        .with_details(what.details(name))
    }

    /// 404 for a path that names no resource.
    pub fn path_not_found() -> Self {
        Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
        .with_details(json!({}))
    }

    /// 409: `configmaps "x" already exists`.
    pub fn already_exists(what: Qualified<'_>, name: &str) -> Self {
        Self::new(
            409,
            "AlreadyExists",
            format!("{} \"{name}\" already exists", what.display()),
        )
        .with_details(what.details(name))
    }

    /// 409 Conflict from a stale `resourceVersion` (upstream's `OptimisticLockErrorMsg`).
    pub fn conflict(what: Qualified<'_>, name: &str) -> Self {
        Self::conflict_with(
            what,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    /// 409 Conflict with another cause.
    pub fn conflict_with(what: Qualified<'_>, name: &str, cause: &str) -> Self {
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": {cause}",
                what.display()
            ),
        )
        .with_details(what.details(name))
    }

    /// 422: `ConfigMap "x" is invalid: <field errors>`, one cause per field error.
    pub fn invalid(group: &str, kind: &str, name: &str, errors: &FieldErrors) -> Self {
        let causes: Vec<Value> = errors
            .iter()
            .map(
                |e| json!({"reason": e.reason(), "message": e.cause_message(), "field": e.field()}),
            )
            .collect();
        let mut details = Map::new();
        if !name.is_empty() {
            details.insert("name".into(), name.into());
        }
        if !group.is_empty() {
            details.insert("group".into(), group.into());
        }
        details.insert("kind".into(), kind.into());
        details.insert("causes".into(), Value::Array(causes));
        // Upstream prints the qualified kind (`Deployment.apps`).
        let qualified = if group.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}.{group}")
        };
        let message = if errors.is_empty() {
            format!("{qualified} \"{name}\" is invalid")
        } else {
            format!("{qualified} \"{name}\" is invalid: {errors}")
        };
        Self::new(422, "Invalid", message).with_details(Value::Object(details))
    }

    /// 400 BadRequest.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    /// 405: a verb the resource does not serve.
    pub fn method_not_allowed() -> Self {
        Self::new(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        )
        .with_details(json!({}))
    }

    /// 410 Expired: a resource version or continue token older than the compacted history.
    pub fn expired(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message)
    }

    /// 410 Gone.
    pub fn gone(message: impl Into<String>) -> Self {
        Self::new(410, "Gone", message)
    }

    /// 403 on an object or collection: `<resource> "<name>" is forbidden: <why>`.
    pub fn forbidden(what: Qualified<'_>, name: &str, why: &str) -> Self {
        let subject = if name.is_empty() {
            what.display()
        } else {
            format!("{} \"{name}\"", what.display())
        };
        Self::new(403, "Forbidden", format!("{subject} is forbidden: {why}"))
            .with_details(what.details(name))
    }

    /// 403 on a non-resource path: `forbidden: <why>`.
    pub fn forbidden_path(why: &str) -> Self {
        Self::new(403, "Forbidden", format!("forbidden: {why}")).with_details(json!({}))
    }

    /// 401 for credentials that did not authenticate.
    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized")
    }

    /// 415 for a request body in a format the server does not decode.
    pub fn unsupported_media_type(content_type: &str) -> Self {
        Self::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got {content_type})"
            ),
        )
    }

    /// 406 when no `Accept` entry is one the server can produce.
    pub fn not_acceptable() -> Self {
        Self::new(
            406,
            "NotAcceptable",
            "only the following media types are accepted: application/json, application/yaml",
        )
    }

    /// 413 for a body above [`MAX_REQUEST_BODY_BYTES`].
    pub fn request_entity_too_large() -> Self {
        Self::new(
            413,
            "RequestEntityTooLarge",
            format!("Request entity too large: limit is {MAX_REQUEST_BODY_BYTES}"),
        )
    }

    /// 429 `TooManyRequests` with one cause (e.g. an eviction a disruption budget refuses).
    pub fn too_many_requests(message: impl Into<String>, cause_type: &str, cause: &str) -> Self {
        Self::new(429, "TooManyRequests", message)
            .with_details(json!({"causes": [{"reason": cause_type, "message": cause}]}))
    }

    /// 403 for a refusal that is not about the user's permissions.
    pub fn forbidden_plain(what: Qualified<'_>, name: &str, reason: &str) -> Self {
        Self::new(
            403,
            "Forbidden",
            format!("{} \"{name}\" is forbidden: {reason}", what.display()),
        )
        .with_details(json!({"name": name, "group": what.group, "kind": what.resource}))
    }

    /// 504 for a `resourceVersion` the storage has not reached (upstream's
    /// `NewTooLargeResourceVersionError`).
    pub fn too_large_resource_version(requested: i64, current: i64) -> Self {
        Self::new(
            504,
            "Timeout",
            format!("Timeout: Too large resource version: {requested}, current: {current}"),
        )
        .with_details(json!({"causes": [{"reason": "ResourceVersionTooLarge",
            "message": "Too large resource version"}], "retryAfterSeconds": 1}))
    }

    /// 500 with the cause in `details.causes`.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let cause = cause.to_string();
        Self::new(
            500,
            "InternalError",
            format!("Internal error occurred: {cause}"),
        )
        .with_details(json!({"causes": [{"message": cause}]}))
    }

    /// 503 when storage cannot be reached.
    pub fn service_unavailable(message: impl Into<String>) -> Self {
        Self::new(503, "ServiceUnavailable", message)
    }

    /// The `metav1.Status` object for this error.
    pub fn to_status(&self) -> Value {
        let mut status = Map::new();
        status.insert("kind".into(), "Status".into());
        status.insert("apiVersion".into(), "v1".into());
        status.insert("metadata".into(), json!({}));
        status.insert("status".into(), "Failure".into());
        status.insert("message".into(), self.message.clone().into());
        if !self.reason.is_empty() {
            status.insert("reason".into(), self.reason.into());
        }
        if let Some(details) = &self.details {
            status.insert("details".into(), details.clone());
        }
        status.insert("code".into(), self.code.into());
        Value::Object(status)
    }
}

/// A `Status` with `status: Success`, what a delete answers for most resources.
pub fn success_status(what: Qualified<'_>, name: &str, uid: Option<&str>) -> Value {
    let mut details = what.details(name);
    if let (Some(uid), Value::Object(d)) = (uid, &mut details) {
        d.insert("uid".into(), uid.into());
    }
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use api_types::validation::{FieldError, FieldPath};

    const CM: Qualified<'static> = Qualified {
        group: "",
        resource: "configmaps",
    };

    #[test]
    fn not_found_matches_upstream() {
        let s = ApiError::not_found(CM, "x").to_status();
        assert_eq!(
            s,
            json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
                "message":"configmaps \"x\" not found","reason":"NotFound",
                "details":{"name":"x","kind":"configmaps"},"code":404})
        );
        let apps = Qualified {
            group: "apps",
            resource: "deployments",
        };
        let s = ApiError::already_exists(apps, "web").to_status();
        assert_eq!(s["message"], "deployments.apps \"web\" already exists");
        assert_eq!(s["details"]["group"], "apps");
        assert_eq!(s["code"], 409);
    }

    #[test]
    fn conflict_message() {
        let e = ApiError::conflict(CM, "x");
        assert_eq!(e.code, 409);
        assert_eq!(
            e.message,
            "Operation cannot be fulfilled on configmaps \"x\": the object has been modified; please apply your changes to the latest version and try again"
        );
    }

    #[test]
    fn invalid_carries_causes() {
        let path = FieldPath::from_names(["metadata", "name"]);
        let errors: FieldErrors = vec![FieldError::required(
            &path,
            "name or generateName is required",
        )]
        .into();
        let s = ApiError::invalid("", "ConfigMap", "", &errors).to_status();
        assert_eq!(s["code"], 422);
        assert_eq!(s["reason"], "Invalid");
        assert_eq!(
            s["message"],
            "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required"
        );
        assert_eq!(s["details"]["causes"][0]["field"], "metadata.name");
        assert_eq!(s["details"]["causes"][0]["reason"], "FieldValueRequired");
        assert_eq!(s["details"]["kind"], "ConfigMap");
    }

    #[test]
    fn success_has_uid() {
        let s = success_status(CM, "x", Some("u1"));
        assert_eq!(s["status"], "Success");
        assert_eq!(
            s["details"],
            json!({"name":"x","kind":"configmaps","uid":"u1"})
        );
    }
}
