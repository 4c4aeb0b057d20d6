//! The roster file (CONTRACT.md): assignments after any swaps, the swaps made, and the
//! solver's account of how it was found.

use super::clock::parse_datetime;
use super::error::InputError;
use super::output::write_atomically;
use super::scenario::{Approver, LeaveKind, LeaveRequest, Scenario};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Assignment {
    pub staff: String,
    #[serde(deserialize_with = "super::clock::deserialize_date")]
    pub date: NaiveDate,
    pub shift: String,
    pub seat: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Swap {
    pub a: String,
    pub b: String,
    #[serde(deserialize_with = "super::clock::deserialize_date")]
    pub date: NaiveDate,
    pub shift: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::clock::deserialize_opt_date"
    )]
    pub return_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_shift: Option<String>,
}

/// Leave granted after the roster was made (`roster leave --repair`), with the fields of the
/// scenario's `[[leave]]`. The scenario file stays as the head wrote it; the roster carries
/// what has been granted since, so every command that reads both sees the leave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantedLeave {
    pub id: String,
    pub staff: String,
    #[serde(deserialize_with = "super::clock::deserialize_date")]
    pub from: NaiveDate,
    #[serde(deserialize_with = "super::clock::deserialize_date")]
    pub to: NaiveDate,
    pub kind: LeaveKind,
    /// YYYY-MM-DDTHH:MM, as in the scenario.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filed_by: Option<String>,
    pub approved_by: Approver,
    #[serde(default)]
    pub certificate: bool,
    #[serde(default)]
    pub emergency: bool,
}

impl GrantedLeave {
    pub fn from_request(sc: &Scenario, req: &LeaveRequest) -> GrantedLeave {
        GrantedLeave {
            id: req.id.clone(),
            staff: sc.staff[req.staff].id.clone(),
            from: req.from,
            to: req.to,
            kind: req.kind,
            requested_at: req
                .requested_at
                .map(|t| t.format("%Y-%m-%dT%H:%M").to_string()),
            filed_by: Some(req.filed_by_id.clone()),
            approved_by: req.approved_by,
            certificate: req.certificate,
            emergency: req.emergency,
        }
    }

    /// As the scenario's leave type; None when it does not resolve (`validate` refuses that).
    pub fn to_request(&self, sc: &Scenario) -> Option<LeaveRequest> {
        let staff = sc.staff_by_id(&self.staff)?;
        let filed_by_id = self.filed_by.clone().unwrap_or_else(|| self.staff.clone());
        Some(LeaveRequest {
            id: self.id.clone(),
            staff,
            from: self.from,
            to: self.to,
            kind: self.kind,
            requested_at: match &self.requested_at {
                Some(t) => Some(parse_datetime(t)?),
                None => None,
            },
            filed_by: sc.staff_by_id(&filed_by_id),
            filed_by_id,
            approved_by: self.approved_by,
            certificate: self.certificate,
            emergency: self.emergency,
        })
    }
}

/// JSON has no NaN: serde_json writes it as null, and reads null back as NaN here.
fn nan_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolverInfo {
    pub status: String,
    pub objective: f64,
    /// Unknown (NaN, written as null) when no solver run proved any bound: a roster the
    /// clock stopped before the root node finished, or a backend that reports none.
    #[serde(deserialize_with = "nan_if_null")]
    pub bound: f64,
    pub seconds: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roster {
    pub month: String,
    pub assignments: Vec<Assignment>,
    #[serde(default)]
    pub swaps: Vec<Swap>,
    /// Leave granted since the roster was made; files written before it existed have none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leave: Vec<GrantedLeave>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solver: Option<SolverInfo>,
}

impl Roster {
    /// Reads a roster file and checks that it speaks of the scenario: its month, staff,
    /// shifts, seats and dates. Rule violations are not input errors; `check` reports them.
    pub fn load(path: &Path, scenario: &Scenario) -> Result<Roster, InputError> {
        let text = super::error::read_text(path, "roster")?;
        let roster: Roster = serde_json::from_str(&text).map_err(|e| {
            InputError::new(
                path,
                format!("line {}, column {}", e.line(), e.column()),
                format!("invalid roster JSON: {e}"),
            )
        })?;
        roster.validate(path, scenario)?;
        Ok(roster)
    }

    pub fn validate(&self, path: &Path, sc: &Scenario) -> Result<(), InputError> {
        let err = |place: String, msg: String| Err(InputError::new(path, place, msg));
        if self.month != sc.month.to_string() {
            return err(
                "month".into(),
                format!(
                    "roster is for {}, the scenario for {}",
                    self.month, sc.month
                ),
            );
        }
        for (i, a) in self.assignments.iter().enumerate() {
            let place = format!("assignments[{i}]");
            if sc.staff_by_id(&a.staff).is_none() {
                return err(place, format!("unknown staff id `{}`", a.staff));
            }
            if sc.shift_by_code(&a.shift).is_none() {
                return err(place, format!("unknown shift `{}`", a.shift));
            }
            if sc.seat_by_code(&a.seat).is_none() {
                return err(place, format!("unknown seat type `{}`", a.seat));
            }
            if !sc.month.contains(a.date) {
                return err(
                    place,
                    format!("{} is outside the month {}", a.date, sc.month),
                );
            }
        }
        for (i, s) in self.swaps.iter().enumerate() {
            let place = format!("swaps[{i}]");
            for id in [&s.a, &s.b] {
                if sc.staff_by_id(id).is_none() {
                    return err(place, format!("unknown staff id `{id}`"));
                }
            }
            for code in std::iter::once(&s.shift).chain(s.return_shift.as_ref()) {
                if sc.shift_by_code(code).is_none() {
                    return err(place, format!("unknown shift `{code}`"));
                }
            }
            for d in std::iter::once(s.date).chain(s.return_date) {
                if !sc.month.contains(d) {
                    return err(place, format!("{d} is outside the month {}", sc.month));
                }
            }
        }
        for (i, l) in self.leave.iter().enumerate() {
            let place = format!("leave[{i}] (id \"{}\")", l.id);
            if sc.staff_by_id(&l.staff).is_none() {
                return err(place, format!("unknown staff id `{}`", l.staff));
            }
            if l.to < l.from {
                return err(
                    place,
                    format!("leave ends ({}) before it starts ({})", l.to, l.from),
                );
            }
            if !sc.month.dates().any(|d| l.from <= d && d <= l.to) {
                return err(
                    place,
                    format!("{}..{} has no day in the month {}", l.from, l.to, sc.month),
                );
            }
            if l.approved_by == Approver::None {
                return err(
                    place,
                    "granted leave must name who approved it (approved_by)".into(),
                );
            }
            if let Some(t) = &l.requested_at
                && parse_datetime(t).is_none()
            {
                return err(
                    format!("{place} requested_at"),
                    format!("`{t}` is not a date-time (expected YYYY-MM-DDTHH:MM)"),
                );
            }
        }
        Ok(())
    }

    /// The scenario with this roster's granted leave added, so that every rule, chart and
    /// what-if sees it as leave. Borrows when the scenario holds it already (applied twice
    /// is applied once).
    pub fn granted_scenario<'a>(&self, sc: &'a Scenario) -> Cow<'a, Scenario> {
        let missing: Vec<LeaveRequest> = self
            .leave
            .iter()
            .filter_map(|l| l.to_request(sc))
            .filter(|l| {
                !sc.leave.iter().any(|s| {
                    s.staff == l.staff
                        && s.from == l.from
                        && s.to == l.to
                        && s.kind == l.kind
                        && s.is_approved()
                })
            })
            .collect();
        if missing.is_empty() {
            return Cow::Borrowed(sc);
        }
        let mut granted = sc.clone();
        granted.leave.extend(missing);
        Cow::Owned(granted)
    }

    /// Adds this roster's granted leave to the scenario it was loaded with.
    pub fn grant_leave_to(&self, sc: &mut Scenario) {
        if let Cow::Owned(granted) = self.granted_scenario(sc) {
            *sc = granted;
        }
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        write_atomically(path, self.to_json().as_bytes())
    }

    /// The roster file's text, as `save` writes it.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("roster serialises")
    }

    /// Assignments in a stable order: date, shift order in the scenario, staff order.
    /// Per person and day (scenario indices), the index of the shift this roster gives
    /// them; assignments that name nothing in the scenario are left out.
    pub fn shift_grid(&self, sc: &Scenario) -> Vec<Vec<Option<usize>>> {
        let mut grid = vec![vec![None; sc.days()]; sc.staff.len()];
        for a in &self.assignments {
            if let (Some(i), Some(d), Some(k)) = (
                sc.staff_by_id(&a.staff),
                sc.month.day_index(a.date),
                sc.shift_by_code(&a.shift),
            ) {
                grid[i][d] = Some(k);
            }
        }
        grid
    }

    pub fn sort(&mut self, sc: &Scenario) {
        self.assignments.sort_by_key(|a| {
            (
                a.date,
                sc.shift_by_code(&a.shift),
                sc.staff_by_id(&a.staff),
                a.seat.clone(),
            )
        });
    }
}
