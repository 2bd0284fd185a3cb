//! rbac.authorization.k8s.io/v1: upstream's defaults of role bindings
//! (`pkg/apis/rbac/v1/defaults.go`): a role reference without API group names an RBAC role,
//! and a user or group subject without one is an RBAC subject (a service account's group
//! stays empty).

use serde_json::{json, Value};

use super::defaulting::{each_object_in, object_at};

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// The defaults of a RoleBinding or ClusterRoleBinding.
pub fn default_binding(obj: &mut Value) {
    if let Some(role_ref) = object_at(obj, &["roleRef"]) {
        if role_ref
            .get("apiGroup")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            role_ref.insert("apiGroup".into(), json!(RBAC_GROUP));
        }
    }
    let Some(map) = obj.as_object_mut() else {
        return;
    };
    each_object_in(map, "subjects", |subject| {
        let unset = subject
            .get("apiGroup")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
        if !unset {
            return;
        }
        // A service account's group is "", which the JSON form omits.
        if matches!(
            subject.get("kind").and_then(Value::as_str),
            Some("User" | "Group")
        ) {
            subject.insert("apiGroup".into(), json!(RBAC_GROUP));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_ref_and_subject_groups() {
        let mut rb = json!({"roleRef": {"kind": "Role", "name": "r"},
            "subjects": [{"kind": "User", "name": "u"}, {"kind": "Group", "name": "g"},
                {"kind": "ServiceAccount", "name": "sa", "namespace": "ns"},
                {"kind": "User", "name": "v", "apiGroup": "example.com"}]});
        default_binding(&mut rb);
        assert_eq!(rb["roleRef"]["apiGroup"], "rbac.authorization.k8s.io");
        let groups: Vec<&Value> = rb["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| &s["apiGroup"])
            .collect();
        assert_eq!(
            groups,
            [
                &json!("rbac.authorization.k8s.io"),
                &json!("rbac.authorization.k8s.io"),
                &Value::Null,
                &json!("example.com")
            ]
        );
    }
}
