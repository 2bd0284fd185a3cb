//! Property tests for field selectors: printing then parsing gives the selector back
//! (values with characters that need escaping included), and escaping round-trips.

use std::collections::BTreeMap;

use api_types::fields::{escape_value, unescape_value, Operator, Requirement, Selector};
use proptest::prelude::*;

fn field() -> impl Strategy<Value = String> {
    "[a-z][a-zA-Z0-9]{0,6}(\\.[a-z][a-zA-Z0-9]{0,6}){0,2}"
}

fn value() -> impl Strategy<Value = String> {
    "[a-z=,\\\\! é函]{0,8}"
}

fn requirement() -> impl Strategy<Value = Requirement> {
    (field(), prop::bool::ANY, value()).prop_map(|(field, eq, value)| Requirement {
        field,
        operator: if eq {
            Operator::Equals
        } else {
            Operator::NotEquals
        },
        value,
    })
}

proptest! {
    #[test]
    fn display_then_parse_round_trips(reqs in prop::collection::vec(requirement(), 0..6)) {
        let sel = Selector::from_requirements(reqs);
        let text = sel.to_string();
        let parsed = Selector::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(&parsed, &sel, "text: {}", text);
        // Parsing sorts the terms, so a second print/parse is a fixed point.
        let again = Selector::parse(&parsed.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(again.to_string(), parsed.to_string());
    }

    #[test]
    fn matching_survives_round_trip(reqs in prop::collection::vec(requirement(), 0..4),
                                    fields in prop::collection::btree_map(field(), value(), 0..4)) {
        let sel = Selector::from_requirements(reqs);
        let parsed = Selector::parse(&sel.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(parsed.matches(&fields), sel.matches(&fields));
        let fields: BTreeMap<String, String> = fields;
        for r in sel.requirements() {
            let actual = fields.get(&r.field).map(String::as_str).unwrap_or("");
            if !sel.matches(&fields) { break; }
            prop_assert_eq!(r.operator == Operator::Equals, actual == r.value);
        }
    }

    #[test]
    fn escape_round_trips(s in any::<String>()) {
        let escaped = escape_value(&s);
        prop_assert_eq!(unescape_value(&escaped).map_err(|e| TestCaseError::fail(e.to_string()))?, s.as_str());
    }

    #[test]
    fn parse_never_panics(s in any::<String>()) {
        let _ = Selector::parse(&s);
    }
}
