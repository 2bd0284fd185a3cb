//! `spec.volumes` (upstream's `ValidateVolumes`/`validateVolumeSource`): names unique DNS
//! labels, exactly one source, and the required fields of the common sources.

use std::collections::{BTreeMap, BTreeSet};

use api_types::quantity::Quantity;
use api_types::validation::{is_dns1123_label, FieldError, FieldPath};
use serde_json::Value;

use super::env::{object_field_selector, resource_field_selector, VOLUME_FIELD_PATHS};
use super::util::{
    arr, each, int, local_descending_path, local_non_reserved_path, no_backsteps, s, set,
};

const FILE_MODE_MSG: &str = "must be a number between 0 and 0777 (octal), both inclusive";

/// Every volume source, in upstream's checking order.
const SOURCES: [&str; 29] = [
    "emptyDir",
    "hostPath",
    "gitRepo",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "flocker",
    "persistentVolumeClaim",
    "rbd",
    "cinder",
    "cephfs",
    "quobyte",
    "downwardAPI",
    "fc",
    "flexVolume",
    "configMap",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "storageos",
    "projected",
    "scaleIO",
    "csi",
    "ephemeral",
];

/// Upstream names a few source paths differently from the JSON field.
fn error_child(source: &str) -> &str {
    match source {
        "cephfs" => "cephFS",
        "downwardAPI" => "downwarAPI",
        other => other,
    }
}

fn mode(v: &Value, key: &str, path: &FieldPath) -> Vec<FieldError> {
    match int(v, key) {
        Some(m) if !(0..=0o777).contains(&m) => {
            vec![FieldError::invalid(&path.child(key), m, FILE_MODE_MSG)]
        }
        _ => Vec::new(),
    }
}

fn key_to_path(kp: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if s(kp, "key").is_empty() {
        errs.push(FieldError::required(&path.child("key"), ""));
    }
    let p = s(kp, "path");
    if p.is_empty() {
        errs.push(FieldError::required(&path.child("path"), ""));
    }
    errs.extend(local_non_reserved_path(p, &path.child("path")));
    errs.extend(mode(kp, "mode", path));
    errs
}

fn items(v: &Value, path: &FieldPath) -> Vec<FieldError> {
    arr(v, "items")
        .iter()
        .enumerate()
        .flat_map(|(i, kp)| key_to_path(kp, &path.child("items").index(i)))
        .collect()
}

fn downward_file(file: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let p = s(file, "path");
    if p.is_empty() {
        errs.push(FieldError::required(&path.child("path"), ""));
    }
    errs.extend(local_non_reserved_path(p, &path.child("path")));
    if set(file, "fieldRef") {
        errs.extend(object_field_selector(
            &file["fieldRef"],
            &VOLUME_FIELD_PATHS,
            &path.child("fieldRef"),
        ));
        if set(file, "resourceFieldRef") {
            errs.push(FieldError::invalid(
                path,
                "resource",
                "fieldRef and resourceFieldRef can not be specified simultaneously",
            ));
        }
    } else if set(file, "resourceFieldRef") {
        errs.extend(resource_field_selector(
            &file["resourceFieldRef"],
            true,
            &path.child("resourceFieldRef"),
        ));
    } else {
        errs.push(FieldError::required(
            path,
            "one of fieldRef and resourceFieldRef is required",
        ));
    }
    errs.extend(mode(file, "mode", path));
    errs
}

fn projected(v: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = mode(v, "defaultMode", path);
    let mut paths = BTreeSet::new();
    let mut note_path = |p: &str, name: &str, errs: &mut Vec<FieldError>| {
        if !p.is_empty() && !paths.insert(p.to_string()) {
            errs.push(FieldError::invalid(
                path,
                name,
                "conflicting duplicate paths",
            ));
        }
    };
    for (i, src) in arr(v, "sources").iter().enumerate() {
        let at = path.child("sources").index(i);
        let mut count = 0;
        for kind in ["secret", "configMap"] {
            if !set(src, kind) {
                continue;
            }
            count += 1;
            let sv = &src[kind];
            if s(sv, "name").is_empty() {
                errs.push(FieldError::required(&at.child(kind).child("name"), ""));
            }
            for (j, kp) in arr(sv, "items").iter().enumerate() {
                errs.extend(key_to_path(kp, &at.child(kind).child("items").index(j)));
                note_path(s(kp, "path"), s(sv, "name"), &mut errs);
            }
        }
        if set(src, "downwardAPI") {
            count += 1;
            for file in arr(&src["downwardAPI"], "items") {
                errs.extend(downward_file(file, &at.child("downwardAPI")));
                let p = s(file, "path");
                note_path(p, p, &mut errs);
            }
        }
        if set(src, "serviceAccountToken") {
            count += 1;
            let sat = &src["serviceAccountToken"];
            let exp_path = at.child("serviceAccountToken").child("expirationSeconds");
            let exp = int(sat, "expirationSeconds").unwrap_or(0);
            if exp < 600 {
                errs.push(FieldError::invalid(
                    &exp_path,
                    exp,
                    "may not specify a duration less than 10 minutes",
                ));
            }
            if exp > 1 << 32 {
                errs.push(FieldError::invalid(
                    &exp_path,
                    exp,
                    "may not specify a duration larger than 2^32 seconds",
                ));
            }
            let p = s(sat, "path");
            if p.is_empty() {
                errs.push(FieldError::required(&path.child("path"), ""));
            } else {
                errs.extend(local_non_reserved_path(p, &path.child("path")));
            }
        }
        if set(src, "clusterTrustBundle") {
            count += 1;
            let ctb = &src["clusterTrustBundle"];
            let p = s(ctb, "path");
            let ctb_path = at.child("clusterTrustBundle");
            if p.is_empty() {
                errs.push(FieldError::required(&ctb_path.child("path"), ""));
            }
            errs.extend(local_non_reserved_path(p, &ctb_path.child("path")));
            note_path(p, p, &mut errs);
        }
        if count > 1 {
            errs.push(FieldError::forbidden(
                &at,
                "may not specify more than 1 volume type per source",
            ));
        }
    }
    errs
}

/// The checks of one volume source; `path` is the source's own path.
fn source_checks(kind: &str, v: &Value, path: &FieldPath) -> Vec<FieldError> {
    let required = |field: &str| -> Vec<FieldError> {
        if s(v, field).is_empty() {
            vec![FieldError::required(&path.child(field), "")]
        } else {
            Vec::new()
        }
    };
    match kind {
        "emptyDir" => {
            let negative = v
                .get("sizeLimit")
                .filter(|l| !l.is_null())
                .and_then(|l| match l {
                    Value::String(t) => Quantity::parse(t).ok(),
                    Value::Number(n) => Quantity::parse(&n.to_string()).ok(),
                    _ => None,
                })
                .is_some_and(|q| q.sign() < 0);
            if negative {
                vec![FieldError::forbidden(
                    &path.child("sizeLimit"),
                    "SizeLimit field must be a valid resource quantity",
                )]
            } else {
                Vec::new()
            }
        }
        "hostPath" => {
            let p = s(v, "path");
            if p.is_empty() {
                return vec![FieldError::required(&path.child("path"), "")];
            }
            let mut errs = no_backsteps(p, &path.child("path"));
            let types = [
                "",
                "BlockDevice",
                "CharDevice",
                "Directory",
                "DirectoryOrCreate",
                "File",
                "FileOrCreate",
                "Socket",
            ];
            if set(v, "type") && !types.contains(&s(v, "type")) {
                errs.push(FieldError::not_supported(
                    &path.child("type"),
                    s(v, "type"),
                    &types,
                ));
            }
            errs
        }
        "gitRepo" => {
            let mut errs = required("repository");
            errs.extend(local_descending_path(
                s(v, "directory"),
                &path.child("directory"),
            ));
            errs
        }
        "secret" => {
            let mut errs = required("secretName");
            errs.extend(mode(v, "defaultMode", path));
            errs.extend(items(v, path));
            errs
        }
        "configMap" => {
            let mut errs = required("name");
            errs.extend(mode(v, "defaultMode", path));
            errs.extend(items(v, path));
            errs
        }
        "persistentVolumeClaim" => required("claimName"),
        "nfs" => {
            let mut errs = required("server");
            errs.extend(required("path"));
            if !s(v, "path").starts_with('/') {
                errs.push(FieldError::invalid(
                    &path.child("path"),
                    s(v, "path"),
                    "must be an absolute path",
                ));
            }
            errs
        }
        "downwardAPI" => {
            let mut errs = mode(v, "defaultMode", path);
            for file in arr(v, "items") {
                errs.extend(downward_file(file, path));
            }
            errs
        }
        "projected" => projected(v, path),
        "csi" => required("driver"),
        "iscsi" => {
            let mut errs = required("targetPortal");
            errs.extend(required("iqn"));
            errs
        }
        "rbd" => {
            let mut errs = if arr(v, "monitors").is_empty() {
                vec![FieldError::required(&path.child("monitors"), "")]
            } else {
                Vec::new()
            };
            errs.extend(required("image"));
            errs
        }
        "cephfs" if arr(v, "monitors").is_empty() => {
            vec![FieldError::required(&path.child("monitors"), "")]
        }
        "glusterfs" => {
            let mut errs = required("endpoints");
            errs.extend(required("path"));
            errs
        }
        "azureFile" => {
            let mut errs = required("secretName");
            errs.extend(required("shareName"));
            errs
        }
        "flexVolume" => required("driver"),
        "gcePersistentDisk" => required("pdName"),
        "awsElasticBlockStore" | "cinder" => required("volumeID"),
        _ => Vec::new(),
    }
}

/// `spec.volumes`; returns the valid volumes by name, which mounts may reference.
pub fn validate_volumes<'a>(
    volumes: &'a [Value],
    path: &FieldPath,
) -> (BTreeMap<String, &'a Value>, Vec<FieldError>) {
    let mut valid = BTreeMap::new();
    let mut errs = Vec::new();
    let mut names = BTreeSet::new();
    for (i, vol) in volumes.iter().enumerate() {
        let at = path.index(i);
        let mut el = Vec::new();
        let mut count = 0;
        for kind in SOURCES {
            if !set(vol, kind) {
                continue;
            }
            if count > 0 {
                el.push(FieldError::forbidden(
                    &at.child(error_child(kind)),
                    "may not specify more than 1 volume type",
                ));
                continue;
            }
            count += 1;
            el.extend(source_checks(kind, &vol[kind], &at.child(kind)));
        }
        if count == 0 {
            el.push(FieldError::required(&at, "must specify a volume type"));
        }
        let name = s(vol, "name");
        let name_path = at.child("name");
        if name.is_empty() {
            el.push(FieldError::required(&name_path, ""));
        } else {
            el.extend(each(name, is_dns1123_label(name), &name_path));
        }
        if names.contains(name) {
            el.push(FieldError::duplicate(&name_path, name));
        }
        if el.is_empty() {
            names.insert(name);
            valid.insert(name.to_string(), vol);
        } else {
            errs.extend(el);
        }
    }
    (valid, errs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn volume_rules() {
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (
                json!([{"name": "a", "emptyDir": {}}, {"name": "b", "configMap": {"name": "cm"}},
                       {"name": "c", "secret": {"secretName": "s", "defaultMode": 420}},
                       {"name": "d", "persistentVolumeClaim": {"claimName": "pvc"}},
                       {"name": "e", "hostPath": {"path": "/var/log", "type": "Directory"}},
                       {"name": "f", "projected": {"sources": [{"configMap": {"name": "x"}}]}},
                       {"name": "g", "downwardAPI": {"items": [{"path": "labels", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.labels"}}]}}]),
                vec![],
            ),
            (json!([{"name": "a"}]), vec!["v[0]: Required value: must specify a volume type"]),
            (
                json!([{"name": "a", "emptyDir": {}, "hostPath": {"path": "/x"}}]),
                vec!["v[0].hostPath: Forbidden: may not specify more than 1 volume type"],
            ),
            (
                json!([{"name": "a", "emptyDir": {}}, {"name": "a", "emptyDir": {}}]),
                vec!["v[1].name: Duplicate value: \"a\""],
            ),
            (
                json!([{"name": "A_b", "emptyDir": {}}]),
                vec!["v[0].name: Invalid value: \"A_b\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"],
            ),
            (json!([{"emptyDir": {}}]), vec!["v[0].name: Required value"]),
            (json!([{"name": "a", "configMap": {}}]), vec!["v[0].configMap.name: Required value"]),
            (json!([{"name": "a", "secret": {}}]), vec!["v[0].secret.secretName: Required value"]),
            (
                json!([{"name": "a", "secret": {"secretName": "s", "defaultMode": 1000}}]),
                vec!["v[0].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive"],
            ),
            (
                json!([{"name": "a", "configMap": {"name": "c", "items": [{"key": "k", "path": "../x"}]}}]),
                vec!["v[0].configMap.items[0].path: Invalid value: \"../x\": must not contain '..'"],
            ),
            (json!([{"name": "a", "hostPath": {}}]), vec!["v[0].hostPath.path: Required value"]),
            (
                json!([{"name": "a", "hostPath": {"path": "/x", "type": "Dir"}}]),
                vec!["v[0].hostPath.type: Unsupported value: \"Dir\": supported values: \"\", \"BlockDevice\", \"CharDevice\", \"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\""],
            ),
            (
                json!([{"name": "a", "persistentVolumeClaim": {}}]),
                vec!["v[0].persistentVolumeClaim.claimName: Required value"],
            ),
            (
                json!([{"name": "a", "projected": {"sources": [{"serviceAccountToken": {"path": "t", "expirationSeconds": 60}}]}}]),
                vec!["v[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes"],
            ),
            (
                json!([{"name": "a", "downwardAPI": {"items": [{"path": "x"}]}}]),
                vec!["v[0].downwardAPI: Required value: one of fieldRef and resourceFieldRef is required"],
            ),
        ];
        for (vols, want) in cases {
            let list = vols.as_array().cloned().unwrap_or_default();
            let (_, errs) = validate_volumes(&list, &FieldPath::new("v"));
            let got: Vec<String> = errs.iter().map(ToString::to_string).collect();
            assert_eq!(got, want, "{vols}");
        }
        let list = vec![
            json!({"name": "ok", "emptyDir": {}}),
            json!({"name": "bad"}),
        ];
        let (valid, _) = validate_volumes(&list, &FieldPath::new("v"));
        assert_eq!(valid.keys().collect::<Vec<_>>(), ["ok"]);
    }
}
