//! Containers, init containers and what every container has in common (upstream's
//! `validateContainerCommon`, `validateContainers`, `validateInitContainers`,
//! `validateContainerPorts`, `ValidateVolumeMounts`, `ValidateVolumeDevices`).

use std::collections::{BTreeMap, BTreeSet};

use api_types::validation::{
    is_dns1123_label, is_valid_port_name, is_valid_port_num, FieldError, FieldPath,
};
use serde_json::Value;

use super::env::container_env;
use super::probes::{validate_lifecycle, validate_probes};
use super::resources::validate_resources;
use super::security::container_security_context;
use super::util::{arr, each, int, local_descending_path, no_backsteps, one_of, s, set};

const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];
const PULL_POLICIES: [&str; 3] = ["Always", "IfNotPresent", "Never"];
const RESTART_ALWAYS_ONLY: &str = "may not be set for init containers without restartPolicy=Always";

/// What container checks need from the rest of the pod.
pub struct PodContext<'a> {
    /// Valid volumes by name.
    pub volumes: &'a BTreeMap<String, &'a Value>,
    /// `terminationGracePeriodSeconds`, bounding `sleep` hooks.
    pub grace: Option<i64>,
    /// The pod's `restartPolicy`, for `resizePolicy`.
    pub restart_policy: &'a str,
    /// Whether the pod shares the host's user namespace.
    pub host_users: bool,
}

fn validate_ports(ports: &[Value], path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut names = BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let at = path.index(i);
        let name = s(p, "name");
        if !name.is_empty() {
            let msgs = is_valid_port_name(name);
            if !msgs.is_empty() {
                errs.extend(each(name, msgs, &at.child("name")));
            } else if !names.insert(name) {
                errs.push(FieldError::duplicate(&at.child("name"), name));
            }
        }
        match int(p, "containerPort").unwrap_or(0) {
            0 => errs.push(FieldError::required(&at.child("containerPort"), "")),
            n => errs.extend(
                is_valid_port_num(n)
                    .into_iter()
                    .map(|m| FieldError::invalid(&at.child("containerPort"), n, m)),
            ),
        }
        if let Some(n) = int(p, "hostPort").filter(|n| *n != 0) {
            errs.extend(
                is_valid_port_num(n)
                    .into_iter()
                    .map(|m| FieldError::invalid(&at.child("hostPort"), n, m)),
            );
        }
        let protocol = s(p, "protocol");
        if protocol.is_empty() {
            errs.push(FieldError::required(&at.child("protocol"), ""));
        } else if !PROTOCOLS.contains(&protocol) {
            errs.push(FieldError::not_supported(
                &at.child("protocol"),
                protocol,
                &PROTOCOLS,
            ));
        }
    }
    errs
}

fn validate_mounts(
    c: &Value,
    volumes: &BTreeMap<String, &Value>,
    path: &FieldPath,
) -> Vec<FieldError> {
    let devices: BTreeMap<&str, &str> = arr(c, "volumeDevices")
        .iter()
        .map(|d| (s(d, "name"), s(d, "devicePath")))
        .collect();
    let privileged = c["securityContext"]["privileged"] == true;
    let mut errs = Vec::new();
    let mut mount_points = BTreeSet::new();
    for (i, m) in arr(c, "volumeMounts").iter().enumerate() {
        let at = path.index(i);
        let (name, mount_path) = (s(m, "name"), s(m, "mountPath"));
        if name.is_empty() {
            errs.push(FieldError::required(&at.child("name"), ""));
        }
        if !volumes.contains_key(name) {
            errs.push(FieldError::not_found(&at.child("name"), name));
        }
        if mount_path.is_empty() {
            errs.push(FieldError::required(&at.child("mountPath"), ""));
        }
        if !mount_points.insert(mount_path) {
            errs.push(FieldError::invalid(
                &at.child("mountPath"),
                mount_path,
                "must be unique",
            ));
        }
        if devices.contains_key(name) {
            errs.push(FieldError::invalid(
                &at.child("name"),
                name,
                "must not already exist in volumeDevices",
            ));
        }
        if devices.values().any(|p| *p == mount_path) {
            errs.push(FieldError::invalid(
                &at.child("mountPath"),
                mount_path,
                "must not already exist as a path in volumeDevices",
            ));
        }
        let (sub, sub_expr) = (s(m, "subPath"), s(m, "subPathExpr"));
        if !sub.is_empty() {
            errs.extend(local_descending_path(sub, &path.child("subPath")));
        }
        if !sub_expr.is_empty() {
            if !sub.is_empty() {
                errs.push(FieldError::invalid(
                    &at.child("subPathExpr"),
                    sub_expr,
                    "subPathExpr and subPath are mutually exclusive",
                ));
            }
            errs.extend(local_descending_path(sub_expr, &path.child("subPathExpr")));
        }
        let propagation = s(m, "mountPropagation");
        if set(m, "mountPropagation") {
            let supported = ["Bidirectional", "HostToContainer", "None"];
            let prop_path = path.child("mountPropagation");
            if !supported.contains(&propagation) {
                errs.push(FieldError::not_supported(
                    &prop_path,
                    propagation,
                    &supported,
                ));
            }
            if propagation == "Bidirectional" && !privileged {
                errs.push(FieldError::forbidden(
                    &prop_path,
                    "Bidirectional mount propagation is available only to privileged containers",
                ));
            }
        }
        if set(m, "recursiveReadOnly") {
            let rro = s(m, "recursiveReadOnly");
            let rro_path = path.child("recursiveReadOnly");
            match rro {
                "Disabled" => {}
                "Enabled" | "IfPossible" => {
                    if m["readOnly"] != true {
                        errs.push(FieldError::forbidden(
                            &rro_path,
                            "may only be specified when readOnly is true",
                        ));
                    }
                    if !propagation.is_empty() && propagation != "None" {
                        errs.push(FieldError::forbidden(
                            &rro_path,
                            "may only be specified when mountPropagation is None or not specified",
                        ));
                    }
                }
                other => errs.push(FieldError::not_supported(
                    &rro_path,
                    other,
                    &["Disabled", "Enabled", "IfPossible"],
                )),
            }
        }
    }
    errs
}

fn validate_devices(
    c: &Value,
    volumes: &BTreeMap<String, &Value>,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mounts: BTreeMap<&str, &str> = arr(c, "volumeMounts")
        .iter()
        .map(|m| (s(m, "name"), s(m, "mountPath")))
        .collect();
    let mut errs = Vec::new();
    let mut names = BTreeSet::new();
    let mut paths = BTreeSet::new();
    for (i, d) in arr(c, "volumeDevices").iter().enumerate() {
        let at = path.index(i);
        let (name, dev_path) = (s(d, "name"), s(d, "devicePath"));
        if name.is_empty() {
            errs.push(FieldError::required(&at.child("name"), ""));
        }
        if names.contains(name) {
            errs.push(FieldError::invalid(
                &at.child("name"),
                name,
                "must be unique",
            ));
        }
        match volumes.get(name) {
            Some(v) if !set(v, "persistentVolumeClaim") && !set(v, "ephemeral") => {
                errs.push(FieldError::invalid(
                    &at.child("name"),
                    name,
                    "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
                ));
            }
            Some(_) => {}
            None => errs.push(FieldError::not_found(&at.child("name"), name)),
        }
        if dev_path.is_empty() {
            errs.push(FieldError::required(&at.child("devicePath"), ""));
        }
        if paths.contains(dev_path) {
            errs.push(FieldError::invalid(
                &at.child("devicePath"),
                dev_path,
                "must be unique",
            ));
        }
        if !dev_path.is_empty() && !no_backsteps(dev_path, &at).is_empty() {
            errs.push(FieldError::invalid(
                &at.child("devicePath"),
                dev_path,
                "can not contain backsteps ('..')",
            ));
        } else {
            paths.insert(dev_path);
        }
        if mounts.contains_key(name) {
            errs.push(FieldError::invalid(
                &at.child("name"),
                name,
                "must not already exist in volumeMounts",
            ));
        }
        if mounts.values().any(|p| *p == dev_path) {
            errs.push(FieldError::invalid(
                &at.child("devicePath"),
                dev_path,
                "must not already exist as a path in volumeMounts",
            ));
        }
        if !name.is_empty() {
            names.insert(name);
        }
    }
    errs
}

/// Upstream's `validateContainerCommon`: checks shared by every kind of container.
pub fn container_common(c: &Value, ctx: &PodContext, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = s(c, "name");
    if name.is_empty() {
        errs.push(FieldError::required(&path.child("name"), ""));
    } else {
        errs.extend(each(name, is_dns1123_label(name), &path.child("name")));
    }
    if s(c, "image").is_empty() {
        errs.push(FieldError::required(&path.child("image"), ""));
    }
    let policy = s(c, "terminationMessagePolicy");
    let tmp_path = path.child("terminationMessagePolicy");
    match policy {
        "File" | "FallbackToLogsOnError" => {}
        "" => errs.push(FieldError::required(&tmp_path, "")),
        other => errs.push(FieldError::not_supported(
            &tmp_path,
            other,
            &["File", "FallbackToLogsOnError"],
        )),
    }
    errs.extend(validate_ports(arr(c, "ports"), &path.child("ports")));
    errs.extend(container_env(c, path));
    errs.extend(validate_mounts(c, ctx.volumes, &path.child("volumeMounts")));
    errs.extend(validate_devices(
        c,
        ctx.volumes,
        &path.child("volumeDevices"),
    ));
    errs.extend(one_of(
        s(c, "imagePullPolicy"),
        &PULL_POLICIES,
        &path.child("imagePullPolicy"),
    ));
    if let Some(r) = c.get("resources") {
        errs.extend(validate_resources(r, &path.child("resources")));
    }
    errs.extend(resize_policy(
        c,
        ctx.restart_policy,
        &path.child("resizePolicy"),
    ));
    if let Some(sc) = c.get("securityContext").filter(|v| !v.is_null()) {
        errs.extend(container_security_context(
            sc,
            ctx.host_users,
            &path.child("securityContext"),
        ));
    }
    errs
}

fn resize_policy(c: &Value, restart_policy: &str, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, p) in arr(c, "resizePolicy").iter().enumerate() {
        let (res, policy) = (s(p, "resourceName"), s(p, "restartPolicy"));
        if !seen.insert(res) {
            errs.push(FieldError::duplicate(&path.index(i), res));
        }
        errs.extend(one_of(res, &["cpu", "memory"], path));
        errs.extend(one_of(policy, &["NotRequired", "RestartContainer"], path));
        if restart_policy == "Never" && policy != "NotRequired" {
            errs.push(FieldError::invalid(
                path,
                policy,
                "must be 'NotRequired' when `restartPolicy` is 'Never'",
            ));
        }
    }
    errs
}

/// Host ports must not collide (`protocol/hostIP/port`), checked over `containers`.
fn host_port_conflicts(containers: &[(usize, &Value)], path: &FieldPath) -> Vec<FieldError> {
    let mut seen = BTreeSet::new();
    let mut errs = Vec::new();
    for (ci, c) in containers {
        for (pi, p) in arr(c, "ports").iter().enumerate() {
            let port = int(p, "hostPort").unwrap_or(0);
            if port == 0 {
                continue;
            }
            let key = format!("{}/{}/{port}", s(p, "protocol"), s(p, "hostIP"));
            if !seen.insert(key.clone()) {
                let at = path.index(*ci).child("ports").index(pi).child("hostPort");
                errs.push(FieldError::duplicate(&at, key));
            }
        }
    }
    errs
}

/// `spec.containers`: at least one, names unique, probes and lifecycle checked, no
/// container-level `restartPolicy`, host ports not colliding.
pub fn validate_containers(
    containers: &[Value],
    ctx: &PodContext,
    path: &FieldPath,
) -> Vec<FieldError> {
    if containers.is_empty() {
        return vec![FieldError::required(path, "")];
    }
    let mut errs = Vec::new();
    let mut names = BTreeSet::new();
    for (i, c) in containers.iter().enumerate() {
        let at = path.index(i);
        errs.extend(container_common(c, ctx, &at));
        let name = s(c, "name");
        if !names.insert(name) {
            errs.push(FieldError::duplicate(&at.child("name"), name));
        }
        if let Some(lc) = c.get("lifecycle").filter(|v| !v.is_null()) {
            errs.extend(validate_lifecycle(lc, ctx.grace, &at.child("lifecycle")));
        }
        errs.extend(validate_probes(c, ctx.grace, &at));
        if set(c, "restartPolicy") {
            errs.push(FieldError::forbidden(
                &at.child("restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    let all: Vec<(usize, &Value)> = containers.iter().enumerate().collect();
    errs.extend(host_port_conflicts(&all, path));
    errs
}

/// `spec.initContainers`: names unique among all containers; probes and lifecycle only for
/// restartable (sidecar) init containers, whose `restartPolicy` may only be `Always`.
pub fn validate_init_containers(
    inits: &[Value],
    regular: &[Value],
    ctx: &PodContext,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut names: BTreeSet<&str> = regular.iter().map(|c| s(c, "name")).collect();
    for (i, c) in inits.iter().enumerate() {
        let at = path.index(i);
        errs.extend(container_common(c, ctx, &at));
        let mut restart_always = false;
        if set(c, "restartPolicy") {
            let policy = s(c, "restartPolicy");
            restart_always = policy == "Always";
            if !restart_always {
                errs.push(FieldError::not_supported(
                    &at.child("restartPolicy"),
                    policy,
                    &["Always"],
                ));
            }
        }
        let name = s(c, "name");
        if names.contains(name) {
            errs.push(FieldError::duplicate(&at.child("name"), name));
        } else if !name.is_empty() {
            names.insert(name);
        }
        errs.extend(host_port_conflicts(&[(i, c)], path));
        if restart_always {
            if let Some(lc) = c.get("lifecycle").filter(|v| !v.is_null()) {
                errs.extend(validate_lifecycle(lc, ctx.grace, &at.child("lifecycle")));
            }
            errs.extend(validate_probes(c, ctx.grace, &at));
        } else {
            for field in [
                "lifecycle",
                "livenessProbe",
                "readinessProbe",
                "startupProbe",
            ] {
                if set(c, field) {
                    errs.push(FieldError::forbidden(&at.child(field), RESTART_ALWAYS_ONLY));
                }
            }
        }
        if !arr(c, "resizePolicy").is_empty() && !restart_always {
            errs.push(FieldError::invalid(
                &at.child("resizePolicy"),
                c["resizePolicy"].clone(),
                "must not be set for init containers",
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx_check(containers: Value, inits: Value) -> Vec<String> {
        let empty = json!({"emptyDir": {}});
        let pvc = json!({"persistentVolumeClaim": {"claimName": "c"}});
        let volumes: BTreeMap<String, &Value> =
            [("data".to_string(), &empty), ("block".to_string(), &pvc)]
                .into_iter()
                .collect();
        let ctx = PodContext {
            volumes: &volumes,
            grace: Some(30),
            restart_policy: "Always",
            host_users: true,
        };
        let cs = containers.as_array().cloned().unwrap_or_default();
        let is = inits.as_array().cloned().unwrap_or_default();
        let mut errs =
            validate_containers(&cs, &ctx, &FieldPath::from_names(["spec", "containers"]));
        errs.extend(validate_init_containers(
            &is,
            &cs,
            &ctx,
            &FieldPath::from_names(["spec", "initContainers"]),
        ));
        errs.iter().map(ToString::to_string).collect()
    }

    fn c(extra: Value) -> Value {
        let mut base = json!({"name": "c", "image": "nginx", "imagePullPolicy": "Always",
            "terminationMessagePolicy": "File"});
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        base
    }

    #[test]
    fn container_rules() {
        let cases: Vec<(Value, Value, Vec<&str>)> = vec![
            (json!([c(json!({}))]), json!([]), vec![]),
            (json!([]), json!([]), vec!["spec.containers: Required value"]),
            (
                json!([c(json!({"name": "Bad_Name"}))]),
                json!([]),
                vec!["spec.containers[0].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"],
            ),
            (
                json!([c(json!({"ports": [{"containerPort": 70000, "protocol": "TCP"}]}))]),
                json!([]),
                vec!["spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"],
            ),
            (
                json!([c(json!({"ports": [{"containerPort": 80, "protocol": "XTP"}]}))]),
                json!([]),
                vec!["spec.containers[0].ports[0].protocol: Unsupported value: \"XTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""],
            ),
            (
                json!([c(json!({"ports": [{"name": "web", "containerPort": 80, "protocol": "TCP"}, {"name": "web", "containerPort": 81, "protocol": "TCP"}]}))]),
                json!([]),
                vec!["spec.containers[0].ports[1].name: Duplicate value: \"web\""],
            ),
            (
                json!([c(json!({"ports": [{"containerPort": 80, "hostPort": 8080, "protocol": "TCP"}]})),
                       c(json!({"name": "d", "ports": [{"containerPort": 81, "hostPort": 8080, "protocol": "TCP"}]}))]),
                json!([]),
                vec!["spec.containers[1].ports[0].hostPort: Duplicate value: \"TCP//8080\""],
            ),
            (
                json!([c(json!({"imagePullPolicy": "Sometimes"}))]),
                json!([]),
                vec!["spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\""],
            ),
            (
                json!([c(json!({"terminationMessagePolicy": "Maybe"}))]),
                json!([]),
                vec!["spec.containers[0].terminationMessagePolicy: Unsupported value: \"Maybe\": supported values: \"File\", \"FallbackToLogsOnError\""],
            ),
            (
                json!([c(json!({"volumeMounts": [{"name": "nope", "mountPath": "/a"}]}))]),
                json!([]),
                vec!["spec.containers[0].volumeMounts[0].name: Not found: \"nope\""],
            ),
            (
                json!([c(json!({"volumeMounts": [{"name": "data", "mountPath": "/a"}, {"name": "data", "mountPath": "/a"}]}))]),
                json!([]),
                vec!["spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/a\": must be unique"],
            ),
            (
                json!([c(json!({"volumeDevices": [{"name": "data", "devicePath": "/dev/x"}]}))]),
                json!([]),
                vec!["spec.containers[0].volumeDevices[0].name: Invalid value: \"data\": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"],
            ),
            (
                json!([c(json!({"image": ""}))]),
                json!([]),
                vec!["spec.containers[0].image: Required value"],
            ),
            (
                json!([c(json!({"restartPolicy": "Always"}))]),
                json!([]),
                vec!["spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers"],
            ),
            (
                json!([c(json!({}))]),
                json!([c(json!({"name": "c"}))]),
                vec!["spec.initContainers[0].name: Duplicate value: \"c\""],
            ),
            (
                json!([c(json!({}))]),
                json!([c(json!({"name": "i", "livenessProbe": {"exec": {"command": ["x"]}}}))]),
                vec!["spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"],
            ),
            (
                json!([c(json!({}))]),
                json!([c(json!({"name": "i", "restartPolicy": "OnFailure"}))]),
                vec!["spec.initContainers[0].restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""],
            ),
            (
                json!([c(json!({}))]),
                json!([c(json!({"name": "i", "restartPolicy": "Always", "readinessProbe": {"exec": {"command": ["x"]}, "periodSeconds": 1, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 1}}))]),
                vec![],
            ),
        ];
        for (cs, is, want) in cases {
            assert_eq!(ctx_check(cs.clone(), is.clone()), want, "{cs} {is}");
        }
    }
}
