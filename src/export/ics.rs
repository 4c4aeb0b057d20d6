//! One iCalendar file per person: each shift an event in Asia/Shanghai time (TZID), with a
//! UID and time stamp derived from the roster, so the same roster gives the same files
//! and a calendar app that imports a corrected file replaces the shifts it had.

use super::MonthRoster;
use chrono::{NaiveDate, NaiveTime, TimeDelta};
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike};

/// Where every centre of this department is. Written as an IANA zone id without a
/// VTIMEZONE block: the crate would give a hand-made one a random UID, and every
/// calendar client resolves the IANA id itself (RFC 7809).
pub const TIME_ZONE: &str = "Asia/Shanghai";

/// A person's calendar file: its name (`ID.ics`) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonCalendar {
    pub staff: String,
    pub file_name: String,
    pub text: String,
}

/// Calendars for everyone on the staff list, in its order; a person with no shifts gets
/// an empty calendar, so last month's events are replaced, not kept.
pub fn calendars(month: &MonthRoster) -> Vec<PersonCalendar> {
    let sc = month.scenario;
    let stamp = sc.month.first_day().and_time(NaiveTime::MIN).and_utc();
    sc.staff
        .iter()
        .map(|person| {
            let mut cal = Calendar::new();
            cal.name(&format!("{} {} {}", sc.name, person.id, person.name))
                .append_property(("X-WR-TIMEZONE", TIME_ZONE));
            for a in month
                .roster
                .assignments
                .iter()
                .filter(|a| a.staff == person.id)
            {
                let Some(k) = sc.shift_by_code(&a.shift) else {
                    continue;
                };
                let shift = &sc.shifts[k];
                let at = |minutes: u32| CalendarDateTime::WithTimezone {
                    date_time: local(a.date, minutes),
                    tzid: TIME_ZONE.into(),
                };
                let seat = sc
                    .seat_by_code(&a.seat)
                    .map(|s| sc.seats[s].name.as_str())
                    .filter(|n| !n.is_empty())
                    .unwrap_or(&a.seat);
                cal.push(
                    Event::new()
                        .uid(&format!("{}-{}-{}@roster", a.date, person.id, a.shift))
                        .timestamp(stamp)
                        .summary(&format!("{} {}", shift.label(), a.shift))
                        .location(&format!("{seat} ({})", a.seat))
                        .starts(at(shift.start))
                        .ends(at(shift.end))
                        .done(),
                );
            }
            PersonCalendar {
                staff: person.id.clone(),
                file_name: format!("{}.ics", safe_file_name(&person.id)),
                text: cal.done().to_string(),
            }
        })
        .collect()
}

/// The local time `minutes` after midnight of `date` (a shift may end the next day).
fn local(date: NaiveDate, minutes: u32) -> chrono::NaiveDateTime {
    date.and_time(NaiveTime::MIN) + TimeDelta::minutes(minutes as i64)
}

/// An id as a file name: characters a file system refuses become `_`.
fn safe_file_name(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect()
}
