//! List and watch options from the query string (upstream's `metav1.ListOptions`) and the
//! `continue` token format (upstream's etcd3 `continueToken`).

use api_types::labels::Selector;
use api_types::validation::{FieldError, FieldPath};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::request_info::parse_go_bool;
use crate::status::ApiError;
use api_types::fields::Selector as FieldSelector;

/// `resourceVersionMatch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RvMatch {
    Unset,
    NotOlderThan,
    Exact,
}

/// The query parameters of list and watch requests.
#[derive(Debug, Clone)]
pub struct ListOptions {
    pub label_selector: Selector,
    pub field_selector: FieldSelector,
    pub limit: i64,
    pub continue_token: String,
    pub resource_version: String,
    pub resource_version_match: RvMatch,
    pub watch: bool,
    pub allow_watch_bookmarks: bool,
    pub send_initial_events: Option<bool>,
    pub timeout_seconds: Option<u64>,
}

impl Default for ListOptions {
    fn default() -> Self {
        ListOptions {
            label_selector: Selector::everything(),
            field_selector: FieldSelector::default(),
            limit: 0,
            continue_token: String::new(),
            resource_version: String::new(),
            resource_version_match: RvMatch::Unset,
            watch: false,
            allow_watch_bookmarks: false,
            send_initial_events: None,
            timeout_seconds: None,
        }
    }
}

fn bool_param(key: &str, value: &str) -> Result<bool, ApiError> {
    if value.is_empty() {
        return Ok(true);
    }
    parse_go_bool(value).ok_or_else(|| {
        ApiError::bad_request(format!(
            "invalid value for {key}: strconv.ParseBool: parsing {value:?}: invalid syntax"
        ))
    })
}

impl ListOptions {
    /// Reads the options from a raw query string.
    pub fn from_query(query: Option<&str>) -> Result<Self, ApiError> {
        let mut o = ListOptions::default();
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match key.as_ref() {
                "labelSelector" => {
                    o.label_selector = Selector::parse(&value)
                        .map_err(|e| ApiError::bad_request(e.to_string()))?;
                }
                "fieldSelector" => {
                    o.field_selector = FieldSelector::parse(&value)
                        .map_err(|e| ApiError::bad_request(e.to_string()))?;
                }
                "limit" => {
                    o.limit = value.parse().map_err(|_| {
                        ApiError::bad_request(format!("invalid value for limit: {value:?}"))
                    })?;
                }
                "continue" => o.continue_token = value.into_owned(),
                "resourceVersion" => o.resource_version = value.into_owned(),
                "resourceVersionMatch" => {
                    o.resource_version_match = match value.as_ref() {
                        "" => RvMatch::Unset,
                        "NotOlderThan" => RvMatch::NotOlderThan,
                        "Exact" => RvMatch::Exact,
                        other => {
                            return Err(ApiError::bad_request(format!(
                                "resourceVersionMatch: Unsupported value: \"{other}\": supported values: \"Exact\", \"NotOlderThan\", \"\""
                            )))
                        }
                    };
                }
                "watch" => o.watch = bool_param("watch", &value)?,
                "allowWatchBookmarks" => {
                    o.allow_watch_bookmarks = bool_param("allowWatchBookmarks", &value)?
                }
                "sendInitialEvents" => {
                    o.send_initial_events = Some(bool_param("sendInitialEvents", &value)?)
                }
                "timeoutSeconds" => {
                    o.timeout_seconds = Some(value.parse().map_err(|_| {
                        ApiError::bad_request(format!(
                            "invalid value for timeoutSeconds: {value:?}"
                        ))
                    })?);
                }
                _ => {}
            }
        }
        Ok(o)
    }

    /// Upstream's `ValidateListOptions`: which combinations of `resourceVersionMatch`,
    /// `resourceVersion`, `continue` and `sendInitialEvents` a list (or, with `watch`, a
    /// watch) accepts; 422 on `ListOptions.meta.k8s.io` otherwise.
    pub fn validate(&self, watch: bool) -> Result<(), ApiError> {
        let match_path = FieldPath::new("resourceVersionMatch");
        let set = self.resource_version_match != RvMatch::Unset;
        let mut errs = Vec::new();
        if watch {
            if self.send_initial_events.is_some()
                && self.resource_version_match != RvMatch::NotOlderThan
            {
                errs.push(FieldError::forbidden(
                    &match_path,
                    "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
                ));
            }
            if set {
                if self.send_initial_events.is_none() {
                    errs.push(FieldError::forbidden(
                        &match_path,
                        "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
                    ));
                }
                if self.resource_version_match != RvMatch::NotOlderThan {
                    errs.push(FieldError::not_supported(
                        &match_path,
                        "Exact",
                        &["NotOlderThan"],
                    ));
                }
                if !self.continue_token.is_empty() {
                    errs.push(FieldError::forbidden(
                        &match_path,
                        "resourceVersionMatch is forbidden when continue is provided",
                    ));
                }
            }
        } else {
            if set {
                if self.resource_version.is_empty() {
                    errs.push(FieldError::forbidden(
                        &match_path,
                        "resourceVersionMatch is forbidden unless resourceVersion is provided",
                    ));
                }
                if !self.continue_token.is_empty() {
                    errs.push(FieldError::forbidden(
                        &match_path,
                        "resourceVersionMatch is forbidden when continue is provided",
                    ));
                }
                if self.resource_version_match == RvMatch::Exact && self.resource_version == "0" {
                    errs.push(FieldError::forbidden(
                        &match_path,
                        "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
                    ));
                }
            }
            if self.send_initial_events.is_some() {
                errs.push(FieldError::forbidden(
                    &FieldPath::new("sendInitialEvents"),
                    "sendInitialEvents is forbidden for list",
                ));
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(
                "meta.k8s.io",
                "ListOptions",
                "",
                &errs.into(),
            ))
        }
    }

    /// `resourceVersion` as a revision: `None` for unset, `Some(0)` for "0".
    pub fn revision(&self) -> Result<Option<i64>, ApiError> {
        if self.resource_version.is_empty() {
            return Ok(None);
        }
        parse_resource_version(&self.resource_version).map(Some)
    }
}

/// A `resourceVersion` string as an etcd revision.
pub fn parse_resource_version(rv: &str) -> Result<i64, ApiError> {
    rv.parse::<i64>()
        .ok()
        .filter(|r| *r >= 0)
        .ok_or_else(|| ApiError::bad_request(format!("invalid resource version: {rv}")))
}

#[derive(Serialize, Deserialize)]
struct Token {
    v: String,
    rv: i64,
    start: String,
}

/// Encodes where the next page starts: the revision of the first page and the key (relative
/// to the list prefix) after the last one returned.
pub fn encode_continue(revision: i64, next_key: &str) -> String {
    let token = Token {
        v: "meta.k8s.io/v1".into(),
        rv: revision,
        start: next_key.into(),
    };
    let json = serde_json::to_vec(&token).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

/// Decodes a `continue` token into `(revision, start key)`.
pub fn decode_continue(token: &str) -> Result<(i64, String), ApiError> {
    let bad = || {
        ApiError::bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
    };
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.trim_end_matches('='))
        .map_err(|_| bad())?;
    let token: Token = serde_json::from_slice(&raw).map_err(|_| bad())?;
    if token.v != "meta.k8s.io/v1" || token.rv <= 0 || token.start.contains("..") {
        return Err(bad());
    }
    Ok((token.rv, token.start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_client_go_list_query() {
        let o = ListOptions::from_query(Some(
            "labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dx&limit=500&resourceVersion=0&allowWatchBookmarks=true&timeoutSeconds=300&watch=1",
        ))
        .unwrap();
        assert_eq!(o.limit, 500);
        assert_eq!(o.revision().unwrap(), Some(0));
        assert!(o.watch && o.allow_watch_bookmarks);
        assert_eq!(o.timeout_seconds, Some(300));
        assert_eq!(o.field_selector.requirements().len(), 1);
        assert!(ListOptions::from_query(Some("limit=x")).is_err());
        assert!(ListOptions::from_query(Some("resourceVersionMatch=Bogus")).is_err());
        assert!(ListOptions::from_query(Some("labelSelector=a%20in")).is_err());
    }

    #[test]
    fn list_option_combinations_like_upstream() {
        let v = |q: &str, watch: bool| ListOptions::from_query(Some(q)).unwrap().validate(watch);
        assert!(v("resourceVersion=5&resourceVersionMatch=Exact", false).is_ok());
        assert!(v("resourceVersion=0&resourceVersionMatch=NotOlderThan", false).is_ok());
        for bad in [
            "resourceVersionMatch=Exact",
            "resourceVersion=0&resourceVersionMatch=Exact",
            "resourceVersion=5&resourceVersionMatch=Exact&continue=x",
            "sendInitialEvents=true",
        ] {
            let e = v(bad, false).unwrap_err();
            assert_eq!((e.code, e.reason), (422, "Invalid"), "{bad}");
        }
        assert!(v(
            "sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true",
            true
        )
        .is_ok());
        assert!(v("resourceVersion=3", true).is_ok());
        for bad in [
            "sendInitialEvents=true",
            "resourceVersionMatch=NotOlderThan",
            "sendInitialEvents=true&resourceVersionMatch=Exact",
        ] {
            assert!(v(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn continue_round_trip() {
        let t = encode_continue(42, "ns/b\u{0}");
        assert_eq!(decode_continue(&t).unwrap(), (42, "ns/b\u{0}".to_string()));
        assert!(decode_continue("garbage!").is_err());
    }
}
