//! Invariants of the table and kubectl-style name resolution. The comparison with upstream's
//! discovery documents lives in `tests/registry_discovery.rs`.

use super::*;

fn resolved(input: &str) -> (&'static str, &'static str, &'static str) {
    let r = builtin()
        .resolve(input)
        .unwrap_or_else(|| panic!("{input:?} did not resolve"));
    (r.group, r.version, r.plural)
}

#[test]
fn resolves_kubectl_short_names() {
    let cases = [
        ("po", ("", "v1", "pods")),
        ("svc", ("", "v1", "services")),
        ("deploy", ("apps", "v1", "deployments")),
        ("rs", ("apps", "v1", "replicasets")),
        ("ds", ("apps", "v1", "daemonsets")),
        ("sts", ("apps", "v1", "statefulsets")),
        ("ns", ("", "v1", "namespaces")),
        ("no", ("", "v1", "nodes")),
        ("cm", ("", "v1", "configmaps")),
        ("ep", ("", "v1", "endpoints")),
        ("sa", ("", "v1", "serviceaccounts")),
        ("pv", ("", "v1", "persistentvolumes")),
        ("pvc", ("", "v1", "persistentvolumeclaims")),
        ("ing", ("networking.k8s.io", "v1", "ingresses")),
        ("netpol", ("networking.k8s.io", "v1", "networkpolicies")),
        ("cj", ("batch", "v1", "cronjobs")),
        ("hpa", ("autoscaling", "v2", "horizontalpodautoscalers")),
        ("pdb", ("policy", "v1", "poddisruptionbudgets")),
        ("pc", ("scheduling.k8s.io", "v1", "priorityclasses")),
        ("sc", ("storage.k8s.io", "v1", "storageclasses")),
        (
            "csr",
            ("certificates.k8s.io", "v1", "certificatesigningrequests"),
        ),
        ("ev", ("", "v1", "events")),
        ("limits", ("", "v1", "limitranges")),
        ("quota", ("", "v1", "resourcequotas")),
        (
            "crd",
            ("apiextensions.k8s.io", "v1", "customresourcedefinitions"),
        ),
        (
            "crds",
            ("apiextensions.k8s.io", "v1", "customresourcedefinitions"),
        ),
        ("rc", ("", "v1", "replicationcontrollers")),
        ("cs", ("", "v1", "componentstatuses")),
        ("ip", ("networking.k8s.io", "v1", "ipaddresses")),
    ];
    for (input, want) in cases {
        assert_eq!(resolved(input), want, "resolving {input:?}");
    }
}

#[test]
fn resolves_plural_singular_kind_and_case() {
    assert_eq!(resolved("pods"), ("", "v1", "pods"));
    assert_eq!(resolved("pod"), ("", "v1", "pods"));
    assert_eq!(resolved("Pod"), ("", "v1", "pods"));
    assert_eq!(resolved("PODS"), ("", "v1", "pods"));
    assert_eq!(resolved("Deployment"), ("apps", "v1", "deployments"));
    assert_eq!(resolved("deployment"), ("apps", "v1", "deployments"));
    assert_eq!(resolved("DEPLOY"), ("apps", "v1", "deployments"));
    assert_eq!(resolved("Endpoints"), ("", "v1", "endpoints"));
    assert_eq!(
        resolved("endpointslice"),
        ("discovery.k8s.io", "v1", "endpointslices")
    );
    assert_eq!(resolved("  svc "), ("", "v1", "services"));
}

#[test]
fn resolves_group_qualified_names() {
    assert_eq!(resolved("deployments.apps"), ("apps", "v1", "deployments"));
    assert_eq!(resolved("deploy.apps"), ("apps", "v1", "deployments"));
    assert_eq!(resolved("Deployment.apps"), ("apps", "v1", "deployments"));
    assert_eq!(
        resolved("deployments.v1.apps"),
        ("apps", "v1", "deployments")
    );
    assert_eq!(
        resolved("horizontalpodautoscalers.v1.autoscaling"),
        ("autoscaling", "v1", "horizontalpodautoscalers")
    );
    assert_eq!(
        resolved("hpa.autoscaling"),
        ("autoscaling", "v2", "horizontalpodautoscalers")
    );
    assert_eq!(
        resolved("events.events.k8s.io"),
        ("events.k8s.io", "v1", "events")
    );
    assert_eq!(
        resolved("ev.events.k8s.io"),
        ("events.k8s.io", "v1", "events")
    );
    assert_eq!(
        resolved("clusterroles.rbac.authorization.k8s.io"),
        ("rbac.authorization.k8s.io", "v1", "clusterroles")
    );
    assert_eq!(
        resolved("crd.apiextensions.k8s.io"),
        ("apiextensions.k8s.io", "v1", "customresourcedefinitions")
    );
    assert_eq!(
        resolved("leases.v1.coordination.k8s.io"),
        ("coordination.k8s.io", "v1", "leases")
    );
}

#[test]
fn unqualified_events_are_the_core_ones() {
    assert_eq!(resolved("events"), ("", "v1", "events"));
    assert_eq!(resolved("event"), ("", "v1", "events"));
    assert_eq!(resolved("Event"), ("", "v1", "events"));
}

#[test]
fn unknown_names_do_not_resolve() {
    let reg = builtin();
    for input in [
        "",
        " ",
        "foo",
        "deployments.batch",
        "deployments.v2.apps",
        "pods.",
        ".pods",
        "pods/status",
        "status",
        "scale",
        "podsecuritypolicies",
        "deployments.extensions",
        "resourceclaims",
        "volumeattributesclasses",
    ] {
        assert!(reg.resolve(input).is_none(), "{input:?} should not resolve");
    }
}

#[test]
fn get_and_by_kind() {
    let reg = builtin();
    let pods = reg.get("", "v1", "pods").expect("pods");
    assert_eq!(pods.kind, "Pod");
    assert_eq!(pods.list_kind, "PodList");
    assert_eq!(pods.etcd_prefix, Some("pods"));
    assert_eq!(pods.api_version(), "v1");
    assert!(reg.get("", "v1", "Pods").is_none());
    assert!(reg.get("apps", "v1", "pods").is_none());

    let dep = reg
        .by_kind("apps", "v1", "Deployment")
        .expect("deployments");
    assert_eq!(dep.plural, "deployments");
    assert_eq!(dep.api_version(), "apps/v1");
    assert!(reg.by_kind("apps", "v1beta1", "Deployment").is_none());

    let hpa1 = reg
        .by_kind("autoscaling", "v1", "HorizontalPodAutoscaler")
        .expect("hpa v1");
    assert_eq!(hpa1.version, "v1");
}

#[test]
fn subresources_carry_their_own_kinds() {
    let reg = builtin();
    let pods = reg.get("", "v1", "pods").expect("pods");
    let eviction = pods.subresource("eviction").expect("eviction");
    assert_eq!(eviction.response_kind(pods), ("policy", "v1", "Eviction"));
    assert_eq!(eviction.verbs, Verbs::CREATE);
    let status = pods.subresource("status").expect("status");
    assert_eq!(status.response_kind(pods), ("", "v1", "Pod"));

    let dep = reg.get("apps", "v1", "deployments").expect("deployments");
    let scale = dep.subresource("scale").expect("scale");
    assert_eq!(scale.response_kind(dep), ("autoscaling", "v1", "Scale"));

    let sa = reg.get("", "v1", "serviceaccounts").expect("sa");
    let token = sa.subresource("token").expect("token");
    assert_eq!(
        token.response_kind(sa),
        ("authentication.k8s.io", "v1", "TokenRequest")
    );
    assert!(pods.subresource("scale").is_none());
}

#[test]
fn etcd_prefixes_follow_upstream_layout() {
    let reg = builtin();
    let prefix = |g: &str, v: &str, p: &str| reg.get(g, v, p).and_then(|r| r.etcd_prefix);
    assert_eq!(prefix("", "v1", "services"), Some("services/specs"));
    assert_eq!(prefix("", "v1", "endpoints"), Some("services/endpoints"));
    assert_eq!(prefix("", "v1", "nodes"), Some("minions"));
    assert_eq!(
        prefix("", "v1", "replicationcontrollers"),
        Some("controllers")
    );
    assert_eq!(
        prefix("networking.k8s.io", "v1", "ingresses"),
        Some("ingress")
    );
    assert_eq!(
        prefix("apiextensions.k8s.io", "v1", "customresourcedefinitions"),
        Some("apiextensions.k8s.io/customresourcedefinitions")
    );
    assert_eq!(prefix("events.k8s.io", "v1", "events"), Some("events"));
    assert_eq!(prefix("", "v1", "bindings"), None);
    assert_eq!(
        prefix("authorization.k8s.io", "v1", "subjectaccessreviews"),
        None
    );
}

#[test]
fn category_all_matches_kubectl_get_all() {
    let all: Vec<_> = builtin()
        .by_category("all")
        .map(|r| format!("{}/{}", r.api_version(), r.plural))
        .collect();
    assert_eq!(
        all,
        [
            "v1/pods",
            "v1/replicationcontrollers",
            "v1/services",
            "apps/v1/daemonsets",
            "apps/v1/deployments",
            "apps/v1/replicasets",
            "apps/v1/statefulsets",
            "autoscaling/v2/horizontalpodautoscalers",
            "batch/v1/cronjobs",
            "batch/v1/jobs",
        ]
    );
    let ext: Vec<_> = builtin()
        .by_category("api-extensions")
        .map(|r| r.plural)
        .collect();
    assert_eq!(
        ext,
        [
            "apiservices",
            "mutatingwebhookconfigurations",
            "validatingadmissionpolicies",
            "validatingadmissionpolicybindings",
            "validatingwebhookconfigurations",
            "customresourcedefinitions",
        ]
    );
    assert_eq!(builtin().by_category("nope").count(), 0);
}

#[test]
fn groups_are_in_upstream_discovery_order() {
    let names: Vec<_> = builtin().groups().map(|g| g.name).collect();
    assert_eq!(
        names,
        [
            "",
            "apiregistration.k8s.io",
            "apps",
            "events.k8s.io",
            "authentication.k8s.io",
            "authorization.k8s.io",
            "autoscaling",
            "batch",
            "certificates.k8s.io",
            "networking.k8s.io",
            "policy",
            "rbac.authorization.k8s.io",
            "storage.k8s.io",
            "admissionregistration.k8s.io",
            "apiextensions.k8s.io",
            "scheduling.k8s.io",
            "coordination.k8s.io",
            "node.k8s.io",
            "discovery.k8s.io",
            "flowcontrol.apiserver.k8s.io",
        ]
    );
    assert_eq!(builtin().api_groups().count(), names.len() - 1);
    let autoscaling = builtin().group("autoscaling").expect("autoscaling");
    let versions: Vec<_> = autoscaling.versions.iter().map(|v| v.version).collect();
    assert_eq!(versions, ["v2", "v1"]);
    assert_eq!(
        autoscaling.preferred_version().map(|v| v.version),
        Some("v2")
    );
}

#[test]
fn every_group_version_is_consistent() {
    for group in builtin().groups() {
        assert!(!group.versions.is_empty(), "{} has no version", group.name);
        for (i, gv) in group.versions.iter().enumerate() {
            assert_eq!(gv.group, group.name);
            assert_eq!(
                gv.preferred,
                i == 0,
                "{}: only the first version is preferred",
                gv.group_version()
            );
            let names: Vec<_> = gv.resources.iter().map(|r| r.plural).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(
                names,
                sorted,
                "{} resources sorted and unique",
                gv.group_version()
            );
            for r in gv.resources {
                assert_eq!((r.group, r.version), (gv.group, gv.version), "{}", r.plural);
                assert_eq!(r.list_kind, format!("{}List", r.kind));
                assert!(!r.verbs.is_empty(), "{} has verbs", r.plural);
                assert_eq!(
                    r.etcd_prefix.is_some(),
                    r.storage_version_hash.is_some(),
                    "{}: stored resources have both a prefix and a hash",
                    r.plural
                );
                assert_eq!(
                    r.etcd_prefix.is_some(),
                    r.verbs.contains(Verb::Watch),
                    "{}: exactly the stored resources are watchable",
                    r.plural
                );
                let subs: Vec<_> = r.subresources.iter().map(|s| s.name).collect();
                let mut sorted = subs.clone();
                sorted.sort_unstable();
                sorted.dedup();
                assert_eq!(subs, sorted, "{} subresources sorted and unique", r.plural);
                for s in r.subresources {
                    assert_eq!(
                        s.group.is_some(),
                        s.version.is_some(),
                        "{}/{}",
                        r.plural,
                        s.name
                    );
                    assert!(!s.verbs.is_empty());
                }
            }
        }
    }
}

#[test]
fn short_names_are_unambiguous_within_preferred_versions() {
    let mut seen = std::collections::HashMap::new();
    for r in builtin().preferred() {
        for s in r.short_names {
            if let Some(prev) = seen.insert(*s, (r.group, r.plural)) {
                // kubectl resolves a shared short name to the first group in discovery order;
                // only `ev` (core and events.k8s.io events) is shared upstream.
                assert_eq!(
                    (*s, prev.1, r.plural),
                    ("ev", "events", "events"),
                    "{s} shared"
                );
            }
        }
    }
}

#[test]
fn preferred_lists_each_group_resource_once() {
    let reg = builtin();
    let all = reg.all().count();
    let preferred = reg.preferred().count();
    // Only autoscaling serves a resource (horizontalpodautoscalers) in two versions.
    assert_eq!(all, preferred + 1);
    assert!(reg
        .preferred()
        .filter(|r| r.plural == "horizontalpodautoscalers")
        .all(|r| r.version == "v2"));
}

#[test]
fn discovery_paths() {
    let reg = builtin();
    let core = reg.group_version("", "v1").expect("core");
    assert_eq!(core.discovery_path(), "/api/v1");
    assert_eq!(core.group_version(), "v1");
    let apps = reg.group_version("apps", "v1").expect("apps");
    assert_eq!(apps.discovery_path(), "/apis/apps/v1");
    assert_eq!(apps.group_version(), "apps/v1");
    assert_eq!(Scope::Namespaced.as_str(), "Namespaced");
    assert_eq!(Scope::Cluster.as_str(), "Cluster");
}

#[test]
fn every_resource_resolves_by_its_qualified_names() {
    let reg = builtin();
    for r in reg.all() {
        let full = if r.group.is_empty() {
            None
        } else {
            Some(format!("{}.{}.{}", r.plural, r.version, r.group))
        };
        if let Some(full) = full {
            assert_eq!(reg.resolve(&full), Some(r), "{full}");
            assert_eq!(
                reg.resolve(&format!("{}.{}.{}", r.kind, r.version, r.group)),
                Some(r)
            );
        }
    }
    for r in reg.preferred() {
        if !r.group.is_empty() {
            for name in [r.plural, r.singular, r.kind] {
                let qualified = format!("{name}.{}", r.group);
                assert_eq!(reg.resolve(&qualified), Some(r), "{qualified}");
            }
        }
        // Unqualified names reach the first group in discovery order that has them.
        let first = reg
            .preferred()
            .find(|c| c.plural == r.plural)
            .expect("itself");
        assert_eq!(reg.resolve(r.plural), Some(first), "{}", r.plural);
    }
}

proptest::proptest! {
    #[test]
    fn resolution_ignores_ascii_case(
        index in 0usize..64,
        mask in proptest::collection::vec(proptest::bool::ANY, 64),
    ) {
        let preferred: Vec<_> = builtin().preferred().collect();
        let r = preferred[index % preferred.len()];
        let name = if r.group.is_empty() {
            r.plural.to_owned()
        } else {
            format!("{}.{}", r.plural, r.group)
        };
        let mixed: String = name
            .chars()
            .zip(mask.iter().cycle())
            .map(|(c, upper)| if *upper { c.to_ascii_uppercase() } else { c })
            .collect();
        let first_in_discovery_order = builtin()
            .preferred()
            .find(|c| c.plural == r.plural && (r.group.is_empty() || c.group == r.group))
            .expect("itself");
        proptest::prop_assert_eq!(builtin().resolve(&mixed), Some(first_in_discovery_order));
    }
}
