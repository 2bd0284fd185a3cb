//! `apiextensions.k8s.io/v1`: CustomResourceDefinitions, served by the embedded apiextensions
//! server, which keeps its objects under a group-qualified etcd prefix.

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo, SubresourceInfo};

const G: &str = "apiextensions.k8s.io";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[resource!(
    G,
    V,
    "CustomResourceDefinition",
    "customresourcedefinitions",
    "customresourcedefinition",
    Cluster
)
.short_names(&["crd", "crds"])
.categories(&["api-extensions"])
.subresources(&[SubresourceInfo::status("CustomResourceDefinition")])
.stored(
    "apiextensions.k8s.io/customresourcedefinitions",
    "jfWCUB31mvA=",
)];

pub(super) static GROUP: GroupInfo = GroupInfo {
    name: G,
    versions: &[GroupVersionInfo {
        group: G,
        version: V,
        preferred: true,
        resources: RESOURCES,
    }],
};
