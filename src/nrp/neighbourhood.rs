//! The neighbourhoods of fix-and-optimise (`search::improve`): windows of days and groups
//! of staff, each freed while the rest of the best roster stays fixed.

use super::instance::Instance;

/// The cells a fix-and-optimise step frees.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Neighbourhood {
    /// Every person on days `from..to`.
    Days { from: usize, to: usize },
    /// These people on every day.
    Staff(Vec<usize>),
}

impl Neighbourhood {
    pub(super) fn frees(&self, e: usize, d: usize) -> bool {
        match self {
            Neighbourhood::Days { from, to } => (*from..*to).contains(&d),
            Neighbourhood::Staff(who) => who.contains(&e),
        }
    }
}

/// People freed together: enough to swap shifts between them, few enough to solve fast.
const STAFF_GROUP: usize = 3;

/// The neighbourhoods of one round, in a fixed order: windows of days (two weeks, one on
/// horizons of four weeks or less), then groups of staff, neighbours in the file and then
/// people far apart in it. None is the whole problem: that is the last stage's.
pub(super) fn neighbourhoods(inst: &Instance) -> Vec<(String, Neighbourhood)> {
    let (h, n) = (inst.horizon, inst.staff.len());
    let mut out = Vec::new();
    // Windows half overlapping; a window of the whole horizon would be the whole problem.
    let width = if h > 28 { 14 } else { 7 };
    let mut from = 0;
    while from < h && width < h {
        let to = (from + width).min(h);
        out.push((
            format!("days {from}-{}", to - 1),
            Neighbourhood::Days { from, to },
        ));
        if to == h {
            break;
        }
        from += width / 2;
    }
    // Two partitions into groups of up to STAFF_GROUP: neighbours in the file, then
    // people a third of the file apart.
    let stride = n.div_ceil(STAFF_GROUP).max(1);
    let consecutive = (0..n)
        .step_by(STAFF_GROUP)
        .map(|f| (f..(f + STAFF_GROUP).min(n)).collect::<Vec<usize>>());
    let interleaved = (0..stride).map(|f| (f..n).step_by(stride).collect());
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for group in consecutive.chain(interleaved) {
        if group.len() < n && !groups.contains(&group) {
            groups.push(group);
        }
    }
    for group in groups {
        let ids: Vec<&str> = group.iter().map(|&e| inst.staff[e].id.as_str()).collect();
        out.push((
            format!("staff {}", ids.join(",")),
            Neighbourhood::Staff(group),
        ));
    }
    out
}
