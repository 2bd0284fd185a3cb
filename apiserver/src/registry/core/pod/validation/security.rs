//! Security contexts of containers and pods (upstream's `ValidateSecurityContext` and
//! `validatePodSpecSecurityContext`): IDs in range, known enum values, seccomp and AppArmor
//! profiles, sysctl names.

use std::collections::BTreeSet;

use api_types::validation::{is_valid_group_id, is_valid_user_id, FieldError, FieldPath};
use serde_json::Value;

use super::util::{arr, int, local_descending_path, s, set};

fn id_check(v: &Value, key: &str, user: bool, path: &FieldPath) -> Vec<FieldError> {
    let Some(id) = int(v, key) else {
        return Vec::new();
    };
    let msgs = if user {
        is_valid_user_id(id)
    } else {
        is_valid_group_id(id)
    };
    msgs.into_iter()
        .map(|m| FieldError::invalid(&path.child(key), id, m))
        .collect()
}

fn seccomp(sp: &Value, path: &FieldPath) -> Vec<FieldError> {
    if sp.is_null() {
        return Vec::new();
    }
    let mut errs = Vec::new();
    let ty = s(sp, "type");
    let types = ["Localhost", "RuntimeDefault", "Unconfined"];
    if ty.is_empty() {
        errs.push(FieldError::required(
            &path.child("type"),
            "type is required when seccompProfile is set",
        ));
    } else if !types.contains(&ty) {
        errs.push(FieldError::not_supported(&path.child("type"), ty, &types));
    }
    if ty == "Localhost" {
        match sp.get("localhostProfile").and_then(Value::as_str) {
            None => errs.push(FieldError::required(
                &path.child("localhostProfile"),
                "must be set when seccomp type is Localhost",
            )),
            Some(p) => errs.extend(local_descending_path(p, &path.child("localhostProfile"))),
        }
    } else if set(sp, "localhostProfile") {
        errs.push(FieldError::invalid(
            &path.child("localhostProfile"),
            sp.clone(),
            "can only be set when seccomp type is Localhost",
        ));
    }
    errs
}

fn app_armor(p: &Value, path: &FieldPath) -> Vec<FieldError> {
    if p.is_null() {
        return Vec::new();
    }
    let mut errs = Vec::new();
    let local = path.child("localhostProfile");
    match s(p, "type") {
        "Localhost" => match p.get("localhostProfile").and_then(Value::as_str) {
            None => errs.push(FieldError::required(
                &local,
                "must be set when AppArmor type is Localhost",
            )),
            Some(lp) if lp.trim() != lp => {
                errs.push(FieldError::invalid(
                    &local,
                    lp,
                    "must not be padded with whitespace",
                ));
            }
            Some("") => errs.push(FieldError::required(
                &local,
                "must be set when AppArmor type is Localhost",
            )),
            Some(_) => {}
        },
        "RuntimeDefault" | "Unconfined" => {
            if set(p, "localhostProfile") {
                errs.push(FieldError::invalid(
                    &local,
                    p["localhostProfile"].clone(),
                    "can only be set when AppArmor type is Localhost",
                ));
            }
        }
        "" => errs.push(FieldError::required(
            &path.child("type"),
            "type is required when appArmorProfile is set",
        )),
        other => errs.push(FieldError::not_supported(
            &path.child("type"),
            other,
            &["Localhost", "RuntimeDefault", "Unconfined"],
        )),
    }
    errs
}

/// A container's `securityContext`.
pub fn container_security_context(
    sc: &Value,
    host_users: bool,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = id_check(sc, "runAsUser", true, path);
    errs.extend(id_check(sc, "runAsGroup", false, path));
    if set(sc, "procMount") {
        let pm = s(sc, "procMount");
        if pm != "Default" && pm != "Unmasked" {
            errs.push(FieldError::not_supported(
                &path.child("procMount"),
                pm,
                &["Default", "Unmasked"],
            ));
        }
        if host_users && pm == "Unmasked" {
            errs.push(FieldError::invalid(
                &path.child("procMount"),
                pm,
                "`hostUsers` must be false to use `Unmasked`",
            ));
        }
    }
    errs.extend(seccomp(
        &sc["seccompProfile"],
        &path.child("seccompProfile"),
    ));
    if sc["allowPrivilegeEscalation"] == false {
        if sc["privileged"] == true {
            errs.push(FieldError::invalid(
                path,
                sc.clone(),
                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
            ));
        }
        if arr(&sc["capabilities"], "add")
            .iter()
            .any(|c| c == "CAP_SYS_ADMIN")
        {
            errs.push(FieldError::invalid(path, sc.clone(),
                "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
            ));
        }
    }
    errs.extend(app_armor(
        &sc["appArmorProfile"],
        &path.child("appArmorProfile"),
    ));
    errs
}

/// Upstream's sysctl name format, at most 253 characters.
fn valid_sysctl_name(name: &str) -> bool {
    if name.len() > 253 {
        return false;
    }
    let segment_ok = |seg: &str| {
        let b = seg.as_bytes();
        let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        !b.is_empty()
            && b.first().is_some_and(edge)
            && b.last().is_some_and(edge)
            && b.iter().all(|c| edge(c) || *c == b'-' || *c == b'_')
    };
    name.split(['.', '/']).all(segment_ok)
}

/// The pod's `securityContext` (with `hostNetwork`/`hostPID`/`hostIPC` from the spec).
pub fn pod_security_context(spec: &Value, path: &FieldPath) -> Vec<FieldError> {
    let sc = &spec["securityContext"];
    if sc.is_null() {
        return Vec::new();
    }
    let mut errs = id_check(sc, "fsGroup", false, path);
    errs.extend(id_check(sc, "runAsUser", true, path));
    errs.extend(id_check(sc, "runAsGroup", false, path));
    for (i, g) in arr(sc, "supplementalGroups").iter().enumerate() {
        let gid = g.as_i64().unwrap_or(0);
        for m in is_valid_group_id(gid) {
            errs.push(FieldError::invalid(
                &path.child("supplementalGroups").index(i),
                gid,
                m,
            ));
        }
    }
    if spec["shareProcessNamespace"] == true && spec["hostPID"] == true {
        errs.push(FieldError::invalid(
            &path.child("shareProcessNamespace"),
            true,
            "ShareProcessNamespace and HostPID cannot both be enabled",
        ));
    }
    let mut names = BTreeSet::new();
    for (i, sysctl) in arr(sc, "sysctls").iter().enumerate() {
        let at = path.child("sysctls").index(i).child("name");
        let name = s(sysctl, "name");
        if name.is_empty() {
            errs.push(FieldError::required(&at, ""));
        } else if !valid_sysctl_name(name) {
            errs.push(FieldError::invalid(
                &at,
                name,
                "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$",
            ));
        } else if names.contains(name) {
            errs.push(FieldError::duplicate(&at, name));
        }
        names.insert(name);
    }
    let enums: [(&str, &[&str]); 3] = [
        ("fsGroupChangePolicy", &["Always", "OnRootMismatch"]),
        ("supplementalGroupsPolicy", &["Merge", "Strict"]),
        ("seLinuxChangePolicy", &["MountOption", "Recursive"]),
    ];
    for (field, valid) in enums {
        if set(sc, field) && !valid.contains(&s(sc, field)) {
            errs.push(FieldError::not_supported(
                &path.child(field),
                s(sc, field),
                valid,
            ));
        }
    }
    errs.extend(seccomp(
        &sc["seccompProfile"],
        &path.child("seccompProfile"),
    ));
    errs.extend(app_armor(
        &sc["appArmorProfile"],
        &path.child("appArmorProfile"),
    ));
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn security_rules() {
        let p = FieldPath::new("sc");
        let text = |errs: Vec<FieldError>| -> Vec<String> {
            errs.iter().map(ToString::to_string).collect()
        };
        assert_eq!(
            text(container_security_context(
                &json!({"runAsUser": -1}),
                true,
                &p
            )),
            ["sc.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive"]
        );
        assert_eq!(
            text(container_security_context(&json!({"procMount": "Unmasked"}), true, &p)),
            ["sc.procMount: Invalid value: \"Unmasked\": `hostUsers` must be false to use `Unmasked`"]
        );
        assert_eq!(
            text(container_security_context(&json!({"seccompProfile": {"type": "Localhost"}}), true, &p)),
            ["sc.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost"]
        );
        assert_eq!(
            text(container_security_context(&json!({"appArmorProfile": {"type": "Bogus"}}), true, &p)),
            ["sc.appArmorProfile.type: Unsupported value: \"Bogus\": supported values: \"Localhost\", \"RuntimeDefault\", \"Unconfined\""]
        );
        let spec = json!({"securityContext": {"fsGroupChangePolicy": "Sometimes", "sysctls": [{"name": "Kernel.X"}]}});
        assert_eq!(
            text(pod_security_context(&spec, &p)),
            [
                "sc.sysctls[0].name: Invalid value: \"Kernel.X\": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$",
                "sc.fsGroupChangePolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnRootMismatch\"",
            ]
        );
        assert!(pod_security_context(
            &json!({"securityContext": {"sysctls": [{"name": "net.ipv4.ip_forward"}]}}),
            &p
        )
        .is_empty());
    }
}
