//! Scenario validation: the raw TOML tables become a `Scenario`, one method per table, each
//! refusing bad input with the file, the place (`[[staff]] #3 (id "S03") grade`) and the
//! fault. References between tables are resolved here, so nothing after trusts a string.

use super::clock::{CLOCK_FORMAT, DATE_FORMAT, Month, parse_clock, parse_date};
use super::error::InputError;
use super::raw::*;
use super::scenario::*;
use super::traffic::Traffic;
use chrono::NaiveDate;
use std::collections::{BTreeSet, HashMap};
use std::ops::RangeInclusive;
use std::path::Path;

mod messages;
mod references;

pub(super) use messages::toml_error;
use messages::{show, show_bound};
use references::References;

pub(super) struct Builder<'a> {
    pub(super) path: &'a Path,
    pub(super) raw: &'a RawScenario,
}

impl Builder<'_> {
    fn err(&self, place: impl Into<String>, message: impl Into<String>) -> InputError {
        InputError::new(self.path, place, message)
    }

    /// A whole-number key within its documented range.
    fn count(
        &self,
        place: &str,
        v: i64,
        range: RangeInclusive<i64>,
        unit: &str,
    ) -> Result<u32, InputError> {
        if range.contains(&v) {
            return Ok(u32::try_from(v).expect("ranges lie within u32"));
        }
        let (lo, hi) = (range.start(), range.end());
        Err(self.err(
            place,
            if v < 0 && *lo >= 0 {
                format!("{v} cannot be negative: expected {lo} to {hi} {unit}")
            } else {
                format!("{v} is out of range: expected {lo} to {hi} {unit}")
            },
        ))
    }

    /// A real-number key: finite and within its documented range.
    fn real(
        &self,
        place: &str,
        v: f64,
        range: RangeInclusive<f64>,
        what: &str,
    ) -> Result<f64, InputError> {
        if v.is_finite() && range.contains(&v) {
            return Ok(v);
        }
        Err(self.err(
            place,
            format!(
                "{} is out of range: {what} must be a finite number from {} to {}",
                show(v),
                show_bound(*range.start()),
                show_bound(*range.end())
            ),
        ))
    }

    pub(super) fn build(self) -> Result<Scenario, InputError> {
        let raw = self.raw;
        let month = self.month()?;
        let rules = self.rules(month)?;
        let (holidays, workdays) = self.calendar()?;
        let shifts = self.shifts()?;
        let shift_index = index(&shifts, |s| &s.code);
        let seats = self.seats()?;
        let seat_index = index(&seats, |s| &s.code);
        let (mut staff, staff_index) = self.staff(month, (rules.1, rules.2))?;
        let teams = self.teams(&mut staff, &staff_index)?;
        let refs = References {
            b: &self,
            month,
            staff: &staff,
            staff_index: &staff_index,
            shift_index: &shift_index,
            seat_index: &seat_index,
        };
        let demand = refs.demand()?;
        let demand_overrides = refs.demand_overrides()?;
        let mix = refs.mix()?;
        let leave = refs.leave()?;
        let requests = refs.requests()?;
        let events = refs.events()?;
        let history = refs.history()?;
        let weights = self.weights()?;
        let traffic = match &raw.traffic {
            None => None,
            Some(v) => Some(self.traffic(v.clone(), &seat_index)?),
        };

        let leads = staff.iter().filter(|s| s.lead).count() as u32;
        if rules.0.leads_per_shift > leads {
            return Err(self.err(
                "[rules] leads_per_shift",
                format!(
                    "{} leads per shift, but the scenario has only {leads} leads",
                    rules.0.leads_per_shift
                ),
            ));
        }

        let mut scenario = Scenario {
            name: raw
                .name
                .clone()
                .unwrap_or_else(|| format!("roster {month}")),
            month,
            rules: rules.0,
            holidays,
            workdays,
            shifts,
            seats,
            teams,
            staff,
            demand,
            demand_overrides,
            mix,
            leave,
            requests,
            events,
            history,
            weights,
            traffic,
            warnings: Vec::new(),
            staff_index,
            shift_index,
            seat_index,
        };
        scenario.warnings = history_warnings(&scenario);
        Ok(scenario)
    }

    /// `month`: the month the roster is for.
    fn month(&self) -> Result<Month, InputError> {
        let raw = self.raw;
        Month::parse(&raw.month).ok_or_else(|| {
            self.err(
                "month",
                format!(
                    "`{}` is not a month (expected YYYY-MM, e.g. 2026-12)",
                    raw.month
                ),
            )
        })
    }

    /// A staff id that some `[[staff]]` has.
    fn staff_id(
        &self,
        staff_index: &HashMap<String, usize>,
        id: &str,
        place: &str,
    ) -> Result<usize, InputError> {
        staff_index.get(id).copied().ok_or_else(|| {
            self.err(
                place,
                format!("unknown staff id `{id}` (not in any [[staff]])"),
            )
        })
    }

    /// `[[staff]]`, with the `[[team]]` codes they name checked first.
    fn staff(
        &self,
        month: Month,
        defaults: (u32, u32),
    ) -> Result<(Vec<Staff>, HashMap<String, usize>), InputError> {
        let raw = self.raw;
        // Staff: duplicates, grades, teams (teams resolved after they are read).
        let team_codes: HashMap<&str, usize> = {
            let mut m = HashMap::new();
            for (i, t) in raw.teams.iter().enumerate() {
                if t.code.trim().is_empty() {
                    return Err(self.err(format!("[[team]] #{}", i + 1), "team code is empty"));
                }
                if m.insert(t.code.as_str(), i).is_some() {
                    return Err(self.err(
                        format!("[[team]] #{} (code \"{}\")", i + 1, t.code),
                        "duplicate team code",
                    ));
                }
            }
            m
        };
        let mut staff = Vec::new();
        let mut staff_index = HashMap::new();
        for (i, s) in raw.staff.iter().enumerate() {
            let place = format!("[[staff]] #{} (id \"{}\")", i + 1, s.id);
            if s.id.trim().is_empty() {
                return Err(self.err(place, "staff id is empty"));
            }
            if staff_index.insert(s.id.clone(), i).is_some() {
                return Err(self.err(place, "duplicate staff id"));
            }
            let grade = Grade::parse(&s.grade).ok_or_else(|| {
                self.err(
                    format!("{place} grade"),
                    format!(
                        "unknown grade `{}` (junior, intermediate or senior)",
                        s.grade
                    ),
                )
            })?;
            let team = match &s.team {
                None => None,
                Some(t) => Some(*team_codes.get(t.as_str()).ok_or_else(|| {
                    self.err(
                        format!("{place} team"),
                        format!("no [[team]] has code `{t}`"),
                    )
                })?),
            };
            let (min, max) = self.shift_bounds(
                &place,
                s.min_shifts.unwrap_or(defaults.0 as i64),
                s.max_shifts.unwrap_or(defaults.1 as i64),
            )?;
            if min as usize > month.days() {
                return Err(self.err(
                    format!("{place} min_shifts"),
                    format!(
                        "{min} shifts cannot fit in a month of {} days",
                        month.days()
                    ),
                ));
            }
            staff.push(Staff {
                id: s.id.clone(),
                name: s.name.clone().unwrap_or_default(),
                grade,
                team,
                lead: s.lead,
                job: s.job.clone().unwrap_or_else(|| "agent".into()),
                min_shifts: min,
                max_shifts: max,
            });
        }
        Ok((staff, staff_index))
    }

    /// `[[team]]`: each team's lead is marked a lead, must be senior, and every team has one.
    fn teams(
        &self,
        staff: &mut [Staff],
        staff_index: &HashMap<String, usize>,
    ) -> Result<Vec<Team>, InputError> {
        let raw = self.raw;
        let mut teams = Vec::new();
        for (i, t) in raw.teams.iter().enumerate() {
            let place = format!("[[team]] #{} (code \"{}\")", i + 1, t.code);
            let lead = match &t.lead {
                Some(id) => Some(self.staff_id(staff_index, id, &format!("{place} lead"))?),
                None => None,
            };
            teams.push(Team {
                code: t.code.clone(),
                name: t.name.clone().unwrap_or_default(),
                lead,
            });
        }
        for t in &teams {
            if let Some(l) = t.lead {
                staff[l].lead = true;
            }
        }
        for (i, s) in staff.iter().enumerate() {
            if s.lead && s.grade != Grade::Senior {
                return Err(self.err(
                    format!("[[staff]] #{} (id \"{}\")", i + 1, s.id),
                    format!(
                        "{} is a team lead but grade {}; a lead must be senior",
                        s.id,
                        s.grade.name()
                    ),
                ));
            }
        }
        for (ti, t) in teams.iter().enumerate() {
            let has_lead = t.lead.is_some() || staff.iter().any(|s| s.team == Some(ti) && s.lead);
            if !has_lead {
                return Err(self.err(
                    format!("[[team]] #{} (code \"{}\")", ti + 1, t.code),
                    "team has no lead: set `lead = \"ID\"` or mark a senior member `lead = true`",
                ));
            }
        }

        Ok(teams)
    }

    /// `[weights]`: the objective's weights, each defaulted and range-checked.
    fn weights(&self) -> Result<Weights, InputError> {
        let raw = self.raw;
        let w = &raw.weights;
        let weight = |key: &str, v: Option<f64>, default: f64| {
            self.real(
                &format!("[weights] {key}"),
                v.unwrap_or(default),
                0.0..=MAX_WEIGHT,
                "a weight",
            )
        };
        Ok(Weights {
            request: weight("request", w.request, 1.0)?,
            fair_nights: weight("fair_nights", w.fair_nights, 5.0)?,
            fair_weekends: weight("fair_weekends", w.fair_weekends, 5.0)?,
            over_cover: weight("over_cover", w.over_cover, 1.0)?,
            over_cover_weekend: weight("over_cover_weekend", w.over_cover_weekend, 2.0)?,
            over_cover_holiday: weight("over_cover_holiday", w.over_cover_holiday, 3.0)?,
            over_cover_night: weight("over_cover_night", w.over_cover_night, 2.0)?,
        })
    }

    /// Returns the rules and the scenario-wide min/max shifts defaults.
    fn rules(&self, month: Month) -> Result<(Rules, u32, u32), InputError> {
        let r = &self.raw.rules;
        let key = |k: &str| format!("[rules] {k}");
        let min_rest_hours = self.real(
            &key("min_rest_hours"),
            r.min_rest_hours.unwrap_or(12.0),
            0.0..=MAX_REST_HOURS,
            "rest in hours",
        )?;
        if r.max_consecutive_days == Some(0) {
            return Err(self.err(
                key("max_consecutive_days"),
                "0 consecutive days would forbid all work",
            ));
        }
        // Limits beyond the horizon cannot bind; clamping keeps every window finite.
        let horizon = month.days() as u32 + MAX_HISTORY_DAYS as u32;
        let run = |k: &str, v: Option<i64>, default: i64, lo: i64, unit: &str| {
            self.count(&key(k), v.unwrap_or(default), lo..=MAX_RUN_LIMIT, unit)
                .map(|n| n.min(horizon))
        };
        let rules = Rules {
            min_rest_hours,
            handover_minutes: self.count(
                &key("handover_minutes"),
                r.handover_minutes.unwrap_or(10),
                0..=MAX_HANDOVER_MINUTES,
                "minutes",
            )?,
            max_consecutive_days: run(
                "max_consecutive_days",
                r.max_consecutive_days,
                6,
                1,
                "days",
            )?,
            max_consecutive_nights: run(
                "max_consecutive_nights",
                r.max_consecutive_nights,
                3,
                0,
                "nights",
            )?,
            leads_per_shift: self.count(
                &key("leads_per_shift"),
                r.leads_per_shift.unwrap_or(1),
                0..=MAX_HEADS,
                "leads",
            )?,
            max_swaps_per_month: self.count(
                &key("max_swaps_per_month"),
                r.max_swaps_per_month.unwrap_or(2),
                0..=MAX_SWAPS_PER_MONTH,
                "swaps",
            )?,
            swap_grade_gap: self.count(
                &key("swap_grade_gap"),
                r.swap_grade_gap.unwrap_or(0),
                0..=MAX_SWAP_GRADE_GAP,
                "grade steps (junior to senior is 2)",
            )?,
            days_off_window: 7,
        };
        let days = month.days() as i64;
        let (min, max) = self.shift_bounds(
            "[rules]",
            r.min_shifts.unwrap_or(0),
            r.max_shifts.unwrap_or(days),
        )?;
        Ok((rules, min, max))
    }

    /// min_shifts and max_shifts of `place` (`[rules]` or a person): each in range, and
    /// in order. Order is checked before the upper bound so that `min_shifts = 32` against
    /// `max_shifts = 31` is named as the contradiction it is.
    fn shift_bounds(&self, place: &str, min: i64, max: i64) -> Result<(u32, u32), InputError> {
        let key = |k: &str| format!("{place} {k}");
        let range = 0..=MAX_SHIFTS_PER_MONTH;
        for (k, v) in [("min_shifts", min), ("max_shifts", max)] {
            if v < 0 {
                self.count(&key(k), v, range.clone(), "shifts")?;
            }
        }
        if min > max {
            return Err(self.err(place, format!("min_shifts {min} is above max_shifts {max}")));
        }
        Ok((
            self.count(&key("min_shifts"), min, range.clone(), "shifts")?,
            self.count(&key("max_shifts"), max, range, "shifts")?,
        ))
    }

    fn calendar(&self) -> Result<(BTreeSet<NaiveDate>, BTreeSet<NaiveDate>), InputError> {
        let parse_all = |v: &[String], key: &str| -> Result<BTreeSet<NaiveDate>, InputError> {
            v.iter()
                .enumerate()
                .map(|(i, s)| {
                    parse_date(s).ok_or_else(|| {
                        self.err(
                            format!("[calendar] {key}[{i}]"),
                            format!("`{s}` is not a date (expected {DATE_FORMAT})"),
                        )
                    })
                })
                .collect()
        };
        let holidays = parse_all(&self.raw.calendar.holidays, "holidays")?;
        let workdays = parse_all(&self.raw.calendar.workdays, "workdays")?;
        if let Some(d) = holidays.intersection(&workdays).next() {
            return Err(self.err(
                "[calendar]",
                format!("{d} is both a holiday and a make-up workday"),
            ));
        }
        Ok((holidays, workdays))
    }

    fn shifts(&self) -> Result<Vec<Shift>, InputError> {
        let mut out: Vec<Shift> = Vec::new();
        if self.raw.shifts.is_empty() {
            return Err(self.err("[[shift]]", "the scenario defines no shifts"));
        }
        for (i, s) in self.raw.shifts.iter().enumerate() {
            let place = format!("[[shift]] #{} (code \"{}\")", i + 1, s.code);
            if s.code.trim().is_empty() {
                return Err(self.err(place, "shift code is empty"));
            }
            if out.iter().any(|o| o.code == s.code) {
                return Err(self.err(place, "duplicate shift code"));
            }
            let start = parse_clock(&s.start).filter(|&m| m < 1440).ok_or_else(|| {
                self.err(
                    format!("{place} start"),
                    format!("`{}` is not a time (expected {CLOCK_FORMAT})", s.start),
                )
            })?;
            let mut end = parse_clock(&s.end).ok_or_else(|| {
                self.err(
                    format!("{place} end"),
                    format!("`{}` is not a time (expected {CLOCK_FORMAT})", s.end),
                )
            })?;
            if end <= start {
                end += 1440;
            }
            // Overlap with 00:00-05:00 of either calendar day the shift touches.
            let overlaps_night = [0u32, 1440]
                .iter()
                .any(|&m| start.max(m) < end.min(m + 300));
            out.push(Shift {
                code: s.code.clone(),
                name: s.name.clone().unwrap_or_default(),
                start,
                end,
                night: s.night.unwrap_or(overlaps_night),
            });
        }
        Ok(out)
    }

    fn seats(&self) -> Result<Vec<SeatType>, InputError> {
        let mut out: Vec<SeatType> = Vec::new();
        if self.raw.seats.is_empty() {
            return Err(self.err("[[seat]]", "the scenario defines no seat types"));
        }
        for (i, s) in self.raw.seats.iter().enumerate() {
            let place = format!("[[seat]] #{} (code \"{}\")", i + 1, s.code);
            if out.iter().any(|o| o.code == s.code) {
                return Err(self.err(place, "duplicate seat code"));
            }
            let min_grade = Grade::parse(&s.min_grade).ok_or_else(|| {
                self.err(
                    format!("{place} min_grade"),
                    format!(
                        "unknown grade `{}` (junior, intermediate or senior)",
                        s.min_grade
                    ),
                )
            })?;
            out.push(SeatType {
                code: s.code.clone(),
                name: s.name.clone().unwrap_or_default(),
                min_grade,
            });
        }
        Ok(out)
    }

    fn traffic(
        &self,
        v: toml::Value,
        seats: &HashMap<String, usize>,
    ) -> Result<Traffic, InputError> {
        Traffic::from_toml(&v, |code| seats.contains_key(code))
            .map_err(|f| self.err(f.place, f.message))
    }
}

fn index<T>(items: &[T], key: impl Fn(&T) -> &String) -> HashMap<String, usize> {
    items
        .iter()
        .enumerate()
        .map(|(i, t)| (key(t).clone(), i))
        .collect()
}

/// History that leaves a shift of day 1 with nobody allowed to take a lead's place is legal
/// but almost certainly a mistake: say so before the solver reports infeasibility.
fn history_warnings(sc: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    let day1 = sc.month.first_day();
    for k in 0..sc.shifts.len() {
        let leads: Vec<usize> = sc.leads().collect();
        if leads.is_empty() || sc.rules.leads_per_shift == 0 {
            continue;
        }
        let free = leads
            .iter()
            .filter(|&&l| {
                !sc.history
                    .iter()
                    .any(|h| h.staff == l && sc.too_little_rest((h.date, h.shift), (day1, k)))
            })
            .count() as u32;
        if free < sc.rules.leads_per_shift {
            out.push(format!(
                "[[history]]: after the last shifts of the previous month only {free} of {} leads may work {} on {day1}; the shift needs {}",
                leads.len(),
                sc.shifts[k].label(),
                sc.rules.leads_per_shift
            ));
        }
    }
    out
}
