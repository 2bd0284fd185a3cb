//! The metric, metric status and behavior shapes of `autoscaling/v1`'s round-trip
//! annotations, mapped to and from the stored `autoscaling/v2` shapes (upstream's
//! `Convert_v1_MetricSpec_To_autoscaling_MetricSpec` and friends).

use serde_json::{json, Map, Value};

/// Inserts `value` under `key` unless it is absent or null (Go's `omitempty` on pointers).
pub(super) fn put(map: &mut Map<String, Value>, key: &str, value: Option<&Value>) {
    if let Some(v) = value.filter(|v| !v.is_null()) {
        map.insert(key.to_string(), v.clone());
    }
}

pub(super) fn items(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

pub(super) fn is_cpu_resource(metric: &Value) -> bool {
    metric["type"] == "Resource"
        && metric["resource"].is_object()
        && metric["resource"]["name"] == "cpu"
}

/// The Quantity a non-pointer v1 field holds: the value, or Go's zero `"0"`.
fn quantity_or_zero(v: &Value) -> Value {
    if v.is_null() {
        json!("0")
    } else {
        v.clone()
    }
}

fn metric_identifier(name: &Value, selector: &Value) -> Value {
    let mut id = Map::new();
    id.insert("name".into(), name.as_str().map_or(json!(""), |s| json!(s)));
    put(&mut id, "selector", Some(selector));
    Value::Object(id)
}

/// A v2 `MetricTarget` of `kind` with the values that are set.
fn target(kind: &str, value: &Value, average_value: &Value, utilization: &Value) -> Value {
    let mut t = Map::new();
    t.insert("type".into(), json!(kind));
    put(&mut t, "value", Some(value));
    put(&mut t, "averageValue", Some(average_value));
    put(&mut t, "averageUtilization", Some(utilization));
    Value::Object(t)
}

/// A v1 `MetricSpec` (annotation shape) as a v2 `MetricSpec`.
pub(super) fn metric_spec_to_v2(m: &Value) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), m["type"].clone());
    if let Some(r) = m.get("resource").filter(|v| v.is_object()) {
        let kind = if r["targetAverageUtilization"].is_null() {
            "AverageValue"
        } else {
            "Utilization"
        };
        out.insert(
            "resource".into(),
            json!({"name": r["name"], "target": target(kind, &Value::Null, &r["targetAverageValue"], &r["targetAverageUtilization"])}),
        );
    }
    if let Some(r) = m.get("containerResource").filter(|v| v.is_object()) {
        let kind = if r["targetAverageUtilization"].is_null() {
            "AverageValue"
        } else {
            "Utilization"
        };
        out.insert(
            "containerResource".into(),
            json!({"name": r["name"], "container": r["container"],
                "target": target(kind, &Value::Null, &r["targetAverageValue"], &r["targetAverageUtilization"])}),
        );
    }
    if let Some(p) = m.get("pods").filter(|v| v.is_object()) {
        out.insert(
            "pods".into(),
            json!({"metric": metric_identifier(&p["metricName"], &p["selector"]),
                "target": target("AverageValue", &Value::Null, &quantity_or_zero(&p["targetAverageValue"]), &Value::Null)}),
        );
    }
    if let Some(o) = m.get("object").filter(|v| v.is_object()) {
        let kind = if o["averageValue"].is_null() {
            "Value"
        } else {
            "AverageValue"
        };
        out.insert(
            "object".into(),
            json!({"describedObject": o["target"], "metric": metric_identifier(&o["metricName"], &o["selector"]),
                "target": target(kind, &quantity_or_zero(&o["targetValue"]), &o["averageValue"], &Value::Null)}),
        );
    }
    if let Some(e) = m.get("external").filter(|v| v.is_object()) {
        let kind = if e["targetValue"].is_null() {
            "AverageValue"
        } else {
            "Value"
        };
        out.insert(
            "external".into(),
            json!({"metric": metric_identifier(&e["metricName"], &e["metricSelector"]),
                "target": target(kind, &e["targetValue"], &e["targetAverageValue"], &Value::Null)}),
        );
    }
    Value::Object(out)
}

/// A v2 `MetricSpec` as a v1 `MetricSpec` (annotation shape).
pub(super) fn metric_spec_to_v1(m: &Value) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), m["type"].clone());
    if let Some(r) = m.get("resource").filter(|v| v.is_object()) {
        let mut v1 = Map::new();
        v1.insert("name".into(), r["name"].clone());
        put(
            &mut v1,
            "targetAverageUtilization",
            Some(&r["target"]["averageUtilization"]),
        );
        put(
            &mut v1,
            "targetAverageValue",
            Some(&r["target"]["averageValue"]),
        );
        out.insert("resource".into(), Value::Object(v1));
    }
    if let Some(r) = m.get("containerResource").filter(|v| v.is_object()) {
        let mut v1 = Map::new();
        v1.insert("name".into(), r["name"].clone());
        put(
            &mut v1,
            "targetAverageUtilization",
            Some(&r["target"]["averageUtilization"]),
        );
        put(
            &mut v1,
            "targetAverageValue",
            Some(&r["target"]["averageValue"]),
        );
        v1.insert("container".into(), r["container"].clone());
        out.insert("containerResource".into(), Value::Object(v1));
    }
    if let Some(p) = m.get("pods").filter(|v| v.is_object()) {
        let mut v1 = Map::new();
        v1.insert("metricName".into(), p["metric"]["name"].clone());
        v1.insert(
            "targetAverageValue".into(),
            quantity_or_zero(&p["target"]["averageValue"]),
        );
        put(&mut v1, "selector", Some(&p["metric"]["selector"]));
        out.insert("pods".into(), Value::Object(v1));
    }
    if let Some(o) = m.get("object").filter(|v| v.is_object()) {
        let mut v1 = Map::new();
        v1.insert("target".into(), o["describedObject"].clone());
        v1.insert("metricName".into(), o["metric"]["name"].clone());
        v1.insert(
            "targetValue".into(),
            quantity_or_zero(&o["target"]["value"]),
        );
        put(&mut v1, "selector", Some(&o["metric"]["selector"]));
        put(&mut v1, "averageValue", Some(&o["target"]["averageValue"]));
        out.insert("object".into(), Value::Object(v1));
    }
    if let Some(e) = m.get("external").filter(|v| v.is_object()) {
        let mut v1 = Map::new();
        v1.insert("metricName".into(), e["metric"]["name"].clone());
        put(&mut v1, "metricSelector", Some(&e["metric"]["selector"]));
        put(&mut v1, "targetValue", Some(&e["target"]["value"]));
        put(
            &mut v1,
            "targetAverageValue",
            Some(&e["target"]["averageValue"]),
        );
        out.insert("external".into(), Value::Object(v1));
    }
    Value::Object(out)
}

/// A v2 `MetricValueStatus` with the values that are set.
fn current(value: &Value, average_value: &Value, utilization: &Value) -> Value {
    let mut c = Map::new();
    put(&mut c, "value", Some(value));
    put(&mut c, "averageValue", Some(average_value));
    put(&mut c, "averageUtilization", Some(utilization));
    Value::Object(c)
}

/// A v1 `MetricStatus` (annotation shape) as a v2 `MetricStatus`.
pub(super) fn metric_status_to_v2(m: &Value) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), m["type"].clone());
    if let Some(r) = m.get("resource").filter(|v| v.is_object()) {
        out.insert(
            "resource".into(),
            json!({"name": r["name"], "current": current(&Value::Null, &quantity_or_zero(&r["currentAverageValue"]), &r["currentAverageUtilization"])}),
        );
    }
    if let Some(r) = m.get("containerResource").filter(|v| v.is_object()) {
        out.insert(
            "containerResource".into(),
            json!({"name": r["name"], "container": r["container"],
                "current": current(&Value::Null, &quantity_or_zero(&r["currentAverageValue"]), &r["currentAverageUtilization"])}),
        );
    }
    if let Some(p) = m.get("pods").filter(|v| v.is_object()) {
        out.insert(
            "pods".into(),
            json!({"metric": metric_identifier(&p["metricName"], &p["selector"]),
                "current": current(&Value::Null, &quantity_or_zero(&p["currentAverageValue"]), &Value::Null)}),
        );
    }
    if let Some(o) = m.get("object").filter(|v| v.is_object()) {
        out.insert(
            "object".into(),
            json!({"describedObject": o["target"], "metric": metric_identifier(&o["metricName"], &o["selector"]),
                "current": current(&quantity_or_zero(&o["currentValue"]), &o["averageValue"], &Value::Null)}),
        );
    }
    if let Some(e) = m.get("external").filter(|v| v.is_object()) {
        out.insert(
            "external".into(),
            json!({"metric": metric_identifier(&e["metricName"], &e["metricSelector"]),
                "current": current(&quantity_or_zero(&e["currentValue"]), &e["currentAverageValue"], &Value::Null)}),
        );
    }
    Value::Object(out)
}

/// A v2 `MetricStatus` as a v1 `MetricStatus` (annotation shape).
pub(super) fn metric_status_to_v1(m: &Value) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), m["type"].clone());
    for (field, with_container) in [("resource", false), ("containerResource", true)] {
        if let Some(r) = m.get(field).filter(|v| v.is_object()) {
            let mut v1 = Map::new();
            v1.insert("name".into(), r["name"].clone());
            put(
                &mut v1,
                "currentAverageUtilization",
                Some(&r["current"]["averageUtilization"]),
            );
            v1.insert(
                "currentAverageValue".into(),
                quantity_or_zero(&r["current"]["averageValue"]),
            );
            if with_container {
                v1.insert("container".into(), r["container"].clone());
            }
            out.insert(field.into(), Value::Object(v1));
        }
    }
    if let Some(p) = m.get("pods").filter(|v| v.is_object()) {
        let mut v1 = Map::new();
        v1.insert("metricName".into(), p["metric"]["name"].clone());
        v1.insert(
            "currentAverageValue".into(),
            quantity_or_zero(&p["current"]["averageValue"]),
        );
        put(&mut v1, "selector", Some(&p["metric"]["selector"]));
        out.insert("pods".into(), Value::Object(v1));
    }
    if let Some(o) = m.get("object").filter(|v| v.is_object()) {
        let mut v1 = Map::new();
        v1.insert("target".into(), o["describedObject"].clone());
        v1.insert("metricName".into(), o["metric"]["name"].clone());
        v1.insert(
            "currentValue".into(),
            quantity_or_zero(&o["current"]["value"]),
        );
        put(&mut v1, "selector", Some(&o["metric"]["selector"]));
        put(&mut v1, "averageValue", Some(&o["current"]["averageValue"]));
        out.insert("object".into(), Value::Object(v1));
    }
    if let Some(e) = m.get("external").filter(|v| v.is_object()) {
        let mut v1 = Map::new();
        v1.insert("metricName".into(), e["metric"]["name"].clone());
        put(&mut v1, "metricSelector", Some(&e["metric"]["selector"]));
        v1.insert(
            "currentValue".into(),
            quantity_or_zero(&e["current"]["value"]),
        );
        put(
            &mut v1,
            "currentAverageValue",
            Some(&e["current"]["averageValue"]),
        );
        out.insert("external".into(), Value::Object(v1));
    }
    Value::Object(out)
}

/// The v2 behavior as upstream marshals its internal type (Go field names, nil as null).
pub(super) fn behavior_to_internal(b: &Value) -> Value {
    let rules = |r: &Value| {
        if !r.is_object() {
            return Value::Null;
        }
        let policies = r["policies"].as_array().map(|ps| {
            ps.iter()
                .map(|p| json!({"Type": p["type"], "Value": p["value"], "PeriodSeconds": p["periodSeconds"]}))
                .collect::<Vec<_>>()
        });
        let mut out = json!({"StabilizationWindowSeconds": r["stabilizationWindowSeconds"],
            "SelectPolicy": r["selectPolicy"], "Policies": policies});
        if let Some(t) = r.get("tolerance").filter(|t| !t.is_null()) {
            out["Tolerance"] = t.clone();
        }
        out
    };
    json!({"ScaleUp": rules(&b["scaleUp"]), "ScaleDown": rules(&b["scaleDown"])})
}

/// A field of a Go-marshalled object, matched case-insensitively as `encoding/json` does.
fn go_field<'a>(obj: &'a Value, name: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    obj.as_object()
        .and_then(|m| {
            m.get(name).or_else(|| {
                m.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
        })
        .unwrap_or(&NULL)
}

/// The behavior annotation (internal type) as a v2 behavior.
pub(super) fn behavior_from_internal(b: &Value) -> Value {
    let rules = |r: &Value| {
        if !r.is_object() {
            return Value::Null;
        }
        let mut out = Map::new();
        put(
            &mut out,
            "stabilizationWindowSeconds",
            Some(go_field(r, "StabilizationWindowSeconds")),
        );
        put(&mut out, "selectPolicy", Some(go_field(r, "SelectPolicy")));
        if let Some(ps) = go_field(r, "Policies").as_array() {
            let policies: Vec<Value> = ps
                .iter()
                .map(|p| {
                    json!({"type": go_field(p, "Type"), "value": go_field(p, "Value"),
                    "periodSeconds": go_field(p, "PeriodSeconds")})
                })
                .collect();
            out.insert("policies".into(), Value::Array(policies));
        }
        put(&mut out, "tolerance", Some(go_field(r, "Tolerance")));
        Value::Object(out)
    };
    let mut out = Map::new();
    put(&mut out, "scaleUp", Some(&rules(go_field(b, "ScaleUp"))));
    put(
        &mut out,
        "scaleDown",
        Some(&rules(go_field(b, "ScaleDown"))),
    );
    Value::Object(out)
}
