//! Field selectors, as upstream's `k8s.io/apimachinery/pkg/fields`: `a=b,c==d,e!=f` with
//! `\,`, `\=` and `\\` escapes in values. Which fields a resource supports is not decided
//! here: callers check [`Selector::fields`] against their resource's list.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;
use std::str::FromStr;

use serde_json::Value;

mod escape;

pub use escape::{escape_value, unescape_value, EscapeError};

/// Something whose fields a selector can be matched against (upstream's `Fields`, with
/// methods named so they do not hide behind `serde_json::Value::get`).
pub trait Fields {
    /// The value of a field by its path (`metadata.name`); `None` when absent.
    fn get_field(&self, field: &str) -> Option<Cow<'_, str>>;

    /// Whether the field is present.
    fn has_field(&self, field: &str) -> bool {
        self.get_field(field).is_some()
    }
}

impl Fields for BTreeMap<String, String> {
    fn get_field(&self, field: &str) -> Option<Cow<'_, str>> {
        BTreeMap::get(self, field).map(|v| Cow::Borrowed(v.as_str()))
    }
}

impl<S: BuildHasher> Fields for HashMap<String, String, S> {
    fn get_field(&self, field: &str) -> Option<Cow<'_, str>> {
        HashMap::get(self, field).map(|v| Cow::Borrowed(v.as_str()))
    }
}

impl<F: Fields + ?Sized> Fields for &F {
    fn get_field(&self, field: &str) -> Option<Cow<'_, str>> {
        (**self).get_field(field)
    }
}

/// Reads a dotted path (`spec.nodeName`, `involvedObject.kind`) out of an object's JSON.
/// Strings come back as they are, numbers and booleans in their JSON text; null, objects,
/// arrays and missing fields count as absent (which matches like the empty string).
impl Fields for Value {
    fn get_field(&self, field: &str) -> Option<Cow<'_, str>> {
        let mut node = self;
        for part in field.split('.') {
            node = node.as_object()?.get(part)?;
        }
        match node {
            Value::String(s) => Some(Cow::Borrowed(s.as_str())),
            Value::Bool(b) => Some(Cow::Owned(b.to_string())),
            Value::Number(n) => Some(Cow::Owned(n.to_string())),
            Value::Null | Value::Array(_) | Value::Object(_) => None,
        }
    }
}

/// How a field relates to its value. `==` parses as [`Operator::Equals`], as upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operator {
    Equals,
    NotEquals,
}

impl Operator {
    /// Upstream's `selection.Operator` string (`=` or `!=`).
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Equals => "=",
            Operator::NotEquals => "!=",
        }
    }
}

/// One term: a field, an operator and an (unescaped) value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Requirement {
    pub field: String,
    pub operator: Operator,
    pub value: String,
}

impl Requirement {
    fn matches<F: Fields + ?Sized>(&self, fields: &F) -> bool {
        let actual = fields.get_field(&self.field);
        let actual = actual.as_deref().unwrap_or("");
        match self.operator {
            Operator::Equals => actual == self.value,
            Operator::NotEquals => actual != self.value,
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}",
            self.field,
            self.operator.as_str(),
            escape_value(&self.value)
        )
    }
}

/// A field selector string that does not parse; messages are upstream's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// A term without `=`, `==` or `!=`.
    #[error("invalid selector: '{selector}'; can't understand '{term}'")]
    Term { selector: String, term: String },
    /// A value with a bad escape.
    #[error(transparent)]
    Escape(#[from] EscapeError),
}

/// A field selector: terms that must all hold, or the selector matching nothing.
/// Equality ignores the order of terms.
#[derive(Debug, Clone, Eq, Default)]
pub struct Selector {
    requirements: Vec<Requirement>,
    nothing: bool,
}

impl PartialEq for Selector {
    fn eq(&self, other: &Self) -> bool {
        fn sorted(s: &Selector) -> Vec<&Requirement> {
            let mut r: Vec<&Requirement> = s.requirements.iter().collect();
            r.sort();
            r
        }
        self.nothing == other.nothing && sorted(self) == sorted(other)
    }
}

/// Upstream's `splitTerms`: split on commas not escaped by a backslash.
fn split_terms(selector: &str) -> Vec<&str> {
    if selector.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in selector.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            terms.push(&selector[start..i]);
            start = i + 1;
        }
    }
    terms.push(&selector[start..]);
    terms
}

/// Upstream's `splitTerm`: the first `!=`, `==` or `=` splits field from (escaped) value.
fn split_term(term: &str) -> Option<(&str, Operator, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for (token, op) in [
            ("!=", Operator::NotEquals),
            ("==", Operator::Equals),
            ("=", Operator::Equals),
        ] {
            if let Some(value) = rest.strip_prefix(token) {
                return Some((&term[..i], op, value));
            }
        }
    }
    None
}

impl Selector {
    /// Matches everything.
    pub fn everything() -> Self {
        Selector::default()
    }

    /// Matches nothing; prints as the empty string.
    pub fn nothing() -> Self {
        Selector {
            requirements: Vec::new(),
            nothing: true,
        }
    }

    /// `field=value` for each pair (upstream's `SelectorFromSet`), sorted by field.
    pub fn from_set<I: IntoIterator<Item = (K, V)>, K: Into<String>, V: Into<String>>(
        set: I,
    ) -> Self {
        let mut requirements: Vec<Requirement> = set
            .into_iter()
            .map(|(k, v)| Requirement {
                field: k.into(),
                operator: Operator::Equals,
                value: v.into(),
            })
            .collect();
        requirements.sort();
        Selector {
            requirements,
            nothing: false,
        }
    }

    /// A single `field=value` term.
    pub fn one_term_equal(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::from_requirements(vec![Requirement {
            field: field.into(),
            operator: Operator::Equals,
            value: value.into(),
        }])
    }

    /// A single `field!=value` term.
    pub fn one_term_not_equal(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::from_requirements(vec![Requirement {
            field: field.into(),
            operator: Operator::NotEquals,
            value: value.into(),
        }])
    }

    /// The given terms, in the given order.
    pub fn from_requirements(requirements: Vec<Requirement>) -> Self {
        Selector {
            requirements,
            nothing: false,
        }
    }

    /// The conjunction of several selectors (upstream's `AndSelectors`).
    pub fn and(selectors: impl IntoIterator<Item = Selector>) -> Self {
        let mut out = Selector::everything();
        for s in selectors {
            out.nothing |= s.nothing;
            out.requirements.extend(s.requirements);
        }
        out
    }

    /// Parses upstream's field selector syntax. Terms are sorted by their text, empty
    /// terms skipped, and terms with both an empty field and an empty value dropped.
    pub fn parse(selector: &str) -> Result<Self, ParseError> {
        Self::parse_and_transform(selector, |f, v| {
            Ok::<_, ParseError>((f.to_string(), v.to_string()))
        })
    }

    /// Upstream's `ParseAndTransformSelector`: parse, then rewrite every term with `f`
    /// (e.g. to map a legacy field name to the current one).
    pub fn parse_and_transform<E>(
        selector: &str,
        f: impl FnMut(&str, &str) -> Result<(String, String), E>,
    ) -> Result<Self, E>
    where
        E: From<ParseError>,
    {
        let mut parts = split_terms(selector);
        parts.sort_unstable();
        let mut requirements = Vec::new();
        for part in parts.into_iter().filter(|p| !p.is_empty()) {
            let Some((field, operator, raw)) = split_term(part) else {
                return Err(ParseError::Term {
                    selector: selector.to_string(),
                    term: part.to_string(),
                }
                .into());
            };
            let value = unescape_value(raw).map_err(ParseError::from)?;
            requirements.push(Requirement {
                field: field.to_string(),
                operator,
                value: value.into_owned(),
            });
        }
        Selector::from_requirements(requirements).transform(f)
    }

    /// Upstream's `Transform`: rewrites each term's field and value with `f`; a term
    /// rewritten to an empty field and empty value is dropped.
    pub fn transform<E>(
        &self,
        mut f: impl FnMut(&str, &str) -> Result<(String, String), E>,
    ) -> Result<Self, E> {
        if self.nothing {
            return Ok(self.clone());
        }
        let mut requirements = Vec::with_capacity(self.requirements.len());
        for r in &self.requirements {
            let (field, value) = f(&r.field, &r.value)?;
            if field.is_empty() && value.is_empty() {
                continue;
            }
            requirements.push(Requirement {
                field,
                operator: r.operator,
                value,
            });
        }
        Ok(Selector::from_requirements(requirements))
    }

    /// True when nothing is restricted (not true for `nothing()`).
    pub fn is_empty(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    /// True for the selector that matches nothing.
    pub fn is_nothing(&self) -> bool {
        self.nothing
    }

    /// The terms in order.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// The field names the selector uses, so callers can reject unsupported ones.
    pub fn fields(&self) -> impl Iterator<Item = &str> + '_ {
        self.requirements.iter().map(|r| r.field.as_str())
    }

    /// Whether every term holds; an absent field compares as the empty string.
    pub fn matches<F: Fields + ?Sized>(&self, fields: &F) -> bool {
        !self.nothing && self.requirements.iter().all(|r| r.matches(fields))
    }

    /// The value `field` must equal, from the first `=` term on it.
    pub fn exact_match(&self, field: &str) -> Option<&str> {
        self.requirements
            .iter()
            .find(|r| r.operator == Operator::Equals && r.field == field)
            .map(|r| r.value.as_str())
    }

    /// Alias of [`Selector::exact_match`] under upstream's name.
    pub fn requires_exact_match(&self, field: &str) -> Option<&str> {
        self.exact_match(field)
    }
}

impl fmt::Display for Selector {
    /// Upstream's `String()`: terms joined by `,` with values escaped; `==` prints as `=`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

impl FromStr for Selector {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Selector::parse(s)
    }
}

#[cfg(test)]
mod tests;
