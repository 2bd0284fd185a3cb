//! Strategic merge patch (`application/strategic-merge-patch+json`), as upstream's
//! `strategicpatch.StrategicMergeMapPatch` applies it on the server: maps merge recursively,
//! `null` deletes a key, lists merge where the type says so (see [`merge_keys`]) and are
//! replaced otherwise, and the directives `$patch` (`replace`/`delete` on maps and list
//! elements), `$retainKeys`, `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`
//! are honoured. Merged lists are ordered as upstream orders them: patch items in patch (or
//! `$setElementOrder`) order, interleaved with the server-only items by their old positions.

use serde_json::{Map, Value};

use super::merge_keys::{list_strategy, ListStrategy};

const DIRECTIVE: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ORDER: &str = "$setElementOrder";
const DELETE_PRIMITIVE: &str = "$deleteFromPrimitiveList";

/// Why a strategic merge patch could not be applied; the variant is upstream's answer code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmpError {
    /// A malformed patch or directive: 400.
    #[error("{0}")]
    BadRequest(String),
    /// Upstream's 422 cases (lists of lists).
    #[error("{0}")]
    Unprocessable(String),
    /// Anything else upstream returns unwrapped (a 500): missing merge keys, mixed lists.
    #[error("{0}")]
    Internal(String),
}

fn bad_patch_type(directive: &Value, m: &Map<String, Value>) -> SmpError {
    let d = directive
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| directive.to_string());
    SmpError::BadRequest(format!(
        "unknown patch type: {d} in map: {}",
        Value::Object(m.clone())
    ))
}

fn no_merge_key(m: &Map<String, Value>, key: &str) -> SmpError {
    SmpError::Internal(format!(
        "map: {} does not contain declared merge key: {key}",
        Value::Object(m.clone())
    ))
}

/// Applies the JSON `patch` to `original` (an object's JSON).
pub fn apply(original: Value, patch: &[u8]) -> Result<Value, SmpError> {
    let patch: Value =
        serde_json::from_slice(patch).map_err(|e| SmpError::BadRequest(e.to_string()))?;
    let Value::Object(patch) = patch else {
        return Err(SmpError::BadRequest(
            "json: cannot unmarshal non-object into Go value of type map[string]interface {}"
                .into(),
        ));
    };
    let Value::Object(original) = original else {
        return Err(SmpError::BadRequest("invalid JSON document".into()));
    };
    merge_map(original, patch, &mut Vec::new()).map(Value::Object)
}

/// Merges `patch` into `original`; `path` is the field path of both.
fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    path: &mut Vec<String>,
) -> Result<Map<String, Value>, SmpError> {
    if let Some(directive) = patch.get(DIRECTIVE).cloned() {
        return match directive.as_str() {
            Some("replace") => {
                patch.remove(DIRECTIVE);
                Ok(patch)
            }
            Some("delete") => Ok(Map::new()),
            _ => Err(bad_patch_type(&directive, &patch)),
        };
    }
    apply_retain_keys(&mut original, &mut patch)?;
    apply_set_element_order(&mut original, &mut patch, path)?;
    for (k, patch_v) in patch {
        let (key, delete_list) = match k.strip_prefix(DELETE_PRIMITIVE) {
            Some(rest) => match rest.strip_prefix('/') {
                Some(field) => (field.to_string(), true),
                None => {
                    return Err(SmpError::BadRequest(
                        "invalid patch format of primitive list".into(),
                    ))
                }
            },
            None => (k, false),
        };
        if patch_v.is_null() {
            // Upstream drops unmatched nulls on the server.
            original.remove(&key);
            continue;
        }
        if delete_list && !patch_v.is_array() {
            return Err(SmpError::BadRequest(
                "invalid patch format of primitive list".into(),
            ));
        }
        path.push(key.clone());
        let merged = match original.remove(&key) {
            None if delete_list => None,
            None => Some(fresh(patch_v, path)?),
            Some(orig_v) => Some(merge_value(orig_v, patch_v, delete_list, path)?),
        };
        path.pop();
        if let Some(v) = merged {
            original.insert(key, v);
        }
    }
    Ok(original)
}

/// A patch value for a key the original lacks: directives and nulls are resolved against
/// an empty value.
fn fresh(patch_v: Value, path: &mut Vec<String>) -> Result<Value, SmpError> {
    match patch_v {
        Value::Object(m) => merge_map(Map::new(), m, path).map(Value::Object),
        Value::Array(items) if list_strategy(path) != ListStrategy::Replace => {
            merge_list(Vec::new(), items, false, path).map(Value::Array)
        }
        other => Ok(other),
    }
}

fn merge_value(
    orig_v: Value,
    patch_v: Value,
    delete_list: bool,
    path: &mut Vec<String>,
) -> Result<Value, SmpError> {
    match (orig_v, patch_v) {
        (Value::Object(o), Value::Object(p)) => merge_map(o, p, path).map(Value::Object),
        (Value::Array(o), Value::Array(p)) => {
            if delete_list {
                return Ok(Value::Array(delete_from_slice(o, &p)));
            }
            match list_strategy(path) {
                ListStrategy::Replace => Ok(Value::Array(p)),
                _ => merge_list(o, p, false, path).map(Value::Array),
            }
        }
        // A different type, or a scalar: the patch wins.
        (_, p) => Ok(p),
    }
}

/// Whether the lists' elements are objects (`Some(true)`), scalars (`Some(false)`) or
/// absent (`None`); lists of lists and mixed lists fail as upstream's `sliceElementType`.
fn element_kind(lists: &[&[Value]]) -> Result<Option<bool>, SmpError> {
    let mut kind: Option<u8> = None;
    for v in lists.iter().flat_map(|l| l.iter()) {
        let k = match v {
            Value::Array(_) => {
                return Err(SmpError::Unprocessable(
                    "lists of lists are not supported".into(),
                ))
            }
            Value::Object(_) => 0,
            Value::String(_) => 1,
            Value::Number(_) => 2,
            Value::Bool(_) => 3,
            Value::Null => 4,
        };
        match kind {
            None => kind = Some(k),
            Some(prev) if prev != k => {
                let all: Vec<Value> = lists.iter().map(|l| Value::Array(l.to_vec())).collect();
                return Err(SmpError::Internal(format!(
                    "list element types are not identical: {}",
                    Value::Array(all)
                )));
            }
            Some(_) => {}
        }
    }
    Ok(kind.map(|k| k == 0))
}

/// Merges a list whose strategy is `merge` (by key, or as a set of scalars).
fn merge_list(
    original: Vec<Value>,
    patch: Vec<Value>,
    delete_list: bool,
    path: &mut Vec<String>,
) -> Result<Vec<Value>, SmpError> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    let Some(is_map) = element_kind(&[&original, &patch])? else {
        return Ok(original);
    };
    if !is_map {
        if delete_list {
            return Ok(delete_from_slice(original, &patch));
        }
        let mut merged: Vec<Value> = Vec::with_capacity(original.len() + patch.len());
        for v in original.iter().chain(patch.iter()) {
            if !merged.contains(v) {
                merged.push(v.clone());
            }
        }
        let (in_patch, server_only) = partition(merged, &patch, None);
        return Ok(normalize_order(
            in_patch,
            server_only,
            &patch,
            &original,
            None,
        ));
    }
    let key = match list_strategy(path) {
        ListStrategy::MergeByKey(k) => k,
        _ => {
            return Err(SmpError::Internal(
                "cannot merge lists without merge key for type map".into(),
            ))
        }
    };
    let (original, patch) = special_elements(original, patch, key)?;
    let mut merged = original.clone();
    for v in &patch {
        let Value::Object(pm) = v else {
            continue;
        };
        let Some(want) = pm.get(key) else {
            return Err(no_merge_key(pm, key));
        };
        match find_by_key(&merged, key, want) {
            Some(i) => {
                let Value::Object(om) = std::mem::take(&mut merged[i]) else {
                    continue;
                };
                merged[i] = Value::Object(merge_map(om, pm.clone(), path)?);
            }
            None => merged.push(Value::Object(merge_map(Map::new(), pm.clone(), path)?)),
        }
    }
    let (in_patch, server_only) = partition(merged, &patch, Some(key));
    Ok(normalize_order(
        in_patch,
        server_only,
        &patch,
        &original,
        Some(key),
    ))
}

/// Handles `$patch` elements of a merging list of objects: `delete` removes the matching
/// elements, `replace` makes the rest of the patch the whole list. Returns the new original
/// and the patch without those elements.
fn special_elements(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), SmpError> {
    let mut plain = Vec::with_capacity(patch.len());
    let mut replace = false;
    for v in patch {
        let Value::Object(m) = &v else {
            plain.push(v);
            continue;
        };
        let Some(directive) = m.get(DIRECTIVE) else {
            plain.push(v);
            continue;
        };
        match directive.as_str() {
            Some("delete") => {
                let Some(want) = m.get(key) else {
                    return Err(no_merge_key(m, key));
                };
                original.retain(|o| o.get(key) != Some(want));
            }
            Some("replace") => replace = true,
            Some("merge") => {
                return Err(SmpError::Internal(
                    "merging lists cannot yet be specified in the patch".into(),
                ))
            }
            _ => return Err(bad_patch_type(directive, m)),
        }
    }
    if replace {
        return Ok((plain, Vec::new()));
    }
    Ok((original, plain))
}

fn find_by_key(list: &[Value], key: &str, want: &Value) -> Option<usize> {
    list.iter().position(|v| v.get(key) == Some(want))
}

/// Where `item` sits in `list`: by merge key for objects, by value for scalars.
fn index_of(list: &[Value], item: &Value, key: Option<&str>) -> Option<usize> {
    match key {
        Some(k) => item.get(k).and_then(|want| find_by_key(list, k, want)),
        None => list.iter().position(|v| v == item),
    }
}

/// Splits `merged` into the items present in `by` and the others, keeping their order.
fn partition(merged: Vec<Value>, by: &[Value], key: Option<&str>) -> (Vec<Value>, Vec<Value>) {
    merged
        .into_iter()
        .partition(|v| index_of(by, v, key).is_some())
}

/// Upstream's `normalizeElementOrder`: patch items sorted by `patch_order`, server-only items
/// by `server_order`, then merged, a server item going first only when both sit in
/// `server_order` and it came first there.
fn normalize_order(
    mut in_patch: Vec<Value>,
    mut server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    key: Option<&str>,
) -> Vec<Value> {
    in_patch.sort_by_key(|v| index_of(patch_order, v, key).unwrap_or(usize::MAX));
    server_only.sort_by_key(|v| index_of(server_order, v, key).unwrap_or(usize::MAX));
    let mut out = Vec::with_capacity(in_patch.len() + server_only.len());
    let mut left = server_only.into_iter().peekable();
    let mut right = in_patch.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => {
                match (
                    index_of(server_order, l, key),
                    index_of(server_order, r, key),
                ) {
                    (Some(li), Some(ri)) => li < ri,
                    _ => false,
                }
            }
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next);
    }
    out
}

/// `$deleteFromPrimitiveList/<list>`: every value of `to_delete` leaves the list.
fn delete_from_slice(current: Vec<Value>, to_delete: &[Value]) -> Vec<Value> {
    current
        .into_iter()
        .filter(|v| !to_delete.contains(v))
        .collect()
}

/// `$retainKeys`: keys of `original` not listed are cleared; every key the patch sets must
/// be listed.
fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
) -> Result<(), SmpError> {
    let Some(retain) = patch.remove(RETAIN_KEYS) else {
        return Ok(());
    };
    let bad = || SmpError::BadRequest("invalid patch format of retainKeys".into());
    let Value::Array(retain) = retain else {
        return Err(bad());
    };
    let keep = |k: &str| retain.iter().any(|r| r.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null() || k.starts_with(DELETE_PRIMITIVE) || k.starts_with(SET_ORDER) {
            continue;
        }
        if !keep(k) {
            return Err(bad());
        }
    }
    original.retain(|k, _| keep(k));
    Ok(())
}

/// `$setElementOrder/<list>`: the list is merged and ordered by the directive's order.
fn apply_set_element_order(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    path: &mut Vec<String>,
) -> Result<(), SmpError> {
    let bad = || SmpError::BadRequest("invalid patch type of setElementOrder list".into());
    let directives: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ORDER))
        .cloned()
        .collect();
    for directive in directives {
        let order = patch.remove(&directive).unwrap_or(Value::Null);
        let Value::Array(order) = order else {
            return Err(bad());
        };
        let Some(field) = directive
            .strip_prefix(SET_ORDER)
            .and_then(|r| r.strip_prefix('/'))
        else {
            return Err(bad());
        };
        let field = field.to_string();
        let orig_list = match original.remove(&field) {
            None => None,
            Some(Value::Array(l)) => Some(l),
            Some(other) => {
                return Err(SmpError::Internal(format!(
                    "expected []interface{{}}, but got {other}"
                )))
            }
        };
        let patch_list = match patch.remove(&field) {
            None => None,
            Some(Value::Array(l)) => Some(l),
            Some(other) => {
                return Err(SmpError::Internal(format!(
                    "expected []interface{{}}, but got {other}"
                )))
            }
        };
        path.push(field.clone());
        let strategy = list_strategy(path);
        let key = match strategy {
            ListStrategy::MergeByKey(k) => Some(k),
            _ => None,
        };
        if let Some(p) = &patch_list {
            check_set_order(p, &order, key)?;
        }
        let server_order = orig_list.clone().unwrap_or_default();
        let merged = match (orig_list, patch_list) {
            (Some(o), None) => o,
            (None, Some(p)) if strategy == ListStrategy::Replace => p,
            (None, Some(p)) => merge_list(Vec::new(), p, false, path)?,
            (Some(_), Some(p)) if strategy == ListStrategy::Replace => p,
            (Some(o), Some(p)) => merge_list(o, p, false, path)?,
            (None, None) => {
                path.pop();
                continue;
            }
        };
        path.pop();
        if element_kind(&[&merged])?.is_some_and(|is_map| is_map) && key.is_none() {
            original.insert(field, Value::Array(merged));
            continue;
        }
        let (in_order, server_only) = partition(merged, &order, key);
        let list = normalize_order(in_order, server_only, &order, &server_order, key);
        original.insert(field, Value::Array(list));
    }
    Ok(())
}

/// Upstream's `validatePatchWithSetOrderList`: the patch list's items (deletions aside)
/// appear in `$setElementOrder` in the same relative order.
fn check_set_order(patch: &[Value], order: &[Value], key: Option<&str>) -> Result<(), SmpError> {
    let items: Vec<&Value> = patch
        .iter()
        .filter(|v| v.get(DIRECTIVE).is_none())
        .collect();
    let (mut pi, mut oi) = (0, 0);
    while pi < items.len() && oi < order.len() {
        let equal = match key {
            Some(k) => {
                let mine = items[pi].get(k);
                let theirs = order[oi].get(k);
                for (v, found) in [(items[pi], mine), (&order[oi], theirs)] {
                    if found.is_none() {
                        let m = v.as_object().cloned().unwrap_or_default();
                        return Err(no_merge_key(&m, k));
                    }
                }
                mine == theirs
            }
            None => items[pi] == &order[oi],
        };
        if equal {
            pi += 1;
        }
        oi += 1;
    }
    if pi < items.len() {
        return Err(SmpError::Internal(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ORDER} list:\n{}\n",
            Value::Array(patch.to_vec()),
            Value::Array(order.to_vec())
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
