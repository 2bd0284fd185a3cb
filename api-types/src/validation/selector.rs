//! Validation of the API's `LabelSelector` (upstream's `ValidateLabelSelector` in
//! `pkg/apis/meta/v1/validation`), for objects that embed one.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};

use super::field::{FieldError, FieldPath};
use super::formats::is_valid_label_value;
use super::meta::{validate_label_name, validate_labels};

/// Relaxations upstream allows for backwards compatibility.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LabelSelectorValidationOptions {
    /// Accept invalid label values in `matchExpressions` (only for data already stored).
    pub allow_invalid_label_value_in_selector: bool,
    /// Accept operators that cannot be interpreted (as SubjectAccessReview does).
    pub allow_unknown_operator_in_requirement: bool,
}

/// Whether any `matchExpressions` value is not a valid label value; when updating an
/// object whose stored selector already has one, upstream relaxes validation.
pub fn label_selector_has_invalid_label_value(selector: Option<&LabelSelector>) -> bool {
    selector
        .and_then(|s| s.match_expressions.as_ref())
        .into_iter()
        .flatten()
        .flat_map(|e| e.values.iter().flatten())
        .any(|v| !is_valid_label_value(v).is_empty())
}

/// `matchLabels` as labels, and each `matchExpressions` entry as a requirement; a missing
/// selector is valid.
pub fn validate_label_selector(
    selector: Option<&LabelSelector>,
    opts: LabelSelectorValidationOptions,
    path: &FieldPath,
) -> Vec<FieldError> {
    let Some(selector) = selector else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    if let Some(labels) = &selector.match_labels {
        errs.extend(validate_labels(labels, &path.child("matchLabels")));
    }
    for (i, expr) in selector.match_expressions.iter().flatten().enumerate() {
        errs.extend(validate_label_selector_requirement(
            expr,
            opts,
            &path.child("matchExpressions").index(i),
        ));
    }
    errs
}

/// One `matchExpressions` entry: operator known, values present exactly when the operator
/// needs them, key a qualified name, values valid label values.
pub fn validate_label_selector_requirement(
    req: &LabelSelectorRequirement,
    opts: LabelSelectorValidationOptions,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let values = req.values.as_deref().unwrap_or_default();
    match req.operator.as_str() {
        "In" | "NotIn" => {
            if values.is_empty() {
                errs.push(FieldError::required(
                    &path.child("values"),
                    "must be specified when `operator` is 'In' or 'NotIn'",
                ));
            }
        }
        "Exists" | "DoesNotExist" => {
            if !values.is_empty() {
                errs.push(FieldError::forbidden(
                    &path.child("values"),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                ));
            }
        }
        other => {
            if !opts.allow_unknown_operator_in_requirement {
                errs.push(FieldError::invalid(
                    &path.child("operator"),
                    other,
                    "not a valid selector operator",
                ));
            }
        }
    }
    errs.extend(validate_label_name(&req.key, &path.child("key")));
    if !opts.allow_invalid_label_value_in_selector {
        for (i, value) in values.iter().enumerate() {
            for msg in is_valid_label_value(value) {
                errs.push(FieldError::invalid(
                    &path.child("values").index(i),
                    value.as_str(),
                    msg,
                ));
            }
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(key: &str, op: &str, values: Option<Vec<&str>>) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.into(),
            operator: op.into(),
            values: values.map(|v| v.into_iter().map(String::from).collect()),
        }
    }

    #[test]
    fn selector_rules() {
        let p = FieldPath::new("spec").child("selector");
        let ls = LabelSelector {
            match_labels: Some([("app".to_string(), "-bad".to_string())].into()),
            match_expressions: Some(vec![
                expr("a", "In", None),
                expr("b", "Exists", Some(vec!["x"])),
                expr("c", "Foo", None),
                expr("d", "NotIn", Some(vec!["ok", "-no"])),
            ]),
        };
        let errs: Vec<String> = validate_label_selector(Some(&ls), Default::default(), &p)
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(errs.len(), 5, "{errs:#?}");
        assert!(errs[0]
            .starts_with("spec.selector.matchLabels: Invalid value: \"-bad\": a valid label must"));
        assert_eq!(errs[1], "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
        assert_eq!(errs[2], "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
        assert_eq!(errs[3], "spec.selector.matchExpressions[2].operator: Invalid value: \"Foo\": not a valid selector operator");
        assert!(errs[4].starts_with("spec.selector.matchExpressions[3].values[1]: Invalid value: \"-no\": a valid label must"));
        assert!(label_selector_has_invalid_label_value(Some(&ls)));

        let relaxed = LabelSelectorValidationOptions {
            allow_invalid_label_value_in_selector: true,
            allow_unknown_operator_in_requirement: true,
        };
        assert_eq!(validate_label_selector(Some(&ls), relaxed, &p).len(), 3);
        assert!(validate_label_selector(None, Default::default(), &p).is_empty());
        assert!(!label_selector_has_invalid_label_value(None));
    }
}
