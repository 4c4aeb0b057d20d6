//! What-if questions a lead asks before approving a change: may these two swap (换班/还班),
//! who could take this shift, may this person take leave, and how to repair the roster
//! after late leave with the fewest changed assignments.
//!
//! The SWAP-* and LEAVE-* rules of RULES.md live here, one type per rule ID (`SwapSkill`
//! has `id() == "SWAP-SKILL"`), reporting through the same `rules::Violation` as the
//! roster checker so the CLI and JSON speak one language.

pub mod candidates;
pub mod leave;
pub mod repair;
pub mod swap;

pub use candidates::{Candidate, ReturnOption, candidates};
pub use leave::{LeaveOutcome, LeaveRule, check_leave, leave_rules};
pub use repair::{Change, Repair, RepairError, repair_leave, repair_leave_at};
pub use swap::{SwapOutcome, SwapPlan, SwapRequest, SwapRule, WeekRow, check_swap, swap_rules};

use crate::model::Scenario;
use chrono::NaiveDate;

/// A request that cannot be judged because it does not make sense against the scenario and
/// roster: names the value and what is wrong. The CLI maps it to exit status 2.
///
/// `flag` is the caller's name for the value (the CLI's `--with`, the API's `with`) when the
/// caller found the fault; when the library found it, `field` says which value it is by
/// meaning and `flag` holds that field's own name (`RequestField::name`), and each front
/// end renders it its own way (the CLI as its flag).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{flag}: {message}")]
pub struct BadRequest {
    pub flag: &'static str,
    pub field: Option<RequestField>,
    pub message: String,
}

/// The value of a what-if request that the library found wrong, by its meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestField {
    /// The swap partner (B), who takes the shift.
    Partner,
    /// The date of the shift given away.
    Date,
    /// The date of B's shift that A takes in return (还班).
    ReturnDate,
}

impl RequestField {
    /// The request's own name for the value: the field of a swap request in the API.
    pub fn name(self) -> &'static str {
        match self {
            RequestField::Partner => "with",
            RequestField::Date => "date",
            RequestField::ReturnDate => "return_date",
        }
    }
}

impl BadRequest {
    /// A fault in a value the caller names (`flag`).
    pub fn new(flag: &'static str, message: impl Into<String>) -> Self {
        BadRequest {
            flag,
            field: None,
            message: message.into(),
        }
    }

    /// A fault the library found in one value of the request.
    pub fn in_field(field: RequestField, message: impl Into<String>) -> Self {
        BadRequest {
            flag: field.name(),
            field: Some(field),
            message: message.into(),
        }
    }
}

/// Resolves a staff id given on the command line.
pub fn staff_arg(sc: &Scenario, flag: &'static str, id: &str) -> Result<usize, BadRequest> {
    sc.staff_by_id(id)
        .ok_or_else(|| BadRequest::new(flag, format!("unknown staff id `{id}`")))
}

/// A date given on the command line that must fall inside the scenario's month.
pub fn date_in_month(sc: &Scenario, flag: &'static str, s: &str) -> Result<NaiveDate, BadRequest> {
    let d = crate::model::parse_date(s).ok_or_else(|| {
        BadRequest::new(flag, format!("`{s}` is not a date (expected YYYY-MM-DD)"))
    })?;
    if !sc.month.contains(d) {
        return Err(BadRequest::new(
            flag,
            format!("{d} is outside the month {}", sc.month),
        ));
    }
    Ok(d)
}
