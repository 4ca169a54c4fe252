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

/// A written chunk readied for Python without the GIL: each value that owns its
/// text as `wchar_t` code units, the form `PyUnicode_FromWideChar` copies in one
/// allocation and one pass (decoding UTF-8 instead costs several, and was most of
/// a list normalisation).
struct WideChunk {
    first_row: usize,
    units: Vec<libc::wchar_t>,
    /// Each row's span of `units`; `None` for a null or a repeat.
    spans: Vec<Option<(usize, usize)>>,
    same_as: Vec<Option<u32>>,
}

impl WideChunk {
    fn new(chunk: names::WrittenChunk) -> WideChunk {
        let names::WrittenChunk { first_row, column, same_as } = chunk;
        let mut units = Vec::with_capacity(column.data.len());
        let spans = (0..column.len())
            .map(|row| match (same_as[row], column.get(row)) {
                (None, Some(text)) => {
                    let start = units.len();
                    push_wide(text, &mut units);
                    Some((start, units.len()))
                }
                _ => None,
            })
            .collect();
        WideChunk { first_row, units, spans, same_as }
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

enum Progress {
    Chunk(WideChunk),
    Done(Result<(), doichieu_engine::EngineError>),
}

/// Writes `names` in `form` as a list of str, making the strs of each chunk while
/// the workers write the next ones: on two cores, making the strs (which needs the
/// GIL) was a third of a list normalisation, done after the engine's work rather
/// than beside it. The GIL is released whenever this thread waits for a chunk. A
/// repeated name is the same str object: a roster repeats about half its names.
pub fn str_list_written<'py>(py: Python<'py>, values: &[Option<&str>], form: names::Form) -> PyResult<Bound<'py, PyAny>> {
    let rows = values.len();
    let mut objects: Vec<Option<Bound<'py, PyAny>>> = (0..rows).map(|_| None).collect();
    let mut same_as: Vec<Option<u32>> = vec![None; rows];
    let mut outcome = Ok(());
    let (sender, mut receiver) = std::sync::mpsc::channel::<Progress>();
    rayon::in_place_scope(|scope| -> PyResult<()> {
        scope.spawn(move |_| {
            let done = names::write_names_bulk_each(values, form, |chunk| {
                // The receiver only goes away if this thread failed; then nobody waits.
                let _ = sender.send(Progress::Chunk(WideChunk::new(chunk)));
            });
            let _ = sender.send(Progress::Done(done));
        });
        loop {
            let (next, back) = py.detach(move || (receiver.recv(), receiver));
            receiver = back;
            match next {
                Ok(Progress::Chunk(chunk)) => {
                    for (k, (span, same)) in chunk.spans.iter().zip(&chunk.same_as).enumerate() {
                        let row = chunk.first_row + k;
                        same_as[row] = *same;
                        objects[row] = match (same, span) {
                            (Some(_), _) => None,
                            (None, Some((start, end))) => {
                                let piece = &chunk.units[*start..*end];
                                // SAFETY: the pointer and length describe initialised wchar_t
                                // units that outlive the call; CPython copies them into a new
                                // str (or returns NULL with an exception set, which
                                // from_owned_ptr_or_err reads).
                                Some(unsafe {
                                    Bound::from_owned_ptr_or_err(
                                        py,
                                        pyo3::ffi::PyUnicode_FromWideChar(piece.as_ptr(), piece.len() as pyo3::ffi::Py_ssize_t),
                                    )?
                                })
                            }
                            (None, None) => Some(py.None().into_bound(py)),
                        };
                    }
                }
                Ok(Progress::Done(done)) => {
                    outcome = done;
                    return Ok(());
                }
                // The writer panicked: the scope raises its panic when this returns.
                Err(_) => return Ok(()),
            }
        }
    })?;
    outcome.map_err(crate::errors::to_py)?;
    // A repeat may point at a row of a chunk that came later.
    for row in 0..rows {
        if let Some(first) = same_as[row] {
            objects[row] = objects[first as usize].clone();
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
