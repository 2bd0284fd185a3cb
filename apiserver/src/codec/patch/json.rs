//! RFC 6902 JSON patch and RFC 7386 merge patch through the `json-patch` crate, with
//! upstream's answers: a patch that does not decode is 400, one that does not apply is
//! 422 (`the server rejected our request due to an error in our request`, the reason in
//! `details.causes`), and more than 10000 operations is 413.

use json_patch::{PatchErrorKind, PatchOperation};
use serde_json::{json, Value};

use crate::status::ApiError;

/// Upstream's `maxJSONPatchOperations`.
const MAX_JSON_PATCH_OPERATIONS: usize = 10000;

/// Upstream's `NewGenericServerResponse(422, ...)`: the message is fixed, the cause says why.
pub fn unprocessable(cause: impl Into<String>) -> ApiError {
    ApiError {
        code: 422,
        reason: "Invalid",
        message: "the server rejected our request due to an error in our request".into(),
        details: Some(json!({
            "causes": [{"reason": "UnexpectedServerResponse", "message": cause.into()}],
        })),
    }
}

/// Applies an RFC 6902 patch to `doc`.
pub fn apply_json_patch(mut doc: Value, patch: &[u8]) -> Result<Value, ApiError> {
    // Upstream decodes only the list shape (400 when it is not a list); an operation it
    // cannot apply, an unknown `op` included, is 422.
    let raw: Vec<Value> =
        serde_json::from_slice(patch).map_err(|e| ApiError::bad_request(e.to_string()))?;
    for op in &raw {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        if !matches!(
            kind,
            "add" | "remove" | "replace" | "move" | "copy" | "test"
        ) {
            return Err(unprocessable(format!("Unexpected kind: {kind}")));
        }
    }
    let ops: json_patch::Patch =
        serde_json::from_value(Value::Array(raw)).map_err(|e| unprocessable(e.to_string()))?;
    if ops.0.len() > MAX_JSON_PATCH_OPERATIONS {
        return Err(ApiError {
            code: 413,
            reason: "RequestEntityTooLarge",
            message: format!(
                "Request entity too large: The allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, got {}",
                ops.0.len()
            ),
            details: None,
        });
    }
    json_patch::patch(&mut doc, &ops).map_err(|e| {
        let op = ops.0.get(e.operation);
        unprocessable(describe(op, &e.kind, e.path.as_str()))
    })?;
    Ok(doc)
}

/// The failure in the words upstream's json-patch library uses.
fn describe(op: Option<&PatchOperation>, kind: &PatchErrorKind, path: &str) -> String {
    match (op, kind) {
        (_, PatchErrorKind::TestFailed) => format!("testing value {path} failed: test failed"),
        (Some(PatchOperation::Remove(_)), _) => format!(
            "remove operation does not apply: doc is missing path: \"{path}\": missing value"
        ),
        (Some(PatchOperation::Replace(_)), _) => {
            format!("replace operation does not apply: doc is missing key: {path}: missing value")
        }
        (Some(PatchOperation::Add(_)), _) => {
            format!("add operation does not apply: doc is missing path: \"{path}\": missing value")
        }
        (Some(PatchOperation::Move(m)), _) => format!(
            "move operation does not apply: doc is missing from path: {}: missing value",
            m.from
        ),
        (Some(PatchOperation::Copy(c)), _) => format!(
            "copy operation does not apply: doc is missing from path: \"{}\": missing value",
            c.from
        ),
        (_, other) => format!("{other} at {path}"),
    }
}

/// Applies an RFC 7386 merge patch to `doc`.
pub fn apply_merge_patch(mut doc: Value, patch: &[u8]) -> Result<Value, ApiError> {
    let patch: Value =
        serde_json::from_slice(patch).map_err(|_| ApiError::bad_request("Invalid JSON Patch"))?;
    if !patch.is_object() {
        return Err(ApiError::bad_request("Invalid JSON Patch"));
    }
    json_patch::merge(&mut doc, &patch);
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_patch_ops() {
        let doc =
            json!({"spec": {"replicas": 1, "paused": false}, "metadata": {"labels": {"a": "1"}}});
        let patch = json!([
            {"op": "add", "path": "/metadata/labels/b", "value": "2"},
            {"op": "replace", "path": "/spec/replicas", "value": 3},
            {"op": "remove", "path": "/spec/paused"},
            {"op": "test", "path": "/metadata/labels/a", "value": "1"}
        ]);
        let out = apply_json_patch(doc, patch.to_string().as_bytes()).unwrap();
        assert_eq!(
            out,
            json!({"spec": {"replicas": 3}, "metadata": {"labels": {"a": "1", "b": "2"}}})
        );
    }

    #[test]
    fn json_patch_errors() {
        let doc = json!({"spec": {"replicas": 1}});
        let failing = [
            (
                json!([{"op": "test", "path": "/spec/replicas", "value": 2}]),
                "testing value /spec/replicas failed",
            ),
            (
                json!([{"op": "remove", "path": "/spec/nope"}]),
                "remove operation does not apply",
            ),
            (
                json!([{"op": "replace", "path": "/nope/x", "value": 1}]),
                "replace operation does not apply",
            ),
        ];
        for (patch, want) in failing {
            let err = apply_json_patch(doc.clone(), patch.to_string().as_bytes()).unwrap_err();
            assert_eq!(err.code, 422, "{patch}");
            assert_eq!(err.reason, "Invalid");
            assert!(err.details.unwrap().to_string().contains(want), "{want}");
        }
        let err =
            apply_json_patch(doc.clone(), br#"[{"op": "explode", "path": "/x"}]"#).unwrap_err();
        assert_eq!(err.code, 422);
        assert!(err
            .details
            .unwrap()
            .to_string()
            .contains("Unexpected kind: explode"));
        let err = apply_json_patch(doc.clone(), br#"{"op": "remove", "path": "/x"}"#).unwrap_err();
        assert_eq!(err.code, 400);
        let err = apply_json_patch(doc, b"{").unwrap_err();
        assert_eq!(err.code, 400);
    }

    #[test]
    fn merge_patch() {
        let doc = json!({"spec": {"replicas": 1, "template": {"a": [1, 2]}}, "x": 1});
        let out = apply_merge_patch(
            doc.clone(),
            br#"{"spec": {"template": {"a": [3]}}, "x": null}"#,
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"spec": {"replicas": 1, "template": {"a": [3]}}})
        );
        assert_eq!(
            apply_merge_patch(doc.clone(), b"nope").unwrap_err().code,
            400
        );
        assert_eq!(apply_merge_patch(doc, b"[1]").unwrap_err().code, 400);
    }
}
