//! `flowcontrol.apiserver.k8s.io/v1`: API Priority and Fairness (v1beta3 was removed in 1.32).

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo, SubresourceInfo};

const G: &str = "flowcontrol.apiserver.k8s.io";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[
    resource!(G, V, "FlowSchema", "flowschemas", "flowschema", Cluster)
        .subresources(&[SubresourceInfo::status("FlowSchema")])
        .stored("flowschemas", "GJVAJZSZBIw="),
    resource!(
        G,
        V,
        "PriorityLevelConfiguration",
        "prioritylevelconfigurations",
        "prioritylevelconfiguration",
        Cluster
    )
    .subresources(&[SubresourceInfo::status("PriorityLevelConfiguration")])
    .stored("prioritylevelconfigurations", "Kir5PVfvNeI="),
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
