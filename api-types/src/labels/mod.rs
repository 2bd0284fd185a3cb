//! Label selectors, as upstream's `k8s.io/apimachinery/pkg/labels`: parse the query-string
//! form (`app=web,tier in (fe,be),!canary`), print it canonically, match label sets, and
//! convert to and from the API's `LabelSelector` (see [`convert`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::hash::BuildHasher;
use std::str::FromStr;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::validation::{
    is_qualified_name, is_valid_label_value, FieldError, FieldErrors, FieldPath,
};

pub mod convert;
mod parser;

pub use convert::ConversionError;

/// A set of labels a selector can be matched against.
pub trait Labels {
    /// The value of `key`, if the label is present.
    fn get(&self, key: &str) -> Option<&str>;

    /// Whether the label is present (possibly with an empty value).
    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

impl Labels for BTreeMap<String, String> {
    fn get(&self, key: &str) -> Option<&str> {
        BTreeMap::get(self, key).map(String::as_str)
    }
}

impl<S: BuildHasher> Labels for HashMap<String, String, S> {
    fn get(&self, key: &str) -> Option<&str> {
        HashMap::get(self, key).map(String::as_str)
    }
}

/// `None` is an object without labels.
impl<L: Labels> Labels for Option<L> {
    fn get(&self, key: &str) -> Option<&str> {
        self.as_ref().and_then(|l| l.get(key))
    }
}

impl<L: Labels + ?Sized> Labels for &L {
    fn get(&self, key: &str) -> Option<&str> {
        (**self).get(key)
    }
}

/// An object's labels.
impl Labels for ObjectMeta {
    fn get(&self, key: &str) -> Option<&str> {
        Labels::get(&self.labels, key)
    }
}

/// How a requirement relates a key to its values (upstream's `selection.Operator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operator {
    Equals,
    DoubleEquals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

impl Operator {
    /// Upstream's string for the operator (`=`, `==`, `!=`, `in`, `notin`, `exists`, `!`,
    /// `gt`, `lt`), as used in its error messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => "in",
            Operator::NotIn => "notin",
            Operator::Exists => "exists",
            Operator::DoesNotExist => "!",
            Operator::GreaterThan => "gt",
            Operator::LessThan => "lt",
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A selector string that does not parse; the message is upstream's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    message: String,
}

impl ParseError {
    /// Upstream's error text.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// One condition on one label key. Values keep the order they were given in, minus
/// repeats; equality compares them as a set, which is what they mean.
#[derive(Debug, Clone, Eq)]
pub struct Requirement {
    key: String,
    operator: Operator,
    values: Vec<String>,
}

impl PartialEq for Requirement {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
            && self.operator == other.operator
            && self.value_set() == other.value_set()
    }
}

fn child_of(path: Option<&FieldPath>, name: &str) -> FieldPath {
    path.map_or_else(|| FieldPath::new(name), |p| p.child(name))
}

impl Requirement {
    /// Upstream's `NewRequirement`: the key must be a qualified name, values valid label
    /// values; `in`/`notin` need at least one value, `=`/`==`/`!=` exactly one,
    /// `exists`/`!` none, `gt`/`lt` exactly one integer. The empty string is a valid value.
    pub fn new(
        key: impl Into<String>,
        operator: Operator,
        values: Vec<String>,
    ) -> Result<Self, FieldErrors> {
        Self::new_with_path(key, operator, values, None)
    }

    /// [`Requirement::new`] reporting errors under `path` (`path.key`, `path.values[0]`).
    pub fn new_with_path(
        key: impl Into<String>,
        operator: Operator,
        values: Vec<String>,
        path: Option<&FieldPath>,
    ) -> Result<Self, FieldErrors> {
        let key = key.into();
        let mut errs = FieldErrors::new();
        let key_problems = is_qualified_name(&key);
        if !key_problems.is_empty() {
            errs.push(FieldError::invalid(
                &child_of(path, "key"),
                key.as_str(),
                key_problems.join("; "),
            ));
        }
        let value_path = child_of(path, "values");
        let detail = match operator {
            Operator::In | Operator::NotIn if values.is_empty() => {
                Some("for 'in', 'notin' operators, values set can't be empty")
            }
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals
                if values.len() != 1 =>
            {
                Some("exact-match compatibility requires one single value")
            }
            Operator::Exists | Operator::DoesNotExist if !values.is_empty() => {
                Some("values set must be empty for exists and does not exist")
            }
            Operator::GreaterThan | Operator::LessThan if values.len() != 1 => {
                Some("for 'Gt', 'Lt' operators, exactly one value is required")
            }
            _ => None,
        };
        if let Some(detail) = detail {
            errs.push(FieldError::invalid(&value_path, values.clone(), detail));
        }
        if matches!(operator, Operator::GreaterThan | Operator::LessThan) {
            for (i, v) in values.iter().enumerate() {
                if v.parse::<i64>().is_err() {
                    errs.push(FieldError::invalid(
                        &value_path.index(i),
                        v.as_str(),
                        "for 'Gt', 'Lt' operators, the value must be an integer",
                    ));
                }
            }
        }
        for (i, v) in values.iter().enumerate() {
            let problems = is_valid_label_value(v);
            if !problems.is_empty() {
                errs.push(FieldError::invalid(
                    &value_path.index(i).key(key.as_str()),
                    v.as_str(),
                    problems.join("; "),
                ));
            }
        }
        errs.into_result()?;
        // Values are a set: keep the first of any repeats so equal requirements print alike.
        let mut values = values;
        let mut seen = BTreeSet::new();
        values.retain(|v| seen.insert(v.clone()));
        Ok(Requirement {
            key,
            operator,
            values,
        })
    }

    /// The label key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The operator.
    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The values in the order given.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// The values as a sorted set (upstream's `Values()`).
    pub fn value_set(&self) -> BTreeSet<&str> {
        self.values.iter().map(String::as_str).collect()
    }

    fn has_value(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value)
    }

    /// Whether `labels` satisfy this requirement; `notin` and `!=` hold when the key is
    /// absent, `gt`/`lt` need the label to be an integer.
    pub fn matches<L: Labels + ?Sized>(&self, labels: &L) -> bool {
        let value = labels.get(&self.key);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => {
                value.is_some_and(|v| self.has_value(v))
            }
            Operator::NotIn | Operator::NotEquals => value.is_none_or(|v| !self.has_value(v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let Some(Ok(actual)) = value.map(str::parse::<i64>) else {
                    return false;
                };
                let [wanted] = self.values.as_slice() else {
                    return false;
                };
                let Ok(wanted) = wanted.parse::<i64>() else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    actual > wanted
                } else {
                    actual < wanted
                }
            }
        }
    }
}

impl fmt::Display for Requirement {
    /// Upstream's `Requirement.String()`; several values print sorted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operator == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        let op = match self.operator {
            Operator::Exists | Operator::DoesNotExist => return Ok(()),
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => " in ",
            Operator::NotIn => " notin ",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
        };
        f.write_str(op)?;
        let set = matches!(self.operator, Operator::In | Operator::NotIn);
        if set {
            f.write_str("(")?;
        }
        let mut values: Vec<&str> = self.values.iter().map(String::as_str).collect();
        values.sort_unstable();
        f.write_str(&values.join(","))?;
        if set {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// A label selector: requirements that must all hold, or the selector that matches
/// nothing (what a missing `LabelSelector` means). The default matches everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    requirements: Vec<Requirement>,
    nothing: bool,
}

impl Selector {
    /// Matches every label set.
    pub fn everything() -> Self {
        Selector::default()
    }

    /// Matches no label set; prints as the empty string.
    pub fn nothing() -> Self {
        Selector {
            requirements: Vec::new(),
            nothing: true,
        }
    }

    /// A selector of these requirements, sorted by key as upstream's `Add` does.
    pub fn from_requirements(requirements: Vec<Requirement>) -> Self {
        Selector::everything().with_requirements(requirements)
    }

    /// Upstream's `SelectorFromValidatedSet`: `key=value` for each pair, unvalidated.
    pub fn from_set<L: IntoIterator<Item = (K, V)>, K: Into<String>, V: Into<String>>(
        set: L,
    ) -> Self {
        let requirements = set
            .into_iter()
            .map(|(k, v)| Requirement {
                key: k.into(),
                operator: Operator::Equals,
                values: vec![v.into()],
            })
            .collect();
        Selector::from_requirements(requirements)
    }

    /// Upstream's `ValidatedSelectorFromSet`: like [`Selector::from_set`] but checked.
    pub fn from_set_validated<L: IntoIterator<Item = (K, V)>, K: Into<String>, V: Into<String>>(
        set: L,
    ) -> Result<Self, FieldErrors> {
        let requirements = set
            .into_iter()
            .map(|(k, v)| Requirement::new(k, Operator::Equals, vec![v.into()]))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Selector::from_requirements(requirements))
    }

    /// Parses upstream's selector syntax; requirements come out sorted by key.
    pub fn parse(selector: &str) -> Result<Self, ParseError> {
        Self::parse_with_path(selector, None)
    }

    /// [`Selector::parse`] reporting field errors under `path`.
    pub fn parse_with_path(selector: &str, path: Option<&FieldPath>) -> Result<Self, ParseError> {
        Ok(Selector {
            requirements: parser::parse(selector, path)?,
            nothing: false,
        })
    }

    /// This selector with more requirements; the nothing selector stays nothing.
    pub fn with_requirements(
        mut self,
        requirements: impl IntoIterator<Item = Requirement>,
    ) -> Self {
        if self.nothing {
            return self;
        }
        self.requirements.extend(requirements);
        self.requirements.sort_by(|a, b| a.key.cmp(&b.key));
        self
    }

    /// True when the selector does not restrict anything (not true for `nothing()`).
    pub fn is_empty(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    /// True for the selector that matches nothing.
    pub fn is_nothing(&self) -> bool {
        self.nothing
    }

    /// The requirements, sorted by key (none for both `everything()` and `nothing()`).
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// Whether all requirements hold for `labels`.
    pub fn matches<L: Labels + ?Sized>(&self, labels: &L) -> bool {
        !self.nothing && self.requirements.iter().all(|r| r.matches(labels))
    }

    /// The single value `key` must have, when the first requirement on `key` pins one
    /// (`=`, `==`, or `in` with one value).
    pub fn requires_exact_match(&self, key: &str) -> Option<&str> {
        let r = self.requirements.iter().find(|r| r.key == key)?;
        match (r.operator, r.values.as_slice()) {
            (Operator::Equals | Operator::DoubleEquals | Operator::In, [value]) => Some(value),
            _ => None,
        }
    }
}

impl fmt::Display for Selector {
    /// Upstream's canonical `String()`: requirements joined by `,`.
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
