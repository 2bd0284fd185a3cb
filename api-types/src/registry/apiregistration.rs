//! `apiregistration.k8s.io/v1`: APIServices, served by the embedded kube-aggregator (first in
//! `/apis`), which keeps its objects under a group-qualified etcd prefix.

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo, SubresourceInfo};

const G: &str = "apiregistration.k8s.io";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] =
    &[
        resource!(G, V, "APIService", "apiservices", "apiservice", Cluster)
            .categories(&["api-extensions"])
            .subresources(&[SubresourceInfo::status("APIService")])
            .stored("apiregistration.k8s.io/apiservices", "InPBPD7+PqM="),
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
