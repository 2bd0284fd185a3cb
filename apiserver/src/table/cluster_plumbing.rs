//! Columns and cells of the cluster-plumbing resources (upstream's printers for resource
//! quotas, CSI objects, API services, flow control, admission policies, and the
//! apiextensions server's CRD table).

use api_types::registry::ResourceInfo;
use serde_json::{json, Value};

use super::printers::{n, s};
use super::{col, Column, AGE, NAME};
use crate::object;

pub(super) fn columns(info: &ResourceInfo) -> Option<Vec<Column>> {
    let c = |name, desc| col(name, "string", desc);
    let i = |name, desc| col(name, "integer", desc);
    let b = |name, desc| col(name, "boolean", desc);
    Some(match (info.group, info.plural) {
        ("", "resourcequotas") => vec![
            NAME,
            AGE,
            c("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
            c("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
        ],
        ("autoscaling", "horizontalpodautoscalers") => vec![
            NAME,
            c("Reference", "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource."),
            c("Targets", "metrics contains the specifications for which to use to calculate the desired replica count."),
            c("MinPods", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
            c("MaxPods", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
            c("Replicas", "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
            AGE,
        ],
        ("apiextensions.k8s.io", "customresourcedefinitions") => vec![
            NAME,
            c("Created At", "CreationTimestamp is a timestamp representing the server time when this object was created."),
        ],
        ("apiregistration.k8s.io", "apiservices") => vec![
            NAME,
            c("Service", "The reference to the service that hosts this API endpoint."),
            c("Available", "Whether this service is available."),
            AGE,
        ],
        ("storage.k8s.io", "csidrivers") => vec![
            NAME,
            b("AttachRequired", "attachRequired indicates this CSI volume driver requires an attach operation."),
            c("PodInfoOnMount", "podInfoOnMount indicates this CSI volume driver requires additional pod information during mount operations."),
            c("StorageCapacity", "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity."),
            c("TokenRequests", "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication."),
            c("RequiresRepublish", "requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume."),
            c("Modes", "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports."),
            AGE,
        ],
        ("storage.k8s.io", "csinodes") => vec![
            NAME,
            i("Drivers", "drivers is a list of information of all CSI Drivers existing on a node."),
            AGE,
        ],
        ("storage.k8s.io", "volumeattachments") => vec![
            NAME,
            c("Attacher", "attacher indicates the name of the volume driver that MUST handle this request."),
            c("PV", "Name of the persistent volume to attach."),
            c("Node", "nodeName represents the node that the volume should be attached to."),
            b("Attached", "attached indicates the volume is successfully attached."),
            AGE,
        ],
        ("flowcontrol.apiserver.k8s.io", "flowschemas") => vec![
            NAME,
            c("PriorityLevel", "priorityLevelConfiguration should reference a PriorityLevelConfiguration in the cluster."),
            i("MatchingPrecedence", "matchingPrecedence is used to choose among the FlowSchemas that match a given request."),
            c("DistinguisherMethod", "distinguisherMethod defines how to compute the flow distinguisher for requests that match this schema."),
            AGE,
            c("MissingPL", "references a broken or non-existent PriorityLevelConfiguration"),
        ],
        ("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations") => vec![
            NAME,
            c("Type", "type indicates whether this priority level is subject to limitation on request execution."),
            c("NominalConcurrencyShares", "nominalConcurrencyShares (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level."),
            c("Queues", "queues is the number of queues for this priority level."),
            c("HandSize", "handSize is a small positive number that configures the shuffle sharding of requests into queues."),
            c("QueueLengthLimit", "queueLengthLimit is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time."),
            AGE,
        ],
        ("admissionregistration.k8s.io", "validatingadmissionpolicies") => vec![
            NAME,
            i("Validations", "Validations indicates the number of validation rules."),
            c("ParamKind", "ParamKind specifies the kind of resources used to parameterize this policy"),
            AGE,
        ],
        ("admissionregistration.k8s.io", "validatingadmissionpolicybindings") => vec![
            NAME,
            c("PolicyName", "PolicyName references a ValidatingAdmissionPolicy name which the ValidatingAdmissionPolicyBinding binds to."),
            c("ParamRef", "ParamRef specifies the parameter resource used to configure the admission control policy."),
            AGE,
        ],
        _ => return None,
    })
}

pub(super) fn cells(
    info: &ResourceInfo,
    obj: &Value,
    name: Value,
    age: Value,
) -> Option<Vec<Value>> {
    Some(match (info.group, info.plural) {
        ("", "resourcequotas") => {
            let (request, limit) = quota_columns(obj);
            vec![name, age, json!(request), json!(limit)]
        }
        ("apiextensions.k8s.io", "customresourcedefinitions") => {
            vec![name, json!(object::meta_str(obj, "creationTimestamp"))]
        }
        ("autoscaling", "horizontalpodautoscalers") => {
            let min = match obj["spec"]["minReplicas"].as_i64() {
                Some(m) => m.to_string(),
                None => "<unset>".to_string(),
            };
            vec![
                name,
                json!(format!(
                    "{}/{}",
                    s(obj, "spec.scaleTargetRef.kind"),
                    s(obj, "spec.scaleTargetRef.name")
                )),
                json!(hpa_targets(obj)),
                json!(min),
                json!(n(obj, "spec.maxReplicas")),
                json!(n(obj, "status.currentReplicas")),
                age,
            ]
        }
        ("apiregistration.k8s.io", "apiservices") => {
            let service = match (
                s(obj, "spec.service.namespace"),
                s(obj, "spec.service.name"),
            ) {
                (_, "") => "Local".to_string(),
                (ns, n) => format!("{ns}/{n}"),
            };
            let available = obj["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["type"] == "Available")
                .map(|c| {
                    let status = s(c, "status");
                    match s(c, "reason") {
                        "" => status.to_string(),
                        _ if status == "True" => status.to_string(),
                        reason => format!("{status} ({reason})"),
                    }
                })
                .unwrap_or_else(|| "Unknown".to_string());
            vec![name, json!(service), json!(available), age]
        }
        ("storage.k8s.io", "csidrivers") => {
            let modes: Vec<&str> = obj["spec"]["volumeLifecycleModes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let tokens: Vec<&str> = obj["spec"]["tokenRequests"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t["audience"].as_str())
                .collect();
            let flag = |f: &str| {
                obj["spec"][f]
                    .as_bool()
                    .map_or("<unset>".to_string(), |v| v.to_string())
            };
            vec![
                name,
                json!(obj["spec"]["attachRequired"].as_bool().unwrap_or(true)),
                json!(flag("podInfoOnMount")),
                json!(flag("storageCapacity")),
                json!(if tokens.is_empty() {
                    "<unset>".to_string()
                } else {
                    tokens.join(",")
                }),
                json!(flag("requiresRepublish")),
                json!(if modes.is_empty() {
                    "<none>".to_string()
                } else {
                    modes.join(",")
                }),
                age,
            ]
        }
        ("storage.k8s.io", "csinodes") => vec![
            name,
            json!(obj["spec"]["drivers"].as_array().map(Vec::len).unwrap_or(0)),
            age,
        ],
        ("storage.k8s.io", "volumeattachments") => vec![
            name,
            json!(s(obj, "spec.attacher")),
            json!(s(obj, "spec.source.persistentVolumeName")),
            json!(s(obj, "spec.nodeName")),
            json!(obj["status"]["attached"].as_bool().unwrap_or(false)),
            age,
        ],
        ("flowcontrol.apiserver.k8s.io", "flowschemas") => {
            let method = match s(obj, "spec.distinguisherMethod.type") {
                "" => "<none>",
                m => m,
            };
            let missing = obj["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["type"] == "Dangling")
                .map(|c| s(c, "status").to_string())
                .unwrap_or_else(|| "?".to_string());
            vec![
                name,
                json!(s(obj, "spec.priorityLevelConfiguration.name")),
                json!(n(obj, "spec.matchingPrecedence")),
                json!(method),
                age,
                json!(missing),
            ]
        }
        ("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations") => {
            let limited = &obj["spec"]["limited"];
            let queuing = &limited["limitResponse"]["queuing"];
            let or_none = |v: &Value| match v.as_i64() {
                Some(x) => x.to_string(),
                None => "<none>".to_string(),
            };
            let shares = if limited.is_object() {
                or_none(&limited["nominalConcurrencyShares"])
            } else {
                "<none>".to_string()
            };
            vec![
                name,
                json!(s(obj, "spec.type")),
                json!(shares),
                json!(or_none(&queuing["queues"])),
                json!(or_none(&queuing["handSize"])),
                json!(or_none(&queuing["queueLengthLimit"])),
                age,
            ]
        }
        ("admissionregistration.k8s.io", "validatingadmissionpolicies") => {
            let param = match (
                s(obj, "spec.paramKind.apiVersion"),
                s(obj, "spec.paramKind.kind"),
            ) {
                (_, "") => "<unset>".to_string(),
                (av, kind) => format!("{av}/{kind}"),
            };
            vec![
                name,
                json!(obj["spec"]["validations"]
                    .as_array()
                    .map(Vec::len)
                    .unwrap_or(0)),
                json!(param),
                age,
            ]
        }
        ("admissionregistration.k8s.io", "validatingadmissionpolicybindings") => {
            let p = &obj["spec"]["paramRef"];
            let param = if !p.is_object() {
                "<unset>".to_string()
            } else {
                match (s(p, "namespace"), s(p, "name")) {
                    ("", "") => "*/*".to_string(),
                    ("", n) => n.to_string(),
                    (ns, "") => format!("{ns}/*"),
                    (ns, n) => format!("{ns}/{n}"),
                }
            };
            vec![name, json!(s(obj, "spec.policyName")), json!(param), age]
        }
        _ => return None,
    })
}

/// Upstream's `formatHPAMetrics` (`cpu: <unknown>/80%`), for the `autoscaling/v2` shape and
/// the `v1` one (`targetCPUUtilizationPercentage`); at most two, then `+ N more...`.
fn hpa_targets(obj: &Value) -> String {
    if let Some(pct) = obj["spec"]["targetCPUUtilizationPercentage"].as_i64() {
        let current = match obj["status"]["currentCPUUtilizationPercentage"].as_i64() {
            Some(c) => format!("{c}%"),
            None => "<unknown>".to_string(),
        };
        return format!("cpu: {current}/{pct}%");
    }
    let specs = obj["spec"]["metrics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if specs.is_empty() {
        return "<none>".to_string();
    }
    let statuses = obj["status"]["currentMetrics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let value = |v: &Value| {
        v.as_str()
            .map(str::to_string)
            .or_else(|| v.as_i64().map(|n| n.to_string()))
    };
    let list: Vec<String> = specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let status = statuses.get(i).cloned().unwrap_or(Value::Null);
            let kind = s(spec, "type");
            let key = match kind {
                "Resource" => "resource",
                "ContainerResource" => "containerResource",
                "Pods" => "pods",
                "Object" => "object",
                "External" => "external",
                _ => "",
            };
            let target = &spec[key]["target"];
            let current = &status[key]["current"];
            let unknown = || "<unknown>".to_string();
            match kind {
                "Resource" | "ContainerResource" => {
                    let res = s(&spec[key], "name");
                    match value(&target["averageValue"]) {
                        Some(avg) => format!(
                            "{res}: {}/{avg}",
                            value(&current["averageValue"]).unwrap_or_else(unknown)
                        ),
                        None => {
                            let cur = current["averageUtilization"]
                                .as_i64()
                                .map(|c| format!("{c}%"))
                                .unwrap_or_else(unknown);
                            let tgt = target["averageUtilization"]
                                .as_i64()
                                .map(|t| format!("{t}%"))
                                .unwrap_or_else(|| "<auto>".to_string());
                            format!("{res}: {cur}/{tgt}")
                        }
                    }
                }
                "Object" | "External" => match value(&target["averageValue"]) {
                    Some(avg) => format!(
                        "{}/{avg} (avg)",
                        value(&current["averageValue"]).unwrap_or_else(unknown)
                    ),
                    None => format!(
                        "{}/{}",
                        value(&current["value"]).unwrap_or_else(unknown),
                        value(&target["value"]).unwrap_or_else(unknown)
                    ),
                },
                "Pods" => format!(
                    "{}/{}",
                    value(&current["averageValue"]).unwrap_or_else(unknown),
                    value(&target["averageValue"]).unwrap_or_else(unknown)
                ),
                _ => "<unknown type>".to_string(),
            }
        })
        .collect();
    if list.len() > 2 {
        format!("{} + {} more...", list[..2].join(", "), list.len() - 2)
    } else {
        list.join(", ")
    }
}

/// Upstream's `printResourceQuota`: `name: used/hard` per resource in `status.hard`, sorted,
/// `limits.*` ones in the second column.
fn quota_columns(obj: &Value) -> (String, String) {
    let Some(hard) = obj["status"]["hard"].as_object() else {
        return (String::new(), String::new());
    };
    let mut names: Vec<&String> = hard.keys().collect();
    names.sort();
    let (mut request, mut limit) = (Vec::new(), Vec::new());
    for resource in names {
        let used = obj["status"]["used"][resource.as_str()]
            .as_str()
            .unwrap_or("0");
        let entry = format!(
            "{resource}: {used}/{}",
            hard[resource.as_str()].as_str().unwrap_or("0")
        );
        if resource.split('.').next() == Some("limits") && resource.contains('.') {
            limit.push(entry);
        } else {
            request.push(entry);
        }
    }
    (request.join(", "), limit.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hpa_targets_like_kubectl() {
        let cpu = |target: Value| json!({"type": "Resource", "resource": {"name": "cpu", "target": target}});
        let v2 = json!({"spec": {"metrics": [cpu(json!({"type": "Utilization", "averageUtilization": 50}))]}});
        assert_eq!(hpa_targets(&v2), "cpu: <unknown>/50%");
        let seen = json!({"spec": {"metrics": [cpu(json!({"type": "Utilization", "averageUtilization": 50}))]},
            "status": {"currentMetrics": [{"type": "Resource", "resource": {"name": "cpu",
                "current": {"averageUtilization": 12}}}]}});
        assert_eq!(hpa_targets(&seen), "cpu: 12%/50%");
        let v1 = json!({"spec": {"targetCPUUtilizationPercentage": 80}});
        assert_eq!(hpa_targets(&v1), "cpu: <unknown>/80%");
        assert_eq!(hpa_targets(&json!({"spec": {}})), "<none>");
        let three = json!({"spec": {"metrics": [
            cpu(json!({"averageValue": "100m"})),
            {"type": "Pods", "pods": {"target": {"averageValue": "1k"}}},
            {"type": "External", "external": {"target": {"value": "5"}}}]}});
        assert_eq!(
            hpa_targets(&three),
            "cpu: <unknown>/100m, <unknown>/1k + 1 more..."
        );
    }

    #[test]
    fn quota_columns_split_limits() {
        let q = json!({"status": {
            "hard": {"pods": "10", "limits.cpu": "4", "requests.memory": "1Gi"},
            "used": {"pods": "3", "limits.cpu": "500m"}}});
        assert_eq!(
            quota_columns(&q),
            (
                "pods: 3/10, requests.memory: 0/1Gi".to_string(),
                "limits.cpu: 500m/4".to_string()
            )
        );
        assert_eq!(quota_columns(&json!({})), (String::new(), String::new()));
    }
}
