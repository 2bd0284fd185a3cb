//! PersistentVolumes and PersistentVolumeClaims, as upstream's `printPersistentVolume` and
//! `printPersistentVolumeClaim`.

use serde_json::{json, Value};

use super::super::format::{age, items, name, opt, quantity, s};
use super::super::{col, wide, Column, AGE, NAME};
use crate::object;

/// The beta annotation that still wins over `storageClassName`.
const CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";

pub(super) fn pv_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("Capacity", "capacity is the description of the persistent volume's resources and capacity."),
        c("Access Modes", "accessModes contains all ways the volume can be mounted."),
        c("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
        c("Status", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
        c("Claim", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
        c("StorageClass", "StorageClass of the pv"),
        c("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
        c("Reason", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
        AGE,
        wide(c("VolumeMode", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.")),
    ]
}

pub(super) fn pvc_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c(
            "Status",
            "phase represents the current phase of PersistentVolumeClaim.",
        ),
        c(
            "Volume",
            "volumeName is the binding reference to the PersistentVolume backing this claim.",
        ),
        c(
            "Capacity",
            "capacity represents the actual resources of the underlying volume.",
        ),
        c(
            "Access Modes",
            "accessModes contains the actual access modes the volume backing the PVC has.",
        ),
        c("StorageClass", "StorageClass of the pvc"),
        c("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
        AGE,
        wide(c(
            "VolumeMode",
            "volumeMode defines what type of volume is required by the claim.",
        )),
    ]
}

/// `Terminating` while being deleted, else `status.phase`.
fn phase(obj: &Value) -> &str {
    if object::meta_str(obj, "deletionTimestamp").is_empty() {
        s(obj, "status.phase")
    } else {
        "Terminating"
    }
}

/// Upstream's `GetAccessModesAsString`: RWO, ROX, RWX, RWOP in that order.
pub(super) fn access_modes(modes: &Value) -> String {
    let has = |m: &str| items(modes).any(|v| v == m);
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .into_iter()
    .filter(|(m, _)| has(m))
    .map(|(_, short)| short)
    .collect::<Vec<_>>()
    .join(",")
}

/// The class: the beta annotation if present, else `spec.storageClassName`.
fn class(obj: &Value) -> &str {
    obj["metadata"]["annotations"][CLASS_ANNOTATION]
        .as_str()
        .unwrap_or_else(|| s(obj, "spec.storageClassName"))
}

fn unset(v: Option<&str>) -> Value {
    json!(v.unwrap_or("<unset>"))
}

pub(super) fn pv_cells(obj: &Value, now: i64) -> Vec<Value> {
    let claim = if obj["spec"]["claimRef"].is_object() {
        format!(
            "{}/{}",
            s(obj, "spec.claimRef.namespace"),
            s(obj, "spec.claimRef.name")
        )
    } else {
        String::new()
    };
    vec![
        name(obj),
        json!(quantity(&obj["spec"]["capacity"]["storage"])),
        json!(access_modes(&obj["spec"]["accessModes"])),
        json!(s(obj, "spec.persistentVolumeReclaimPolicy")),
        json!(phase(obj)),
        json!(claim),
        json!(class(obj)),
        unset(opt(obj, "spec.volumeAttributesClassName")),
        json!(s(obj, "status.reason")),
        age(obj, now),
        unset(opt(obj, "spec.volumeMode")),
    ]
}

pub(super) fn pvc_cells(obj: &Value, now: i64) -> Vec<Value> {
    let (capacity, modes) = if s(obj, "spec.volumeName").is_empty() {
        (String::new(), String::new())
    } else {
        (
            quantity(&obj["status"]["capacity"]["storage"]),
            access_modes(&obj["status"]["accessModes"]),
        )
    };
    vec![
        name(obj),
        json!(phase(obj)),
        json!(s(obj, "spec.volumeName")),
        json!(capacity),
        json!(modes),
        json!(class(obj)),
        unset(opt(obj, "spec.volumeAttributesClassName")),
        age(obj, now),
        unset(opt(obj, "spec.volumeMode")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pv_and_pvc_rows() {
        let pv = json!({"metadata": {"name": "pv1", "annotations": {CLASS_ANNOTATION: "old"}},
            "spec": {"capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
                "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "new",
                "claimRef": {"namespace": "ns", "name": "c"}, "volumeMode": "Filesystem"},
            "status": {"phase": "Bound"}});
        let row = pv_cells(&pv, 0);
        assert_eq!(
            [&row[..9], &row[10..]].concat(),
            [
                json!("pv1"),
                json!("5Gi"),
                json!("RWO,RWX"),
                json!("Retain"),
                json!("Bound"),
                json!("ns/c"),
                json!("old"),
                json!("<unset>"),
                json!(""),
                json!("Filesystem")
            ]
        );
        let pvc = json!({"metadata": {"name": "c"}, "spec": {"storageClassName": "fast"},
            "status": {"phase": "Pending", "capacity": {"storage": "1Gi"}}});
        let row = pvc_cells(&pvc, 0);
        assert_eq!(
            row[..7],
            [
                json!("c"),
                json!("Pending"),
                json!(""),
                json!(""),
                json!(""),
                json!("fast"),
                json!("<unset>")
            ]
        );
        assert_eq!(row.len(), pvc_columns().len());
    }
}
