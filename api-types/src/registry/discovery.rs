//! `discovery.k8s.io/v1`: EndpointSlices.

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo};

const G: &str = "discovery.k8s.io";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[resource!(
    G,
    V,
    "EndpointSlice",
    "endpointslices",
    "endpointslice",
    Namespaced
)
.stored("endpointslices", "qgS0xkrxYAI=")];

pub(super) static GROUP: GroupInfo = GroupInfo {
    name: G,
    versions: &[GroupVersionInfo {
        group: G,
        version: V,
        preferred: true,
        resources: RESOURCES,
    }],
};
