//! scheduling.k8s.io/v1 PriorityClasses: upstream's `SetDefaults_PriorityClass`.

use serde_json::{json, Value};

use super::defaulting::set_default;

/// A PriorityClass preempts lower priorities unless it says otherwise.
pub fn default_priority_class(obj: &mut Value) {
    if let Some(map) = obj.as_object_mut() {
        set_default(map, "preemptionPolicy", json!("PreemptLowerPriority"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preemption_policy_default() {
        let mut pc = json!({"value": 1000});
        default_priority_class(&mut pc);
        assert_eq!(pc["preemptionPolicy"], "PreemptLowerPriority");
        let mut never = json!({"value": 1, "preemptionPolicy": "Never"});
        default_priority_class(&mut never);
        assert_eq!(never["preemptionPolicy"], "Never");
    }
}
