//! The column generation's root bound on Curtois & Qu instances, one line each: the greedy
//! roster's objective, the bound (rounded up), the last master LP's value, the rounds, and
//! whether it converged, with the seconds it took. For BENCHMARKS.md's nrp section:
//!
//!     cargo run --example nrp_bounds -- ../shared/benchmarks/curtois/Instance{1..12}.txt

use roster::nrp::{Instance, column_generation_bound};
use roster::solve::SolveOptions;
use std::path::Path;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    println!("| instance | greedy | CG bound | master LP | rounds | converged | seconds |");
    println!("|---|---|---|---|---|---|---|");
    for file in std::env::args().skip(1) {
        let inst = Instance::load(Path::new(&file))?;
        let started = Instant::now();
        let b = column_generation_bound(&inst, &SolveOptions::default())?;
        let name = Path::new(&file)
            .file_stem()
            .map_or(file.clone(), |s| s.to_string_lossy().into_owned());
        println!(
            "| {name} | {} | {} | {:.2} | {} | {} | {:.1} |",
            b.greedy,
            b.bound,
            b.master_value,
            b.rounds,
            b.converged,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
