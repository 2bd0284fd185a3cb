//! Upstream's canonical form (`CanonicalizeBytes`): no fractional digits, the largest suffix
//! that loses no precision, and the sign only when negative.

use num_bigint::{BigInt, BigUint};
use num_traits::Zero;

use super::decimal::pow10;
use super::Format;

const DECIMAL_SUFFIXES: [(i64, &str); 10] = [
    (-9, "n"),
    (-6, "u"),
    (-3, "m"),
    (0, ""),
    (3, "k"),
    (6, "M"),
    (9, "G"),
    (12, "T"),
    (15, "P"),
    (18, "E"),
];

const BINARY_SUFFIXES: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/// Canonical text of `mantissa × 10^exponent` (normalized) in `format`.
pub(super) fn canonical(mantissa: &BigInt, exponent: i64, format: Format) -> String {
    if mantissa.is_zero() {
        return "0".to_owned();
    }
    match format {
        Format::BinarySI => binary_si(mantissa, exponent)
            .unwrap_or_else(|| decimal(mantissa, exponent, Format::DecimalSI)),
        other => decimal(mantissa, exponent, other),
    }
}

/// Powers of 1024, or `None` when the value is below 1024 in magnitude or not whole: upstream
/// then prints decimal SI rather than round.
fn binary_si(mantissa: &BigInt, exponent: i64) -> Option<String> {
    if exponent < 0 {
        return None;
    }
    let mut value = mantissa * pow10(exponent as u64);
    if *value.magnitude() < BigUint::from(1024u32) {
        return None;
    }
    // Stopping at Ei keeps the value right where upstream, lacking a suffix, prints a wrong one.
    let mut power = 0;
    while power < BINARY_SUFFIXES.len() - 1 && (&value % 1024u32).is_zero() {
        value /= 1024u32;
        power += 1;
    }
    Some(format!("{value}{}", BINARY_SUFFIXES[power]))
}

/// Powers of ten with an exponent that is a multiple of 3.
fn decimal(mantissa: &BigInt, exponent: i64, format: Format) -> String {
    let e3 = exponent.div_euclid(3) * 3;
    let mut value = mantissa * pow10((exponent - e3) as u64);
    if format == Format::DecimalExponent {
        return if e3 == 0 {
            value.to_string()
        } else {
            format!("{value}e{e3}")
        };
    }
    if e3 > 18 {
        // Beyond E upstream prints the bare mantissa (a wrong value); keep counting in E.
        value *= pow10((e3 - 18) as u64);
        return format!("{value}E");
    }
    match DECIMAL_SUFFIXES.iter().find(|(e, _)| *e == e3) {
        Some((_, suffix)) => format!("{value}{suffix}"),
        // Finer than nano never happens (values are rounded to 1n); stay exact regardless.
        None => format!("{value}e{e3}"),
    }
}
