//! Pods, as upstream's `printPod`: the READY count, the STATUS reason (init containers,
//! waiting/terminated containers, deletion), RESTARTS with the time of the last one, and
//! the wide IP/node/readiness-gate columns.

use serde_json::{json, Value};

use super::super::format::{age, items, n, name, or, s};
use super::super::{col, wide, Column, AGE, NAME};
use crate::object;

pub(super) fn columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("Ready", "The aggregate readiness state of this pod for accepting traffic."),
        c("Status", "The aggregate status of the containers in this pod."),
        c("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        AGE,
        wide(c("IP", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.")),
        wide(c("Node", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.")),
        wide(c("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.")),
        wide(c("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.")),
    ]
}

/// Seconds since the epoch of an RFC 3339 timestamp.
fn seconds(t: &str) -> Option<i64> {
    t.parse::<api_types::k8s_openapi::jiff::Timestamp>()
        .ok()
        .map(|t| t.as_second())
}

/// When a container status says its last run ended.
fn last_finished(status: &Value) -> Option<i64> {
    seconds(s(status, "lastState.terminated.finishedAt"))
}

fn has_condition(obj: &Value, kind: &str) -> bool {
    items(&obj["status"]["conditions"]).any(|c| c["type"] == kind && c["status"] == "True")
}

/// A terminated state's reason, or `Signal:N` / `ExitCode:N` (with `prefix`) without one.
fn terminated_reason(t: &Value, prefix: &str) -> String {
    match s(t, "reason") {
        "" if n(t, "signal") != 0 => format!("{prefix}Signal:{}", n(t, "signal")),
        "" => format!("{prefix}ExitCode:{}", n(t, "exitCode")),
        r => format!("{prefix}{r}"),
    }
}

pub(super) fn cells(obj: &Value, now: i64) -> Vec<Value> {
    let spec = &obj["spec"];
    let status = &obj["status"];
    let init_specs: Vec<&Value> = items(&spec["initContainers"]).collect();
    // Sidecars: init containers that keep running (restartPolicy Always).
    let restartable = |name: &str| {
        init_specs
            .iter()
            .any(|c| c["name"] == name && c["restartPolicy"] == "Always")
    };
    let total = items(&spec["containers"]).count()
        + init_specs
            .iter()
            .filter(|c| c["restartPolicy"] == "Always")
            .count();
    let mut ready = 0usize;
    let mut restarts = 0i64;
    let mut sidecar_restarts = 0i64;
    let mut last_restart: Option<i64> = None;
    let mut last_sidecar_restart: Option<i64> = None;
    let mut reason = or(s(obj, "status.reason"), s(obj, "status.phase")).to_string();
    if items(&status["conditions"])
        .any(|c| c["type"] == "PodScheduled" && c["reason"] == "SchedulingGated")
    {
        reason = "SchedulingGated".to_string();
    }

    let mut initializing = false;
    for (i, c) in items(&status["initContainerStatuses"]).enumerate() {
        let count = n(c, "restartCount");
        restarts += count;
        last_restart = last_restart.max(last_finished(c));
        let sidecar = restartable(s(c, "name"));
        if sidecar {
            sidecar_restarts += count;
            last_sidecar_restart = last_sidecar_restart.max(last_finished(c));
        }
        let terminated = &c["state"]["terminated"];
        let waiting = s(c, "state.waiting.reason");
        if terminated.is_object() && n(terminated, "exitCode") == 0 {
            continue;
        }
        if sidecar && c["started"] == true {
            if c["ready"] == true {
                ready += 1;
            }
            continue;
        }
        reason = if terminated.is_object() {
            terminated_reason(terminated, "Init:")
        } else if !waiting.is_empty() && waiting != "PodInitializing" {
            format!("Init:{waiting}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }

    if !initializing || has_condition(obj, "Initialized") {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut running = false;
        let statuses: Vec<&Value> = items(&status["containerStatuses"]).collect();
        for c in statuses.iter().rev() {
            restarts += n(c, "restartCount");
            last_restart = last_restart.max(last_finished(c));
            let terminated = &c["state"]["terminated"];
            let waiting = s(c, "state.waiting.reason");
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if terminated.is_object() {
                reason = terminated_reason(terminated, "");
            } else if c["ready"] == true && c["state"]["running"].is_object() {
                running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && running {
            reason = if has_condition(obj, "Ready") {
                "Running"
            } else {
                "NotReady"
            }
            .to_string();
        }
    }

    if !object::meta_str(obj, "deletionTimestamp").is_empty() {
        let phase = s(obj, "status.phase");
        if s(obj, "status.reason") == "NodeLost" {
            reason = "Unknown".to_string();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".to_string();
        }
    }

    let restarts_text = match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", since_seconds(t, now)),
        _ => restarts.to_string(),
    };
    let none = |v: &str| json!(or(v, "<none>"));
    let pod_ip = items(&status["podIPs"])
        .next()
        .map(|ip| s(ip, "ip"))
        .unwrap_or("");
    vec![
        name(obj),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts_text),
        age(obj, now),
        none(pod_ip),
        none(s(obj, "spec.nodeName")),
        none(s(obj, "status.nominatedNodeName")),
        json!(readiness_gates(obj)),
    ]
}

fn since_seconds(t: i64, now: i64) -> String {
    super::super::human_duration(now - t)
}

/// `true/total` of the readiness gates' conditions, `<none>` without gates.
fn readiness_gates(obj: &Value) -> String {
    let gates: Vec<&str> = items(&obj["spec"]["readinessGates"])
        .map(|g| s(g, "conditionType"))
        .collect();
    if gates.is_empty() {
        return "<none>".to_string();
    }
    let conditions: Vec<&Value> = items(&obj["status"]["conditions"]).collect();
    let ok = gates
        .iter()
        .filter(|g| {
            conditions
                .iter()
                .find(|c| c["type"] == **g)
                .is_some_and(|c| c["status"] == "True")
        })
        .count();
    format!("{ok}/{}", gates.len())
}

/// Upstream marks rows of finished pods `Completed` (kubectl hides them unless asked).
pub(in super::super) fn row_conditions(obj: &Value) -> Option<Value> {
    let (reason, message) = match s(obj, "status.phase") {
        "Succeeded" => ("Succeeded", "The pod has completed successfully."),
        "Failed" => ("Failed", "The pod failed."),
        _ => return None,
    };
    Some(json!([{"type": "Completed", "status": "True", "reason": reason, "message": message}]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes_ago: i64, now: i64) -> String {
        let t =
            api_types::k8s_openapi::jiff::Timestamp::from_second(now - minutes_ago * 60).unwrap();
        t.to_string()
    }

    #[test]
    fn running_pod_with_restarts_and_gates() {
        let now = 1_700_000_000;
        let pod = json!({"metadata": {"name": "p", "creationTimestamp": at(60, now)},
            "spec": {"nodeName": "n1", "containers": [{"name": "a"}, {"name": "b"}],
                "readinessGates": [{"conditionType": "x"}, {"conditionType": "y"}]},
            "status": {"phase": "Running", "podIPs": [{"ip": "10.1.0.5"}, {"ip": "fd00::5"}],
                "conditions": [{"type": "x", "status": "True"}, {"type": "y", "status": "False"}],
                "containerStatuses": [
                    {"name": "a", "ready": true, "restartCount": 2, "state": {"running": {}},
                     "lastState": {"terminated": {"finishedAt": at(5, now)}}},
                    {"name": "b", "ready": false, "restartCount": 1,
                     "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}});
        let row = cells(&pod, now);
        assert_eq!(
            row,
            [
                json!("p"),
                json!("1/2"),
                json!("CrashLoopBackOff"),
                json!("3 (5m ago)"),
                json!("60m"),
                json!("10.1.0.5"),
                json!("n1"),
                json!("<none>"),
                json!("1/2")
            ]
        );
        assert_eq!(row.len(), columns().len());
    }

    #[test]
    fn init_containers_and_termination() {
        let now = 1_700_000_000;
        let pod = json!({"spec": {"initContainers": [{"name": "i1"}, {"name": "i2"}],
                "containers": [{"name": "a"}]},
            "status": {"phase": "Pending", "initContainerStatuses": [
                {"name": "i1", "state": {"terminated": {"exitCode": 0}}},
                {"name": "i2", "state": {"running": {}}}]}});
        assert_eq!(cells(&pod, now)[2], json!("Init:1/2"));
        let failed = json!({"spec": {"initContainers": [{"name": "i1"}], "containers": [{"name": "a"}]},
            "status": {"initContainerStatuses": [{"name": "i1", "state": {"terminated": {"exitCode": 3}}}]}});
        assert_eq!(cells(&failed, now)[2], json!("Init:ExitCode:3"));
        let sidecar = json!({"spec": {"initContainers": [{"name": "s", "restartPolicy": "Always"}],
                "containers": [{"name": "a"}]},
            "status": {"phase": "Running", "initContainerStatuses": [
                {"name": "s", "started": true, "ready": true, "state": {"running": {}}}],
                "containerStatuses": [{"name": "a", "ready": true, "state": {"running": {}}}]}});
        assert_eq!(
            &cells(&sidecar, now)[1..3],
            [json!("2/2"), json!("Running")]
        );
        let deleting = json!({"metadata": {"deletionTimestamp": "2020-01-01T00:00:00Z"},
            "status": {"phase": "Running"}});
        assert_eq!(cells(&deleting, now)[2], json!("Terminating"));
        let done = json!({"metadata": {"deletionTimestamp": "2020-01-01T00:00:00Z"},
            "status": {"phase": "Succeeded", "containerStatuses": [{"state": {"terminated": {"reason": "Completed"}}}]}});
        assert_eq!(cells(&done, now)[2], json!("Completed"));
        assert_eq!(row_conditions(&done).unwrap()[0]["reason"], "Succeeded");
        assert!(row_conditions(&deleting).is_none());
    }
}
