//! `autoscaling`: v2 (preferred) and v1 both serve HorizontalPodAutoscalers from the same
//! storage.

use super::{resource, GroupInfo, GroupVersionInfo, ResourceInfo, SubresourceInfo};

const G: &str = "autoscaling";

/// The same resource in each version: only the version differs.
macro_rules! hpa {
    ($version:literal) => {
        resource!(
            G,
            $version,
            "HorizontalPodAutoscaler",
            "horizontalpodautoscalers",
            "horizontalpodautoscaler",
            Namespaced
        )
        .short_names(&["hpa"])
        .categories(&["all"])
        .subresources(&[SubresourceInfo::status("HorizontalPodAutoscaler")])
        .stored("horizontalpodautoscalers", "qwQve8ut294=")
    };
}

static V2: &[ResourceInfo] = &[hpa!("v2")];
static V1: &[ResourceInfo] = &[hpa!("v1")];

pub(super) static GROUP: GroupInfo = GroupInfo {
    name: G,
    versions: &[
        GroupVersionInfo {
            group: G,
            version: "v2",
            preferred: true,
            resources: V2,
        },
        GroupVersionInfo {
            group: G,
            version: "v1",
            preferred: false,
            resources: V1,
        },
    ],
};
