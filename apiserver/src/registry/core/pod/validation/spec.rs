//! The whole pod spec (upstream's `ValidatePodSpec`): volumes and containers via their
//! modules, then the spec-level fields in upstream's order.

use std::collections::BTreeSet;

use api_types::validation::{
    inclusive_range_error, is_dns1123_label, is_dns1123_subdomain, is_qualified_name, is_valid_ip,
    name_is_dns_subdomain, validate_labels, validate_service_account_name, FieldError, FieldPath,
};
use serde_json::Value;

use super::containers::{validate_containers, validate_init_containers, PodContext};
use super::ephemeral::validate_ephemeral_containers;
use super::scheduling::{validate_affinity, validate_tolerations, validate_topology_spread};
use super::security::pod_security_context;
use super::util::{arr, each, flag, int, one_of, s, set, string_map};
use super::volumes::validate_volumes;

const MAX_INT32: i64 = 2_147_483_647;

/// What differs between a pod and a pod template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The spec belongs to a Pod (not a template): host ports must be explicit.
    pub resource_is_pod: bool,
}

fn restart_policy(spec: &Value, path: &FieldPath) -> Vec<FieldError> {
    let policy = s(spec, "restartPolicy");
    let valid = ["Always", "OnFailure", "Never"];
    if policy.is_empty() {
        vec![FieldError::required(path, "")]
    } else if !valid.contains(&policy) {
        vec![FieldError::not_supported(path, policy, &valid)]
    } else {
        Vec::new()
    }
}

fn host_network_ports(spec: &Value, opts: Options, path: &FieldPath) -> Vec<FieldError> {
    if !flag(spec, "hostNetwork") {
        return Vec::new();
    }
    let mut errs = Vec::new();
    for (i, c) in arr(spec, "containers").iter().enumerate() {
        for (j, p) in arr(c, "ports").iter().enumerate() {
            let hp = int(p, "hostPort").unwrap_or(0);
            let cp = int(p, "containerPort").unwrap_or(0);
            if (opts.resource_is_pod || hp != 0) && hp != cp {
                let at = path
                    .child("containers")
                    .index(i)
                    .child("ports")
                    .index(j)
                    .child("hostPort");
                errs.push(FieldError::invalid(
                    &at,
                    hp,
                    "must match `containerPort` when `hostNetwork` is true",
                ));
            }
        }
    }
    errs
}

fn dns_config(spec: &Value, path: &FieldPath) -> Vec<FieldError> {
    let config = &spec["dnsConfig"];
    let none = s(spec, "dnsPolicy") == "None";
    if none && config.is_null() {
        return vec![FieldError::required(
            path,
            "must provide `dnsConfig` when `dnsPolicy` is None",
        )];
    }
    if none && arr(config, "nameservers").is_empty() {
        return vec![FieldError::required(
            &path.child("nameservers"),
            "must provide at least one DNS nameserver when `dnsPolicy` is None",
        )];
    }
    if config.is_null() {
        return Vec::new();
    }
    let mut errs = Vec::new();
    let nameservers = arr(config, "nameservers");
    if nameservers.len() > 3 {
        errs.push(FieldError::invalid(
            &path.child("nameservers"),
            config["nameservers"].clone(),
            "must not have more than 3 nameservers",
        ));
    }
    for (i, ns) in nameservers.iter().enumerate() {
        errs.extend(is_valid_ip(
            &path.child("nameservers").index(i),
            ns.as_str().unwrap_or(""),
        ));
    }
    let searches: Vec<&str> = arr(config, "searches")
        .iter()
        .map(|v| v.as_str().unwrap_or(""))
        .collect();
    if searches.len() > 32 {
        errs.push(FieldError::invalid(
            &path.child("searches"),
            config["searches"].clone(),
            "must not have more than 32 search paths",
        ));
    }
    if searches.join(" ").len() > 2048 {
        errs.push(FieldError::invalid(
            &path.child("searches"),
            config["searches"].clone(),
            "must not have more than 2048 characters (including spaces) in the search list",
        ));
    }
    for (i, search) in searches.iter().enumerate() {
        if *search == "." {
            continue;
        }
        let trimmed = search.strip_suffix('.').unwrap_or(search);
        let msgs = api_types::validation::is_dns1123_subdomain_with_underscore(trimmed);
        errs.extend(each(trimmed, msgs, &path.child("searches").index(i)));
    }
    for (i, option) in arr(config, "options").iter().enumerate() {
        if s(option, "name").is_empty() {
            errs.push(FieldError::required(
                &path.child("options").index(i),
                "must not be empty",
            ));
        }
    }
    errs
}

fn image_pull_secrets(spec: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, secret) in arr(spec, "imagePullSecrets").iter().enumerate() {
        let extra = secret
            .as_object()
            .is_some_and(|m| m.keys().any(|k| k != "name"));
        if extra {
            errs.push(FieldError::invalid(
                &path.index(i),
                secret.clone(),
                "only name may be set",
            ));
        }
    }
    errs
}

fn gates(spec: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, gate) in arr(spec, "readinessGates").iter().enumerate() {
        let ct = s(gate, "conditionType");
        errs.extend(each(
            ct,
            is_qualified_name(ct),
            &path.child("readinessGates").index(i).child("conditionType"),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, gate) in arr(spec, "schedulingGates").iter().enumerate() {
        let name = s(gate, "name");
        let at = path.child("schedulingGates").index(i);
        errs.extend(each(name, is_qualified_name(name), &at));
        if !seen.insert(name) {
            errs.push(FieldError::duplicate(&at, name));
        }
    }
    errs
}

fn names(spec: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let sa = s(spec, "serviceAccountName");
    if !sa.is_empty() {
        errs.extend(each(
            sa,
            validate_service_account_name(sa, false),
            &path.child("serviceAccountName"),
        ));
    }
    let node = s(spec, "nodeName");
    if !node.is_empty() {
        errs.extend(each(
            node,
            name_is_dns_subdomain(node, false),
            &path.child("nodeName"),
        ));
    }
    if let Some(ads) = int(spec, "activeDeadlineSeconds") {
        if !(1..=MAX_INT32).contains(&ads) {
            errs.push(FieldError::invalid(
                &path.child("activeDeadlineSeconds"),
                ads,
                inclusive_range_error(1, MAX_INT32),
            ));
        }
    }
    for field in ["hostname", "subdomain"] {
        let v = s(spec, field);
        if !v.is_empty() {
            errs.extend(each(v, is_dns1123_label(v), &path.child(field)));
        }
    }
    errs
}

fn host_aliases(spec: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, alias) in arr(spec, "hostAliases").iter().enumerate() {
        let at = path.index(i);
        errs.extend(is_valid_ip(&at.child("ip"), s(alias, "ip")));
        for (j, h) in arr(alias, "hostnames").iter().enumerate() {
            let h = h.as_str().unwrap_or("");
            errs.extend(each(
                h,
                is_dns1123_subdomain(h),
                &at.child("hostnames").index(j),
            ));
        }
    }
    errs
}

/// Upstream's `ValidatePodSpec`.
pub fn validate_pod_spec(spec: &Value, path: &FieldPath, opts: Options) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if !set(spec, "terminationGracePeriodSeconds") {
        errs.push(FieldError::required(
            &path.child("terminationGracePeriodSeconds"),
            "",
        ));
    }
    let host_users = spec["securityContext"]["hostUsers"] != false;
    let (volumes, vol_errs) = validate_volumes(arr(spec, "volumes"), &path.child("volumes"));
    errs.extend(vol_errs);
    let ctx = PodContext {
        volumes: &volumes,
        grace: int(spec, "terminationGracePeriodSeconds"),
        restart_policy: s(spec, "restartPolicy"),
        host_users,
    };
    let containers = arr(spec, "containers");
    errs.extend(validate_containers(
        containers,
        &ctx,
        &path.child("containers"),
    ));
    errs.extend(validate_init_containers(
        arr(spec, "initContainers"),
        containers,
        &ctx,
        &path.child("initContainers"),
    ));
    errs.extend(validate_ephemeral_containers(
        spec,
        &ctx,
        &path.child("ephemeralContainers"),
    ));
    errs.extend(host_network_ports(spec, opts, path));
    errs.extend(restart_policy(spec, &path.child("restartPolicy")));
    errs.extend(one_of(
        s(spec, "dnsPolicy"),
        &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        &path.child("dnsPolicy"),
    ));
    errs.extend(validate_labels(
        &string_map(spec.get("nodeSelector")),
        &path.child("nodeSelector"),
    ));
    errs.extend(pod_security_context(spec, &path.child("securityContext")));
    errs.extend(image_pull_secrets(spec, &path.child("imagePullSecrets")));
    if set(spec, "affinity") {
        errs.extend(validate_affinity(
            &spec["affinity"],
            &path.child("affinity"),
        ));
    }
    errs.extend(dns_config(spec, &path.child("dnsConfig")));
    errs.extend(gates(spec, path));
    errs.extend(validate_topology_spread(
        arr(spec, "topologySpreadConstraints"),
        &path.child("topologySpreadConstraints"),
    ));
    if !host_users {
        for field in ["hostNetwork", "hostPID", "hostIPC"] {
            if flag(spec, field) {
                let child = if field == "hostNetwork" {
                    "hostNetwork"
                } else if field == "hostPID" {
                    "HostPID"
                } else {
                    "HostIPC"
                };
                errs.push(FieldError::forbidden(
                    &path.child(child),
                    "when `pod.Spec.HostUsers` is false",
                ));
            }
        }
    }
    errs.extend(names(spec, path));
    errs.extend(validate_tolerations(
        arr(spec, "tolerations"),
        &path.child("tolerations"),
    ));
    errs.extend(host_aliases(spec, &path.child("hostAliases")));
    let pc = s(spec, "priorityClassName");
    if !pc.is_empty() {
        errs.extend(each(
            pc,
            name_is_dns_subdomain(pc, false),
            &path.child("priorityClassName"),
        ));
    }
    if set(spec, "runtimeClassName") {
        let rc = s(spec, "runtimeClassName");
        errs.extend(each(
            rc,
            name_is_dns_subdomain(rc, false),
            &path.child("runtimeClassName"),
        ));
    }
    if set(spec, "preemptionPolicy") {
        errs.extend(one_of(
            s(spec, "preemptionPolicy"),
            &["PreemptLowerPriority", "Never"],
            &path.child("preemptionPolicy"),
        ));
    }
    if set(spec, "os") {
        let os = s(&spec["os"], "name");
        let os_path = path.child("os").child("name");
        if os.is_empty() {
            errs.push(FieldError::required(&os_path, ""));
        } else if os != "linux" && os != "windows" {
            errs.push(FieldError::not_supported(
                &os_path,
                os,
                &["linux", "windows"],
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A spec as the defaults leave it.
    fn spec(extra: Value) -> Value {
        let mut base = json!({"restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
            "terminationGracePeriodSeconds": 30, "securityContext": {},
            "containers": [{"name": "c", "image": "nginx", "imagePullPolicy": "Always", "terminationMessagePolicy": "File"}]});
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        base
    }

    fn check(extra: Value, opts: Options) -> Vec<String> {
        validate_pod_spec(&spec(extra), &FieldPath::new("spec"), opts)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn spec_rules() {
        let pod = Options {
            resource_is_pod: true,
        };
        let template = Options {
            resource_is_pod: false,
        };
        let cases: Vec<(Value, Options, Vec<&str>)> = vec![
            (json!({}), pod, vec![]),
            (
                json!({"restartPolicy": "Sometimes"}),
                pod,
                vec!["spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""],
            ),
            (
                json!({"dnsPolicy": "Sometimes"}),
                pod,
                vec!["spec.dnsPolicy: Unsupported value: \"Sometimes\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""],
            ),
            (
                json!({"dnsPolicy": "None"}),
                pod,
                vec!["spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"],
            ),
            (
                json!({"dnsConfig": {"nameservers": ["1.2.3.4", "bad"], "options": [{}]}}),
                pod,
                vec![
                    "spec.dnsConfig.nameservers[1]: Invalid value: \"bad\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                    "spec.dnsConfig.options[0]: Required value: must not be empty",
                ],
            ),
            (
                json!({"terminationGracePeriodSeconds": null}),
                pod,
                vec!["spec.terminationGracePeriodSeconds: Required value"],
            ),
            (
                json!({"activeDeadlineSeconds": 0}),
                pod,
                vec!["spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"],
            ),
            (
                json!({"hostname": "Host_1", "subdomain": "ok"}),
                pod,
                vec!["spec.hostname: Invalid value: \"Host_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"],
            ),
            (
                json!({"nodeSelector": {"disk": "ssd!"}}),
                pod,
                vec!["spec.nodeSelector: Invalid value: \"ssd!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"],
            ),
            (
                json!({"serviceAccountName": "Bad_SA"}),
                pod,
                vec!["spec.serviceAccountName: Invalid value: \"Bad_SA\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
            ),
            (
                json!({"priorityClassName": "Prio"}),
                pod,
                vec!["spec.priorityClassName: Invalid value: \"Prio\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
            ),
            (
                json!({"hostNetwork": true, "containers": [{"name": "c", "image": "i", "imagePullPolicy": "Always", "terminationMessagePolicy": "File",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}]}]}),
                pod,
                vec!["spec.containers[0].ports[0].hostPort: Invalid value: 0: must match `containerPort` when `hostNetwork` is true"],
            ),
            (
                json!({"hostNetwork": true, "containers": [{"name": "c", "image": "i", "imagePullPolicy": "Always", "terminationMessagePolicy": "File",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}]}]}),
                template,
                vec![],
            ),
            (
                json!({"preemptionPolicy": "Always"}),
                pod,
                vec!["spec.preemptionPolicy: Unsupported value: \"Always\": supported values: \"PreemptLowerPriority\", \"Never\""],
            ),
            (
                json!({"schedulingGates": [{"name": "a"}, {"name": "a"}]}),
                pod,
                vec!["spec.schedulingGates[1]: Duplicate value: \"a\""],
            ),
        ];
        for (extra, opts, want) in cases {
            assert_eq!(check(extra.clone(), opts), want, "{extra}");
        }
    }
}
