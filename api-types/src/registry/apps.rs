//! `apps/v1`: the workload controllers.

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo, SubresourceInfo};

const G: &str = "apps";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[
    resource!(
        G,
        V,
        "ControllerRevision",
        "controllerrevisions",
        "controllerrevision",
        Namespaced
    )
    .stored("controllerrevisions", "85nkx63pcBU="),
    resource!(G, V, "DaemonSet", "daemonsets", "daemonset", Namespaced)
        .short_names(&["ds"])
        .categories(&["all"])
        .subresources(&[SubresourceInfo::status("DaemonSet")])
        .stored("daemonsets", "dd7pWHUlMKQ="),
    resource!(G, V, "Deployment", "deployments", "deployment", Namespaced)
        .short_names(&["deploy"])
        .categories(&["all"])
        .subresources(&[
            SubresourceInfo::scale(),
            SubresourceInfo::status("Deployment"),
        ])
        .stored("deployments", "8aSe+NMegvE="),
    resource!(G, V, "ReplicaSet", "replicasets", "replicaset", Namespaced)
        .short_names(&["rs"])
        .categories(&["all"])
        .subresources(&[
            SubresourceInfo::scale(),
            SubresourceInfo::status("ReplicaSet"),
        ])
        .stored("replicasets", "P1RzHs8/mWQ="),
    resource!(
        G,
        V,
        "StatefulSet",
        "statefulsets",
        "statefulset",
        Namespaced
    )
    .short_names(&["sts"])
    .categories(&["all"])
    .subresources(&[
        SubresourceInfo::scale(),
        SubresourceInfo::status("StatefulSet"),
    ])
    .stored("statefulsets", "H+vl74LkKdo="),
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
