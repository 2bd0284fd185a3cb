//! policy/v1 PodDisruptionBudgets. Upstream has no scheme defaults for them (an unset
//! `unhealthyPodEvictionPolicy` stays unset and means `IfHealthyBudget`); its strategy
//! clears the status on create, keeps it on update, tracks the generation and refuses
//! updates without a `resourceVersion`.

use api_types::registry::ResourceInfo;
use serde_json::{json, Value};

use super::default::{copy_status, DefaultStrategy};
use super::Strategy;

/// `v1` PodDisruptionBudgets.
pub struct PodDisruptionBudgetStrategy {
    base: DefaultStrategy,
}

impl PodDisruptionBudgetStrategy {
    pub fn new(info: &ResourceInfo) -> Self {
        PodDisruptionBudgetStrategy {
            base: DefaultStrategy::new(info),
        }
    }
}

impl Strategy for PodDisruptionBudgetStrategy {
    /// The zero status upstream stores: its counters are not omitted when zero.
    fn prepare_for_create(&self, obj: &mut Value) {
        if let Some(map) = obj.as_object_mut() {
            map.insert(
                "status".into(),
                json!({"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}),
            );
        }
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        copy_status(new, old);
    }

    fn tracks_generation(&self) -> bool {
        true
    }

    fn allow_unconditional_update(&self) -> bool {
        false
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.base.extra_fields(obj)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_cleared_and_kept() {
        let info = api_types::registry::builtin()
            .get("policy", "v1", "poddisruptionbudgets")
            .unwrap();
        let s = PodDisruptionBudgetStrategy::new(info);
        let mut pdb = json!({"spec": {"minAvailable": 1}, "status": {"disruptionsAllowed": 5}});
        s.defaults(&mut pdb);
        assert!(pdb["spec"].get("unhealthyPodEvictionPolicy").is_none());
        s.prepare_for_create(&mut pdb);
        assert_eq!(pdb["status"]["disruptionsAllowed"], 0);
        assert_eq!(pdb["status"]["expectedPods"], 0);
        let mut new = json!({"spec": {"minAvailable": 2}, "status": {}});
        s.prepare_for_update(&mut new, &json!({"status": {"currentHealthy": 3}}));
        assert_eq!(new["status"], json!({"currentHealthy": 3}));
        assert!(s.tracks_generation());
        assert!(!s.allow_unconditional_update());
    }
}
