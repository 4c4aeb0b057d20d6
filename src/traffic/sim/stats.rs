//! Replication results combined: running moments per cell and metric, and the
//! confidence intervals they give.

use super::*;

#[derive(Clone, Copy, Default)]
pub(super) struct Moments {
    pub(super) n: u32,
    pub(super) sum: f64,
    pub(super) sumsq: f64,
}

impl Moments {
    #[inline]
    pub(super) fn add(&mut self, x: f64) {
        self.n += 1;
        self.sum += x;
        self.sumsq += x * x;
    }
    pub(super) fn merge(&mut self, o: &Moments) {
        self.n += o.n;
        self.sum += o.sum;
        self.sumsq += o.sumsq;
    }
    pub(super) fn estimate(&self) -> Option<Estimate> {
        if self.n == 0 {
            return None;
        }
        let n = self.n as f64;
        let mean = self.sum / n;
        let half = if self.n > 1 {
            let var = ((self.sumsq - n * mean * mean) / (n - 1.0)).max(0.0);
            t975(self.n - 1) * (var / n).sqrt()
        } else {
            f64::INFINITY
        };
        Some(Estimate {
            mean,
            lo: mean - half,
            hi: mean + half,
            n: self.n,
        })
    }
}

/// Two-sided 95 % Student t quantile.
pub fn t975(df: u32) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => T[df as usize - 1],
        // Cornish–Fisher: z + (z³ + z) / (4·df)
        _ => 1.959964 + 2.372 / df as f64,
    }
}

pub(super) const METRICS: usize = 5; // sl, asa, abandon, occupancy, p_wait

#[derive(Clone)]
pub(super) struct Acc {
    pub(super) cells: Vec<[Moments; METRICS]>,
    pub(super) offered: Vec<f64>,
    pub(super) totals: Vec<[Moments; METRICS]>,
    pub(super) total_offered: Vec<f64>,
    pub(super) events: u64,
    pub(super) calls: u64,
}

impl Acc {
    pub(super) fn new(ncells: usize, nq: usize) -> Self {
        Acc {
            cells: vec![[Moments::default(); METRICS]; ncells],
            offered: vec![0.0; ncells],
            totals: vec![[Moments::default(); METRICS]; nq],
            total_offered: vec![0.0; nq],
            events: 0,
            calls: 0,
        }
    }

    pub(super) fn add_rep(
        &mut self,
        counts: &[CellCount],
        staffed: &[f64],
        nq: usize,
        range: (usize, usize),
    ) {
        let metrics = |c: &CellCount, staffed: f64| -> [Option<f64>; METRICS] {
            let off = c.offered as f64;
            [
                (c.offered > 0).then(|| c.within as f64 / off),
                (c.answered > 0).then(|| c.wait_sum / c.answered as f64),
                (c.offered > 0).then(|| c.abandoned as f64 / off),
                (staffed > 0.0).then(|| c.busy_s / staffed),
                (c.offered > 0).then(|| c.waited as f64 / off),
            ]
        };
        for (i, c) in counts.iter().enumerate() {
            self.offered[i] += c.offered as f64;
            for (m, v) in self.cells[i].iter_mut().zip(metrics(c, staffed[i])) {
                if let Some(v) = v {
                    m.add(v);
                }
            }
        }
        for q in 0..nq {
            let mut sum = CellCount::default();
            let mut st = 0.0;
            for i in range.0..range.1 {
                let c = &counts[i * nq + q];
                sum.offered += c.offered;
                sum.answered += c.answered;
                sum.within += c.within;
                sum.abandoned += c.abandoned;
                sum.waited += c.waited;
                sum.wait_sum += c.wait_sum;
                sum.busy_s += c.busy_s;
                st += staffed[i * nq + q];
            }
            self.total_offered[q] += sum.offered as f64;
            for (m, v) in self.totals[q].iter_mut().zip(metrics(&sum, st)) {
                if let Some(v) = v {
                    m.add(v);
                }
            }
        }
    }

    pub(super) fn merge(&mut self, o: &Acc) {
        for (a, b) in self.cells.iter_mut().zip(&o.cells) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
        for (a, b) in self.offered.iter_mut().zip(&o.offered) {
            *a += b;
        }
        for (a, b) in self.totals.iter_mut().zip(&o.totals) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
        for (a, b) in self.total_offered.iter_mut().zip(&o.total_offered) {
            *a += b;
        }
        self.events += o.events;
        self.calls += o.calls;
    }
}
