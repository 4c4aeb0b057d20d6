//! A month's roster in the forms people use outside `roster`: the roster JSON and CSV that
//! `solve` writes, a workbook a head prints (`xlsx`), and one calendar per person (`ics`).
//!
//! Every writer takes a `MonthRoster`: the scenario that describes the centre and the
//! roster as worked. Today both come from files (`roster export SCENARIO ROSTER`); a
//! second source (the database's month) only has to build the same pair.

pub mod ics;
pub mod xlsx;

use crate::model::{Roster, Scenario};

/// The month to export: the centre and its roster, leave granted since included.
pub struct MonthRoster<'a> {
    pub scenario: &'a Scenario,
    pub roster: &'a Roster,
}

impl<'a> MonthRoster<'a> {
    pub fn new(scenario: &'a Scenario, roster: &'a Roster) -> Self {
        MonthRoster { scenario, roster }
    }

    /// The person's name, or "" for an id the scenario does not know.
    fn name_of(&self, id: &str) -> &str {
        self.scenario
            .staff_by_id(id)
            .map(|i| self.scenario.staff[i].name.as_str())
            .unwrap_or("")
    }
}

/// The roster file, as `solve` writes it.
pub fn roster_json(month: &MonthRoster) -> String {
    month.roster.to_json()
}

/// One line per assignment: staff, name, date, shift, seat (as `solve --csv` writes it).
pub fn roster_csv(month: &MonthRoster) -> String {
    let mut s = String::from("staff,name,date,shift,seat\n");
    for a in &month.roster.assignments {
        s.push_str(&format!(
            "{},{},{},{},{}\n",
            a.staff,
            month.name_of(&a.staff),
            a.date,
            a.shift,
            a.seat
        ));
    }
    s
}

/// Why an export could not be produced (the writers' own failures, not the inputs').
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot build the workbook: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
}
