//! `autoscaling`: horizontal pod autoscalers (`v1` and `v2` objects print alike), and the
//! `Scale` of a workload's `scale` subresource.

use serde_json::{json, Value};

use super::format::{age, n, name, s};
use super::{col, Column, Printer, AGE, NAME};

pub(super) fn printer(plural: &str) -> Option<Printer> {
    match plural {
        "horizontalpodautoscalers" => Some(Printer { columns, cells }),
        _ => None,
    }
}

/// The `Scale` kind (`kubectl get deployment web --subresource=scale`).
pub(super) const SCALE: Printer = Printer {
    columns: scale_columns,
    cells: scale_cells,
};

fn scale_columns() -> Vec<Column> {
    vec![
        col("Name", "string", super::NAME.description),
        col(
            "Desired",
            "integer",
            "replicas is the desired number of instances for the scaled object.",
        ),
        col(
            "Available",
            "integer",
            "replicas is the actual number of observed instances of the scaled object.",
        ),
        AGE,
    ]
}

fn scale_cells(obj: &Value, now: i64) -> Vec<Value> {
    vec![
        name(obj),
        json!(n(obj, "spec.replicas")),
        json!(n(obj, "status.replicas")),
        age(obj, now),
    ]
}

fn columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("Reference", "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource."),
        c("Targets", "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used)."),
        c("MinPods", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
        c("MaxPods", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
        c("Replicas", "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
        AGE,
    ]
}

fn cells(obj: &Value, now: i64) -> Vec<Value> {
    let min = match obj["spec"]["minReplicas"].as_i64() {
        Some(m) => m.to_string(),
        None => "<unset>".to_string(),
    };
    vec![
        name(obj),
        json!(format!(
            "{}/{}",
            s(obj, "spec.scaleTargetRef.kind"),
            s(obj, "spec.scaleTargetRef.name")
        )),
        json!(hpa_targets(obj)),
        json!(min),
        json!(n(obj, "spec.maxReplicas")),
        json!(n(obj, "status.currentReplicas")),
        age(obj, now),
    ]
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
}
