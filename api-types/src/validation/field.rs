//! Field-level validation errors, as upstream's `k8s.io/apimachinery/pkg/util/validation/field`.
//!
//! The apiserver turns a list of [`FieldError`]s into a 422 `Status` whose causes carry
//! [`FieldError::reason`], [`FieldError::cause_message`] and [`FieldError::field`], and whose
//! message is [`FieldErrors`]' aggregate text, so every string here matches upstream's.

use std::fmt;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::StatusCause;
use serde_json::Value;

use super::gofmt::{go_quote, go_sharp_v, go_v_number};

/// One step of a [`FieldPath`]: a named field or a subscript (list index or map key).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Segment {
    Name(String),
    Subscript(String),
}

/// The path from an object's root to one field, printed as upstream prints it
/// (`metadata.labels[app]`, `spec.containers[0].name`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldPath {
    segments: Vec<Segment>,
}

impl FieldPath {
    /// A root path naming one top-level field (`metadata`, `spec`).
    pub fn new(name: impl Into<String>) -> Self {
        FieldPath {
            segments: vec![Segment::Name(name.into())],
        }
    }

    /// A root path made of several nested field names (`["metadata", "name"]`).
    pub fn from_names<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        FieldPath {
            segments: names.into_iter().map(|n| Segment::Name(n.into())).collect(),
        }
    }

    /// This path extended by a named field.
    pub fn child(&self, name: impl Into<String>) -> Self {
        self.with(Segment::Name(name.into()))
    }

    /// This path subscripted by a list index.
    pub fn index(&self, index: usize) -> Self {
        self.with(Segment::Subscript(index.to_string()))
    }

    /// This path subscripted by a map key.
    pub fn key(&self, key: impl Into<String>) -> Self {
        self.with(Segment::Subscript(key.into()))
    }

    fn with(&self, segment: Segment) -> Self {
        let mut segments = self.segments.clone();
        segments.push(segment);
        FieldPath { segments }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                // Upstream treats an empty name as an (empty) subscript.
                Segment::Name(name) if !name.is_empty() => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                Segment::Name(_) => f.write_str("[]")?,
                Segment::Subscript(sub) => write!(f, "[{sub}]")?,
            }
        }
        Ok(())
    }
}

/// Why a field is invalid; matches upstream's `field.ErrorType` (and the API's `CauseType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorType {
    NotFound,
    Required,
    Duplicate,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
    Internal,
    TypeInvalid,
}

impl ErrorType {
    /// The machine-readable reason (`FieldValueInvalid`), used as a Status cause's `reason`.
    pub fn reason(self) -> &'static str {
        match self {
            ErrorType::NotFound => "FieldValueNotFound",
            ErrorType::Required => "FieldValueRequired",
            ErrorType::Duplicate => "FieldValueDuplicate",
            ErrorType::Invalid => "FieldValueInvalid",
            ErrorType::NotSupported => "FieldValueNotSupported",
            ErrorType::Forbidden => "FieldValueForbidden",
            ErrorType::TooLong => "FieldValueTooLong",
            ErrorType::TooMany => "FieldValueTooMany",
            ErrorType::Internal => "InternalError",
            ErrorType::TypeInvalid => "FieldValueTypeInvalid",
        }
    }

    /// The reason parsed back from its wire form.
    pub fn from_reason(reason: &str) -> Option<Self> {
        Some(match reason {
            "FieldValueNotFound" => ErrorType::NotFound,
            "FieldValueRequired" => ErrorType::Required,
            "FieldValueDuplicate" => ErrorType::Duplicate,
            "FieldValueInvalid" => ErrorType::Invalid,
            "FieldValueNotSupported" => ErrorType::NotSupported,
            "FieldValueForbidden" => ErrorType::Forbidden,
            "FieldValueTooLong" => ErrorType::TooLong,
            "FieldValueTooMany" => ErrorType::TooMany,
            "InternalError" => ErrorType::Internal,
            "FieldValueTypeInvalid" => ErrorType::TypeInvalid,
            _ => return None,
        })
    }
}

impl fmt::Display for ErrorType {
    /// The human text upstream's `ErrorType.String()` gives (`Invalid value`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorType::NotFound => "Not found",
            ErrorType::Required => "Required value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::Invalid | ErrorType::TypeInvalid => "Invalid value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "Too long",
            ErrorType::TooMany => "Too many",
            ErrorType::Internal => "Internal error",
        })
    }
}

/// One field-level validation error (upstream's `field.Error`).
///
/// `bad_value` is `None` where upstream omits the value from the message.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub kind: ErrorType,
    pub field: String,
    pub bad_value: Option<Value>,
    pub detail: String,
}

impl FieldError {
    fn build(
        kind: ErrorType,
        path: &FieldPath,
        bad_value: Option<Value>,
        detail: impl Into<String>,
    ) -> Self {
        FieldError {
            kind,
            field: path.to_string(),
            bad_value,
            detail: detail.into(),
        }
    }

    /// A value did not match the schema type of its field.
    pub fn type_invalid(
        path: &FieldPath,
        value: impl Into<Value>,
        detail: impl Into<String>,
    ) -> Self {
        Self::build(ErrorType::TypeInvalid, path, Some(value.into()), detail)
    }

    /// A value that was looked up (an ID, a reference) does not exist.
    pub fn not_found(path: &FieldPath, value: impl Into<Value>) -> Self {
        Self::build(ErrorType::NotFound, path, Some(value.into()), "")
    }

    /// A required value is missing (empty string, null, empty list).
    pub fn required(path: &FieldPath, detail: impl Into<String>) -> Self {
        Self::build(ErrorType::Required, path, Some(Value::from("")), detail)
    }

    /// A value that must be unique is repeated.
    pub fn duplicate(path: &FieldPath, value: impl Into<Value>) -> Self {
        Self::build(ErrorType::Duplicate, path, Some(value.into()), "")
    }

    /// A value is malformed.
    pub fn invalid(path: &FieldPath, value: impl Into<Value>, detail: impl Into<String>) -> Self {
        Self::build(ErrorType::Invalid, path, Some(value.into()), detail)
    }

    /// A value is not one of an enumeration; lists the supported values as upstream does.
    pub fn not_supported<S: AsRef<str>>(
        path: &FieldPath,
        value: impl Into<Value>,
        valid_values: &[S],
    ) -> Self {
        let detail = if valid_values.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = valid_values.iter().map(|v| go_quote(v.as_ref())).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        Self::build(ErrorType::NotSupported, path, Some(value.into()), detail)
    }

    /// A well-formed value that current conditions (policy, state) do not permit.
    pub fn forbidden(path: &FieldPath, detail: impl Into<String>) -> Self {
        Self::build(ErrorType::Forbidden, path, Some(Value::from("")), detail)
    }

    /// A value is too long; the value itself is never printed. A negative `max_length`
    /// means the limit is not stated, as upstream.
    pub fn too_long(path: &FieldPath, _value: impl Into<Value>, max_length: i64) -> Self {
        let detail = if max_length >= 0 {
            format!("may not be more than {max_length} bytes")
        } else {
            "value is too long".to_string()
        };
        Self::build(
            ErrorType::TooLong,
            path,
            Some(Value::from("<value omitted>")),
            detail,
        )
    }

    /// A list has too many items; negative numbers mean "not stated", as upstream.
    pub fn too_many(path: &FieldPath, actual_quantity: i64, max_quantity: i64) -> Self {
        let detail = if max_quantity >= 0 {
            format!("must have at most {max_quantity} items")
        } else {
            "has too many items".to_string()
        };
        let actual = (actual_quantity >= 0).then(|| Value::from(actual_quantity));
        Self::build(ErrorType::TooMany, path, actual, detail)
    }

    /// Something went wrong that is not the user's input.
    pub fn internal(path: &FieldPath, err: impl fmt::Display) -> Self {
        Self::build(
            ErrorType::Internal,
            path,
            Some(Value::Null),
            err.to_string(),
        )
    }

    /// The machine-readable reason (`FieldValueInvalid`) for a Status cause.
    pub fn reason(&self) -> &'static str {
        self.kind.reason()
    }

    /// This error as a 422 `Status` cause, built as upstream's `NewInvalid` builds them.
    pub fn to_status_cause(&self) -> StatusCause {
        let non_empty = |s: String| (!s.is_empty()).then_some(s);
        StatusCause {
            field: non_empty(self.field.clone()),
            message: non_empty(self.cause_message()),
            reason: Some(self.reason().to_string()),
        }
    }

    /// The field path as text, for a Status cause's `field`.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Upstream's `ErrorBody()`: the message without the leading `field: `, used as a
    /// Status cause's `message`.
    pub fn cause_message(&self) -> String {
        let mut s = match (self.kind, &self.bad_value) {
            (
                ErrorType::Required
                | ErrorType::Forbidden
                | ErrorType::TooLong
                | ErrorType::Internal,
                _,
            )
            | (_, None) => self.kind.to_string(),
            (_, Some(value)) => format!("{}: {}", self.kind, render_value(value)),
        };
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

/// How upstream prints a bad value: strings quoted, simple scalars bare, null as `"null"`,
/// anything else in Go's `%#v` syntax.
fn render_value(value: &Value) -> String {
    match value {
        Value::Null => go_quote("null"),
        Value::String(s) => go_quote(s),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => go_v_number(n),
        other => go_sharp_v(other),
    }
}

impl fmt::Display for FieldError {
    /// Upstream's `Error()`: `field: body`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.cause_message())
    }
}

impl std::error::Error for FieldError {}

/// A list of field errors; its `Display` is upstream's aggregate text
/// (`ErrorList.ToAggregate().Error()`): duplicates dropped, several wrapped in `[...]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// An empty list.
    pub fn new() -> Self {
        FieldErrors(Vec::new())
    }

    /// Adds one error.
    pub fn push(&mut self, err: FieldError) {
        self.0.push(err);
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of errors (duplicates included).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The errors in order.
    pub fn iter(&self) -> std::slice::Iter<'_, FieldError> {
        self.0.iter()
    }

    /// The causes of a 422 `Status`, one per error, in order.
    pub fn to_status_causes(&self) -> Vec<StatusCause> {
        self.0.iter().map(FieldError::to_status_cause).collect()
    }

    /// The message of upstream's `NewInvalid` Status:
    /// `Kind.group "name" is invalid: <aggregate>`.
    pub fn invalid_message(&self, group: &str, kind: &str, name: &str) -> String {
        let group_kind = if group.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}.{group}")
        };
        if self.0.is_empty() {
            format!("{group_kind} {} is invalid", go_quote(name))
        } else {
            format!("{group_kind} {} is invalid: {self}", go_quote(name))
        }
    }

    /// `Ok(())` when empty, else the list as an error.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl From<Vec<FieldError>> for FieldErrors {
    fn from(errors: Vec<FieldError>) -> Self {
        FieldErrors(errors)
    }
}

impl From<FieldErrors> for Vec<FieldError> {
    fn from(errors: FieldErrors) -> Self {
        errors.0
    }
}

impl Extend<FieldError> for FieldErrors {
    fn extend<T: IntoIterator<Item = FieldError>>(&mut self, iter: T) {
        self.0.extend(iter);
    }
}

impl FromIterator<FieldError> for FieldErrors {
    fn from_iter<T: IntoIterator<Item = FieldError>>(iter: T) -> Self {
        FieldErrors(iter.into_iter().collect())
    }
}

impl IntoIterator for FieldErrors {
    type Item = FieldError;
    type IntoIter = std::vec::IntoIter<FieldError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a FieldErrors {
    type Item = &'a FieldError;
    type IntoIter = std::slice::Iter<'a, FieldError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut seen: Vec<String> = Vec::new();
        for err in &self.0 {
            let msg = err.to_string();
            if !seen.contains(&msg) {
                seen.push(msg);
            }
        }
        match seen.len() {
            0 => Ok(()),
            1 => f.write_str(&seen[0]),
            _ => write!(f, "[{}]", seen.join(", ")),
        }
    }
}

impl std::error::Error for FieldErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_display() {
        let p = FieldPath::new("metadata").child("labels").key("app");
        assert_eq!(p.to_string(), "metadata.labels[app]");
        let p = FieldPath::new("spec")
            .child("containers")
            .index(0)
            .child("name");
        assert_eq!(p.to_string(), "spec.containers[0].name");
        let p = FieldPath::from_names(["a", "b", "c"])
            .index(2)
            .index(3)
            .key("x");
        assert_eq!(p.to_string(), "a.b.c[2][3][x]");
        assert_eq!(
            FieldPath::new("values").index(0).key("k").to_string(),
            "values[0][k]"
        );
    }

    #[test]
    fn error_texts_match_upstream() {
        let name = FieldPath::new("metadata").child("name");
        let e = FieldError::invalid(&name, "Foo", "bad");
        assert_eq!(e.to_string(), "metadata.name: Invalid value: \"Foo\": bad");
        assert_eq!(e.cause_message(), "Invalid value: \"Foo\": bad");
        assert_eq!(e.reason(), "FieldValueInvalid");
        assert_eq!(e.field(), "metadata.name");

        let image = FieldPath::new("spec")
            .child("containers")
            .index(0)
            .child("image");
        let e = FieldError::required(&image, "");
        assert_eq!(e.to_string(), "spec.containers[0].image: Required value");
        assert_eq!(e.reason(), "FieldValueRequired");

        let e = FieldError::not_supported(
            &FieldPath::new("spec").child("restartPolicy"),
            "Sometimes",
            &["Always", "Never", "OnFailure"],
        );
        assert_eq!(
            e.to_string(),
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\", \"OnFailure\""
        );

        let e = FieldError::too_long(&FieldPath::new("metadata").child("annotations"), "", 262144);
        assert_eq!(
            e.to_string(),
            "metadata.annotations: Too long: may not be more than 262144 bytes"
        );
        let e = FieldError::too_long(&name, "", -1);
        assert_eq!(e.cause_message(), "Too long: value is too long");

        let e = FieldError::too_many(&FieldPath::new("items"), 5, 3);
        assert_eq!(
            e.to_string(),
            "items: Too many: 5: must have at most 3 items"
        );
        let e = FieldError::too_many(&FieldPath::new("items"), -1, -1);
        assert_eq!(e.to_string(), "items: Too many: has too many items");

        let e = FieldError::forbidden(
            &FieldPath::new("metadata").child("namespace"),
            "not allowed on this type",
        );
        assert_eq!(
            e.to_string(),
            "metadata.namespace: Forbidden: not allowed on this type"
        );
        assert_eq!(e.reason(), "FieldValueForbidden");

        let e = FieldError::duplicate(&FieldPath::new("ports").index(1), 80);
        assert_eq!(e.to_string(), "ports[1]: Duplicate value: 80");
        let e = FieldError::not_found(&FieldPath::new("ref"), "x");
        assert_eq!(e.to_string(), "ref: Not found: \"x\"");
        let e = FieldError::internal(&FieldPath::new("spec"), "boom");
        assert_eq!(e.to_string(), "spec: Internal error: boom");
        assert_eq!(e.reason(), "InternalError");
        let e = FieldError::type_invalid(
            &FieldPath::new("spec").child("replicas"),
            "x",
            "must be integer",
        );
        assert_eq!(
            e.to_string(),
            "spec.replicas: Invalid value: \"x\": must be integer"
        );
        assert_eq!(e.reason(), "FieldValueTypeInvalid");

        let e = FieldError::invalid(&FieldPath::new("x"), Value::Null, "d");
        assert_eq!(e.to_string(), "x: Invalid value: \"null\": d");
        let e = FieldError::invalid(&FieldPath::new("x"), true, "d");
        assert_eq!(e.to_string(), "x: Invalid value: true: d");
        let e = FieldError::invalid(&FieldPath::new("x"), -3i64, "d");
        assert_eq!(e.to_string(), "x: Invalid value: -3: d");
        let e = FieldError::invalid(&FieldPath::new("values"), Vec::<String>::new(), "d");
        assert_eq!(e.to_string(), "values: Invalid value: []string{}: d");
        let e = FieldError::invalid(&FieldPath::new("values"), vec!["bar", "foo"], "d");
        assert_eq!(
            e.to_string(),
            "values: Invalid value: []string{\"bar\", \"foo\"}: d"
        );
    }

    #[test]
    fn status_causes_and_message() {
        let errs = FieldErrors(vec![
            FieldError::required(
                &FieldPath::new("metadata").child("name"),
                "name or generateName is required",
            ),
            FieldError::invalid(
                &FieldPath::new("spec").child("replicas"),
                -1,
                "must be greater than or equal to 0",
            ),
        ]);
        let causes = errs.to_status_causes();
        assert_eq!(causes[0].reason.as_deref(), Some("FieldValueRequired"));
        assert_eq!(causes[0].field.as_deref(), Some("metadata.name"));
        assert_eq!(
            causes[0].message.as_deref(),
            Some("Required value: name or generateName is required")
        );
        assert_eq!(
            causes[1].message.as_deref(),
            Some("Invalid value: -1: must be greater than or equal to 0")
        );
        assert_eq!(
            errs.invalid_message("apps", "Deployment", "web"),
            "Deployment.apps \"web\" is invalid: [metadata.name: Required value: name or generateName is required, spec.replicas: Invalid value: -1: must be greater than or equal to 0]"
        );
        assert_eq!(
            FieldErrors::new().invalid_message("", "Pod", "p"),
            "Pod \"p\" is invalid"
        );
    }

    #[test]
    fn reasons_round_trip() {
        for t in [
            ErrorType::NotFound,
            ErrorType::Required,
            ErrorType::Duplicate,
            ErrorType::Invalid,
            ErrorType::NotSupported,
            ErrorType::Forbidden,
            ErrorType::TooLong,
            ErrorType::TooMany,
            ErrorType::Internal,
            ErrorType::TypeInvalid,
        ] {
            assert_eq!(ErrorType::from_reason(t.reason()), Some(t));
        }
        assert_eq!(ErrorType::from_reason("Nope"), None);
    }

    #[test]
    fn aggregate_text() {
        let p = FieldPath::new("a");
        let one = FieldError::required(&p, "");
        let two = FieldError::invalid(&p, "x", "bad");
        assert_eq!(FieldErrors::new().to_string(), "");
        assert_eq!(
            FieldErrors(vec![one.clone()]).to_string(),
            "a: Required value"
        );
        assert_eq!(
            FieldErrors(vec![one.clone(), one.clone()]).to_string(),
            "a: Required value"
        );
        assert_eq!(
            FieldErrors(vec![one.clone(), two, one]).to_string(),
            "[a: Required value, a: Invalid value: \"x\": bad]"
        );
    }
}
