//! Object metadata validation: upstream's `ValidateObjectMeta` family
//! (`k8s.io/apimachinery/pkg/api/validation` and `pkg/apis/meta/v1/validation`).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use serde_json::Value;

use super::field::{FieldError, FieldPath};
use super::formats::{is_qualified_name, is_valid_label_value};
use super::gofmt::go_sharp_v;
use super::names::{validate_namespace_name, ValidateNameFn};

/// Largest total size (keys plus values, in bytes) of an object's annotations.
pub const TOTAL_ANNOTATION_SIZE_LIMIT_B: usize = 256 * 1024;

/// Upstream's message for a decremented or negative integer that must not be.
pub const IS_NEGATIVE_ERROR_MSG: &str = "must be greater than or equal to 0";

/// Upstream's message for a changed immutable field.
pub const FIELD_IMMUTABLE_ERROR_MSG: &str = "field is immutable";

const FINALIZER_ORPHAN_DEPENDENTS: &str = "orphan";
const FINALIZER_DELETE_DEPENDENTS: &str = "foregroundDeletion";

/// A label key must be a qualified name.
pub fn validate_label_name(name: &str, path: &FieldPath) -> Vec<FieldError> {
    is_qualified_name(name)
        .into_iter()
        .map(|msg| FieldError::invalid(path, name, msg))
        .collect()
}

/// Every label key is a qualified name and every value a valid label value; errors are
/// reported on `path` itself, as upstream does.
pub fn validate_labels(labels: &BTreeMap<String, String>, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (k, v) in labels {
        errs.extend(validate_label_name(k, path));
        for msg in is_valid_label_value(v) {
            errs.push(FieldError::invalid(path, v.as_str(), msg));
        }
    }
    errs
}

/// Annotation keys are qualified names (case-insensitively) and all annotations together
/// stay within [`TOTAL_ANNOTATION_SIZE_LIMIT_B`].
pub fn validate_annotations(
    annotations: &BTreeMap<String, String>,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for k in annotations.keys() {
        for msg in is_qualified_name(&k.to_lowercase()) {
            errs.push(FieldError::invalid(path, k.as_str(), msg));
        }
    }
    if validate_annotations_size(annotations).is_err() {
        errs.push(FieldError::too_long(
            path,
            "",
            TOTAL_ANNOTATION_SIZE_LIMIT_B as i64,
        ));
    }
    errs
}

/// The total annotation size check alone, with upstream's error text.
pub fn validate_annotations_size(annotations: &BTreeMap<String, String>) -> Result<(), String> {
    let total: usize = annotations.iter().map(|(k, v)| k.len() + v.len()).sum();
    if total > TOTAL_ANNOTATION_SIZE_LIMIT_B {
        Err(format!(
            "annotations size {total} is larger than limit {TOTAL_ANNOTATION_SIZE_LIMIT_B}"
        ))
    } else {
        Ok(())
    }
}

/// A finalizer name must be a qualified name.
pub fn validate_finalizer_name(name: &str, path: &FieldPath) -> Vec<FieldError> {
    is_qualified_name(name)
        .into_iter()
        .map(|msg| FieldError::invalid(path, name, msg))
        .collect()
}

/// All finalizer names are valid and `orphan` and `foregroundDeletion` are not both set.
pub fn validate_finalizers(finalizers: &[String], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for f in finalizers {
        errs.extend(validate_finalizer_name(f, path));
    }
    let has = |name: &str| finalizers.iter().any(|f| f == name);
    if has(FINALIZER_ORPHAN_DEPENDENTS) && has(FINALIZER_DELETE_DEPENDENTS) {
        errs.push(FieldError::invalid(
            path,
            finalizers.to_vec(),
            format!(
                "finalizer {FINALIZER_ORPHAN_DEPENDENTS} and {FINALIZER_DELETE_DEPENDENTS} cannot be both set"
            ),
        ));
    }
    errs
}

/// Splits an `apiVersion` like upstream's `FromAPIVersionAndKind` (group, version); an
/// unparsable one yields empty group and version.
fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.matches('/').count() {
        0 => ("", api_version),
        1 => api_version.split_once('/').unwrap_or(("", "")),
        _ => ("", ""),
    }
}

fn owner_reference_value(r: &OwnerReference) -> Value {
    serde_json::to_value(r).unwrap_or(Value::Null)
}

fn validate_owner_reference(r: &OwnerReference, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let (group, version) = split_api_version(&r.api_version);
    if version.is_empty() {
        errs.push(FieldError::invalid(
            &path.child("apiVersion"),
            r.api_version.as_str(),
            "version must not be empty",
        ));
    }
    if r.kind.is_empty() {
        errs.push(FieldError::invalid(
            &path.child("kind"),
            r.kind.as_str(),
            "kind must not be empty",
        ));
    }
    if r.name.is_empty() {
        errs.push(FieldError::invalid(
            &path.child("name"),
            r.name.as_str(),
            "name must not be empty",
        ));
    }
    if r.uid.is_empty() {
        errs.push(FieldError::invalid(
            &path.child("uid"),
            r.uid.as_str(),
            "uid must not be empty",
        ));
    }
    // Events may not own anything (upstream's BannedOwners).
    if group.is_empty() && version == "v1" && r.kind == "Event" {
        errs.push(FieldError::invalid(
            path,
            owner_reference_value(r),
            format!(
                "{group}/{version}, Kind={} is disallowed from being an owner",
                r.kind
            ),
        ));
    }
    errs
}

/// Each owner reference is complete, and at most one is the controller.
pub fn validate_owner_references(refs: &[OwnerReference], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut first_controller: Option<String> = None;
    for r in refs {
        errs.extend(validate_owner_reference(r, path));
        if r.controller == Some(true) {
            let current = format!("{}/{}", r.kind, r.name);
            match &first_controller {
                Some(first) => errs.push(FieldError::invalid(
                    path,
                    Value::Array(refs.iter().map(owner_reference_value).collect()),
                    format!(
                        "Only one reference can have Controller set to true. Found \"true\" in references for {first} and {current}"
                    ),
                )),
                None => first_controller = Some(current),
            }
        }
    }
    errs
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

/// The name, generateName and namespace checks of upstream's `ValidateObjectMeta`.
///
/// `requires_namespace` is true for namespaced resources; cluster-scoped objects may not
/// carry a namespace.
pub fn validate_object_meta_name(
    meta: &ObjectMeta,
    requires_namespace: bool,
    name_fn: ValidateNameFn,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(generate_name) = non_empty(&meta.generate_name) {
        for msg in name_fn(generate_name, true) {
            errs.push(FieldError::invalid(
                &path.child("generateName"),
                generate_name,
                msg,
            ));
        }
    }
    match non_empty(&meta.name) {
        None => errs.push(FieldError::required(
            &path.child("name"),
            "name or generateName is required",
        )),
        Some(name) => {
            for msg in name_fn(name, false) {
                errs.push(FieldError::invalid(&path.child("name"), name, msg));
            }
        }
    }
    let namespace = non_empty(&meta.namespace);
    if requires_namespace {
        match namespace {
            None => errs.push(FieldError::required(&path.child("namespace"), "")),
            Some(ns) => {
                for msg in validate_namespace_name(ns, false) {
                    errs.push(FieldError::invalid(&path.child("namespace"), ns, msg));
                }
            }
        }
    } else if namespace.is_some() {
        errs.push(FieldError::forbidden(
            &path.child("namespace"),
            "not allowed on this type",
        ));
    }
    errs
}

/// Upstream's `ValidateObjectMeta` for a create (after name generation): names, namespace,
/// generation, labels, annotations, owner references and finalizers. Managed fields are
/// not checked here.
pub fn validate_object_meta(
    meta: &ObjectMeta,
    requires_namespace: bool,
    name_fn: ValidateNameFn,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = validate_object_meta_name(meta, requires_namespace, name_fn, path);
    errs.extend(validate_nonnegative_field(
        meta.generation.unwrap_or(0),
        &path.child("generation"),
    ));
    errs.extend(validate_common_meta(meta, path));
    errs.extend(validate_finalizers(
        meta.finalizers.as_deref().unwrap_or_default(),
        &path.child("finalizers"),
    ));
    errs
}

/// Labels, annotations and owner references: checked on create and update alike.
fn validate_common_meta(meta: &ObjectMeta, path: &FieldPath) -> Vec<FieldError> {
    let empty = BTreeMap::new();
    let mut errs = validate_labels(
        meta.labels.as_ref().unwrap_or(&empty),
        &path.child("labels"),
    );
    errs.extend(validate_annotations(
        meta.annotations.as_ref().unwrap_or(&empty),
        &path.child("annotations"),
    ));
    errs.extend(validate_owner_references(
        meta.owner_references.as_deref().unwrap_or_default(),
        &path.child("ownerReferences"),
    ));
    errs
}

/// Upstream's `ValidateNonnegativeField`.
pub fn validate_nonnegative_field(value: i64, path: &FieldPath) -> Vec<FieldError> {
    if value < 0 {
        vec![FieldError::invalid(path, value, IS_NEGATIVE_ERROR_MSG)]
    } else {
        Vec::new()
    }
}

/// Upstream's `ValidateImmutableField`: the new value must equal the old one. The bad
/// value is the new value's JSON form.
pub fn validate_immutable_field<T: PartialEq + serde::Serialize>(
    new: &T,
    old: &T,
    path: &FieldPath,
) -> Vec<FieldError> {
    immutable(new, old, path).into_iter().collect()
}

fn immutable<T: PartialEq + serde::Serialize>(
    new: &T,
    old: &T,
    path: &FieldPath,
) -> Option<FieldError> {
    (new != old).then(|| {
        let value = serde_json::to_value(new).unwrap_or(Value::Null);
        FieldError::invalid(path, value, FIELD_IMMUTABLE_ERROR_MSG)
    })
}

/// Upstream's `ValidateObjectMetaUpdate`: resourceVersion present, generation not
/// decremented, identity fields unchanged, no new finalizers once deletion started.
pub fn validate_object_meta_update(
    new: &ObjectMeta,
    old: &ObjectMeta,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if old.deletion_timestamp.is_some() {
        let old_set: BTreeSet<&String> = old.finalizers.iter().flatten().collect();
        let extra: BTreeSet<&String> = new
            .finalizers
            .iter()
            .flatten()
            .filter(|f| !old_set.contains(f))
            .collect();
        if !extra.is_empty() {
            let list = Value::Array(extra.iter().map(|f| Value::from(f.as_str())).collect());
            errs.push(FieldError::forbidden(
                &path.child("finalizers"),
                format!(
                    "no new finalizers can be added if the object is being deleted, found new finalizers {}",
                    go_sharp_v(&list)
                ),
            ));
        }
    }
    if non_empty(&new.resource_version).is_none() {
        errs.push(FieldError::invalid(
            &path.child("resourceVersion"),
            new.resource_version.clone().unwrap_or_default(),
            "must be specified for an update",
        ));
    }
    let (new_gen, old_gen) = (new.generation.unwrap_or(0), old.generation.unwrap_or(0));
    if new_gen < old_gen {
        errs.push(FieldError::invalid(
            &path.child("generation"),
            new_gen,
            "must not be decremented",
        ));
    }
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    errs.extend(immutable(
        &text(&new.name),
        &text(&old.name),
        &path.child("name"),
    ));
    errs.extend(immutable(
        &text(&new.namespace),
        &text(&old.namespace),
        &path.child("namespace"),
    ));
    errs.extend(immutable(
        &text(&new.uid),
        &text(&old.uid),
        &path.child("uid"),
    ));
    errs.extend(immutable(
        &new.creation_timestamp,
        &old.creation_timestamp,
        &path.child("creationTimestamp"),
    ));
    errs.extend(immutable(
        &new.deletion_timestamp,
        &old.deletion_timestamp,
        &path.child("deletionTimestamp"),
    ));
    errs.extend(immutable(
        &new.deletion_grace_period_seconds,
        &old.deletion_grace_period_seconds,
        &path.child("deletionGracePeriodSeconds"),
    ));
    errs.extend(validate_common_meta(new, path));
    errs
}
