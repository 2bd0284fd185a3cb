//! Parsing `<signedNumber><suffix>` the way upstream's `ParseQuantity` does, including its
//! leniencies (`.5`, `5.`, `1.G`, and a bare suffix or sign such as `k` or `-` meaning zero).

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use super::decimal::{self, div_pow10_away, normalize};
use super::{Format, Quantity, QuantityError, MAX_DECIMAL_EXPONENT};

/// The pieces upstream's scanner (`parseQuantityString`) splits a quantity into.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Scanned<'a> {
    pub positive: bool,
    /// Integer digits without leading zeros, `"0"` when there are none.
    pub num: &'a str,
    /// Fraction digits (possibly empty).
    pub denom: &'a str,
    pub suffix: &'a str,
    /// Whether the number part holds a digit; upstream's slow path rejects it otherwise.
    pub has_digits: bool,
}

/// Byte scanner mirroring upstream's: permissive, the suffix is judged later.
pub(super) fn scan(s: &str) -> Result<Scanned<'_>, QuantityError> {
    let b = s.as_bytes();
    let end = b.len();
    let mut pos = 0;
    let mut positive = true;
    match b.first() {
        Some(b'-') => {
            positive = false;
            pos = 1;
        }
        Some(b'+') => pos = 1,
        _ => {}
    }
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    let whole = |num, denom| Scanned {
        positive,
        num,
        denom,
        suffix: "",
        has_digits: true,
    };
    if pos >= end {
        // Only a sign and/or zeros: upstream reads that as zero.
        return Ok(whole("0", ""));
    }
    let num_start = pos;
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos >= end {
        return Ok(whole(&s[num_start..], ""));
    }
    let num = if pos == num_start {
        "0"
    } else {
        &s[num_start..pos]
    };
    let mut denom = "";
    if b[pos] == b'.' {
        pos += 1;
        let denom_start = pos;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        denom = &s[denom_start..pos];
        if pos >= end {
            return Ok(Scanned {
                has_digits: b.iter().any(u8::is_ascii_digit),
                ..whole(num, denom)
            });
        }
    }
    let has_digits = b[..pos].iter().any(u8::is_ascii_digit);
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < end && (b[pos] == b'-' || b[pos] == b'+') {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < end {
        return Err(QuantityError::FormatWrong);
    }
    Ok(Scanned {
        positive,
        num,
        denom,
        suffix: &s[suffix_start..],
        has_digits,
    })
}

/// Base (2 or 10), exponent and format of a suffix, as upstream's suffixer interprets it.
pub(super) fn interpret(suffix: &str) -> Option<(u32, i32, Format)> {
    let decimal = |e| Some((10, e, Format::DecimalSI));
    let binary = |e| Some((2, e, Format::BinarySI));
    match suffix {
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "" => decimal(0),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ => {
            let rest = suffix
                .strip_prefix('e')
                .or_else(|| suffix.strip_prefix('E'))?;
            // Upstream parses 64 bits then truncates to int32; keep that quirk.
            let exponent = rest.parse::<i64>().ok()? as i32;
            Some((10, exponent, Format::DecimalExponent))
        }
    }
}

/// Whether upstream takes its int64 fast path, which is also the only path that keeps the
/// input string as the printed form.
fn fast_path(sc: &Scanned<'_>, exponent: i32, format: Format) -> bool {
    match format {
        // 1Mi has ~6 decimal digits of binary precision: upstream's estimate, verbatim.
        Format::BinarySI => {
            sc.denom.is_empty() && 14 - sc.num.len() as i64 - 3 * i64::from(exponent / 10) >= 0
        }
        _ => {
            sc.num.len() + sc.denom.len() <= 18 && i64::from(exponent) - sc.denom.len() as i64 >= -9
        }
    }
}

/// Whether upstream would remember the input verbatim (it judges it already canonical).
fn keeps_input(sc: &Scanned<'_>, exponent: i32, format: Format) -> bool {
    match format {
        Format::BinarySI => sc.num.parse::<u64>().is_ok_and(|v| v & 0x07 != 0),
        _ => {
            let scale = i64::from(exponent) - sc.denom.len() as i64;
            let shifted_ends_000 = if sc.denom.len() >= 3 {
                sc.denom.ends_with("000")
            } else {
                format!("{}{}", sc.num, sc.denom).ends_with("000")
            };
            scale % 3 == 0 && !shifted_ends_000 && !sc.num.starts_with('0')
        }
    }
}

pub(super) fn parse(s: &str) -> Result<Quantity, QuantityError> {
    if s.is_empty() {
        return Err(QuantityError::FormatWrong);
    }
    if s == "0" {
        return Ok(Quantity::zero().remembering(s));
    }
    let sc = scan(s)?;
    let (base, exponent, mut format) = interpret(sc.suffix).ok_or(QuantityError::Suffix)?;
    let fast = fast_path(&sc, exponent, format);
    if !fast && !sc.has_digits {
        return Err(QuantityError::Numeric);
    }
    let remember = fast && keeps_input(&sc, exponent, format);

    let (mantissa, exp10) = exact_digits(&sc, base, exponent)?;
    let mut mantissa = match mantissa {
        Magnitude::Digits(m) => m,
        Magnitude::AboveBinaryCap => BigInt::from(i64::MAX),
    };
    if !sc.positive {
        mantissa = -mantissa;
    }
    let (mut m, mut e) = normalize(mantissa, exp10);

    // Precision below 1n is rounded up (away from zero): asking for some resource gets some.
    if e < -9 {
        let (q, _) = div_pow10_away(&m, (-9 - e) as u64);
        (m, e) = normalize(q, -9);
    }
    if format == Format::BinarySI {
        let max = BigInt::from(i64::MAX);
        if decimal::cmp(&m.abs(), e, &max, 0).is_gt() {
            m = if m.is_negative() { -max } else { max };
            e = 0;
        }
        if !m.is_zero() && e + (decimal::digits(&m) as i64) <= 0 {
            // |value| < 1 cannot be written in binary SI.
            format = Format::DecimalSI;
        }
    }
    let q = Quantity::from_normalized(m, e, format);
    Ok(if remember { q.remembering(s) } else { q })
}

enum Magnitude {
    Digits(BigInt),
    /// At least 10^19: binary SI caps it at 2^63-1 whatever the digits.
    AboveBinaryCap,
}

/// The unsigned value of `num.denom` times the suffix, as `mantissa × 10^exp10`, read without
/// turning a megabyte of digits into a big integer: digits too small to change the value
/// rounded up to 1n collapse into a single sticky digit, and the too-large are refused (or,
/// in binary SI, capped) before any arithmetic.
fn exact_digits(
    sc: &Scanned<'_>,
    base: u32,
    exponent: i32,
) -> Result<(Magnitude, i64), QuantityError> {
    let mut exp10 = -(sc.denom.len() as i64);
    let digits = if sc.num == "0" {
        std::borrow::Cow::Borrowed(sc.denom.trim_start_matches('0'))
    } else {
        std::borrow::Cow::Owned(format!("{}{}", sc.num, sc.denom))
    };
    if digits.is_empty() {
        return Ok((Magnitude::Digits(BigInt::ZERO), 0));
    }
    // A binary boundary n/2^e has at most e decimals: keeping e more digits below nano
    // keeps the rounding exact.
    let keep_below_nano = if base == 10 {
        exp10 += i64::from(exponent);
        0
    } else {
        i64::from(exponent)
    };
    let top = exp10 + digits.len() as i64 - 1;
    if base == 2 && top >= 19 {
        return Ok((Magnitude::AboveBinaryCap, 0));
    }
    if base == 10 && top > MAX_DECIMAL_EXPONENT {
        return Err(QuantityError::TooLarge);
    }
    let drop = (-9 - keep_below_nano - exp10).clamp(0, digits.len() as i64) as usize;
    let (kept, rest) = digits.split_at(digits.len() - drop);
    exp10 += drop as i64;
    let mut mantissa = if kept.is_empty() {
        BigInt::ZERO
    } else {
        kept.parse().map_err(|_| QuantityError::Numeric)?
    };
    if rest.bytes().any(|d| d != b'0') {
        mantissa = mantissa * 10u32 + 1u32;
        exp10 -= 1;
    }
    if base == 2 {
        mantissa <<= exponent as u32;
    }
    Ok((Magnitude::Digits(mantissa), exp10))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(s: &str) -> (bool, &str, &str, &str) {
        let sc = scan(s).unwrap();
        (sc.positive, sc.num, sc.denom, sc.suffix)
    }

    /// Upstream's TestParseQuantityString table.
    #[test]
    fn scanner_splits_like_upstream() {
        assert_eq!(scanned("0.025Ti"), (true, "0", "025", "Ti"));
        assert_eq!(scanned("1.025Ti"), (true, "1", "025", "Ti"));
        assert_eq!(scanned("-1.025Ti"), (false, "1", "025", "Ti"));
        assert_eq!(scanned("."), (true, "0", "", ""));
        assert_eq!(scanned("-."), (false, "0", "", ""));
        assert_eq!(scanned("1E-3"), (true, "1", "", "E-3"));
        assert_eq!(scanned("007k"), (true, "7", "", "k"));
    }

    #[test]
    fn scanner_rejects_trailing_garbage() {
        for bad in ["1.1.M", "1+1.0M", " 1", "1 ", "1.1.1", "1e3Ki", "1é"] {
            assert_eq!(scan(bad), Err(QuantityError::FormatWrong), "{bad}");
        }
    }

    #[test]
    fn suffixes_interpret_like_upstream() {
        assert_eq!(interpret("Ki"), Some((2, 10, Format::BinarySI)));
        assert_eq!(interpret("E"), Some((10, 18, Format::DecimalSI)));
        assert_eq!(interpret("E+6"), Some((10, 6, Format::DecimalExponent)));
        assert_eq!(interpret("e-3"), Some((10, -3, Format::DecimalExponent)));
        // int64 parsed, then truncated to int32 like upstream.
        assert_eq!(
            interpret("e4294967297"),
            Some((10, 1, Format::DecimalExponent))
        );
        for bad in [
            "e",
            "i",
            "e+",
            "Kii",
            "mi",
            "e-",
            "ee3",
            "k3",
            "e99999999999999999999",
        ] {
            assert_eq!(interpret(bad), None, "{bad}");
        }
    }
}
