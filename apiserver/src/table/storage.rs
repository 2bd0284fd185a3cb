//! `storage.k8s.io`: storage classes, CSI drivers and nodes, CSI storage capacities and
//! volume attachments.

use serde_json::{json, Value};

use super::format::{age, items, len, name, or, quantity, s};
use super::{col, Column, Printer, AGE, NAME};
use crate::object;

pub(super) fn printer(plural: &str) -> Option<Printer> {
    let p = |columns, cells| Some(Printer { columns, cells });
    match plural {
        "storageclasses" => p(storage_class_columns, storage_class_cells),
        "csidrivers" => p(csi_driver_columns, csi_driver_cells),
        "csinodes" => p(csi_node_columns, csi_node_cells),
        "csistoragecapacities" => p(capacity_columns, capacity_cells),
        "volumeattachments" => p(attachment_columns, attachment_cells),
        _ => None,
    }
}

fn storage_class_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("Provisioner", "provisioner indicates the type of the provisioner."),
        c("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete."),
        c("VolumeBindingMode", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used."),
        c("AllowVolumeExpansion", "allowVolumeExpansion shows whether the storage class allow volume expand."),
        AGE,
    ]
}

fn storage_class_cells(obj: &Value, now: i64) -> Vec<Value> {
    let annotations = &obj["metadata"]["annotations"];
    let default = [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|k| annotations[*k] == "true");
    let mut shown = object::name(obj).to_string();
    if default {
        shown.push_str(" (default)");
    }
    vec![
        json!(shown),
        json!(s(obj, "provisioner")),
        json!(or(s(obj, "reclaimPolicy"), "Delete")),
        json!(or(s(obj, "volumeBindingMode"), "Immediate")),
        json!(obj["allowVolumeExpansion"].as_bool().unwrap_or(false)),
        age(obj, now),
    ]
}

fn csi_driver_columns() -> Vec<Column> {
    let b = |name, desc| col(name, "boolean", desc);
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        b("AttachRequired", "attachRequired indicates this CSI volume driver requires an attach operation (because it implements the CSI ControllerPublishVolume() method), and that the Kubernetes attach detach controller should call the attach volume interface which checks the volumeattachment status and waits until the volume is attached before proceeding to mounting."),
        b("PodInfoOnMount", "podInfoOnMount indicates this CSI volume driver requires additional pod information (like podName, podUID, etc.) during mount operations, if set to true."),
        b("StorageCapacity", "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity that the driver deployment will report by creating CSIStorageCapacity objects with capacity information, if set to true."),
        c("TokenRequests", "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication."),
        b("RequiresRepublish", "requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume."),
        c("Modes", "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports."),
        AGE,
    ]
}

fn csi_driver_cells(obj: &Value, now: i64) -> Vec<Value> {
    let spec = &obj["spec"];
    let flag = |f: &str, default: bool| json!(spec[f].as_bool().unwrap_or(default));
    let modes: Vec<&str> = items(&spec["volumeLifecycleModes"])
        .filter_map(Value::as_str)
        .collect();
    let modes = modes.join(",");
    // A nil list prints <unset>; an empty one prints nothing.
    let tokens = match spec["tokenRequests"].as_array() {
        Some(list) => list
            .iter()
            .map(|t| s(t, "audience"))
            .collect::<Vec<_>>()
            .join(","),
        None => "<unset>".to_string(),
    };
    vec![
        name(obj),
        flag("attachRequired", true),
        flag("podInfoOnMount", false),
        flag("storageCapacity", false),
        json!(tokens),
        flag("requiresRepublish", false),
        json!(or(&modes, "<none>")),
        age(obj, now),
    ]
}

fn csi_node_columns() -> Vec<Column> {
    vec![
        NAME,
        col(
            "Drivers",
            "integer",
            "Drivers indicates the number of CSI drivers registered on the node",
        ),
        AGE,
    ]
}

fn csi_node_cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![
        name(obj),
        json!(len(&obj["spec"]["drivers"])),
        age(obj, now),
    ]
}

/// Upstream prints no AGE for CSIStorageCapacity.
fn capacity_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("StorageClassName", "storageClassName represents the name of the StorageClass that the reported capacity applies to."),
        c("Capacity", "capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest with topology and parameters that match the previous fields."),
    ]
}

fn capacity_cells(obj: &Value, _now: i64) -> Vec<Value> {
    let capacity = match &obj["capacity"] {
        Value::Null => "<unset>".to_string(),
        q => quantity(q),
    };
    vec![
        name(obj),
        json!(s(obj, "storageClassName")),
        json!(capacity),
    ]
}

fn attachment_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c(
            "Attacher",
            "attacher indicates the name of the volume driver that MUST handle this request.",
        )
        .with_format("name"),
        c(
            "PV",
            "persistentVolumeName represents the name of the persistent volume to attach.",
        ),
        c(
            "Node",
            "nodeName represents the node that the volume should be attached to.",
        ),
        col(
            "Attached",
            "boolean",
            "attached indicates the volume is successfully attached.",
        ),
        AGE,
    ]
}

fn attachment_cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![
        name(obj),
        json!(s(obj, "spec.attacher")),
        json!(s(obj, "spec.source.persistentVolumeName")),
        json!(s(obj, "spec.nodeName")),
        json!(obj["status"]["attached"].as_bool().unwrap_or(false)),
        age(obj, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csi_storage_capacity_class_and_capacity() {
        let cap =
            json!({"metadata": {"name": "c1"}, "storageClassName": "fast", "capacity": "10Gi"});
        assert_eq!(
            capacity_cells(&cap, 0),
            [json!("c1"), json!("fast"), json!("10Gi")]
        );
        let unset = json!({"metadata": {"name": "c2"}, "storageClassName": "slow"});
        assert_eq!(capacity_cells(&unset, 0)[2], json!("<unset>"));
        let names: Vec<&str> = capacity_columns().iter().map(|c| c.name).collect();
        assert_eq!(names, ["Name", "StorageClassName", "Capacity"]);
    }

    #[test]
    fn csi_driver_defaults() {
        let d = json!({"metadata": {"name": "d"}, "spec": {}});
        assert_eq!(
            csi_driver_cells(&d, 0)[..7],
            [
                json!("d"),
                json!(true),
                json!(false),
                json!(false),
                json!("<unset>"),
                json!(false),
                json!("<none>")
            ]
        );
        let d = json!({"spec": {"attachRequired": false, "tokenRequests": [{"audience": "a"}, {"audience": "b"}],
            "volumeLifecycleModes": ["Persistent", "Ephemeral"]}});
        let row = csi_driver_cells(&d, 0);
        assert_eq!(
            (row[1].clone(), row[4].clone(), row[6].clone()),
            (json!(false), json!("a,b"), json!("Persistent,Ephemeral"))
        );
        let empty = json!({"spec": {"tokenRequests": []}});
        assert_eq!(csi_driver_cells(&empty, 0)[4], json!(""));
    }

    #[test]
    fn storage_class_default_marker() {
        let sc = json!({"metadata": {"name": "fast",
            "annotations": {"storageclass.beta.kubernetes.io/is-default-class": "true"}},
            "provisioner": "p", "reclaimPolicy": "Retain", "allowVolumeExpansion": true});
        assert_eq!(
            storage_class_cells(&sc, 0)[..5],
            [
                json!("fast (default)"),
                json!("p"),
                json!("Retain"),
                json!("Immediate"),
                json!(true)
            ]
        );
    }
}
