//! `authentication.k8s.io/v1`: create-only reviews, never stored.

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo, Verbs};

const G: &str = "authentication.k8s.io";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[
    resource!(
        G,
        V,
        "SelfSubjectReview",
        "selfsubjectreviews",
        "selfsubjectreview",
        Cluster
    )
    .verbs(Verbs::CREATE),
    resource!(G, V, "TokenReview", "tokenreviews", "tokenreview", Cluster).verbs(Verbs::CREATE),
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
