//! apiextensions.k8s.io/v1 CustomResourceDefinitions: upstream's defaults
//! (`SetDefaults_CustomResourceDefinition(Spec)`; in v1 `scope` is required, not defaulted)
//! and strategy: a cleared status that records the storage version in `storedVersions`,
//! generation tracking, and no update without a `resourceVersion`.

use api_types::registry::ResourceInfo;
use serde_json::{json, Map, Value};

use super::default::{copy_status, DefaultStrategy};
use super::defaulting::{is_empty, object_at, set_default};
use super::Strategy;

/// Names, conversion and webhook-port defaults of a CRD.
pub fn default_custom_resource_definition(obj: &mut Value) {
    if let Some(names) = object_at(obj, &["spec", "names"]) {
        let kind = names
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        // An empty result would be omitted by upstream's JSON, so none is written.
        if is_empty(names.get("singular")) && !kind.is_empty() {
            names.insert("singular".into(), json!(kind.to_lowercase()));
        }
        if is_empty(names.get("listKind")) && !kind.is_empty() {
            names.insert("listKind".into(), json!(format!("{kind}List")));
        }
    }
    if let Some(spec) = object_at(obj, &["spec"]) {
        set_default(spec, "conversion", json!({"strategy": "None"}));
    }
    if let Some(conversion) = object_at(obj, &["spec", "conversion"]) {
        if conversion.get("strategy").and_then(Value::as_str) == Some("Webhook")
            && is_empty(conversion.get("conversionReviewVersions"))
        {
            conversion.insert("conversionReviewVersions".into(), json!(["v1"]));
        }
    }
    if let Some(service) = object_at(
        obj,
        &["spec", "conversion", "webhook", "clientConfig", "service"],
    ) {
        set_default(service, "port", json!(443));
    }
    // `SetDefaults_CustomResourceDefinition`: no stored versions yet means the storage one.
    if is_empty(obj.get("status").and_then(|s| s.get("storedVersions"))) {
        record_storage_version(obj);
    }
}

/// The name of the first version marked `storage: true`.
fn storage_version(obj: &Value) -> Option<String> {
    obj["spec"]["versions"]
        .as_array()?
        .iter()
        .find(|v| v["storage"] == true)
        .and_then(|v| v["name"].as_str())
        .map(str::to_string)
}

/// Appends the storage version to `status.storedVersions` unless it is listed.
fn record_storage_version(obj: &mut Value) {
    let Some(storage) = storage_version(obj) else {
        return;
    };
    let Some(map) = obj.as_object_mut() else {
        return;
    };
    let status = map.entry("status").or_insert_with(|| json!({}));
    if !status.is_object() {
        *status = json!({});
    }
    let Some(status) = status.as_object_mut() else {
        return;
    };
    let stored = status.entry("storedVersions").or_insert_with(|| json!([]));
    if !stored.is_array() {
        *stored = json!([]);
    }
    if let Some(list) = stored.as_array_mut() {
        if !list.iter().any(|v| v.as_str() == Some(storage.as_str())) {
            list.push(json!(storage));
        }
    }
}

/// The zero status upstream stores: its accepted names and stored versions are not omitted.
fn cleared_status() -> Map<String, Value> {
    let mut status = Map::new();
    status.insert("acceptedNames".into(), json!({"plural": "", "kind": ""}));
    status.insert("storedVersions".into(), json!([]));
    status
}

/// `v1` CustomResourceDefinitions.
pub struct CustomResourceDefinitionStrategy {
    base: DefaultStrategy,
}

impl CustomResourceDefinitionStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        CustomResourceDefinitionStrategy {
            base: DefaultStrategy::new(info),
        }
    }
}

impl Strategy for CustomResourceDefinitionStrategy {
    fn defaults(&self, obj: &mut Value) {
        default_custom_resource_definition(obj);
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        if let Some(map) = obj.as_object_mut() {
            map.insert("status".into(), Value::Object(cleared_status()));
        }
        record_storage_version(obj);
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        copy_status(new, old);
        record_storage_version(new);
    }

    fn tracks_generation(&self) -> bool {
        true
    }

    fn allow_unconditional_update(&self) -> bool {
        false
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.base.extra_fields(obj)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crd() -> Value {
        json!({"metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"plural": "widgets", "kind": "Widget"},
                "versions": [{"name": "v1beta1", "served": true, "storage": false},
                    {"name": "v1", "served": true, "storage": true}]}})
    }

    fn strategy() -> CustomResourceDefinitionStrategy {
        CustomResourceDefinitionStrategy::new(
            api_types::registry::builtin()
                .get("apiextensions.k8s.io", "v1", "customresourcedefinitions")
                .unwrap(),
        )
    }

    #[test]
    fn names_and_conversion_defaults() {
        let mut c = crd();
        default_custom_resource_definition(&mut c);
        assert_eq!(c["spec"]["names"]["singular"], "widget");
        assert_eq!(c["spec"]["names"]["listKind"], "WidgetList");
        assert_eq!(c["spec"]["conversion"], json!({"strategy": "None"}));
        assert_eq!(c["spec"]["scope"], "Namespaced");
        assert_eq!(c["status"]["storedVersions"], json!(["v1"]));

        let mut webhook = crd();
        webhook["spec"]["conversion"] = json!({"strategy": "Webhook",
            "webhook": {"clientConfig": {"service": {"namespace": "n", "name": "s"}}}});
        default_custom_resource_definition(&mut webhook);
        let conv = &webhook["spec"]["conversion"];
        assert_eq!(conv["conversionReviewVersions"], json!(["v1"]));
        assert_eq!(conv["webhook"]["clientConfig"]["service"]["port"], 443);
    }

    #[test]
    fn status_records_the_storage_version() {
        let s = strategy();
        let mut c = crd();
        c["status"] = json!({"storedVersions": ["v0"], "conditions": [{"type": "Established"}]});
        s.defaults(&mut c);
        s.prepare_for_create(&mut c);
        assert_eq!(
            c["status"],
            json!({"acceptedNames": {"plural": "", "kind": ""}, "storedVersions": ["v1"]})
        );
        assert!(s.tracks_generation());
        assert!(!s.allow_unconditional_update());

        // Moving storage to a new version adds it to the stored ones.
        let mut new = crd();
        new["spec"]["versions"][0]["storage"] = json!(true);
        new["spec"]["versions"][1]["storage"] = json!(false);
        new["status"] = json!({"storedVersions": []});
        s.prepare_for_update(&mut new, &c);
        assert_eq!(new["status"]["storedVersions"], json!(["v1", "v1beta1"]));
    }
}
