//! An exact decimal for money. Cost Explorer returns amounts as decimal
//! strings (`"1234.5678901234"`); summing them as `f64` would drift by
//! fractions of a cent and make a total disagree with the sum of its parts
//! (`0.1 + 0.2`). A [`Decimal`] is an `i128` mantissa and a power-of-ten
//! scale: parsing keeps every digit AWS sent, adding aligns scales exactly,
//! and formatting prints the digits back, so a single amount reads exactly
//! as AWS wrote it and a sum is exact.
//!
//! Parsing bounds what it accepts (at most [`MAX_INT_DIGITS`] integer and
//! [`MAX_SCALE`] fractional digits) so that aligning two amounts never
//! overflows and a sum of up to a hundred thousand of them cannot either;
//! [`Decimal::checked_add`] still checks, because a file may hold anything.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Most digits after the point an amount may have. AWS sends ten.
pub const MAX_SCALE: u32 = 18;
/// Most digits before the point: a quadrillion dollars is not a bill.
pub const MAX_INT_DIGITS: usize = 15;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("{0:?} is not a decimal amount")]
    Invalid(String),
    #[error(
        "{0:?} has more digits than an amount of money can (at most {MAX_INT_DIGITS} before the point and {MAX_SCALE} after)"
    )]
    TooLong(String),
    #[error("a sum of amounts overflowed")]
    Overflow,
}

/// `mantissa × 10^-scale`, exactly.
#[derive(Debug, Clone, Copy, Default)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

fn pow10(n: u32) -> i128 {
    10i128.pow(n)
}

impl Decimal {
    pub const ZERO: Decimal = Decimal {
        mantissa: 0,
        scale: 0,
    };

    /// `mantissa × 10^-scale`; for tests and generated (demo) amounts.
    pub fn new(mantissa: i128, scale: u32) -> Decimal {
        Decimal { mantissa, scale }
    }

    /// Parse a decimal string as AWS writes it: optional sign, digits, an
    /// optional fraction, and an optional exponent (`1.5E-7`), which is
    /// folded into the scale so no digit is lost.
    pub fn parse(text: &str) -> Result<Decimal, DecimalError> {
        let invalid = || DecimalError::Invalid(text.to_string());
        let too_long = || DecimalError::TooLong(text.to_string());
        let s = text.trim();
        let (negative, s) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let (number, exponent) = match s.find(['e', 'E']) {
            Some(i) => {
                let exp: i32 = s[i + 1..].parse().map_err(|_| invalid())?;
                (&s[..i], exp)
            }
            None => (s, 0),
        };
        let (int, frac) = number.split_once('.').unwrap_or((number, ""));
        if int.is_empty() && frac.is_empty() {
            return Err(invalid());
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        // Leading zeros say nothing and must not count against the bound.
        let int = int.trim_start_matches('0');
        if int.len() > MAX_INT_DIGITS + 20 || frac.len() > MAX_SCALE as usize + 20 {
            return Err(too_long());
        }
        let mut mantissa: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            mantissa = mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add(i128::from(b - b'0')))
                .ok_or_else(too_long)?;
        }
        // The exponent moves the point: scale = fraction digits - exponent.
        let mut scale = frac.len() as i64 - i64::from(exponent);
        while scale < 0 {
            mantissa = mantissa.checked_mul(10).ok_or_else(too_long)?;
            scale += 1;
        }
        let mut d = Decimal {
            mantissa: if negative { -mantissa } else { mantissa },
            scale: u32::try_from(scale).map_err(|_| too_long())?,
        };
        // Trailing zeros beyond the bound carry no value; drop them before
        // judging the length, so "1.50000000000000000000" is fine.
        while d.scale > MAX_SCALE && d.mantissa % 10 == 0 {
            d.mantissa /= 10;
            d.scale -= 1;
        }
        if d.scale > MAX_SCALE
            || d.mantissa.unsigned_abs() >= 10u128.pow(MAX_INT_DIGITS as u32 + d.scale)
        {
            return Err(too_long());
        }
        Ok(d)
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    pub fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    /// The magnitude (saturating at the one value whose negation does not
    /// fit, which no parsed amount reaches).
    pub fn abs(self) -> Decimal {
        Decimal {
            mantissa: self.mantissa.checked_abs().unwrap_or(i128::MAX),
            scale: self.scale,
        }
    }

    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// Both mantissas at the larger scale, or `None` if that overflows.
    fn aligned(self, other: Decimal) -> Option<(i128, i128, u32)> {
        let scale = self.scale.max(other.scale);
        let a = self.mantissa.checked_mul(pow10(scale - self.scale))?;
        let b = other.mantissa.checked_mul(pow10(scale - other.scale))?;
        Some((a, b, scale))
    }

    /// The exact sum, at the larger of the two scales.
    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Decimal {
            mantissa: a.checked_add(b)?,
            scale,
        })
    }

    /// The exact difference, at the larger of the two scales.
    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        self.checked_add(Decimal {
            mantissa: other.mantissa.checked_neg()?,
            scale: other.scale,
        })
    }

    /// The exact sum of many amounts, or [`DecimalError::Overflow`].
    pub fn sum<'a>(
        amounts: impl IntoIterator<Item = &'a Decimal>,
    ) -> Result<Decimal, DecimalError> {
        amounts.into_iter().try_fold(Decimal::ZERO, |acc, d| {
            acc.checked_add(*d).ok_or(DecimalError::Overflow)
        })
    }

    /// Rounded to `places` digits after the point, half away from zero
    /// (as an invoice rounds), for display. Never used in a sum.
    pub fn rounded(self, places: u32) -> Decimal {
        if self.scale <= places {
            return Decimal {
                mantissa: self.mantissa * pow10(places - self.scale),
                scale: places,
            };
        }
        let div = pow10(self.scale - places);
        let (q, r) = (self.mantissa / div, self.mantissa % div);
        let q = if r.abs() * 2 >= div {
            q + self.mantissa.signum()
        } else {
            q
        };
        Decimal {
            mantissa: q,
            scale: places,
        }
    }

    /// The change from `previous` to `self` in percent, to one decimal
    /// place ("+12.5%"), computed in integers; `None` when `previous` is
    /// zero (no base to compare with) or the arithmetic would overflow.
    pub fn percent_change_from(self, previous: Decimal) -> Option<String> {
        let (now, before, _) = self.aligned(previous)?;
        if before == 0 {
            return None;
        }
        // Tenths of a percent, rounded half away from zero.
        let num = now.checked_sub(before)?.checked_mul(2000)?;
        let den = before.abs();
        let tenths = if num >= 0 {
            (num / den + 1) / 2
        } else {
            (num / den - 1) / 2
        };
        let sign = if tenths > 0 {
            "+"
        } else if tenths < 0 {
            "-"
        } else {
            ""
        };
        let t = tenths.unsigned_abs();
        Some(format!("{sign}{}.{}%", t / 10, t % 10))
    }

    /// A number for plotting or colour scales only — never for sums.
    pub fn approx_f64(self) -> f64 {
        self.mantissa as f64 / 10f64.powi(self.scale as i32)
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    /// By value: `1.50 == 1.5`. Parsed amounts always align without
    /// overflow; for values that do not (built with [`Decimal::new`]), the
    /// approximation still orders them sensibly.
    fn cmp(&self, other: &Self) -> Ordering {
        match self.aligned(*other) {
            Some((a, b, _)) => a.cmp(&b),
            None => self.approx_f64().total_cmp(&other.approx_f64()),
        }
    }
}

impl fmt::Display for Decimal {
    /// Every digit of the scale: `"12.3400"` stays `"12.3400"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{int}.{frac}")
    }
}

impl std::str::FromStr for Decimal {
    type Err = DecimalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decimal::parse(s)
    }
}

/// In a snapshot an amount is the decimal string, never a JSON number
/// (which a reader could take as a float).
impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Decimal::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).expect(s)
    }

    #[test]
    fn parses_and_prints_every_digit_aws_sent() {
        for s in [
            "0",
            "12.34",
            "1234.5678901234",
            "-0.0000000012",
            "0.10",
            "7",
        ] {
            assert_eq!(d(s).to_string(), s);
        }
        assert_eq!(d("+3.5").to_string(), "3.5");
        assert_eq!(d(".5").to_string(), "0.5");
        assert_eq!(d("1.5E-7").to_string(), "0.00000015");
        assert_eq!(d("2e3").to_string(), "2000");
        assert_eq!(d("000123.4").to_string(), "123.4");
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for s in [
            "", "-", ".", "abc", "1.2.3", "1,5", "NaN", "inf", "1e", "--1", "0x10",
        ] {
            assert!(
                matches!(Decimal::parse(s), Err(DecimalError::Invalid(_))),
                "{s:?}"
            );
        }
        for s in ["1e40", "12345678901234567890", "0.0000000000000000001"] {
            assert!(
                matches!(Decimal::parse(s), Err(DecimalError::TooLong(_))),
                "{s:?}"
            );
        }
        assert!(Decimal::parse("1.500000000000000000000000").is_ok());
    }

    #[test]
    fn sums_exactly_where_floats_do_not() {
        assert_ne!(0.1f64 + 0.2, 0.3, "the float premise of this test");
        let sum = d("0.1").checked_add(d("0.2")).unwrap();
        assert_eq!(sum, d("0.3"));
        assert_eq!(sum.to_string(), "0.3");
        let parts = ["1234.5678901234", "0.0000000001", "-34.5678901235"];
        let total = Decimal::sum(parts.iter().map(|p| d(p)).collect::<Vec<_>>().iter()).unwrap();
        assert_eq!(total.to_string(), "1200.0000000000");
    }

    #[test]
    fn compares_by_value() {
        assert_eq!(d("1.50"), d("1.5"));
        assert!(d("-2") < d("0.001"));
        assert!(d("10.01") > d("10.009999999"));
        assert_eq!(d("-2.50").abs().to_string(), "2.50");
    }

    #[test]
    fn rounds_half_away_from_zero_for_display() {
        assert_eq!(d("1.005").rounded(2).to_string(), "1.01");
        assert_eq!(d("1.0049999").rounded(2).to_string(), "1.00");
        assert_eq!(d("-1.005").rounded(2).to_string(), "-1.01");
        assert_eq!(d("3").rounded(2).to_string(), "3.00");
    }

    #[test]
    fn percent_change_in_integers() {
        assert_eq!(
            d("150").percent_change_from(d("100")).as_deref(),
            Some("+50.0%")
        );
        assert_eq!(
            d("90").percent_change_from(d("120")).as_deref(),
            Some("-25.0%")
        );
        assert_eq!(
            d("100.0").percent_change_from(d("100")).as_deref(),
            Some("0.0%")
        );
        assert_eq!(
            d("1").percent_change_from(d("3")).as_deref(),
            Some("-66.7%")
        );
        assert_eq!(d("5").percent_change_from(d("0")), None);
    }

    #[test]
    fn snapshot_form_is_the_string() {
        let json = serde_json::to_string(&d("12.3400")).unwrap();
        assert_eq!(json, "\"12.3400\"");
        let back: Decimal = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_string(), "12.3400");
        assert!(serde_json::from_str::<Decimal>("\"1,5\"").is_err());
        assert!(
            serde_json::from_str::<Decimal>("1.5").is_err(),
            "a JSON number is not accepted"
        );
    }

    /// An amount as AWS might write it: up to 12 integer digits and up to
    /// 10 fractional ones, either sign.
    fn amount() -> impl Strategy<Value = (String, i128)> {
        (
            any::<bool>(),
            0u64..1_000_000_000_000,
            0u64..10_000_000_000,
            0u32..=10,
        )
            .prop_map(|(neg, int, frac, places)| {
                let frac = frac % 10u64.pow(places);
                let text = if places == 0 {
                    format!("{}{int}", if neg { "-" } else { "" })
                } else {
                    format!(
                        "{}{int}.{frac:0>w$}",
                        if neg { "-" } else { "" },
                        w = places as usize
                    )
                };
                // The same value in units of 10^-10, by integer arithmetic alone.
                let units = (i128::from(int) * 10i128.pow(10)
                    + i128::from(frac) * 10i128.pow(10 - places))
                    * if neg { -1 } else { 1 };
                (text, units)
            })
    }

    proptest! {
        #[test]
        fn sum_of_parts_equals_the_total(parts in proptest::collection::vec(amount(), 0..60)) {
            let parsed: Vec<Decimal> = parts.iter().map(|(t, _)| Decimal::parse(t).unwrap()).collect();
            let total = Decimal::sum(parsed.iter()).unwrap();
            let expected: i128 = parts.iter().map(|(_, u)| u).sum();
            prop_assert_eq!(total, Decimal::new(expected, 10));
            // Any split into two groups sums to the same total.
            let (left, right) = parsed.split_at(parsed.len() / 2);
            let halves = Decimal::sum(left.iter()).unwrap().checked_add(Decimal::sum(right.iter()).unwrap()).unwrap();
            prop_assert_eq!(halves, total);
            // And the total prints back to the digits it holds.
            prop_assert_eq!(Decimal::parse(&total.to_string()).unwrap(), total);
        }

        #[test]
        fn parse_print_round_trips((text, _) in amount()) {
            let d = Decimal::parse(&text).unwrap();
            let back = d.to_string();
            // "-0" and "-0.00" print without the sign; every other text is kept.
            if d.is_zero() {
                prop_assert_eq!(back.trim_start_matches('-'), text.trim_start_matches('-'));
            } else {
                prop_assert_eq!(back, text);
            }
        }
    }
}
