//! `batch`: jobs and cron jobs.

use serde_json::{json, Value};

use super::format::{
    age, bool_ptr, containers_images, items, label_selector, len, n, name, opt, s, since,
    CONTAINERS, IMAGES, SELECTOR,
};
use super::{col, human_duration, wide, Column, Printer, AGE, NAME};
use crate::object;

pub(super) fn printer(plural: &str) -> Option<Printer> {
    let p = |columns, cells| Some(Printer { columns, cells });
    match plural {
        "jobs" => p(job_columns, job_cells),
        "cronjobs" => p(cron_job_columns, cron_job_cells),
        _ => None,
    }
}

fn job_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("Status", "Status of the job."),
        c(
            "Completions",
            "The number of pods which reached phase Succeeded.",
        ),
        c("Duration", "Time required to complete the job."),
        AGE,
        wide(c("Containers", CONTAINERS)),
        wide(c("Images", IMAGES)),
        wide(c("Selector", SELECTOR)),
    ]
}

/// Upstream's job STATUS: the first of Complete, Failed, Terminating (being deleted),
/// Suspended, FailureTarget (by condition), else Running.
fn job_status(obj: &Value) -> &'static str {
    // As upstream's hasJobCondition: the first condition of the type decides.
    let has = |kind: &str| {
        items(&obj["status"]["conditions"])
            .find(|c| c["type"] == kind)
            .is_some_and(|c| c["status"] == "True")
    };
    if has("Complete") {
        "Complete"
    } else if has("Failed") {
        "Failed"
    } else if !object::meta_str(obj, "deletionTimestamp").is_empty() {
        "Terminating"
    } else if has("Suspended") {
        "Suspended"
    } else if has("FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    }
}

fn seconds(t: &str) -> Option<i64> {
    t.parse::<api_types::k8s_openapi::jiff::Timestamp>()
        .ok()
        .map(|t| t.as_second())
}

fn job_cells(obj: &Value, now: i64) -> Vec<Value> {
    let succeeded = n(obj, "status.succeeded");
    let completions = match obj["spec"]["completions"].as_i64() {
        Some(c) => format!("{succeeded}/{c}"),
        None => match n(obj, "spec.parallelism") {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let duration = match (
        opt(obj, "status.startTime"),
        opt(obj, "status.completionTime"),
    ) {
        (None, _) => String::new(),
        (Some(start), None) => since(start, now),
        (Some(start), Some(end)) => match (seconds(start), seconds(end)) {
            (Some(a), Some(b)) => human_duration(b - a),
            _ => "<unknown>".to_string(),
        },
    };
    let (c, i) = containers_images(&obj["spec"]["template"]["spec"]);
    vec![
        name(obj),
        json!(job_status(obj)),
        json!(completions),
        json!(duration),
        age(obj, now),
        c,
        i,
        label_selector(obj["spec"].get("selector")),
    ]
}

fn cron_job_columns() -> Vec<Column> {
    let c = |name, desc| col(name, "string", desc);
    vec![
        NAME,
        c("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
        c("Timezone", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
        col("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false."),
        col("Active", "integer", "A list of pointers to currently running jobs."),
        c("Last Schedule", "Information when was the last time the job was successfully scheduled."),
        AGE,
        wide(c("Containers", CONTAINERS)),
        wide(c("Images", IMAGES)),
        wide(c("Selector", SELECTOR)),
    ]
}

fn cron_job_cells(obj: &Value, now: i64) -> Vec<Value> {
    let job = &obj["spec"]["jobTemplate"]["spec"];
    let (c, i) = containers_images(&job["template"]["spec"]);
    let last = match opt(obj, "status.lastScheduleTime") {
        Some(t) => since(t, now),
        None => "<none>".to_string(),
    };
    vec![
        name(obj),
        json!(s(obj, "spec.schedule")),
        json!(opt(obj, "spec.timeZone").unwrap_or("<none>")),
        // printBoolPtr: a string, unlike the column's declared type.
        bool_ptr(&obj["spec"]["suspend"]),
        json!(len(&obj["status"]["active"])),
        json!(last),
        age(obj, now),
        c,
        i,
        label_selector(job.get("selector")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_status_completions_and_duration() {
        let job = json!({"spec": {"parallelism": 3},
            "status": {"succeeded": 1, "startTime": "2020-01-01T00:00:00Z",
                "completionTime": "2020-01-01T00:02:30Z",
                "conditions": [{"type": "Complete", "status": "True"}]}});
        assert_eq!(
            job_cells(&job, 0)[1..4],
            [json!("Complete"), json!("1/1 of 3"), json!("2m30s")]
        );
        let one = json!({"spec": {"completions": 2}, "status": {"succeeded": 1}});
        assert_eq!(
            job_cells(&one, 0)[1..4],
            [json!("Running"), json!("1/2"), json!("")]
        );
        let serial = json!({"spec": {"parallelism": 1}});
        assert_eq!(job_cells(&serial, 0)[2], json!("0/1"));
        let suspended =
            json!({"status": {"conditions": [{"type": "Suspended", "status": "True"}]}});
        assert_eq!(job_status(&suspended), "Suspended");
        let target =
            json!({"status": {"conditions": [{"type": "FailureTarget", "status": "True"}]}});
        assert_eq!(job_status(&target), "FailureTarget");
        let deleting = json!({"metadata": {"deletionTimestamp": "2020-01-01T00:00:00Z"},
            "status": {"conditions": [{"type": "Suspended", "status": "True"}]}});
        assert_eq!(job_status(&deleting), "Terminating");
    }

    #[test]
    fn cron_job_row() {
        let cj = json!({"spec": {"schedule": "@hourly", "suspend": true, "timeZone": "Etc/UTC",
            "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}}}},
            "status": {"active": [{}, {}], "lastScheduleTime": "1970-01-01T00:00:30Z"}});
        let row = cron_job_cells(&cj, 60);
        assert_eq!(
            [&row[1..6], &row[7..]].concat(),
            [
                json!("@hourly"),
                json!("Etc/UTC"),
                json!("True"),
                json!(2),
                json!("30s"),
                json!("c"),
                json!("busybox"),
                json!("<none>")
            ]
        );
        assert_eq!(row.len(), cron_job_columns().len());
    }
}
