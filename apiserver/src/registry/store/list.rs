//! Lists: pagination with `limit`/`continue`, `resourceVersion` semantics (the watch cache
//! for "0", etcd otherwise), label and field selectors.

use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use super::Store;
use crate::object;
use crate::registry::list::{decode_continue, encode_continue, ListOptions, RvMatch};
use crate::registry::selectable_fields;
use crate::status::ApiError;
use crate::storage::StorageError;

/// A `<Kind>List` on its way out. The items are moved in (or shared with the watch cache)
/// rather than deep-copied, since copying every item dominated the CPU of large lists.
#[derive(Debug)]
pub struct ListBody {
    pub kind: &'static str,
    pub api_version: String,
    pub metadata: Map<String, Value>,
    pub items: ListItems,
}

/// The items of a list: owned (decoded from etcd) or shared with the watch cache.
#[derive(Debug)]
pub enum ListItems {
    Owned(Vec<Value>),
    Shared(Vec<Arc<Value>>),
}

impl ListBody {
    /// The list as a `Value`, moving owned items in; shared ones are copied only when the
    /// cache still holds them.
    pub fn into_value(self) -> Value {
        let items = match self.items {
            ListItems::Owned(items) => items,
            ListItems::Shared(items) => items
                .into_iter()
                .map(|o| Arc::try_unwrap(o).unwrap_or_else(|o| (*o).clone()))
                .collect(),
        };
        let mut list = Map::new();
        list.insert("kind".into(), self.kind.into());
        list.insert("apiVersion".into(), self.api_version.into());
        list.insert("metadata".into(), Value::Object(self.metadata));
        list.insert("items".into(), Value::Array(items));
        Value::Object(list)
    }
}

/// Serializes straight from the items (shared ones by reference), with the keys in the
/// order a `Value` would write them.
impl Serialize for ListBody {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("apiVersion", &self.api_version)?;
        match &self.items {
            ListItems::Owned(items) => map.serialize_entry("items", items)?,
            ListItems::Shared(items) => map.serialize_entry("items", &SharedItems(items))?,
        }
        map.serialize_entry("kind", self.kind)?;
        map.serialize_entry("metadata", &self.metadata)?;
        map.end()
    }
}

struct SharedItems<'a>(&'a [Arc<Value>]);

impl Serialize for SharedItems<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|o| &**o))
    }
}

/// How long a read waits for a `resourceVersion` the cache has not reached (upstream's 3 s).
pub const FRESHNESS_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

impl Store {
    /// LIST as a `Value` (see [`Store::list_body`]).
    pub async fn list(&self, namespace: &str, opts: &ListOptions) -> Result<Value, ApiError> {
        self.list_body(namespace, opts)
            .await
            .map(ListBody::into_value)
    }

    /// LIST: the matching objects as a `<Kind>List`, paginated with `limit`/`continue`.
    pub async fn list_body(
        &self,
        namespace: &str,
        opts: &ListOptions,
    ) -> Result<ListBody, ApiError> {
        self.check_field_selector(opts)?;
        let prefix = self.collection_prefix(namespace);
        if opts.resource_version == "0"
            && opts.continue_token.is_empty()
            && opts.resource_version_match != RvMatch::Exact
        {
            // "Any version" is served from the watch cache; like upstream's cache, no paging.
            let (mut objects, revision) = self.cacher.snapshot(&prefix).await?;
            objects.retain(|o| self.matches(o, opts));
            let mut metadata = Map::new();
            metadata.insert("resourceVersion".into(), revision.to_string().into());
            return Ok(ListBody {
                kind: self.info.list_kind,
                api_version: self.info.api_version(),
                metadata,
                items: ListItems::Shared(objects),
            });
        }
        let (mut revision, mut start) = if opts.continue_token.is_empty() {
            let rev = match (opts.resource_version_match, opts.revision()?) {
                (RvMatch::Exact, Some(rv)) if rv > 0 => rv,
                (RvMatch::Exact, _) => {
                    return Err(ApiError::bad_request(
                        "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
                    ))
                }
                (_, Some(rv)) if rv > 0 => {
                    // "Not older than": the data must have reached that revision.
                    self.cacher.wait_until_fresh(rv, FRESHNESS_WAIT).await?;
                    0
                }
                _ => 0,
            };
            (rev, String::new())
        } else {
            if !opts.resource_version.is_empty() && opts.resource_version != "0" {
                return Err(ApiError::bad_request(
                    "specifying resource version is not allowed when using continue",
                ));
            }
            let (rev, rel) = decode_continue(&opts.continue_token)?;
            (rev, format!("{prefix}{rel}"))
        };
        let filtering = !opts.label_selector.is_empty() || !opts.field_selector.is_empty();
        let mut items = Vec::new();
        let mut next: Option<String> = None;
        let mut remaining = None;
        loop {
            let page_limit = if opts.limit > 0 {
                opts.limit - items.len() as i64
            } else {
                0
            };
            let page = match self
                .storage
                .list(&prefix, &start, revision, page_limit)
                .await
            {
                Ok(page) => page,
                Err(StorageError::Compacted { .. }) if !opts.continue_token.is_empty() => {
                    return Err(ApiError::expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter."));
                }
                Err(e) => return Err(self.storage_error(e, "")),
            };
            if revision == 0 {
                revision = page.revision;
            }
            let last_key = page.kvs.last().map(|kv| kv.key.clone());
            for kv in &page.kvs {
                let obj = self.decode(kv)?;
                if !filtering || self.matches(&obj, opts) {
                    items.push(obj);
                }
            }
            match (page.more, last_key) {
                (true, Some(last)) => {
                    let after = format!("{last}\u{0}");
                    if opts.limit > 0 && items.len() as i64 >= opts.limit {
                        next = Some(after);
                        if !filtering {
                            remaining = Some(page.remaining);
                        }
                        break;
                    }
                    start = after;
                }
                _ => break,
            }
        }
        let mut metadata = Map::new();
        metadata.insert("resourceVersion".into(), revision.to_string().into());
        if let Some(next) = next {
            let rel = next.strip_prefix(&prefix).unwrap_or(&next);
            metadata.insert("continue".into(), encode_continue(revision, rel).into());
            if let Some(remaining) = remaining.filter(|r| *r > 0) {
                metadata.insert("remainingItemCount".into(), remaining.into());
            }
        }
        Ok(ListBody {
            kind: self.info.list_kind,
            api_version: self.info.api_version(),
            metadata,
            items: ListItems::Owned(items),
        })
    }

    /// Refuses field selectors on fields the resource does not index, as upstream does.
    pub fn check_field_selector(&self, opts: &ListOptions) -> Result<(), ApiError> {
        let known = selectable_fields(
            self.strategy.as_ref(),
            &Value::Null,
            self.info.is_namespaced(),
        );
        match opts
            .field_selector
            .fields()
            .find(|f| !known.contains_key(*f))
        {
            Some(field) => Err(ApiError::bad_request(format!(
                "field label not supported: {field}"
            ))),
            None => Ok(()),
        }
    }

    /// Whether an object passes the list's label and field selectors.
    pub fn matches(&self, obj: &Value, opts: &ListOptions) -> bool {
        if !opts.label_selector.matches(&object::labels(obj)) {
            return false;
        }
        opts.field_selector.is_empty()
            || opts.field_selector.matches(&selectable_fields(
                self.strategy.as_ref(),
                obj,
                self.info.is_namespaced(),
            ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(items: ListItems) -> ListBody {
        let mut metadata = Map::new();
        metadata.insert("resourceVersion".into(), "7".into());
        ListBody {
            kind: "ConfigMapList",
            api_version: "v1".into(),
            metadata,
            items,
        }
    }

    #[test]
    fn list_body_serializes_as_its_value() {
        let a = json!({"metadata": {"name": "a"}, "data": {"k": "v"}});
        let b = json!({"metadata": {"name": "b"}});
        let expected = json!({
            "kind": "ConfigMapList",
            "apiVersion": "v1",
            "metadata": {"resourceVersion": "7"},
            "items": [a.clone(), b.clone()],
        });
        let expected_bytes = serde_json::to_vec(&expected).unwrap();

        let owned = body(ListItems::Owned(vec![a.clone(), b.clone()]));
        assert_eq!(serde_json::to_vec(&owned).unwrap(), expected_bytes);
        assert_eq!(owned.into_value(), expected);

        let cached = vec![Arc::new(a), Arc::new(b)];
        let shared = body(ListItems::Shared(cached.clone()));
        assert_eq!(serde_json::to_vec(&shared).unwrap(), expected_bytes);
        assert_eq!(shared.into_value(), expected);
        // The cache's items are untouched by the list.
        assert_eq!(cached[0]["metadata"]["name"], "a");
    }
}
