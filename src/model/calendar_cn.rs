//! The built-in calendar: China's public holidays and make-up workdays from the State
//! Council's notices, 2007-2026 (data/holidays-cn, MIT, from NateScarlet/holiday-cn),
//! compiled into the binary so a scenario need only say `[calendar] country = "CN"`.

use super::clock::{Month, parse_date};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The countries whose official calendar is built in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Country {
    China,
}

impl Country {
    pub fn parse(code: &str) -> Option<Country> {
        match code {
            "CN" => Some(Country::China),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Country::China => "CN",
        }
    }
}

/// A date the official notice sets apart from the ordinary Monday-Friday week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialDay {
    pub date: NaiveDate,
    /// The festival, e.g. 春节.
    pub festival: String,
    /// A day off (holiday or moved rest day); otherwise a make-up workday (调休上班).
    pub off: bool,
}

/// One notice per year, as the files are named.
const NOTICES: &[(i32, &str)] = &[
    (2007, include_str!("../../data/holidays-cn/2007.json")),
    (2008, include_str!("../../data/holidays-cn/2008.json")),
    (2009, include_str!("../../data/holidays-cn/2009.json")),
    (2010, include_str!("../../data/holidays-cn/2010.json")),
    (2011, include_str!("../../data/holidays-cn/2011.json")),
    (2012, include_str!("../../data/holidays-cn/2012.json")),
    (2013, include_str!("../../data/holidays-cn/2013.json")),
    (2014, include_str!("../../data/holidays-cn/2014.json")),
    (2015, include_str!("../../data/holidays-cn/2015.json")),
    (2016, include_str!("../../data/holidays-cn/2016.json")),
    (2017, include_str!("../../data/holidays-cn/2017.json")),
    (2018, include_str!("../../data/holidays-cn/2018.json")),
    (2019, include_str!("../../data/holidays-cn/2019.json")),
    (2020, include_str!("../../data/holidays-cn/2020.json")),
    (2021, include_str!("../../data/holidays-cn/2021.json")),
    (2022, include_str!("../../data/holidays-cn/2022.json")),
    (2023, include_str!("../../data/holidays-cn/2023.json")),
    (2024, include_str!("../../data/holidays-cn/2024.json")),
    (2025, include_str!("../../data/holidays-cn/2025.json")),
    (2026, include_str!("../../data/holidays-cn/2026.json")),
];

#[derive(Deserialize)]
struct NoticeFile {
    days: Vec<NoticeDay>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NoticeDay {
    name: String,
    date: String,
    is_off_day: bool,
}

/// Every official day of every built-in year, by date. A notice may name a date of the
/// year before (a make-up workday on 31 December), so the index is by date, not by file.
fn china() -> &'static BTreeMap<NaiveDate, OfficialDay> {
    static DAYS: OnceLock<BTreeMap<NaiveDate, OfficialDay>> = OnceLock::new();
    DAYS.get_or_init(|| {
        let mut days = BTreeMap::new();
        for (year, text) in NOTICES {
            // The files are part of the source tree; a broken one is a build defect that
            // the calendar tests catch, not an input error.
            let file: NoticeFile = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("data/holidays-cn/{year}.json: {e}"));
            for d in file.days {
                let date = parse_date(&d.date)
                    .unwrap_or_else(|| panic!("data/holidays-cn/{year}.json: date {}", d.date));
                days.insert(
                    date,
                    OfficialDay {
                        date,
                        festival: d.name,
                        off: d.is_off_day,
                    },
                );
            }
        }
        days
    })
}

/// Whether the notice for `year` is built in.
pub fn has_notice(country: Country, year: i32) -> bool {
    match country {
        Country::China => NOTICES.iter().any(|(y, _)| *y == year),
    }
}

/// The official days that fall in `month`, in date order.
pub fn official_days(country: Country, month: Month) -> Vec<OfficialDay> {
    match country {
        Country::China => china()
            .range(month.first_day()..)
            .take_while(|(d, _)| d.year() == month.year && d.month() == month.month)
            .map(|(_, day)| day.clone())
            .collect(),
    }
}

/// The month's holidays and make-up workdays: the country's, with the scenario's own dates
/// added; a date the scenario lists wins over the notice (a holiday the scenario calls a
/// workday is a workday). Returns a warning when the month's year has no notice built in.
pub fn fill(
    country: Country,
    month: Month,
    holidays: &mut BTreeSet<NaiveDate>,
    workdays: &mut BTreeSet<NaiveDate>,
) -> Option<String> {
    for day in official_days(country, month) {
        if holidays.contains(&day.date) || workdays.contains(&day.date) {
            continue;
        }
        if day.off {
            holidays.insert(day.date);
        } else {
            workdays.insert(day.date);
        }
    }
    (!has_notice(country, month.year)).then(|| {
        format!(
            "[calendar] country = \"{}\": no official holiday notice for {} is built in; list {month}'s public holidays and make-up workdays under [calendar] holidays and workdays",
            country.code(),
            month.year
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    #[test]
    fn every_built_in_notice_parses_and_names_its_own_year() {
        for (year, _) in NOTICES {
            assert!(has_notice(Country::China, *year));
            let in_year = china().keys().filter(|d| d.year() == *year).count();
            assert!(in_year >= 10, "{year}: only {in_year} official days");
        }
        assert!(!has_notice(Country::China, 2027));
        assert!(!has_notice(Country::China, 2006));
    }

    #[test]
    fn the_scenario_overrides_the_notice_in_both_directions() {
        let m = month("2026-10");
        let oct1 = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        let oct10 = NaiveDate::from_ymd_opt(2026, 10, 10).unwrap();
        let mut holidays = BTreeSet::from([oct10]);
        let mut workdays = BTreeSet::from([oct1]);
        assert_eq!(fill(Country::China, m, &mut holidays, &mut workdays), None);
        assert!(workdays.contains(&oct1) && !holidays.contains(&oct1));
        assert!(holidays.contains(&oct10) && !workdays.contains(&oct10));
        assert!(holidays.contains(&NaiveDate::from_ymd_opt(2026, 10, 7).unwrap()));
    }

    #[test]
    fn a_year_without_a_notice_warns_naming_the_year() {
        let (mut h, mut w) = (BTreeSet::new(), BTreeSet::new());
        let warning = fill(Country::China, month("2027-01"), &mut h, &mut w).unwrap();
        assert!(warning.contains("2027"), "{warning}");
        assert!(h.is_empty() && w.is_empty());
    }
}
