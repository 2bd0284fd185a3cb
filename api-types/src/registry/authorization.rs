//! `authorization.k8s.io/v1`: create-only access reviews, never stored.

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo, Verbs};

const G: &str = "authorization.k8s.io";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[
    resource!(
        G,
        V,
        "LocalSubjectAccessReview",
        "localsubjectaccessreviews",
        "localsubjectaccessreview",
        Namespaced
    )
    .verbs(Verbs::CREATE),
    resource!(
        G,
        V,
        "SelfSubjectAccessReview",
        "selfsubjectaccessreviews",
        "selfsubjectaccessreview",
        Cluster
    )
    .verbs(Verbs::CREATE),
    resource!(
        G,
        V,
        "SelfSubjectRulesReview",
        "selfsubjectrulesreviews",
        "selfsubjectrulesreview",
        Cluster
    )
    .verbs(Verbs::CREATE),
    resource!(
        G,
        V,
        "SubjectAccessReview",
        "subjectaccessreviews",
        "subjectaccessreview",
        Cluster
    )
    .verbs(Verbs::CREATE),
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
