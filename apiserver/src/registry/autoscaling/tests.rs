use super::*;
use api_types::validation::FieldPath;

fn strategy(version: &str) -> HpaStrategy {
    let info = api_types::registry::builtin()
        .get("autoscaling", version, "horizontalpodautoscalers")
        .unwrap();
    HpaStrategy::new(info)
}

/// `(field, reason, message)` of every error.
fn triples(errs: Vec<FieldError>) -> Vec<(String, String, String)> {
    errs.iter()
        .map(|e| (e.field.clone(), e.reason().to_string(), e.cause_message()))
        .collect()
}

/// `(field, reason, message)`.
type Triple = (String, String, String);

fn t(field: &str, reason: &str, msg: &str) -> Triple {
    (field.to_string(), reason.to_string(), msg.to_string())
}

fn good_v2() -> Value {
    json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 1, "maxReplicas": 5,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 50}}}]}})
}

#[test]
fn v2_defaults_like_upstream() {
    let s = strategy("v2");
    let mut hpa = json!({"spec": {"maxReplicas": 3, "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}}});
    s.defaults(&mut hpa);
    assert_eq!(hpa["spec"]["minReplicas"], 1);
    assert_eq!(
        hpa["spec"]["metrics"],
        json!([{"type": "Resource", "resource": {"name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": 80}}}])
    );
    assert_eq!(
        hpa["spec"]["behavior"]["scaleUp"],
        json!({"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15}]})
    );
    assert_eq!(
        hpa["spec"]["behavior"]["scaleDown"],
        json!({"stabilizationWindowSeconds": 60, "selectPolicy": "Max", "policies": [
            {"type": "Percent", "value": 100, "periodSeconds": 15}]})
    );
    let v1 = strategy("v1");
    let mut hpa = json!({"spec": {"maxReplicas": 3, "minReplicas": 2}});
    v1.defaults(&mut hpa);
    assert_eq!(hpa["spec"]["minReplicas"], 2);
    assert_eq!(hpa["spec"]["targetCPUUtilizationPercentage"], 80);
    assert!(hpa["spec"].get("metrics").is_none());
}

#[test]
fn spec_validation_table() {
    let s = strategy("v2");
    assert!(
        s.validate(&good_v2()).is_empty(),
        "{:?}",
        s.validate(&good_v2())
    );
    let cases: Vec<(&str, Value, Vec<Triple>)> = vec![
        (
            "max below min",
            json!({"minReplicas": 3, "maxReplicas": 2}),
            vec![t(
                "spec.maxReplicas",
                "FieldValueInvalid",
                "Invalid value: 2: must be greater than or equal to `minReplicas`",
            )],
        ),
        (
            "zero min without the alpha gate",
            json!({"minReplicas": 0}),
            vec![
                t(
                    "spec.minReplicas",
                    "FieldValueInvalid",
                    "Invalid value: 0: must be greater than or equal to 1",
                ),
                t(
                    "spec.metrics",
                    "FieldValueForbidden",
                    "Forbidden: must specify at least one Object or External metric to support scaling to zero replicas",
                ),
            ],
        ),
        (
            "zero max",
            json!({"minReplicas": null, "maxReplicas": 0}),
            vec![t("spec.maxReplicas", "FieldValueInvalid", "Invalid value: 0: must be greater than 0")],
        ),
        (
            "scale target",
            json!({"scaleTargetRef": {"kind": "", "name": "a/b"}}),
            vec![
                t("spec.scaleTargetRef.kind", "FieldValueRequired", "Required value"),
                t(
                    "spec.scaleTargetRef.name",
                    "FieldValueInvalid",
                    "Invalid value: \"a/b\": may not contain '/'",
                ),
            ],
        ),
        (
            "resource metric without target",
            json!({"metrics": [{"type": "Resource", "resource": {"name": "", "target": {"type": "Utilization"}}}]}),
            vec![
                t(
                    "spec.metrics[0].resource.name",
                    "FieldValueRequired",
                    "Required value: must specify a resource name",
                ),
                t(
                    "spec.metrics[0].resource.target.averageUtilization",
                    "FieldValueRequired",
                    "Required value: must set either a target raw value or a target utilization",
                ),
            ],
        ),
        (
            "bad targets",
            json!({"metrics": [{"type": "Pods", "pods": {"metric": {"name": "qps"},
                "target": {"type": "Bogus", "averageValue": "-1", "averageUtilization": 0}}}]}),
            vec![
                t(
                    "spec.metrics[0].pods.target.type",
                    "FieldValueInvalid",
                    "Invalid value: \"Bogus\": must be either Utilization, Value, or AverageValue",
                ),
                t(
                    "spec.metrics[0].pods.target.averageValue",
                    "FieldValueInvalid",
                    "Invalid value: \"-1\": must be positive",
                ),
                t(
                    "spec.metrics[0].pods.target.averageUtilization",
                    "FieldValueInvalid",
                    "Invalid value: 0: must be greater than 0",
                ),
            ],
        ),
        (
            "source of another type",
            json!({"metrics": [{"type": "External", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 50}}}]}),
            // One source present, if of another type: only the missing one is reported.
            vec![t(
                "spec.metrics[0].external",
                "FieldValueRequired",
                "Required value: must populate information for the given metric source",
            )],
        ),
        (
            "two sources",
            json!({"metrics": [{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 50}},
                "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "1"}}}]}),
            vec![t(
                "spec.metrics[0].pods",
                "FieldValueForbidden",
                "Forbidden: must populate the given metric source only",
            )],
        ),
        (
            "external with both targets",
            json!({"metrics": [{"type": "External", "external": {"metric": {"name": "q"},
                "target": {"type": "Value", "value": "1", "averageValue": "2"}}}]}),
            vec![t(
                "spec.metrics[0].external.target.value",
                "FieldValueForbidden",
                "Forbidden: may not set both a target value for metric and a per-pod target",
            )],
        ),
        (
            "container resource",
            json!({"metrics": [{"type": "ContainerResource", "containerResource": {"name": "gpu",
                "container": "", "target": {"type": "AverageValue", "averageValue": "1"}}}]}),
            vec![
                t(
                    "spec.metrics[0].containerResource.name",
                    "FieldValueInvalid",
                    "Invalid value: \"gpu\": must be a standard resource for containers",
                ),
                t(
                    "spec.metrics[0].containerResource.container",
                    "FieldValueRequired",
                    "Required value: must specify a container",
                ),
            ],
        ),
        (
            "behavior rules",
            json!({"behavior": {"scaleUp": {"stabilizationWindowSeconds": 3601, "selectPolicy": "Some",
                "policies": [{"type": "Nodes", "value": 0, "periodSeconds": 1801}]},
                "scaleDown": {"policies": []}}}),
            vec![
                t(
                    "spec.behavior.scaleUp.stabilizationWindowSeconds",
                    "FieldValueInvalid",
                    "Invalid value: 3601: must be less than or equal to 3600",
                ),
                t(
                    "spec.behavior.scaleUp.selectPolicy",
                    "FieldValueNotSupported",
                    "Unsupported value: \"Some\": supported values: \"Disabled\", \"Max\", \"Min\"",
                ),
                t(
                    "spec.behavior.scaleUp.policies[0].type",
                    "FieldValueNotSupported",
                    "Unsupported value: \"Nodes\": supported values: \"Percent\", \"Pods\"",
                ),
                t(
                    "spec.behavior.scaleUp.policies[0].value",
                    "FieldValueInvalid",
                    "Invalid value: 0: must be greater than zero",
                ),
                t(
                    "spec.behavior.scaleUp.policies[0].periodSeconds",
                    "FieldValueInvalid",
                    "Invalid value: 1801: must be less than or equal to 1800",
                ),
                t(
                    "spec.behavior.scaleDown.policies",
                    "FieldValueRequired",
                    "Required value: must specify at least one Policy",
                ),
            ],
        ),
    ];
    for (name, patch, want) in cases {
        let mut obj = good_v2();
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                obj["spec"].as_object_mut().unwrap().remove(k);
            } else {
                obj["spec"][k] = v.clone();
            }
        }
        assert_eq!(triples(s.validate(&obj)), want, "{name}");
    }
}

#[test]
fn v1_bodies_are_validated_in_v2_paths() {
    let s = strategy("v1");
    let v1 = json!({"metadata": {"name": "web", "namespace": "default",
            "annotations": {(v1::METRIC_SPECS_ANNOTATION): "not json"}},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"},
            "minReplicas": 1, "maxReplicas": 2, "targetCPUUtilizationPercentage": 0}});
    let got = triples(s.validate(&v1));
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        got[0].0,
        FieldPath::from_names(["metadata", "annotations"])
            .key(v1::METRIC_SPECS_ANNOTATION)
            .to_string()
    );
    assert_eq!(
        got[1],
        t(
            "spec.metrics[0].resource.target.averageUtilization",
            "FieldValueInvalid",
            "Invalid value: 0: must be greater than 0"
        )
    );
}

#[test]
fn status_is_kept_from_the_stored_object() {
    let s = strategy("v2");
    let mut obj = good_v2();
    obj["status"] = json!({"desiredReplicas": 3});
    s.prepare_for_create(&mut obj);
    assert!(obj.get("status").is_none());
    let mut new = good_v2();
    new["status"] = json!({"desiredReplicas": 9});
    s.prepare_for_update(&mut new, &json!({"status": {"desiredReplicas": 2}}));
    assert_eq!(new["status"]["desiredReplicas"], 2);
    assert!(s.tracks_generation());
    // v1 status annotations follow the status.
    let v1s = strategy("v1");
    let mut new =
        json!({"metadata": {"annotations": {(v1::CONDITIONS_ANNOTATION): "[]", "keep": "x"}}});
    v1s.prepare_for_update(
        &mut new,
        &json!({"metadata": {"annotations": {(v1::METRIC_STATUSES_ANNOTATION): "[1]"}}}),
    );
    assert_eq!(
        new["metadata"]["annotations"],
        json!({(v1::METRIC_STATUSES_ANNOTATION): "[1]", "keep": "x"})
    );
    // Negative status counts are refused on update (the status subresource path).
    let mut bad = good_v2();
    bad["status"] = json!({"currentReplicas": -1, "desiredReplicas": 0});
    assert_eq!(
        triples(s.validate_update(&bad, &good_v2())),
        vec![t(
            "status.currentReplicas",
            "FieldValueInvalid",
            "Invalid value: -1: must be greater than or equal to 0"
        )]
    );
    // An HPA already at minReplicas 0 may stay there (with an Object metric).
    let mut zero = good_v2();
    zero["spec"]["minReplicas"] = json!(0);
    zero["spec"]["metrics"] = json!([{"type": "Object", "object": {
        "describedObject": {"kind": "Service", "name": "s"}, "metric": {"name": "rps"},
        "target": {"type": "Value", "value": "10"}}}]);
    assert!(s.validate_update(&zero, &zero).is_empty());
}

#[test]
fn v1_and_v2_round_trip() {
    let v2 = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "default", "annotations": {"team": "a"}},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 2, "maxReplicas": 9,
            "metrics": [
                {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "10"}}},
                {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}],
            "behavior": {"scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                "policies": [{"type": "Pods", "value": 2, "periodSeconds": 30}]},
                "scaleDown": {"selectPolicy": "Min", "policies": [{"type": "Percent", "value": 10, "periodSeconds": 60}]}}},
        "status": {"currentReplicas": 2, "desiredReplicas": 3,
            "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 70, "averageValue": "350m"}}}],
            "conditions": [{"type": "AbleToScale", "status": "True", "reason": "Ready", "lastTransitionTime": "2025-01-01T00:00:00Z"}]}});
    let one = v1::v2_to_v1(&v2);
    assert_eq!(one["apiVersion"], "autoscaling/v1");
    assert_eq!(one["spec"]["targetCPUUtilizationPercentage"], 60);
    assert_eq!(one["status"]["currentCPUUtilizationPercentage"], 70);
    assert!(one["spec"].get("metrics").is_none());
    let ann = &one["metadata"]["annotations"];
    assert_eq!(ann["team"], "a");
    let metrics: Value =
        serde_json::from_str(ann[v1::METRIC_SPECS_ANNOTATION].as_str().unwrap()).unwrap();
    assert_eq!(
        metrics,
        json!([{"type": "Pods", "pods": {"metricName": "qps", "targetAverageValue": "10"}}])
    );
    let current: Value =
        serde_json::from_str(ann[v1::METRIC_STATUSES_ANNOTATION].as_str().unwrap()).unwrap();
    assert_eq!(
        current,
        json!([{"type": "Resource", "resource": {"name": "cpu", "currentAverageUtilization": 70, "currentAverageValue": "350m"}}])
    );
    let behavior: Value =
        serde_json::from_str(ann[v1::BEHAVIOR_ANNOTATION].as_str().unwrap()).unwrap();
    assert_eq!(behavior["ScaleDown"]["SelectPolicy"], "Min");
    assert!(ann.get(v1::CONDITIONS_ANNOTATION).is_some());

    let (back, errors) = v1::v1_to_v2(&one);
    assert!(errors.is_empty());
    assert_eq!(back, v2, "v2 -> v1 -> v2 keeps everything");

    // A plain v1 object maps its CPU target onto a v2 resource metric, and back.
    let plain = json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "w"},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "w"}, "minReplicas": 1,
            "maxReplicas": 3, "targetCPUUtilizationPercentage": 40}});
    let (two, _) = v1::v1_to_v2(&plain);
    assert_eq!(
        two["spec"]["metrics"],
        json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 40}}}])
    );
    assert!(two["metadata"].get("annotations").is_none());
    assert_eq!(v1::v2_to_v1(&two), plain);
    // Behavior written by an older server with lower-case keys still reads back.
    let mut lower = plain.clone();
    lower["metadata"]["annotations"] =
        json!({(v1::BEHAVIOR_ANNOTATION): "{\"scaleUp\":{\"selectPolicy\":\"Disabled\"}}"});
    let (two, _) = v1::v1_to_v2(&lower);
    assert_eq!(
        two["spec"]["behavior"]["scaleUp"]["selectPolicy"],
        "Disabled"
    );
    assert_eq!(
        two["spec"]["behavior"]["scaleUp"]["policies"][0]["value"],
        4
    );
}
