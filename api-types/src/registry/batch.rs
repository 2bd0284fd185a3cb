//! `batch/v1`: Jobs and CronJobs.

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo, SubresourceInfo};

const G: &str = "batch";
const V: &str = "v1";

static RESOURCES: &[ResourceInfo] = &[
    resource!(G, V, "CronJob", "cronjobs", "cronjob", Namespaced)
        .short_names(&["cj"])
        .categories(&["all"])
        .subresources(&[SubresourceInfo::status("CronJob")])
        .stored("cronjobs", "sd5LIXh4Fjs="),
    resource!(G, V, "Job", "jobs", "job", Namespaced)
        .categories(&["all"])
        .subresources(&[SubresourceInfo::status("Job")])
        .stored("jobs", "mudhfqk/qZY="),
];

pub(super) static GROUP: GroupInfo = GroupInfo {
    name: G,
    versions: &[GroupVersionInfo {
        group: G,
        version: V,
        preferred: true,
        resources: RESOURCES,
    }],
};
