//! Arbitrary-precision decimal helpers: a value is `mantissa × 10^exponent`.
//!
//! Kept apart from the `Quantity` API so the arithmetic can be read (and reviewed) on its own.

use std::cmp::Ordering;

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{ToPrimitive, Zero};

/// `10^k`. Exponents handled here stay small (see `MAX_DECIMAL_EXPONENT`), so saturating
/// an absurd `k` only guards against a panic that the invariants already exclude.
pub(super) fn pow10(k: u64) -> BigInt {
    BigInt::from(10u32).pow(u32::try_from(k).unwrap_or(u32::MAX))
}

/// Strips decimal trailing zeros so that every value has exactly one representation
/// (which `Hash` and the fast comparisons rely on); zero is `0 × 10^0`.
pub(super) fn normalize(mut mantissa: BigInt, mut exponent: i64) -> (BigInt, i64) {
    if mantissa.is_zero() {
        return (BigInt::ZERO, 0);
    }
    let chunk = BigInt::from(10_000_000_000_000_000_000u64);
    while (&mantissa % &chunk).is_zero() {
        mantissa /= &chunk;
        exponent += 19;
    }
    while (&mantissa % 10u32).is_zero() {
        mantissa /= 10u32;
        exponent += 1;
    }
    (mantissa, exponent)
}

/// Number of decimal digits of `|m|` (1 for zero), without formatting the number.
pub(super) fn digits(m: &BigInt) -> u64 {
    let mag = m.magnitude();
    if let Some(small) = mag.to_u128() {
        return u64::from(small.checked_ilog10().unwrap_or(0)) + 1;
    }
    // 2^(bits-1) <= |m| < 2^bits, so the estimate is off by at most one either way.
    let bits = mag.bits();
    let mut est = ((bits - 1) as f64 * std::f64::consts::LOG10_2).floor() as u64 + 1;
    let ten = BigUint::from(10u32);
    let pow = |k: u64| ten.pow(u32::try_from(k).unwrap_or(u32::MAX));
    while *mag >= pow(est) {
        est += 1;
    }
    while est > 1 && *mag < pow(est - 1) {
        est -= 1;
    }
    est
}

/// `m / 10^k` rounded away from zero, and whether the division was exact.
pub(super) fn div_pow10_away(m: &BigInt, k: u64) -> (BigInt, bool) {
    if k == 0 || m.is_zero() {
        return (m.clone(), true);
    }
    // |m| < 2^bits <= 2^k < 10^k: the quotient is zero and the remainder is m itself.
    if k >= m.bits() {
        return (signum(m), false);
    }
    let d = pow10(k);
    let q = m / &d;
    if (m % &d).is_zero() {
        (q, true)
    } else {
        (q + signum(m), false)
    }
}

/// -1, 0 or 1 as a `BigInt`.
pub(super) fn signum(m: &BigInt) -> BigInt {
    match m.sign() {
        Sign::Minus => BigInt::from(-1),
        Sign::NoSign => BigInt::ZERO,
        Sign::Plus => BigInt::from(1),
    }
}

/// Compares two normalized decimals without materializing huge powers of ten when their
/// magnitudes differ (`1e9999` vs `1n` costs nothing).
pub(super) fn cmp(am: &BigInt, ae: i64, bm: &BigInt, be: i64) -> Ordering {
    let (sa, sb) = (am.sign(), bm.sign());
    if sa != sb || sa == Sign::NoSign {
        return sa.cmp(&sb);
    }
    if let (Some(x), Some(y)) = (am.to_i64(), bm.to_i64()) {
        let diff = ae - be;
        if diff.abs() <= 18 {
            let scale = 10i128.pow(diff.unsigned_abs() as u32);
            let (x, y) = if diff >= 0 {
                (i128::from(x) * scale, i128::from(y))
            } else {
                (i128::from(x), i128::from(y) * scale)
            };
            return x.cmp(&y);
        }
    }
    let pa = ae + digits(am) as i64;
    let pb = be + digits(bm) as i64;
    if pa != pb {
        let by_magnitude = pa.cmp(&pb);
        return if sa == Sign::Plus {
            by_magnitude
        } else {
            by_magnitude.reverse()
        };
    }
    let (x, y) = align(am, ae, bm, be);
    x.cmp(&y)
}

/// Both mantissas at the smaller of the two exponents.
fn align(am: &BigInt, ae: i64, bm: &BigInt, be: i64) -> (BigInt, BigInt) {
    let e = ae.min(be);
    (am * pow10((ae - e) as u64), bm * pow10((be - e) as u64))
}

/// Exact sum, normalized.
pub(super) fn add(am: &BigInt, ae: i64, bm: &BigInt, be: i64) -> (BigInt, i64) {
    if bm.is_zero() {
        return (am.clone(), ae);
    }
    if am.is_zero() {
        return (bm.clone(), be);
    }
    let e = ae.min(be);
    if let (Some(x), Some(y)) = (am.to_i64(), bm.to_i64()) {
        if (ae - be).abs() <= 18 {
            let x = i128::from(x) * 10i128.pow((ae - e) as u32);
            let y = i128::from(y) * 10i128.pow((be - e) as u32);
            return normalize(BigInt::from(x + y), e);
        }
    }
    let (x, y) = align(am, ae, bm, be);
    normalize(x + y, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_counts_exactly_around_powers_of_ten() {
        for k in [1u64, 5, 18, 19, 20, 38, 39, 40, 100, 309] {
            let p = pow10(k);
            assert_eq!(digits(&p), k + 1, "10^{k}");
            assert_eq!(digits(&(&p - 1)), k, "10^{k}-1");
            assert_eq!(digits(&-(&p)), k + 1, "-10^{k}");
        }
        assert_eq!(digits(&BigInt::ZERO), 1);
    }

    #[test]
    fn normalize_strips_trailing_zeros() {
        let (m, e) = normalize(BigInt::from(1_200_000u32), -9);
        assert_eq!((m, e), (BigInt::from(12), -4));
        let (m, e) = normalize(pow10(45) * 7, 0);
        assert_eq!((m, e), (BigInt::from(7), 45));
        assert_eq!(normalize(BigInt::ZERO, 12), (BigInt::ZERO, 0));
    }

    #[test]
    fn division_rounds_away_from_zero() {
        assert_eq!(
            div_pow10_away(&BigInt::from(901), 2),
            (BigInt::from(10), false)
        );
        assert_eq!(
            div_pow10_away(&BigInt::from(-901), 2),
            (BigInt::from(-10), false)
        );
        assert_eq!(
            div_pow10_away(&BigInt::from(900), 2),
            (BigInt::from(9), true)
        );
        assert_eq!(
            div_pow10_away(&BigInt::from(5), 400),
            (BigInt::from(1), false)
        );
        assert_eq!(
            div_pow10_away(&BigInt::from(-5), 400),
            (BigInt::from(-1), false)
        );
    }

    #[test]
    fn compare_handles_distant_magnitudes() {
        let one = BigInt::from(1);
        assert_eq!(cmp(&one, 9999, &one, -9), Ordering::Greater);
        assert_eq!(cmp(&-one.clone(), 9999, &-one.clone(), -9), Ordering::Less);
        let big = pow10(30) + 1;
        assert_eq!(cmp(&big, -30, &one, 0), Ordering::Greater);
        assert_eq!(cmp(&(&big - 2), -30, &one, 0), Ordering::Less);
        assert_eq!(
            cmp(&BigInt::from(12), 2, &BigInt::from(1200), 0),
            Ordering::Equal
        );
    }
}
