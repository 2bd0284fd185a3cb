//! Which lists a strategic merge patch merges, and by which key: upstream reads this from
//! the `patchStrategy`/`patchMergeKey` tags of its Go types; we keep the same facts as a
//! table keyed by the field path (map keys from the object's root, list indices left out).

/// How a list field is merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStrategy {
    /// No `patchStrategy:"merge"`: the patch's list replaces the object's.
    Replace,
    /// `patchStrategy:"merge"` on a list of scalars: set union.
    MergePrimitive,
    /// `patchStrategy:"merge" patchMergeKey:"<key>"` on a list of objects.
    MergeByKey(&'static str),
}

/// Lists of containers (in a PodSpec, at any depth: pods, templates, job templates).
const CONTAINER_LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

/// The strategy of the list at `path` (e.g. `spec.template.spec.containers` as
/// `["spec", "template", "spec", "containers"]`).
pub fn list_strategy(path: &[String]) -> ListStrategy {
    use ListStrategy::{MergeByKey, MergePrimitive, Replace};
    let Some((field, parents)) = path.split_last() else {
        return Replace;
    };
    let parent = parents.last().map(String::as_str).unwrap_or("");
    let in_container = CONTAINER_LISTS.contains(&parent);
    let whole = |expected: &[&str]| path.iter().map(String::as_str).eq(expected.iter().copied());
    match field.as_str() {
        // PodSpec (core/v1 types.go).
        "containers" | "initContainers" | "ephemeralContainers" if parent == "spec" => {
            MergeByKey("name")
        }
        "volumes" | "imagePullSecrets" | "resourceClaims" | "schedulingGates"
            if parent == "spec" =>
        {
            MergeByKey("name")
        }
        "hostAliases" if parent == "spec" => MergeByKey("ip"),
        "topologySpreadConstraints" if parent == "spec" => MergeByKey("topologyKey"),
        // Container / EphemeralContainerCommon.
        "ports" if in_container => MergeByKey("containerPort"),
        "env" if in_container => MergeByKey("name"),
        "volumeMounts" if in_container => MergeByKey("mountPath"),
        "volumeDevices" if in_container => MergeByKey("devicePath"),
        // ServiceSpec.Ports.
        "ports" if whole(&["spec", "ports"]) => MergeByKey("port"),
        // PodStatus, NodeStatus and every workload/status `conditions` list.
        "conditions" if parent == "status" => MergeByKey("type"),
        "podIPs" | "hostIPs" if parent == "status" => MergeByKey("ip"),
        "resourceClaimStatuses" if parent == "status" => MergeByKey("name"),
        "addresses" if whole(&["status", "addresses"]) => MergeByKey("type"),
        // NodeSpec.PodCIDRs.
        "podCIDRs" if whole(&["spec", "podCIDRs"]) => MergePrimitive,
        // ObjectMeta.
        "ownerReferences" if parent == "metadata" => MergeByKey("uid"),
        "finalizers" if parent == "metadata" => MergePrimitive,
        // ServiceAccount.Secrets.
        "secrets" if whole(&["secrets"]) => MergeByKey("name"),
        // Mutating/ValidatingWebhookConfiguration.Webhooks.
        "webhooks" if whole(&["webhooks"]) => MergeByKey("name"),
        _ => Replace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: &str) -> ListStrategy {
        let p: Vec<String> = path.split('.').map(str::to_string).collect();
        list_strategy(&p)
    }

    #[test]
    fn table() {
        use ListStrategy::*;
        let rows = [
            ("spec.containers", MergeByKey("name")),
            ("spec.template.spec.initContainers", MergeByKey("name")),
            (
                "spec.jobTemplate.spec.template.spec.containers",
                MergeByKey("name"),
            ),
            ("spec.ephemeralContainers", MergeByKey("name")),
            ("spec.containers.ports", MergeByKey("containerPort")),
            (
                "spec.ephemeralContainers.ports",
                MergeByKey("containerPort"),
            ),
            ("spec.containers.env", MergeByKey("name")),
            ("spec.containers.volumeMounts", MergeByKey("mountPath")),
            ("spec.containers.volumeDevices", MergeByKey("devicePath")),
            ("spec.containers.args", Replace),
            ("spec.containers.envFrom", Replace),
            ("spec.volumes", MergeByKey("name")),
            ("spec.imagePullSecrets", MergeByKey("name")),
            ("spec.hostAliases", MergeByKey("ip")),
            ("spec.resourceClaims", MergeByKey("name")),
            ("spec.schedulingGates", MergeByKey("name")),
            ("spec.topologySpreadConstraints", MergeByKey("topologyKey")),
            ("spec.tolerations", Replace),
            ("spec.ports", MergeByKey("port")),
            (
                "spec.template.spec.containers.ports",
                MergeByKey("containerPort"),
            ),
            ("subsets.ports", Replace),
            ("status.conditions", MergeByKey("type")),
            ("status.podIPs", MergeByKey("ip")),
            ("status.hostIPs", MergeByKey("ip")),
            ("status.addresses", MergeByKey("type")),
            ("status.containerStatuses", Replace),
            ("spec.podCIDRs", MergePrimitive),
            ("spec.taints", Replace),
            ("metadata.finalizers", MergePrimitive),
            ("spec.finalizers", Replace),
            ("metadata.ownerReferences", MergeByKey("uid")),
            ("secrets", MergeByKey("name")),
            ("webhooks", MergeByKey("name")),
            ("rules", Replace),
        ];
        for (path, want) in rows {
            assert_eq!(at(path), want, "{path}");
        }
    }
}
