//! Clock times and the month's calendar.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The written forms a scenario, a roster and the flags accept, for messages.
pub const DATE_FORMAT: &str = "YYYY-MM-DD, e.g. 2026-12-01";
pub const CLOCK_FORMAT: &str = "HH:MM, e.g. 08:00";
pub const DATETIME_FORMAT: &str = "YYYY-MM-DDTHH:MM, e.g. 2026-11-20T10:00";

/// True when `s` has exactly the shape of `pattern`, where `9` stands for an ASCII digit
/// and any other byte for itself. chrono's parser is lenient (`2026-12-1`, `8:00`), and a
/// file that says `2026-12-1` is more likely a typo than a date, so shapes are checked
/// before chrono reads the values.
fn shaped(s: &str, pattern: &str) -> bool {
    s.len() == pattern.len()
        && s.bytes().zip(pattern.bytes()).all(|(c, p)| match p {
            b'9' => c.is_ascii_digit(),
            _ => c == p,
        })
}

/// Minutes since midnight, 0..=1440 ("24:00" is allowed as an end time). Exactly `HH:MM`.
pub fn parse_clock(s: &str) -> Option<u32> {
    let s = s.trim();
    if !shaped(s, "99:99") {
        return None;
    }
    let (h, m) = s.split_once(':')?;
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 60 + m)
}

pub fn format_clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Accepts `2026-11-20T10:00`, `2026-11-20T10:00:00` and `2026-11-20 10:00`, zero-padded.
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    [
        ("9999-99-99T99:99", "%Y-%m-%dT%H:%M"),
        ("9999-99-99T99:99:99", "%Y-%m-%dT%H:%M:%S"),
        ("9999-99-99 99:99", "%Y-%m-%d %H:%M"),
        ("9999-99-99 99:99:99", "%Y-%m-%d %H:%M:%S"),
    ]
    .iter()
    .filter(|(shape, _)| shaped(s, shape))
    .find_map(|(_, f)| NaiveDateTime::parse_from_str(s, f).ok())
}

/// An ISO date, exactly `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if !shaped(s, "9999-99-99") {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Serde reader for roster dates: the same strict `YYYY-MM-DD` as the scenario.
pub fn deserialize_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = String::deserialize(d)?;
    parse_date(&s).ok_or_else(|| {
        serde::de::Error::custom(format!("`{s}` is not a date (expected {DATE_FORMAT})"))
    })
}

/// `deserialize_date` for an optional date.
pub fn deserialize_opt_date<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) => parse_date(&s).map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!("`{s}` is not a date (expected {DATE_FORMAT})"))
        }),
    }
}

/// The month being rostered, e.g. 2026-12.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn parse(s: &str) -> Option<Month> {
        let s = s.trim();
        if !shaped(s, "9999-99") {
            return None;
        }
        let (y, m) = s.split_once('-')?;
        let month = Month {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
        };
        NaiveDate::from_ymd_opt(month.year, month.month, 1)?;
        Some(month)
    }

    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated month")
    }

    pub fn days(&self) -> usize {
        let first = self.first_day();
        let next = if self.month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.month + 1, 1)
        }
        .expect("valid month");
        (next - first).num_days() as usize
    }

    /// Day index 0.. of a date in this month, None outside it.
    pub fn day_index(&self, date: NaiveDate) -> Option<usize> {
        (date.year() == self.year && date.month() == self.month).then(|| date.day0() as usize)
    }

    pub fn date(&self, day: usize) -> NaiveDate {
        self.first_day() + chrono::Days::new(day as u64)
    }

    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        (0..self.days()).map(|d| self.date(d))
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.day_index(date).is_some()
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for Month {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Month::parse(&s).ok_or_else(|| format!("`{s}` is not a month (expected YYYY-MM)"))
    }
}

impl From<Month> for String {
    fn from(m: Month) -> String {
        m.to_string()
    }
}

/// Day types in their order of precedence (RULES.md: holiday, weekend, weekday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayType {
    Weekday,
    Weekend,
    Holiday,
}

impl DayType {
    pub fn name(self) -> &'static str {
        match self {
            DayType::Weekday => "weekday",
            DayType::Weekend => "weekend",
            DayType::Holiday => "holiday",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_accepts_24_00_and_rejects_nonsense() {
        assert_eq!(parse_clock("08:00"), Some(480));
        assert_eq!(parse_clock("24:00"), Some(1440));
        assert_eq!(parse_clock("24:30"), None);
        assert_eq!(parse_clock("8:60"), None);
        assert_eq!(parse_clock("noon"), None);
        assert_eq!(parse_clock("8:00"), None);
        assert_eq!(parse_clock("08:0"), None);
        assert_eq!(parse_clock("+8:00"), None);
    }

    #[test]
    fn dates_must_be_zero_padded_iso() {
        assert!(parse_date("2026-12-01").is_some());
        for bad in [
            "2026-12-1",
            "2026-1-01",
            "26-12-01",
            "2026/12/01",
            "2026-12-01T00:00",
            "+202-12-01",
            "2026-12-32",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert!(parse_datetime("2026-11-20T10:00").is_some());
        assert!(parse_datetime("2026-11-20 10:00:30").is_some());
        for bad in [
            "2026-11-20T9:00",
            "2026-11-2T10:00",
            "2026-11-20",
            "2026-11-20T10:00Z",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
        assert!(Month::parse("2026-1").is_none());
        assert!(Month::parse("+026-01").is_none());
    }

    #[test]
    fn month_days() {
        assert_eq!(Month::parse("2026-12").unwrap().days(), 31);
        assert_eq!(Month::parse("2027-02").unwrap().days(), 28);
        assert_eq!(Month::parse("2028-02").unwrap().days(), 29);
        assert!(Month::parse("2026-13").is_none());
    }
}
