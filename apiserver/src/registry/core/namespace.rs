//! Namespaces: created `Active` with the `kubernetes` finalizer and the
//! `kubernetes.io/metadata.name` label; deleted gracefully (phase `Terminating`) until the
//! namespace controller has emptied them and cleared `spec.finalizers` through `/finalize`.

use api_types::validation::{validate_namespace_name, ValidateNameFn};
use serde_json::{json, Value};

use crate::registry::{DeleteBehaviour, Strategy};

/// The finalizer the namespace controller owns.
pub const KUBERNETES_FINALIZER: &str = "kubernetes";
/// The label every namespace carries with its own name.
pub const NAME_LABEL: &str = "kubernetes.io/metadata.name";

pub struct NamespaceStrategy;

fn set_name_label(obj: &mut Value) {
    let name = crate::object::name(obj).to_string();
    let meta = crate::object::metadata_mut(obj);
    let labels = meta.entry("labels").or_insert_with(|| json!({}));
    if !labels.is_object() {
        *labels = json!({});
    }
    if let Some(l) = labels.as_object_mut() {
        l.insert(NAME_LABEL.to_string(), Value::String(name));
    }
}

fn spec_finalizers(obj: &Value) -> Vec<Value> {
    obj.get("spec")
        .and_then(|s| s.get("finalizers"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

impl Strategy for NamespaceStrategy {
    /// NamespaceLifecycle admission reads namespaces from the watch cache.
    fn settles_writes_in_cache(&self) -> bool {
        true
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        let mut finalizers = spec_finalizers(obj);
        if !finalizers.iter().any(|f| f == KUBERNETES_FINALIZER) {
            finalizers.push(json!(KUBERNETES_FINALIZER));
        }
        if let Some(map) = obj.as_object_mut() {
            map.insert("spec".into(), json!({ "finalizers": finalizers }));
            map.insert("status".into(), json!({"phase": "Active"}));
        }
        set_name_label(obj);
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        if let Some(map) = new.as_object_mut() {
            map.insert("spec".into(), old.get("spec").cloned().unwrap_or(json!({})));
            map.insert(
                "status".into(),
                old.get("status").cloned().unwrap_or(json!({})),
            );
        }
        set_name_label(new);
    }

    fn name_validator(&self) -> ValidateNameFn {
        validate_namespace_name
    }

    fn delete_behaviour(&self) -> DeleteBehaviour {
        DeleteBehaviour::Graceful
    }

    fn prepare_for_graceful_delete(&self, obj: &mut Value) {
        if let Some(map) = obj.as_object_mut() {
            map.insert("status".into(), json!({"phase": "Terminating"}));
        }
    }

    fn ready_to_remove(&self, obj: &Value) -> bool {
        spec_finalizers(obj).is_empty()
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        let phase = crate::object::at_path(obj, "status.phase")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        vec![("status.phase", phase)]
    }
}

/// The 409 message for deleting a namespace whose content is still being removed.
pub const PENDING_DELETION_MESSAGE: &str = "The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_sets_phase_finalizer_and_label() {
        let mut ns = json!({"metadata": {"name": "team"}, "status": {"phase": "Terminating"}});
        NamespaceStrategy.prepare_for_create(&mut ns);
        assert_eq!(ns["status"]["phase"], "Active");
        assert_eq!(ns["spec"]["finalizers"], json!(["kubernetes"]));
        assert_eq!(ns["metadata"]["labels"][NAME_LABEL], "team");
        assert!(!NamespaceStrategy.ready_to_remove(&ns));
        let mut upd = json!({"metadata": {"name": "team"}, "spec": {"finalizers": []}});
        NamespaceStrategy.prepare_for_update(&mut upd, &ns);
        assert_eq!(upd["spec"]["finalizers"], json!(["kubernetes"]));
    }
}
