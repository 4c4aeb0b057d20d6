//! The roster file (CONTRACT.md): assignments after any swaps, the swaps made, and the
//! solver's account of how it was found.

use super::error::InputError;
use super::output::write_atomically;
use super::scenario::Scenario;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolverInfo {
    pub status: String,
    pub objective: f64,
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
        Ok(())
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
