//! Serde and k8s-openapi conversions (upstream's TestJSON, TestJSONWhitespace, TestQuantityValueSet).

use api_types::k8s_openapi::apimachinery::pkg::api::resource::Quantity as ApiQuantity;
use api_types::quantity::{Format, Quantity, QuantityError};
use serde_json::json;

fn parse(s: &str) -> Quantity {
    Quantity::parse(s).unwrap_or_else(|e| panic!("{s:?}: unexpected error {e}"))
}

#[test]
fn serializes_as_the_printed_string() {
    assert_eq!(serde_json::to_string(&parse("1Mi")).unwrap(), r#""1Mi""#);
    assert_eq!(
        serde_json::to_string(&parse("1.5Gi")).unwrap(),
        r#""1536Mi""#
    );
    assert_eq!(serde_json::to_value(parse("0.1")).unwrap(), json!("100m"));
    assert_eq!(serde_json::to_value(Quantity::zero()).unwrap(), json!("0"));
}

#[test]
fn deserializes_strings_numbers_and_whitespace() {
    for (input, expect) in [
        (r#"" 1""#, "1"),
        (r#""1 ""#, "1"),
        ("1", "1"),
        (" 1", "1"),
        ("1 ", "1"),
        ("10", "10"),
        ("-1", "-1"),
        (" -1", "-1"),
        (r#""1.5Gi""#, "1536Mi"),
        ("0.25", "250m"),
        ("18446744073709551615", "18446744073709551615"),
        ("null", "0"),
    ] {
        let q: Quantity = serde_json::from_str(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(q.to_string(), expect, "{input}");
    }
}

#[test]
fn rejects_invalid_json_values() {
    for bad in [
        r#""""#,
        r#""1Kii""#,
        r#""1 Ki""#,
        "true",
        "[1]",
        r#"{"a":1}"#,
    ] {
        assert!(serde_json::from_str::<Quantity>(bad).is_err(), "{bad}");
    }
    let err = serde_json::from_str::<Quantity>(r#""1i""#).unwrap_err();
    assert!(
        err.to_string()
            .contains("unable to parse quantity's suffix"),
        "{err}"
    );
}

#[test]
fn round_trips_inside_structures() {
    let limits = json!({"cpu": "+1", "memory": "1024Ki", "ephemeral": "1e3"});
    let parsed: std::collections::BTreeMap<String, Quantity> =
        serde_json::from_value(limits).unwrap();
    assert_eq!(parsed["memory"], parse("1Mi"));
    assert_eq!(parsed["ephemeral"].format(), Format::DecimalExponent);
    // Upstream re-emits inputs it judged canonical verbatim ("+1"), others canonically.
    assert_eq!(
        serde_json::to_value(&parsed).unwrap(),
        json!({"cpu": "+1", "memory": "1Mi", "ephemeral": "1e3"})
    );
}

#[test]
fn converts_with_k8s_openapi_quantity() {
    let api = ApiQuantity("1.5Gi".to_owned());
    let q = Quantity::try_from(&api).unwrap();
    assert_eq!(q, parse("1536Mi"));
    assert_eq!(ApiQuantity::from(&q), ApiQuantity("1536Mi".to_owned()));
    assert_eq!(ApiQuantity::from(parse("100m")).0, "100m");
    assert_eq!(
        Quantity::try_from(ApiQuantity(" 2k ".to_owned())),
        Ok(parse("2k"))
    );
    assert_eq!(
        Quantity::try_from(ApiQuantity("1Kii".to_owned())),
        Err(QuantityError::Suffix)
    );
}

#[test]
fn works_inside_k8s_openapi_objects() {
    use api_types::k8s_openapi::api::core::v1::ResourceRequirements;
    let rr: ResourceRequirements =
        serde_json::from_value(json!({"limits": {"cpu": "500m", "memory": "1.5Gi"}})).unwrap();
    let limits = rr.limits.unwrap();
    let memory = Quantity::try_from(&limits["memory"]).unwrap();
    assert_eq!(memory.value(), 1536 * 1024 * 1024);
    assert_eq!(
        Quantity::try_from(&limits["cpu"]).unwrap().milli_value(),
        500
    );
}
