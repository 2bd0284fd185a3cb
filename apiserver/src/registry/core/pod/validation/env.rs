//! A container's `env` and `envFrom` (upstream's `ValidateEnv`, `validateEnvVarValueFrom`,
//! `ValidateEnvFrom`), with the relaxed variable-name rule that is on by default in v1.33.

use api_types::validation::{
    is_config_map_key, is_qualified_name, is_relaxed_env_var_name, name_is_dns_subdomain,
    FieldError, FieldPath,
};
use serde_json::Value;

use super::util::{arr, each, s, set};

/// Fields an env var may take from the pod with `fieldRef`.
const ENV_FIELD_PATHS: [&str; 9] = [
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// Fields a downwardAPI volume file may take with `fieldRef`.
pub const VOLUME_FIELD_PATHS: [&str; 5] = [
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
];

/// Resources `resourceFieldRef` may name (besides `requests.hugepages-*`/`limits.hugepages-*`).
const RESOURCE_FIELD_PATHS: [&str; 6] = [
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
];

/// Every label the v1 downward API converts (upstream's `ConvertDownwardAPIFieldLabel`).
const DOWNWARD_LABELS: [&str; 14] = [
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.serviceAccountName",
    "spec.schedulerName",
    "status.phase",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// `env`: names required and valid, each `valueFrom` with exactly one source.
pub fn validate_env(env: &[Value], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, ev) in env.iter().enumerate() {
        let at = path.index(i);
        let name = s(ev, "name");
        if name.is_empty() {
            errs.push(FieldError::required(&at.child("name"), ""));
        } else {
            errs.extend(each(name, is_relaxed_env_var_name(name), &at.child("name")));
        }
        if set(ev, "valueFrom") {
            errs.extend(value_from(ev, &at.child("valueFrom")));
        }
    }
    errs
}

fn value_from(ev: &Value, path: &FieldPath) -> Vec<FieldError> {
    let from = &ev["valueFrom"];
    let mut errs = Vec::new();
    let mut sources = 0;
    if set(from, "fieldRef") {
        sources += 1;
        errs.extend(object_field_selector(
            &from["fieldRef"],
            &ENV_FIELD_PATHS,
            &path.child("fieldRef"),
        ));
    }
    if set(from, "resourceFieldRef") {
        sources += 1;
        errs.extend(resource_field_selector(
            &from["resourceFieldRef"],
            false,
            &path.child("resourceFieldRef"),
        ));
    }
    for key in ["configMapKeyRef", "secretKeyRef"] {
        if set(from, key) {
            sources += 1;
            errs.extend(key_selector(&from[key], &path.child(key)));
        }
    }
    if sources == 0 {
        errs.push(FieldError::invalid(
            path,
            "",
            "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
        ));
    } else if !s(ev, "value").is_empty() {
        errs.push(FieldError::invalid(
            path,
            "",
            "may not be specified when `value` is not empty",
        ));
    } else if sources > 1 {
        errs.push(FieldError::invalid(
            path,
            "",
            "may not have more than one field specified at a time",
        ));
    }
    errs
}

/// A `fieldRef` (env or downwardAPI volume): apiVersion and fieldPath set, a known label.
pub fn object_field_selector(fs: &Value, allowed: &[&str], path: &FieldPath) -> Vec<FieldError> {
    let version = s(fs, "apiVersion");
    if version.is_empty() {
        return vec![FieldError::required(&path.child("apiVersion"), "")];
    }
    let field_path = s(fs, "fieldPath");
    if field_path.is_empty() {
        return vec![FieldError::required(&path.child("fieldPath"), "")];
    }
    let (base, subscript) = split_subscript(field_path);
    let convert_err = if version != "v1" {
        Some(format!("unsupported pod version: {version}"))
    } else if !DOWNWARD_LABELS.contains(&base)
        || (subscript.is_some() && !matches!(base, "metadata.annotations" | "metadata.labels"))
    {
        Some(format!("field label not supported: {field_path}"))
    } else {
        None
    };
    if let Some(e) = convert_err {
        return vec![FieldError::invalid(
            &path.child("fieldPath"),
            field_path,
            format!("error converting fieldPath: {e}"),
        )];
    }
    match subscript {
        Some(sub) => {
            let key = if base == "metadata.annotations" {
                sub.to_lowercase()
            } else {
                sub.to_string()
            };
            each(&key, is_qualified_name(&key), path)
        }
        None if !allowed.contains(&base) => {
            vec![FieldError::not_supported(
                &path.child("fieldPath"),
                base,
                allowed,
            )]
        }
        None => Vec::new(),
    }
}

/// `metadata.labels['key']` → (`metadata.labels`, `key`).
fn split_subscript(path: &str) -> (&str, Option<&str>) {
    if let Some(rest) = path.strip_suffix("']") {
        if let Some((base, sub)) = rest.split_once("['") {
            return (base, Some(sub));
        }
    }
    (path, None)
}

/// A `resourceFieldRef`: a container name in volumes, a known resource.
pub fn resource_field_selector(fs: &Value, volume: bool, path: &FieldPath) -> Vec<FieldError> {
    let resource = s(fs, "resource");
    if volume && s(fs, "containerName").is_empty() {
        vec![FieldError::required(&path.child("containerName"), "")]
    } else if resource.is_empty() {
        vec![FieldError::required(&path.child("resource"), "")]
    } else if !RESOURCE_FIELD_PATHS.contains(&resource)
        && !resource.starts_with("requests.hugepages-")
        && !resource.starts_with("limits.hugepages-")
    {
        vec![FieldError::not_supported(
            &path.child("resource"),
            resource,
            &RESOURCE_FIELD_PATHS,
        )]
    } else {
        Vec::new()
    }
}

/// `configMapKeyRef`/`secretKeyRef`: an object name and a valid key.
fn key_selector(sel: &Value, path: &FieldPath) -> Vec<FieldError> {
    let name = s(sel, "name");
    let mut errs = each(
        name,
        name_is_dns_subdomain(name, false),
        &path.child("name"),
    );
    let key = s(sel, "key");
    if key.is_empty() {
        errs.push(FieldError::required(&path.child("key"), ""));
    } else {
        errs.extend(each(key, is_config_map_key(key), &path.child("key")));
    }
    errs
}

/// `envFrom`: a valid prefix and exactly one of a ConfigMap or a Secret.
pub fn validate_env_from(env_from: &[Value], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, ev) in env_from.iter().enumerate() {
        let at = path.index(i);
        let prefix = s(ev, "prefix");
        if !prefix.is_empty() {
            errs.extend(each(
                prefix,
                is_relaxed_env_var_name(prefix),
                &at.child("prefix"),
            ));
        }
        let mut sources = 0;
        for key in ["configMapRef", "secretRef"] {
            if set(ev, key) {
                sources += 1;
                let name = s(&ev[key], "name");
                let name_path = at.child(key).child("name");
                if name.is_empty() {
                    errs.push(FieldError::required(&name_path, ""));
                } else {
                    errs.extend(each(name, name_is_dns_subdomain(name, true), &name_path));
                }
            }
        }
        if sources == 0 {
            errs.push(FieldError::invalid(
                path,
                "",
                "must specify one of: `configMapRef` or `secretRef`",
            ));
        } else if sources > 1 {
            errs.push(FieldError::invalid(
                path,
                "",
                "may not have more than one field specified at a time",
            ));
        }
    }
    errs
}

/// The `env` list of a container, for callers holding the container.
pub fn container_env(c: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = validate_env(arr(c, "env"), &path.child("env"));
    errs.extend(validate_env_from(arr(c, "envFrom"), &path.child("envFrom")));
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn msgs(c: Value) -> Vec<String> {
        container_env(&c, &FieldPath::new("c"))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn env_rules() {
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (json!({"env": [{"name": "A", "value": "1"}]}), vec![]),
            (
                json!({"env": [{"name": "A=B"}]}),
                vec!["c.env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='"],
            ),
            (json!({"env": [{"value": "x"}]}), vec!["c.env[0].name: Required value"]),
            (
                json!({"env": [{"name": "A", "valueFrom": {}}]}),
                vec!["c.env[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"],
            ),
            (
                json!({"env": [{"name": "A", "value": "v", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]}),
                vec!["c.env[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty"],
            ),
            (
                json!({"env": [{"name": "A", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}, "configMapKeyRef": {"name": "c", "key": "k"}}}]}),
                vec!["c.env[0].valueFrom: Invalid value: \"\": may not have more than one field specified at a time"],
            ),
            (
                json!({"env": [{"name": "A", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}]}),
                vec![],
            ),
            (
                json!({"env": [{"name": "A", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.phase"}}}]}),
                vec!["c.env[0].valueFrom.fieldRef.fieldPath: Unsupported value: \"status.phase\": supported values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\""],
            ),
            (
                json!({"env": [{"name": "A", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "bogus"}}}]}),
                vec!["c.env[0].valueFrom.fieldRef.fieldPath: Invalid value: \"bogus\": error converting fieldPath: field label not supported: bogus"],
            ),
            (
                json!({"env": [{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]}),
                vec!["c.env[0].valueFrom.fieldRef.apiVersion: Required value"],
            ),
            (
                json!({"env": [{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "c"}}}]}),
                vec!["c.env[0].valueFrom.configMapKeyRef.key: Required value"],
            ),
            (
                json!({"env": [{"name": "A", "valueFrom": {"resourceFieldRef": {"resource": "limits.gpu"}}}]}),
                vec!["c.env[0].valueFrom.resourceFieldRef.resource: Unsupported value: \"limits.gpu\": supported values: \"limits.cpu\", \"limits.ephemeral-storage\", \"limits.memory\", \"requests.cpu\", \"requests.ephemeral-storage\", \"requests.memory\""],
            ),
            (
                json!({"envFrom": [{}]}),
                vec!["c.envFrom: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`"],
            ),
            (
                json!({"envFrom": [{"configMapRef": {"name": "a"}, "secretRef": {"name": "b"}}]}),
                vec!["c.envFrom: Invalid value: \"\": may not have more than one field specified at a time"],
            ),
            (
                json!({"envFrom": [{"configMapRef": {}}]}),
                vec!["c.envFrom[0].configMapRef.name: Required value"],
            ),
        ];
        for (c, want) in cases {
            assert_eq!(msgs(c.clone()), want, "{c}");
        }
    }
}
