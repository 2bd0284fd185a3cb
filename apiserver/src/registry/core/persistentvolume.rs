//! PersistentVolumes and PersistentVolumeClaims: upstream's defaults
//! (`SetDefaults_PersistentVolume`, `SetDefaults_PersistentVolumeClaim(Spec)` and the
//! declarative defaults of the volume sources) and their strategies: a new volume or claim
//! starts `Pending`, its status is owned by the `status` subresource, and a volume's
//! `lastPhaseTransitionTime` follows its phase.

use api_types::registry::ResourceInfo;
use serde_json::{json, Map, Value};

use crate::object;
use crate::registry::default::{copy_status, DefaultStrategy};
use crate::registry::defaulting::{object_at, set_default};
use crate::registry::Strategy;

/// Status the defaults give a volume or claim that has no phase.
const PENDING: &str = "Pending";

/// Fills a missing `status.phase` with `Pending`, as upstream's defaults do on every decode.
fn default_phase(obj: &mut Value) {
    let Some(map) = obj.as_object_mut() else {
        return;
    };
    let status = map.entry("status").or_insert_with(|| json!({}));
    if status.is_null() {
        *status = json!({});
    }
    if let Some(status) = status.as_object_mut() {
        if status
            .get("phase")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            status.insert("phase".into(), json!(PENDING));
        }
    }
}

/// The declarative defaults of the persistent volume sources (`+default=` in upstream's
/// `core/v1` types) and `SetDefaults_HostPathVolumeSource`.
fn default_sources(spec: &mut Map<String, Value>) {
    if let Some(h) = spec.get_mut("hostPath").and_then(Value::as_object_mut) {
        set_default(h, "type", json!(""));
    }
    if let Some(i) = spec.get_mut("iscsi").and_then(Value::as_object_mut) {
        set_default(i, "iscsiInterface", json!("default"));
    }
    if let Some(r) = spec.get_mut("rbd").and_then(Value::as_object_mut) {
        set_default(r, "pool", json!("rbd"));
        set_default(r, "user", json!("admin"));
        set_default(r, "keyring", json!("/etc/ceph/keyring"));
    }
    if let Some(a) = spec.get_mut("azureDisk").and_then(Value::as_object_mut) {
        set_default(a, "cachingMode", json!("ReadWrite"));
        set_default(a, "fsType", json!("ext4"));
        set_default(a, "readOnly", json!(false));
        set_default(a, "kind", json!("Shared"));
    }
    if let Some(s) = spec.get_mut("scaleIO").and_then(Value::as_object_mut) {
        set_default(s, "storageMode", json!("ThinProvisioned"));
        set_default(s, "fsType", json!("xfs"));
    }
}

/// Upstream's defaults of a PersistentVolume.
pub fn default_persistent_volume(obj: &mut Value) {
    if let Some(spec) = object_at(obj, &["spec"]) {
        set_default(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
        set_default(spec, "volumeMode", json!("Filesystem"));
        default_sources(spec);
    }
    default_phase(obj);
}

/// Upstream's defaults of a PersistentVolumeClaim.
pub fn default_persistent_volume_claim(obj: &mut Value) {
    if let Some(spec) = object_at(obj, &["spec"]) {
        set_default(spec, "volumeMode", json!("Filesystem"));
    }
    default_phase(obj);
}

/// `v1` PersistentVolumes.
pub struct PersistentVolumeStrategy {
    base: DefaultStrategy,
}

impl PersistentVolumeStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        PersistentVolumeStrategy {
            base: DefaultStrategy::new(info),
        }
    }
}

impl Strategy for PersistentVolumeStrategy {
    fn defaults(&self, obj: &mut Value) {
        default_persistent_volume(obj);
    }

    /// A client may not set the status: a new volume is `Pending` since now.
    fn prepare_for_create(&self, obj: &mut Value) {
        if let Some(map) = obj.as_object_mut() {
            map.insert(
                "status".into(),
                json!({"phase": PENDING, "lastPhaseTransitionTime": object::now_rfc3339()}),
            );
        }
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        copy_status(new, old);
    }

    /// The phase is defaulted as on every decode; a phase change the client did not stamp
    /// gets the current time, an unchanged phase keeps the stored time.
    fn prepare_for_status_update(&self, new: &mut Value, old: &Value) {
        default_phase(new);
        let old_status = &old["status"];
        let (old_phase, old_time) = (&old_status["phase"], &old_status["lastPhaseTransitionTime"]);
        let Some(status) = new.get_mut("status").and_then(Value::as_object_mut) else {
            return;
        };
        let new_time = status
            .get("lastPhaseTransitionTime")
            .cloned()
            .unwrap_or(Value::Null);
        if status.get("phase") == Some(old_phase) {
            if new_time.is_null() && !old_time.is_null() {
                status.insert("lastPhaseTransitionTime".into(), old_time.clone());
            }
        } else if new_time.is_null() || new_time == *old_time {
            status.insert(
                "lastPhaseTransitionTime".into(),
                json!(object::now_rfc3339()),
            );
        }
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        let mut fields = self.base.extra_fields(obj);
        // Upstream keeps a plain `name` field for backward compatibility.
        fields.push(("name", object::name(obj).to_string()));
        fields
    }
}

/// `v1` PersistentVolumeClaims.
pub struct PersistentVolumeClaimStrategy {
    base: DefaultStrategy,
}

impl PersistentVolumeClaimStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        PersistentVolumeClaimStrategy {
            base: DefaultStrategy::new(info),
        }
    }
}

impl Strategy for PersistentVolumeClaimStrategy {
    fn defaults(&self, obj: &mut Value) {
        default_persistent_volume_claim(obj);
    }

    /// Upstream clears the status; reading it back defaults the phase to `Pending`.
    fn prepare_for_create(&self, obj: &mut Value) {
        if let Some(map) = obj.as_object_mut() {
            map.insert("status".into(), json!({"phase": PENDING}));
        }
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        self.base.prepare_for_update(new, old);
    }

    fn prepare_for_status_update(&self, new: &mut Value, _old: &Value) {
        default_phase(new);
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        let mut fields = self.base.extra_fields(obj);
        fields.push(("name", object::name(obj).to_string()));
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(plural: &str) -> &'static ResourceInfo {
        api_types::registry::builtin()
            .get("", "v1", plural)
            .unwrap()
    }

    #[test]
    fn volume_defaults() {
        let mut pv = json!({"spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
            "hostPath": {"path": "/tmp/x"}}});
        default_persistent_volume(&mut pv);
        assert_eq!(pv["spec"]["persistentVolumeReclaimPolicy"], "Retain");
        assert_eq!(pv["spec"]["volumeMode"], "Filesystem");
        assert_eq!(pv["spec"]["hostPath"]["type"], "");
        assert_eq!(pv["status"]["phase"], "Pending");
        let mut set = json!({"spec": {"persistentVolumeReclaimPolicy": "Delete", "volumeMode": "Block",
            "iscsi": {"targetPortal": "t", "iqn": "i", "lun": 0},
            "azureDisk": {"diskName": "d", "diskURI": "u"}},
            "status": {"phase": "Bound"}});
        default_persistent_volume(&mut set);
        assert_eq!(set["spec"]["persistentVolumeReclaimPolicy"], "Delete");
        assert_eq!(set["spec"]["volumeMode"], "Block");
        assert_eq!(set["spec"]["iscsi"]["iscsiInterface"], "default");
        assert_eq!(set["spec"]["azureDisk"]["cachingMode"], "ReadWrite");
        assert_eq!(set["spec"]["azureDisk"]["kind"], "Shared");
        assert_eq!(set["spec"]["azureDisk"]["fsType"], "ext4");
        assert_eq!(set["status"]["phase"], "Bound");
    }

    #[test]
    fn volume_status_on_create_and_update() {
        let s = PersistentVolumeStrategy::new(info("persistentvolumes"));
        let mut pv = json!({"spec": {}, "status": {"phase": "Bound"}});
        s.defaults(&mut pv);
        s.prepare_for_create(&mut pv);
        assert_eq!(pv["status"]["phase"], "Pending");
        assert!(pv["status"]["lastPhaseTransitionTime"].is_string());

        let old = json!({"status": {"phase": "Pending", "lastPhaseTransitionTime": "2020-01-01T00:00:00Z"}});
        let mut new = json!({"spec": {"x": 1}, "status": {"phase": "Failed"}});
        s.prepare_for_update(&mut new, &old);
        assert_eq!(new["status"], old["status"]);

        // Status write, same phase: the stored transition time stays.
        let mut same = json!({"status": {"phase": "Pending"}});
        s.prepare_for_status_update(&mut same, &old);
        assert_eq!(
            same["status"]["lastPhaseTransitionTime"],
            "2020-01-01T00:00:00Z"
        );
        // A new phase gets a new time.
        let mut bound = json!({"status": {"phase": "Bound",
            "lastPhaseTransitionTime": "2020-01-01T00:00:00Z"}});
        s.prepare_for_status_update(&mut bound, &old);
        assert_ne!(
            bound["status"]["lastPhaseTransitionTime"],
            "2020-01-01T00:00:00Z"
        );
        // Unless the client stamped its own.
        let mut stamped = json!({"status": {"phase": "Bound",
            "lastPhaseTransitionTime": "2021-01-01T00:00:00Z"}});
        s.prepare_for_status_update(&mut stamped, &old);
        assert_eq!(
            stamped["status"]["lastPhaseTransitionTime"],
            "2021-01-01T00:00:00Z"
        );
        // An empty phase reads back as Pending.
        let mut empty = json!({"status": {}});
        s.prepare_for_status_update(&mut empty, &old);
        assert_eq!(empty["status"]["phase"], "Pending");
    }

    #[test]
    fn claim_defaults_and_status() {
        let s = PersistentVolumeClaimStrategy::new(info("persistentvolumeclaims"));
        let mut pvc =
            json!({"spec": {"accessModes": ["ReadWriteOnce"]}, "status": {"phase": "Bound"}});
        s.defaults(&mut pvc);
        assert_eq!(pvc["spec"]["volumeMode"], "Filesystem");
        s.prepare_for_create(&mut pvc);
        assert_eq!(pvc["status"], json!({"phase": "Pending"}));
        let mut new = json!({"spec": {}, "status": {"phase": "Lost"}});
        s.prepare_for_update(&mut new, &json!({"status": {"phase": "Bound"}}));
        assert_eq!(new["status"]["phase"], "Bound");
        assert!(s
            .extra_fields(&json!({"metadata": {"name": "c"}}))
            .contains(&("name", "c".to_string())));
    }
}
