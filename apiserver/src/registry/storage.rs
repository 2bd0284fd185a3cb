//! storage.k8s.io/v1: upstream's defaults of StorageClasses and CSIDrivers
//! (`pkg/apis/storage/v1/defaults.go`, with v1.33's feature gates on) and the
//! VolumeAttachment strategy (status owned by the `status` subresource).

use std::sync::Arc;

use api_types::registry::ResourceInfo;
use serde_json::{json, Value};

use super::default::{copy_status, DefaultStrategy};
use super::defaulting::{is_empty, object_at, set_default, Defaulted};
use super::Strategy;

/// `SetDefaults_StorageClass`.
pub fn default_storage_class(obj: &mut Value) {
    if let Some(map) = obj.as_object_mut() {
        set_default(map, "reclaimPolicy", json!("Delete"));
        set_default(map, "volumeBindingMode", json!("Immediate"));
    }
}

/// `SetDefaults_CSIDriver`.
pub fn default_csi_driver(obj: &mut Value) {
    let Some(spec) = object_at(obj, &["spec"]) else {
        return;
    };
    set_default(spec, "attachRequired", json!(true));
    set_default(spec, "podInfoOnMount", json!(false));
    set_default(spec, "storageCapacity", json!(false));
    set_default(spec, "fsGroupPolicy", json!("ReadWriteOnceWithFSType"));
    if is_empty(spec.get("volumeLifecycleModes")) {
        spec.insert("volumeLifecycleModes".into(), json!(["Persistent"]));
    }
    set_default(spec, "requiresRepublish", json!(false));
    set_default(spec, "seLinuxMount", json!(false));
}

/// `v1` VolumeAttachments: a client cannot set the status; the zero status upstream stores
/// reads back as `attached: false`.
pub struct VolumeAttachmentStrategy {
    base: DefaultStrategy,
}

impl VolumeAttachmentStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        VolumeAttachmentStrategy {
            base: DefaultStrategy::new(info),
        }
    }
}

impl Strategy for VolumeAttachmentStrategy {
    fn prepare_for_create(&self, obj: &mut Value) {
        if let Some(map) = obj.as_object_mut() {
            map.insert("status".into(), json!({"attached": false}));
        }
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        copy_status(new, old);
    }

    fn allow_unconditional_update(&self) -> bool {
        false
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.base.extra_fields(obj)
    }
}

/// The strategy of a storage.k8s.io resource.
pub fn strategy(info: &'static ResourceInfo) -> Arc<dyn Strategy> {
    match info.plural {
        "storageclasses" => Arc::new(Defaulted::new(info, default_storage_class)),
        "csidrivers" => Arc::new(Defaulted::new(info, default_csi_driver)),
        "volumeattachments" => Arc::new(VolumeAttachmentStrategy::new(info)),
        _ => Arc::new(DefaultStrategy::new(info)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(plural: &str) -> &'static ResourceInfo {
        api_types::registry::builtin()
            .get("storage.k8s.io", "v1", plural)
            .unwrap()
    }

    #[test]
    fn storage_class_defaults() {
        let mut sc = json!({"provisioner": "example.com/p"});
        strategy(info("storageclasses")).defaults(&mut sc);
        assert_eq!(sc["reclaimPolicy"], "Delete");
        assert_eq!(sc["volumeBindingMode"], "Immediate");
        let mut set =
            json!({"reclaimPolicy": "Retain", "volumeBindingMode": "WaitForFirstConsumer"});
        default_storage_class(&mut set);
        assert_eq!(set["reclaimPolicy"], "Retain");
        assert_eq!(set["volumeBindingMode"], "WaitForFirstConsumer");
    }

    #[test]
    fn csi_driver_defaults() {
        let mut d = json!({"spec": {}});
        strategy(info("csidrivers")).defaults(&mut d);
        assert_eq!(
            d["spec"],
            json!({"attachRequired": true, "podInfoOnMount": false, "storageCapacity": false,
                "fsGroupPolicy": "ReadWriteOnceWithFSType", "volumeLifecycleModes": ["Persistent"],
                "requiresRepublish": false, "seLinuxMount": false})
        );
        let mut set = json!({"spec": {"attachRequired": false, "volumeLifecycleModes": ["Ephemeral"],
            "fsGroupPolicy": "File"}});
        default_csi_driver(&mut set);
        assert_eq!(set["spec"]["attachRequired"], false);
        assert_eq!(set["spec"]["volumeLifecycleModes"], json!(["Ephemeral"]));
        assert_eq!(set["spec"]["fsGroupPolicy"], "File");
    }

    #[test]
    fn volume_attachment_status_is_not_settable() {
        let s = strategy(info("volumeattachments"));
        let mut va = json!({"spec": {}, "status": {"attached": true}});
        s.prepare_for_create(&mut va);
        assert_eq!(va["status"], json!({"attached": false}));
        let mut new = json!({"spec": {}, "status": {"attached": false}});
        s.prepare_for_update(&mut new, &json!({"status": {"attached": true}}));
        assert_eq!(new["status"]["attached"], true);
        assert!(!s.allow_unconditional_update());
        assert!(!s.tracks_generation());
    }
}
