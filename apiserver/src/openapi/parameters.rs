//! The query and path parameters of the operations, as upstream's OpenAPI v3 describes them.
//! kubectl reads these: `fieldValidation` on a kind's PATCH operation is how it learns that the
//! server validates fields itself.

use serde_json::{json, Value};

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "description": description, "schema": schema})
}

fn string_query(name: &str, description: &str) -> Value {
    query(
        name,
        description,
        json!({"type": "string", "uniqueItems": true}),
    )
}

fn bool_query(name: &str, description: &str) -> Value {
    query(
        name,
        description,
        json!({"type": "boolean", "uniqueItems": true}),
    )
}

fn int_query(name: &str, description: &str) -> Value {
    query(
        name,
        description,
        json!({"type": "integer", "uniqueItems": true}),
    )
}

/// `{name}` or `{namespace}` in the path.
pub fn path(name: &str, description: &str) -> Value {
    json!({
        "name": name,
        "in": "path",
        "description": description,
        "required": true,
        "schema": {"type": "string", "uniqueItems": true},
    })
}

pub fn name(kind: &str) -> Value {
    path("name", &format!("name of the {kind}"))
}

pub fn namespace() -> Value {
    path(
        "namespace",
        "object name and auth scope, such as for teams and projects",
    )
}

pub fn pretty() -> Value {
    string_query(
        "pretty",
        "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).",
    )
}

pub fn dry_run() -> Value {
    string_query(
        "dryRun",
        "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed",
    )
}

pub fn field_manager(patch: bool) -> Value {
    let extra = if patch {
        " This field is required for apply requests (application/apply-patch) but optional for non-apply patch types (JsonPatch, MergePatch, StrategicMergePatch)."
    } else {
        ""
    };
    string_query(
        "fieldManager",
        &format!("fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.{extra}"),
    )
}

pub fn field_validation() -> Value {
    string_query(
        "fieldValidation",
        "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.",
    )
}

pub fn force() -> Value {
    bool_query(
        "force",
        "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.",
    )
}

/// The parameters of a write (create or replace).
pub fn write() -> Vec<Value> {
    vec![dry_run(), field_manager(false), field_validation()]
}

/// The parameters of a patch.
pub fn patch() -> Vec<Value> {
    vec![dry_run(), field_manager(true), field_validation(), force()]
}

/// The parameters of a delete (one object or a collection).
pub fn delete() -> Vec<Value> {
    vec![
        dry_run(),
        int_query(
            "gracePeriodSeconds",
            "The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.",
        ),
        bool_query(
            "ignoreStoreReadErrorWithClusterBreakingPotential",
            "if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error.",
        ),
        bool_query(
            "orphanDependents",
            "Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned.",
        ),
        string_query(
            "propagationPolicy",
            "Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. Acceptable values are: 'Orphan', 'Background', 'Foreground'.",
        ),
    ]
}

/// The parameters of a list or watch.
pub fn list() -> Vec<Value> {
    vec![
        bool_query(
            "allowWatchBookmarks",
            "allowWatchBookmarks requests watch events with type \"BOOKMARK\". Servers that do not implement bookmarks may ignore this flag.",
        ),
        string_query(
            "continue",
            "The continue option should be set when retrieving more results from the server.",
        ),
        string_query(
            "fieldSelector",
            "A selector to restrict the list of returned objects by their fields. Defaults to everything.",
        ),
        string_query(
            "labelSelector",
            "A selector to restrict the list of returned objects by their labels. Defaults to everything.",
        ),
        int_query(
            "limit",
            "limit is a maximum number of responses to return for a list call.",
        ),
        string_query(
            "resourceVersion",
            "resourceVersion sets a constraint on what resource versions a request may be served from. Defaults to unset",
        ),
        string_query(
            "resourceVersionMatch",
            "resourceVersionMatch determines how resourceVersion is applied to list calls. Defaults to unset",
        ),
        bool_query(
            "sendInitialEvents",
            "`sendInitialEvents=true` may be set together with `watch=true`: the stream begins with synthetic events for every object, then a bookmark.",
        ),
        int_query(
            "timeoutSeconds",
            "Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity.",
        ),
        bool_query(
            "watch",
            "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion.",
        ),
    ]
}

/// The parameters of a delete of a collection: a delete's plus a list's selection.
pub fn delete_collection() -> Vec<Value> {
    let mut params = delete();
    params.extend(
        list()
            .into_iter()
            .filter(|p| !matches!(p["name"].as_str(), Some("watch" | "allowWatchBookmarks"))),
    );
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(params: &[Value]) -> Vec<&str> {
        params.iter().filter_map(|p| p["name"].as_str()).collect()
    }

    #[test]
    fn patch_carries_field_validation_as_a_query_parameter() {
        let params = patch();
        let fv = params
            .iter()
            .find(|p| p["name"] == "fieldValidation")
            .unwrap();
        assert_eq!(fv["in"], "query");
        assert!(names(&params).contains(&"force"));
        assert!(!names(&write()).contains(&"force"));
    }

    #[test]
    fn delete_collection_selects_but_does_not_watch() {
        let n = names(&delete_collection()).join(",");
        assert!(
            n.contains("labelSelector") && n.contains("propagationPolicy"),
            "{n}"
        );
        assert!(!n.contains("watch"), "{n}");
    }
}
