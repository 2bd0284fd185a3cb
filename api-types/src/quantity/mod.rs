//! Resource quantities (`100m`, `1.5Gi`, `1e3`), behaving like upstream's
//! `k8s.io/apimachinery/pkg/api/resource.Quantity`.
//!
//! A [`Quantity`] is an exact decimal (never a float) plus the [`Format`] its suffix was written
//! in, which it keeps for printing. Parsing follows upstream's grammar and quirks; printing is
//! upstream's canonical form (`1.5Gi` → `1536Mi`, `0.1` → `100m`, `1000m` → `1`).
//! Equality, ordering and hashing look at the value only: `1Ki == 1024`, `1000m == 1`.
//!
//! Rules carried over from upstream:
//! - precision below `1n` is rounded up, away from zero (`0.1n` → `1n`, `-0.1n` → `-1n`);
//! - binary-SI inputs are capped at `2^63-1` in magnitude (decimal ones are not);
//! - a binary-SI value that is not a whole multiple of 1024 prints as decimal SI (`1536`);
//! - when the input already looks canonical, upstream remembers it and prints it back
//!   verbatim (so `+1` prints `+1` and `1.` prints `1.`); so does this type, until the value
//!   changes. [`Quantity::canonical`] always recomputes.
//!
//! Where this type knowingly differs from upstream (each case is one upstream mishandles):
//! - magnitudes of `10^10001` and more are refused ([`QuantityError::TooLarge`]) rather than
//!   accepted and later turned into billion-digit numbers by comparisons and sums;
//! - values past `E` (decimal SI) or `Ei` print as a multiple of `E`/`Ei` (`1000E`), where
//!   upstream drops the suffix and prints a different number (`1`);
//! - `value`, `milli_value` and `scaled_value` saturate at the `i64` bounds instead of
//!   overflowing, and always round away from zero;
//! - [`Quantity::from_scaled`] rounds a scale finer than nano up to `1n`, like parsing.

mod arith;
mod convert;
mod decimal;
mod format;
mod parse;

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

/// Largest power of ten a parsed quantity may reach. Upstream has no bound, but an input
/// such as `1e2000000000` makes its comparisons and sums build numbers with billions of
/// digits; no real resource comes close to this.
pub const MAX_DECIMAL_EXPONENT: i64 = 10_000;

/// How a quantity prints; remembered from the suffix it was parsed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// `12e6`: a power-of-ten exponent (a multiple of 3).
    DecimalExponent,
    /// `12Mi`: powers of 1024.
    BinarySI,
    /// `12M`: SI powers of 1000, from `n` to `E`.
    #[default]
    DecimalSI,
}

impl Format {
    /// Upstream's name for the format.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::DecimalExponent => "DecimalExponent",
            Format::BinarySI => "BinarySI",
            Format::DecimalSI => "DecimalSI",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A power of ten, as used by [`Quantity::scaled_value`] (upstream's `resource.Scale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scale(pub i32);

impl Scale {
    pub const NANO: Scale = Scale(-9);
    pub const MICRO: Scale = Scale(-6);
    pub const MILLI: Scale = Scale(-3);
    pub const ONE: Scale = Scale(0);
    pub const KILO: Scale = Scale(3);
    pub const MEGA: Scale = Scale(6);
    pub const GIGA: Scale = Scale(9);
    pub const TERA: Scale = Scale(12);
    pub const PETA: Scale = Scale(15);
    pub const EXA: Scale = Scale(18);
}

/// Why a string is not a quantity; the messages are upstream's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    #[error("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")]
    FormatWrong,
    #[error("unable to parse numeric part of quantity")]
    Numeric,
    #[error("unable to parse quantity's suffix")]
    Suffix,
    /// Ours, not upstream's: see [`MAX_DECIMAL_EXPONENT`].
    #[error("quantity is too large: its magnitude must stay below 10^10001")]
    TooLarge,
}

/// A fixed-point number with the format it prints in. See the module documentation.
#[derive(Clone, Default)]
pub struct Quantity {
    /// The value is `mantissa × 10^exponent`, normalized (no trailing decimal zero in the
    /// mantissa, zero is `0 × 10^0`) and never finer than `10^-9`.
    mantissa: BigInt,
    exponent: i64,
    format: Format,
    /// The input string, kept when upstream would print it back verbatim.
    original: Option<Box<str>>,
}

impl Quantity {
    /// Parses `<signedNumber><suffix>` exactly like upstream's `ParseQuantity` (no trimming).
    pub fn parse(s: &str) -> Result<Self, QuantityError> {
        parse::parse(s)
    }

    /// Zero, in decimal SI.
    pub fn zero() -> Self {
        Self::default()
    }

    /// `value` in the given format (upstream's `NewQuantity`).
    pub fn from_i64(value: i64, format: Format) -> Self {
        Self::from_decimal(BigInt::from(value), 0, format)
    }

    /// `value / 1000`, in decimal SI (upstream's `NewMilliQuantity(value, DecimalSI)`).
    pub fn from_milli(value: i64) -> Self {
        Self::from_decimal(BigInt::from(value), -3, Format::DecimalSI)
    }

    /// `value × 10^scale`, in decimal SI (upstream's `NewScaledQuantity`). Unlike upstream,
    /// a scale finer than nano is rounded up to `1n` as parsing does, so every quantity prints.
    pub fn from_scaled(value: i64, scale: Scale) -> Self {
        Self::from_decimal(BigInt::from(value), i64::from(scale.0), Format::DecimalSI)
    }

    /// The same value printed in another format.
    pub fn with_format(mut self, format: Format) -> Self {
        self.set_format(format);
        self
    }

    /// Builds from any decimal, rounding below nano like parsing does.
    fn from_decimal(mantissa: BigInt, exponent: i64, format: Format) -> Self {
        let (mut m, mut e) = decimal::normalize(mantissa, exponent);
        if e < -9 {
            let (q, _) = decimal::div_pow10_away(&m, (-9 - e) as u64);
            (m, e) = decimal::normalize(q, -9);
        }
        Self::from_normalized(m, e, format)
    }

    fn from_normalized(mantissa: BigInt, exponent: i64, format: Format) -> Self {
        Self {
            mantissa,
            exponent,
            format,
            original: None,
        }
    }

    fn remembering(mut self, input: &str) -> Self {
        self.original = Some(input.into());
        self
    }

    /// The format this quantity prints in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Changes the print format (upstream sets the public `Format` field).
    pub fn set_format(&mut self, format: Format) {
        if self.format != format {
            self.format = format;
            self.original = None;
        }
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa.is_zero()
    }

    /// -1, 0 or 1.
    pub fn sign(&self) -> i32 {
        if self.mantissa.is_positive() {
            1
        } else if self.mantissa.is_negative() {
            -1
        } else {
            0
        }
    }

    /// The value rounded to an integer away from zero (upstream's `Value`); saturates at the
    /// `i64` bounds where upstream overflows.
    pub fn value(&self) -> i64 {
        self.scaled_value(Scale::ONE)
    }

    /// `value × 1000` rounded away from zero (upstream's `MilliValue`); saturating.
    pub fn milli_value(&self) -> i64 {
        self.scaled_value(Scale::MILLI)
    }

    /// `value / 10^scale` rounded away from zero (upstream's `ScaledValue`); saturating.
    pub fn scaled_value(&self, scale: Scale) -> i64 {
        let saturated = || {
            if self.mantissa.is_negative() {
                i64::MIN
            } else {
                i64::MAX
            }
        };
        if self.mantissa.is_zero() {
            return 0;
        }
        let shift = self.exponent - i64::from(scale.0);
        let scaled = if shift >= 0 {
            if shift > 18 {
                return saturated();
            }
            &self.mantissa * decimal::pow10(shift as u64)
        } else {
            decimal::div_pow10_away(&self.mantissa, shift.unsigned_abs()).0
        };
        scaled.to_i64().unwrap_or_else(saturated)
    }

    /// The value as an `i64` when it is a whole number in range.
    pub fn as_i64(&self) -> Option<i64> {
        if self.exponent < 0 || self.exponent > 18 {
            return self.mantissa.is_zero().then_some(0);
        }
        (&self.mantissa * decimal::pow10(self.exponent as u64)).to_i64()
    }

    /// The nearest `f64` (upstream's `AsFloat64Slow`); `±inf` beyond the `f64` range.
    pub fn as_f64(&self) -> f64 {
        if self.mantissa.is_zero() {
            return 0.0;
        }
        format!("{}e{}", self.mantissa, self.exponent)
            .parse()
            .unwrap_or(f64::NAN)
    }

    /// The canonical form, ignoring any remembered input (what upstream prints for a value
    /// it computed rather than parsed).
    pub fn canonical(&self) -> String {
        format::canonical(&self.mantissa, self.exponent, self.format)
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Upstream's `String()`: the remembered input if any, else the canonical form.
impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.original {
            Some(s) => f.pad(s),
            None => f.pad(&self.canonical()),
        }
    }
}

impl fmt::Debug for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Quantity")
            .field(&self.to_string())
            .field(&self.format)
            .finish()
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        // Normalized: equal values have identical parts.
        self.exponent == other.exponent && self.mantissa == other.mantissa
    }
}

impl Eq for Quantity {}

impl Hash for Quantity {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.mantissa.hash(state);
        self.exponent.hash(state);
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        decimal::cmp(
            &self.mantissa,
            self.exponent,
            &other.mantissa,
            other.exponent,
        )
    }
}
