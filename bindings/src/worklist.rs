//! A work list written as an xlsx workbook by `doichieu_engine::worklist`:
//! the tables arrive as dicts of text columns (Arrow or lists of str/None,
//! read in place) and the workbook is written with the GIL released.

use std::path::PathBuf;

use doichieu_engine::records::StrSource;
use doichieu_engine::worklist::{self, InfoValue, TextTable, WorkList, WorklistError};
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::InvalidInputError;
use crate::records::{read_source, Source};

/// A dict's columns in its order, with their names as headers.
fn columns(table: &Bound<'_, PyDict>) -> PyResult<(Vec<String>, Vec<Source>)> {
    let mut headers = Vec::with_capacity(table.len());
    let mut sources = Vec::with_capacity(table.len());
    for (key, value) in table.iter() {
        let name: String = key.extract()?;
        sources.push(read_source(&name, &value)?);
        headers.push(name);
    }
    Ok((headers, sources))
}

fn text_table<'a>(headers: &'a [String], sources: &'a [Source], dates: Vec<usize>) -> TextTable<'a> {
    TextTable {
        headers: headers.iter().map(String::as_str).collect(),
        columns: sources.iter().map(|s| s as &dyn StrSource).collect(),
        dates,
    }
}

/// The positions of the `dates` columns among `headers`.
fn date_positions(headers: &[String], dates: &[String]) -> PyResult<Vec<usize>> {
    dates
        .iter()
        .map(|d| {
            headers
                .iter()
                .position(|h| h == d)
                .ok_or_else(|| InvalidInputError::new_err(format!("date column {d:?} is not among the rows' columns")))
        })
        .collect()
}

/// A value of the information sheet: text, or a number.
#[derive(FromPyObject)]
enum Info {
    Text(String),
    Number(f64),
}

fn worklist_err(e: WorklistError) -> PyErr {
    match e {
        WorklistError::Io(io) => PyOSError::new_err(io.to_string()),
        other => InvalidInputError::new_err(other.to_string()),
    }
}

/// Writes a work list to `path`, readable by its owner only: `rows` (a dict of
/// text columns, its keys the headers) one sheet per value of `sheets` (a text
/// column as long as the rows: the ward, say), the sheets in the order their
/// value first appears, a row with an empty value on `rows_sheet` (which also
/// shows the headers of an empty list), numbered sheets of `sheet_rows` rows
/// when longer; the `dates` columns written dd/mm/yyyy where the engine reads
/// them; `legend` likewise on `legend_sheet`, and `info` (label, value pairs; a
/// value is text or a number) on `info_sheet`. Sheet names are made valid for
/// Excel. Every value is written as text, a leading "=" included.
#[pyfunction]
#[pyo3(signature = (path, rows, legend, info, *, sheets, rows_sheet, legend_sheet, info_sheet, sheet_rows, dates=Vec::new()))]
fn write_worklist(
    py: Python<'_>,
    path: PathBuf,
    rows: &Bound<'_, PyDict>,
    legend: &Bound<'_, PyDict>,
    info: Vec<(String, Info)>,
    sheets: &Bound<'_, PyAny>,
    rows_sheet: &str,
    legend_sheet: &str,
    info_sheet: &str,
    sheet_rows: usize,
    dates: Vec<String>,
) -> PyResult<()> {
    let (row_headers, row_sources) = columns(rows)?;
    let (legend_headers, legend_sources) = columns(legend)?;
    let sheet_of_row = read_source("sheets", sheets)?;
    let row_dates = date_positions(&row_headers, &dates)?;
    let list = WorkList {
        rows: text_table(&row_headers, &row_sources, row_dates),
        sheet_of_row: &sheet_of_row,
        rows_sheet,
        sheet_rows,
        legend_sheet,
        legend: text_table(&legend_headers, &legend_sources, Vec::new()),
        info_sheet,
        info: info
            .iter()
            .map(|(label, value)| {
                let value = match value {
                    Info::Text(text) => InfoValue::Text(text),
                    Info::Number(n) => InfoValue::Number(*n),
                };
                (label.as_str(), value)
            })
            .collect(),
    };
    py.detach(|| worklist::write(&path, &list)).map_err(worklist_err)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(write_worklist, m)?)?;
    Ok(())
}
