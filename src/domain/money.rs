//! Money: integer yen and basis-point rates. No floats touch an amount.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};

/// An amount of yen (1 money = 1 yen). Negative only inside journal postings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Yen(pub i64);

impl Yen {
    /// The largest amount one request may move: ten million yen keeps every sum far from
    /// overflow and far above any real payment.
    pub const MAX_PER_REQUEST: Yen = Yen(10_000_000);

    /// An amount a person asked to move: a whole number of yen, above zero, not absurd.
    pub fn positive(n: i64) -> Option<Yen> {
        (1..=Self::MAX_PER_REQUEST.0).contains(&n).then_some(Yen(n))
    }

    /// An amount typed by a person: full-width digits, thousands commas, spaces and a
    /// trailing 円 are accepted; the result must be a valid positive amount.
    pub fn parse_typed(text: &str) -> Option<Yen> {
        let digits: String = text
            .trim()
            .trim_end_matches('円')
            .chars()
            .filter(|c| !matches!(c, ',' | '，' | ' ' | '　'))
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                _ => c,
            })
            .collect();
        if digits.is_empty() || digits.len() > 9 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Yen::positive(digits.parse().ok()?)
    }

    /// `1,000円` as the style guide writes amounts.
    pub fn ja(self) -> String {
        format!("{}円", group_thousands(self.0))
    }
}

/// `1234567` as `1,234,567`.
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Whole-number arithmetic for the integer amount types: adding, subtracting, summing.
macro_rules! integer_amount {
    ($t:ident) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl Add for $t {
            type Output = $t;
            fn add(self, o: $t) -> $t {
                $t(self.0 + o.0)
            }
        }

        impl Sub for $t {
            type Output = $t;
            fn sub(self, o: $t) -> $t {
                $t(self.0 - o.0)
            }
        }

        impl AddAssign for $t {
            fn add_assign(&mut self, o: $t) {
                self.0 += o.0;
            }
        }

        impl SubAssign for $t {
            fn sub_assign(&mut self, o: $t) {
                self.0 -= o.0;
            }
        }

        impl std::iter::Sum for $t {
            fn sum<I: Iterator<Item = $t>>(it: I) -> $t {
                $t(it.map(|y| y.0).sum())
            }
        }

        impl $t {
            pub const ZERO: $t = $t(0);

            pub fn min(self, other: $t) -> $t {
                $t(self.0.min(other.0))
            }

            pub fn max(self, other: $t) -> $t {
                $t(self.0.max(other.0))
            }
        }
    };
}

integer_amount!(Yen);
integer_amount!(Amount);

/// What a program's value is counted in. Money and community points never mix: a lot of
/// one unit never pays an amount of the other, and balances are summed per unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    Yen,
    Points,
}

impl Unit {
    /// `1,000円` or `1,000ポイント`: an amount in this unit, as the style guide writes it.
    pub fn ja(self, a: Amount) -> String {
        match self {
            Unit::Yen => a.yen().ja(),
            Unit::Points => format!("{}ポイント", group_thousands(a.0)),
        }
    }
}

/// Stored by code (`units.code`), as api.md writes it (`"unit": "yen"`).
impl super::kinds::Code for Unit {
    const ALL: &'static [Unit] = &[Unit::Yen, Unit::Points];
    const TABLE: &'static str = "units";
    fn code(self) -> &'static str {
        match self {
            Unit::Yen => "yen",
            Unit::Points => "points",
        }
    }
}

/// A number of a program's unit (yen or points): what lots hold and postings move. Only
/// where the unit is known to be yen does it become [`Yen`] ([`Amount::yen`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(pub i64);

impl Amount {
    /// This amount as yen, for value of a yen program.
    pub fn yen(self) -> Yen {
        Yen(self.0)
    }
}

impl From<Yen> for Amount {
    fn from(y: Yen) -> Amount {
        Amount(y.0)
    }
}

impl std::ops::Neg for Amount {
    type Output = Amount;
    fn neg(self) -> Amount {
        Amount(-self.0)
    }
}

/// A rate in basis points (1/100 of a percent): 20% is 2000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate(pub i64);

impl Rate {
    /// From the API's `rate_percent` (e.g. 20 or 12.5): at most two decimals, 0 to 1000%.
    pub fn from_percent(p: f64) -> Option<Rate> {
        let bp = (p * 100.0).round();
        ((p * 100.0 - bp).abs() < 1e-6 && (0.0..=100_000.0).contains(&bp))
            .then_some(Rate(bp as i64))
    }

    /// The rate applied to an amount, rounded down: fractions of a yen stay in the city's
    /// budget.
    pub fn of(self, amount: Yen) -> Yen {
        Yen(amount.0 * self.0 / 10_000)
    }

    pub fn percent_text(self) -> String {
        if self.0 % 100 == 0 {
            format!("{}%", self.0 / 100)
        } else {
            format!("{}.{:02}%", self.0 / 100, self.0 % 100)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts() {
        assert_eq!(Yen::positive(0), None);
        assert_eq!(Yen::positive(-5), None);
        assert_eq!(Yen::positive(10_000_001), None);
        assert_eq!(Yen::positive(1), Some(Yen(1)));
        assert_eq!(Yen(1234567).ja(), "1,234,567円");
        assert_eq!(Yen(-1000).ja(), "-1,000円");
        assert_eq!(Yen(999).ja(), "999円");
    }

    #[test]
    fn typed_amounts() {
        assert_eq!(Yen::parse_typed("1,280"), Some(Yen(1280)));
        assert_eq!(Yen::parse_typed(" １２８０円 "), Some(Yen(1280)));
        assert_eq!(Yen::parse_typed("0"), None);
        assert_eq!(Yen::parse_typed("-5"), None);
        assert_eq!(Yen::parse_typed("12.5"), None);
        assert_eq!(Yen::parse_typed(""), None);
        assert_eq!(Yen::parse_typed("99999999999999999999"), None);
    }

    #[test]
    fn rates_round_down() {
        let r = Rate::from_percent(20.0).unwrap();
        assert_eq!(r, Rate(2000));
        assert_eq!(r.of(Yen(10_000)), Yen(2000));
        assert_eq!(
            Rate::from_percent(12.5).unwrap().of(Yen(999)),
            Yen(124),
            "124.875 rounds down"
        );
        assert_eq!(Rate::from_percent(12.345), None);
        assert_eq!(Rate::from_percent(-1.0), None);
        assert_eq!(Rate(1250).percent_text(), "12.50%");
    }

    proptest! {
        #[test]
        fn rate_never_pays_more_than_exact(amount in 0i64..10_000_000, bp in 0i64..100_000) {
            let got = Rate(bp).of(Yen(amount)).0;
            // got <= amount*bp/10000 < got + 1
            prop_assert!(got * 10_000 <= amount * bp);
            prop_assert!(amount * bp < (got + 1) * 10_000);
        }
    }
}
