//! One row per directive and list strategy; expectations follow upstream's documented
//! behaviour ("Update API Objects in Place Using kubectl patch" and strategicpatch's
//! test cases).

use serde_json::{json, Value};

use super::{apply, SmpError};

fn run(original: Value, patch: Value) -> Result<Value, SmpError> {
    apply(original, patch.to_string().as_bytes())
}

fn pod(containers: Value) -> Value {
    json!({"metadata": {"name": "p"}, "spec": {"containers": containers}})
}

#[test]
fn merges() {
    let rows: Vec<(&str, Value, Value, Value)> = vec![
        (
            "maps merge recursively, scalars are replaced",
            json!({"metadata": {"labels": {"a": "1", "b": "2"}}, "spec": {"replicas": 1}}),
            json!({"metadata": {"labels": {"b": "3", "c": "4"}}, "spec": {"replicas": 2}}),
            json!({"metadata": {"labels": {"a": "1", "b": "3", "c": "4"}}, "spec": {"replicas": 2}}),
        ),
        (
            "null deletes a key; an unmatched null is dropped",
            json!({"metadata": {"labels": {"a": "1", "b": "2"}}}),
            json!({"metadata": {"labels": {"a": null, "z": null}}}),
            json!({"metadata": {"labels": {"b": "2"}}}),
        ),
        (
            "docs: a new container goes first, the old one is kept (merge by name)",
            pod(json!([{"name": "patch-demo-ctr", "image": "nginx"}])),
            json!({"spec": {"containers": [{"name": "patch-demo-ctr-2", "image": "redis"}]}}),
            pod(
                json!([{"name": "patch-demo-ctr-2", "image": "redis"}, {"name": "patch-demo-ctr", "image": "nginx"}]),
            ),
        ),
        (
            "set image: only the named container's image changes",
            pod(
                json!([{"name": "a", "image": "x:1", "ports": [{"containerPort": 80}]}, {"name": "b", "image": "y"}]),
            ),
            json!({"spec": {"containers": [{"name": "a", "image": "x:2"}]}}),
            pod(
                json!([{"name": "a", "image": "x:2", "ports": [{"containerPort": 80}]}, {"name": "b", "image": "y"}]),
            ),
        ),
        (
            "docs: tolerations have no merge strategy and are replaced",
            json!({"spec": {"tolerations": [{"effect": "NoSchedule", "key": "dedicated", "value": "test-team"}]}}),
            json!({"spec": {"tolerations": [{"effect": "NoSchedule", "key": "disktype", "value": "ssd"}]}}),
            json!({"spec": {"tolerations": [{"effect": "NoSchedule", "key": "disktype", "value": "ssd"}]}}),
        ),
        (
            "env merges by name, ports by containerPort",
            pod(
                json!([{"name": "a", "env": [{"name": "X", "value": "1"}, {"name": "Y", "value": "2"}],
                "ports": [{"containerPort": 80, "name": "http"}]}]),
            ),
            json!({"spec": {"containers": [{"name": "a", "env": [{"name": "Y", "value": "3"}],
                "ports": [{"containerPort": 80, "protocol": "TCP"}]}]}}),
            pod(
                json!([{"name": "a", "env": [{"name": "X", "value": "1"}, {"name": "Y", "value": "3"}],
                "ports": [{"containerPort": 80, "name": "http", "protocol": "TCP"}]}]),
            ),
        ),
        (
            "service ports merge by port",
            json!({"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443}]}}),
            json!({"spec": {"ports": [{"port": 443, "name": "https"}]}}),
            json!({"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443, "name": "https"}]}}),
        ),
        (
            "status conditions merge by type",
            json!({"status": {"conditions": [{"type": "Ready", "status": "False"}, {"type": "Init", "status": "True"}]}}),
            json!({"status": {"conditions": [{"type": "Ready", "status": "True"}]}}),
            json!({"status": {"conditions": [{"type": "Ready", "status": "True"}, {"type": "Init", "status": "True"}]}}),
        ),
        (
            "metadata.finalizers merge as a set (patch items first)",
            json!({"metadata": {"finalizers": ["a", "b"]}}),
            json!({"metadata": {"finalizers": ["c", "a"]}}),
            json!({"metadata": {"finalizers": ["c", "a", "b"]}}),
        ),
        (
            "$deleteFromPrimitiveList removes values from a primitive list",
            json!({"metadata": {"finalizers": ["a", "b", "c"]}}),
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["b"]}}),
            json!({"metadata": {"finalizers": ["a", "c"]}}),
        ),
        (
            "$patch: delete removes the list element with that key",
            pod(json!([{"name": "a", "image": "x"}, {"name": "b", "image": "y"}])),
            json!({"spec": {"containers": [{"name": "a", "$patch": "delete"}]}}),
            pod(json!([{"name": "b", "image": "y"}])),
        ),
        (
            "$patch: replace in a list makes the patch the whole list",
            pod(json!([{"name": "a", "image": "x"}, {"name": "b", "image": "y"}])),
            json!({"spec": {"containers": [{"name": "c", "image": "z"}, {"$patch": "replace"}]}}),
            pod(json!([{"name": "c", "image": "z"}])),
        ),
        (
            "$patch: replace on a map replaces it",
            json!({"metadata": {"labels": {"a": "1", "b": "2"}}}),
            json!({"metadata": {"labels": {"c": "3", "$patch": "replace"}}}),
            json!({"metadata": {"labels": {"c": "3"}}}),
        ),
        (
            "$patch: delete on a map empties it",
            json!({"spec": {"selector": {"app": "a"}, "type": "ClusterIP"}}),
            json!({"spec": {"selector": {"$patch": "delete"}}}),
            json!({"spec": {"selector": {}, "type": "ClusterIP"}}),
        ),
        (
            "docs: $retainKeys clears the keys it does not list",
            json!({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}}}}),
            json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
            json!({"spec": {"strategy": {"type": "Recreate"}}}),
        ),
        (
            "$setElementOrder reorders a merged list",
            pod(json!([{"name": "a"}, {"name": "b"}, {"name": "c"}])),
            json!({"spec": {"$setElementOrder/containers": [{"name": "c"}, {"name": "a"}, {"name": "b"}]}}),
            pod(json!([{"name": "c"}, {"name": "a"}, {"name": "b"}])),
        ),
        (
            "$setElementOrder with a patch list: merged and placed in order",
            pod(json!([{"name": "a", "image": "1"}, {"name": "b", "image": "2"}])),
            json!({"spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "new"}, {"name": "a"}],
                "containers": [{"name": "new", "image": "3"}]}}),
            pod(
                json!([{"name": "b", "image": "2"}, {"name": "new", "image": "3"}, {"name": "a", "image": "1"}]),
            ),
        ),
        (
            "kubectl's finalizer patch: order, addition and deletion together",
            json!({"metadata": {"finalizers": ["a", "b", "c"]}}),
            json!({"metadata": {"$setElementOrder/finalizers": ["c", "a", "d"], "finalizers": ["d"],
                "$deleteFromPrimitiveList/finalizers": ["b"]}}),
            json!({"metadata": {"finalizers": ["c", "a", "d"]}}),
        ),
        (
            "a key the original lacks is added with its directives resolved",
            json!({"metadata": {"name": "x"}}),
            json!({"metadata": {"labels": {"a": "1", "b": null}}}),
            json!({"metadata": {"name": "x", "labels": {"a": "1"}}}),
        ),
        (
            "a type change replaces the value",
            json!({"spec": {"x": {"a": 1}}}),
            json!({"spec": {"x": [1, 2]}}),
            json!({"spec": {"x": [1, 2]}}),
        ),
        (
            "ownerReferences merge by uid",
            json!({"metadata": {"ownerReferences": [{"uid": "1", "name": "a"}]}}),
            json!({"metadata": {"ownerReferences": [{"uid": "2", "name": "b"}]}}),
            json!({"metadata": {"ownerReferences": [{"uid": "2", "name": "b"}, {"uid": "1", "name": "a"}]}}),
        ),
    ];
    for (name, original, patch, want) in rows {
        assert_eq!(run(original, patch).unwrap(), want, "{name}");
    }
}

/// A row of [`errors`]: name, original, patch and a check of the error.
type ErrorRow = (&'static str, Value, Value, fn(&SmpError) -> bool);

#[test]
fn errors() {
    let rows: Vec<ErrorRow> = vec![
        (
            "an unknown $patch value is a bad request naming it",
            json!({"metadata": {"labels": {}}}),
            json!({"metadata": {"labels": {"$patch": "explode"}}}),
            |e| matches!(e, SmpError::BadRequest(m) if m.contains("unknown patch type: explode")),
        ),
        (
            "$retainKeys must list every key the patch sets",
            json!({"spec": {"strategy": {"type": "A"}}}),
            json!({"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {}}}}),
            |e| matches!(e, SmpError::BadRequest(m) if m == "invalid patch format of retainKeys"),
        ),
        (
            "$retainKeys must be a list",
            json!({"spec": {}}),
            json!({"spec": {"$retainKeys": "type"}}),
            |e| matches!(e, SmpError::BadRequest(_)),
        ),
        (
            "$setElementOrder must be a list",
            pod(json!([])),
            json!({"spec": {"$setElementOrder/containers": "a"}}),
            |e| matches!(e, SmpError::BadRequest(m) if m == "invalid patch type of setElementOrder list"),
        ),
        (
            "$deleteFromPrimitiveList needs a list name",
            json!({"metadata": {}}),
            json!({"metadata": {"$deleteFromPrimitiveList": ["a"]}}),
            |e| matches!(e, SmpError::BadRequest(m) if m == "invalid patch format of primitive list"),
        ),
        (
            "a merging list element without its merge key",
            pod(json!([{"name": "a"}])),
            json!({"spec": {"containers": [{"image": "x"}]}}),
            |e| matches!(e, SmpError::Internal(m) if m.contains("does not contain declared merge key: name")),
        ),
        (
            "$setElementOrder must agree with the patch list's order",
            pod(json!([{"name": "a"}, {"name": "b"}])),
            json!({"spec": {"$setElementOrder/containers": [{"name": "a"}, {"name": "b"}],
                "containers": [{"name": "b"}, {"name": "a"}]}}),
            |e| matches!(e, SmpError::Internal(m) if m.starts_with("The order in patch list")),
        ),
        (
            "lists of lists are refused",
            json!({"metadata": {"finalizers": ["a"]}}),
            json!({"metadata": {"finalizers": [["b"]]}}),
            |e| matches!(e, SmpError::Unprocessable(m) if m == "lists of lists are not supported"),
        ),
        (
            "$patch: merge in a list is not supported",
            pod(json!([{"name": "a"}])),
            json!({"spec": {"containers": [{"$patch": "merge"}]}}),
            |e| matches!(e, SmpError::Internal(m) if m.contains("merging lists cannot yet")),
        ),
        (
            "the patch must be a JSON object",
            json!({}),
            json!([1]),
            |e| matches!(e, SmpError::BadRequest(_)),
        ),
    ];
    for (name, original, patch, check) in rows {
        let err = run(original, patch).unwrap_err();
        assert!(check(&err), "{name}: {err:?}");
    }
}
