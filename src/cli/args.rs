//! The flag groups several commands share (one `#[command(flatten)]` struct each) and the
//! closed sets a flag chooses from (one `ValueEnum` each, mapped onto the library's own enum).

use std::path::PathBuf;

use clap::ValueEnum;
use roster::model::{Approver, LeaveKind};
use roster::plot::Kind;
use roster::solve::Backend;

/// The scenario and a roster of its month, as every command about a roster reads them.
#[derive(clap::Args)]
pub struct RosterInputs {
    /// The scenario (TOML).
    pub scenario: PathBuf,
    /// The roster (JSON), as `roster solve` writes it.
    pub roster: PathBuf,
}

#[derive(clap::Args)]
pub struct JsonFlag {
    /// Print one JSON document on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

/// How long and how exactly a MIP is solved. `--time-limit` has no default here: each
/// command sets its own with `mut_arg`, since a month and a benchmark need different time.
#[derive(clap::Args)]
pub struct SolveLimits {
    /// Stop after this many seconds with the best roster found.
    #[arg(long, required = false)]
    pub time_limit: f64,
    /// Accept a roster within this relative gap of the bound (0.01 = 1 %); 0 proves optimality.
    #[arg(long, default_value_t = 0.0)]
    pub gap: f64,
    /// The MIP solver.
    #[arg(long, value_enum, default_value_t = Solver::Cbc)]
    pub solver: Solver,
}

/// A simulation of the month's calls: how many replications, from which seed. The same
/// seed gives the same numbers. `--replications` defaults to 100; `advise` raises it.
#[derive(clap::Args)]
pub struct SimulationRun {
    /// Replications of the simulation.
    #[arg(long, default_value_t = 100)]
    pub replications: u32,
    /// Seed of the simulation; the same seed gives the same result.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Where a chart or the report gets its service levels: a file, or a simulation here.
#[derive(clap::Args)]
pub struct ServiceSource {
    /// Service level per interval as JSON (`roster simulate --service-out`); without it the
    /// roster is simulated here (always for `plot --kind service`; for `report`, when the
    /// scenario has a `[traffic]` table).
    #[arg(long)]
    pub service: Option<PathBuf>,
    #[command(flatten)]
    pub simulation: SimulationRun,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Solver {
    /// CBC, bundled.
    Cbc,
    /// HiGHS, with `--features highs`.
    Highs,
}

impl From<Solver> for Backend {
    fn from(s: Solver) -> Backend {
        match s {
            Solver::Cbc => Backend::Cbc,
            Solver::Highs => Backend::Highs,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ChartKind {
    /// Seats filled against demand, per day and shift (or one day's with --date).
    Coverage,
    /// The month as a heat map of who works which shift.
    Roster,
    /// Service level per interval, from a simulation.
    Service,
    /// Night and weekend shifts per person.
    Fairness,
}

impl From<ChartKind> for Kind {
    fn from(k: ChartKind) -> Kind {
        match k {
            ChartKind::Coverage => Kind::Coverage,
            ChartKind::Roster => Kind::Roster,
            ChartKind::Service => Kind::Service,
            ChartKind::Fairness => Kind::Fairness,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LeaveKindArg {
    Personal,
    Special,
    Sick,
    Annual,
}

impl From<LeaveKindArg> for LeaveKind {
    fn from(k: LeaveKindArg) -> LeaveKind {
        match k {
            LeaveKindArg::Personal => LeaveKind::Personal,
            LeaveKindArg::Special => LeaveKind::Special,
            LeaveKindArg::Sick => LeaveKind::Sick,
            LeaveKindArg::Annual => LeaveKind::Annual,
        }
    }
}

/// Spelt as in the scenario's `approved_by`, with underscores.
#[derive(Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum ApproverArg {
    Lead,
    DeptHead,
    CentreDirector,
    Management,
    None,
}

impl From<ApproverArg> for Approver {
    fn from(a: ApproverArg) -> Approver {
        match a {
            ApproverArg::Lead => Approver::Lead,
            ApproverArg::DeptHead => Approver::DeptHead,
            ApproverArg::CentreDirector => Approver::CentreDirector,
            ApproverArg::Management => Approver::Management,
            ApproverArg::None => Approver::None,
        }
    }
}
