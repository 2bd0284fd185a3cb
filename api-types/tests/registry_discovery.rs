//! Checks the built-in registry against upstream v1.33's published discovery documents
//! (`tests/fixtures/discovery/`, see its README for where each value comes from) and against
//! the `k8s_openapi` types.
//!
//! The fixtures are upstream's own `/api`, `/api/v1`, `/apis` and `/apis/<group>/<version>`
//! documents; nothing in them is derived from the table under test.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use api_types::registry::{builtin, ResourceInfo, Scope};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ApiResourceList {
    kind: String,
    #[serde(default)]
    api_version: Option<String>,
    group_version: String,
    resources: Vec<ApiResource>,
}

/// One `resources[]` entry, every field upstream can set.
#[derive(Debug, Deserialize, PartialEq, Eq, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ApiResource {
    name: String,
    singular_name: String,
    namespaced: bool,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    version: Option<String>,
    kind: String,
    verbs: Vec<String>,
    #[serde(default)]
    short_names: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    storage_version_hash: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiGroupList {
    kind: String,
    groups: Vec<ApiGroup>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiGroup {
    name: String,
    versions: Vec<GroupVersionForDiscovery>,
    preferred_version: GroupVersionForDiscovery,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupVersionForDiscovery {
    group_version: String,
    version: String,
}

#[derive(Debug, Deserialize)]
struct ApiVersions {
    kind: String,
    versions: Vec<String>,
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/discovery")
}

fn read<T: for<'de> Deserialize<'de>>(file: &str) -> T {
    let path = fixtures_dir().join(file);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Fixture file name of a group-version's document, as upstream names them in `api/discovery`.
fn fixture_name(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api__{version}.json")
    } else {
        format!("apis__{group}__{version}.json")
    }
}

fn split_group_version(gv: &str) -> (&str, &str) {
    gv.split_once('/').unwrap_or(("", gv))
}

/// The entries the registry publishes for one resource: the resource, then its subresources.
fn entries_of(r: &ResourceInfo) -> Vec<ApiResource> {
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let verbs = |v: api_types::registry::Verbs| strings(&v.to_strings());
    let mut out = vec![ApiResource {
        name: r.plural.to_owned(),
        singular_name: r.singular.to_owned(),
        namespaced: r.scope.is_namespaced(),
        group: None,
        version: None,
        kind: r.kind.to_owned(),
        verbs: verbs(r.verbs),
        short_names: strings(r.short_names),
        categories: strings(r.categories),
        storage_version_hash: r.storage_version_hash.map(str::to_owned),
    }];
    out.extend(r.subresources.iter().map(|s| ApiResource {
        name: format!("{}/{}", r.plural, s.name),
        singular_name: String::new(),
        namespaced: r.scope.is_namespaced(),
        group: s.group.map(str::to_owned),
        version: s.version.map(str::to_owned),
        kind: s.kind.to_owned(),
        verbs: verbs(s.verbs),
        short_names: Vec::new(),
        categories: Vec::new(),
        storage_version_hash: None,
    }));
    out
}

fn registry_entries(group: &str, version: &str) -> Vec<ApiResource> {
    let gv = builtin()
        .group_version(group, version)
        .unwrap_or_else(|| panic!("registry has no {group}/{version}"));
    gv.resources.iter().flat_map(entries_of).collect()
}

fn compare_document(file: &str) {
    let doc: ApiResourceList = read(file);
    assert_eq!(doc.kind, "APIResourceList", "{file}");
    let (group, version) = split_group_version(&doc.group_version);
    assert_eq!(
        file,
        fixture_name(group, version),
        "file name matches groupVersion"
    );
    // Upstream omits apiVersion on /api/v1 only.
    assert_eq!(
        doc.api_version.is_none(),
        group.is_empty(),
        "{file} apiVersion"
    );

    let fixture_names: Vec<_> = doc.resources.iter().map(|r| r.name.clone()).collect();
    let mut sorted = fixture_names.clone();
    sorted.sort();
    assert_eq!(
        fixture_names, sorted,
        "{file}: upstream sorts resources by name"
    );

    let ours = registry_entries(group, version);
    let ours_by_name: BTreeMap<_, _> = ours.iter().map(|r| (r.name.as_str(), r)).collect();
    let theirs_by_name: BTreeMap<_, _> =
        doc.resources.iter().map(|r| (r.name.as_str(), r)).collect();

    // Every upstream entry exists in the registry with identical fields...
    for expected in &doc.resources {
        let got = ours_by_name
            .get(expected.name.as_str())
            .unwrap_or_else(|| panic!("{file}: registry lacks {}", expected.name));
        assert_eq!(*got, expected, "{file}: {}", expected.name);
    }
    // ...and the registry publishes nothing upstream does not.
    for name in ours_by_name.keys() {
        assert!(
            theirs_by_name.contains_key(name),
            "{file}: registry has {name}, upstream does not"
        );
    }
    // Same order as upstream, so generated documents match byte for byte.
    let our_names: Vec<_> = ours.iter().map(|r| r.name.clone()).collect();
    assert_eq!(our_names, fixture_names, "{file}: order");
}

#[test]
fn core_v1_matches_upstream() {
    compare_document("api__v1.json");
}

#[test]
fn apps_v1_matches_upstream() {
    compare_document("apis__apps__v1.json");
}

#[test]
fn coordination_v1_matches_upstream() {
    compare_document("apis__coordination.k8s.io__v1.json");
}

#[test]
fn discovery_v1_matches_upstream() {
    compare_document("apis__discovery.k8s.io__v1.json");
}

#[test]
fn events_v1_matches_upstream() {
    compare_document("apis__events.k8s.io__v1.json");
}

#[test]
fn apiextensions_v1_matches_upstream() {
    compare_document("apis__apiextensions.k8s.io__v1.json");
}

#[test]
fn every_fixture_document_matches_upstream() {
    let mut seen = 0;
    let dir = fs::read_dir(fixtures_dir()).expect("fixtures dir");
    let mut files: Vec<_> = dir
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".json") && n.matches("__").count() >= 1)
        .collect();
    files.sort();
    for file in files {
        compare_document(&file);
        seen += 1;
    }
    assert_eq!(seen, 21, "one fixture per served group-version");
}

#[test]
fn group_versions_match_upstream_api_and_apis() {
    let api: ApiVersions = read("api.json");
    assert_eq!(api.kind, "APIVersions");
    assert_eq!(api.versions, ["v1"]);
    let core = builtin().group("").expect("core group");
    let core_versions: Vec<_> = core.versions.iter().map(|v| v.version).collect();
    assert_eq!(core_versions, api.versions);

    let apis: ApiGroupList = read("apis.json");
    assert_eq!(apis.kind, "APIGroupList");
    let ours: Vec<_> = builtin().api_groups().collect();
    let our_names: Vec<_> = ours.iter().map(|g| g.name).collect();
    let their_names: Vec<_> = apis.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(our_names, their_names, "group order of /apis");

    for (ours, theirs) in ours.iter().zip(&apis.groups) {
        let our_versions: Vec<_> = ours.versions.iter().map(|v| v.group_version()).collect();
        let their_versions: Vec<_> = theirs
            .versions
            .iter()
            .map(|v| v.group_version.clone())
            .collect();
        assert_eq!(our_versions, their_versions, "{} versions", theirs.name);
        for v in &theirs.versions {
            assert_eq!(v.group_version, format!("{}/{}", theirs.name, v.version));
        }
        let preferred = ours.preferred_version().expect("preferred version");
        assert_eq!(
            preferred.version, theirs.preferred_version.version,
            "{}",
            theirs.name
        );
        assert_eq!(
            preferred.group_version(),
            theirs.preferred_version.group_version
        );
        // Every served group-version has its document among the fixtures.
        for v in ours.versions {
            let file = fixture_name(v.group, v.version);
            assert!(
                fixtures_dir().join(&file).is_file(),
                "missing fixture {file}"
            );
        }
    }
}

/// Scope of a `k8s_openapi` resource type as a registry [`Scope`].
trait ScopeOf {
    const SCOPE: Scope;
}
impl ScopeOf for k8s_openapi::NamespaceResourceScope {
    const SCOPE: Scope = Scope::Namespaced;
}
impl ScopeOf for k8s_openapi::ClusterResourceScope {
    const SCOPE: Scope = Scope::Cluster;
}

fn check_resource<T>(checked: &mut BTreeSet<String>) -> &'static ResourceInfo
where
    T: k8s_openapi::Resource,
    T::Scope: ScopeOf,
{
    let name = std::any::type_name::<T>();
    let r = builtin()
        .get(T::GROUP, T::VERSION, T::URL_PATH_SEGMENT)
        .unwrap_or_else(|| {
            panic!(
                "{name}: no {}/{} {}",
                T::GROUP,
                T::VERSION,
                T::URL_PATH_SEGMENT
            )
        });
    assert_eq!(r.group, T::GROUP, "{name}");
    assert_eq!(r.version, T::VERSION, "{name}");
    assert_eq!(r.kind, T::KIND, "{name}");
    assert_eq!(r.plural, T::URL_PATH_SEGMENT, "{name}");
    assert_eq!(r.api_version(), T::API_VERSION, "{name}");
    assert_eq!(r.scope, <T::Scope as ScopeOf>::SCOPE, "{name}");
    assert_eq!(
        builtin().by_kind(T::GROUP, T::VERSION, T::KIND),
        Some(r),
        "{name}"
    );
    checked.insert(format!("{}/{}", r.api_version(), r.plural));
    r
}

fn check_listable<T>(checked: &mut BTreeSet<String>)
where
    T: k8s_openapi::ListableResource,
    T::Scope: ScopeOf,
{
    let r = check_resource::<T>(checked);
    assert_eq!(r.list_kind, T::LIST_KIND, "{}", std::any::type_name::<T>());
}

/// A subresource type (`Scale`, `Eviction`, `TokenRequest`) must be what the registry's
/// subresources of that name report.
fn check_subresource<T: k8s_openapi::Resource<Scope = k8s_openapi::SubResourceScope>>() -> usize {
    let mut found = 0;
    for r in builtin().all() {
        if let Some(s) = r.subresource(T::URL_PATH_SEGMENT) {
            assert_eq!(
                s.response_kind(r),
                (T::GROUP, T::VERSION, T::KIND),
                "{}/{}",
                r.plural,
                s.name
            );
            found += 1;
        }
    }
    found
}

macro_rules! check_types {
    (listable: [$($l:ty),* $(,)?], other: [$($o:ty),* $(,)?] $(,)?) => {{
        let mut checked = BTreeSet::new();
        $(check_listable::<$l>(&mut checked);)*
        $(check_resource::<$o>(&mut checked);)*
        checked
    }};
}

#[test]
fn agrees_with_k8s_openapi_types() {
    use k8s_openapi::api::{
        admissionregistration::v1 as admission, apps::v1 as apps, authentication::v1 as authn,
        authorization::v1 as authz, autoscaling::v1 as autoscaling1,
        autoscaling::v2 as autoscaling2, batch::v1 as batch, certificates::v1 as certificates,
        coordination::v1 as coordination, core::v1 as core, discovery::v1 as discovery,
        events::v1 as events, flowcontrol::v1 as flowcontrol, networking::v1 as networking,
        node::v1 as node, policy::v1 as policy, rbac::v1 as rbac, scheduling::v1 as scheduling,
        storage::v1 as storage,
    };
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiextensions;
    use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1 as apiregistration;

    let checked = check_types!(
        listable: [
            core::ComponentStatus, core::ConfigMap, core::Endpoints, core::Event,
            core::LimitRange, core::Namespace, core::Node, core::PersistentVolume,
            core::PersistentVolumeClaim, core::Pod, core::PodTemplate,
            core::ReplicationController, core::ResourceQuota, core::Secret,
            core::ServiceAccount, core::Service,
            apiregistration::APIService,
            apps::ControllerRevision, apps::DaemonSet, apps::Deployment, apps::ReplicaSet,
            apps::StatefulSet,
            events::Event,
            autoscaling1::HorizontalPodAutoscaler, autoscaling2::HorizontalPodAutoscaler,
            batch::CronJob, batch::Job,
            certificates::CertificateSigningRequest,
            networking::Ingress, networking::IngressClass, networking::IPAddress,
            networking::NetworkPolicy, networking::ServiceCIDR,
            policy::PodDisruptionBudget,
            rbac::ClusterRole, rbac::ClusterRoleBinding, rbac::Role, rbac::RoleBinding,
            storage::CSIDriver, storage::CSINode, storage::CSIStorageCapacity,
            storage::StorageClass, storage::VolumeAttachment,
            admission::MutatingWebhookConfiguration, admission::ValidatingAdmissionPolicy,
            admission::ValidatingAdmissionPolicyBinding, admission::ValidatingWebhookConfiguration,
            apiextensions::CustomResourceDefinition,
            scheduling::PriorityClass,
            coordination::Lease,
            node::RuntimeClass,
            discovery::EndpointSlice,
            flowcontrol::FlowSchema, flowcontrol::PriorityLevelConfiguration,
        ],
        other: [
            core::Binding,
            authn::SelfSubjectReview, authn::TokenReview,
            authz::LocalSubjectAccessReview, authz::SelfSubjectAccessReview,
            authz::SelfSubjectRulesReview, authz::SubjectAccessReview,
        ],
    );

    // Every resource of the table has its k8s-openapi type checked above.
    let all: BTreeSet<_> = builtin()
        .all()
        .map(|r| format!("{}/{}", r.api_version(), r.plural))
        .collect();
    assert_eq!(all, checked);

    // Subresources with their own kinds.
    assert_eq!(
        check_subresource::<k8s_openapi::api::autoscaling::v1::Scale>(),
        4
    );
    assert_eq!(
        check_subresource::<k8s_openapi::api::policy::v1::Eviction>(),
        1
    );
    assert_eq!(check_subresource::<authn::TokenRequest>(), 1);
}
