//! The summary `roster nrp` prints for a solved benchmark instance.

use crate::nrp::NrpSolved;

/// Status, objective by term, proof, time and model size, one figure a line.
pub fn nrp_summary(solved: &NrpSolved) -> String {
    let b = &solved.breakdown;
    [
        format!("status      {}", solved.status.name()),
        format!("objective   {}", solved.objective),
        format!("  shift-on requests   {}", b.shift_on_requests),
        format!("  shift-off requests  {}", b.shift_off_requests),
        format!("  under-cover         {}", b.under_cover),
        format!("  over-cover          {}", b.over_cover),
        format!("bound       {}", solved.bound),
        format!("gap         {:.2} %", solved.gap * 100.0),
        format!(
            "seconds     {:.2} (best roster at {:.2})",
            solved.seconds, solved.seconds_to_best
        ),
        format!(
            "model       {} variables ({} shift), {} constraints",
            solved.size.variables, solved.size.shift_variables, solved.size.constraints
        ),
    ]
    .join("\n")
}
