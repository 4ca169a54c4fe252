//! The name layer: one-name functions, and bulk forms over whole columns.

use doichieu_engine::names::{self, Form, MatchKind, NameMatch as CoreMatch};
use doichieu_engine::StrColumn;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use crate::columns::{self, Column};
use crate::errors::to_py;

/// How one syllable of the left name pairs with the right one.
#[pyclass(module = "doichieu._engine", frozen, get_all)]
pub struct SyllableAlignment {
    left: Option<usize>,
    right: Option<usize>,
    left_text: String,
    right_text: String,
    relation: &'static str,
}

#[pymethods]
impl SyllableAlignment {
    fn __repr__(&self) -> String {
        format!(
            "SyllableAlignment(left={:?}, right={:?}, left_text={:?}, right_text={:?}, relation={:?})",
            self.left, self.right, self.left_text, self.right_text, self.relation
        )
    }
}

/// The answer of `compare_names`: a kind, a score and the syllable alignment.
#[pyclass(module = "doichieu._engine", frozen, get_all)]
pub struct NameMatch {
    kind: &'static str,
    score: f64,
    syllables: Vec<Py<SyllableAlignment>>,
    /// (side, font, name as read) where a legacy word reads as a syllable in both
    /// 8-bit fonts and the comparison took the reading the other side supports.
    reading: Option<(&'static str, &'static str, String)>,
}

#[pymethods]
impl NameMatch {
    fn __repr__(&self) -> String {
        format!("NameMatch(kind={:?}, score={:.3}, syllables={})", self.kind, self.score, self.syllables.len())
    }

    /// True for `identical` and `equivalent`: safe to treat as one name.
    #[getter]
    fn is_same_name(&self) -> bool {
        matches!(self.kind, "identical" | "equivalent")
    }
}

fn to_py_match(py: Python<'_>, m: CoreMatch) -> PyResult<NameMatch> {
    let syllables = m
        .syllables
        .into_iter()
        .map(|s| {
            Py::new(
                py,
                SyllableAlignment {
                    left: s.left,
                    right: s.right,
                    left_text: s.left_text,
                    right_text: s.right_text,
                    relation: s.relation.as_str(),
                },
            )
        })
        .collect::<PyResult<_>>()?;
    let reading = m.reading.map(|r| (r.side.as_str(), r.encoding.as_str(), r.text));
    Ok(NameMatch { kind: m.kind.as_str(), score: m.score, syllables, reading })
}

fn one(
    py: Python<'_>,
    name: &Bound<'_, PyAny>,
    f: fn(&str) -> Result<String, doichieu_engine::EngineError>,
) -> PyResult<String> {
    let s = columns::one_str(name)?;
    py.detach(|| f(&s)).map_err(to_py)
}

#[pyfunction]
fn normalize_name(py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<String> {
    one(py, name, names::normalize_name)
}

#[pyfunction]
fn name_key(py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<String> {
    one(py, name, names::name_key)
}

#[pyfunction]
fn fold_key(py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<String> {
    one(py, name, names::fold_key)
}

#[pyfunction]
fn compare_names(py: Python<'_>, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<NameMatch> {
    let a = columns::one_str(a)?;
    let b = columns::one_str(b)?;
    for s in [&a, &b] {
        if s.len() > doichieu_engine::MAX_NAME_BYTES {
            return Err(to_py(doichieu_engine::EngineError::NameTooLong {
                index: 0,
                len: s.len(),
                limit: doichieu_engine::MAX_NAME_BYTES,
            }));
        }
    }
    let m = py.detach(|| names::compare_names(&a, &b));
    to_py_match(py, m)
}

fn bulk<'py>(py: Python<'py>, names_obj: &Bound<'py, PyAny>, form: Form) -> PyResult<Bound<'py, PyAny>> {
    if !columns::is_arrow(names_obj)? {
        return columns::str_list_written(py, names_obj, form);
    }
    let column: Column = columns::extract(names_obj)?;
    let result: Result<StrColumn, _> = py.detach(|| names::write_names_bulk(&column.values(), form));
    columns::str_column_out(py, result.map_err(to_py)?, true)
}

#[pyfunction]
fn normalize_names<'py>(py: Python<'py>, names: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    bulk(py, names, Form::Display)
}

#[pyfunction]
fn name_keys<'py>(py: Python<'py>, names: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    bulk(py, names, Form::Key)
}

#[pyfunction]
fn fold_keys<'py>(py: Python<'py>, names: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    bulk(py, names, Form::Fold)
}

/// Returns (kinds, scores), each a column of the input's flavour.
#[pyfunction]
fn compare_names_bulk<'py>(
    py: Python<'py>,
    left: &Bound<'py, PyAny>,
    right: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let arrow = columns::is_arrow(left)? || columns::is_arrow(right)?;
    let sized = left.len().is_ok() && right.len().is_ok();
    let result = if !arrow && sized {
        columns::compare_lists(py, left, right)?
    } else {
        let left = columns::extract(left)?;
        let right = columns::extract(right)?;
        py.detach(|| names::compare_names_bulk(&left.values(), &right.values())).map_err(to_py)?
    };
    if !arrow {
        // Nine kinds for any number of pairs: one Python str each, shared by every
        // row, instead of a new str per pair (a tenth of a list comparison).
        let words: Vec<Bound<'py, PyAny>> =
            MatchKind::ALL.iter().map(|k| PyString::intern(py, k.as_str()).into_any()).collect();
        let none = py.None().into_bound(py);
        let kinds: Vec<Bound<'py, PyAny>> = result
            .kinds
            .iter()
            .map(|k| match k {
                Some(k) => words[MatchKind::ALL.iter().position(|a| a == k).unwrap_or(0)].clone(),
                None => none.clone(),
            })
            .collect();
        return Ok((PyList::new(py, kinds)?.into_any(), columns::float_column_out(py, result.scores, false)?));
    }
    let mut kinds = StrColumn::with_capacity(result.kinds.len(), result.kinds.len() * 12);
    for kind in &result.kinds {
        match kind {
            Some(k) => {
                kinds.data.push_str(MatchKind::as_str(*k));
                kinds.finish_value();
            }
            None => kinds.push_null(),
        }
    }
    Ok((columns::str_column_out(py, kinds, arrow)?, columns::float_column_out(py, result.scores, arrow)?))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NameMatch>()?;
    m.add_class::<SyllableAlignment>()?;
    m.add_function(wrap_pyfunction!(normalize_name, m)?)?;
    m.add_function(wrap_pyfunction!(name_key, m)?)?;
    m.add_function(wrap_pyfunction!(fold_key, m)?)?;
    m.add_function(wrap_pyfunction!(compare_names, m)?)?;
    m.add_function(wrap_pyfunction!(normalize_names, m)?)?;
    m.add_function(wrap_pyfunction!(name_keys, m)?)?;
    m.add_function(wrap_pyfunction!(fold_keys, m)?)?;
    m.add_function(wrap_pyfunction!(compare_names_bulk, m)?)?;
    Ok(())
}
