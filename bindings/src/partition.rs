//! The keys a distributed run (doichieu.spark) groups rows by, as Arrow tables:
//! the citizen ID read as the check reads it, the old numbers, and the name
//! blocks (`doichieu_engine::records::PopulationIndex::population_keys`,
//! `member_keys`). Block keys are 64-bit hashes carried as Int64 (same bits).

use std::sync::Arc;

use arrow_array::builder::{Int64Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, StringArray};
use doichieu_engine::records::citizen_id::CleanId;
use doichieu_engine::records::{IdReading, PopulationColumns, PopulationIndex as CoreIndex, StrSource};
use doichieu_engine::vocabulary::{self, fields::required_codes, POPULATION_COLUMNS};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::PyTable;

use crate::errors::InvalidInputError;
use crate::records::{engine_err, options, read_source, read_table};
use crate::revalidation::{batch, roster_columns, roster_sources, table};

fn kind(id: CleanId) -> &'static str {
    match id {
        CleanId::Missing => "missing",
        CleanId::Personal(_) => "personal",
        CleanId::Legacy(_) => "legacy",
        CleanId::Malformed(_) => "malformed",
    }
}

/// The number written out: 12 digits, or 9 for an old one; None otherwise.
fn digits(id: CleanId) -> Option<String> {
    match id {
        CleanId::Personal(n) => Some(format!("{n:012}")),
        CleanId::Legacy(n) => Some(format!("{n:09}")),
        _ => None,
    }
}

fn arrow_err(what: &str, e: arrow_schema::ArrowError) -> PyErr {
    InvalidInputError::new_err(format!("{what}: {e}"))
}

/// Citizen IDs as typed (an Arrow text column or a list of str/None), read as
/// the cross-check reads a member's: spaces, dots and dashes dropped, leading
/// zeros a spreadsheet lost put back. A table: kind (missing, personal, legacy,
/// malformed) and citizen_id (12 digits, or 9 for an old number; null otherwise).
#[pyfunction]
fn normalise_citizen_ids(py: Python<'_>, values: &Bound<'_, PyAny>) -> PyResult<PyTable> {
    let source = read_source("citizen_id", values)?;
    let ids: Vec<CleanId> =
        py.detach(|| (0..source.len()).map(|i| IdReading::read(source.get(i)).cleaned.id).collect());
    let kinds: ArrayRef = Arc::new(StringArray::from_iter_values(ids.iter().map(|&id| kind(id))));
    let numbers: ArrayRef = Arc::new(ids.iter().map(|&id| digits(id)).collect::<StringArray>());
    table(batch(vec![("kind", kinds), ("citizen_id", numbers)]).map_err(|e| arrow_err("normalise_citizen_ids", e))?)
}

/// What each population row (a dict of the population columns) is found by: a
/// table of citizen_id (its 12-digit number, or null), old_ids (its old 9-digit
/// numbers) and block_keys (the name blocks it is filed under).
#[pyfunction]
fn population_keys(py: Python<'_>, columns: &Bound<'_, PyDict>) -> PyResult<PyTable> {
    let sources = read_table(columns, &POPULATION_COLUMNS, &required_codes(&vocabulary::POPULATION))?;
    let refs: Vec<&dyn StrSource> = sources.iter().map(|s| s as &dyn StrSource).collect();
    let arr: [&dyn StrSource; 7] =
        refs.try_into().map_err(|_| InvalidInputError::new_err("seven population columns expected"))?;
    let population = PopulationColumns::new(arr).map_err(engine_err)?;
    let built = py.detach(|| {
        let keys = CoreIndex::population_keys(&population);
        let citizen_id: ArrayRef =
            Arc::new(keys.iter().map(|k| k.citizen_id.map(|n| format!("{n:012}"))).collect::<StringArray>());
        let mut old = ListBuilder::new(StringBuilder::new());
        let mut blocks = ListBuilder::new(Int64Builder::new());
        for k in &keys {
            for n in &k.old_ids {
                old.values().append_value(format!("{n:09}"));
            }
            old.append(true);
            blocks.values().extend(k.blocks.iter().map(|&b| Some(b as i64)));
            blocks.append(true);
        }
        batch(vec![
            ("citizen_id", citizen_id),
            ("old_ids", Arc::new(old.finish())),
            ("block_keys", Arc::new(blocks.finish())),
        ])
    });
    table(built.map_err(|e| arrow_err("population_keys", e))?)
}

/// What each roster member's check (a dict of the roster columns, read with the
/// reference date `as_of`) looks the population up by: a table of
/// citizen_id_kind and citizen_id (as `normalise_citizen_ids`; missing when the
/// roster has no citizen_id column) and block_keys (the name blocks its
/// candidate search may look in).
#[pyfunction]
#[pyo3(signature = (columns, as_of = None))]
fn roster_keys(py: Python<'_>, columns: &Bound<'_, PyDict>, as_of: Option<(i32, u32, u32)>) -> PyResult<PyTable> {
    let as_of = options(as_of, 5, 0.6)?.as_of;
    let sources = roster_sources(columns)?;
    let roster = roster_columns(&sources)?;
    let built = py.detach(|| {
        let keys = CoreIndex::member_keys(&roster, as_of);
        let kinds: ArrayRef = Arc::new(StringArray::from_iter_values(keys.iter().map(|k| kind(k.citizen_id))));
        let numbers: ArrayRef = Arc::new(keys.iter().map(|k| digits(k.citizen_id)).collect::<StringArray>());
        let mut blocks = ListBuilder::new(Int64Builder::new());
        for k in &keys {
            blocks.values().extend(k.blocks.iter().map(|&b| Some(b as i64)));
            blocks.append(true);
        }
        batch(vec![("citizen_id_kind", kinds), ("citizen_id", numbers), ("block_keys", Arc::new(blocks.finish()))])
    });
    table(built.map_err(|e| arrow_err("roster_keys", e))?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(normalise_citizen_ids, m)?)?;
    m.add_function(wrap_pyfunction!(population_keys, m)?)?;
    m.add_function(wrap_pyfunction!(roster_keys, m)?)?;
    Ok(())
}
