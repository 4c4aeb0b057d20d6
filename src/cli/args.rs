//! The flag groups several commands share (one `#[command(flatten)]` struct each) and the
//! closed sets a flag chooses from (one `ValueEnum` each, mapped onto the library's own enum).

use std::path::PathBuf;

use clap::ValueEnum;
use roster::model::{Approver, LeaveKind};
use roster::plot::Kind;
use roster::solve::Backend;

use super::CliError;

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

impl SolveLimits {
    /// `--time-limit` and `--gap` as every solving command accepts them.
    pub fn check(&self) -> Result<(), CliError> {
        if self.time_limit.is_nan() || self.time_limit <= 0.0 {
            return Err(CliError::Flag(
                "--time-limit must be a positive number of seconds".into(),
            ));
        }
        if !(0.0..1.0).contains(&self.gap) {
            return Err(CliError::Flag(
                "--gap must be a fraction in [0, 1), e.g. 0.01 for 1 %".into(),
            ));
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The name a flag takes for each value.
    fn flag_names<V: ValueEnum>() -> Vec<String> {
        V::value_variants()
            .iter()
            .map(|v| {
                v.to_possible_value()
                    .expect("no value is hidden")
                    .get_name()
                    .to_string()
            })
            .collect()
    }

    /// Each value is spelt on the command line as the library (and so the scenario file and
    /// the JSON) spells the value it stands for, and no two flag values name one value.
    #[test]
    fn flag_values_are_the_librarys_names() {
        let pairs: Vec<(Vec<String>, Vec<&str>)> = vec![
            (
                flag_names::<Solver>(),
                Solver::value_variants()
                    .iter()
                    .map(|&v| Backend::from(v).name())
                    .collect(),
            ),
            (
                flag_names::<ChartKind>(),
                ChartKind::value_variants()
                    .iter()
                    .map(|&v| Kind::from(v).name())
                    .collect(),
            ),
            (
                flag_names::<LeaveKindArg>(),
                LeaveKindArg::value_variants()
                    .iter()
                    .map(|&v| LeaveKind::from(v).name())
                    .collect(),
            ),
            (
                flag_names::<ApproverArg>(),
                ApproverArg::value_variants()
                    .iter()
                    .map(|&v| Approver::from(v).name())
                    .collect(),
            ),
        ];
        for (flags, library) in pairs {
            assert_eq!(flags, library);
            let mut distinct = library.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), library.len(), "{library:?}");
        }
    }

    /// Every value the library has can be asked for by a flag.
    #[test]
    fn every_library_value_has_a_flag_value() {
        assert_eq!(ChartKind::value_variants().len(), Kind::ALL.len());
        for name in ["personal", "special", "sick", "annual"] {
            let kind = LeaveKind::parse(name).expect("a leave kind");
            assert!(flag_names::<LeaveKindArg>().contains(&kind.name().to_string()));
        }
        for name in ["none", "lead", "dept_head", "centre_director", "management"] {
            let approver = Approver::parse(name).expect("an approver");
            assert!(flag_names::<ApproverArg>().contains(&approver.name().to_string()));
        }
    }
}
