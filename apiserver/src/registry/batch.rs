//! batch/v1: Jobs (defaults, the generated `controller-uid` selector and template labels)
//! and CronJobs (defaults, schedule in robfig/cron's standard syntax as upstream parses it),
//! with upstream's `pkg/apis/batch/validation` rules and the pod template checks.

use api_types::registry::ResourceInfo;
use api_types::validation::{FieldError, FieldPath};
use serde_json::{json, Map, Value};

use super::apps::validate_selector;
use super::core::pod::validation::validate_job_template;
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
        // As upstream: `Always` is defaulted here and then refused by validation.
        default_pod_spec(pod_spec);
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
        errs.extend(validate_job_spec(&obj["spec"], &FieldPath::new("spec")));
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
        validate_cron_job_spec(&obj["spec"], None, &FieldPath::new("spec"))
    }

    fn validate_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        validate_cron_job_spec(&new["spec"], Some(&old["spec"]), &FieldPath::new("spec"))
    }

    fn tracks_generation(&self) -> bool {
        true
    }
}

/// Upstream's `validateJobSpec`: counts and deadlines not negative, a valid template whose
/// pods restart `OnFailure` or `Never`.
fn validate_job_spec(spec: &Value, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for field in [
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
    ] {
        errs.extend(nonnegative(spec[field].as_i64(), &path.child(field)));
    }
    errs.extend(validate_job_template(
        &spec["template"],
        &path.child("template"),
    ));
    errs
}

/// Upstream's `validateCronJobSpec`; `old` is the stored spec on updates.
fn validate_cron_job_spec(spec: &Value, old: Option<&Value>, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let schedule = spec["schedule"].as_str().unwrap_or("");
    let schedule_path = path.child("schedule");
    let time_zone = spec.get("timeZone").filter(|v| !v.is_null());
    if schedule.is_empty() {
        errs.push(FieldError::required(&schedule_path, ""));
    } else {
        if let Err(e) = parse_standard(schedule) {
            errs.push(FieldError::invalid(&schedule_path, schedule, e));
        }
        let allow_tz = old.is_some_and(|o| o["schedule"].as_str().unwrap_or("").contains("TZ"));
        if allow_tz && schedule.contains("TZ") && time_zone.is_some() {
            errs.push(FieldError::invalid(
                &schedule_path,
                schedule,
                "cannot use both timeZone field and TZ or CRON_TZ in schedule",
            ));
        } else if !allow_tz && schedule.contains("TZ") {
            errs.push(FieldError::invalid(
                &schedule_path,
                schedule,
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            ));
        }
    }
    errs.extend(nonnegative(
        spec["startingDeadlineSeconds"].as_i64(),
        &path.child("startingDeadlineSeconds"),
    ));
    if old.is_none_or(|o| o.get("timeZone").filter(|v| !v.is_null()) != time_zone) {
        errs.extend(validate_time_zone(
            time_zone.and_then(Value::as_str),
            &path.child("timeZone"),
        ));
    }
    let policy = spec["concurrencyPolicy"].as_str().unwrap_or("");
    let policy_path = path.child("concurrencyPolicy");
    match policy {
        "Allow" | "Forbid" | "Replace" => {}
        "" => errs.push(FieldError::required(&policy_path, "")),
        other => errs.push(FieldError::not_supported(
            &policy_path,
            other,
            &["Allow", "Forbid", "Replace"],
        )),
    }
    let job_path = path.child("jobTemplate").child("spec");
    let job_spec = &spec["jobTemplate"]["spec"];
    errs.extend(validate_job_spec(job_spec, &job_path));
    if !job_spec["selector"].is_null() {
        errs.push(FieldError::invalid(
            &job_path.child("selector"),
            job_spec["selector"].clone(),
            "`selector` will be auto-generated",
        ));
    }
    if job_spec["manualSelector"] == true {
        errs.push(FieldError::not_supported(
            &job_path.child("manualSelector"),
            true,
            &["nil", "false"],
        ));
    }
    for field in ["successfulJobsHistoryLimit", "failedJobsHistoryLimit"] {
        errs.extend(nonnegative(spec[field].as_i64(), &path.child(field)));
    }
    errs
}

fn nonnegative(value: Option<i64>, path: &FieldPath) -> Vec<FieldError> {
    super::core::pod::validation::util::nonnegative(value, path)
}

/// Whether Go's `time.LoadLocation` knows `name` (the system zoneinfo database).
fn known_time_zone(name: &str) -> bool {
    let db = std::path::Path::new("/usr/share/zoneinfo");
    name.is_empty() || name == "UTC" || name == "Local" || !db.is_dir() || db.join(name).is_file()
}

/// Upstream's `validateTimeZone`.
fn validate_time_zone(tz: Option<&str>, path: &FieldPath) -> Vec<FieldError> {
    let Some(tz) = tz else {
        return Vec::new();
    };
    if tz.is_empty() {
        return vec![FieldError::invalid(
            path,
            tz,
            "timeZone must be nil or non-empty string",
        )];
    }
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.len() <= 14
            && p != "."
            && p != ".."
            && !p.starts_with('-')
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'))
    };
    if !tz.split('/').all(part_ok) {
        return vec![FieldError::invalid(
            path,
            tz,
            format!("unknown time zone {tz}"),
        )];
    }
    let mut errs = Vec::new();
    if tz.eq_ignore_ascii_case("Local") {
        errs.push(FieldError::invalid(
            path,
            tz,
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
        ));
    }
    if !known_time_zone(tz) {
        errs.push(FieldError::invalid(
            path,
            tz,
            format!("unknown time zone {tz}"),
        ));
    }
    errs
}

/// One cron field's bounds and names (robfig/cron's `bounds`).
struct Bounds {
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// Go's `strconv.Atoi` followed by robfig/cron's non-negative check.
fn cron_int(expr: &str) -> Result<u32, String> {
    let parsed: Result<i64, _> = expr.parse();
    match parsed {
        Ok(n) if n < 0 => Err(format!("negative number ({n}) not allowed: {expr}")),
        Ok(n) => u32::try_from(n).map_err(|_| {
            format!("failed to parse int from {expr}: strconv.Atoi: parsing \"{expr}\": value out of range")
        }),
        Err(_) => {
            let digits = expr.trim_start_matches(['+', '-']);
            let reason = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                "value out of range"
            } else {
                "invalid syntax"
            };
            Err(format!("failed to parse int from {expr}: strconv.Atoi: parsing \"{expr}\": {reason}"))
        }
    }
}

fn cron_int_or_name(expr: &str, b: &Bounds) -> Result<u32, String> {
    let lower = expr.to_lowercase();
    if let Some(i) = b.names.iter().position(|n| *n == lower) {
        // Months count from 1, weekdays from 0.
        return Ok(i as u32 + b.min);
    }
    cron_int(expr)
}

/// robfig/cron's `getRange`: `*`, `?`, `n`, `a-b`, each with an optional `/step`.
fn cron_range(expr: &str, b: &Bounds) -> Result<(), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_high: Vec<&str> = range_and_step[0].split('-').collect();
    let (start, mut end) = if low_high[0] == "*" || low_high[0] == "?" {
        (b.min, b.max)
    } else {
        let start = cron_int_or_name(low_high[0], b)?;
        let end = match low_high.len() {
            1 => start,
            2 => cron_int_or_name(low_high[1], b)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        (start, end)
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = cron_int(range_and_step[1])?;
            if low_high.len() == 1 {
                end = b.max;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < b.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            b.min
        ));
    }
    if end > b.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            b.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok(())
}

/// Whether Go's `time.ParseDuration` accepts `s`, with its error otherwise.
fn go_duration(s: &str) -> Result<(), String> {
    let invalid = || format!("time: invalid duration \"{s}\"");
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body == "0" {
        return Ok(());
    }
    if body.is_empty() {
        return Err(invalid());
    }
    let mut rest = body;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return Err(invalid());
        }
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration \"{s}\""));
        }
        if !matches!(unit, "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h") {
            return Err(format!("time: unknown unit \"{unit}\" in duration \"{s}\""));
        }
        rest = &rest[unit_len..];
    }
    Ok(())
}

/// robfig/cron v3's `ParseStandard` (five fields or a descriptor), returning its error text.
fn parse_standard(spec: &str) -> Result<(), String> {
    if spec.is_empty() {
        return Err("empty spec string".into());
    }
    let mut spec = spec;
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        let space = spec.find(' ').unwrap_or(spec.len());
        let eq = spec.find('=').unwrap_or(0);
        let loc = &spec[eq + 1..space];
        if !known_time_zone(loc) {
            return Err(format!(
                "provided bad location {loc}: unknown time zone {loc}"
            ));
        }
        spec = spec[space..].trim();
    }
    if spec.starts_with('@') {
        return match spec {
            "@yearly" | "@annually" | "@monthly" | "@weekly" | "@daily" | "@midnight"
            | "@hourly" => Ok(()),
            _ => match spec.strip_prefix("@every ") {
                Some(d) => {
                    go_duration(d).map_err(|e| format!("failed to parse duration {spec}: {e}"))
                }
                None => Err(format!("unrecognized descriptor: {spec}")),
            },
        };
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields, found {}: [{}]",
            fields.len(),
            fields.join(" ")
        ));
    }
    let bounds = [
        Bounds {
            min: 0,
            max: 59,
            names: &[],
        },
        Bounds {
            min: 0,
            max: 23,
            names: &[],
        },
        Bounds {
            min: 1,
            max: 31,
            names: &[],
        },
        Bounds {
            min: 1,
            max: 12,
            names: &MONTHS,
        },
        Bounds {
            min: 0,
            max: 6,
            names: &DAYS,
        },
    ];
    for (field, b) in fields.iter().zip(bounds.iter()) {
        for expr in field.split(',').filter(|e| !e.is_empty()) {
            cron_range(expr, b)?;
        }
    }
    Ok(())
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

    #[test]
    fn cron_schedules_parse_like_robfig() {
        let cases: Vec<(&str, Result<(), &str>)> = vec![
            ("*/5 * * * *", Ok(())),
            ("0 0 1 jan,JUL mon-fri", Ok(())),
            ("@hourly", Ok(())),
            ("@every 1h30m", Ok(())),
            ("not a schedule", Err("expected exactly 5 fields, found 3: [not a schedule]")),
            ("60 * * * *", Err("end of range (60) above maximum (59): 60")),
            ("* * 0 * *", Err("beginning of range (0) below minimum (1): 0")),
            ("5-1 * * * *", Err("beginning of range (5) beyond end of range (1): 5-1")),
            ("x * * * *", Err("failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax")),
            ("*/0 * * * *", Err("step of range should be a positive number: */0")),
            ("1-2-3 * * * *", Err("too many hyphens: 1-2-3")),
            ("@fortnightly", Err("unrecognized descriptor: @fortnightly")),
            ("@every 1x", Err("failed to parse duration @every 1x: time: unknown unit \"x\" in duration \"1x\"")),
        ];
        for (spec, want) in cases {
            assert_eq!(parse_standard(spec), want.map_err(str::to_string), "{spec}");
        }
    }

    #[test]
    fn cron_job_rules() {
        let info = api_types::registry::builtin()
            .get("batch", "v1", "cronjobs")
            .unwrap();
        let s = CronJobStrategy::new(info);
        let mut cj = json!({"metadata": {"name": "c"}, "spec": {"schedule": "*/5 * * * *",
            "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure",
                "containers": [{"name": "c", "image": "busybox"}]}}}}}});
        s.defaults(&mut cj);
        assert!(s.validate(&cj).is_empty(), "{:?}", s.validate(&cj));
        let mut bad = cj.clone();
        bad["spec"]["schedule"] = json!("not a schedule");
        bad["spec"]["concurrencyPolicy"] = json!("Sometimes");
        bad["spec"]["startingDeadlineSeconds"] = json!(-1);
        bad["spec"]["timeZone"] = json!("Mars/Olympus");
        bad["spec"]["failedJobsHistoryLimit"] = json!(-2);
        bad["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] = json!("Always");
        let got: Vec<String> = s.validate(&bad).iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "spec.schedule: Invalid value: \"not a schedule\": expected exactly 5 fields, found 3: [not a schedule]",
                "spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0",
                "spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus",
                "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"",
                "spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"",
                "spec.failedJobsHistoryLimit: Invalid value: -2: must be greater than or equal to 0",
            ]
        );
        let mut tz = cj.clone();
        tz["spec"]["schedule"] = json!("CRON_TZ=UTC 0 * * * *");
        tz["spec"]["timeZone"] = json!("Local");
        let got: Vec<String> = s.validate(&tz).iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "spec.schedule: Invalid value: \"CRON_TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
                "spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
            ]
        );
    }
}
