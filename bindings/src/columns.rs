//! Columns across the boundary: a Python sequence of str, or any Arrow string
//! array or stream (pyarrow, polars, arro3) through the PyCapsule interface.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, LargeStringArray, StringArray, StringViewArray};
use arrow_buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use doichieu_engine::{names, StrColumn};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyList, PyString};
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::PyArray;

use crate::errors::{InvalidInputError, NotAStringError};

/// Input strings, borrowed from Python or Arrow memory without copying. Both kinds
/// are Send, so the engine reads them while the GIL is released.
pub enum Column {
    Python(Vec<PyBackedStr>),
    Arrow(Vec<ArrayRef>),
}

impl Column {
    pub fn is_arrow(&self) -> bool {
        matches!(self, Column::Arrow(_))
    }

    pub fn len(&self) -> usize {
        match self {
            Column::Python(v) => v.len(),
            Column::Arrow(chunks) => chunks.iter().map(|c| c.len()).sum(),
        }
    }

    /// The values as optional &str, in order (nulls only come from Arrow).
    pub fn values(&self) -> Vec<Option<&str>> {
        match self {
            Column::Python(v) => v.iter().map(|s| Some(&**s)).collect(),
            Column::Arrow(chunks) => {
                let mut out = Vec::with_capacity(self.len());
                for chunk in chunks {
                    let any = chunk.as_any();
                    if let Some(a) = any.downcast_ref::<StringViewArray>() {
                        out.extend(a.iter());
                    } else if let Some(a) = any.downcast_ref::<LargeStringArray>() {
                        out.extend(a.iter());
                    } else if let Some(a) = any.downcast_ref::<StringArray>() {
                        out.extend(a.iter());
                    }
                }
                out
            }
        }
    }
}

fn extract_str(item: &Bound<'_, PyAny>, index: usize) -> PyResult<PyBackedStr> {
    let Ok(s) = item.cast::<PyString>() else {
        let type_name = item.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
        return Err(NotAStringError::new_err(format!("name at position {index} is {type_name}, not str")));
    };
    s.to_owned().try_into().map_err(|_: PyErr| {
        InvalidInputError::new_err(format!(
            "name at position {index} contains a lone surrogate (U+D800–U+DFFF), which is not text; \
             decode the source with errors='replace' or fix the file"
        ))
    })
}

pub fn one_str(obj: &Bound<'_, PyAny>) -> PyResult<PyBackedStr> {
    extract_str(obj, 0)
}

/// Accepts a list/tuple/iterable of str, or an Arrow string column of any flavour.
pub fn extract(obj: &Bound<'_, PyAny>) -> PyResult<Column> {
    let py = obj.py();
    if obj.is_instance_of::<PyString>() {
        return Err(NotAStringError::new_err(
            "expected a column of names (a list of str or an Arrow/polars string column), got a single str",
        ));
    }
    if obj.hasattr(pyo3::intern!(py, "__arrow_c_array__"))? || obj.hasattr(pyo3::intern!(py, "__arrow_c_stream__"))? {
        let chunked = obj.extract::<AnyArray>()?.into_chunked_array()?;
        let (chunks, field) = chunked.into_inner();
        use arrow_schema::DataType::*;
        match field.data_type() {
            Utf8 | LargeUtf8 | Utf8View => {}
            Null if chunks.iter().all(|c| c.is_empty()) => {}
            other => {
                return Err(NotAStringError::new_err(format!("expected a string column, got Arrow type {other}")));
            }
        }
        return Ok(Column::Arrow(chunks));
    }
    let mut values = Vec::with_capacity(obj.len().unwrap_or(0));
    for (index, item) in obj.try_iter()?.enumerate() {
        values.push(extract_str(&item?, index)?);
    }
    Ok(Column::Python(values))
}

pub fn str_column_to_arrow(col: StrColumn) -> ArrayRef {
    // The data is a Rust String, so it is UTF-8 already: checking that offsets fall on
    // character boundaries costs one look per value, where Arrow's own check would
    // re-read every byte (a tenth of a bulk normalisation).
    let sound = col.offsets.first() == Some(&0)
        && col.offsets.windows(2).all(|w| w[0] <= w[1])
        && col.offsets.iter().all(|&o| usize::try_from(o).is_ok_and(|o| col.data.is_char_boundary(o)))
        && col.validity.as_ref().is_none_or(|v| v.len() + 1 == col.offsets.len());
    let offsets = OffsetBuffer::new(ScalarBuffer::from(col.offsets));
    let nulls = col.validity.map(NullBuffer::from);
    if sound {
        // SAFETY: the values are one String (valid UTF-8) and every offset is a
        // character boundary within it, in order, checked just above.
        Arc::new(unsafe { LargeStringArray::new_unchecked(offsets, col.data.into_bytes().into(), nulls) })
    } else {
        Arc::new(LargeStringArray::new(offsets, col.data.into_bytes().into(), nulls))
    }
}

/// Returns a column in the flavour it came in: a list for a list, Arrow for Arrow.
pub fn str_column_out<'py>(py: Python<'py>, col: StrColumn, arrow: bool) -> PyResult<Bound<'py, PyAny>> {
    if arrow {
        return Ok(PyArray::from_array_ref(str_column_to_arrow(col)).into_pyobject(py)?.into_any());
    }
    let items = (0..col.len()).map(|i| col.get(i));
    Ok(PyList::new(py, items)?.into_any())
}

/// A written column readied for Python without the GIL: each value that owns its
/// text as `wchar_t` code units, the form `PyUnicode_FromWideChar` copies in one
/// allocation and one pass (decoding UTF-8 instead costs several, and was most of
/// a list normalisation), and each repeat pointing at the row that owns its text.
pub struct WideColumn {
    /// Per block of `WIDE_ROWS` rows: the units, and each row's span in them
    /// (`None` for a null or a repeat).
    blocks: Vec<(Vec<libc::wchar_t>, Vec<Option<(usize, usize)>>)>,
    same_as: Vec<Option<u32>>,
}

const WIDE_ROWS: usize = 4096;

impl WideColumn {
    /// Runs on all cores, one block of rows per task.
    pub fn from_shared(shared: names::SharedColumn) -> WideColumn {
        use rayon::prelude::*;
        let names::SharedColumn { column, same_as } = shared;
        let blocks = (0..column.len())
            .into_par_iter()
            .step_by(WIDE_ROWS)
            .map(|first| {
                let rows = first..(first + WIDE_ROWS).min(column.len());
                let mut units = Vec::with_capacity(rows.len() * 16);
                let mut spans = Vec::with_capacity(rows.len());
                for row in rows {
                    spans.push(match (same_as[row], column.get(row)) {
                        (None, Some(text)) => {
                            let start = units.len();
                            push_wide(text, &mut units);
                            Some((start, units.len()))
                        }
                        _ => None,
                    });
                }
                (units, spans)
            })
            .collect();
        WideColumn { blocks, same_as }
    }
}

fn push_wide(text: &str, units: &mut Vec<libc::wchar_t>) {
    if std::mem::size_of::<libc::wchar_t>() == 4 {
        units.extend(text.chars().map(|c| c as u32 as libc::wchar_t));
    } else {
        // Windows: wchar_t is UTF-16, surrogate pairs included.
        units.extend(text.encode_utf16().map(|u| u as libc::wchar_t));
    }
}

/// A list of str from a `WideColumn`: a repeated value is the same str object (a
/// roster repeats about half its names, and making a str is most of a list's cost).
pub fn str_list_wide(py: Python<'_>, wide: WideColumn) -> PyResult<Bound<'_, PyAny>> {
    let WideColumn { blocks, same_as } = wide;
    let mut objects: Vec<Option<Bound<'_, PyAny>>> = Vec::with_capacity(same_as.len());
    let rows = blocks.iter().flat_map(|(units, spans)| spans.iter().map(move |span| (units, span)));
    for ((units, span), same) in rows.zip(&same_as) {
        objects.push(match (same, span) {
            (Some(_), _) => None,
            (None, Some((start, end))) => {
                let piece = &units[*start..*end];
                // SAFETY: the pointer and length describe initialised wchar_t units
                // that outlive the call; CPython copies them into a new str (or
                // returns NULL with an exception set, which from_owned_ptr_or_err reads).
                Some(unsafe {
                    Bound::from_owned_ptr_or_err(py, pyo3::ffi::PyUnicode_FromWideChar(piece.as_ptr(), piece.len() as pyo3::ffi::Py_ssize_t))?
                })
            }
            (None, None) => Some(py.None().into_bound(py)),
        });
    }
    // A repeat may point at a later row (threads take chunks in any order).
    for i in 0..objects.len() {
        if let Some(j) = same_as[i] {
            objects[i] = objects[j as usize].clone();
        }
    }
    Ok(PyList::new(py, objects.into_iter().map(|o| o.unwrap_or_else(|| py.None().into_bound(py))))?.into_any())
}

pub fn float_column_out<'py>(py: Python<'py>, values: Vec<Option<f64>>, arrow: bool) -> PyResult<Bound<'py, PyAny>> {
    if arrow {
        let array: ArrayRef = Arc::new(Float64Array::from(values));
        return Ok(PyArray::from_array_ref(array).into_pyobject(py)?.into_any());
    }
    Ok(PyList::new(py, values)?.into_any())
}

/// An Arrow integer column (any width, nullable) as i64, nulls as `missing`.
pub fn extract_ints(obj: &Bound<'_, PyAny>, what: &str, missing: i64) -> PyResult<Vec<i64>> {
    let py = obj.py();
    if !(obj.hasattr(pyo3::intern!(py, "__arrow_c_array__"))? || obj.hasattr(pyo3::intern!(py, "__arrow_c_stream__"))?) {
        let values: Vec<Option<i64>> = obj
            .extract()
            .map_err(|_| NotAStringError::new_err(format!("{what}: expected a column of integers")))?;
        return Ok(values.into_iter().map(|v| v.unwrap_or(missing)).collect());
    }
    let (chunks, _) = obj.extract::<AnyArray>()?.into_chunked_array()?.into_inner();
    let mut out = Vec::new();
    for chunk in chunks {
        let cast = arrow_cast::cast(&chunk, &arrow_schema::DataType::Int64)
            .map_err(|e| InvalidInputError::new_err(format!("{what}: expected integers ({e})")))?;
        let ints = cast
            .as_any()
            .downcast_ref::<arrow_array::Int64Array>()
            .ok_or_else(|| InvalidInputError::new_err(format!("{what}: expected integers")))?;
        out.extend(ints.iter().map(|v| v.unwrap_or(missing)));
    }
    Ok(out)
}

pub fn arrow_out<'py>(py: Python<'py>, array: ArrayRef) -> PyResult<Bound<'py, PyAny>> {
    Ok(PyArray::from_array_ref(array).into_pyobject(py)?.into_any())
}
