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

/// Reads Python input beside the workers: this thread (GIL held) reads a piece with
/// `read` and hands it to a worker running `work`, and passes what the workers send
/// back to `take` as it arrives; once nothing is left to read, it waits for them
/// with the GIL released. `work` sends, last, one message for which `take` answers
/// true: that piece is finished.
fn read_beside_workers<Piece: Send, Message: Send>(
    py: Python<'_>,
    mut read: impl FnMut() -> PyResult<Option<Piece>>,
    work: impl Fn(Piece, &std::sync::mpsc::Sender<Message>) + Sync,
    mut take: impl FnMut(Message) -> PyResult<bool>,
) -> PyResult<()> {
    let work = &work;
    rayon::in_place_scope(|scope| {
        // Made here, so that the last sender goes with the workers: if one panics,
        // waiting ends instead of blocking (the scope then raises the panic). If this
        // thread stops early (an error), a worker's sends fail and its piece is let
        // go on the worker; PyO3 gives any str references back when the GIL is next held.
        let (sender, mut receiver) = std::sync::mpsc::channel::<Message>();
        let mut pending = 0usize;
        while let Some(piece) = read()? {
            let sender = sender.clone();
            scope.spawn(move |_| work(piece, &sender));
            pending += 1;
            while let Ok(message) = receiver.try_recv() {
                pending -= usize::from(take(message)?);
            }
        }
        drop(sender);
        while pending > 0 {
            let (next, back) = py.detach(move || (receiver.recv(), receiver));
            receiver = back;
            match next {
                Ok(message) => pending -= usize::from(take(message)?),
                // A worker panicked: the scope raises its panic when this returns.
                Err(_) => return Ok(()),
            }
        }
        Ok(())
    })
}

/// Up to `PIECE` strs of `items`, the first being row `first_row`.
fn read_piece(items: &mut Bound<'_, pyo3::types::PyIterator>, first_row: usize) -> PyResult<Vec<PyBackedStr>> {
    let mut piece = Vec::with_capacity(PIECE);
    for item in items.by_ref().take(PIECE) {
        piece.push(extract_str(&item?, first_row + piece.len())?);
    }
    Ok(piece)
}

fn borrowed(piece: &[PyBackedStr]) -> Vec<Option<&str>> {
    piece.iter().map(|s| Some(&**s)).collect()
}

/// Writes the names of a Python iterable in `form` as a list of str. This thread
/// reads the names a piece at a time and makes the strs of each chunk the workers
/// finish, while the workers write: on two cores, making strs (which needs the GIL)
/// was a third of a list normalisation when it came after the engine's work rather
/// than beside it. A repeated name is the same str object: a roster repeats about
/// half its names.
pub fn str_list_written<'py>(py: Python<'py>, obj: &Bound<'py, PyAny>, form: names::Form) -> PyResult<Bound<'py, PyAny>> {
    if obj.is_instance_of::<PyString>() {
        return Err(not_a_column());
    }
    let mut items = obj.try_iter()?;
    let mut objects: Vec<Option<Bound<'py, PyAny>>> = Vec::with_capacity(obj.len().unwrap_or(0));
    let mut same_as: Vec<Option<u32>> = Vec::new();
    let bulk = names::BulkWrite::new(form);
    let mut rows_read = 0;
    read_beside_workers(
        py,
        || {
            let piece = read_piece(&mut items, rows_read)?;
            let at = rows_read;
            rows_read += piece.len();
            Ok((!piece.is_empty()).then_some((at, piece)))
        },
        |(at, piece), sender| {
            let done = bulk.write(at, &borrowed(&piece), |chunk| {
                let _ = sender.send(Progress::Chunk(WideChunk::new(chunk)));
            });
            let _ = sender.send(Progress::Done(done, piece));
        },
        |progress| match progress {
            Progress::Chunk(chunk) => make_strs(py, chunk, &mut objects, &mut same_as).map(|()| false),
            Progress::Done(done, piece) => {
                drop(piece); // the str references, given back with the GIL held
                done.map_err(crate::errors::to_py).map(|()| true)
            }
        },
    )?;
    // A repeat may point at a row of a chunk that came later.
    for row in 0..objects.len() {
        if let Some(first) = same_as[row] {
            objects[row] = objects[first as usize].clone();
        }
    }
    Ok(PyList::new(py, objects.into_iter().map(|o| o.unwrap_or_else(|| py.None().into_bound(py))))?.into_any())
}

/// The strs of a written chunk, each in its row of `objects` (a repeat's row is
/// filled from its first row once every chunk is in).
fn make_strs<'py>(
    py: Python<'py>,
    chunk: WideChunk,
    objects: &mut Vec<Option<Bound<'py, PyAny>>>,
    same_as: &mut Vec<Option<u32>>,
) -> PyResult<()> {
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
                let units = &chunk.units[*start..*end];
                // SAFETY: the pointer and length describe initialised wchar_t units
                // that outlive the call; CPython copies them into a new str (or
                // returns NULL with an exception set, which from_owned_ptr_or_err reads).
                Some(unsafe {
                    Bound::from_owned_ptr_or_err(py, pyo3::ffi::PyUnicode_FromWideChar(units.as_ptr(), units.len() as pyo3::ffi::Py_ssize_t))?
                })
            }
            (None, None) => Some(py.None().into_bound(py)),
        };
    }
    Ok(())
}

/// `compare_names_bulk` over two Python sequences of str, read a piece at a time:
/// the workers compare one piece while this thread reads the next (reading 200,000
/// str objects is a tenth of the call). A sequence whose iteration disagrees with
/// its `len()` is refused.
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
    let len_lied = |read: usize| {
        InvalidInputError::new_err(format!("the columns' len() says {rows} names, but iterating them gave {read} or more"))
    };
    let mut out = names::ComparisonColumns { kinds: vec![None; rows], scores: vec![None; rows] };
    let (mut left_items, mut right_items) = (left.try_iter()?, right.try_iter()?);
    let mut rows_read = 0;
    read_beside_workers(
        py,
        || {
            let (l, r) = (read_piece(&mut left_items, rows_read)?, read_piece(&mut right_items, rows_read)?);
            if l.len() != r.len() || rows_read + l.len() > rows {
                return Err(len_lied(rows_read + l.len().max(r.len())));
            }
            let at = rows_read;
            rows_read += l.len();
            Ok((!l.is_empty()).then_some((at, l, r)))
        },
        |(at, l, r), sender| {
            let result = names::compare_names_bulk(&borrowed(&l), &borrowed(&r));
            let _ = sender.send((at, result, l, r));
        },
        |(at, result, l, r)| {
            drop((l, r)); // the str references, given back with the GIL held
            let piece = result
                .map_err(|e| match e {
                    EngineError::NameTooLong { index, len, limit } => EngineError::NameTooLong { index: at + index, len, limit },
                    other => other,
                })
                .map_err(crate::errors::to_py)?;
            let end = at + piece.kinds.len();
            out.kinds[at..end].copy_from_slice(&piece.kinds);
            out.scores[at..end].copy_from_slice(&piece.scores);
            Ok(true)
        },
    )?;
    if rows_read != rows {
        return Err(InvalidInputError::new_err(format!("the columns' len() says {rows} names, but iterating them gave {rows_read}")));
    }
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
