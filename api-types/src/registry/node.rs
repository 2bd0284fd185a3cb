//! `node.k8s.io/v1`: RuntimeClasses.

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo};

const G: &str = "node.k8s.io";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[resource!(
    G,
    V,
    "RuntimeClass",
    "runtimeclasses",
    "runtimeclass",
    Cluster
)
.stored("runtimeclasses", "WQTu1GL3T2Q=")];

pub(super) static GROUP: GroupInfo = GroupInfo {
    name: G,
    versions: &[GroupVersionInfo {
        group: G,
        version: V,
        preferred: true,
        resources: RESOURCES,
    }],
};
