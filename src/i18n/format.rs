//! Amounts, dates and weekdays as each language writes them.

use chrono::Datelike;

use super::{Lang, Msg};
use crate::domain::money::group_thousands;
use crate::domain::time::from_unix;
use crate::domain::{Amount, Unit, Yen};

pub const WEEKDAYS: [Msg; 7] = [
    Msg::WeekdayMon,
    Msg::WeekdayTue,
    Msg::WeekdayWed,
    Msg::WeekdayThu,
    Msg::WeekdayFri,
    Msg::WeekdaySat,
    Msg::WeekdaySun,
];

impl Lang {
    /// `1,000円`; `¥1,000`; `¥ 1.000`; `1.000 yên`.
    pub fn yen(self, y: Yen) -> String {
        let n = self.number(y.0);
        match self {
            Lang::Ja | Lang::EasyJa => format!("{n}円"),
            Lang::En => match n.strip_prefix('-') {
                Some(abs) => format!("-¥{abs}"),
                None => format!("¥{n}"),
            },
            Lang::Pt => format!("¥ {n}"),
            Lang::Vi => format!("{n} yên"),
        }
    }

    /// An amount in its unit: money as [`Lang::yen`], points as `1,000ポイント`, `1,000 pt`.
    pub fn amount(self, unit: Unit, a: Amount) -> String {
        match unit {
            Unit::Yen => self.yen(a.yen()),
            Unit::Points => self.f(Msg::PointsAmount, &[("n", &self.number(a.0))]),
        }
    }

    /// A whole number with the language's thousands separator.
    pub fn number(self, n: i64) -> String {
        let grouped = group_thousands(n);
        match self {
            Lang::Pt | Lang::Vi => grouped.replace(',', "."),
            _ => grouped,
        }
    }

    /// The short weekday name of a JST time.
    pub fn weekday(self, secs: i64) -> &'static str {
        let d = from_unix(secs).weekday().num_days_from_monday() as usize;
        self.t(WEEKDAYS[d])
    }

    /// A JST date with its weekday: `2024年12月1日(日)`, `Sun 1 Dec 2024`, `dom., 01/12/2024`.
    pub fn date(self, secs: i64) -> String {
        let t = from_unix(secs);
        let (y, m, d) = (t.year(), t.month(), t.day());
        let w = self.weekday(secs);
        match self {
            Lang::Ja | Lang::EasyJa => format!("{y}年{m}月{d}日({w})"),
            Lang::En => {
                let month = t.format("%b");
                format!("{w} {d} {month} {y}")
            }
            Lang::Pt => format!("{w}, {d:02}/{m:02}/{y}"),
            Lang::Vi => format!("{w}, {d:02}/{m:02}/{y}"),
        }
    }

    /// A JST date and time to the minute.
    pub fn datetime(self, secs: i64) -> String {
        format!("{} {}", self.date(secs), from_unix(secs).format("%H:%M"))
    }
}
