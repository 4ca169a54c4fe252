//! The engine's vocabulary for Python (`doichieu.vocabulary` builds its constants
//! and titles from it): every concept's terms, and the tables' columns.

use doichieu_engine::dedup::PERSON_FIELDS;
use doichieu_engine::vocabulary::{concepts, fields::required_codes, Column, TermRow, POPULATION, ROSTER};
use pyo3::prelude::*;

/// Every concept of the vocabulary ("verdicts", "severities", "owners",
/// "duplicate_types", "match_kinds", "statuses", "fields", "roster_checks"), each a list of
/// (code, Vietnamese title, English title) in the engine's order.
#[pyfunction]
fn vocabulary() -> Vec<(&'static str, Vec<TermRow>)> {
    concepts()
}

fn codes(columns: &[Column]) -> Vec<&'static str> {
    columns.iter().map(|c| c.field.as_str()).collect()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(vocabulary, m)?)?;
    m.add("ROSTER_COLUMNS", codes(&ROSTER))?;
    m.add("ROSTER_REQUIRED", required_codes(&ROSTER))?;
    m.add("POPULATION_COLUMNS", codes(&POPULATION))?;
    m.add("POPULATION_REQUIRED", required_codes(&POPULATION))?;
    m.add("DEDUP_COLUMNS", PERSON_FIELDS.iter().map(|f| f.as_str()).collect::<Vec<_>>())?;
    Ok(())
}
