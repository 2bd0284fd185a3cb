//! Upstream's `ValidateHorizontalPodAutoscaler` (pkg/apis/autoscaling/validation) over the v2
//! shape: replica bounds, the scale target, every metric source and target, and the
//! behavior's scaling rules.

use api_types::quantity::Quantity;
use api_types::validation::{
    is_dns1123_label, is_qualified_name, validate_nonnegative_field, validate_path_segment_name,
    FieldError, FieldPath,
};
use serde_json::Value;

/// Upstream's `MaxPeriodSeconds`.
const MAX_PERIOD_SECONDS: i64 = 1800;
/// Upstream's `MaxStabilizationWindowSeconds`.
const MAX_STABILIZATION_WINDOW_SECONDS: i64 = 3600;
const METRIC_SOURCE_TYPES: [&str; 5] = [
    "ContainerResource",
    "External",
    "Object",
    "Pods",
    "Resource",
];
const SELECT_POLICIES: [&str; 3] = ["Disabled", "Max", "Min"];
const POLICY_TYPES: [&str; 2] = ["Percent", "Pods"];
/// Validates one metric source at its path.
type SourceValidator = fn(&Value, &FieldPath) -> Vec<FieldError>;

/// Resource names a container can request without a domain prefix.
const STANDARD_CONTAINER_RESOURCES: [&str; 3] = ["cpu", "memory", "ephemeral-storage"];

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// A Quantity field's sign, `None` when it does not parse (treated as not positive).
fn sign(v: &Value) -> Option<i32> {
    let q = match v {
        Value::String(s) => Quantity::parse(s).ok()?,
        Value::Number(n) => Quantity::parse(&n.to_string()).ok()?,
        _ => return None,
    };
    Some(q.sign())
}

/// Validates an HPA in the v2 shape; `min_replicas_lower_bound` is 1 unless the object
/// already scales to zero (the `HPAScaleToZero` alpha gate is off).
pub fn validate_hpa(obj: &Value, min_replicas_lower_bound: i64) -> Vec<FieldError> {
    let spec = &obj["spec"];
    let path = FieldPath::new("spec");
    let mut errs = Vec::new();
    let min = spec["minReplicas"].as_i64();
    let max = spec["maxReplicas"].as_i64().unwrap_or(0);
    if let Some(min) = min.filter(|m| *m < min_replicas_lower_bound) {
        errs.push(FieldError::invalid(
            &path.child("minReplicas"),
            min,
            format!("must be greater than or equal to {min_replicas_lower_bound}"),
        ));
    }
    if max < 1 {
        errs.push(FieldError::invalid(
            &path.child("maxReplicas"),
            max,
            "must be greater than 0",
        ));
    }
    if min.is_some_and(|m| max < m) {
        errs.push(FieldError::invalid(
            &path.child("maxReplicas"),
            max,
            "must be greater than or equal to `minReplicas`",
        ));
    }
    errs.extend(validate_cross_version_ref(
        &spec["scaleTargetRef"],
        &path.child("scaleTargetRef"),
    ));
    errs.extend(validate_metrics(spec, &path.child("metrics"), min));
    if spec["behavior"].is_object() {
        let bpath = path.child("behavior");
        for rules in ["scaleUp", "scaleDown"] {
            errs.extend(validate_scaling_rules(
                &spec["behavior"][rules],
                &bpath.child(rules),
            ));
        }
    }
    errs
}

/// Upstream's `ValidateHorizontalPodAutoscalerStatusUpdate` (beyond metadata).
pub fn validate_hpa_status(obj: &Value) -> Vec<FieldError> {
    let status = &obj["status"];
    let path = FieldPath::new("status");
    let mut errs = Vec::new();
    for field in ["currentReplicas", "desiredReplicas"] {
        errs.extend(validate_nonnegative_field(
            status[field].as_i64().unwrap_or(0),
            &path.child(field),
        ));
    }
    errs
}

/// Upstream's `ValidateCrossVersionObjectReference`.
fn validate_cross_version_ref(r: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for field in ["kind", "name"] {
        let value = text(&r[field]);
        if value.is_empty() {
            errs.push(FieldError::required(&path.child(field), ""));
        } else {
            for msg in validate_path_segment_name(value, false) {
                errs.push(FieldError::invalid(&path.child(field), value, msg));
            }
        }
    }
    errs
}

fn validate_metrics(spec: &Value, path: &FieldPath, min_replicas: Option<i64>) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let metrics = spec["metrics"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    for (i, m) in metrics.iter().enumerate() {
        errs.extend(validate_metric_spec(m, &path.index(i)));
    }
    let scales_from_zero_capable = metrics
        .iter()
        .any(|m| m["type"] == "Object" || m["type"] == "External");
    if min_replicas == Some(0) && !scales_from_zero_capable {
        errs.push(FieldError::forbidden(
            path,
            "must specify at least one Object or External metric to support scaling to zero replicas",
        ));
    }
    errs
}

/// Upstream's `validateMetricSpec`: a known type, and exactly its source populated.
fn validate_metric_spec(m: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let kind = text(&m["type"]);
    if kind.is_empty() {
        errs.push(FieldError::required(
            &path.child("type"),
            "must specify a metric source type",
        ));
    }
    if !METRIC_SOURCE_TYPES.contains(&kind) {
        errs.push(FieldError::not_supported(
            &path.child("type"),
            kind,
            &METRIC_SOURCE_TYPES,
        ));
    }
    // Upstream's order; only the first source present is validated.
    let sources: [(&str, SourceValidator); 5] = [
        ("object", validate_object_source),
        ("external", validate_external_source),
        ("pods", validate_pods_source),
        ("resource", validate_resource_source),
        ("containerResource", validate_container_resource_source),
    ];
    let mut present = Vec::new();
    for (field, validate) in sources {
        if m[field].is_object() {
            present.push(field);
            if present.len() == 1 {
                errs.extend(validate(&m[field], &path.child(field)));
            }
        }
    }
    let expected = match kind {
        "Object" => "object",
        "Pods" => "pods",
        "Resource" => "resource",
        "External" => "external",
        "ContainerResource" => "containerResource",
        _ => {
            errs.push(FieldError::not_supported(
                &path.child("type"),
                kind,
                &METRIC_SOURCE_TYPES,
            ));
            ""
        }
    };
    if !expected.is_empty() && !m[expected].is_object() {
        errs.push(FieldError::required(
            &path.child(expected),
            "must populate information for the given metric source",
        ));
    }
    if present.len() != 1 {
        // Upstream walks a set: sorted names.
        let mut others: Vec<&str> = present.into_iter().filter(|f| *f != expected).collect();
        others.sort_unstable();
        for field in others {
            errs.push(FieldError::forbidden(
                &path.child(field),
                "must populate the given metric source only",
            ));
        }
    }
    errs
}

fn validate_object_source(src: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs =
        validate_cross_version_ref(&src["describedObject"], &path.child("describedObject"));
    errs.extend(validate_metric_identifier(
        &src["metric"],
        &path.child("metric"),
    ));
    errs.extend(validate_metric_target(
        &src["target"],
        &path.child("target"),
    ));
    if src["target"]["value"].is_null() && src["target"]["averageValue"].is_null() {
        errs.push(FieldError::required(
            &path.child("target").child("averageValue"),
            "must set either a target value or averageValue",
        ));
    }
    errs
}

fn validate_external_source(src: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = validate_metric_identifier(&src["metric"], &path.child("metric"));
    errs.extend(validate_metric_target(
        &src["target"],
        &path.child("target"),
    ));
    let (value, average) = (&src["target"]["value"], &src["target"]["averageValue"]);
    if value.is_null() && average.is_null() {
        errs.push(FieldError::required(
            &path.child("target").child("averageValue"),
            "must set either a target value for metric or a per-pod target",
        ));
    }
    if !value.is_null() && !average.is_null() {
        errs.push(FieldError::forbidden(
            &path.child("target").child("value"),
            "may not set both a target value for metric and a per-pod target",
        ));
    }
    errs
}

fn validate_pods_source(src: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = validate_metric_identifier(&src["metric"], &path.child("metric"));
    errs.extend(validate_metric_target(
        &src["target"],
        &path.child("target"),
    ));
    if src["target"]["averageValue"].is_null() {
        errs.push(FieldError::required(
            &path.child("target").child("averageValue"),
            "must specify a positive target averageValue",
        ));
    }
    errs
}

/// The utilization-or-value rule shared by resource and container resource sources.
fn validate_resource_target(target: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = validate_metric_target(target, path);
    let (util, average) = (&target["averageUtilization"], &target["averageValue"]);
    if util.is_null() && average.is_null() {
        errs.push(FieldError::required(
            &path.child("averageUtilization"),
            "must set either a target raw value or a target utilization",
        ));
    }
    if !util.is_null() && !average.is_null() {
        errs.push(FieldError::forbidden(
            &path.child("averageValue"),
            "may not set both a target raw value and a target utilization",
        ));
    }
    errs
}

fn validate_resource_source(src: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if text(&src["name"]).is_empty() {
        errs.push(FieldError::required(
            &path.child("name"),
            "must specify a resource name",
        ));
    }
    errs.extend(validate_resource_target(
        &src["target"],
        &path.child("target"),
    ));
    errs
}

fn validate_container_resource_source(src: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = text(&src["name"]);
    let name_path = path.child("name");
    if name.is_empty() {
        errs.push(FieldError::required(
            &name_path,
            "must specify a resource name",
        ));
    } else {
        for msg in is_qualified_name(name) {
            errs.push(FieldError::invalid(&name_path, name, msg));
        }
        let standard =
            STANDARD_CONTAINER_RESOURCES.contains(&name) || name.starts_with("hugepages-");
        if !name.contains('/') && !standard {
            errs.push(FieldError::invalid(
                &name_path,
                name,
                "must be a standard resource for containers",
            ));
        }
    }
    let container = text(&src["container"]);
    if container.is_empty() {
        errs.push(FieldError::required(
            &path.child("container"),
            "must specify a container",
        ));
    } else {
        for msg in is_dns1123_label(container) {
            errs.push(FieldError::invalid(
                &path.child("container"),
                container,
                msg,
            ));
        }
    }
    errs.extend(validate_resource_target(
        &src["target"],
        &path.child("target"),
    ));
    errs
}

/// Upstream's `validateMetricTarget`.
fn validate_metric_target(t: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let kind = text(&t["type"]);
    if kind.is_empty() {
        errs.push(FieldError::required(
            &path.child("type"),
            "must specify a metric target type",
        ));
    }
    if !["Utilization", "Value", "AverageValue"].contains(&kind) {
        errs.push(FieldError::invalid(
            &path.child("type"),
            kind,
            "must be either Utilization, Value, or AverageValue",
        ));
    }
    for field in ["value", "averageValue"] {
        let v = &t[field];
        if !v.is_null() && sign(v) != Some(1) {
            errs.push(FieldError::invalid(
                &path.child(field),
                v.clone(),
                "must be positive",
            ));
        }
    }
    if let Some(u) = t["averageUtilization"].as_i64().filter(|u| *u < 1) {
        errs.push(FieldError::invalid(
            &path.child("averageUtilization"),
            u,
            "must be greater than 0",
        ));
    }
    errs
}

/// Upstream's `validateMetricIdentifier`.
fn validate_metric_identifier(id: &Value, path: &FieldPath) -> Vec<FieldError> {
    let name = text(&id["name"]);
    if name.is_empty() {
        return vec![FieldError::required(
            &path.child("name"),
            "must specify a metric name",
        )];
    }
    validate_path_segment_name(name, false)
        .into_iter()
        .map(|msg| FieldError::invalid(&path.child("name"), name, msg))
        .collect()
}

/// Upstream's `validateScalingRules`.
fn validate_scaling_rules(rules: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if !rules.is_object() {
        return errs;
    }
    if let Some(w) = rules["stabilizationWindowSeconds"].as_i64() {
        let wpath = path.child("stabilizationWindowSeconds");
        if w < 0 {
            errs.push(FieldError::invalid(
                &wpath,
                w,
                "must be greater than or equal to zero",
            ));
        }
        if w > MAX_STABILIZATION_WINDOW_SECONDS {
            errs.push(FieldError::invalid(
                &wpath,
                w,
                format!("must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"),
            ));
        }
    }
    if let Some(p) = rules["selectPolicy"].as_str() {
        if !SELECT_POLICIES.contains(&p) {
            errs.push(FieldError::not_supported(
                &path.child("selectPolicy"),
                p,
                &SELECT_POLICIES,
            ));
        }
    }
    let policies_path = path.child("policies");
    let policies = rules["policies"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if policies.is_empty() {
        errs.push(FieldError::required(
            &policies_path,
            "must specify at least one Policy",
        ));
    }
    for (i, policy) in policies.iter().enumerate() {
        let ppath = policies_path.index(i);
        let kind = text(&policy["type"]);
        if !POLICY_TYPES.contains(&kind) {
            errs.push(FieldError::not_supported(
                &ppath.child("type"),
                kind,
                &POLICY_TYPES,
            ));
        }
        let value = policy["value"].as_i64().unwrap_or(0);
        if value <= 0 {
            errs.push(FieldError::invalid(
                &ppath.child("value"),
                value,
                "must be greater than zero",
            ));
        }
        let period = policy["periodSeconds"].as_i64().unwrap_or(0);
        if period <= 0 {
            errs.push(FieldError::invalid(
                &ppath.child("periodSeconds"),
                period,
                "must be greater than zero",
            ));
        }
        if period > MAX_PERIOD_SECONDS {
            errs.push(FieldError::invalid(
                &ppath.child("periodSeconds"),
                period,
                format!("must be less than or equal to {MAX_PERIOD_SECONDS}"),
            ));
        }
    }
    errs
}
