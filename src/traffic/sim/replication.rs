//! One replication: the event loop over arrivals, completions and availability changes,
//! on its own random stream.

use super::*;

#[derive(Clone, Copy)]
pub(super) struct Call {
    pub(super) arrival: f64,
    pub(super) deadline: f64,
    pub(super) cell: u32,
    pub(super) escalated: bool,
}

#[derive(Clone, Default)]
pub(super) struct CellCount {
    pub(super) offered: u32,
    pub(super) answered: u32,
    pub(super) within: u32,
    pub(super) abandoned: u32,
    pub(super) waited: u32,
    pub(super) wait_sum: f64,
    pub(super) busy_s: f64,
}

pub(super) struct Rep<'a> {
    pub(super) input: &'a SimInput,
    pub(super) plan: &'a Plan,
    pub(super) rng: ChaCha8Rng,
    pub(super) nq: usize,
    pub(super) queues: Vec<VecDeque<Call>>,
    pub(super) idle: Vec<Vec<u32>>,
    pub(super) busy: Vec<bool>,
    pub(super) avail: Vec<bool>,
    /// The call each busy agent is serving: (queue, escalated).
    pub(super) serving: Vec<(u16, bool)>,
    pub(super) done: BinaryHeap<Reverse<(u64, u32)>>,
    pub(super) cells: Vec<CellCount>,
    pub(super) events: u64,
    pub(super) calls: u64,
}

/// Splitmix64: decorrelates nearby seeds.
pub(super) fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The seed of replication `rep` of a run with seed `seed`.
pub fn replication_seed(seed: u64, rep: u32) -> u64 {
    splitmix(splitmix(seed) ^ (rep as u64).wrapping_mul(0xd1b5_4a32_d192_ed03))
}

impl<'a> Rep<'a> {
    pub(super) fn new(input: &'a SimInput, plan: &'a Plan, seed: u64) -> Self {
        let nq = input.queues.len();
        let na = input.agents.len();
        Rep {
            input,
            plan,
            rng: ChaCha8Rng::seed_from_u64(seed),
            nq,
            queues: vec![VecDeque::new(); nq],
            idle: vec![Vec::new(); nq * plan.grades],
            busy: vec![false; na],
            avail: vec![false; na],
            serving: vec![(0, false); na],
            done: BinaryHeap::new(),
            cells: vec![CellCount::default(); input.n_intervals * nq],
            events: 0,
            calls: 0,
        }
    }

    #[inline]
    pub(super) fn exp1(&mut self) -> f64 {
        <Exp1 as Distribution<f64>>::sample(&Exp1, &mut self.rng)
    }

    #[inline]
    pub(super) fn interval_of(&self, t: f64) -> usize {
        ((t / self.input.interval_s) as usize).min(self.input.n_intervals - 1)
    }

    /// The next arrival of queue `q` after time `t`: invert the piecewise-linear
    /// integrated rate at an Exp(1) draw.
    pub(super) fn next_arrival(&mut self, q: usize, t: f64) -> f64 {
        let mut need = self.exp1();
        let len = self.input.interval_s;
        let mut i = (t / len) as usize;
        let mut now = t;
        let calls = &self.input.queues[q].calls;
        while i < calls.len() {
            let rate = calls[i] / len;
            let end = (i + 1) as f64 * len;
            let mass = rate * (end - now);
            if need < mass {
                return now + need / rate;
            }
            need -= mass;
            now = end;
            i += 1;
        }
        f64::INFINITY
    }

    pub(super) fn add_busy(&mut self, seat: usize, start: f64, dur: f64) {
        let len = self.input.interval_s;
        let end = (start + dur).min(self.plan.horizon);
        let mut t = start;
        while t < end {
            let i = self.interval_of(t);
            let stop = ((i + 1) as f64 * len).min(end);
            self.cells[i * self.nq + seat].busy_s += stop - t;
            if stop <= t {
                break;
            }
            t = stop;
        }
    }

    /// Where agent `a` waits when idle: its seat type and grade.
    pub(super) fn idle_slot(&self, a: u32) -> usize {
        let agent = &self.input.agents[a as usize];
        agent.seat * self.plan.grades + agent.grade as usize
    }

    /// Agent `a` starts a call of queue `q` at `t`.
    pub(super) fn serve(&mut self, a: u32, q: usize, call: Call, t: f64) {
        let wait = t - call.arrival;
        let c = &mut self.cells[call.cell as usize];
        c.answered += 1;
        c.wait_sum += wait;
        if wait <= self.input.answer_s {
            c.within += 1;
        }
        if wait > 0.0 {
            c.waited += 1;
        }
        let dur = self.plan.handle[q].sample(&mut self.rng);
        let seat = self.input.agents[a as usize].seat;
        self.add_busy(seat, t, dur);
        self.busy[a as usize] = true;
        self.serving[a as usize] = (q as u16, call.escalated);
        self.done.push(Reverse(((t + dur).to_bits(), a)));
        self.events += 1;
    }

    /// Drop the abandoned calls at the head of queue `q` (deadline passed by `t`).
    #[inline]
    pub(super) fn purge(&mut self, q: usize, t: f64) {
        while let Some(c) = self.queues[q].front() {
            if c.deadline < t {
                let cell = c.cell as usize;
                self.cells[cell].abandoned += 1;
                self.cells[cell].waited += 1;
                self.events += 1;
                self.queues[q].pop_front();
            } else {
                break;
            }
        }
    }

    /// A free, available agent looks for work: its own queue first, then the oldest call
    /// waiting at another seat type it may help. Returns whether it took a call.
    pub(super) fn take_work(&mut self, a: u32, t: f64) -> bool {
        let seat = self.input.agents[a as usize].seat;
        self.purge(seat, t);
        if let Some(call) = self.queues[seat].pop_front() {
            self.serve(a, seat, call, t);
            return true;
        }
        let grade = self.input.agents[a as usize].grade;
        let mut best: Option<(usize, f64)> = None;
        for k in 0..self.plan.others[seat].len() {
            let q = self.plan.others[seat][k];
            if self.input.queues[q].min_grade > grade {
                continue;
            }
            self.purge(q, t);
            if let Some(c) = self.queues[q].front()
                && best.is_none_or(|(_, at)| c.arrival < at)
            {
                best = Some((q, c.arrival));
            }
        }
        if let Some((q, _)) = best {
            let call = self.queues[q].pop_front().expect("head checked");
            self.serve(a, q, call, t);
            return true;
        }
        false
    }

    pub(super) fn arrive(&mut self, q: usize, t: f64, escalated: bool) {
        self.events += 1;
        self.calls += 1;
        let cell = (self.interval_of(t) * self.nq + q) as u32;
        self.cells[cell as usize].offered += 1;
        let grades = self.plan.grades;
        let need = self.input.queues[q].min_grade as usize;
        // own seat type first (lowest grade first, to keep seniors free), then helpers
        let agent = (0..grades)
            .find_map(|g| self.idle[q * grades + g].pop())
            .or_else(|| {
                for k in 0..self.plan.helpers[q].len() {
                    let s = self.plan.helpers[q][k];
                    for g in need..grades {
                        if let Some(a) = self.idle[s * grades + g].pop() {
                            return Some(a);
                        }
                    }
                }
                None
            });
        let patience = self.input.queues[q].patience_s;
        let deadline = match patience {
            Some(p) if agent.is_none() => t + p * self.exp1(),
            _ => f64::INFINITY,
        };
        let call = Call {
            arrival: t,
            deadline,
            cell,
            escalated,
        };
        match agent {
            Some(a) => self.serve(a, q, call, t),
            None => self.queues[q].push_back(call),
        }
    }

    pub(super) fn complete(&mut self, a: u32, t: f64) {
        self.events += 1;
        self.busy[a as usize] = false;
        let (q, escalated) = self.serving[a as usize];
        let q = q as usize;
        if !escalated && let Some(to) = self.input.escalate_to {
            let share = self.input.queues[q].escalate;
            if share > 0.0 && rand::RngExt::random::<f64>(&mut self.rng) < share {
                self.arrive(to, t, true);
            }
        }
        if self.avail[a as usize] && !self.take_work(a, t) {
            let slot = self.idle_slot(a);
            self.idle[slot].push(a);
        }
    }

    /// Availability changes at change point `ci`: only the agents whose availability
    /// differs from the previous point are touched (an idle agent never coexists with a
    /// call it may take, so the others have nothing new to do).
    pub(super) fn change(&mut self, ci: usize, t: f64) {
        self.events += 1;
        let plan = self.plan;
        let now = &plan.available[ci];
        if ci > 0 {
            for &a in &plan.available[ci - 1] {
                if now.binary_search(&a).is_err() {
                    self.avail[a as usize] = false;
                    let slot = self.idle_slot(a);
                    if let Some(k) = self.idle[slot].iter().position(|&x| x == a) {
                        self.idle[slot].remove(k);
                    }
                }
            }
        }
        for &a in now {
            if self.avail[a as usize] {
                continue;
            }
            self.avail[a as usize] = true;
            if !self.busy[a as usize] && !self.take_work(a, t) {
                let slot = self.idle_slot(a);
                self.idle[slot].push(a);
            }
        }
    }

    pub(super) fn run(mut self) -> (Vec<CellCount>, u64, u64) {
        let nq = self.nq;
        let mut next: Vec<f64> = (0..nq).map(|q| self.next_arrival(q, 0.0)).collect();
        let mut ci = 0usize;
        loop {
            let (qa, ta) =
                next.iter()
                    .enumerate()
                    .fold((usize::MAX, f64::INFINITY), |best, (q, &t)| {
                        if t < best.1 { (q, t) } else { best }
                    });
            let td = self
                .done
                .peek()
                .map(|Reverse((bits, _))| f64::from_bits(*bits))
                .unwrap_or(f64::INFINITY);
            let tc = self.plan.changes.get(ci).copied().unwrap_or(f64::INFINITY);
            if tc <= ta && tc <= td {
                if tc >= self.plan.horizon {
                    break;
                }
                self.change(ci, tc);
                ci += 1;
            } else if td <= ta {
                if td >= self.plan.horizon {
                    break;
                }
                let Reverse((_, a)) = self.done.pop().expect("peeked");
                self.complete(a, td);
            } else {
                if ta >= self.plan.horizon {
                    break;
                }
                self.arrive(qa, ta, false);
                next[qa] = self.next_arrival(qa, ta);
            }
        }
        // The centre closes at the horizon: calls still waiting count as abandoned.
        for q in 0..nq {
            while let Some(c) = self.queues[q].pop_front() {
                self.cells[c.cell as usize].abandoned += 1;
                self.cells[c.cell as usize].waited += 1;
            }
        }
        (self.cells, self.events, self.calls)
    }
}
