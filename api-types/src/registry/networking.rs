//! `networking.k8s.io/v1`. ServiceCIDR and IPAddress went GA in 1.33; their storage version is
//! still v1beta1 there, hence their storage version hashes.

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo, SubresourceInfo};

const G: &str = "networking.k8s.io";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[
    resource!(
        G,
        V,
        "IngressClass",
        "ingressclasses",
        "ingressclass",
        Cluster
    )
    .stored("ingressclasses", "l/iqIbDgFyQ="),
    resource!(G, V, "Ingress", "ingresses", "ingress", Namespaced)
        .short_names(&["ing"])
        .subresources(&[SubresourceInfo::status("Ingress")])
        .stored("ingress", "39NQlfNR+bo="),
    resource!(G, V, "IPAddress", "ipaddresses", "ipaddress", Cluster)
        .short_names(&["ip"])
        .stored("ipaddresses", "O4H8VxQhW5Y="),
    resource!(
        G,
        V,
        "NetworkPolicy",
        "networkpolicies",
        "networkpolicy",
        Namespaced
    )
    .short_names(&["netpol"])
    .stored("networkpolicies", "YpfwF18m1G8="),
    resource!(G, V, "ServiceCIDR", "servicecidrs", "servicecidr", Cluster)
        .subresources(&[SubresourceInfo::status("ServiceCIDR")])
        .stored("servicecidrs", "8ufAXOnr3Yg="),
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
