//! Columns and cells of the resources beyond the core workloads (upstream's
//! `pkg/printers/internalversion` handlers for cronjobs, endpointslices, ingresses, storage,
//! policy, RBAC, admission and certificates).

use api_types::registry::ResourceInfo;
use serde_json::{json, Value};

use super::printers::{
    containers_images, label_selector, n, or_none, s, CONTAINERS, IMAGES, SELECTOR,
};
use super::{col, human_duration, wide, Column, AGE, NAME};
use crate::object;

const CREATED_AT: &str =
    "CreationTimestamp is a timestamp representing the server time when this object was created.";

pub(super) fn columns(info: &ResourceInfo) -> Option<Vec<Column>> {
    let c = |name, desc| col(name, "string", desc);
    let i = |name, desc| col(name, "integer", desc);
    let b = |name, desc| col(name, "boolean", desc);
    Some(match (info.group, info.plural) {
        ("", "serviceaccounts") => vec![NAME, c("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."), AGE],
        ("", "persistentvolumes") => vec![
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
        ],
        ("", "persistentvolumeclaims") => vec![
            NAME,
            c("Status", "phase represents the current phase of PersistentVolumeClaim."),
            c("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
            c("Capacity", "capacity represents the actual resources of the underlying volume."),
            c("Access Modes", "accessModes contains the actual access modes the volume backing the PVC has."),
            c("StorageClass", "StorageClass of the pvc"),
            c("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
            AGE,
            wide(c("VolumeMode", "volumeMode defines what type of volume is required by the claim.")),
        ],
        ("", "podtemplates") => vec![
            col("Template", "string", "Name of the pod template").with_format("name"),
            c("Containers", CONTAINERS),
            c("Images", IMAGES),
            c("Pod Labels", "Labels of the pod template."),
        ],
        ("", "limitranges") => vec![NAME, c("Created At", CREATED_AT)],
        ("batch", "cronjobs") => vec![
            NAME,
            c("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
            c("Timezone", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
            b("Suspend", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions."),
            i("Active", "A list of pointers to currently running jobs."),
            c("Last Schedule", "Information when was the last time the job was successfully scheduled."),
            AGE,
            wide(c("Containers", CONTAINERS)),
            wide(c("Images", IMAGES)),
            wide(c("Selector", SELECTOR)),
        ],
        ("discovery.k8s.io", "endpointslices") => vec![
            NAME,
            c("AddressType", "addressType specifies the type of address carried by this EndpointSlice."),
            c("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice."),
            c("Endpoints", "endpoints is a list of unique endpoints in this slice."),
            AGE,
        ],
        ("networking.k8s.io", "ingresses") => vec![
            NAME,
            c("Class", "The name of the IngressClass resource that should be used for additional configuration"),
            c("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
            c("Address", "Address is a list containing ingress points for the load-balancer"),
            c("Ports", "Ports of TLS configurations that open"),
            AGE,
        ],
        ("networking.k8s.io", "ingressclasses") => vec![
            NAME,
            c("Controller", "Controller that is responsible for handling this class"),
            c("Parameters", "A reference to a resource with additional parameters"),
            AGE,
        ],
        ("networking.k8s.io", "networkpolicies") => vec![
            NAME,
            c("Pod-Selector", "podSelector selects the pods to which this NetworkPolicy object applies."),
            AGE,
        ],
        ("storage.k8s.io", "storageclasses") => vec![
            NAME,
            c("Provisioner", "provisioner indicates the type of the provisioner."),
            c("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
            c("VolumeBindingMode", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
            c("AllowVolumeExpansion", "allowVolumeExpansion shows whether the storage class allow volume expand."),
            AGE,
        ],
        ("policy", "poddisruptionbudgets") => vec![
            NAME,
            c("Min Available", "The minimum number of pods that must be available simultaneously."),
            c("Max Unavailable", "The maximum number of pods that may be unavailable simultaneously."),
            i("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
            AGE,
        ],
        ("scheduling.k8s.io", "priorityclasses") => vec![
            NAME,
            i("Value", "value represents the integer value of this priority class."),
            b("Global-Default", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."),
            AGE,
            c("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower priority."),
        ],
        ("rbac.authorization.k8s.io", "roles" | "clusterroles") => {
            vec![NAME, c("Created At", CREATED_AT)]
        }
        ("rbac.authorization.k8s.io", "rolebindings" | "clusterrolebindings") => vec![
            NAME,
            c("Role", "RoleRef references a role."),
            AGE,
            wide(c("Users", "Users in the roleBinding")),
            wide(c("Groups", "Groups in the roleBinding")),
            wide(c("ServiceAccounts", "ServiceAccounts in the roleBinding")),
        ],
        ("node.k8s.io", "runtimeclasses") => vec![
            NAME,
            c("Handler", "handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class."),
            AGE,
        ],
        ("apps", "controllerrevisions") => vec![
            NAME,
            c("Controller", "Controller of the object"),
            i("Revision", "revision indicates the revision of the state represented by Data."),
            AGE,
        ],
        (
            "admissionregistration.k8s.io",
            "mutatingwebhookconfigurations" | "validatingwebhookconfigurations",
        ) => vec![NAME, i("Webhooks", "Webhooks indicates the number of webhooks."), AGE],
        ("certificates.k8s.io", "certificatesigningrequests") => vec![
            NAME,
            AGE,
            c("SignerName", "Only one of SignerName or SignerNames can be used."),
            c("Requestor", "Name of the user requesting the certificate."),
            c("RequestedDuration", "expirationSeconds is the requested duration of validity of the issued certificate."),
            c("Condition", "Condition of the request"),
        ],
        _ => return None,
    })
}

pub(super) fn cells(
    info: &ResourceInfo,
    obj: &Value,
    now: i64,
    name: Value,
    age: Value,
) -> Option<Vec<Value>> {
    Some(match (info.group, info.plural) {
        ("", "serviceaccounts") => vec![name, json!(len(&obj["secrets"])), age],
        ("", "persistentvolumes") => {
            let claim = match (
                s(obj, "spec.claimRef.namespace"),
                s(obj, "spec.claimRef.name"),
            ) {
                (_, "") => String::new(),
                (ns, n) => format!("{ns}/{n}"),
            };
            vec![
                name,
                json!(s(obj, "spec.capacity.storage")),
                json!(access_modes(&obj["spec"]["accessModes"])),
                json!(s(obj, "spec.persistentVolumeReclaimPolicy")),
                json!(phase(obj)),
                json!(claim),
                json!(s(obj, "spec.storageClassName")),
                unset(s(obj, "spec.volumeAttributesClassName")),
                json!(s(obj, "status.reason")),
                age,
                unset(s(obj, "spec.volumeMode")),
            ]
        }
        ("", "persistentvolumeclaims") => {
            let bound = !s(obj, "spec.volumeName").is_empty();
            let (capacity, modes) = if bound {
                (
                    s(obj, "status.capacity.storage").to_string(),
                    access_modes(&obj["status"]["accessModes"]),
                )
            } else {
                (String::new(), String::new())
            };
            vec![
                name,
                json!(phase(obj)),
                json!(s(obj, "spec.volumeName")),
                json!(capacity),
                json!(modes),
                json!(s(obj, "spec.storageClassName")),
                unset(s(obj, "spec.volumeAttributesClassName")),
                age,
                unset(s(obj, "spec.volumeMode")),
            ]
        }
        ("", "podtemplates") => {
            let (c, i) = containers_images(&obj["template"]["spec"]);
            let labels = obj["template"]["metadata"].get("labels");
            vec![name, c, i, super::printers::map_string(labels)]
        }
        ("", "limitranges") | ("rbac.authorization.k8s.io", "roles" | "clusterroles") => {
            vec![name, json!(object::meta_str(obj, "creationTimestamp"))]
        }
        ("batch", "cronjobs") => {
            let job = &obj["spec"]["jobTemplate"]["spec"];
            let (c, i) = containers_images(&job["template"]["spec"]);
            let last = match since(s(obj, "status.lastScheduleTime"), now) {
                Some(d) => json!(d),
                None => json!("<none>"),
            };
            vec![
                name,
                json!(s(obj, "spec.schedule")),
                or_none(s(obj, "spec.timeZone")),
                // Upstream's printBoolPtr: a string, unlike other boolean cells.
                json!(match obj["spec"]["suspend"].as_bool() {
                    Some(true) => "True",
                    Some(false) => "False",
                    None => "<unset>",
                }),
                json!(len(&obj["status"]["active"])),
                last,
                age,
                c,
                i,
                label_selector(job.get("selector")),
            ]
        }
        ("discovery.k8s.io", "endpointslices") => {
            let ports: Vec<String> = items(&obj["ports"])
                .map(|p| match (p["port"].as_i64(), p["name"].as_str()) {
                    (Some(port), _) => port.to_string(),
                    (None, Some(name)) => name.to_string(),
                    (None, None) => "*".to_string(),
                })
                .collect();
            let addresses: Vec<String> = items(&obj["endpoints"])
                .flat_map(|e| items(&e["addresses"]))
                .filter_map(|a| a.as_str().map(str::to_string))
                .collect();
            vec![
                name,
                json!(s(obj, "addressType")),
                json!(with_more(&ports, 3)),
                json!(with_more(&addresses, 3)),
                age,
            ]
        }
        ("networking.k8s.io", "ingresses") => {
            let ports = if len(&obj["spec"]["tls"]) > 0 {
                "80, 443"
            } else {
                "80"
            };
            vec![
                name,
                or_none(s(obj, "spec.ingressClassName")),
                json!(ingress_hosts(&obj["spec"]["rules"])),
                json!(load_balancer(&obj["status"]["loadBalancer"])),
                json!(ports),
                age,
            ]
        }
        ("networking.k8s.io", "ingressclasses") => {
            let p = &obj["spec"]["parameters"];
            let params = match p["kind"].as_str() {
                Some(kind) => match p["apiGroup"].as_str() {
                    Some(g) => format!("{kind}.{g}/{}", s(p, "name")),
                    None => format!("{kind}/{}", s(p, "name")),
                },
                None => "<none>".to_string(),
            };
            vec![name, json!(s(obj, "spec.controller")), json!(params), age]
        }
        ("networking.k8s.io", "networkpolicies") => {
            vec![name, label_selector(obj["spec"].get("podSelector")), age]
        }
        ("storage.k8s.io", "storageclasses") => {
            let default = object::at_path(obj, "metadata.annotations")
                .and_then(|a| {
                    a.get("storageclass.kubernetes.io/is-default-class")
                        .or_else(|| a.get("storageclass.beta.kubernetes.io/is-default-class"))
                })
                .and_then(Value::as_str)
                == Some("true");
            let name = if default {
                json!(format!("{} (default)", object::name(obj)))
            } else {
                name
            };
            vec![
                name,
                json!(s(obj, "provisioner")),
                json!(or(s(obj, "reclaimPolicy"), "Delete")),
                json!(or(s(obj, "volumeBindingMode"), "Immediate")),
                json!(obj["allowVolumeExpansion"].as_bool().unwrap_or(false)),
                age,
            ]
        }
        ("policy", "poddisruptionbudgets") => vec![
            name,
            int_or_string(&obj["spec"]["minAvailable"]),
            int_or_string(&obj["spec"]["maxUnavailable"]),
            json!(n(obj, "status.disruptionsAllowed")),
            age,
        ],
        ("scheduling.k8s.io", "priorityclasses") => vec![
            name,
            json!(n(obj, "value")),
            json!(obj["globalDefault"].as_bool().unwrap_or(false)),
            age,
            json!(or(s(obj, "preemptionPolicy"), "PreemptLowerPriority")),
        ],
        ("rbac.authorization.k8s.io", "rolebindings" | "clusterrolebindings") => {
            let (mut users, mut groups, mut sas) = (Vec::new(), Vec::new(), Vec::new());
            for subject in items(&obj["subjects"]) {
                let n = s(subject, "name");
                match s(subject, "kind") {
                    "User" => users.push(n.to_string()),
                    "Group" => groups.push(n.to_string()),
                    "ServiceAccount" => sas.push(format!("{}/{n}", s(subject, "namespace"))),
                    _ => {}
                }
            }
            vec![
                name,
                json!(format!(
                    "{}/{}",
                    s(obj, "roleRef.kind"),
                    s(obj, "roleRef.name")
                )),
                age,
                json!(users.join(", ")),
                json!(groups.join(", ")),
                json!(sas.join(", ")),
            ]
        }
        ("node.k8s.io", "runtimeclasses") => vec![name, json!(s(obj, "handler")), age],
        ("apps", "controllerrevisions") => {
            let controller = object::at_path(obj, "metadata.ownerReferences")
                .into_iter()
                .flat_map(items)
                .find(|o| o["controller"] == true)
                .map(|o| {
                    let kind = s(o, "kind");
                    let group = s(o, "apiVersion").split_once('/').map(|(g, _)| g);
                    match group {
                        Some(g) => format!("{}.{g}/{}", kind.to_ascii_lowercase(), s(o, "name")),
                        None => format!("{}/{}", kind.to_ascii_lowercase(), s(o, "name")),
                    }
                })
                .unwrap_or_else(|| "<none>".to_string());
            vec![name, json!(controller), json!(n(obj, "revision")), age]
        }
        (
            "admissionregistration.k8s.io",
            "mutatingwebhookconfigurations" | "validatingwebhookconfigurations",
        ) => vec![name, json!(len(&obj["webhooks"])), age],
        ("certificates.k8s.io", "certificatesigningrequests") => {
            let duration = obj["spec"]["expirationSeconds"]
                .as_i64()
                .map(human_duration)
                .unwrap_or_else(|| "<none>".to_string());
            vec![
                name,
                age,
                json!(s(obj, "spec.signerName")),
                json!(s(obj, "spec.username")),
                json!(duration),
                json!(csr_condition(obj)),
            ]
        }
        _ => return None,
    })
}

fn items(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_array().into_iter().flatten()
}

fn len(v: &Value) -> usize {
    v.as_array().map(Vec::len).unwrap_or(0)
}

fn or<'a>(v: &'a str, default: &'a str) -> &'a str {
    if v.is_empty() {
        default
    } else {
        v
    }
}

fn unset(v: &str) -> Value {
    json!(or(v, "<unset>"))
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
fn access_modes(modes: &Value) -> String {
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

/// The first `max` entries, `+ N more...` after them, `<unset>` when empty.
fn with_more(list: &[String], max: usize) -> String {
    if list.is_empty() {
        return "<unset>".to_string();
    }
    let shown = list[..list.len().min(max)].join(",");
    if list.len() > max {
        format!("{shown} + {} more...", list.len() - max)
    } else {
        shown
    }
}

fn ingress_hosts(rules: &Value) -> String {
    let all: Vec<&Value> = items(rules).collect();
    let hosts: Vec<&str> = all
        .iter()
        .take(3)
        .filter_map(|r| r["host"].as_str().filter(|h| !h.is_empty()))
        .collect();
    if hosts.is_empty() {
        return "*".to_string();
    }
    if all.len() > 3 {
        format!("{} + {} more...", hosts.join(","), all.len() - 3)
    } else {
        hosts.join(",")
    }
}

/// Ingress points of a load balancer status, cut to 16 characters as upstream prints.
fn load_balancer(status: &Value) -> String {
    let points: Vec<&str> = items(&status["ingress"])
        .filter_map(|i| {
            i["ip"]
                .as_str()
                .filter(|v| !v.is_empty())
                .or(i["hostname"].as_str())
        })
        .collect();
    let all = points.join(",");
    if all.len() > 16 {
        format!("{}...", &all[..13])
    } else {
        all
    }
}

fn int_or_string(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.to_string()),
        Value::String(s) => json!(s),
        _ => json!("N/A"),
    }
}

fn since(timestamp: &str, now: i64) -> Option<String> {
    let t = timestamp
        .parse::<api_types::k8s_openapi::jiff::Timestamp>()
        .ok()?;
    Some(human_duration(now - t.as_second()))
}

/// `Approved,Issued`, `Denied`, `Pending`... as upstream's `extractCSRStatus`.
fn csr_condition(obj: &Value) -> String {
    let mut approved = false;
    let mut denied = false;
    let mut failed = false;
    for c in items(&obj["status"]["conditions"]) {
        match s(c, "type") {
            "Approved" => approved = true,
            "Denied" => denied = true,
            "Failed" => failed = true,
            _ => {}
        }
    }
    let mut status = match (denied, approved) {
        (true, _) => "Denied".to_string(),
        (false, true) => "Approved".to_string(),
        _ => "Pending".to_string(),
    };
    if failed {
        status.push_str(",Failed");
    }
    if !s(obj, "status.certificate").is_empty() {
        status.push_str(",Issued");
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_print_like_upstream() {
        assert_eq!(
            access_modes(&json!(["ReadWriteMany", "ReadWriteOnce"])),
            "RWO,RWX"
        );
        let four: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        assert_eq!(with_more(&four, 3), "a,b,c + 1 more...");
        assert_eq!(with_more(&[], 3), "<unset>");
        assert_eq!(ingress_hosts(&json!([{"http": {}}])), "*");
        assert_eq!(ingress_hosts(&json!([{"host": "a"}, {"host": "b"}])), "a,b");
        assert_eq!(
            load_balancer(&json!({"ingress": [{"ip": "10.0.0.100"}, {"ip": "10.0.0.200"}]})),
            "10.0.0.100,10..."
        );
        assert_eq!(int_or_string(&json!(2)), json!("2"));
        assert_eq!(int_or_string(&json!("50%")), json!("50%"));
        assert_eq!(int_or_string(&Value::Null), json!("N/A"));
        let csr = json!({"status": {"conditions": [{"type": "Approved"}], "certificate": "x"}});
        assert_eq!(csr_condition(&csr), "Approved,Issued");
        assert_eq!(csr_condition(&json!({})), "Pending");
    }
}
