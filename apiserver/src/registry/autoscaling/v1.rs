//! `autoscaling/v1` HorizontalPodAutoscalers over the stored `autoscaling/v2` shape, as
//! upstream's `pkg/apis/autoscaling/v1/conversion.go` converts them: the v1 spec only has
//! `targetCPUUtilizationPercentage` (a CPU Utilization resource metric), so every other metric,
//! the current metrics, the conditions and the behavior ride in annotations, in v1's own
//! metric shapes (the behavior in the internal type's Go field names, read back
//! case-insensitively as `encoding/json` does).

use serde_json::{json, Map, Value};

use super::metrics::{
    behavior_from_internal, behavior_to_internal, is_cpu_resource, items, metric_spec_to_v1,
    metric_spec_to_v2, metric_status_to_v1, metric_status_to_v2, put,
};

/// `autoscaling.MetricSpecsAnnotation`.
pub const METRIC_SPECS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/metrics";
/// `autoscaling.MetricStatusesAnnotation`.
pub const METRIC_STATUSES_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/current-metrics";
/// `autoscaling.HorizontalPodAutoscalerConditionsAnnotation`.
pub const CONDITIONS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/conditions";
/// `autoscaling.BehaviorSpecsAnnotation`.
pub const BEHAVIOR_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/behavior";
/// `autoscaling.DefaultCPUUtilization`.
pub const DEFAULT_CPU_UTILIZATION: i64 = 80;

const ROUND_TRIP_ANNOTATIONS: [&str; 4] = [
    METRIC_SPECS_ANNOTATION,
    BEHAVIOR_ANNOTATION,
    METRIC_STATUSES_ANNOTATION,
    CONDITIONS_ANNOTATION,
];

/// A v1 annotation that could not be read: its key and the decoding error.
pub type AnnotationError = (&'static str, String);

/// Upstream's `DropRoundTripHorizontalPodAutoscalerAnnotations`: no version but v1 shows or
/// stores the round-trip annotations.
pub fn drop_round_trip_annotations(obj: &mut Value) {
    let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    if let Some(annotations) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
        for key in ROUND_TRIP_ANNOTATIONS {
            annotations.remove(key);
        }
        if annotations.is_empty() {
            meta.remove("annotations");
        }
    }
}

fn set_annotation(obj: &mut Value, key: &str, value: String) {
    let meta = crate::object::metadata_mut(obj);
    let annotations = meta
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    if !annotations.is_object() {
        *annotations = Value::Object(Map::new());
    }
    if let Some(map) = annotations.as_object_mut() {
        map.insert(key.to_string(), Value::String(value));
    }
}

fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj.get("metadata")?.get("annotations")?.get(key)?.as_str()
}

/// Reads a JSON annotation, remembering why it could not be read.
fn parse_annotation(
    obj: &Value,
    key: &'static str,
    errors: &mut Vec<AnnotationError>,
) -> Option<Value> {
    let text = annotation(obj, key)?;
    match serde_json::from_str::<Value>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push((key, e.to_string()));
            None
        }
    }
}

/// A v2 (storage-shaped) HPA as autoscaling/v1 (`Convert_autoscaling_HorizontalPodAutoscaler_To_v1_…`).
pub fn v2_to_v1(v2: &Value) -> Value {
    let mut out = v2.clone();
    let spec = &v2["spec"];
    let metrics = items(spec.get("metrics"));
    let mut v1_spec = Map::new();
    put(&mut v1_spec, "scaleTargetRef", spec.get("scaleTargetRef"));
    put(&mut v1_spec, "minReplicas", spec.get("minReplicas"));
    v1_spec.insert(
        "maxReplicas".into(),
        spec.get("maxReplicas").cloned().unwrap_or(json!(0)),
    );
    if let Some(cpu) = metrics.iter().find(|m| is_cpu_resource(m)) {
        put(
            &mut v1_spec,
            "targetCPUUtilizationPercentage",
            Some(&cpu["resource"]["target"]["averageUtilization"]),
        );
    }
    let other: Vec<Value> = metrics
        .iter()
        .filter(|m| !is_cpu_resource(m) || m["resource"]["target"]["averageUtilization"].is_null())
        .map(metric_spec_to_v1)
        .collect();

    let status = v2.get("status").filter(|s| s.is_object());
    let current_metrics = status
        .map(|s| items(s.get("currentMetrics")))
        .unwrap_or(&[]);
    let conditions = status.map(|s| items(s.get("conditions"))).unwrap_or(&[]);
    let mut v1_status = Map::new();
    if let Some(s) = status {
        put(
            &mut v1_status,
            "observedGeneration",
            s.get("observedGeneration"),
        );
        put(&mut v1_status, "lastScaleTime", s.get("lastScaleTime"));
        v1_status.insert(
            "currentReplicas".into(),
            s.get("currentReplicas").cloned().unwrap_or(json!(0)),
        );
        v1_status.insert(
            "desiredReplicas".into(),
            s.get("desiredReplicas").cloned().unwrap_or(json!(0)),
        );
        for m in current_metrics.iter().filter(|m| is_cpu_resource(m)) {
            put(
                &mut v1_status,
                "currentCPUUtilizationPercentage",
                Some(&m["resource"]["current"]["averageUtilization"]),
            );
        }
    }

    if let Some(map) = out.as_object_mut() {
        map.insert("apiVersion".into(), json!("autoscaling/v1"));
        map.insert("spec".into(), Value::Object(v1_spec));
        if status.is_some() {
            map.insert("status".into(), Value::Object(v1_status));
        }
    }
    drop_round_trip_annotations(&mut out);
    if !other.is_empty() {
        set_annotation(
            &mut out,
            METRIC_SPECS_ANNOTATION,
            Value::Array(other).to_string(),
        );
    }
    if !current_metrics.is_empty() {
        let v1: Vec<Value> = current_metrics.iter().map(metric_status_to_v1).collect();
        set_annotation(
            &mut out,
            METRIC_STATUSES_ANNOTATION,
            Value::Array(v1).to_string(),
        );
    }
    if !conditions.is_empty() {
        set_annotation(
            &mut out,
            CONDITIONS_ANNOTATION,
            Value::Array(conditions.to_vec()).to_string(),
        );
    }
    if let Some(b) = spec.get("behavior").filter(|b| b.is_object()) {
        set_annotation(
            &mut out,
            BEHAVIOR_ANNOTATION,
            behavior_to_internal(b).to_string(),
        );
    }
    out
}

/// An autoscaling/v1 HPA in the stored v2 shape
/// (`Convert_v1_HorizontalPodAutoscaler_To_autoscaling_…`), with the annotations that could
/// not be read (upstream refuses such a body; they are left out of the result).
pub fn v1_to_v2(v1: &Value) -> (Value, Vec<AnnotationError>) {
    let mut errors = Vec::new();
    let mut out = v1.clone();
    let spec = &v1["spec"];
    let mut v2_spec = Map::new();
    put(&mut v2_spec, "scaleTargetRef", spec.get("scaleTargetRef"));
    put(&mut v2_spec, "minReplicas", spec.get("minReplicas"));
    v2_spec.insert(
        "maxReplicas".into(),
        spec.get("maxReplicas").cloned().unwrap_or(json!(0)),
    );
    let cpu = spec
        .get("targetCPUUtilizationPercentage")
        .filter(|v| !v.is_null())
        .map(|t| {
            json!({"type": "Resource", "resource": {"name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": t}}})
        });
    let mut metrics: Vec<Value> = parse_annotation(v1, METRIC_SPECS_ANNOTATION, &mut errors)
        .map(|m| items(Some(&m)).iter().map(metric_spec_to_v2).collect())
        .unwrap_or_default();
    metrics.extend(cpu);
    if metrics.is_empty() {
        metrics.push(json!({"type": "Resource", "resource": {"name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION}}}));
    }
    v2_spec.insert("metrics".into(), Value::Array(metrics));
    if let Some(b) = parse_annotation(v1, BEHAVIOR_ANNOTATION, &mut errors).filter(Value::is_object)
    {
        let mut behavior = behavior_from_internal(&b);
        super::default_behavior(&mut behavior);
        v2_spec.insert("behavior".into(), behavior);
    }

    let status = v1.get("status").filter(|s| s.is_object());
    let mut v2_status = Map::new();
    if let Some(s) = status {
        put(
            &mut v2_status,
            "observedGeneration",
            s.get("observedGeneration"),
        );
        put(&mut v2_status, "lastScaleTime", s.get("lastScaleTime"));
        put(&mut v2_status, "currentReplicas", s.get("currentReplicas"));
        v2_status.insert(
            "desiredReplicas".into(),
            s.get("desiredReplicas").cloned().unwrap_or(json!(0)),
        );
        if let Some(c) = s
            .get("currentCPUUtilizationPercentage")
            .filter(|v| !v.is_null())
        {
            v2_status.insert(
                "currentMetrics".into(),
                json!([{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": c}}}]),
            );
        }
    }
    if let Some(m) = parse_annotation(v1, METRIC_STATUSES_ANNOTATION, &mut errors) {
        let current: Vec<Value> = items(Some(&m)).iter().map(metric_status_to_v2).collect();
        v2_status.insert("currentMetrics".into(), Value::Array(current));
    }
    if let Some(c) = parse_annotation(v1, CONDITIONS_ANNOTATION, &mut errors) {
        v2_status.insert("conditions".into(), Value::Array(items(Some(&c)).to_vec()));
    }

    if let Some(map) = out.as_object_mut() {
        map.insert("apiVersion".into(), json!("autoscaling/v2"));
        map.insert("spec".into(), Value::Object(v2_spec));
        if status.is_some() || !v2_status.is_empty() {
            map.insert("status".into(), Value::Object(v2_status));
        }
    }
    drop_round_trip_annotations(&mut out);
    (out, errors)
}
