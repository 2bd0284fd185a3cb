//! Small pieces shared by the per-group strategy files: walking JSON the way upstream's
//! generated defaulters walk Go structs, and [`Defaulted`], a strategy that is upstream's
//! scheme defaults on top of the generic [`DefaultStrategy`].

use api_types::registry::ResourceInfo;
use serde_json::{Map, Value};

use super::default::DefaultStrategy;
use super::Strategy;

pub use super::core::pod::set_default;

/// Sets `key` unless it holds something other than Go's zero value (absent, null, `0`, `""`):
/// upstream's defaulting of non-pointer fields.
pub fn set_default_if_zero(map: &mut Map<String, Value>, key: &str, value: Value) {
    let zero = match map.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    };
    if zero {
        map.insert(key.to_string(), value);
    }
}

/// The object at `path` below `v`, when every step exists and is an object.
pub fn object_at<'a>(v: &'a mut Value, path: &[&str]) -> Option<&'a mut Map<String, Value>> {
    let mut cur = v;
    for step in path {
        cur = cur.get_mut(*step)?;
    }
    cur.as_object_mut()
}

/// Calls `f` on every object of the array at `key` of `map` (non-objects are left alone).
pub fn each_object_in(
    map: &mut Map<String, Value>,
    key: &str,
    mut f: impl FnMut(&mut Map<String, Value>),
) {
    if let Some(Value::Array(items)) = map.get_mut(key) {
        items
            .iter_mut()
            .filter_map(Value::as_object_mut)
            .for_each(&mut f);
    }
}

/// Whether the field is missing, null, or an empty array or object (Go's `len(x) == 0`).
pub fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(m)) => m.is_empty(),
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    }
}

/// A resource whose only own rules are scheme defaults: status, generation and selectable
/// fields stay with [`DefaultStrategy`].
pub struct Defaulted {
    base: DefaultStrategy,
    defaults: fn(&mut Value),
    tracks_generation: bool,
    generation_field: &'static str,
}

impl Defaulted {
    pub fn new(info: &ResourceInfo, defaults: fn(&mut Value)) -> Self {
        let base = DefaultStrategy::new(info);
        let tracks_generation = base.tracks_generation();
        Defaulted {
            base,
            defaults,
            tracks_generation,
            generation_field: "spec",
        }
    }

    /// Sets `metadata.generation` to 1 on create and bumps it on spec changes, for resources
    /// whose upstream strategy does so but the generic list does not name.
    pub fn tracking_generation(mut self) -> Self {
        self.tracks_generation = true;
        self
    }

    /// As [`Defaulted::tracking_generation`], for a kind whose generation follows another
    /// top-level field than `spec`.
    pub fn tracking_generation_of(mut self, field: &'static str) -> Self {
        self.generation_field = field;
        self.tracking_generation()
    }
}

impl Strategy for Defaulted {
    fn defaults(&self, obj: &mut Value) {
        (self.defaults)(obj);
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        self.base.prepare_for_create(obj);
    }

    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        self.base.prepare_for_update(new, old);
    }

    fn tracks_generation(&self) -> bool {
        self.tracks_generation
    }

    fn generation_field(&self) -> &'static str {
        self.generation_field
    }

    fn orphans_by_default(&self) -> bool {
        self.base.orphans_by_default()
    }

    fn extra_fields(&self, obj: &Value) -> Vec<(&'static str, String)> {
        self.base.extra_fields(obj)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn zero_values_are_replaced_and_others_kept() {
        let mut m = json!({"a": 0, "b": "", "c": 5, "d": "x", "e": null})
            .as_object()
            .cloned()
            .unwrap();
        for k in ["a", "b", "c", "d", "e", "f"] {
            set_default_if_zero(&mut m, k, json!(7));
        }
        assert_eq!(
            Value::Object(m),
            json!({"a": 7, "b": 7, "c": 5, "d": "x", "e": 7, "f": 7})
        );
    }

    #[test]
    fn defaulted_keeps_the_generic_status_rule() {
        let info = api_types::registry::builtin()
            .get("networking.k8s.io", "v1", "ingresses")
            .unwrap();
        let s = Defaulted::new(info, |o| {
            o["spec"] = json!({"x": 1});
        });
        let mut obj = json!({"status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}});
        s.defaults(&mut obj);
        s.prepare_for_create(&mut obj);
        assert_eq!(obj, json!({"spec": {"x": 1}}));
        assert!(s.tracks_generation());
        let cm = api_types::registry::builtin()
            .get("", "v1", "configmaps")
            .unwrap();
        assert!(!Defaulted::new(cm, |_| {}).tracks_generation());
        assert!(Defaulted::new(cm, |_| {})
            .tracking_generation()
            .tracks_generation());
    }
}
