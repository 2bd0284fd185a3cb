//! `policy/v1`: PodDisruptionBudgets (evictions are the `pods/eviction` subresource).

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo, SubresourceInfo};

const G: &str = "policy";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[resource!(
    G,
    V,
    "PodDisruptionBudget",
    "poddisruptionbudgets",
    "poddisruptionbudget",
    Namespaced
)
.short_names(&["pdb"])
.subresources(&[SubresourceInfo::status("PodDisruptionBudget")])
.stored("poddisruptionbudgets", "EVWiDmWqyJw=")];

pub(super) static GROUP: GroupInfo = GroupInfo {
    name: G,
    versions: &[GroupVersionInfo {
        group: G,
        version: V,
        preferred: true,
        resources: RESOURCES,
    }],
};
