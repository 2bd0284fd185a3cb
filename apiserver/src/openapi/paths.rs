//! `paths` of a group-version's document: every resource's collection, item, subresource
//! and watch paths with their operations, named and tagged as upstream names them.

use api_types::registry::{GroupVersionInfo, ResourceInfo, Scope, SubresourceInfo, Verb, Verbs};
use serde_json::{json, Map, Value};

use super::parameters as p;
use super::schemas::{reference, Gvk, SchemaSet};

const OBJECT_TYPES: [&str; 2] = ["application/json", "application/yaml"];
const WATCH_TYPES: [&str; 2] = ["application/json;stream=watch", "application/yaml"];
const PATCH_TYPES: [&str; 4] = [
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
];

/// `AppsV1`, `RbacAuthorizationV1`, `CoreV1`: the group-version part of operation ids.
pub fn operation_group(group: &str, version: &str) -> String {
    let group = if group.is_empty() {
        "core"
    } else {
        group.strip_suffix(".k8s.io").unwrap_or(group)
    };
    let mut out: String = group.split('.').map(capitalize).collect();
    out.push_str(&capitalize(version));
    out
}

/// `apps_v1`, `rbacAuthorization_v1`, `core_v1`: the operation tag.
fn tag(group: &str, version: &str) -> String {
    let group = if group.is_empty() {
        "core"
    } else {
        group.strip_suffix(".k8s.io").unwrap_or(group)
    };
    let mut parts = group.split('.');
    let mut out = parts.next().unwrap_or_default().to_string();
    out.extend(parts.map(capitalize));
    format!("{out}_{version}")
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn content(types: &[&str], schema: &Value) -> Value {
    let map: Map<String, Value> = types
        .iter()
        .map(|t| ((*t).to_string(), json!({"schema": schema})))
        .collect();
    Value::Object(map)
}

/// One operation.
struct Op<'a> {
    action: &'static str,
    id: String,
    description: String,
    gvk: Gvk<'a>,
    params: Vec<Value>,
    request: Option<(&'a [&'a str], Value)>,
    responses: Vec<(&'static str, &'static str, Value)>,
    response_types: &'a [&'a str],
}

impl Op<'_> {
    fn render(self, tag: &str) -> Value {
        let mut responses = Map::new();
        for (code, description, schema) in self.responses {
            responses.insert(
                code.into(),
                json!({"description": description, "content": content(self.response_types, &schema)}),
            );
        }
        responses.insert("401".into(), json!({"description": "Unauthorized"}));
        let (g, v, k) = self.gvk;
        let mut op = json!({
            "tags": [tag],
            "description": self.description,
            "operationId": self.id,
            "parameters": self.params,
            "responses": responses,
            "x-kubernetes-action": self.action,
            "x-kubernetes-group-version-kind": {"group": g, "version": v, "kind": k},
        });
        if let Some((types, schema)) = self.request {
            op["requestBody"] = json!({"content": content(types, &schema), "required": true});
        }
        op
    }
}

/// Builds the paths of one group-version; `set` holds the definitions they refer to.
pub fn build(gv: &GroupVersionInfo, set: &SchemaSet) -> Map<String, Value> {
    let mut paths = Map::new();
    for r in gv.resources {
        Resource { r, gv, set }.add(&mut paths);
    }
    paths
}

struct Resource<'a> {
    r: &'a ResourceInfo,
    gv: &'a GroupVersionInfo,
    set: &'a SchemaSet,
}

impl Resource<'_> {
    fn prefix(&self) -> String {
        self.gv.discovery_path()
    }

    fn schema(&self, (g, v, k): Gvk<'_>) -> Value {
        self.set
            .name_of(g, v, k)
            .map(reference)
            .unwrap_or_else(|| json!({"type": "object"}))
    }

    fn meta(&self, name: &str) -> Value {
        reference(name)
    }

    fn id(&self, verb: &str, namespaced: bool, suffix: &str) -> String {
        format!(
            "{verb}{}{}{}{suffix}",
            operation_group(self.r.group, self.r.version),
            if namespaced { "Namespaced" } else { "" },
            self.r.kind
        )
    }

    fn add(&self, paths: &mut Map<String, Value>) {
        let r = self.r;
        let namespaced = r.scope == Scope::Namespaced;
        let ns = if namespaced {
            "/namespaces/{namespace}"
        } else {
            ""
        };
        let prefix = self.prefix();
        let gvk: Gvk<'_> = (r.group, r.version, r.kind);
        let tag = tag(r.group, r.version);
        let scope_params = || {
            let mut v = Vec::new();
            if namespaced {
                v.push(p::namespace());
            }
            v.push(p::pretty());
            v
        };
        let obj = self.schema(gvk);
        let list_schema = self.schema((r.group, r.version, r.list_kind));

        // Collection: list, create, deletecollection.
        let mut collection = Map::new();
        if r.verbs.contains(Verb::List) {
            collection.insert(
                "get".into(),
                Op {
                    action: "list",
                    id: self.id("list", namespaced, ""),
                    description: format!("list or watch objects of kind {}", r.kind),
                    gvk,
                    params: p::list(),
                    request: None,
                    responses: vec![("200", "OK", list_schema.clone())],
                    response_types: &OBJECT_TYPES,
                }
                .render(&tag),
            );
        }
        if r.verbs.contains(Verb::Create) {
            collection.insert(
                "post".into(),
                Op {
                    action: "post",
                    id: self.id("create", namespaced, ""),
                    description: format!("create a {}", r.kind),
                    gvk,
                    params: p::write(),
                    request: Some((&["*/*"], obj.clone())),
                    responses: vec![
                        ("200", "OK", obj.clone()),
                        ("201", "Created", obj.clone()),
                        ("202", "Accepted", obj.clone()),
                    ],
                    response_types: &OBJECT_TYPES,
                }
                .render(&tag),
            );
        }
        if r.verbs.contains(Verb::DeleteCollection) {
            collection.insert(
                "delete".into(),
                Op {
                    action: "deletecollection",
                    id: format!(
                        "delete{}Collection{}{}",
                        operation_group(r.group, r.version),
                        if namespaced { "Namespaced" } else { "" },
                        r.kind
                    ),
                    description: format!("delete collection of {}", r.kind),
                    gvk,
                    params: p::delete_collection(),
                    request: Some((&["*/*"], self.meta(&self.set.meta.delete_options))),
                    responses: vec![("200", "OK", self.meta(&self.set.meta.status))],
                    response_types: &OBJECT_TYPES,
                }
                .render(&tag),
            );
        }
        if !collection.is_empty() {
            collection.insert("parameters".into(), Value::Array(scope_params()));
            paths.insert(
                format!("{prefix}{ns}/{}", r.plural),
                Value::Object(collection),
            );
        }

        // One object: read, replace, patch, delete.
        let mut item = Map::new();
        self.object_ops(&mut item, r.verbs, gvk, &obj, namespaced, "", &tag);
        if r.verbs.contains(Verb::Delete) {
            item.insert(
                "delete".into(),
                Op {
                    action: "delete",
                    id: self.id("delete", namespaced, ""),
                    description: format!("delete a {}", r.kind),
                    gvk,
                    params: p::delete(),
                    request: Some((&["*/*"], self.meta(&self.set.meta.delete_options))),
                    responses: vec![
                        ("200", "OK", self.meta(&self.set.meta.status)),
                        ("202", "Accepted", self.meta(&self.set.meta.status)),
                    ],
                    response_types: &OBJECT_TYPES,
                }
                .render(&tag),
            );
        }
        let item_params = || {
            let mut v = vec![p::name(r.kind)];
            v.extend(scope_params());
            v
        };
        if !item.is_empty() {
            item.insert("parameters".into(), Value::Array(item_params()));
            paths.insert(
                format!("{prefix}{ns}/{}/{{name}}", r.plural),
                Value::Object(item),
            );
        }

        for sub in r.subresources {
            let mut ops = Map::new();
            self.subresource_ops(&mut ops, sub, namespaced, &tag);
            if !ops.is_empty() {
                ops.insert("parameters".into(), Value::Array(item_params()));
                paths.insert(
                    format!("{prefix}{ns}/{}/{{name}}/{}", r.plural, sub.name),
                    Value::Object(ops),
                );
            }
        }

        if r.verbs.contains(Verb::List) && namespaced {
            let op = Op {
                action: "list",
                id: format!(
                    "list{}{}ForAllNamespaces",
                    operation_group(r.group, r.version),
                    r.kind
                ),
                description: format!("list or watch objects of kind {}", r.kind),
                gvk,
                params: p::list(),
                request: None,
                responses: vec![("200", "OK", list_schema)],
                response_types: &OBJECT_TYPES,
            };
            paths.insert(
                format!("{prefix}/{}", r.plural),
                json!({"get": op.render(&tag), "parameters": [p::pretty()]}),
            );
        }
        if r.verbs.contains(Verb::Watch) {
            self.watch_paths(paths, namespaced, &tag);
        }
    }

    /// get/put/patch of an object or an object-shaped subresource.
    #[allow(clippy::too_many_arguments)]
    fn object_ops(
        &self,
        ops: &mut Map<String, Value>,
        verbs: Verbs,
        gvk: Gvk<'_>,
        obj: &Value,
        namespaced: bool,
        suffix: &str,
        tag: &str,
    ) {
        let what = if suffix.is_empty() {
            format!("the specified {}", self.r.kind)
        } else {
            format!("{} of the specified {}", suffix.to_lowercase(), self.r.kind)
        };
        if verbs.contains(Verb::Get) {
            ops.insert(
                "get".into(),
                Op {
                    action: "get",
                    id: self.id("read", namespaced, suffix),
                    description: format!("read {what}"),
                    gvk,
                    params: Vec::new(),
                    request: None,
                    responses: vec![("200", "OK", obj.clone())],
                    response_types: &OBJECT_TYPES,
                }
                .render(tag),
            );
        }
        if verbs.contains(Verb::Update) {
            ops.insert(
                "put".into(),
                Op {
                    action: "put",
                    id: self.id("replace", namespaced, suffix),
                    description: format!("replace {what}"),
                    gvk,
                    params: p::write(),
                    request: Some((&["*/*"], obj.clone())),
                    responses: vec![("200", "OK", obj.clone()), ("201", "Created", obj.clone())],
                    response_types: &OBJECT_TYPES,
                }
                .render(tag),
            );
        }
        if verbs.contains(Verb::Patch) {
            ops.insert(
                "patch".into(),
                Op {
                    action: "patch",
                    id: self.id("patch", namespaced, suffix),
                    description: format!("partially update {what}"),
                    gvk,
                    params: p::patch(),
                    request: Some((&PATCH_TYPES, self.meta(&self.set.meta.patch))),
                    responses: vec![("200", "OK", obj.clone()), ("201", "Created", obj.clone())],
                    response_types: &OBJECT_TYPES,
                }
                .render(tag),
            );
        }
    }

    fn subresource_ops(
        &self,
        ops: &mut Map<String, Value>,
        sub: &SubresourceInfo,
        namespaced: bool,
        tag: &str,
    ) {
        let gvk = sub.response_kind(self.r);
        let suffix = capitalize(sub.name);
        if gvk.2.ends_with("Options") {
            // exec, attach, portforward, proxy: connections, not objects.
            for (method, verb) in [
                ("get", Verb::Get),
                ("post", Verb::Create),
                ("put", Verb::Update),
                ("patch", Verb::Patch),
                ("delete", Verb::Delete),
            ] {
                if sub.verbs.contains(verb) {
                    let op = Op {
                        action: "connect",
                        id: self.id(
                            &format!("connect{}", capitalize(method)),
                            namespaced,
                            &suffix,
                        ),
                        description: format!(
                            "connect {method} requests to {} of {}",
                            sub.name, self.r.kind
                        ),
                        gvk,
                        params: Vec::new(),
                        request: None,
                        responses: vec![("200", "OK", json!({"type": "string"}))],
                        response_types: &["*/*"],
                    };
                    ops.insert(method.into(), op.render(tag));
                }
            }
            return;
        }
        if sub.name == "log" {
            let op = Op {
                action: "get",
                id: self.id("read", namespaced, "Log"),
                description: format!("read log of the specified {}", self.r.kind),
                gvk,
                params: Vec::new(),
                request: None,
                responses: vec![("200", "OK", json!({"type": "string"}))],
                response_types: &["text/plain"],
            };
            ops.insert("get".into(), op.render(tag));
            return;
        }
        let obj = self.schema(gvk);
        self.object_ops(ops, sub.verbs, gvk, &obj, namespaced, &suffix, tag);
        if sub.verbs.contains(Verb::Create) {
            let op = Op {
                action: "post",
                id: self.id("create", namespaced, &suffix),
                description: format!("create {} of a {}", sub.name, self.r.kind),
                gvk,
                params: p::write(),
                request: Some((&["*/*"], obj.clone())),
                responses: vec![
                    ("200", "OK", obj.clone()),
                    ("201", "Created", obj.clone()),
                    ("202", "Accepted", obj.clone()),
                ],
                response_types: &OBJECT_TYPES,
            };
            ops.insert("post".into(), op.render(tag));
        }
    }

    /// The deprecated `/watch/...` paths.
    fn watch_paths(&self, paths: &mut Map<String, Value>, namespaced: bool, tag: &str) {
        let r = self.r;
        let prefix = self.prefix();
        let gvk: Gvk<'_> = (r.group, r.version, r.kind);
        let event = self.meta(&self.set.meta.watch_event);
        let watch = |action: &'static str, id: String, description: String| Op {
            action,
            id,
            description,
            gvk,
            params: p::list(),
            request: None,
            responses: vec![("200", "OK", event.clone())],
            response_types: &WATCH_TYPES,
        };
        let ns = if namespaced {
            "/namespaces/{namespace}"
        } else {
            ""
        };
        let mut scope = Vec::new();
        if namespaced {
            scope.push(p::namespace());
        }
        scope.push(p::pretty());
        let list = watch(
            "watchlist",
            self.id("watch", namespaced, "List"),
            format!("watch individual changes to a list of {}. deprecated: use the 'watch' parameter with a list operation instead.", r.kind),
        );
        paths.insert(
            format!("{prefix}/watch{ns}/{}", r.plural),
            json!({"get": list.render(tag), "parameters": scope.clone()}),
        );
        let one = watch(
            "watch",
            self.id("watch", namespaced, ""),
            format!("watch changes to an object of kind {}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.", r.kind),
        );
        let mut item_scope = vec![p::name(r.kind)];
        item_scope.extend(scope);
        paths.insert(
            format!("{prefix}/watch{ns}/{}/{{name}}", r.plural),
            json!({"get": one.render(tag), "parameters": item_scope}),
        );
        if namespaced {
            let all = watch(
                "watchlist",
                format!(
                    "watch{}{}ListForAllNamespaces",
                    operation_group(r.group, r.version),
                    r.kind
                ),
                format!("watch individual changes to a list of {}. deprecated: use the 'watch' parameter with a list operation instead.", r.kind),
            );
            paths.insert(
                format!("{prefix}/watch/{}", r.plural),
                json!({"get": all.render(tag), "parameters": [p::pretty()]}),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_name_group_and_version_as_upstream() {
        assert_eq!(operation_group("", "v1"), "CoreV1");
        assert_eq!(operation_group("apps", "v1"), "AppsV1");
        assert_eq!(
            operation_group("rbac.authorization.k8s.io", "v1"),
            "RbacAuthorizationV1"
        );
        assert_eq!(
            operation_group("flowcontrol.apiserver.k8s.io", "v1"),
            "FlowcontrolApiserverV1"
        );
        assert_eq!(
            tag("rbac.authorization.k8s.io", "v1"),
            "rbacAuthorization_v1"
        );
        assert_eq!(tag("", "v1"), "core_v1");
    }

    #[test]
    fn pods_have_collection_item_subresource_and_watch_paths() {
        let gv = api_types::registry::builtin()
            .group_version("", "v1")
            .unwrap();
        let set = SchemaSet::build(
            gv.resources.iter().map(|r| (r.group, r.version, r.kind)),
            gv.resources.iter().map(|r| (r.group, r.version, r.kind)),
        );
        let paths = build(gv, &set);
        let coll = &paths["/api/v1/namespaces/{namespace}/pods"];
        assert_eq!(coll["get"]["x-kubernetes-action"], "list");
        assert_eq!(coll["get"]["operationId"], "listCoreV1NamespacedPod");
        assert_eq!(coll["post"]["operationId"], "createCoreV1NamespacedPod");
        assert_eq!(
            coll["delete"]["operationId"],
            "deleteCoreV1CollectionNamespacedPod"
        );
        let item = &paths["/api/v1/namespaces/{namespace}/pods/{name}"];
        let patch = &item["patch"];
        assert_eq!(patch["operationId"], "patchCoreV1NamespacedPod");
        assert_eq!(
            patch["x-kubernetes-group-version-kind"],
            json!({"group": "", "version": "v1", "kind": "Pod"})
        );
        assert!(patch["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "fieldValidation" && p["in"] == "query"));
        assert_eq!(
            paths["/api/v1/namespaces/{namespace}/pods/{name}/status"]["put"]["operationId"],
            "replaceCoreV1NamespacedPodStatus"
        );
        assert_eq!(
            paths["/api/v1/namespaces/{namespace}/pods/{name}/eviction"]["post"]
                ["x-kubernetes-group-version-kind"]["group"],
            "policy"
        );
        assert_eq!(
            paths["/api/v1/namespaces/{namespace}/pods/{name}/exec"]["get"]["x-kubernetes-action"],
            "connect"
        );
        assert_eq!(
            paths["/api/v1/pods"]["get"]["operationId"],
            "listCoreV1PodForAllNamespaces"
        );
        assert_eq!(
            paths["/api/v1/watch/namespaces/{namespace}/pods"]["get"]["x-kubernetes-action"],
            "watchlist"
        );
        // Cluster-scoped: no namespace segment, no all-namespaces path.
        assert!(paths.contains_key("/api/v1/nodes/{name}"));
        assert!(paths.contains_key("/api/v1/namespaces/{name}/finalize"));
        assert_eq!(
            coll["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/io.k8s.api.core.v1.PodList"
        );
    }
}
