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

fn not_a_column() -> PyErr {
    NotAStringError::new_err("expected a column of names (a list of str or an Arrow/polars string column), got a single str")
}

/// Whether `obj` is an Arrow column (any flavour with the PyCapsule interface).
pub fn is_arrow(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = obj.py();
    Ok(obj.hasattr(pyo3::intern!(py, "__arrow_c_array__"))? || obj.hasattr(pyo3::intern!(py, "__arrow_c_stream__"))?)
}

/// Accepts a list/tuple/iterable of str, or an Arrow string column of any flavour.
pub fn extract(obj: &Bound<'_, PyAny>) -> PyResult<Column> {
    if obj.is_instance_of::<PyString>() {
        return Err(not_a_column());
    }
    if is_arrow(obj)? {
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
    /// A piece is written; its strs come back to be let go of with the GIL held.
    Done(Result<(), doichieu_engine::EngineError>, Vec<PyBackedStr>),
}

/// Names read from Python per piece: the workers write one piece while this
/// thread reads the next (reading 100,000 str objects is a tenth of the call).
const PIECE: usize = 8192;

/// Writes the names of a Python iterable in `form` as a list of str. This thread
/// reads the names a piece at a time and makes the strs of each chunk the workers
/// finish, while the workers write: on two cores, making strs (which needs the GIL)
/// was a third of a list normalisation when it came after the engine's work rather
/// than beside it. The GIL is released whenever this thread waits. A repeated name
/// is the same str object: a roster repeats about half its names.
pub fn str_list_written<'py>(py: Python<'py>, obj: &Bound<'py, PyAny>, form: names::Form) -> PyResult<Bound<'py, PyAny>> {
    if obj.is_instance_of::<PyString>() {
        return Err(not_a_column());
    }
    let mut items = obj.try_iter()?;
    let mut objects: Vec<Option<Bound<'py, PyAny>>> = Vec::with_capacity(obj.len().unwrap_or(0));
    let mut same_as: Vec<Option<u32>> = Vec::new();
    let bulk = names::BulkWrite::new(form);
    let make_strs = |chunk: WideChunk, objects: &mut Vec<Option<Bound<'py, PyAny>>>, same_as: &mut Vec<Option<u32>>| -> PyResult<()> {
        let end = chunk.first_row + chunk.spans.len();
        if objects.len() < end {
            objects.resize_with(end, || None);
            same_as.resize(end, None);
        }
        for (k, (span, same)) in chunk.spans.iter().zip(&chunk.same_as).enumerate() {
            let row = chunk.first_row + k;
            same_as[row] = *same;
            objects[row] = match (same, span) {
                (Some(_), _) => None,
                (None, Some((start, end))) => {
                    let piece = &chunk.units[*start..*end];
                    // SAFETY: the pointer and length describe initialised wchar_t units
                    // that outlive the call; CPython copies them into a new str (or
                    // returns NULL with an exception set, which from_owned_ptr_or_err reads).
                    Some(unsafe {
                        Bound::from_owned_ptr_or_err(py, pyo3::ffi::PyUnicode_FromWideChar(piece.as_ptr(), piece.len() as pyo3::ffi::Py_ssize_t))?
                    })
                }
                (None, None) => Some(py.None().into_bound(py)),
            };
        }
        Ok(())
    };
    let outcome: PyResult<()> = rayon::in_place_scope(|scope| {
        // Made here, so that the last sender goes with the workers: if one panics,
        // waiting ends instead of blocking (the scope then raises the panic).
        let (sender, mut receiver) = std::sync::mpsc::channel::<Progress>();
        let mut first_row = 0;
        let mut pending = 0usize;
        let mut handle = |progress: Progress, pending: &mut usize| -> PyResult<()> {
            match progress {
                Progress::Chunk(chunk) => make_strs(chunk, &mut objects, &mut same_as),
                Progress::Done(done, piece) => {
                    *pending -= 1;
                    drop(piece); // the str references, given back with the GIL held
                    done.map_err(crate::errors::to_py)
                }
            }
        };
        loop {
            let mut piece: Vec<PyBackedStr> = Vec::with_capacity(PIECE);
            for item in items.by_ref().take(PIECE) {
                piece.push(extract_str(&item?, first_row + piece.len())?);
            }
            if piece.is_empty() {
                break;
            }
            let (rows, at) = (piece.len(), first_row);
            let (sender, bulk) = (sender.clone(), &bulk);
            scope.spawn(move |_| {
                let values: Vec<Option<&str>> = piece.iter().map(|s| Some(&**s)).collect();
                let done = bulk.write(at, &values, |chunk| {
                    let _ = sender.send(Progress::Chunk(WideChunk::new(chunk)));
                });
                drop(values);
                // If this thread has stopped waiting (an error), the piece is let go
                // here; PyO3 then gives the references back when the GIL is next held.
                let _ = sender.send(Progress::Done(done, piece));
            });
            first_row += rows;
            pending += 1;
            // Make the strs of whatever is finished, without waiting.
            while let Ok(progress) = receiver.try_recv() {
                handle(progress, &mut pending)?;
            }
        }
        drop(sender);
        while pending > 0 {
            let (next, back) = py.detach(move || (receiver.recv(), receiver));
            receiver = back;
            match next {
                Ok(progress) => handle(progress, &mut pending)?,
                // A writer panicked: the scope raises its panic when this returns.
                Err(_) => return Ok(()),
            }
        }
        Ok(())
    });
    outcome?;
    // A repeat may point at a row of a chunk that came later.
    for row in 0..objects.len() {
        if let Some(first) = same_as[row] {
            objects[row] = objects[first as usize].clone();
        }
    }
    Ok(PyList::new(py, objects.into_iter().map(|o| o.unwrap_or_else(|| py.None().into_bound(py))))?.into_any())
}

/// `compare_names_bulk` over two Python sequences of str, read a piece at a time:
/// the workers compare one piece while this thread reads the next (reading 200,000
/// str objects is a tenth of the call). The GIL is released whenever this thread
/// waits.
pub fn compare_lists(py: Python<'_>, left: &Bound<'_, PyAny>, right: &Bound<'_, PyAny>) -> PyResult<names::ComparisonColumns> {
    use doichieu_engine::EngineError;
    for side in [left, right] {
        if side.is_instance_of::<PyString>() {
            return Err(not_a_column());
        }
    }
    let (rows, right_rows) = (left.len()?, right.len()?);
    if rows != right_rows {
        return Err(crate::errors::to_py(EngineError::LengthMismatch { left: rows, right: right_rows }));
    }
    let mut out = names::ComparisonColumns { kinds: vec![None; rows], scores: vec![None; rows] };
    let (mut left_items, mut right_items) = (left.try_iter()?, right.try_iter()?);
    type Piece = (usize, Result<names::ComparisonColumns, EngineError>, Vec<PyBackedStr>, Vec<PyBackedStr>);
    let outcome: PyResult<()> = rayon::in_place_scope(|scope| {
        // Made here, so that the last sender goes with the workers: if one panics,
        // waiting ends instead of blocking (the scope then raises the panic).
        let (sender, mut receiver) = std::sync::mpsc::channel::<Piece>();
        let mut pending = 0usize;
        let mut first_row = 0;
        let mut take = |(at, result, l, r): Piece, pending: &mut usize| -> PyResult<()> {
            *pending -= 1;
            drop((l, r)); // the str references, given back with the GIL held
            let piece = result.map_err(|e| match e {
                EngineError::NameTooLong { index, len, limit } => EngineError::NameTooLong { index: at + index, len, limit },
                other => other,
            });
            let piece = piece.map_err(crate::errors::to_py)?;
            let end = (at + piece.kinds.len()).min(rows);
            out.kinds[at..end].copy_from_slice(&piece.kinds[..end - at]);
            out.scores[at..end].copy_from_slice(&piece.scores[..end - at]);
            Ok(())
        };
        loop {
            let (mut l, mut r) = (Vec::with_capacity(PIECE), Vec::with_capacity(PIECE));
            for item in left_items.by_ref().take(PIECE) {
                l.push(extract_str(&item?, first_row + l.len())?);
            }
            for item in right_items.by_ref().take(PIECE) {
                r.push(extract_str(&item?, first_row + r.len())?);
            }
            if l.is_empty() && r.is_empty() {
                break;
            }
            let (at, sender) = (first_row, sender.clone());
            first_row += l.len();
            scope.spawn(move |_| {
                let left: Vec<Option<&str>> = l.iter().map(|s| Some(&**s)).collect();
                let right: Vec<Option<&str>> = r.iter().map(|s| Some(&**s)).collect();
                let result = names::compare_names_bulk(&left, &right);
                drop((left, right));
                // If this thread has stopped waiting (an error), the piece is let go
                // here; PyO3 then gives the references back when the GIL is next held.
                let _ = sender.send((at, result, l, r));
            });
            pending += 1;
            while let Ok(piece) = receiver.try_recv() {
                take(piece, &mut pending)?;
            }
        }
        drop(sender);
        while pending > 0 {
            let (next, back) = py.detach(move || (receiver.recv(), receiver));
            receiver = back;
            match next {
                Ok(piece) => take(piece, &mut pending)?,
                // A worker panicked: the scope raises its panic when this returns.
                Err(_) => return Ok(()),
            }
        }
        Ok(())
    });
    outcome?;
    Ok(out)
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
