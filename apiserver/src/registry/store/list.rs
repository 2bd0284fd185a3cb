//! Lists: where a list is served from (upstream's `shouldDelegateList`), pagination with
//! `limit`/`continue`, label and field selectors.
//!
//! The watch cache serves `resourceVersion="0"` (any version), consistent reads
//! (`resourceVersion=""`, once the cache has caught up with etcd's current revision) and
//! "not older than" reads; etcd serves exact revisions, continuations, and everything when
//! etcd's progress notifications cannot be trusted or the cache does not catch up in time.

use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use super::Store;
use crate::cacher::{CachedObject, Snapshot};
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
    Shared(Vec<Arc<CachedObject>>),
}

impl ListBody {
    /// The list as a `Value`, moving owned items in; shared ones are copied only when the
    /// cache still holds them.
    pub fn into_value(self) -> Value {
        let items = match self.items {
            ListItems::Owned(items) => items,
            ListItems::Shared(items) => items.into_iter().map(|o| o.to_value()).collect(),
        };
        let mut list = Map::new();
        list.insert("kind".into(), self.kind.into());
        list.insert("apiVersion".into(), self.api_version.into());
        list.insert("metadata".into(), Value::Object(self.metadata));
        list.insert("items".into(), Value::Array(items));
        Value::Object(list)
    }

    /// Compact JSON and a newline, byte for byte what serializing the list's `Value` gives.
    /// Items shared with the watch cache contribute their cached JSON, so a list from the
    /// cache costs a copy of bytes rather than a walk of every object.
    pub fn to_json(&self) -> Bytes {
        let ListItems::Shared(items) = &self.items else {
            return Bytes::from(crate::codec::encode_json_any(self));
        };
        let head = |out: &mut BytesMut| {
            out.put_slice(b"{\"apiVersion\":");
            write_json(out, &self.api_version);
            out.put_slice(b",\"items\":[");
        };
        let size = items.iter().map(|o| o.json().len() + 1).sum::<usize>() + 256;
        let mut out = BytesMut::with_capacity(size);
        head(&mut out);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.put_u8(b',');
            }
            out.put_slice(item.json());
        }
        out.put_slice(b"],\"kind\":");
        write_json(&mut out, self.kind);
        out.put_slice(b",\"metadata\":");
        write_json(&mut out, &self.metadata);
        out.put_slice(b"}\n");
        out.freeze()
    }
}

fn write_json<T: Serialize + ?Sized>(out: &mut BytesMut, value: &T) {
    // Strings and string maps always serialize.
    let _ = serde_json::to_writer(out.writer(), value);
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

struct SharedItems<'a>(&'a [Arc<CachedObject>]);

impl Serialize for SharedItems<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|o| &***o))
    }
}

/// Where a list is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The watch cache, whatever its revision ("any version"); no paging, as upstream.
    CacheAnyVersion,
    /// The watch cache once it has caught up with this revision (`None`: etcd's current
    /// one), paged; etcd when it does not catch up in time.
    CacheAtLeast(Option<i64>),
    /// etcd at this revision (0: the latest).
    Etcd(i64),
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
        if !opts.continue_token.is_empty() {
            return self.list_continue(&prefix, opts).await;
        }
        let revision = match self.list_source(opts).await? {
            Source::CacheAnyVersion => {
                crate::metrics::count_cache_read(self.cacher.resource(), false, true);
                let snapshot = self.cacher.snapshot(&prefix).await?;
                return Ok(self.page_from_cache(&prefix, snapshot, opts, false));
            }
            Source::CacheAtLeast(min) => match self.cache_at_least(min).await? {
                true => {
                    let snapshot = self.cacher.snapshot(&prefix).await?;
                    return Ok(self.page_from_cache(&prefix, snapshot, opts, true));
                }
                false => 0,
            },
            Source::Etcd(revision) => revision,
        };
        self.list_etcd(&prefix, revision, String::new(), opts).await
    }

    /// Upstream's choice between the watch cache and etcd for a list without `continue`.
    async fn list_source(&self, opts: &ListOptions) -> Result<Source, ApiError> {
        let rv = opts.revision()?;
        let reliable = self.storage.reliable_progress().await;
        Ok(match (opts.resource_version_match, rv) {
            (RvMatch::Exact, Some(rv)) if rv > 0 => Source::Etcd(rv),
            (RvMatch::Exact, _) => {
                return Err(ApiError::bad_request(
                    "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
                ))
            }
            (_, Some(0)) => Source::CacheAnyVersion,
            // A legacy paged read at a revision is an exact read.
            (RvMatch::Unset, Some(rv)) if opts.limit > 0 => Source::Etcd(rv),
            (_, Some(rv)) if reliable => Source::CacheAtLeast(Some(rv)),
            (_, Some(rv)) => {
                // "Not older than" from etcd: etcd must have reached the revision.
                self.cacher.wait_until_fresh(rv, FRESHNESS_WAIT).await?;
                Source::Etcd(0)
            }
            (_, None) if reliable => Source::CacheAtLeast(None),
            (_, None) => Source::Etcd(0),
        })
    }

    /// Brings the watch cache up to `min` (etcd's current revision when `None`); whether it
    /// got there in time. A revision etcd itself has not reached is upstream's 504 "Too
    /// large resource version".
    async fn cache_at_least(&self, min: Option<i64>) -> Result<bool, ApiError> {
        let target = match min {
            Some(rv) => rv,
            None => self
                .storage
                .current_revision()
                .await
                .map_err(|e| self.storage_error(e, ""))?,
        };
        let caught_up = self.cacher.wait_caught_up(target, FRESHNESS_WAIT).await?;
        let consistent = min.is_none();
        if !caught_up {
            if let Some(rv) = min {
                let current = self
                    .storage
                    .current_revision()
                    .await
                    .map_err(|e| self.storage_error(e, ""))?;
                if current < rv {
                    return Err(ApiError::too_large_resource_version(rv, current));
                }
            }
            tracing::warn!(
                resource = self.info.plural,
                target,
                cache = self.cacher.revision(),
                "watch cache did not catch up in time; reading from etcd"
            );
        }
        crate::metrics::count_cache_read(self.cacher.resource(), consistent, caught_up);
        Ok(caught_up)
    }

    /// One page of a snapshot of the watch cache, with a continue token (read from etcd at
    /// the snapshot's revision) when `paged` and a limit cut it short.
    fn page_from_cache(
        &self,
        prefix: &str,
        snapshot: Snapshot,
        opts: &ListOptions,
        paged: bool,
    ) -> ListBody {
        let Snapshot { items, revision } = snapshot;
        let filtering = !opts.label_selector.is_empty() || !opts.field_selector.is_empty();
        let limit = if paged && opts.limit > 0 {
            usize::try_from(opts.limit).unwrap_or(usize::MAX)
        } else {
            usize::MAX
        };
        let total = items.len();
        let mut selected = Vec::with_capacity(total.min(limit));
        let mut next = None;
        for (i, (key, obj)) in items.into_iter().enumerate() {
            if filtering && !self.matches(&obj, opts) {
                continue;
            }
            selected.push(obj);
            if selected.len() >= limit {
                if i + 1 < total {
                    next = Some((key, total - i - 1));
                }
                break;
            }
        }
        let mut metadata = Map::new();
        metadata.insert("resourceVersion".into(), revision.to_string().into());
        if let Some((last, remaining)) = next {
            let after = format!("{last}\u{0}");
            let rel = after.strip_prefix(prefix).unwrap_or(&after);
            metadata.insert("continue".into(), encode_continue(revision, rel).into());
            if !filtering {
                metadata.insert("remainingItemCount".into(), remaining.into());
            }
        }
        ListBody {
            kind: self.info.list_kind,
            api_version: self.info.api_version(),
            metadata,
            items: ListItems::Shared(selected),
        }
    }

    /// The next page of a paged list: from etcd at the revision of its first page.
    async fn list_continue(&self, prefix: &str, opts: &ListOptions) -> Result<ListBody, ApiError> {
        if !opts.resource_version.is_empty() && opts.resource_version != "0" {
            return Err(ApiError::bad_request(
                "specifying resource version is not allowed when using continue",
            ));
        }
        let (rev, rel) = decode_continue(&opts.continue_token)?;
        self.list_etcd(prefix, rev, format!("{prefix}{rel}"), opts)
            .await
    }

    /// A list read from etcd at `revision` (0: the latest) from the key `start` on.
    async fn list_etcd(
        &self,
        prefix: &str,
        mut revision: i64,
        mut start: String,
        opts: &ListOptions,
    ) -> Result<ListBody, ApiError> {
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
                .list(prefix, &start, revision, page_limit)
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
            let rel = next.strip_prefix(prefix).unwrap_or(&next);
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

        let mut with_newline = expected_bytes.clone();
        with_newline.push(b'\n');

        let owned = body(ListItems::Owned(vec![a.clone(), b.clone()]));
        assert_eq!(serde_json::to_vec(&owned).unwrap(), expected_bytes);
        assert_eq!(owned.to_json(), with_newline);
        assert_eq!(owned.into_value(), expected);

        let cached = vec![
            Arc::new(CachedObject::new(a)),
            Arc::new(CachedObject::new(b)),
        ];
        let shared = body(ListItems::Shared(cached.clone()));
        assert_eq!(serde_json::to_vec(&shared).unwrap(), expected_bytes);
        // The fast path (cached item JSON copied in) gives the same bytes plus the newline.
        assert_eq!(shared.to_json(), with_newline);
        assert_eq!(shared.into_value(), expected);
        // The cache's items are untouched by the list.
        assert_eq!(cached[0]["metadata"]["name"], "a");
    }
}
