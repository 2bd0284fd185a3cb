//! `storage.k8s.io/v1` (VolumeAttributesClass is beta and off by default in 1.33).

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo, SubresourceInfo};

const G: &str = "storage.k8s.io";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[
    resource!(G, V, "CSIDriver", "csidrivers", "csidriver", Cluster)
        .stored("csidrivers", "hL6j/rwBV5w="),
    resource!(G, V, "CSINode", "csinodes", "csinode", Cluster).stored("csinodes", "Pe62DkZtjuo="),
    resource!(
        G,
        V,
        "CSIStorageCapacity",
        "csistoragecapacities",
        "csistoragecapacity",
        Namespaced
    )
    .stored("csistoragecapacities", "xeVl+2Ly1kE="),
    resource!(
        G,
        V,
        "StorageClass",
        "storageclasses",
        "storageclass",
        Cluster
    )
    .short_names(&["sc"])
    .stored("storageclasses", "K+m6uJwbjGY="),
    resource!(
        G,
        V,
        "VolumeAttachment",
        "volumeattachments",
        "volumeattachment",
        Cluster
    )
    .subresources(&[SubresourceInfo::status("VolumeAttachment")])
    .stored("volumeattachments", "tJx/ezt6UDU="),
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
