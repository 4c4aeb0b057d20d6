//! 换班 and 还班: a swap moves A's shift k1 on d1 to B; the return moves B's shift k2 on d2
//! to A. Each SWAP-* rule is a type with its ID. The roster-level rules (SWAP-REST,
//! SWAP-ROSTER) are judged on a *local* roster — A's and B's duties plus everyone on the two
//! shifts that change hands — because nothing else can change; that keeps a check in the
//! microseconds so `--candidates` can try every person and every return date.

mod outcome;
mod plan;
mod rules;

pub(crate) use outcome::person_may_swap;
pub use outcome::{SwapOutcome, WeekRow, check_swap, violations};
pub use plan::{SwapPlan, apply};
pub use rules::{
    SwapApproval, SwapConsec, SwapCtx, SwapHoliday, SwapLeave, SwapLimit, SwapNoop, SwapRest,
    SwapRoster, SwapRule, SwapSkill, swap_rules,
};

use super::BadRequest;
use chrono::NaiveDate;

/// What the lead asks: may `a` give their shift on `date` to `b` (and take `b`'s shift on
/// `return_date` back)?
#[derive(Debug, Clone)]
pub struct SwapRequest {
    pub a: usize,
    pub date: NaiveDate,
    pub b: usize,
    pub return_date: Option<NaiveDate>,
    /// Both people's team leads have signed (SWAP-APPROVAL).
    pub approved: bool,
}
