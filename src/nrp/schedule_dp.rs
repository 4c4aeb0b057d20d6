//! One person's cheapest schedule by dynamic programming over the days: the pricing
//! problem's fast path. CBC takes 80-150 ms on one person of instance 9 (its root
//! preprocessing and cuts, not the model); a column generation prices every person in
//! every round, so those milliseconds were most of its time.
//!
//! A state after day d is what the rules still need to know: the type worked on d (or
//! off), the length of the current block and whether it started on day 0 (a block touching
//! an edge is never too short), the minutes so far, the weekends worked so far (only when
//! the contract limits them below the horizon's weekends), and the shifts worked of each
//! type whose limit could bind. Equal states keep the cheaper path (the first on a tie, in
//! a fixed order), so the result is exact and the same on every run. The horizon edges are
//! read as in the evaluator (SOURCE.md): a block touching day 0 or the last day is never
//! too short, and a block from day 0 counts from day 0 for the maximum.
//!
//! Contracts that limit many shift types over long horizons have far more states than a
//! table can hold (instance 19: past 400,000 on day 45 for a person limited on two types;
//! CBC took 51 s on one such person). For them the table is a beam (`cheapest` with a
//! state cap): a day with more states than the cap keeps only its cheapest (the first on a
//! tie, and those with the most minutes), so the schedule still meets every rule but is not proven cheapest (`cut`); and
//! `lower_bound` prices a relaxation (the type limits that multiply the states dropped),
//! whose optimum is a valid lower bound on every schedule's price. A contract whose
//! counts do not fit the packing here (more than `MAX_LIMITED_TYPES` binding type limits)
//! is left to the MIP: `None`.

use super::instance::Instance;
use super::pricing::Schedule;
use std::collections::HashMap;
use std::time::Instant;

/// Type limits that can bind, packed 9 bits each into a u128 (a limit that binds is below
/// the horizon's days, at most 364 here).
const MAX_LIMITED_TYPES: usize = 14;
const COUNT_BITS: u32 = 9;
/// States on one day past which the relaxation gives up (its bound is then the trivial
/// one): past this the table takes seconds per person.
const MAX_STATES: usize = 400_000;
/// The relaxation keeps the limits of the types with the smallest limits while their
/// counts together take at most this many values (one or two types): the limits it
/// drops are what multiplied the states.
const RELAXED_COUNT_VALUES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct State {
    /// 0: off; t + 1: shift type t, or the first type with the same forbidden successors
    /// (the rules only ask which types may follow, so such types are one state).
    last: u8,
    /// Days in the current block (work or rest), capped where no rule looks further.
    run: u16,
    /// The current block started on day 0.
    from_edge: bool,
    weekends: u16,
    minutes: u32,
    counts: u128,
}

/// One state of one day: its cost, the state of the day before it came from (index into
/// that day's list) and what it did today.
struct Label {
    state: State,
    cost: f64,
    parent: usize,
    did: Option<usize>,
}

/// Each day's labels.
type Days = Vec<Vec<Label>>;

/// What stays fixed for one person.
struct Person<'a> {
    inst: &'a Instance,
    e: usize,
    allowed: Vec<usize>,
    /// Per type: its slot among the limited types, if its limit can bind.
    slot: Vec<Option<usize>>,
    /// Per type: the first type with the same forbidden successors.
    like: Vec<usize>,
    track_weekends: bool,
    /// Per day: the weekends with a day after it.
    weekends_after: Vec<u32>,
    longest_shift: u32,
}

impl Person<'_> {
    /// The state with every limit that can no longer bind after day `d` read as one value:
    /// a count that `left` more days cannot push past its limit is as good as any other
    /// such count, so such states merge (exactly: no rule reads them again).
    fn merged(&self, mut s: State, d: usize) -> State {
        let staff = &self.inst.staff[self.e];
        let left = (self.inst.horizon - 1 - d) as u32;
        for (t, slot) in self.slot.iter().enumerate() {
            if let Some(k) = *slot {
                let limit = staff.max_shifts[t];
                let n = self.count(&s, t).unwrap_or(0);
                if n + left <= limit {
                    let shift = COUNT_BITS * k as u32;
                    s.counts &= !(0x1ffu128 << shift);
                    s.counts |= u128::from(limit - left) << shift;
                }
            }
        }
        let weekends_left = self.weekends_after[d];
        if self.track_weekends && u32::from(s.weekends) + weekends_left <= staff.max_weekends {
            s.weekends = (staff.max_weekends - weekends_left) as u16;
        }
        s
    }

    fn count(&self, s: &State, t: usize) -> Option<u32> {
        self.slot[t].map(|k| ((s.counts >> (COUNT_BITS * k as u32)) & 0x1ff) as u32)
    }

    /// The state after day `d` does `did` from state `s` (None on day 0's virtual start),
    /// or None when a rule forbids it.
    fn step(&self, s: Option<&State>, d: usize, did: Option<usize>) -> Option<State> {
        let staff = &self.inst.staff[self.e];
        let weekend_day = d % 7 >= 5;
        match did {
            Some(t) => {
                let minutes = s.map_or(0, |s| s.minutes) + self.inst.shifts[t].minutes;
                if minutes > staff.max_total_minutes {
                    return None;
                }
                let (run, from_edge) = match s {
                    None => (1, true),
                    Some(s) if s.last == 0 => {
                        // A rest block ends: inside the horizon it needs its minimum.
                        if !s.from_edge && u32::from(s.run) < staff.min_consecutive_days_off {
                            return None;
                        }
                        (1, false)
                    }
                    Some(s) => {
                        let before = usize::from(s.last - 1);
                        if self.inst.shifts[before].forbidden_next.contains(&t) {
                            return None;
                        }
                        (s.run + 1, s.from_edge)
                    }
                };
                if u32::from(run) > staff.max_consecutive_shifts {
                    return None;
                }
                let mut counts = s.map_or(0, |s| s.counts);
                if let Some(k) = self.slot[t] {
                    let n = s.map_or(0, |s| self.count(s, t).unwrap_or(0)) + 1;
                    if n > staff.max_shifts[t] {
                        return None;
                    }
                    counts += 1u128 << (COUNT_BITS * k as u32);
                }
                // Sunday counts a weekend only when Saturday was off (day 0 has no Saturday
                // before it in the horizon).
                let new_weekend = weekend_day && (d % 7 == 5 || s.is_none_or(|s| s.last == 0));
                let weekends =
                    s.map_or(0, |s| s.weekends) + u16::from(self.track_weekends && new_weekend);
                if u32::from(weekends) > staff.max_weekends {
                    return None;
                }
                Some(State {
                    last: self.like[t] as u8 + 1,
                    run,
                    from_edge,
                    weekends,
                    minutes,
                    counts,
                })
            }
            None => {
                let (run, from_edge) = match s {
                    None => (1, true),
                    Some(s) if s.last != 0 => {
                        if !s.from_edge && u32::from(s.run) < staff.min_consecutive_shifts {
                            return None;
                        }
                        (1, false)
                    }
                    // Rest longer than its minimum is all the same to the rules.
                    Some(s) => (
                        (s.run + 1).min(staff.min_consecutive_days_off.max(1) as u16),
                        s.from_edge,
                    ),
                };
                let s0 = s.copied();
                Some(State {
                    last: 0,
                    run,
                    from_edge,
                    weekends: s0.map_or(0, |s| s.weekends),
                    minutes: s0.map_or(0, |s| s.minutes),
                    counts: s0.map_or(0, |s| s.counts),
                })
            }
        }
    }
}

/// A schedule from the table: its price, and whether a day was cut to the beam (then the
/// schedule meets every rule but is not proven cheapest).
pub(super) struct Tabled {
    pub(super) schedule: Schedule,
    pub(super) price: f64,
    pub(super) cut: bool,
}

/// The clock of the user's time limit ran out inside the table.
#[derive(Debug)]
pub(super) struct OutOfTime;

/// Person `e`'s cheapest schedule and its price when working day d on type t costs
/// `price[d][t]`, keeping at most `beam` states a day (see the module comment); `None`
/// when the table is not the tool (see the module comment) or when no schedule survived
/// (the MIP then finds one or proves there is none). Stops at `deadline`.
pub(super) fn cheapest(
    inst: &Instance,
    e: usize,
    price: &[Vec<f64>],
    beam: usize,
    deadline: Instant,
) -> Result<Option<Tabled>, OutOfTime> {
    let Some(person) = Person::new(inst, e, false) else {
        return Ok(None);
    };
    let Some((days, cut)) = table(&person, price, Cap::Beam(beam), deadline)? else {
        return Ok(None);
    };
    Ok(best_path(&person, &days).map(|(schedule, price)| Tabled {
        schedule,
        price,
        cut,
    }))
}

/// A lower bound on the price of every schedule of person `e`: the cheapest schedule of a
/// relaxation that drops the type limits multiplying the states (see the module comment).
/// `None` when even the relaxation does not fit.
pub(super) fn lower_bound(
    inst: &Instance,
    e: usize,
    price: &[Vec<f64>],
    deadline: Instant,
) -> Result<Option<f64>, OutOfTime> {
    let Some(person) = Person::new(inst, e, true) else {
        return Ok(None);
    };
    let Some((days, _)) = table(&person, price, Cap::GiveUp(MAX_STATES), deadline)? else {
        return Ok(None);
    };
    // No surviving state means no schedule of the relaxation, so none of the person's:
    // the MIP proves that, not this bound.
    Ok(best_path(&person, &days).map(|(_, price)| price))
}

impl<'a> Person<'a> {
    /// The person's fixed data; with `relax`, only the smallest type limits are kept
    /// (see `RELAXED_COUNT_VALUES`). `None` when the counts do not fit the packing.
    fn new(inst: &'a Instance, e: usize, relax: bool) -> Option<Person<'a>> {
        let h = inst.horizon;
        let staff = &inst.staff[e];
        let allowed: Vec<usize> = (0..inst.shifts.len())
            .filter(|&t| staff.max_shifts[t] > 0)
            .collect();
        let workable = (0..h).filter(|&d| !inst.days_off[e][d]).count() as u32;
        let mut binding: Vec<usize> = allowed
            .iter()
            .copied()
            .filter(|&t| staff.max_shifts[t] < workable)
            .collect();
        if relax {
            // Smallest limits first (the file's order on a tie): they are the tightest.
            binding.sort_by_key(|&t| (staff.max_shifts[t], t));
            let mut values = 1usize;
            binding.retain(|&t| {
                values = values.saturating_mul(staff.max_shifts[t] as usize + 1);
                values <= RELAXED_COUNT_VALUES
            });
            binding.sort_unstable();
        }
        if binding.len() > MAX_LIMITED_TYPES || inst.shifts.len() >= usize::from(u8::MAX) {
            return None;
        }
        let mut slot = vec![None; inst.shifts.len()];
        for (k, &t) in binding.iter().enumerate() {
            slot[t] = Some(k);
        }
        let weekends_in_horizon = (0..h.div_ceil(7)).filter(|w| 7 * w + 5 < h).count() as u32;
        let like = (0..inst.shifts.len())
            .map(|t| {
                (0..=t)
                    .find(|&u| inst.shifts[u].forbidden_next == inst.shifts[t].forbidden_next)
                    .unwrap_or(t)
            })
            .collect();
        Some(Person {
            inst,
            e,
            like,
            longest_shift: allowed
                .iter()
                .map(|&t| inst.shifts[t].minutes)
                .max()
                .unwrap_or(0),
            allowed,
            slot,
            track_weekends: staff.max_weekends < weekends_in_horizon,
            weekends_after: (0..h)
                .map(|d| {
                    (0..h.div_ceil(7))
                        .filter(|w| (7 * w + 5..7 * w + 7).any(|x| x > d && x < h))
                        .count() as u32
                })
                .collect(),
        })
    }
}

/// The cheapest final state that meets the minimum minutes, traced back to a schedule.
fn best_path(p: &Person, days: &[Vec<Label>]) -> Option<(Schedule, f64)> {
    let min_minutes = p.inst.staff[p.e].min_total_minutes;
    let last = days.last()?;
    let (best, label) = last
        .iter()
        .enumerate()
        .filter(|(_, l)| l.state.minutes >= min_minutes)
        .fold(None::<(usize, &Label)>, |acc, (i, l)| match acc {
            Some((_, b)) if b.cost <= l.cost => acc,
            _ => Some((i, l)),
        })?;
    let mut schedule = vec![None; days.len()];
    let mut i = best;
    for d in (0..days.len()).rev() {
        let l = &days[d][i];
        schedule[d] = l.did;
        i = l.parent;
    }
    Some((schedule, label.cost))
}

/// What a day with too many states does.
#[derive(Clone, Copy)]
enum Cap {
    /// Keeps the cheapest this many.
    Beam(usize),
    /// The table gives up past this many.
    GiveUp(usize),
}

/// Keeps `beam` labels, in their order: half the cheapest, the rest those with the most
/// minutes (the cheaper, then the first, on a tie). Cheapest alone starves the minimum
/// minutes where working costs (instance 13 under the greedy's prices once cover is met:
/// every state kept worked too little to reach the minimum, and no schedule survived).
fn keep_best(labels: Vec<Label>, beam: usize) -> Vec<Label> {
    let mut order: Vec<usize> = (0..labels.len()).collect();
    let by_cost = |a: &usize, b: &usize| labels[*a].cost.total_cmp(&labels[*b].cost).then(a.cmp(b));
    order.sort_by(by_cost);
    let mut keep = vec![false; labels.len()];
    for &i in &order[..beam.div_ceil(2)] {
        keep[i] = true;
    }
    order.sort_by(|a, b| {
        labels[*b]
            .state
            .minutes
            .cmp(&labels[*a].state.minutes)
            .then(by_cost(a, b))
    });
    let mut room = beam - beam.div_ceil(2);
    for &i in &order {
        if room == 0 {
            break;
        }
        if !keep[i] {
            keep[i] = true;
            room -= 1;
        }
    }
    labels
        .into_iter()
        .zip(keep)
        .filter_map(|(l, k)| k.then_some(l))
        .collect()
}

/// The labels of every day, forward, and whether a day was cut to the beam; `None` when
/// the states pass a `Cap::GiveUp`.
fn table(
    p: &Person,
    price: &[Vec<f64>],
    cap: Cap,
    deadline: Instant,
) -> Result<Option<(Days, bool)>, OutOfTime> {
    let (inst, e) = (p.inst, p.e);
    let h = inst.horizon;
    let min_minutes = inst.staff[e].min_total_minutes;
    let mut days: Vec<Vec<Label>> = Vec::with_capacity(h);
    let mut cut = false;
    for (d, day_price) in price.iter().enumerate().take(h) {
        if Instant::now() >= deadline {
            return Err(OutOfTime);
        }
        let mut labels: Vec<Label> = Vec::new();
        let mut index: HashMap<State, usize> = HashMap::new();
        let choices = std::iter::once(None).chain(
            p.allowed
                .iter()
                .filter(|_| !inst.days_off[e][d])
                .map(|&t| Some(t)),
        );
        let choices: Vec<Option<usize>> = choices.collect();
        // Minutes still reachable after today, for pruning states that cannot reach the
        // contract's minimum.
        let still = p.longest_shift * (h - 1 - d) as u32;
        let parents: Vec<(usize, Option<&State>, f64)> = match days.last() {
            None => vec![(0, None, 0.0)],
            Some(prev) => prev
                .iter()
                .enumerate()
                .map(|(i, l)| (i, Some(&l.state), l.cost))
                .collect(),
        };
        for (parent, s, cost) in parents {
            for &did in &choices {
                let Some(next) = p.step(s, d, did) else {
                    continue;
                };
                let next = p.merged(next, d);
                if next.minutes + still < min_minutes {
                    continue;
                }
                let cost = cost + did.map_or(0.0, |t| day_price[t]);
                match index.get(&next) {
                    Some(&k) if labels[k].cost <= cost => {}
                    Some(&k) => {
                        labels[k] = Label {
                            state: next,
                            cost,
                            parent,
                            did,
                        }
                    }
                    None => {
                        index.insert(next, labels.len());
                        labels.push(Label {
                            state: next,
                            cost,
                            parent,
                            did,
                        });
                    }
                }
            }
        }
        match cap {
            Cap::GiveUp(most) if labels.len() > most => return Ok(None),
            Cap::Beam(most) if labels.len() > most => {
                labels = keep_best(labels, most);
                cut = true;
            }
            _ => {}
        }
        days.push(labels);
    }
    Ok(Some((days, cut)))
}

#[cfg(test)]
mod tests {
    use super::super::pricing::{cheapest_by_mip, priced, pricing_beam, request_prices};
    use super::*;
    use crate::solve::SolveOptions;
    use std::path::Path;
    use std::time::Duration;

    /// A fixed generator of cover duals of both signs, so the same cases every run.
    fn duals() -> impl FnMut() -> f64 {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % 2001) as f64 / 10.0 - 100.0
        }
    }

    fn instance(n: u32) -> Instance {
        let path = format!(
            "{}/tests/data/curtois/Instance{n}.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        Instance::load(Path::new(&path)).unwrap()
    }

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(3600)
    }

    /// The table and CBC on the compact model's rows agree on the cheapest price of every
    /// person of instances 1-9 under prices that a column generation might set: requests
    /// plus pseudo-random cover duals of both signs. The pricing's beam cuts no day there.
    #[test]
    fn nrp_schedule_table_matches_the_mip() {
        let mut next = duals();
        for n in 1..=9 {
            let inst = instance(n);
            let requests = request_prices(&inst);
            for e in (0..inst.staff.len()).step_by(3) {
                let price: Vec<Vec<f64>> = requests[e]
                    .iter()
                    .map(|r| r.iter().map(|p| p + next()).collect())
                    .collect();
                let t = cheapest(&inst, e, &price, pricing_beam(&inst), far())
                    .unwrap()
                    .expect("the table applies");
                assert!(!t.cut, "instance {n} person {e}: the beam cut a day");
                let value = t.price;
                assert!(super::super::evaluate::check_person(&inst, e, &t.schedule).is_empty());
                assert!((priced(&price, &t.schedule) - value).abs() < 1e-6);
                let mip = cheapest_by_mip(&inst, e, &price, &SolveOptions::default()).unwrap();
                assert!(
                    (mip.price - value).abs() < 1e-6,
                    "instance {n} person {e}: table {value}, MIP {}",
                    mip.price
                );
            }
        }
    }

    /// A beam far narrower than the states (20 a day) still gives a schedule that meets
    /// every rule and is priced right, never cheaper than the exact one; the relaxation's
    /// price is at most the exact one (a valid bound); the pricing's own beam cuts no day.
    /// Every person of instances 1-12, whose contracts, successions and horizon edges all
    /// differ.
    #[test]
    fn nrp_schedule_beam_is_feasible_and_relaxation_is_a_bound() {
        let mut next = duals();
        let mut beam_found = 0;
        for n in 1..=12 {
            let inst = instance(n);
            let requests = request_prices(&inst);
            for (e, person) in requests.iter().enumerate() {
                let price: Vec<Vec<f64>> = person
                    .iter()
                    .map(|r| r.iter().map(|p| p + next()).collect())
                    .collect();
                let exact = cheapest(&inst, e, &price, 1_000_000, far())
                    .unwrap()
                    .unwrap();
                let lower = lower_bound(&inst, e, &price, far()).unwrap().unwrap();
                assert!(
                    lower <= exact.price + 1e-6,
                    "instance {n} person {e}: relaxation {lower} above {}",
                    exact.price
                );
                let Some(beam) = cheapest(&inst, e, &price, 20, far()).unwrap() else {
                    continue;
                };
                beam_found += 1;
                let broken = super::super::evaluate::check_person(&inst, e, &beam.schedule);
                assert!(broken.is_empty(), "instance {n} person {e}: {broken:?}");
                assert!((priced(&price, &beam.schedule) - beam.price).abs() < 1e-6);
                assert!(beam.price >= exact.price - 1e-6);
            }
        }
        // A beam that never finds a schedule would pass the loop above vacuously.
        assert!(
            beam_found > 100,
            "the beam found only {beam_found} schedules"
        );
    }

    /// A deadline already past stops the table at once, whatever the person.
    #[test]
    fn nrp_schedule_table_stops_at_its_deadline() {
        let inst = instance(12);
        let price = request_prices(&inst).swap_remove(0);
        assert!(cheapest(&inst, 0, &price, 100_000, Instant::now()).is_err());
        assert!(lower_bound(&inst, 0, &price, Instant::now()).is_err());
    }
}
