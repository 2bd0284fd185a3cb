//! HorizontalPodAutoscalers (`autoscaling/v2`, stored, and `autoscaling/v1`, converted):
//! upstream's defaults (`SetDefaults_HorizontalPodAutoscaler`), its strategy (status owned
//! by the `status` subresource, generation tracked) and `ValidateHorizontalPodAutoscaler`.
//! Validation runs on the v2 shape, as upstream validates the internal type, so a v1 body
//! gets v2 field paths.

mod metrics;
pub mod v1;
mod validation;

use api_types::registry::ResourceInfo;
use api_types::validation::FieldError;
use serde_json::{json, Map, Value};

use super::default::DefaultStrategy;
use super::Strategy;

pub use validation::{validate_hpa, validate_hpa_status};

/// Which served version a strategy handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V1,
    V2,
}

pub struct HpaStrategy {
    base: DefaultStrategy,
    version: Version,
}

impl HpaStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        HpaStrategy {
            base: DefaultStrategy::new(info),
            version: if info.version == "v1" {
                Version::V1
            } else {
                Version::V2
            },
        }
    }

    /// The object in the v2 shape upstream validates.
    fn as_v2(&self, obj: &Value) -> (Value, Vec<FieldError>) {
        match self.version {
            Version::V2 => (obj.clone(), Vec::new()),
            Version::V1 => {
                let (v2, bad) = v1::v1_to_v2(obj);
                let errs = bad
                    .into_iter()
                    .map(|(key, err)| {
                        let path = api_types::validation::FieldPath::from_names([
                            "metadata",
                            "annotations",
                        ])
                        .key(key);
                        FieldError::invalid(&path, "", err)
                    })
                    .collect();
                (v2, errs)
            }
        }
    }
}

/// The v1 annotations that carry status (current metrics and conditions).
const V1_STATUS_ANNOTATIONS: [&str; 2] =
    [v1::METRIC_STATUSES_ANNOTATION, v1::CONDITIONS_ANNOTATION];

/// The v1 annotations that carry spec (other metrics and the scaling behavior).
const V1_SPEC_ANNOTATIONS: [&str; 2] = [v1::METRIC_SPECS_ANNOTATION, v1::BEHAVIOR_ANNOTATION];

/// Sets each of `keys` in `new`'s annotations to its value in `old` (removed if absent).
fn keep_annotations(new: &mut Value, old: &Value, keys: &[&str]) {
    for key in keys {
        let kept = old["metadata"]["annotations"].get(*key).cloned();
        match (kept, annotations_mut(new)) {
            (Some(v), Some(annotations)) => {
                annotations.insert(key.to_string(), v);
            }
            (Some(v), None) => {
                let meta = crate::object::metadata_mut(new);
                meta.insert("annotations".into(), json!({ *key: v }));
            }
            (None, Some(annotations)) => {
                annotations.remove(*key);
            }
            (None, None) => {}
        }
    }
}

fn annotations_mut(obj: &mut Value) -> Option<&mut Map<String, Value>> {
    obj.get_mut("metadata")?
        .get_mut("annotations")?
        .as_object_mut()
}

impl Strategy for HpaStrategy {
    fn defaults(&self, obj: &mut Value) {
        match self.version {
            Version::V2 => defaults_v2(obj),
            Version::V1 => defaults_v1(obj),
        }
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        self.base.prepare_for_create(obj);
        if self.version == Version::V1 {
            // v1 status rides in annotations: cleared with the status.
            if let Some(annotations) = annotations_mut(obj) {
                for key in V1_STATUS_ANNOTATIONS {
                    annotations.remove(key);
                }
            }
        }
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        self.base.prepare_for_update(new, old);
        if self.version == Version::V1 {
            keep_annotations(new, old, &V1_STATUS_ANNOTATIONS);
        }
    }

    /// Upstream's status strategy keeps the spec; in v1, part of the spec rides in
    /// annotations, which a status write must not change either.
    fn prepare_for_status_update(&self, new: &mut Value, old: &Value) {
        if self.version == Version::V1 {
            keep_annotations(new, old, &V1_SPEC_ANNOTATIONS);
        }
    }

    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        let (v2, mut errs) = self.as_v2(obj);
        errs.extend(validate_hpa(&v2, 1));
        errs
    }

    fn validate_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        let (v2, mut errs) = self.as_v2(new);
        let (old_v2, _) = self.as_v2(old);
        // An object that already scales to zero may keep doing so.
        let lower = if old_v2["spec"]["minReplicas"] == 0 {
            0
        } else {
            1
        };
        errs.extend(validate_hpa(&v2, lower));
        errs.extend(validate_hpa_status(&v2));
        errs
    }

    fn tracks_generation(&self) -> bool {
        true
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.base.extra_fields(obj)
    }
}

fn set_default(map: &mut Map<String, Value>, key: &str, value: Value) {
    if map.get(key).is_none_or(Value::is_null) {
        map.insert(key.to_string(), value);
    }
}

/// Upstream's v1 `SetDefaults_HorizontalPodAutoscaler` (`minReplicas: 1`), plus the CPU
/// target upstream's v1 conversion adds when no metric is given, so the answer to a write
/// already shows what a read will.
fn defaults_v1(obj: &mut Value) {
    let has_other_metrics = obj["metadata"]["annotations"]
        .get(v1::METRIC_SPECS_ANNOTATION)
        .and_then(Value::as_str)
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
        .and_then(|m| m.as_array().map(|a| !a.is_empty()))
        .unwrap_or(false);
    let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    set_default(spec, "minReplicas", json!(1));
    if !has_other_metrics {
        set_default(
            spec,
            "targetCPUUtilizationPercentage",
            json!(v1::DEFAULT_CPU_UTILIZATION),
        );
    }
}

/// Upstream's v2 `SetDefaults_HorizontalPodAutoscaler`: `minReplicas: 1`, a CPU utilization
/// target of 80% when no metric is given, and every unset behavior rule filled in.
pub fn defaults_v2(obj: &mut Value) {
    let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    set_default(spec, "minReplicas", json!(1));
    let no_metrics = spec
        .get("metrics")
        .is_none_or(|m| m.as_array().is_none_or(Vec::is_empty));
    if no_metrics {
        spec.insert(
            "metrics".into(),
            json!([{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": v1::DEFAULT_CPU_UTILIZATION}}}]),
        );
    }
    if let Some(behavior) = spec.get_mut("behavior").filter(|b| b.is_object()) {
        default_behavior(behavior);
    }
}

/// Upstream's `GenerateHPAScaleUpRules`/`GenerateHPAScaleDownRules`: unset parts of each
/// rule set take the built-in rules (scale up by 4 pods or 100% per 15s, down by 100% per
/// 15s, the larger change wins; the scale-down window stays a controller flag).
fn default_behavior(behavior: &mut Value) {
    let Some(map) = behavior.as_object_mut() else {
        return;
    };
    let up = json!({"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
        {"type": "Pods", "value": 4, "periodSeconds": 15},
        {"type": "Percent", "value": 100, "periodSeconds": 15}]});
    let down = json!({"selectPolicy": "Max", "policies": [
        {"type": "Percent", "value": 100, "periodSeconds": 15}]});
    for (key, defaults) in [("scaleUp", up), ("scaleDown", down)] {
        let mut rules = defaults;
        if let (Some(given), Some(out)) = (
            map.get(key).and_then(Value::as_object),
            rules.as_object_mut(),
        ) {
            for (k, v) in given {
                if !v.is_null() {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
        map.insert(key.to_string(), rules);
    }
}

#[cfg(test)]
mod tests;
