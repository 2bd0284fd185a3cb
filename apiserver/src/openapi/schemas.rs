//! `components.schemas`: the k8s-openapi types' JSON schemas under upstream's definition
//! names (`io.k8s.api.core.v1.Pod`), with `x-kubernetes-group-version-kind` on the top-level
//! kinds (what `kubectl explain` looks kinds up by) and the `<Kind>List` types.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use api_types::k8s_openapi::schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};

use super::kinds;

/// A kind as `(group, version, kind)`.
pub type Gvk<'a> = (&'a str, &'a str, &'a str);

/// Definition names of the meta types every document refers to.
pub struct MetaNames {
    pub delete_options: String,
    pub status: String,
    pub patch: String,
    pub watch_event: String,
}

/// A set of definitions and where each kind's definition is.
pub struct SchemaSet {
    pub definitions: Map<String, Value>,
    names: HashMap<(String, String, String), String>,
    pub meta: MetaNames,
}

/// `$ref` to a definition.
pub fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn gvk_extension((group, version, kind): Gvk<'_>) -> Value {
    json!([{"group": group, "kind": kind, "version": version}])
}

impl SchemaSet {
    /// The definitions of `kinds` (unknown ones are skipped) and of the lists of `lists`.
    pub fn build<'a>(
        kinds: impl IntoIterator<Item = Gvk<'a>>,
        lists: impl IntoIterator<Item = Gvk<'a>>,
    ) -> SchemaSet {
        let mut generator = SchemaSettings::openapi3().into_generator();
        let [delete_options, status, patch, watch_event, list_meta] =
            kinds::add_meta(&mut generator);
        let mut names = HashMap::new();
        let mut tagged = Vec::new();
        for gvk in kinds {
            let (g, v, k) = gvk;
            if let Some(name) = kinds::add(&mut generator, g, v, k) {
                names.insert((g.to_string(), v.to_string(), k.to_string()), name.clone());
                tagged.push((name, gvk_extension(gvk)));
            }
        }
        let mut list_defs = Vec::new();
        for (g, v, k) in lists {
            let Some(item) = kinds::add(&mut generator, g, v, k) else {
                continue;
            };
            let list_kind = format!("{k}List");
            let def = json!({
                "description": format!("{list_kind} is a list of {k} objects."),
                "type": "object",
                "required": ["items"],
                "properties": {
                    "apiVersion": {
                        "description": "APIVersion defines the versioned schema of this representation of an object.",
                        "type": "string",
                    },
                    "items": {
                        "description": format!("List of {k} objects."),
                        "type": "array",
                        "items": {"allOf": [reference(&item)], "default": {}},
                    },
                    "kind": {
                        "description": "Kind is a string value representing the REST resource this object represents.",
                        "type": "string",
                    },
                    "metadata": {
                        "description": "Standard list metadata.",
                        "allOf": [reference(&list_meta)],
                        "default": {},
                    },
                },
                "x-kubernetes-group-version-kind": gvk_extension((g, v, &list_kind)),
            });
            let name = format!("{item}List");
            names.insert((g.to_string(), v.to_string(), list_kind), name.clone());
            list_defs.push((name, def));
        }
        let mut definitions = generator.take_definitions(true);
        for (name, gvk) in tagged {
            if let Some(Value::Object(def)) = definitions.get_mut(&name) {
                def.insert("x-kubernetes-group-version-kind".into(), gvk);
            }
        }
        definitions.extend(list_defs);
        SchemaSet {
            definitions,
            names,
            meta: MetaNames {
                delete_options,
                status,
                patch,
                watch_event,
            },
        }
    }

    /// The definition name of a kind (or `<Kind>List`) of the set.
    pub fn name_of(&self, group: &str, version: &str, kind: &str) -> Option<&str> {
        self.names
            .get(&(group.to_string(), version.to_string(), kind.to_string()))
            .map(String::as_str)
    }

    /// The definition of a kind.
    pub fn kind_schema(&self, group: &str, version: &str, kind: &str) -> Option<&Value> {
        self.definitions.get(self.name_of(group, version, kind)?)
    }

    /// Follows `$ref` (also a lone `allOf: [{$ref}]`, upstream's way to describe a reference)
    /// to the schema it names; any other schema is returned as is.
    pub fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..16 {
            let target = schema
                .get("$ref")
                .or_else(|| match schema.get("allOf").and_then(Value::as_array) {
                    Some(all) if all.len() == 1 => all[0].get("$ref"),
                    _ => None,
                })
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .and_then(|name| self.definitions.get(name));
            match target {
                Some(next) => schema = next,
                None => break,
            }
        }
        schema
    }
}

/// Every built-in kind's schema, built once.
pub fn all() -> &'static SchemaSet {
    static ALL: OnceLock<SchemaSet> = OnceLock::new();
    ALL.get_or_init(|| SchemaSet::build(kinds::ALL.iter().copied(), []))
}

/// The schemas of one kind (and every definition it references), built on first use and
/// kept: what field validation checks bodies against. Per kind rather than [`all`], so a
/// server that only ever sees a few kinds holds only their schemas (all of them together
/// are several MB of JSON trees).
pub fn for_kind(kind: Gvk<'_>) -> &'static SchemaSet {
    type Key = (String, String, String);
    static SETS: OnceLock<Mutex<HashMap<Key, &'static SchemaSet>>> = OnceLock::new();
    let key = (kind.0.to_string(), kind.1.to_string(), kind.2.to_string());
    let mut sets = SETS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    sets.entry(key).or_insert_with(|| {
        // Leaked on purpose: at most one per built-in kind, for the life of the process.
        Box::leak(Box::new(SchemaSet::build([kind], [])))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_carry_upstream_names_and_their_gvk() {
        let set = SchemaSet::build([("", "v1", "Pod")], [("", "v1", "Pod")]);
        assert_eq!(set.name_of("", "v1", "Pod"), Some("io.k8s.api.core.v1.Pod"));
        let pod = set.kind_schema("", "v1", "Pod").unwrap();
        assert_eq!(
            pod["x-kubernetes-group-version-kind"],
            json!([{"group": "", "kind": "Pod", "version": "v1"}])
        );
        let spec = set.resolve(&pod["properties"]["spec"]);
        assert!(spec["properties"]["containers"].is_object(), "{spec}");
        let list = set.kind_schema("", "v1", "PodList").unwrap();
        assert_eq!(
            list["x-kubernetes-group-version-kind"][0]["kind"],
            "PodList"
        );
        assert!(set
            .definitions
            .contains_key("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
        assert!(set.definitions.contains_key(&set.meta.delete_options));
        assert!(set.definitions.contains_key(&set.meta.patch));
    }

    #[test]
    fn a_kinds_set_holds_that_kind_once() {
        let cm = for_kind(("", "v1", "ConfigMap"));
        assert!(cm.kind_schema("", "v1", "ConfigMap").is_some());
        assert!(cm.kind_schema("", "v1", "Pod").is_none());
        assert!(std::ptr::eq(cm, for_kind(("", "v1", "ConfigMap"))));
    }

    #[test]
    fn every_registry_kind_and_body_kind_has_a_schema() {
        let set = all();
        for r in api_types::registry::builtin().all() {
            assert!(
                set.name_of(r.group, r.version, r.kind).is_some(),
                "{}/{} {}",
                r.group,
                r.version,
                r.kind
            );
            for s in r.subresources {
                let (g, v, k) = s.response_kind(r);
                if !k.ends_with("Options") {
                    assert!(set.name_of(g, v, k).is_some(), "{g}/{v} {k}");
                }
            }
        }
    }
}
