//! `rbac.authorization.k8s.io/v1`.

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo};

const G: &str = "rbac.authorization.k8s.io";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[
    resource!(
        G,
        V,
        "ClusterRoleBinding",
        "clusterrolebindings",
        "clusterrolebinding",
        Cluster
    )
    .stored("clusterrolebindings", "48tpQ8gZHFc="),
    resource!(G, V, "ClusterRole", "clusterroles", "clusterrole", Cluster)
        .stored("clusterroles", "bYE5ZWDrJ44="),
    resource!(
        G,
        V,
        "RoleBinding",
        "rolebindings",
        "rolebinding",
        Namespaced
    )
    .stored("rolebindings", "eGsCzGH6b1g="),
    resource!(G, V, "Role", "roles", "role", Namespaced).stored("roles", "7FuwZcIIItM="),
];

pub(super) static GROUP: GroupInfo = GroupInfo {
    name: G,
    versions: &[GroupVersionInfo {
        group: G,
        version: V,
        preferred: true,
        resources: RESOURCES,
    }],
};
