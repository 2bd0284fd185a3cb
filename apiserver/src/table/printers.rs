//! Per-resource columns and cells, after upstream's `pkg/printers/internalversion`.
//! A resource missing here prints NAME and AGE.

use api_types::registry::ResourceInfo;
use serde_json::{json, Value};

use super::{col, human_duration, wide, Column, AGE, NAME};
use crate::object;

pub(super) fn s<'a>(obj: &'a Value, path: &str) -> &'a str {
    object::at_path(obj, path)
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub(super) fn n(obj: &Value, path: &str) -> i64 {
    object::at_path(obj, path)
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

pub(super) fn or_none(v: &str) -> Value {
    json!(if v.is_empty() { "<none>" } else { v })
}

/// `a=b,c=d` of a string map, or `<none>`.
pub(super) fn map_string(v: Option<&Value>) -> Value {
    let pairs: Vec<String> = v
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    or_none(&pairs.join(","))
}

/// A `LabelSelector` printed like upstream (`app=web`), `<none>` when empty.
pub(super) fn label_selector(v: Option<&Value>) -> Value {
    let Some(v) = v else { return json!("<none>") };
    let mut parts: Vec<String> = v["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    for e in v["matchExpressions"].as_array().into_iter().flatten() {
        let key = e["key"].as_str().unwrap_or("");
        let values: Vec<&str> = e["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        parts.push(match e["operator"].as_str().unwrap_or("") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            _ => continue,
        });
    }
    or_none(&parts.join(","))
}

/// Container names and images of a pod template.
pub(super) fn containers_images(spec: &Value) -> (Value, Value) {
    let cs: Vec<&Value> = spec["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let names: Vec<&str> = cs.iter().filter_map(|c| c["name"].as_str()).collect();
    let images: Vec<&str> = cs.iter().filter_map(|c| c["image"].as_str()).collect();
    (json!(names.join(",")), json!(images.join(",")))
}

pub(super) const CONTAINERS: &str = "Names of each container in the template.";
pub(super) const IMAGES: &str = "Images referenced by each container in the template.";
pub(super) const SELECTOR: &str = "The label selector to select the objects.";

/// The columns of `info`, when it has its own.
pub(super) fn columns(info: &ResourceInfo) -> Option<Vec<Column>> {
    let c = |name, desc| col(name, "string", desc);
    let i = |name, desc| col(name, "integer", desc);
    Some(match (info.group, info.plural) {
        ("", "pods") => vec![
            NAME,
            c("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            c("Status", "The aggregate status of the containers in this pod."),
            c("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            AGE,
            wide(c("IP", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.")),
            wide(c("Node", "NodeName is a request to schedule this pod onto a specific node.")),
            wide(c("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.")),
            wide(c("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.")),
        ],
        ("", "namespaces") => vec![NAME, c("Status", "The status of the namespace"), AGE],
        ("", "configmaps") => vec![NAME, i("Data", "Data contains the configuration data."), AGE],
        ("", "secrets") => vec![NAME, c("Type", "The type of secret"), i("Data", "Data contains the secret data."), AGE],
        ("", "endpoints") => vec![NAME, c("Endpoints", "Endpoints of the service."), AGE],
        ("", "services") => vec![
            NAME,
            c("Type", "Type of the service."),
            c("Cluster-IP", "ClusterIP of the service."),
            c("External-IP", "External IPs of the service."),
            c("Port(s)", "Ports of the service."),
            AGE,
            wide(c("Selector", "Route service traffic to pods with label keys and values matching this selector.")),
        ],
        ("", "nodes") => vec![
            NAME,
            c("Status", "The status of the node"),
            c("Roles", "The roles of the node"),
            AGE,
            c("Version", "Kubelet Version reported by the node."),
            wide(c("Internal-IP", "List of internal IPs.")),
            wide(c("External-IP", "List of external IPs.")),
            wide(c("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).")),
            wide(c("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).")),
            wide(c("Container-Runtime", "Container runtime version reported by the node through runtime remote API (e.g. containerd://1.4.2).")),
        ],
        ("", "events") => vec![
            c("Last Seen", "Time when last event occurred."),
            c("Type", "Type of this event (Normal, Warning), new types could be added in the future."),
            c("Reason", "This should be a short, machine understandable string that gives the reason for this event being generated."),
            c("Object", "The object that this event is about."),
            wide(c("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.")),
            wide(c("Source", "The component reporting this event. Should be a short machine understandable string.")),
            c("Message", "A human-readable description of the status of this operation."),
            wide(c("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)")),
            wide(c("Count", "The number of times this event has occurred.")),
            wide(NAME),
        ],
        ("apps", "deployments") => vec![
            NAME,
            c("Ready", "Number of the pod with ready state"),
            i("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            i("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
            AGE,
            wide(c("Containers", CONTAINERS)),
            wide(c("Images", IMAGES)),
            wide(c("Selector", SELECTOR)),
        ],
        ("apps", "replicasets") | ("", "replicationcontrollers") => vec![
            NAME,
            i("Desired", "Number of desired pods."),
            i("Current", "Number of actual replicas."),
            i("Ready", "Number of ready replicas."),
            AGE,
            wide(c("Containers", CONTAINERS)),
            wide(c("Images", IMAGES)),
            wide(c("Selector", SELECTOR)),
        ],
        ("apps", "statefulsets") => vec![
            NAME,
            c("Ready", "Number of the pod with ready state"),
            AGE,
            wide(c("Containers", CONTAINERS)),
            wide(c("Images", IMAGES)),
        ],
        ("apps", "daemonsets") => vec![
            NAME,
            i("Desired", "The total number of nodes that should be running the daemon pod."),
            i("Current", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
            i("Ready", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
            i("Up-to-date", "The total number of nodes that are running updated daemon pod"),
            i("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
            c("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
            AGE,
            wide(c("Containers", CONTAINERS)),
            wide(c("Images", IMAGES)),
            wide(c("Selector", SELECTOR)),
        ],
        ("batch", "jobs") => vec![
            NAME,
            c("Status", "Status of the job."),
            c("Completions", "The desired number of successfully finished pods the job should be run with."),
            c("Duration", "Time required to complete the job."),
            AGE,
            wide(c("Containers", CONTAINERS)),
            wide(c("Images", IMAGES)),
            wide(c("Selector", SELECTOR)),
        ],
        ("coordination.k8s.io", "leases") => vec![NAME, c("Holder", "The holder of the lease"), AGE],
        ("", "componentstatuses") => vec![
            NAME,
            c("Status", "Status of the component conditions"),
            c("Message", "Message of the component conditions"),
            c("Error", "Error of the component conditions"),
        ],
        _ => return None,
    })
}

/// The cells of `obj`, when its resource has its own columns.
pub(super) fn cells(
    info: &ResourceInfo,
    obj: &Value,
    now: i64,
    name: Value,
    age_cell: Value,
) -> Option<Vec<Value>> {
    Some(match (info.group, info.plural) {
        ("", "pods") => pod_cells(obj, name, age_cell),
        ("", "namespaces") => vec![name, json!(s(obj, "status.phase")), age_cell],
        ("", "configmaps") => vec![
            name,
            json!(count(obj, "data") + count(obj, "binaryData")),
            age_cell,
        ],
        ("", "secrets") => vec![
            name,
            json!(s(obj, "type")),
            json!(count(obj, "data")),
            age_cell,
        ],
        ("", "endpoints") => vec![name, endpoints(obj), age_cell],
        ("", "services") => service_cells(obj, name, age_cell),
        ("", "nodes") => node_cells(obj, name, age_cell),
        ("", "events") => event_cells(obj, now),
        ("apps", "deployments") => {
            let (c, i) = containers_images(&obj["spec"]["template"]["spec"]);
            vec![
                name,
                json!(format!(
                    "{}/{}",
                    n(obj, "status.readyReplicas"),
                    n(obj, "spec.replicas")
                )),
                json!(n(obj, "status.updatedReplicas")),
                json!(n(obj, "status.availableReplicas")),
                age_cell,
                c,
                i,
                label_selector(obj["spec"].get("selector")),
            ]
        }
        ("apps", "replicasets") | ("", "replicationcontrollers") => {
            let (c, i) = containers_images(&obj["spec"]["template"]["spec"]);
            let selector = if info.group.is_empty() {
                map_string(obj["spec"].get("selector"))
            } else {
                label_selector(obj["spec"].get("selector"))
            };
            vec![
                name,
                json!(n(obj, "spec.replicas")),
                json!(n(obj, "status.replicas")),
                json!(n(obj, "status.readyReplicas")),
                age_cell,
                c,
                i,
                selector,
            ]
        }
        ("apps", "statefulsets") => {
            let (c, i) = containers_images(&obj["spec"]["template"]["spec"]);
            vec![
                name,
                json!(format!(
                    "{}/{}",
                    n(obj, "status.readyReplicas"),
                    n(obj, "spec.replicas")
                )),
                age_cell,
                c,
                i,
            ]
        }
        ("apps", "daemonsets") => {
            let (c, i) = containers_images(&obj["spec"]["template"]["spec"]);
            vec![
                name,
                json!(n(obj, "status.desiredNumberScheduled")),
                json!(n(obj, "status.currentNumberScheduled")),
                json!(n(obj, "status.numberReady")),
                json!(n(obj, "status.updatedNumberScheduled")),
                json!(n(obj, "status.numberAvailable")),
                map_string(obj["spec"]["template"]["spec"].get("nodeSelector")),
                age_cell,
                c,
                i,
                label_selector(obj["spec"].get("selector")),
            ]
        }
        ("batch", "jobs") => job_cells(obj, now, name, age_cell),
        ("coordination.k8s.io", "leases") => {
            vec![name, or_none(s(obj, "spec.holderIdentity")), age_cell]
        }
        ("", "componentstatuses") => {
            let c = &obj["conditions"][0];
            let healthy = if c["status"] == "True" {
                "Healthy"
            } else {
                "Unhealthy"
            };
            vec![
                name,
                json!(healthy),
                json!(c["message"].as_str().unwrap_or("")),
                json!(c["error"].as_str().unwrap_or("")),
            ]
        }
        _ => return None,
    })
}

pub(super) fn count(obj: &Value, field: &str) -> usize {
    obj.get(field)
        .and_then(Value::as_object)
        .map(|m| m.len())
        .unwrap_or(0)
}

fn pod_cells(obj: &Value, name: Value, age: Value) -> Vec<Value> {
    let statuses = object::at_path(obj, "status.containerStatuses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let total = object::at_path(obj, "spec.containers")
        .and_then(Value::as_array)
        .map(Vec::len)
        .unwrap_or(0);
    let ready = statuses.iter().filter(|s| s["ready"] == true).count();
    let restarts: i64 = statuses
        .iter()
        .filter_map(|s| s["restartCount"].as_i64())
        .sum();
    let mut reason = [s(obj, "status.reason"), s(obj, "status.phase")]
        .into_iter()
        .find(|r| !r.is_empty())
        .unwrap_or("Pending")
        .to_string();
    for st in &statuses {
        let waiting = st["state"]["waiting"]["reason"]
            .as_str()
            .filter(|r| !r.is_empty());
        let terminated = st["state"]["terminated"]["reason"]
            .as_str()
            .filter(|r| !r.is_empty());
        if let Some(r) = waiting.or(terminated) {
            reason = r.to_string();
        }
    }
    if !object::meta_str(obj, "deletionTimestamp").is_empty() {
        reason = "Terminating".to_string();
    }
    vec![
        name,
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts.to_string()),
        age,
        or_none(s(obj, "status.podIP")),
        or_none(s(obj, "spec.nodeName")),
        or_none(s(obj, "status.nominatedNodeName")),
        json!("<none>"),
    ]
}

fn service_cells(obj: &Value, name: Value, age: Value) -> Vec<Value> {
    let kind = obj["spec"]["type"].as_str().unwrap_or("ClusterIP");
    let cluster_ip = match obj["spec"]["clusterIP"].as_str().unwrap_or("") {
        "" => "<none>",
        ip => ip,
    };
    let ingress: Vec<&str> = obj["status"]["loadBalancer"]["ingress"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["ip"].as_str().or_else(|| i["hostname"].as_str()))
        .collect();
    let mut external: Vec<&str> = obj["spec"]["externalIPs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let external = match kind {
        "LoadBalancer" if ingress.is_empty() && external.is_empty() => "<pending>".to_string(),
        "LoadBalancer" => {
            external.extend(ingress);
            external.join(",")
        }
        "ExternalName" => s(obj, "spec.externalName").to_string(),
        _ if external.is_empty() => "<none>".to_string(),
        _ => external.join(","),
    };
    let ports: Vec<String> = obj["spec"]["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let proto = p["protocol"].as_str().unwrap_or("TCP");
            match p["nodePort"].as_i64() {
                Some(np) => format!("{}:{np}/{proto}", p["port"]),
                None => format!("{}/{proto}", p["port"]),
            }
        })
        .collect();
    vec![
        name,
        json!(kind),
        json!(cluster_ip),
        json!(external),
        or_none(&ports.join(",")),
        age,
        map_string(obj["spec"].get("selector")),
    ]
}

fn node_cells(obj: &Value, name: Value, age: Value) -> Vec<Value> {
    let ready = obj["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "Ready")
        .map(|c| match c["status"].as_str() {
            Some("True") => "Ready",
            Some("False") => "NotReady",
            _ => "Unknown",
        })
        .unwrap_or("Unknown");
    let mut status = ready.to_string();
    if obj["spec"]["unschedulable"] == true {
        status.push_str(",SchedulingDisabled");
    }
    let mut roles: Vec<&str> = obj["metadata"]["labels"]
        .as_object()
        .map(|l| {
            l.keys()
                .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                .filter(|r| !r.is_empty())
                .collect()
        })
        .unwrap_or_default();
    roles.sort_unstable();
    let address = |kind: &str| {
        let found: Vec<&str> = obj["status"]["addresses"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| a["type"] == kind)
            .filter_map(|a| a["address"].as_str())
            .collect();
        or_none(&found.join(","))
    };
    vec![
        name,
        json!(status),
        or_none(&roles.join(",")),
        age,
        json!(s(obj, "status.nodeInfo.kubeletVersion")),
        address("InternalIP"),
        address("ExternalIP"),
        json!(s(obj, "status.nodeInfo.osImage")),
        json!(s(obj, "status.nodeInfo.kernelVersion")),
        json!(s(obj, "status.nodeInfo.containerRuntimeVersion")),
    ]
}

fn event_cells(obj: &Value, now: i64) -> Vec<Value> {
    let since = |t: &str| {
        t.parse::<api_types::k8s_openapi::jiff::Timestamp>()
            .ok()
            .map(|t| human_duration(now - t.as_second()))
            .unwrap_or_else(|| "<unknown>".to_string())
    };
    // Upstream's printEvent: first seen falls back to eventTime, last seen to first seen,
    // and a series carries both the last time and the count.
    let first = since(or_else(s(obj, "firstTimestamp"), s(obj, "eventTime")));
    let mut last = match s(obj, "lastTimestamp") {
        "" => first.clone(),
        t => since(t),
    };
    let mut count = n(obj, "count");
    if obj.get("series").is_some_and(Value::is_object) {
        last = since(s(obj, "series.lastObservedTime"));
        count = n(obj, "series.count");
    } else if count == 0 {
        count = 1;
    }
    let kind = s(obj, "involvedObject.kind").to_ascii_lowercase();
    let target = match s(obj, "involvedObject.name") {
        "" => kind,
        name => format!("{kind}/{name}"),
    };
    let component = or_else(s(obj, "source.component"), s(obj, "reportingComponent"));
    let instance = or_else(s(obj, "source.host"), s(obj, "reportingInstance"));
    let source = match (component, instance) {
        ("", _) => String::new(),
        (c, "") => c.to_string(),
        (c, i) => format!("{c}, {i}"),
    };
    vec![
        json!(last),
        json!(s(obj, "type")),
        json!(s(obj, "reason")),
        json!(target),
        json!(s(obj, "involvedObject.fieldPath")),
        json!(source),
        json!(s(obj, "message").trim()),
        json!(first),
        json!(count),
        json!(object::name(obj)),
    ]
}

fn or_else<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.is_empty() {
        b
    } else {
        a
    }
}

fn job_cells(obj: &Value, now: i64, name: Value, age_cell: Value) -> Vec<Value> {
    let conditions: Vec<&Value> = obj["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let has = |t: &str| {
        conditions
            .iter()
            .any(|c| c["type"] == t && c["status"] == "True")
    };
    let status = if has("Complete") {
        "Complete"
    } else if has("Failed") {
        "Failed"
    } else if has("FailureTarget") || has("SuccessCriteriaMet") {
        "Terminating"
    } else if obj["spec"]["suspend"] == true {
        "Suspended"
    } else {
        "Running"
    };
    let completions = match obj["spec"]["completions"].as_i64() {
        Some(c) => format!("{}/{c}", n(obj, "status.succeeded")),
        None => format!(
            "{}/1 of {}",
            n(obj, "status.succeeded"),
            obj["spec"]["parallelism"].as_i64().unwrap_or(1)
        ),
    };
    let parse = |p: &str| {
        s(obj, p)
            .parse::<api_types::k8s_openapi::jiff::Timestamp>()
            .ok()
            .map(|t| t.as_second())
    };
    let duration = match (parse("status.startTime"), parse("status.completionTime")) {
        (Some(start), Some(end)) => human_duration(end - start),
        (Some(start), None) => human_duration(now - start),
        _ => String::new(),
    };
    let (c, i) = containers_images(&obj["spec"]["template"]["spec"]);
    vec![
        name,
        json!(status),
        json!(completions),
        json!(duration),
        age_cell,
        c,
        i,
        label_selector(obj["spec"].get("selector")),
    ]
}

fn endpoints(obj: &Value) -> Value {
    let mut list = Vec::new();
    for subset in obj["subsets"].as_array().into_iter().flatten() {
        let ports: Vec<i64> = subset["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["port"].as_i64())
            .collect();
        for a in subset["addresses"].as_array().into_iter().flatten() {
            let ip = a["ip"].as_str().unwrap_or("");
            if ports.is_empty() {
                list.push(ip.to_string());
            }
            for p in &ports {
                list.push(format!("{ip}:{p}"));
            }
        }
    }
    let shown = list.len().min(3);
    let mut text = list[..shown].join(",");
    if list.len() > 3 {
        text.push_str(&format!(" + {} more...", list.len() - 3));
    }
    or_none(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(group: &str, version: &str, plural: &str) -> &'static ResourceInfo {
        api_types::registry::builtin()
            .get(group, version, plural)
            .unwrap()
    }

    #[test]
    fn service_and_deployment_rows() {
        let svc = json!({"metadata": {"name": "web"}, "spec": {"type": "NodePort", "clusterIP": "10.0.0.9",
            "ports": [{"port": 80, "protocol": "TCP", "nodePort": 30080}], "selector": {"app": "web"}}});
        let row = cells(
            info("", "v1", "services"),
            &svc,
            0,
            json!("web"),
            json!("1m"),
        )
        .unwrap();
        assert_eq!(
            row,
            [
                json!("web"),
                json!("NodePort"),
                json!("10.0.0.9"),
                json!("<none>"),
                json!("80:30080/TCP"),
                json!("1m"),
                json!("app=web")
            ]
        );
        assert_eq!(
            columns(info("", "v1", "services")).unwrap().len(),
            row.len()
        );

        let d = json!({"spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
            "template": {"spec": {"containers": [{"name": "c", "image": "nginx"}]}}},
            "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}});
        let row = cells(
            info("apps", "v1", "deployments"),
            &d,
            0,
            json!("web"),
            json!("1m"),
        )
        .unwrap();
        assert_eq!(&row[..4], [json!("web"), json!("2/3"), json!(3), json!(2)]);
        assert_eq!(row[7], json!("app=web"));
    }

    #[test]
    fn node_status_and_roles() {
        let node = json!({"metadata": {"labels": {"node-role.kubernetes.io/control-plane": ""}},
            "spec": {"unschedulable": true},
            "status": {"conditions": [{"type": "Ready", "status": "True"}], "nodeInfo": {"kubeletVersion": "v1.33.0"}}});
        let row = cells(info("", "v1", "nodes"), &node, 0, json!("n1"), json!("1m")).unwrap();
        assert_eq!(
            &row[..5],
            [
                json!("n1"),
                json!("Ready,SchedulingDisabled"),
                json!("control-plane"),
                json!("1m"),
                json!("v1.33.0")
            ]
        );
        for plural in ["nodes", "pods", "events", "endpoints", "secrets"] {
            let r = info("", "v1", plural);
            assert_eq!(
                columns(r).unwrap().len(),
                cells(r, &json!({}), 0, json!(""), json!("")).unwrap().len(),
                "{plural}"
            );
        }
    }
}
