//! The PodDisruptionBudget check of `pods/eviction` (upstream's
//! `pkg/registry/core/pod/storage/eviction.go`): a pod covered by one budget is evicted only
//! while the budget allows a disruption, which the eviction then spends (recording the pod in
//! `status.disruptedPods` for the disruption controller).

use std::collections::BTreeMap;

use api_types::k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use api_types::labels::Selector;
use serde_json::{json, Value};

use crate::object;
use crate::registry::list::ListOptions;
use crate::registry::Store;
use crate::status::{ApiError, Qualified};

const PDBS: Qualified<'static> = Qualified {
    group: "policy",
    resource: "poddisruptionbudgets",
};
/// Upstream's `MaxDisruptedPodSize`.
const MAX_DISRUPTED_PODS: usize = 2000;
const REFUSED: &str = "Cannot evict pod as it would violate the pod's disruption budget.";

/// Pods no budget protects: finished, not yet running, or already being deleted.
fn can_ignore_budget(pod: &Value) -> bool {
    matches!(
        pod["status"]["phase"].as_str(),
        Some("Succeeded" | "Failed" | "Pending") | None
    ) || !object::meta_str(pod, "deletionTimestamp").is_empty()
}

fn is_ready(pod: &Value) -> bool {
    pod["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

fn selects(pdb: &Value, labels: &BTreeMap<String, String>) -> bool {
    let Some(raw) = pdb["spec"].get("selector").filter(|s| !s.is_null()) else {
        return false;
    };
    serde_json::from_value::<LabelSelector>(raw.clone())
        .ok()
        .and_then(|ls| Selector::from_label_selector(Some(&ls)).ok())
        .is_some_and(|sel| sel.matches(labels))
}

/// Spends one disruption of `pdb` on `pod_name`, or says why it cannot.
fn spend(pdb: &mut Value, pod_name: &str, record: bool) -> Result<(), ApiError> {
    let name = object::name(pdb).to_string();
    let status = &pdb["status"];
    let observed = status["observedGeneration"].as_i64().unwrap_or(0);
    let generation = pdb["metadata"]["generation"].as_i64().unwrap_or(0);
    if observed < generation {
        return Err(ApiError::too_many_requests(
            REFUSED,
            "DisruptionBudget",
            &format!("The disruption budget {name} is still being processed by the server."),
        ));
    }
    let allowed = status["disruptionsAllowed"].as_i64().unwrap_or(0);
    if allowed < 0 {
        return Err(ApiError::forbidden_plain(
            PDBS,
            &name,
            "pdb disruptions allowed is negative",
        ));
    }
    let disrupted = status["disruptedPods"].as_object().map_or(0, |m| m.len());
    if disrupted > MAX_DISRUPTED_PODS {
        return Err(ApiError::forbidden_plain(
            PDBS,
            &name,
            "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
        ));
    }
    if allowed == 0 {
        return Err(ApiError::too_many_requests(
            REFUSED,
            "DisruptionBudget",
            &format!(
                "The disruption budget {name} needs {} healthy pods and has {} currently",
                status["desiredHealthy"].as_i64().unwrap_or(0),
                status["currentHealthy"].as_i64().unwrap_or(0)
            ),
        ));
    }
    if !record {
        return Ok(());
    }
    let Some(status) = pdb.get_mut("status").and_then(Value::as_object_mut) else {
        return Err(ApiError::internal("disruption budget without status"));
    };
    status.insert("disruptionsAllowed".into(), json!(allowed - 1));
    let pods = status.entry("disruptedPods").or_insert_with(|| json!({}));
    if !pods.is_object() {
        *pods = json!({});
    }
    if let Some(pods) = pods.as_object_mut() {
        pods.insert(pod_name.to_string(), json!(object::now_rfc3339()));
    }
    Ok(())
}

/// Checks (and, unless `dry_run`, spends) the disruption budget covering `pod` before its
/// eviction deletes it.
pub async fn check_budgets(pdbs: &Store, pod: &Value, dry_run: bool) -> Result<(), ApiError> {
    if can_ignore_budget(pod) {
        return Ok(());
    }
    let namespace = object::namespace(pod);
    let labels: BTreeMap<String, String> = pod["metadata"]["labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    let list = pdbs.list(namespace, &ListOptions::default()).await?;
    let matching: Vec<&Value> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| selects(p, &labels))
        .collect();
    let pdb = match matching.as_slice() {
        [] => return Ok(()),
        [one] => *one,
        _ => {
            return Err(ApiError::internal(
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
            ))
        }
    };
    // An unready pod does not count as healthy: with the default `IfHealthyBudget` it may go
    // while the budget is met, with `AlwaysAllow` always.
    if !is_ready(pod) {
        let status = &pdb["status"];
        let healthy_enough = status["currentHealthy"].as_i64().unwrap_or(0)
            >= status["desiredHealthy"].as_i64().unwrap_or(0)
            && status["desiredHealthy"].as_i64().unwrap_or(0) > 0;
        if pdb["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow" || healthy_enough {
            return Ok(());
        }
    }
    let pod_name = object::name(pod).to_string();
    if dry_run {
        return spend(&mut pdb.clone(), &pod_name, false);
    }
    pdbs.guaranteed_update(namespace, object::name(pdb), |p| spend(p, &pod_name, true))
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running(labels: Value) -> Value {
        json!({"metadata": {"name": "p", "namespace": "default", "labels": labels},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}})
    }

    #[test]
    fn spending_and_refusing() {
        let mut pdb = json!({"metadata": {"name": "b", "generation": 1},
            "status": {"observedGeneration": 1, "disruptionsAllowed": 1,
                "desiredHealthy": 2, "currentHealthy": 3}});
        spend(&mut pdb, "p", true).unwrap();
        assert_eq!(pdb["status"]["disruptionsAllowed"], 0);
        assert!(pdb["status"]["disruptedPods"]["p"].is_string());
        let e = spend(&mut pdb, "q", true).unwrap_err();
        assert_eq!((e.code, e.reason), (429, "TooManyRequests"));
        assert_eq!(e.message, REFUSED);
        let stale = json!({"metadata": {"name": "b", "generation": 2},
            "status": {"observedGeneration": 1, "disruptionsAllowed": 5}});
        assert_eq!(spend(&mut stale.clone(), "p", true).unwrap_err().code, 429);
    }

    #[test]
    fn who_is_protected() {
        let labels: BTreeMap<String, String> = [("app".to_string(), "web".to_string())]
            .into_iter()
            .collect();
        assert!(selects(
            &json!({"spec": {"selector": {"matchLabels": {"app": "web"}}}}),
            &labels
        ));
        assert!(selects(&json!({"spec": {"selector": {}}}), &labels));
        assert!(!selects(&json!({"spec": {}}), &labels));
        assert!(!can_ignore_budget(&running(json!({"app": "web"}))));
        assert!(can_ignore_budget(&json!({"status": {"phase": "Pending"}})));
        assert!(is_ready(&running(json!({}))));
    }
}
