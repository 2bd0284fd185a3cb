//! LimitRanges: upstream's `SetDefaults_LimitRangeItem`. A `Container` item's default limit
//! falls back to its max, and its default request to the default limit, then to its min.

use serde_json::{json, Map, Value};

use crate::registry::defaulting::{each_object_in, object_at};

/// Copies every entry of `from` missing in `to` (resource lists keyed by resource name).
fn fill_missing(item: &mut Map<String, Value>, to: &str, from: &str) {
    let source = item
        .get(from)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(target) = item.get_mut(to).and_then(Value::as_object_mut) {
        for (k, v) in source {
            target.entry(k).or_insert(v);
        }
    }
}

/// Upstream's defaults of a LimitRange's items.
pub fn default_limit_range(obj: &mut Value) {
    let Some(spec) = object_at(obj, &["spec"]) else {
        return;
    };
    each_object_in(spec, "limits", |item| {
        if item.get("type").and_then(Value::as_str) != Some("Container") {
            return;
        }
        for list in ["default", "defaultRequest"] {
            if !item.get(list).is_some_and(Value::is_object) {
                item.insert(list.into(), json!({}));
            }
        }
        fill_missing(item, "default", "max");
        fill_missing(item, "defaultRequest", "default");
        fill_missing(item, "defaultRequest", "min");
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_items_get_defaults_from_max_and_min() {
        let mut lr = json!({"spec": {"limits": [
            {"type": "Container", "max": {"cpu": "2", "memory": "1Gi"}, "min": {"cpu": "100m", "ephemeral-storage": "1Gi"},
             "default": {"memory": "512Mi"}},
            {"type": "Pod", "max": {"cpu": "4"}}]}});
        default_limit_range(&mut lr);
        let c = &lr["spec"]["limits"][0];
        // default: the given memory stays, cpu comes from max.
        assert_eq!(c["default"], json!({"cpu": "2", "memory": "512Mi"}));
        // defaultRequest: from default first, then min for what default lacks.
        assert_eq!(
            c["defaultRequest"],
            json!({"cpu": "2", "memory": "512Mi", "ephemeral-storage": "1Gi"})
        );
        // Pod items get nothing.
        assert_eq!(
            lr["spec"]["limits"][1],
            json!({"type": "Pod", "max": {"cpu": "4"}})
        );
    }

    #[test]
    fn empty_container_item_gets_empty_lists() {
        let mut lr = json!({"spec": {"limits": [{"type": "Container"}]}});
        default_limit_range(&mut lr);
        assert_eq!(
            lr["spec"]["limits"][0],
            json!({"type": "Container", "default": {}, "defaultRequest": {}})
        );
    }
}
