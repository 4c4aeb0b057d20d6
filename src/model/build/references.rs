//! The tables that name people, shifts, seat types and dates: each reference resolved to
//! an index, or refused with the table, the row and the name that does not resolve.

use super::Builder;
use crate::model::clock::{
    CLOCK_FORMAT, DATE_FORMAT, DATETIME_FORMAT, Month, parse_clock, parse_date, parse_datetime,
};
use crate::model::error::InputError;
use crate::model::raw::*;
use crate::model::scenario::*;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// What the tables that name people, shifts, seats and dates resolve them against, once
/// `[[staff]]`, `[[shift]]` and `[[seat]]` are read.
pub(super) struct References<'a> {
    pub(super) b: &'a Builder<'a>,
    pub(super) month: Month,
    pub(super) staff: &'a [Staff],
    pub(super) staff_index: &'a HashMap<String, usize>,
    pub(super) shift_index: &'a HashMap<String, usize>,
    pub(super) seat_index: &'a HashMap<String, usize>,
}

impl References<'_> {
    fn staff_id(&self, id: &str, place: &str) -> Result<usize, InputError> {
        self.b.staff_id(self.staff_index, id, place)
    }

    fn shift_of(&self, code: &str, place: &str) -> Result<usize, InputError> {
        self.shift_index.get(code).copied().ok_or_else(|| {
            self.b.err(
                place,
                format!("unknown shift `{code}` (not in any [[shift]])"),
            )
        })
    }

    fn seat_of(&self, code: &str, place: &str) -> Result<usize, InputError> {
        self.seat_index.get(code).copied().ok_or_else(|| {
            self.b.err(
                place,
                format!("unknown seat type `{code}` (not in any [[seat]])"),
            )
        })
    }

    fn date_in_month(&self, s: &str, place: &str) -> Result<NaiveDate, InputError> {
        let month = self.month;
        let d = parse_date(s).ok_or_else(|| {
            self.b.err(
                place,
                format!("`{s}` is not a date (expected {DATE_FORMAT})"),
            )
        })?;
        if !month.contains(d) {
            return Err(self
                .b
                .err(place, format!("{d} is outside the month {month}")));
        }
        Ok(d)
    }

    fn heads(&self, v: i64, place: &str) -> Result<u32, InputError> {
        self.b.count(place, v, 0..=MAX_HEADS, "heads")
    }

    /// `[[demand]]`: heads per shift and seat type by day type, one row per pair.
    pub(super) fn demand(&self) -> Result<Vec<Demand>, InputError> {
        let raw = self.b.raw;
        let mut demand: Vec<Demand> = Vec::new();
        for (i, d) in raw.demand.iter().enumerate() {
            let place = format!(
                "[[demand]] #{} (shift \"{}\", seat \"{}\")",
                i + 1,
                d.shift,
                d.seat
            );
            let weekday = self.heads(d.weekday.unwrap_or(0), &format!("{place} weekday"))?;
            let weekend = self.heads(
                d.weekend.unwrap_or(weekday as i64),
                &format!("{place} weekend"),
            )?;
            let holiday = self.heads(
                d.holiday.unwrap_or(weekend as i64),
                &format!("{place} holiday"),
            )?;
            let shift = self.shift_of(&d.shift, &format!("{place} shift"))?;
            let seat = self.seat_of(&d.seat, &format!("{place} seat"))?;
            // Two rows for one shift and seat type are a copy-paste slip far more often than
            // an intended sum: refuse them, naming both.
            if let Some(j) = demand
                .iter()
                .position(|d| d.shift == shift && d.seat == seat)
            {
                return Err(self.b.err(
                    place,
                    format!(
                        "duplicate of [[demand]] #{} (same shift and seat type); give each shift and seat type one row",
                        j + 1
                    ),
                ));
            }
            demand.push(Demand {
                shift,
                seat,
                weekday,
                weekend,
                holiday,
            });
        }
        Ok(demand)
    }

    /// `[[demand_override]]`: heads on one date, one row per date, shift and seat type.
    pub(super) fn demand_overrides(&self) -> Result<Vec<DemandOverride>, InputError> {
        let raw = self.b.raw;
        let mut demand_overrides: Vec<DemandOverride> = Vec::new();
        for (i, o) in raw.demand_override.iter().enumerate() {
            let place = format!("[[demand_override]] #{}", i + 1);
            let row = DemandOverride {
                date: self.date_in_month(&o.date, &format!("{place} date"))?,
                shift: self.shift_of(&o.shift, &format!("{place} shift"))?,
                seat: self.seat_of(&o.seat, &format!("{place} seat"))?,
                heads: self.heads(o.heads, &format!("{place} heads"))?,
            };
            if let Some(j) = demand_overrides
                .iter()
                .position(|o| (o.date, o.shift, o.seat) == (row.date, row.shift, row.seat))
            {
                return Err(self.b.err(
                    place,
                    format!(
                        "duplicate of [[demand_override]] #{} (same date, shift and seat type: {} {} {})",
                        j + 1,
                        row.date,
                        o.shift,
                        o.seat
                    ),
                ));
            }
            demand_overrides.push(row);
        }

        Ok(demand_overrides)
    }

    /// `[[mix]]`: minimum people at or above a grade on a shift (or every shift).
    pub(super) fn mix(&self) -> Result<Vec<MixRule>, InputError> {
        let raw = self.b.raw;
        let mut mix = Vec::new();
        for (i, m) in raw.mix.iter().enumerate() {
            let place = format!("[[mix]] #{}", i + 1);
            let shift = if m.shift == "*" {
                None
            } else {
                Some(self.shift_of(&m.shift, &format!("{place} shift"))?)
            };
            let grade = Grade::parse(&m.grade).ok_or_else(|| {
                self.b.err(
                    format!("{place} grade"),
                    format!("unknown grade `{}`", m.grade),
                )
            })?;
            let min = self
                .b
                .count(&format!("{place} min"), m.min, 0..=MAX_HEADS, "people")?;
            mix.push(MixRule { shift, grade, min });
        }

        Ok(mix)
    }

    /// `[[leave]]`: dates within reach of the month, kind, filing and approval.
    pub(super) fn leave(&self) -> Result<Vec<LeaveRequest>, InputError> {
        let (raw, month) = (self.b.raw, self.month);
        let mut leave = Vec::new();
        let mut leave_ids = HashSet::new();
        for (i, l) in raw.leave.iter().enumerate() {
            let id = l.id.clone().unwrap_or_else(|| format!("L{}", i + 1));
            let place = format!("[[leave]] #{} (id \"{}\")", i + 1, id);
            if !leave_ids.insert(id.clone()) {
                return Err(self.b.err(place, "duplicate leave id"));
            }
            let who = self.staff_id(&l.staff, &format!("{place} staff"))?;
            let from = parse_date(&l.from).ok_or_else(|| {
                self.b.err(
                    format!("{place} from"),
                    format!("`{}` is not a date (expected {DATE_FORMAT})", l.from),
                )
            })?;
            let to = parse_date(&l.to).ok_or_else(|| {
                self.b.err(
                    format!("{place} to"),
                    format!("`{}` is not a date (expected {DATE_FORMAT})", l.to),
                )
            })?;
            if to < from {
                return Err(self.b.err(
                    place,
                    format!("leave ends ({to}) before it starts ({from})"),
                ));
            }
            if to < month.first_day() || from > month.date(month.days() - 1) {
                return Err(self
                    .b
                    .err(place, format!("{from}..{to} is outside the month {month}")));
            }
            let kind = LeaveKind::parse(&l.kind).ok_or_else(|| {
                self.b.err(
                    format!("{place} kind"),
                    format!(
                        "unknown leave kind `{}` (personal, special, sick or annual)",
                        l.kind
                    ),
                )
            })?;
            let requested_at = match &l.requested_at {
                Some(s) => Some(parse_datetime(s).ok_or_else(|| {
                    self.b.err(
                        format!("{place} requested_at"),
                        format!("`{s}` is not a date-time (expected {DATETIME_FORMAT})"),
                    )
                })?),
                None => None,
            };
            let filed_by_id = l.filed_by.clone().unwrap_or_else(|| l.staff.clone());
            let approved_by = match &l.approved_by {
                Some(a) => Approver::parse(a).ok_or_else(|| {
                    self.b.err(format!("{place} approved_by"), format!("unknown approver `{a}` (lead, dept_head, centre_director, management or none)"))
                })?,
                None => Approver::None,
            };
            leave.push(LeaveRequest {
                id,
                staff: who,
                from,
                to,
                kind,
                requested_at,
                filed_by: self.staff_index.get(&filed_by_id).copied(),
                filed_by_id,
                approved_by,
                certificate: l.certificate,
                emergency: l.emergency,
            });
        }

        Ok(leave)
    }

    /// `[[request]]`: a day off or a shift wished for, with its weight.
    pub(super) fn requests(&self) -> Result<Vec<Request>, InputError> {
        let raw = self.b.raw;
        let mut requests = Vec::new();
        for (i, r) in raw.request.iter().enumerate() {
            let place = format!("[[request]] #{}", i + 1);
            let who = self.staff_id(&r.staff, &format!("{place} staff"))?;
            let date = self.date_in_month(&r.date, &format!("{place} date"))?;
            let wish = match (&r.shift, r.off) {
                (Some(_), true) => {
                    return Err(self.b.err(
                        place,
                        "a request is either `off = true` or `shift = \"...\"`, not both",
                    ));
                }
                (Some(code), false) => Wish::Shift(self.shift_of(code, &format!("{place} shift"))?),
                (None, true) => Wish::Off,
                (None, false) => {
                    return Err(self
                        .b
                        .err(place, "a request needs `off = true` or `shift = \"CODE\"`"));
                }
            };
            let weight = self.b.real(
                &format!("{place} weight"),
                r.weight.unwrap_or(1.0),
                0.0..=MAX_WEIGHT,
                "a request's weight",
            )?;
            requests.push(Request {
                staff: who,
                date,
                wish,
                weight,
            });
        }

        Ok(requests)
    }

    /// `[[event]]`: meetings and trainings that take their attendees off the floor.
    pub(super) fn events(&self) -> Result<Vec<Event>, InputError> {
        let (raw, staff) = (self.b.raw, self.staff);
        let mut events = Vec::new();
        for (i, e) in raw.event.iter().enumerate() {
            let place = format!("[[event]] #{} (\"{}\")", i + 1, e.name);
            let date = self.date_in_month(&e.date, &format!("{place} date"))?;
            // 24:00 ends a day; as a start it would be the next day's 00:00.
            let start = parse_clock(&e.start).filter(|&m| m < 1440).ok_or_else(|| {
                self.b.err(
                    format!("{place} start"),
                    format!("`{}` is not a time (expected {CLOCK_FORMAT})", e.start),
                )
            })?;
            let mut end = parse_clock(&e.end).ok_or_else(|| {
                self.b.err(
                    format!("{place} end"),
                    format!("`{}` is not a time (expected {CLOCK_FORMAT})", e.end),
                )
            })?;
            if end <= start {
                end += 1440;
            }
            let (attendees, everyone) = match &e.attendees {
                RawAttendees::Group(g) if g == "all" => ((0..staff.len()).collect(), true),
                RawAttendees::Group(g) if g == "leads" => {
                    ((0..staff.len()).filter(|&s| staff[s].lead).collect(), false)
                }
                RawAttendees::Group(g) => {
                    return Err(self.b.err(
                        format!("{place} attendees"),
                        format!("`{g}`: attendees are a list of ids, \"leads\" or \"all\""),
                    ));
                }
                RawAttendees::Ids(ids) => {
                    let mut v = Vec::new();
                    for id in ids {
                        v.push(self.staff_id(id, &format!("{place} attendees"))?);
                    }
                    (v, false)
                }
            };
            events.push(Event {
                name: e.name.clone(),
                date,
                start,
                end,
                attendees,
                everyone,
            });
        }

        Ok(events)
    }

    /// `[[history]]`: the previous month's last shifts, for rest and run limits.
    pub(super) fn history(&self) -> Result<Vec<HistoryShift>, InputError> {
        let (raw, month) = (self.b.raw, self.month);
        let mut history = Vec::new();
        for (i, h) in raw.history.iter().enumerate() {
            let place = format!("[[history]] #{}", i + 1);
            let who = self.staff_id(&h.staff, &format!("{place} staff"))?;
            let date = parse_date(&h.date).ok_or_else(|| {
                self.b.err(
                    format!("{place} date"),
                    format!("`{}` is not a date (expected {DATE_FORMAT})", h.date),
                )
            })?;
            if date >= month.first_day() {
                return Err(self.b.err(format!("{place} date"), format!("{date} is not before the month {month}; history is the previous month's shifts")));
            }
            if (month.first_day() - date).num_days() > MAX_HISTORY_DAYS {
                return Err(self.b.err(
                    format!("{place} date"),
                    format!("{date} is more than {MAX_HISTORY_DAYS} days before {month}"),
                ));
            }
            let shift = self.shift_of(&h.shift, &format!("{place} shift"))?;
            if history
                .iter()
                .any(|x: &HistoryShift| x.staff == who && x.date == date)
            {
                return Err(self.b.err(
                    place,
                    format!("{} has two history shifts on {date}", h.staff),
                ));
            }
            history.push(HistoryShift {
                staff: who,
                date,
                shift,
            });
        }

        Ok(history)
    }
}
