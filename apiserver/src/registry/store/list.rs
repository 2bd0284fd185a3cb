//! Lists: pagination with `limit`/`continue`, `resourceVersion` semantics (the watch cache
//! for "0", etcd otherwise), label and field selectors.

use serde_json::{json, Value};

use super::Store;
use crate::object;
use crate::registry::list::{decode_continue, encode_continue, ListOptions, RvMatch};
use crate::registry::selectable_fields;
use crate::status::ApiError;
use crate::storage::StorageError;

/// How long a read waits for a `resourceVersion` the cache has not reached (upstream's 3 s).
pub const FRESHNESS_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

impl Store {
    /// LIST: the matching objects as a `<Kind>List`, paginated with `limit`/`continue`.
    pub async fn list(&self, namespace: &str, opts: &ListOptions) -> Result<Value, ApiError> {
        self.check_field_selector(opts)?;
        let prefix = self.collection_prefix(namespace);
        if opts.resource_version == "0"
            && opts.continue_token.is_empty()
            && opts.resource_version_match != RvMatch::Exact
        {
            // "Any version" is served from the watch cache; like upstream's cache, no paging.
            let (objects, revision) = self.cacher.snapshot(&prefix).await?;
            let items: Vec<Value> = objects
                .iter()
                .filter(|o| self.matches(o, opts))
                .map(|o| (**o).clone())
                .collect();
            return Ok(json!({
                "kind": self.info.list_kind,
                "apiVersion": self.info.api_version(),
                "metadata": {"resourceVersion": revision.to_string()},
                "items": items,
            }));
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
        let mut metadata = serde_json::Map::new();
        metadata.insert("resourceVersion".into(), revision.to_string().into());
        if let Some(next) = next {
            let rel = next.strip_prefix(&prefix).unwrap_or(&next);
            metadata.insert("continue".into(), encode_continue(revision, rel).into());
            if let Some(remaining) = remaining.filter(|r| *r > 0) {
                metadata.insert("remainingItemCount".into(), remaining.into());
            }
        }
        Ok(json!({
            "kind": self.info.list_kind,
            "apiVersion": self.info.api_version(),
            "metadata": metadata,
            "items": items,
        }))
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
