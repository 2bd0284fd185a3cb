//! Every built-in resource kube-apiserver v1.33 serves by default, as its discovery publishes it.
//!
//! The apiserver generates its routes and discovery documents (`/api/v1`, `/apis/<g>/<v>` and the
//! aggregated `/api`, `/apis`) from this table, and clients resolve what a user types (`po`,
//! `deploy`, `deployments.apps`, `Deployment`) through [`Registry::resolve`], like kubectl's
//! RESTMapper. Each API group's data lives in its own file next to this one.
//!
//! Only group-versions enabled by default in v1.33 are listed: no alpha API is on by default, and
//! since 1.24 new beta APIs are off by default too (none of 1.33's is an exception). Besides the
//! groups of kube-apiserver proper, the table carries the two that the same binary serves through
//! its embedded servers: `apiextensions.k8s.io` and `apiregistration.k8s.io`.

mod verbs;

mod admissionregistration;
mod apiextensions;
mod apiregistration;
mod apps;
mod authentication;
mod authorization;
mod autoscaling;
mod batch;
mod certificates;
mod coordination;
mod core;
mod discovery;
mod events;
mod flowcontrol;
mod networking;
mod node;
mod policy;
mod rbac;
mod scheduling;
mod storage;

pub use verbs::{UnknownVerb, Verb, Verbs, VerbsIter};

/// Whether objects of a resource live in a namespace or at cluster level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Namespaced,
    Cluster,
}

impl Scope {
    /// `true` for [`Scope::Namespaced`] (discovery's `namespaced` field).
    pub const fn is_namespaced(self) -> bool {
        matches!(self, Scope::Namespaced)
    }

    /// The aggregated-discovery spelling (`scope` field): `Namespaced` or `Cluster`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scope::Namespaced => "Namespaced",
            Scope::Cluster => "Cluster",
        }
    }
}

/// A subresource (`pods/status`, `deployments/scale`, ...) of a [`ResourceInfo`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubresourceInfo {
    /// The path segment after the object name, e.g. `status`.
    pub name: &'static str,
    /// Group of the kind this subresource takes and returns, when it differs from the parent's
    /// (`pods/eviction` is `policy`). `None` means the parent's group-version, which discovery
    /// writes as absent (`/api/v1`, `/apis/<g>/<v>`) or as empty strings (aggregated
    /// `responseKind`).
    pub group: Option<&'static str>,
    /// Version of that kind, set together with `group`.
    pub version: Option<&'static str>,
    /// The kind discovery reports for the subresource, e.g. `Pod`, `Scale`, `PodExecOptions`.
    pub kind: &'static str,
    /// Verbs the subresource is served with.
    pub verbs: Verbs,
}

impl SubresourceInfo {
    /// A subresource whose kind lives in its parent's group-version.
    pub const fn new(name: &'static str, kind: &'static str, verbs: Verbs) -> Self {
        SubresourceInfo {
            name,
            group: None,
            version: None,
            kind,
            verbs,
        }
    }

    /// The `status` subresource of `kind`: `get`, `patch`, `update` on the parent kind.
    pub const fn status(kind: &'static str) -> Self {
        Self::new("status", kind, Verbs::GET_PATCH_UPDATE)
    }

    /// The `scale` subresource: an `autoscaling/v1` `Scale`, whatever the parent's group.
    pub const fn scale() -> Self {
        Self::new("scale", "Scale", Verbs::GET_PATCH_UPDATE).in_group("autoscaling", "v1")
    }

    /// The same subresource, taking a kind from another group-version.
    pub const fn in_group(mut self, group: &'static str, version: &'static str) -> Self {
        self.group = Some(group);
        self.version = Some(version);
        self
    }

    /// Fully qualified `(group, version, kind)` of the subresource's objects, with the parent's
    /// group-version filled in when the subresource does not name its own.
    pub fn response_kind(
        &self,
        parent: &ResourceInfo,
    ) -> (&'static str, &'static str, &'static str) {
        (
            self.group.unwrap_or(parent.group),
            self.version.unwrap_or(parent.version),
            self.kind,
        )
    }
}

/// One resource of one group-version, with everything discovery says about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceInfo {
    /// API group, `""` for the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    /// Kind of the list type, `<Kind>List` (also set for create-only resources, which serve no
    /// list).
    pub list_kind: &'static str,
    /// The resource name in URLs and discovery's `name`, e.g. `pods`.
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    /// Discovery categories, e.g. `all` (what `kubectl get all` expands).
    pub categories: &'static [&'static str],
    pub scope: Scope,
    pub verbs: Verbs,
    /// Subresources in discovery order (sorted by name).
    pub subresources: &'static [SubresourceInfo],
    /// Discovery's `storageVersionHash`; `None` for resources that are not stored.
    pub storage_version_hash: Option<&'static str>,
    /// Key prefix below `/registry/` in etcd, as upstream lays it out (`pods`, `minions`,
    /// `services/specs`); `None` for resources that are never stored (reviews, bindings).
    pub etcd_prefix: Option<&'static str>,
}

impl ResourceInfo {
    /// A resource served with all eight verbs, no short names, categories or subresources;
    /// refine it with the builder methods. [`resource!`] fills in `list_kind`.
    pub const fn new(
        group: &'static str,
        version: &'static str,
        kind: &'static str,
        list_kind: &'static str,
        plural: &'static str,
        singular: &'static str,
        scope: Scope,
    ) -> Self {
        ResourceInfo {
            group,
            version,
            kind,
            list_kind,
            plural,
            singular,
            short_names: &[],
            categories: &[],
            scope,
            verbs: Verbs::ALL,
            subresources: &[],
            storage_version_hash: None,
            etcd_prefix: None,
        }
    }

    /// Sets the short names (`po`), in discovery order.
    pub const fn short_names(mut self, short_names: &'static [&'static str]) -> Self {
        self.short_names = short_names;
        self
    }

    /// Sets the categories (`all`, `api-extensions`).
    pub const fn categories(mut self, categories: &'static [&'static str]) -> Self {
        self.categories = categories;
        self
    }

    /// Replaces the default (all eight) verbs.
    pub const fn verbs(mut self, verbs: Verbs) -> Self {
        self.verbs = verbs;
        self
    }

    /// Sets the subresources, sorted by name like discovery.
    pub const fn subresources(mut self, subresources: &'static [SubresourceInfo]) -> Self {
        self.subresources = subresources;
        self
    }

    /// Marks the resource as stored: its etcd key prefix and discovery's storage version hash.
    pub const fn stored(mut self, etcd_prefix: &'static str, hash: &'static str) -> Self {
        self.etcd_prefix = Some(etcd_prefix);
        self.storage_version_hash = Some(hash);
        self
    }

    /// `apiVersion` of the resource's objects: `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        group_version_string(self.group, self.version)
    }

    /// Whether the resource is namespaced.
    pub const fn is_namespaced(&self) -> bool {
        self.scope.is_namespaced()
    }

    /// The subresource called `name`, if the resource has one.
    pub fn subresource(&self, name: &str) -> Option<&'static SubresourceInfo> {
        self.subresources.iter().find(|s| s.name == name)
    }

    /// Whether `input` names this resource the way kubectl accepts it: plural, singular, a short
    /// name or the kind, compared ASCII-case-insensitively.
    pub fn matches_name(&self, input: &str) -> bool {
        self.matches_long_name(input) || self.matches_short_name(input)
    }

    fn matches_long_name(&self, input: &str) -> bool {
        [self.plural, self.singular, self.kind]
            .iter()
            .any(|n| !n.is_empty() && n.eq_ignore_ascii_case(input))
    }

    fn matches_short_name(&self, input: &str) -> bool {
        self.short_names
            .iter()
            .any(|n| n.eq_ignore_ascii_case(input))
    }
}

/// Builds a [`ResourceInfo`] with `list_kind` derived from the kind.
macro_rules! resource {
    (
        $group:expr, $version:expr, $kind:literal, $plural:literal, $singular:literal,
        $scope:ident $(,)?
    ) => {
        $crate::registry::ResourceInfo::new(
            $group,
            $version,
            $kind,
            concat!($kind, "List"),
            $plural,
            $singular,
            $crate::registry::Scope::$scope,
        )
    };
}
use resource;

/// One served version of a group and its resources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupVersionInfo {
    pub group: &'static str,
    pub version: &'static str,
    /// Whether this is the group's preferred version (`preferredVersion` in discovery).
    pub preferred: bool,
    /// Resources sorted by plural, as upstream lists them.
    pub resources: &'static [ResourceInfo],
}

impl GroupVersionInfo {
    /// `groupVersion` as discovery writes it: `v1` or `apps/v1`.
    pub fn group_version(&self) -> String {
        group_version_string(self.group, self.version)
    }

    /// Path of the group-version's discovery document: `/api/v1` or `/apis/apps/v1`.
    pub fn discovery_path(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        }
    }

    /// The resource named `plural` in this group-version.
    pub fn resource(&self, plural: &str) -> Option<&'static ResourceInfo> {
        self.resources.iter().find(|r| r.plural == plural)
    }
}

/// One API group with its served versions, most preferred first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupInfo {
    /// Group name, `""` for the core (legacy) group served under `/api`.
    pub name: &'static str,
    /// Versions in preference order; the first is the preferred one.
    pub versions: &'static [GroupVersionInfo],
}

impl GroupInfo {
    /// The preferred version (`None` only for a group with no version, which the table never has).
    pub fn preferred_version(&self) -> Option<&'static GroupVersionInfo> {
        self.versions.iter().find(|v| v.preferred)
    }

    /// The version called `version`.
    pub fn version(&self, version: &str) -> Option<&'static GroupVersionInfo> {
        self.versions.iter().find(|v| v.version == version)
    }
}

/// The static table of built-in resources; get it with [`builtin`].
#[derive(Debug)]
pub struct Registry {
    groups: &'static [&'static GroupInfo],
}

static BUILTIN: Registry = Registry {
    groups: &[
        &core::GROUP,
        &apiregistration::GROUP,
        &apps::GROUP,
        &events::GROUP,
        &authentication::GROUP,
        &authorization::GROUP,
        &autoscaling::GROUP,
        &batch::GROUP,
        &certificates::GROUP,
        &networking::GROUP,
        &policy::GROUP,
        &rbac::GROUP,
        &storage::GROUP,
        &admissionregistration::GROUP,
        &apiextensions::GROUP,
        &scheduling::GROUP,
        &coordination::GROUP,
        &node::GROUP,
        &discovery::GROUP,
        &flowcontrol::GROUP,
    ],
};

/// The registry of every built-in resource of kube-apiserver v1.33.
pub fn builtin() -> &'static Registry {
    &BUILTIN
}

impl Registry {
    /// All groups in discovery order: the core group first (served under `/api`), then the
    /// `/apis` groups in the order upstream's `/apis` lists them.
    pub fn groups(&self) -> impl Iterator<Item = &'static GroupInfo> + '_ {
        self.groups.iter().copied()
    }

    /// The groups of `/apis` (every group but the core one), in upstream's order.
    pub fn api_groups(&self) -> impl Iterator<Item = &'static GroupInfo> + '_ {
        self.groups().filter(|g| !g.name.is_empty())
    }

    /// The group called `name` (`""` for core).
    pub fn group(&self, name: &str) -> Option<&'static GroupInfo> {
        self.groups().find(|g| g.name == name)
    }

    /// One group-version.
    pub fn group_version(&self, group: &str, version: &str) -> Option<&'static GroupVersionInfo> {
        self.group(group).and_then(|g| g.version(version))
    }

    /// Every group-version, groups in discovery order and versions in preference order.
    pub fn group_versions(&self) -> impl Iterator<Item = &'static GroupVersionInfo> + '_ {
        self.groups().flat_map(|g| g.versions.iter())
    }

    /// Every resource of every group-version (a resource served in two versions appears twice).
    pub fn all(&self) -> impl Iterator<Item = &'static ResourceInfo> + '_ {
        self.group_versions().flat_map(|gv| gv.resources.iter())
    }

    /// Every resource in its group's preferred version (a resource only served in another
    /// version still appears, once), in discovery order: what kubectl considers.
    pub fn preferred(&self) -> impl Iterator<Item = &'static ResourceInfo> + '_ {
        self.groups().flat_map(|g| {
            g.versions.iter().enumerate().flat_map(move |(i, gv)| {
                gv.resources.iter().filter(move |r| {
                    !g.versions[..i]
                        .iter()
                        .any(|earlier| earlier.resource(r.plural).is_some())
                })
            })
        })
    }

    /// The resource `plural` of `group`/`version`.
    pub fn get(&self, group: &str, version: &str, plural: &str) -> Option<&'static ResourceInfo> {
        self.group_version(group, version)
            .and_then(|gv| gv.resource(plural))
    }

    /// The resource serving `kind` in `group`/`version`.
    pub fn by_kind(&self, group: &str, version: &str, kind: &str) -> Option<&'static ResourceInfo> {
        self.group_version(group, version)
            .and_then(|gv| gv.resources.iter().find(|r| r.kind == kind))
    }

    /// Resources (preferred versions) in `category`, in discovery order: `by_category("all")`
    /// is what `kubectl get all` lists.
    pub fn by_category<'a>(
        &'a self,
        category: &'a str,
    ) -> impl Iterator<Item = &'static ResourceInfo> + 'a {
        self.preferred()
            .filter(move |r| r.categories.contains(&category))
    }

    /// Resolves a resource the way kubectl reads its resource argument: `pods`, `pod`, `po`,
    /// `Pod`, `deployments.apps`, `deployments.v1.apps`, `Deployment.apps`; case-insensitive.
    ///
    /// Without a version the group's preferred version wins; without a group the first match in
    /// discovery order does (so `events` is the core one, as with kubectl). Full names (plural,
    /// singular, kind) take precedence over short names.
    pub fn resolve(&self, input: &str) -> Option<&'static ResourceInfo> {
        let input = input.trim();
        if input.is_empty() {
            return None;
        }
        // kubectl tries `resource.version.group` first, then `resource.group`.
        let mut parts = input.splitn(3, '.');
        let name = parts.next()?;
        let second = parts.next();
        let third = parts.next();
        if let (Some(version), Some(group)) = (second, third) {
            if let Some(found) = self.find_name(name, Some(group), Some(version)) {
                return Some(found);
            }
        }
        match input.split_once('.') {
            Some((name, group)) => self.find_name(name, Some(group), None),
            None => self.find_name(input, None, None),
        }
    }

    fn find_name(
        &self,
        name: &str,
        group: Option<&str>,
        version: Option<&str>,
    ) -> Option<&'static ResourceInfo> {
        if name.is_empty() || group.is_some_and(str::is_empty) {
            return None;
        }
        let candidates = || {
            self.preferred_or_version(version).filter(move |r| {
                group.is_none_or(|g| r.group.eq_ignore_ascii_case(g))
                    && version.is_none_or(|v| r.version.eq_ignore_ascii_case(v))
            })
        };
        candidates()
            .find(|r| r.matches_long_name(name))
            .or_else(|| candidates().find(|r| r.matches_short_name(name)))
    }

    fn preferred_or_version<'a>(
        &'a self,
        version: Option<&str>,
    ) -> Box<dyn Iterator<Item = &'static ResourceInfo> + 'a> {
        match version {
            Some(_) => Box::new(self.all()),
            None => Box::new(self.preferred()),
        }
    }
}

fn group_version_string(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    }
}

#[cfg(test)]
mod tests;
