//! A fixed synthetic province for profiling the cross-check without Python:
//! `cargo run --release -p doichieu-engine --features synth --example records_profile [N]`
//! builds the population index and verifies the whole roster, then prints the
//! counts and a digest of every output, so that a change to the check can be
//! shown to leave its answers as they were (run it under
//! `valgrind --tool=callgrind` with RAYON_NUM_THREADS=1 to count instructions).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::time::Instant;

use doichieu_engine::records::{Options, PopulationIndex};
use doichieu_engine::records::{PopulationColumns, RosterColumns, StrSource};
use doichieu_engine::synth::{Config, Generator, Table};
use doichieu_engine::vocabulary::{POPULATION_COLUMNS, ROSTER_COLUMNS};

fn columns<'a, const N: usize>(table: &'a Table, names: &[&str; N]) -> [&'a dyn StrSource; N] {
    std::array::from_fn(|i| table.column(names[i]).expect("the generator writes every column") as &dyn StrSource)
}

/// CPU seconds this process has used, all threads (user + system), from
/// /proc/self/stat; 0 where there is none. On a shared machine the wall time of
/// a phase says little; its CPU time holds.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // The fields after the command name (which may hold spaces) start after ')'.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line: 11 and 12 counted from 0 after ')';
    // the kernel counts them in USER_HZ, 100 on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let config = Config::new(n, 7);
    let as_of = config.as_of;
    let generator = Generator::new(config).expect("a valid configuration");
    let (roster, population) = generator.generate_all().expect("the province generates");

    let started = Instant::now();
    let cpu = cpu_seconds();
    let population = PopulationColumns::new(columns(&population, &POPULATION_COLUMNS)).expect("equal columns");
    let options = Options { as_of, ..Options::default() };
    let index = PopulationIndex::build(&population, options).expect("the index builds");
    let built = started.elapsed();
    let built_cpu = cpu_seconds() - cpu;

    let started = Instant::now();
    let cpu = cpu_seconds();
    let roster = RosterColumns::new(columns(&roster.roster, &ROSTER_COLUMNS)).expect("equal columns");
    let answers = index.verify_all(&roster);
    let checked = started.elapsed();
    let checked_cpu = cpu_seconds() - cpu;

    let mut digest = DefaultHasher::new();
    format!("{answers:?}").hash(&mut digest);
    println!(
        "{} roster rows, {} findings, {} candidates; build {:.3} s ({:.2} CPU s), check {:.3} s ({:.2} CPU s); digest {:016x}",
        answers.len(),
        answers.findings.len(),
        answers.candidate_row.len(),
        built.as_secs_f64(),
        built_cpu,
        checked.as_secs_f64(),
        checked_cpu,
        digest.finish()
    );
}
