//! An object as the watch cache holds it.

use std::ops::Deref;
use std::sync::OnceLock;

use bytes::Bytes;
use serde_json::Value;

/// A cached object: the decoded tree (selectors, tables, YAML) and, once a reader asked for
/// it, its compact JSON. Lists and watch frames copy those bytes instead of serializing the
/// tree again for every reader.
#[derive(Debug)]
pub struct CachedObject {
    value: Value,
    json: OnceLock<Bytes>,
}

impl CachedObject {
    pub fn new(value: Value) -> Self {
        CachedObject {
            value,
            json: OnceLock::new(),
        }
    }

    /// The object as compact JSON, exactly as `serde_json` writes the tree.
    pub fn json(&self) -> &Bytes {
        self.json.get_or_init(|| {
            // Serializing a `Value` cannot fail (its map keys are strings).
            Bytes::from(serde_json::to_vec(&self.value).unwrap_or_default())
        })
    }

    /// A copy of the tree, e.g. to turn into the DELETED event's object.
    pub fn to_value(&self) -> Value {
        self.value.clone()
    }
}

impl Deref for CachedObject {
    type Target = Value;

    fn deref(&self) -> &Value {
        &self.value
    }
}

impl From<Value> for CachedObject {
    fn from(value: Value) -> Self {
        CachedObject::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_is_the_trees_serialization_and_is_made_once() {
        let obj =
            CachedObject::new(json!({"metadata": {"name": "a", "labels": {"z": "1", "a": "2"}}}));
        let first = obj.json().clone();
        assert_eq!(first, serde_json::to_vec(&*obj).unwrap());
        // The same allocation is handed out again.
        assert_eq!(obj.json().as_ptr(), first.as_ptr());
        assert_eq!(obj["metadata"]["name"], "a");
    }
}
