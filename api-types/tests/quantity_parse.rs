//! Parsing tables taken from upstream's quantity_test.go (TestQuantityParse,
//! TestQuantityParseEmit, TestParseQuantity) plus the error kinds of invalid inputs.

use api_types::quantity::{Format, Quantity, QuantityError, Scale};
use Format::{BinarySI, DecimalExponent, DecimalSI};

/// Upstream's `decQuantity(i, exponent, format)`: `i × 10^exponent`.
fn dec(i: i64, exponent: i32, format: Format) -> Quantity {
    Quantity::from_scaled(i, Scale(exponent)).with_format(format)
}

fn parse(s: &str) -> Quantity {
    Quantity::parse(s).unwrap_or_else(|e| panic!("{s:?}: unexpected error {e}"))
}

/// TestQuantityParse's table: input, expected value and format.
fn parse_table() -> Vec<(&'static str, Quantity)> {
    let max = Quantity::from_i64(i64::MAX, BinarySI);
    vec![
        ("0", dec(0, 0, DecimalSI)),
        ("0n", dec(0, 0, DecimalSI)),
        ("0u", dec(0, 0, DecimalSI)),
        ("0m", dec(0, 0, DecimalSI)),
        ("0Ki", dec(0, 0, BinarySI)),
        ("0k", dec(0, 0, DecimalSI)),
        ("0Mi", dec(0, 0, BinarySI)),
        ("0M", dec(0, 0, DecimalSI)),
        ("0Gi", dec(0, 0, BinarySI)),
        ("0G", dec(0, 0, DecimalSI)),
        ("0Ti", dec(0, 0, BinarySI)),
        ("0T", dec(0, 0, DecimalSI)),
        ("1", dec(1, 0, DecimalSI)),
        ("1Ki", dec(1024, 0, BinarySI)),
        ("8Ki", dec(8 * 1024, 0, BinarySI)),
        ("7Mi", dec(7 * 1024 * 1024, 0, BinarySI)),
        ("6Gi", dec(6 * 1024 * 1024 * 1024, 0, BinarySI)),
        ("5Ti", dec(5 * 1024i64.pow(4), 0, BinarySI)),
        ("4Pi", dec(4 * 1024i64.pow(5), 0, BinarySI)),
        ("3Ei", dec(3 * 1024i64.pow(6), 0, BinarySI)),
        ("10Ti", dec(10 * 1024i64.pow(4), 0, BinarySI)),
        ("100Ti", dec(100 * 1024i64.pow(4), 0, BinarySI)),
        ("5n", dec(5, -9, DecimalSI)),
        ("4u", dec(4, -6, DecimalSI)),
        ("3m", dec(3, -3, DecimalSI)),
        ("9", dec(9, 0, DecimalSI)),
        ("8k", dec(8, 3, DecimalSI)),
        ("50k", dec(5, 4, DecimalSI)),
        ("7M", dec(7, 6, DecimalSI)),
        ("6G", dec(6, 9, DecimalSI)),
        ("5T", dec(5, 12, DecimalSI)),
        ("40T", dec(4, 13, DecimalSI)),
        ("300T", dec(3, 14, DecimalSI)),
        ("2P", dec(2, 15, DecimalSI)),
        ("1E", dec(1, 18, DecimalSI)),
        ("1E-3", dec(1, -3, DecimalExponent)),
        ("1e3", dec(1, 3, DecimalExponent)),
        ("1E6", dec(1, 6, DecimalExponent)),
        ("1e9", dec(1, 9, DecimalExponent)),
        ("1E12", dec(1, 12, DecimalExponent)),
        ("1e15", dec(1, 15, DecimalExponent)),
        ("1E18", dec(1, 18, DecimalExponent)),
        ("1e14", dec(1, 14, DecimalExponent)),
        ("1e13", dec(1, 13, DecimalExponent)),
        ("1e3", dec(1, 3, DecimalExponent)),
        ("100.035k", dec(100035, 0, DecimalSI)),
        ("0.001", dec(1, -3, DecimalSI)),
        ("0.0005k", dec(5, -1, DecimalSI)),
        ("0.005", dec(5, -3, DecimalSI)),
        ("0.05", dec(5, -2, DecimalSI)),
        ("0.5", dec(5, -1, DecimalSI)),
        ("0.00050k", dec(5, -1, DecimalSI)),
        ("0.00500", dec(5, -3, DecimalSI)),
        ("0.05000", dec(5, -2, DecimalSI)),
        ("0.50000", dec(5, -1, DecimalSI)),
        ("0.5e0", dec(5, -1, DecimalExponent)),
        ("0.5e-1", dec(5, -2, DecimalExponent)),
        ("0.5e-2", dec(5, -3, DecimalExponent)),
        ("0.5e0", dec(5, -1, DecimalExponent)),
        ("10.035M", dec(10035, 3, DecimalSI)),
        ("1.2e3", dec(12, 2, DecimalExponent)),
        ("1.3E+6", dec(13, 5, DecimalExponent)),
        ("1.40e9", dec(14, 8, DecimalExponent)),
        ("1.53E12", dec(153, 10, DecimalExponent)),
        ("1.6e15", dec(16, 14, DecimalExponent)),
        ("1.7E18", dec(17, 17, DecimalExponent)),
        ("9.01", dec(901, -2, DecimalSI)),
        ("8.1k", dec(81, 2, DecimalSI)),
        ("7.123456M", dec(7123456, 0, DecimalSI)),
        ("6.987654321G", dec(6987654321, 0, DecimalSI)),
        ("5.444T", dec(5444, 9, DecimalSI)),
        ("40.1T", dec(401, 11, DecimalSI)),
        ("300.2T", dec(3002, 11, DecimalSI)),
        ("2.5P", dec(25, 14, DecimalSI)),
        ("1.01E", dec(101, 16, DecimalSI)),
        // Things that saturate/round.
        ("3.001n", dec(4, -9, DecimalSI)),
        ("1.1E-9", dec(2, -9, DecimalExponent)),
        ("0.0000000001", dec(1, -9, DecimalSI)),
        ("0.0000000005", dec(1, -9, DecimalSI)),
        ("0.00000000050", dec(1, -9, DecimalSI)),
        ("0.5e-9", dec(1, -9, DecimalExponent)),
        ("0.9n", dec(1, -9, DecimalSI)),
        ("0.00000012345", dec(124, -9, DecimalSI)),
        ("0.00000012354", dec(124, -9, DecimalSI)),
        ("9Ei", max.clone()),
        ("9223372036854775807Ki", max),
        ("12E", dec(12, 18, DecimalSI)),
        // Fractional binary values.
        ("100.035Ki", dec(10243584, -2, BinarySI)),
        ("0.5Mi", dec(512 * 1024, 0, BinarySI)),
        ("0.05Gi", dec(536870912, -1, BinarySI)),
        ("0.025Ti", dec(274877906944, -1, BinarySI)),
        // "Things written by trolls".
        ("0.000000000001Ki", dec(2, -9, DecimalSI)),
        (".001", dec(1, -3, DecimalSI)),
        (".0001k", dec(100, -3, DecimalSI)),
        ("1.", dec(1, 0, DecimalSI)),
        ("1.G", dec(1, 9, DecimalSI)),
    ]
}

#[test]
fn parses_upstream_table_with_value_and_format() {
    for (input, expect) in parse_table() {
        let got = parse(input);
        assert_eq!(got, expect, "{input}");
        assert_eq!(got.format(), expect.format(), "{input}: format");
    }
}

#[test]
fn negative_and_explicit_plus_forms_parse_too() {
    for (input, expect) in parse_table() {
        let neg = parse(&format!("-{input}"));
        assert_eq!(neg, -&expect, "-{input}");
        assert_eq!(neg.format(), expect.format(), "-{input}: format");
        let plus = parse(&format!("+{input}"));
        assert_eq!(plus, expect, "+{input}");
        assert_eq!(plus.format(), expect.format(), "+{input}: format");
    }
}

#[test]
fn rejects_upstream_invalid_inputs_with_its_error_kinds() {
    use QuantityError::{FormatWrong, Suffix};
    let cases = [
        ("", FormatWrong),
        ("1.1.M", FormatWrong),
        ("1+1.0M", FormatWrong),
        ("0.1mi", Suffix),
        ("0.1am", FormatWrong),
        ("aoeu", FormatWrong),
        (".5i", Suffix),
        ("1i", Suffix),
        ("-3.01i", Suffix),
        ("-3.01e-", Suffix),
        (" 1", FormatWrong),
        ("1 ", FormatWrong),
        ("1.1.1", FormatWrong),
        ("1e", Suffix),
        ("1Kii", Suffix),
        ("i", Suffix),
        ("Non-Numeric", FormatWrong),
        ("1e99999999999999999999", Suffix),
        ("1k3", Suffix),
    ];
    for (input, kind) in cases {
        assert_eq!(Quantity::parse(input), Err(kind), "{input:?}");
    }
}

#[test]
fn error_messages_are_upstreams() {
    assert_eq!(
        QuantityError::FormatWrong.to_string(),
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    );
    assert_eq!(
        QuantityError::Suffix.to_string(),
        "unable to parse quantity's suffix"
    );
    assert_eq!(
        QuantityError::Numeric.to_string(),
        "unable to parse numeric part of quantity"
    );
}

/// Upstream's scanner reads a bare sign, dot or suffix as zero on its int64 path, and its
/// slow path (too many digits, sub-nano scale, `Pi`/`Ei`) rejects the same digitless input
/// as non-numeric.
#[test]
fn digitless_numbers_follow_upstreams_two_paths() {
    for zero in [
        "-", "+", ".", "-.", "k", "m", "Ki", "Ti", "e3", "00", "-0", "+.e-9",
    ] {
        let q = parse(zero);
        assert!(q.is_zero(), "{zero}");
        assert_eq!(q.to_string(), "0", "{zero}");
    }
    assert_eq!(parse("Ki").format(), BinarySI);
    for numeric in ["Pi", "Ei", "-Ei", "e-10", ".e-10", "+e-12"] {
        assert_eq!(
            Quantity::parse(numeric),
            Err(QuantityError::Numeric),
            "{numeric}"
        );
    }
}

/// TestQuantityParseEmit, positive and negative.
#[test]
fn parse_then_emit() {
    let table = [
        ("1Ki", "1Ki"),
        ("1Mi", "1Mi"),
        ("1Gi", "1Gi"),
        ("1024Mi", "1Gi"),
        ("1000M", "1G"),
        (".001Ki", "1024m"),
        (".000001Ki", "1024u"),
        (".000000001Ki", "1024n"),
        (".000000000001Ki", "2n"),
    ];
    for (input, expect) in table {
        assert_eq!(parse(input).to_string(), expect, "{input}");
        assert_eq!(
            parse(&format!("-{input}")).to_string(),
            format!("-{expect}"),
            "-{input}"
        );
    }
}

/// Canonical forms named in the task and upstream's type documentation.
#[test]
fn canonical_forms() {
    let table = [
        ("1.5Gi", "1536Mi"),
        ("1000m", "1"),
        ("100m", "100m"),
        ("1e3", "1e3"),
        ("0.1", "100m"),
        ("2k", "2k"),
        ("1024Ki", "1Mi"),
        ("1.5", "1500m"),
        ("12e6", "12e6"),
        ("1.5Ki", "1536"),
        ("1.1Ki", "1126400m"),
        ("1e4", "10e3"),
        ("-1.5Gi", "-1536Mi"),
        ("0Ei", "0"),
        ("0e3", "0"),
        ("0.1n", "1n"),
        ("0.5n", "1n"),
        ("-0.1n", "-1n"),
        ("1e300", "1e300"),
        ("100Ei", "9223372036854775807"),
        ("-100Ei", "-9223372036854775807"),
        ("9223372036854775807", "9223372036854775807"),
        ("18446744073709551616", "18446744073709551616"),
        ("18446744073709551616Ki", "9223372036854775807"),
        ("8Ei", "9223372036854775807"),
        ("7Ei", "7Ei"),
        ("1e-2000000000", "1e-9"),
    ];
    for (input, expect) in table {
        assert_eq!(parse(input).to_string(), expect, "{input}");
    }
    assert_eq!(parse("100Ei"), Quantity::from_i64(i64::MAX, BinarySI));
    assert_eq!(parse("1Ki"), parse("1024"));
    assert_eq!(parse("1k"), parse("1000"));
    assert!(parse("1Ki") > parse("1k"));
}

/// TestParseQuantity (big and boundary numbers): input and canonical output, where
/// `None` means the input is already canonical.
#[test]
fn boundary_numbers_reserialize_like_upstream() {
    let table: [(&str, Option<&str>); 40] = [
        ("-999999999999999999", None),
        ("999999999999999999", None),
        ("-999999999999999999.0", Some("-999999999999999999")),
        ("999999999999999999.1", Some("999999999999999999100m")),
        ("-9999999999999999999", None),
        ("9999999999999999999", None),
        ("-1E", None),
        ("1E", None),
        ("-1000000000000000000", Some("-1E")),
        ("1000000000000000000", Some("1E")),
        ("9999999999999999999.0", Some("9999999999999999999")),
        ("-1.0E", Some("-1E")),
        ("1000000000000000000.0", Some("1E")),
        ("9999999999999999999000m", Some("9999999999999999999")),
        ("-9999999999999999999.1", Some("-9999999999999999999100m")),
        ("1.0000000000000000001E", Some("1000000000000000000100m")),
        ("-1000000000000000000.1", Some("-1000000000000000000100m")),
        ("1.000000000000000001E", Some("1000000000000000001")),
        ("1000000000000000001", None),
        ("-10E", None),
        ("10E", None),
        ("-10000000000000000000", Some("-10E")),
        ("10.0E", Some("10E")),
        ("10000000000000000000.0", Some("10E")),
        ("-10000000000000000000000m", Some("-10E")),
        ("10.0000000000000000001E", Some("10000000000000000000100m")),
        ("-10.000000000000000001E", Some("-10000000000000000001")),
        ("10000000000000000001", None),
        ("-9223372036854775809", None),
        ("9223372036854775806", None),
        ("9223372036854775806000m", Some("9223372036854775806")),
        ("-9223372036854775809.1", Some("-9223372036854775809100m")),
        ("-9223372036854775808", None),
        ("9223372036854775807", None),
        ("-9223372036854775808000m", Some("-9223372036854775808")),
        ("9223372036854775807.1", Some("9223372036854775807100m")),
        ("-9223372036854775807", None),
        ("9223372036854775808", None),
        ("9223372036854775808000m", Some("9223372036854775808")),
        ("9223372036854775808.1", Some("9223372036854775808100m")),
    ];
    for (input, canonical) in table {
        assert_eq!(
            parse(input).to_string(),
            canonical.unwrap_or(input),
            "{input}"
        );
    }
    assert_eq!(
        parse("1.0000000000000000001E"),
        parse("1000000000000000000.1"),
        "same value, different spelling"
    );
}

/// Upstream keeps an input it judges canonical and prints it back verbatim; it only judges
/// the digits, so a sign, leading zeros or a trailing dot survive.
#[test]
fn remembered_inputs_print_verbatim_until_changed() {
    for (input, canonical) in [
        ("+1", "1"),
        ("1.", "1"),
        ("007k", "7k"),
        ("1E3", "1e3"),
        ("+1Ki", "1Ki"),
        ("1.100k", "1100"),
    ] {
        let q = parse(input);
        assert_eq!(q.to_string(), input, "{input}");
        assert_eq!(q.canonical(), canonical, "{input}");
        assert_eq!((-q).to_string(), format!("-{canonical}"), "-({input})");
    }
    // Inputs upstream does not remember print canonically.
    for (input, canonical) in [
        ("+1000", "1k"),
        ("1.0", "1"),
        ("01.5", "1500m"),
        ("+8Ki", "8Ki"),
    ] {
        assert_eq!(parse(input).to_string(), canonical, "{input}");
    }
}

#[test]
fn absurd_magnitudes_are_refused_not_computed() {
    assert_eq!(
        Quantity::parse("1e2000000000"),
        Err(QuantityError::TooLarge)
    );
    assert_eq!(
        Quantity::parse("1e10000").map(|q| q.to_string()),
        Ok("10e9999".to_owned())
    );
    assert_eq!(Quantity::parse("10e10000"), Err(QuantityError::TooLarge));
    // Below nano, even absurdly, is just rounded up.
    assert_eq!(parse("-5e-2000000000"), dec(-1, -9, DecimalExponent));
}

/// Long inputs: digits below nano only decide the rounding, so they are not all converted.
#[test]
fn long_inputs_round_exactly() {
    let tiny = "0".repeat(200_000);
    assert_eq!(parse(&format!("0.{tiny}1")).to_string(), "1n");
    assert_eq!(parse(&format!("-0.{tiny}1")).to_string(), "-1n");
    assert_eq!(parse(&format!("1.{tiny}")).to_string(), "1");
    assert_eq!(parse(&format!("1.5{tiny}1")).to_string(), "1500000001n");
    assert_eq!(parse(&format!("{}Ki", "9".repeat(200_000))), parse("8Ei"));
    assert_eq!(
        Quantity::parse(&"9".repeat(200_000)),
        Err(QuantityError::TooLarge)
    );
    // 0.0000000000009765625 × 1024 is exactly 1n; anything past it rounds up to 2n.
    assert_eq!(parse("0.0000000000009765625Ki").to_string(), "1n");
    let above = format!("0.0000000000009765625{}1Ki", "0".repeat(100));
    assert_eq!(parse(&above).to_string(), "2n");
    let below = format!("0.0000000000009765624{}Ki", "9".repeat(100));
    assert_eq!(parse(&below).to_string(), "1n");
    let above_mi = format!("1.00000000000000095367431640625{}1Mi", "0".repeat(80));
    // 1Mi + 1n exactly, plus a sliver: rounds up to 1Mi + 2n.
    assert_eq!(parse(&above_mi).to_string(), "1048576000000002n");
    let exact_mi = "1.00000000000000095367431640625Mi";
    assert_eq!(parse(exact_mi).to_string(), "1048576000000001n");
}
