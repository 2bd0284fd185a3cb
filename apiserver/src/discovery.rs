//! Discovery documents generated from the api-types registry: the legacy forms (`/api`,
//! `/apis`, `/apis/<g>`, `/api/v1`, `/apis/<g>/<v>`) and the aggregated
//! `APIGroupDiscoveryList` of `/api` and `/apis`.

use api_types::registry::{builtin, GroupInfo, GroupVersionInfo, ResourceInfo};
use serde_json::{json, Map, Value};

/// `/api`: the legacy versions and where to reach the server.
pub fn api_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    })
}

fn version_entry(gv: &GroupVersionInfo) -> Value {
    json!({"groupVersion": gv.group_version(), "version": gv.version})
}

fn api_group(group: &GroupInfo) -> Value {
    let versions: Vec<Value> = group.versions.iter().map(version_entry).collect();
    let mut g = json!({"name": group.name, "versions": versions});
    if let Some(pref) = group.preferred_version() {
        g["preferredVersion"] = version_entry(pref);
    }
    g
}

/// `/apis`: every named group.
pub fn api_group_list() -> Value {
    let groups: Vec<Value> = builtin().api_groups().map(api_group).collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/apis/<group>`.
pub fn api_group_doc(group: &str) -> Option<Value> {
    let g = builtin().group(group).filter(|g| !g.name.is_empty())?;
    let mut doc = api_group(g);
    doc["kind"] = "APIGroup".into();
    doc["apiVersion"] = "v1".into();
    Some(doc)
}

fn legacy_resource(r: &ResourceInfo) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), r.plural.into());
    m.insert("singularName".into(), r.singular.into());
    m.insert("namespaced".into(), r.is_namespaced().into());
    m.insert("kind".into(), r.kind.into());
    m.insert("verbs".into(), json!(r.verbs.to_strings()));
    if !r.short_names.is_empty() {
        m.insert("shortNames".into(), json!(r.short_names));
    }
    if !r.categories.is_empty() {
        m.insert("categories".into(), json!(r.categories));
    }
    if let Some(hash) = r.storage_version_hash {
        m.insert("storageVersionHash".into(), hash.into());
    }
    Value::Object(m)
}

/// `/api/v1` or `/apis/<g>/<v>`: an `APIResourceList` with subresources as `res/sub` entries.
pub fn api_resource_list(group: &str, version: &str) -> Option<Value> {
    let gv = builtin().group_version(group, version)?;
    let mut resources = Vec::new();
    for r in gv.resources {
        resources.push(legacy_resource(r));
        for sub in r.subresources {
            let mut m = Map::new();
            m.insert("name".into(), format!("{}/{}", r.plural, sub.name).into());
            m.insert("singularName".into(), "".into());
            m.insert("namespaced".into(), r.is_namespaced().into());
            if let (Some(g), Some(v)) = (sub.group, sub.version) {
                m.insert("group".into(), g.into());
                m.insert("version".into(), v.into());
            }
            m.insert("kind".into(), sub.kind.into());
            m.insert("verbs".into(), json!(sub.verbs.to_strings()));
            resources.push(Value::Object(m));
        }
    }
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": gv.group_version(),
        "resources": resources,
    }))
}

fn aggregated_resource(r: &ResourceInfo) -> Value {
    let mut m = Map::new();
    m.insert("resource".into(), r.plural.into());
    m.insert(
        "responseKind".into(),
        json!({"group": r.group, "version": r.version, "kind": r.kind}),
    );
    m.insert("scope".into(), r.scope.as_str().into());
    m.insert("singularResource".into(), r.singular.into());
    m.insert("verbs".into(), json!(r.verbs.to_strings()));
    if !r.short_names.is_empty() {
        m.insert("shortNames".into(), json!(r.short_names));
    }
    if !r.categories.is_empty() {
        m.insert("categories".into(), json!(r.categories));
    }
    if !r.subresources.is_empty() {
        let subs: Vec<Value> = r
            .subresources
            .iter()
            .map(|s| {
                let (g, v, k) = s.response_kind(r);
                json!({
                    "subresource": s.name,
                    "responseKind": {"group": g, "version": v, "kind": k},
                    "verbs": s.verbs.to_strings(),
                })
            })
            .collect();
        m.insert("subresources".into(), Value::Array(subs));
    }
    Value::Object(m)
}

fn aggregated_group(group: &GroupInfo) -> Value {
    let versions: Vec<Value> = group
        .versions
        .iter()
        .map(|gv| {
            let resources: Vec<Value> = gv.resources.iter().map(aggregated_resource).collect();
            json!({"version": gv.version, "resources": resources, "freshness": "Current"})
        })
        .collect();
    let mut metadata = json!({"creationTimestamp": null});
    if !group.name.is_empty() {
        metadata["name"] = group.name.into();
    }
    json!({"metadata": metadata, "versions": versions})
}

/// The aggregated document of `/api` (`legacy`) or `/apis`, in discovery `version` (v2 or
/// v2beta1).
pub fn aggregated(legacy: bool, version: &str) -> Value {
    let items: Vec<Value> = builtin()
        .groups()
        .filter(|g| g.name.is_empty() == legacy)
        .map(aggregated_group)
        .collect();
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": format!("apidiscovery.k8s.io/{version}"),
        "metadata": {},
        "items": items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_resource_list_has_pods_and_subresources() {
        let doc = api_resource_list("", "v1").unwrap();
        assert_eq!(doc["groupVersion"], "v1");
        let res = doc["resources"].as_array().unwrap();
        let pods = res.iter().find(|r| r["name"] == "pods").unwrap();
        assert_eq!(pods["kind"], "Pod");
        assert_eq!(pods["namespaced"], true);
        assert!(pods["shortNames"]
            .as_array()
            .unwrap()
            .contains(&json!("po")));
        let eviction = res.iter().find(|r| r["name"] == "pods/eviction").unwrap();
        assert_eq!(eviction["group"], "policy");
        assert_eq!(eviction["kind"], "Eviction");
        assert!(api_resource_list("", "v2").is_none());
    }

    #[test]
    fn group_list_and_aggregated() {
        let groups = api_group_list();
        let apps = groups["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == "apps")
            .unwrap();
        assert_eq!(apps["preferredVersion"]["groupVersion"], "apps/v1");
        let agg = aggregated(false, "v2");
        assert_eq!(agg["apiVersion"], "apidiscovery.k8s.io/v2");
        let apps = agg["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["metadata"]["name"] == "apps")
            .unwrap();
        let deploy = apps["versions"][0]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["resource"] == "deployments")
            .unwrap();
        assert_eq!(deploy["scope"], "Namespaced");
        let scale = deploy["subresources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["subresource"] == "scale")
            .unwrap();
        assert_eq!(scale["responseKind"]["group"], "autoscaling");
        let core = aggregated(true, "v2");
        assert_eq!(core["items"].as_array().unwrap().len(), 1);
        assert!(core["items"][0]["metadata"].get("name").is_none());
    }
}
