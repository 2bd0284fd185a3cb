//! `coordination.k8s.io/v1`: Leases (LeaseCandidates are beta and off by default in 1.33).

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo};

const G: &str = "coordination.k8s.io";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] =
    &[resource!(G, V, "Lease", "leases", "lease", Namespaced).stored("leases", "gqkMMb/YqFM=")];

pub(super) static GROUP: GroupInfo = GroupInfo {
    name: G,
    versions: &[GroupVersionInfo {
        group: G,
        version: V,
        preferred: true,
        resources: RESOURCES,
    }],
};
