//! `scheduling.k8s.io/v1`: PriorityClasses.

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo};

const G: &str = "scheduling.k8s.io";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[resource!(
    G,
    V,
    "PriorityClass",
    "priorityclasses",
    "priorityclass",
    Cluster
)
.short_names(&["pc"])
.stored("priorityclasses", "1QwjyaZjj3Y=")];

pub(super) static GROUP: GroupInfo = GroupInfo {
    name: G,
    versions: &[GroupVersionInfo {
        group: G,
        version: V,
        preferred: true,
        resources: RESOURCES,
    }],
};
