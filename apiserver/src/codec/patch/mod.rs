//! PATCH bodies: which patch a `Content-Type` names, and applying it to an object's JSON.
//! Server-side apply (`application/apply-patch+yaml`) is not served: it is refused like any
//! unknown type, with upstream's 415.

pub mod json;
mod merge_keys;
pub mod strategic;

use serde_json::Value;

use crate::status::ApiError;

pub use merge_keys::{list_strategy, ListStrategy};

pub const JSON_PATCH: &str = "application/json-patch+json";
pub const MERGE_PATCH: &str = "application/merge-patch+json";
pub const STRATEGIC_MERGE_PATCH: &str = "application/strategic-merge-patch+json";
pub const APPLY_PATCH: &str = "application/apply-patch+yaml";

/// The patch types served, in the order the 415 lists them.
const SUPPORTED: [&str; 3] = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH];

/// A patch format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// RFC 6902.
    Json,
    /// RFC 7386.
    Merge,
    /// Kubernetes' strategic merge patch.
    Strategic,
}

impl PatchType {
    /// From the request's `Content-Type` (parameters such as `charset` ignored), or
    /// upstream's 415 naming the types accepted.
    pub fn from_content_type(content_type: Option<&str>) -> Result<PatchType, ApiError> {
        let essence = content_type
            .and_then(|c| c.split(';').next())
            .map(|c| c.trim().to_ascii_lowercase())
            .unwrap_or_default();
        match essence.as_str() {
            JSON_PATCH => Ok(PatchType::Json),
            MERGE_PATCH => Ok(PatchType::Merge),
            STRATEGIC_MERGE_PATCH => Ok(PatchType::Strategic),
            APPLY_PATCH => Err(unsupported(
                "server-side apply (application/apply-patch+yaml) is not supported by this server; ",
            )),
            _ => Err(unsupported("")),
        }
    }
}

/// Upstream's `NewUnsupportedMediaTypeError` for the patch types served.
fn unsupported(prefix: &str) -> ApiError {
    ApiError {
        code: 415,
        reason: "UnsupportedMediaType",
        message: format!(
            "{prefix}the body of the request was in an unknown format - accepted media types include: {}",
            SUPPORTED.join(", ")
        ),
        details: None,
    }
}

/// Applies `patch` of type `kind` to `doc`.
pub fn apply(kind: PatchType, doc: Value, patch: &[u8]) -> Result<Value, ApiError> {
    match kind {
        PatchType::Json => json::apply_json_patch(doc, patch),
        PatchType::Merge => json::apply_merge_patch(doc, patch),
        PatchType::Strategic => strategic::apply(doc, patch).map_err(|e| match e {
            strategic::SmpError::BadRequest(m) => ApiError::bad_request(m),
            strategic::SmpError::Unprocessable(m) => json::unprocessable(m),
            strategic::SmpError::Internal(m) => ApiError::internal(m),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        let rows = [
            (Some("application/json-patch+json"), Ok(PatchType::Json)),
            (
                Some("application/merge-patch+json; charset=utf-8"),
                Ok(PatchType::Merge),
            ),
            (
                Some("application/strategic-merge-patch+json"),
                Ok(PatchType::Strategic),
            ),
            (Some("application/apply-patch+yaml"), Err(415)),
            (Some("application/json"), Err(415)),
            (None, Err(415)),
        ];
        for (ct, want) in rows {
            let got = PatchType::from_content_type(ct).map_err(|e| e.code);
            assert_eq!(got, want, "{ct:?}");
        }
        let err = PatchType::from_content_type(Some("text/plain")).unwrap_err();
        assert_eq!(err.reason, "UnsupportedMediaType");
        assert!(err.message.ends_with(
            "accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"
        ));
    }
}
