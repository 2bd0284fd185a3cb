//! `rbac.authorization.k8s.io`: role bindings. Roles and cluster roles have no printer
//! upstream (default NAME / CREATED AT).

use serde_json::{json, Value};

use super::format::{age, items, name, s};
use super::{col, wide, Column, Printer, AGE, NAME};

pub(super) fn printer(plural: &str) -> Option<Printer> {
    match plural {
        "rolebindings" => Some(Printer {
            columns: role_binding_columns,
            cells: binding_cells,
        }),
        "clusterrolebindings" => Some(Printer {
            columns: cluster_role_binding_columns,
            cells: binding_cells,
        }),
        _ => None,
    }
}

fn binding_columns(what: &'static str) -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    let (users, groups, sas) = match what {
        "cluster" => (
            "Users in the clusterRoleBinding",
            "Groups in the clusterRoleBinding",
            "ServiceAccounts in the clusterRoleBinding",
        ),
        _ => (
            "Users in the roleBinding",
            "Groups in the roleBinding",
            "ServiceAccounts in the roleBinding",
        ),
    };
    vec![
        NAME,
        c("Role", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
        AGE,
        wide(c("Users", users)),
        wide(c("Groups", groups)),
        wide(c("ServiceAccounts", sas)),
    ]
}

fn role_binding_columns() -> Vec<Column> {
    binding_columns("namespaced")
}

fn cluster_role_binding_columns() -> Vec<Column> {
    binding_columns("cluster")
}

/// Upstream's `rbac.SubjectsStrings`: users, groups and `namespace/name` service accounts.
fn binding_cells(obj: &Value, now: i64) -> Vec<Value> {
    let (mut users, mut groups, mut sas) = (Vec::new(), Vec::new(), Vec::new());
    for subject in items(&obj["subjects"]) {
        let n = s(subject, "name");
        match s(subject, "kind") {
            "User" => users.push(n.to_string()),
            "Group" => groups.push(n.to_string()),
            "ServiceAccount" => sas.push(format!("{}/{n}", s(subject, "namespace"))),
            _ => {}
        }
    }
    vec![
        name(obj),
        json!(format!(
            "{}/{}",
            s(obj, "roleRef.kind"),
            s(obj, "roleRef.name")
        )),
        age(obj, now),
        json!(users.join(", ")),
        json!(groups.join(", ")),
        json!(sas.join(", ")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_by_kind() {
        let rb = json!({"metadata": {"name": "rb"},
            "roleRef": {"kind": "ClusterRole", "name": "view"},
            "subjects": [{"kind": "User", "name": "alice"}, {"kind": "User", "name": "bob"},
                {"kind": "Group", "name": "devs"},
                {"kind": "ServiceAccount", "name": "sa", "namespace": "ns"}]});
        let row = binding_cells(&rb, 0);
        assert_eq!(
            [&row[..2], &row[3..]].concat(),
            [
                json!("rb"),
                json!("ClusterRole/view"),
                json!("alice, bob"),
                json!("devs"),
                json!("ns/sa")
            ]
        );
        assert_eq!(
            cluster_role_binding_columns()[3].description,
            "Users in the clusterRoleBinding"
        );
    }
}
