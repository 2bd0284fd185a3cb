//! The core (legacy) group, served under `/api/v1`.

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo, SubresourceInfo, Verb, Verbs};

const G: &str = "";
const V: &str = "v1";

/// Shorthand for a subresource of a core resource.
const fn sub(name: &'static str, kind: &'static str, verbs: Verbs) -> SubresourceInfo {
    SubresourceInfo::new(name, kind, verbs)
}

static RESOURCES: &[ResourceInfo] = &[
    resource!(G, V, "Binding", "bindings", "binding", Namespaced).verbs(Verbs::CREATE),
    resource!(
        G,
        V,
        "ComponentStatus",
        "componentstatuses",
        "componentstatus",
        Cluster
    )
    .short_names(&["cs"])
    .verbs(Verbs::of(&[Verb::Get, Verb::List])),
    resource!(G, V, "ConfigMap", "configmaps", "configmap", Namespaced)
        .short_names(&["cm"])
        .stored("configmaps", "qFsyl6wFWjQ="),
    resource!(G, V, "Endpoints", "endpoints", "endpoints", Namespaced)
        .short_names(&["ep"])
        .stored("services/endpoints", "fWeeMqaN/OA="),
    resource!(G, V, "Event", "events", "event", Namespaced)
        .short_names(&["ev"])
        .stored("events", "r2yiGXH7wu8="),
    resource!(G, V, "LimitRange", "limitranges", "limitrange", Namespaced)
        .short_names(&["limits"])
        .stored("limitranges", "EBKMFVe6cwo="),
    resource!(G, V, "Namespace", "namespaces", "namespace", Cluster)
        .short_names(&["ns"])
        .verbs(Verbs::ALL.without(Verb::DeleteCollection))
        .subresources(&[
            sub("finalize", "Namespace", Verbs::of(&[Verb::Update])),
            SubresourceInfo::status("Namespace"),
        ])
        .stored("namespaces", "Q3oi5N2YM8M="),
    resource!(G, V, "Node", "nodes", "node", Cluster)
        .short_names(&["no"])
        .subresources(&[
            sub("proxy", "NodeProxyOptions", Verbs::PROXY),
            SubresourceInfo::status("Node"),
        ])
        .stored("minions", "XwShjMxG9Fs="),
    resource!(
        G,
        V,
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        Namespaced
    )
    .short_names(&["pvc"])
    .subresources(&[SubresourceInfo::status("PersistentVolumeClaim")])
    .stored("persistentvolumeclaims", "QWTyNDq0dC4="),
    resource!(
        G,
        V,
        "PersistentVolume",
        "persistentvolumes",
        "persistentvolume",
        Cluster
    )
    .short_names(&["pv"])
    .subresources(&[SubresourceInfo::status("PersistentVolume")])
    .stored("persistentvolumes", "HN/zwEC+JgM="),
    resource!(G, V, "Pod", "pods", "pod", Namespaced)
        .short_names(&["po"])
        .categories(&["all"])
        .subresources(&[
            sub("attach", "PodAttachOptions", Verbs::CREATE_GET),
            sub("binding", "Binding", Verbs::CREATE),
            sub("ephemeralcontainers", "Pod", Verbs::GET_PATCH_UPDATE),
            sub("eviction", "Eviction", Verbs::CREATE).in_group("policy", "v1"),
            sub("exec", "PodExecOptions", Verbs::CREATE_GET),
            sub("log", "Pod", Verbs::of(&[Verb::Get])),
            sub("portforward", "PodPortForwardOptions", Verbs::CREATE_GET),
            sub("proxy", "PodProxyOptions", Verbs::PROXY),
            // InPlacePodVerticalScaling is beta and on by default in 1.33.
            sub("resize", "Pod", Verbs::GET_PATCH_UPDATE),
            SubresourceInfo::status("Pod"),
        ])
        .stored("pods", "xPOwRZ+Yhw8="),
    resource!(
        G,
        V,
        "PodTemplate",
        "podtemplates",
        "podtemplate",
        Namespaced
    )
    .stored("podtemplates", "LIXB2x4IFpk="),
    resource!(
        G,
        V,
        "ReplicationController",
        "replicationcontrollers",
        "replicationcontroller",
        Namespaced
    )
    .short_names(&["rc"])
    .categories(&["all"])
    .subresources(&[
        SubresourceInfo::scale(),
        SubresourceInfo::status("ReplicationController"),
    ])
    .stored("controllers", "Jond2If31h0="),
    resource!(
        G,
        V,
        "ResourceQuota",
        "resourcequotas",
        "resourcequota",
        Namespaced
    )
    .short_names(&["quota"])
    .subresources(&[SubresourceInfo::status("ResourceQuota")])
    .stored("resourcequotas", "8uhSgffRX6w="),
    resource!(G, V, "Secret", "secrets", "secret", Namespaced).stored("secrets", "S6u1pOWzb84="),
    resource!(
        G,
        V,
        "ServiceAccount",
        "serviceaccounts",
        "serviceaccount",
        Namespaced
    )
    .short_names(&["sa"])
    .subresources(&[
        sub("token", "TokenRequest", Verbs::CREATE).in_group("authentication.k8s.io", "v1")
    ])
    .stored("serviceaccounts", "pbx9ZvyFpBE="),
    resource!(G, V, "Service", "services", "service", Namespaced)
        .short_names(&["svc"])
        .categories(&["all"])
        .subresources(&[
            sub("proxy", "ServiceProxyOptions", Verbs::PROXY),
            SubresourceInfo::status("Service"),
        ])
        .stored("services/specs", "0/CO1lhkEBI="),
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
