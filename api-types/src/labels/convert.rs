//! Conversions between [`Selector`] and the API's `LabelSelector`, as upstream's
//! `LabelSelectorAsSelector` and `ParseToLabelSelector`.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};

use super::{Operator, Requirement, Selector};
use crate::validation::{go_quote, FieldErrors};

/// Why a conversion failed; messages are upstream's.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConversionError {
    /// A `matchExpressions` operator other than In, NotIn, Exists, DoesNotExist, or a
    /// selector operator (`!=`) that `LabelSelector` cannot express.
    #[error("{} is not a valid label selector operator", go_quote(.0))]
    InvalidOperator(String),
    /// `gt`/`lt`, which `LabelSelector` cannot express.
    #[error("{} isn't supported in label selectors", go_quote(.0))]
    UnsupportedOperator(String),
    /// A key or values that fail upstream's `NewRequirement` checks.
    #[error(transparent)]
    Requirement(#[from] FieldErrors),
}

impl Selector {
    /// Upstream's `LabelSelectorAsSelector`: a missing selector selects nothing, an empty
    /// one everything.
    pub fn from_label_selector(selector: Option<&LabelSelector>) -> Result<Self, ConversionError> {
        let Some(ls) = selector else {
            return Ok(Selector::nothing());
        };
        let mut requirements = Vec::new();
        for (k, v) in ls.match_labels.iter().flatten() {
            requirements.push(Requirement::new(
                k.as_str(),
                Operator::Equals,
                vec![v.clone()],
            )?);
        }
        for expr in ls.match_expressions.iter().flatten() {
            let op = match expr.operator.as_str() {
                "In" => Operator::In,
                "NotIn" => Operator::NotIn,
                "Exists" => Operator::Exists,
                "DoesNotExist" => Operator::DoesNotExist,
                other => return Err(ConversionError::InvalidOperator(other.to_string())),
            };
            let values = expr.values.clone().unwrap_or_default();
            requirements.push(Requirement::new(expr.key.as_str(), op, values)?);
        }
        Ok(Selector::from_requirements(requirements))
    }

    /// Upstream's `ParseToLabelSelector` on this selector's requirements: `=`/`==` go to
    /// `matchLabels`, set operators to `matchExpressions`. `None` for the nothing selector,
    /// which `LabelSelector` can only express by its absence.
    pub fn to_label_selector(&self) -> Result<Option<LabelSelector>, ConversionError> {
        if self.is_nothing() {
            return Ok(None);
        }
        let mut match_labels = BTreeMap::new();
        let mut match_expressions = Vec::new();
        for r in self.requirements() {
            let op = match r.operator() {
                Operator::Equals | Operator::DoubleEquals => {
                    if let [value] = r.values() {
                        match_labels.insert(r.key().to_string(), value.clone());
                    }
                    continue;
                }
                Operator::In => "In",
                Operator::NotIn => "NotIn",
                Operator::Exists => "Exists",
                Operator::DoesNotExist => "DoesNotExist",
                op @ (Operator::GreaterThan | Operator::LessThan) => {
                    return Err(ConversionError::UnsupportedOperator(
                        op.as_str().to_string(),
                    ))
                }
                op @ Operator::NotEquals => {
                    return Err(ConversionError::InvalidOperator(op.as_str().to_string()))
                }
            };
            let values: Vec<String> = r.value_set().into_iter().map(str::to_string).collect();
            match_expressions.push(LabelSelectorRequirement {
                key: r.key().to_string(),
                operator: op.to_string(),
                values: (!values.is_empty()).then_some(values),
            });
        }
        Ok(Some(LabelSelector {
            match_labels: (!match_labels.is_empty()).then_some(match_labels),
            match_expressions: (!match_expressions.is_empty()).then_some(match_expressions),
        }))
    }
}

impl TryFrom<&LabelSelector> for Selector {
    type Error = ConversionError;
    fn try_from(ls: &LabelSelector) -> Result<Self, Self::Error> {
        Selector::from_label_selector(Some(ls))
    }
}

impl TryFrom<Option<&LabelSelector>> for Selector {
    type Error = ConversionError;
    fn try_from(ls: Option<&LabelSelector>) -> Result<Self, Self::Error> {
        Selector::from_label_selector(ls)
    }
}
