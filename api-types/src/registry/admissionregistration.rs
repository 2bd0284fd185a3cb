//! `admissionregistration.k8s.io/v1`: webhooks and validating admission policies (mutating
//! admission policies are alpha in 1.33).

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo, SubresourceInfo};

const G: &str = "admissionregistration.k8s.io";
const V: &str = "v1";

const API_EXTENSIONS: &[&str] = &["api-extensions"];

static RESOURCES: &[ResourceInfo] = &[
    resource!(
        G,
        V,
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        "mutatingwebhookconfiguration",
        Cluster
    )
    .categories(API_EXTENSIONS)
    .stored("mutatingwebhookconfigurations", "Sqi0GUgDaX0="),
    resource!(
        G,
        V,
        "ValidatingAdmissionPolicy",
        "validatingadmissionpolicies",
        "validatingadmissionpolicy",
        Cluster
    )
    .categories(API_EXTENSIONS)
    .subresources(&[SubresourceInfo::status("ValidatingAdmissionPolicy")])
    .stored("validatingadmissionpolicies", "6OxvlMmQ6is="),
    resource!(
        G,
        V,
        "ValidatingAdmissionPolicyBinding",
        "validatingadmissionpolicybindings",
        "validatingadmissionpolicybinding",
        Cluster
    )
    .categories(API_EXTENSIONS)
    .stored("validatingadmissionpolicybindings", "v9715VZqakg="),
    resource!(
        G,
        V,
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        "validatingwebhookconfiguration",
        Cluster
    )
    .categories(API_EXTENSIONS)
    .stored("validatingwebhookconfigurations", "B0wHjQmsGNk="),
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
