//! `certificates.k8s.io/v1`: CertificateSigningRequests (ClusterTrustBundles are beta and off by
//! default in 1.33).

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo, SubresourceInfo, Verbs};

const G: &str = "certificates.k8s.io";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[resource!(
    G,
    V,
    "CertificateSigningRequest",
    "certificatesigningrequests",
    "certificatesigningrequest",
    Cluster
)
.short_names(&["csr"])
.subresources(&[
    SubresourceInfo::new(
        "approval",
        "CertificateSigningRequest",
        Verbs::GET_PATCH_UPDATE,
    ),
    SubresourceInfo::status("CertificateSigningRequest"),
])
.stored("certificatesigningrequests", "95fRKMXA+00=")];

pub(super) static GROUP: GroupInfo = GroupInfo {
    name: G,
    versions: &[GroupVersionInfo {
        group: G,
        version: V,
        preferred: true,
        resources: RESOURCES,
    }],
};
