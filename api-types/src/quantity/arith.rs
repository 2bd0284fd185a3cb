//! Exact arithmetic on quantities, with upstream's format rule: the left-hand format wins,
//! unless the left-hand side is zero, in which case the result takes the right-hand format
//! (so `0 + 1Gi` prints `1Gi`).

use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use num_bigint::BigInt;

use super::decimal::{self, div_pow10_away, normalize};
use super::{Quantity, Scale};

impl Quantity {
    /// Rounds up (away from zero) to a multiple of `10^scale` and tells whether that was
    /// exact (upstream's `RoundUp`).
    pub fn round_up(&mut self, scale: Scale) -> bool {
        let scale = i64::from(scale.0);
        if self.exponent >= scale {
            return true;
        }
        let (q, exact) = div_pow10_away(&self.mantissa, (scale - self.exponent) as u64);
        (self.mantissa, self.exponent) = normalize(q, scale);
        self.original = None;
        exact
    }

    fn add_signed(&mut self, other: &Quantity, negate: bool) {
        if self.is_zero() {
            self.format = other.format;
        }
        let other_m = if negate {
            -&other.mantissa
        } else {
            other.mantissa.clone()
        };
        (self.mantissa, self.exponent) =
            decimal::add(&self.mantissa, self.exponent, &other_m, other.exponent);
        self.original = None;
    }
}

impl AddAssign<&Quantity> for Quantity {
    fn add_assign(&mut self, other: &Quantity) {
        self.add_signed(other, false);
    }
}

impl SubAssign<&Quantity> for Quantity {
    fn sub_assign(&mut self, other: &Quantity) {
        self.add_signed(other, true);
    }
}

impl MulAssign<i64> for Quantity {
    fn mul_assign(&mut self, factor: i64) {
        let product = &self.mantissa * BigInt::from(factor);
        (self.mantissa, self.exponent) = normalize(product, self.exponent);
        self.original = None;
    }
}

/// Owned and borrowed operator forms, all delegating to the `*Assign<&Quantity>` impls.
macro_rules! binary_ops {
    ($op:ident, $method:ident, $assign_op:ident, $assign:ident) => {
        impl $assign_op<Quantity> for Quantity {
            fn $assign(&mut self, other: Quantity) {
                self.$assign(&other);
            }
        }
        impl $op<&Quantity> for Quantity {
            type Output = Quantity;
            fn $method(mut self, other: &Quantity) -> Quantity {
                self.$assign(other);
                self
            }
        }
        impl $op<Quantity> for Quantity {
            type Output = Quantity;
            fn $method(mut self, other: Quantity) -> Quantity {
                self.$assign(&other);
                self
            }
        }
        impl $op<&Quantity> for &Quantity {
            type Output = Quantity;
            fn $method(self, other: &Quantity) -> Quantity {
                let mut out = self.clone();
                out.$assign(other);
                out
            }
        }
    };
}

binary_ops!(Add, add, AddAssign, add_assign);
binary_ops!(Sub, sub, SubAssign, sub_assign);

impl Mul<i64> for Quantity {
    type Output = Quantity;
    fn mul(mut self, factor: i64) -> Quantity {
        self *= factor;
        self
    }
}

impl Neg for Quantity {
    type Output = Quantity;
    fn neg(mut self) -> Quantity {
        self.mantissa = -self.mantissa;
        self.original = None;
        self
    }
}

impl Neg for &Quantity {
    type Output = Quantity;
    fn neg(self) -> Quantity {
        -self.clone()
    }
}

impl Sum for Quantity {
    fn sum<I: Iterator<Item = Quantity>>(iter: I) -> Quantity {
        iter.fold(Quantity::zero(), |acc, q| acc + q)
    }
}

impl<'a> Sum<&'a Quantity> for Quantity {
    fn sum<I: Iterator<Item = &'a Quantity>>(iter: I) -> Quantity {
        iter.fold(Quantity::zero(), |acc, q| acc + q)
    }
}
