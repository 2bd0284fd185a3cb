//! batch/v1: Jobs (defaults, the generated `controller-uid` selector and template labels)
//! and CronJobs (defaults).

use api_types::registry::ResourceInfo;
use api_types::validation::{FieldError, FieldPath};
use serde_json::{json, Map, Value};

use super::apps::validate_selector;
use super::core::pod::{default_pod_spec, set_default};
use super::default::DefaultStrategy;
use super::Strategy;
use crate::object;

pub struct JobStrategy {
    base: DefaultStrategy,
}

impl JobStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        JobStrategy {
            base: DefaultStrategy::new(info),
        }
    }
}

fn labels_mut(template: &mut Value) -> Option<&mut Map<String, Value>> {
    let meta = template
        .as_object_mut()?
        .entry("metadata")
        .or_insert_with(|| json!({}));
    let labels = meta
        .as_object_mut()?
        .entry("labels")
        .or_insert_with(|| json!({}));
    labels.as_object_mut()
}

/// Upstream's job defaults (`SetDefaults_Job`).
fn job_defaults(spec: &mut Map<String, Value>) {
    if spec.get("completions").is_none_or(Value::is_null)
        && spec.get("parallelism").is_none_or(Value::is_null)
    {
        spec.insert("completions".into(), json!(1));
        spec.insert("parallelism".into(), json!(1));
    }
    set_default(spec, "parallelism", json!(1));
    set_default(spec, "backoffLimit", json!(6));
    set_default(spec, "completionMode", json!("NonIndexed"));
    set_default(spec, "suspend", json!(false));
    let failed_pod_policy = spec.get("podFailurePolicy").is_some_and(|p| !p.is_null());
    set_default(
        spec,
        "podReplacementPolicy",
        json!(if failed_pod_policy {
            "Failed"
        } else {
            "TerminatingOrFailed"
        }),
    );
    if let Some(pod_spec) = spec.get_mut("template").and_then(|t| t.get_mut("spec")) {
        // A Job's pods never restart in place unless asked: no `Always` default here.
        let restart = pod_spec.get("restartPolicy").cloned();
        default_pod_spec(pod_spec);
        if let (None, Some(m)) = (restart, pod_spec.as_object_mut()) {
            m.remove("restartPolicy");
        }
    }
}

impl Strategy for JobStrategy {
    fn orphans_by_default(&self) -> bool {
        // Jobs are only served as batch/v1, whose default upstream keeps for compatibility.
        true
    }

    fn defaults(&self, obj: &mut Value) {
        if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
            job_defaults(spec);
        }
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        self.base.prepare_for_create(obj);
        if obj["spec"]["manualSelector"] == true {
            return;
        }
        // Upstream's generateSelector: the job's uid ties it to its pods.
        let uid = object::meta_str(obj, "uid").to_string();
        let name = object::name(obj).to_string();
        if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
            spec.insert(
                "selector".into(),
                json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}),
            );
            let template = spec.entry("template").or_insert_with(|| json!({}));
            if let Some(labels) = labels_mut(template) {
                labels.insert("batch.kubernetes.io/controller-uid".into(), json!(uid));
                labels.insert("batch.kubernetes.io/job-name".into(), json!(name));
                labels.insert("controller-uid".into(), json!(uid));
                labels.insert("job-name".into(), json!(name));
            }
        }
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        self.base.prepare_for_update(new, old);
    }

    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        let mut errs = validate_selector(obj);
        let restart = obj["spec"]["template"]["spec"]["restartPolicy"]
            .as_str()
            .unwrap_or("");
        let path = FieldPath::from_names(["spec", "template", "spec", "restartPolicy"]);
        match restart {
            "OnFailure" | "Never" => {}
            "" => errs.push(FieldError::required(&path, "")),
            other => errs.push(FieldError::not_supported(
                &path,
                other,
                &["OnFailure", "Never"],
            )),
        }
        errs
    }

    fn validate_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        let mut errs = self.validate(new);
        for field in ["selector", "completions"] {
            if new["spec"][field] != old["spec"][field] {
                errs.push(FieldError::invalid(
                    &FieldPath::from_names(["spec", field]),
                    new["spec"][field].clone(),
                    "field is immutable",
                ));
            }
        }
        errs
    }

    fn tracks_generation(&self) -> bool {
        true
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.base.extra_fields(obj)
    }
}

pub struct CronJobStrategy {
    base: DefaultStrategy,
}

impl CronJobStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        CronJobStrategy {
            base: DefaultStrategy::new(info),
        }
    }
}

impl Strategy for CronJobStrategy {
    fn defaults(&self, obj: &mut Value) {
        let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
            return;
        };
        set_default(spec, "concurrencyPolicy", json!("Allow"));
        set_default(spec, "suspend", json!(false));
        set_default(spec, "successfulJobsHistoryLimit", json!(3));
        set_default(spec, "failedJobsHistoryLimit", json!(1));
        if let Some(job_spec) = spec
            .get_mut("jobTemplate")
            .and_then(|t| t.get_mut("spec"))
            .and_then(Value::as_object_mut)
        {
            job_defaults(job_spec);
        }
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        self.base.prepare_for_create(obj);
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        self.base.prepare_for_update(new, old);
    }

    fn validate(&self, obj: &Value) -> Vec<FieldError> {
        if obj["spec"]["schedule"].as_str().is_none_or(str::is_empty) {
            return vec![FieldError::required(
                &FieldPath::from_names(["spec", "schedule"]),
                "",
            )];
        }
        Vec::new()
    }

    fn tracks_generation(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_selector_is_generated_from_uid() {
        let info = api_types::registry::builtin()
            .get("batch", "v1", "jobs")
            .unwrap();
        let s = JobStrategy::new(info);
        let mut job = json!({"metadata": {"name": "pi", "uid": "u-1"},
            "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "perl"}]}}}});
        s.defaults(&mut job);
        s.prepare_for_create(&mut job);
        assert_eq!(job["spec"]["completions"], 1);
        assert_eq!(job["spec"]["backoffLimit"], 6);
        assert_eq!(
            job["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"],
            "u-1"
        );
        assert_eq!(
            job["spec"]["template"]["metadata"]["labels"]["job-name"],
            "pi"
        );
        assert!(s.validate(&job).is_empty(), "{:?}", s.validate(&job));
        let mut bad = job.clone();
        bad["spec"]["template"]["spec"]["restartPolicy"] = json!("Always");
        assert_eq!(
            s.validate(&bad)[0].field(),
            "spec.template.spec.restartPolicy"
        );
    }
}
