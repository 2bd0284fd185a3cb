//! `events.k8s.io/v1`: the newer Event API, stored alongside the core events.

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo};

const G: &str = "events.k8s.io";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[resource!(G, V, "Event", "events", "event", Namespaced)
    .short_names(&["ev"])
    // Same etcd keys and storage version as core v1 events.
    .stored("events", "r2yiGXH7wu8=")];

pub(super) static GROUP: GroupInfo = GroupInfo {
    name: G,
    versions: &[GroupVersionInfo {
        group: G,
        version: V,
        preferred: true,
        resources: RESOURCES,
    }],
};
