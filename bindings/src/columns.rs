//! Columns across the boundary: a Python sequence of str, or any Arrow string
//! array or stream (pyarrow, polars, arro3) through the PyCapsule interface.

use std::sync::Arc;

use arrow_array::builder::make_view;
use arrow_array::{Array, ArrayRef, Float64Array, LargeStringArray, StringArray, StringViewArray};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use doichieu_engine::{names, StrColumn};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyList, PyString, PyTuple};
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
    checked_str(item.clone(), index)?.try_into().map_err(|_: PyErr| lone_surrogate(index))
}

/// `item` as a str, or an error naming its position and type.
fn checked_str<'py>(item: Bound<'py, PyAny>, index: usize) -> PyResult<Bound<'py, PyString>> {
    item.cast_into::<PyString>().map_err(|e| {
        let type_name = e.into_inner().get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
        NotAStringError::new_err(format!("name at position {index} is {type_name}, not str"))
    })
}

fn lone_surrogate(index: usize) -> PyErr {
    InvalidInputError::new_err(format!(
        "name at position {index} contains a lone surrogate (U+D800–U+DFFF), which is not text; \
         decode the source with errors='replace' or fix the file"
    ))
}

pub fn one_str(obj: &Bound<'_, PyAny>) -> PyResult<PyBackedStr> {
    extract_str(obj, 0)
}

fn not_a_column() -> PyErr {
    NotAStringError::new_err(
        "expected a column of names (a list of str or an Arrow/polars string column), got a single str",
    )
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

/// Values of at most this many bytes sit in their Arrow view; longer ones in a buffer.
const INLINE_VIEW: usize = 12;

/// A column as an Arrow string-view array, for the tables polars takes in:
/// polars keeps strings as views, so it adopts a view array as it is, where it
/// keeps a large-string array whole and gives every value a 16-byte view
/// besides, for as long as the frame lives (at national size, the cross-check's
/// outputs held twice over). Short values sit in their view; long ones stay in
/// the column's own buffer when they are most of it (no copy), else they are
/// copied out, so the bytes of the short ones are not held for nothing.
pub fn str_column_to_view(col: StrColumn) -> ArrayRef {
    let n = col.len();
    let sound = col.offsets.first() == Some(&0)
        && col.offsets.windows(2).all(|w| w[0] <= w[1])
        && col.offsets.iter().all(|&o| usize::try_from(o).is_ok_and(|o| col.data.is_char_boundary(o)))
        && col.validity.as_ref().is_none_or(|v| v.len() == n);
    // A view addresses its buffer with 32 bits.
    if !sound || u32::try_from(col.data.len()).is_err() {
        return str_column_to_arrow(col);
    }
    let bytes = col.data.as_bytes();
    let value = |i: usize| &bytes[col.offsets[i] as usize..col.offsets[i + 1] as usize];
    let long: usize = (0..n).map(|i| value(i).len()).filter(|&len| len > INLINE_VIEW).sum();
    let mut views: Vec<u128> = Vec::with_capacity(n);
    let buffer = if long == 0 {
        views.extend((0..n).map(|i| make_view(value(i), 0, 0)));
        None
    } else if 2 * long >= bytes.len() {
        views.extend((0..n).map(|i| make_view(value(i), 0, col.offsets[i] as u32)));
        Some(Buffer::from(col.data.into_bytes()))
    } else {
        let mut packed: Vec<u8> = Vec::with_capacity(long);
        for i in 0..n {
            let v = value(i);
            if v.len() > INLINE_VIEW {
                views.push(make_view(v, 0, packed.len() as u32));
                packed.extend_from_slice(v);
            } else {
                views.push(make_view(v, 0, 0));
            }
        }
        Some(Buffer::from(packed))
    };
    let nulls = col.validity.map(NullBuffer::from);
    // SAFETY: every view is made by `make_view` from one value of the column, a
    // slice of valid UTF-8 on character boundaries (checked above); a long one
    // names buffer 0 at the offset where the same bytes lie in it; `nulls`, when
    // there is one, has one entry per value.
    Arc::new(unsafe {
        StringViewArray::new_unchecked(ScalarBuffer::from(views), buffer.into_iter().collect::<Vec<_>>(), nulls)
    })
}

/// Values drawn from a few fixed strings (codes, verdicts, kinds) as a string-view
/// array: a long value's bytes are written once, in a small buffer its views share.
pub fn static_view<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    let mut written: Vec<(&'a str, u32)> = Vec::new();
    let mut buffer: Vec<u8> = Vec::new();
    let mut views: Vec<u128> = Vec::new();
    let mut valid: Vec<bool> = Vec::new();
    for v in values {
        valid.push(v.is_some());
        let v = v.unwrap_or("");
        if v.len() <= INLINE_VIEW {
            views.push(make_view(v.as_bytes(), 0, 0));
            continue;
        }
        let at = match written.iter().find(|(s, _)| std::ptr::eq(*s, v) || *s == v) {
            Some(&(_, at)) => at,
            None => {
                let at = buffer.len() as u32;
                buffer.extend_from_slice(v.as_bytes());
                written.push((v, at));
                at
            }
        };
        views.push(make_view(v.as_bytes(), 0, at));
    }
    let nulls = valid.iter().any(|&b| !b).then(|| NullBuffer::from(valid));
    let buffers = if buffer.is_empty() { Vec::new() } else { vec![Buffer::from(buffer)] };
    // SAFETY: each view is made by `make_view` from a whole str; a long one names
    // buffer 0 at the offset where that str's bytes were written.
    Arc::new(unsafe { StringViewArray::new_unchecked(ScalarBuffer::from(views), buffers, nulls) })
}

/// Returns a column in the flavour it came in: a list for a list, Arrow for Arrow.
pub fn str_column_out<'py>(py: Python<'py>, col: StrColumn, arrow: bool) -> PyResult<Bound<'py, PyAny>> {
    if arrow {
        return Ok(PyArray::from_array_ref(str_column_to_arrow(col)).into_pyobject(py)?.into_any());
    }
    let items = (0..col.len()).map(|i| col.get(i));
    Ok(PyList::new(py, items)?.into_any())
}

/// A written chunk readied for Python without the GIL: each value that needs a new
/// str has its text as `wchar_t` code units, the form `PyUnicode_FromWideChar`
/// copies in one allocation and one pass (decoding UTF-8 instead costs several,
/// and was most of a list normalisation).
struct WideChunk {
    first_row: usize,
    units: Vec<libc::wchar_t>,
    rows: Vec<Row>,
}

/// Where a row's str comes from.
#[derive(Clone, Copy)]
enum Row {
    /// A new str of `units[start..end]`.
    New(u32, u32),
    /// The str of an earlier row of the call, which wrote the same text.
    Repeat(u32),
    /// The input str itself: it was already in the asked-for form (most names of
    /// a roster are, for the display form), so no str is made, nor later freed.
    Unchanged,
    Null,
}

impl WideChunk {
    /// `typed` holds the chunk's input names, from its first row on.
    fn new(chunk: names::WrittenChunk, typed: &[Option<&str>]) -> WideChunk {
        let names::WrittenChunk { first_row, column, same_as } = chunk;
        let mut units = Vec::with_capacity(column.data.len());
        let rows = (0..column.len())
            .map(|row| match (same_as[row], column.get(row)) {
                // Before repeats: the input str is already held, so handing it on
                // costs no reference count (a repeat's costs one).
                (_, Some(text)) if Some(text) == typed[row] => Row::Unchanged,
                (Some(first), _) => Row::Repeat(first),
                (None, Some(text)) => {
                    let start = units.len() as u32;
                    push_wide(text, &mut units);
                    Row::New(start, units.len() as u32)
                }
                (None, None) => Row::Null,
            })
            .collect();
        WideChunk { first_row, units, rows }
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
    /// A piece is written.
    Done(Result<(), doichieu_engine::EngineError>),
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
        // thread stops early (an error), a worker's sends fail.
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

/// The strs of a Python iterable of names, held for the whole call so that the
/// workers can read their text in place: whatever another Python thread does to
/// the caller's list while this one waits, no str a worker reads can be freed.
/// A slot is filled when its piece is read.
struct HeldNames<'py> {
    items: Bound<'py, pyo3::types::PyIterator>,
    strs: Vec<Option<Bound<'py, PyString>>>,
}

impl<'py> HeldNames<'py> {
    /// `obj`'s names; an iterable without a `len()` (a generator) is first made a tuple.
    fn new(obj: &Bound<'py, PyAny>) -> PyResult<HeldNames<'py>> {
        if obj.is_instance_of::<PyString>() {
            return Err(not_a_column());
        }
        let rows = match obj.len() {
            Ok(rows) => rows,
            Err(_) => return HeldNames::new(&obj.py().get_type::<PyTuple>().call1((obj,))?),
        };
        Ok(HeldNames { items: obj.try_iter()?, strs: (0..rows).map(|_| None).collect() })
    }

    fn rows(&self) -> usize {
        self.strs.len()
    }

    /// Splits the held strs into the slots of each piece, and the iterator that fills them.
    fn pieces<'h>(&'h mut self) -> (HeldPieces<'h, 'py>, &'h mut Bound<'py, pyo3::types::PyIterator>) {
        let rows = self.strs.len();
        (HeldPieces { slots: self.strs.chunks_mut(PIECE), first_row: 0, rows }, &mut self.items)
    }
}

struct HeldPieces<'h, 'py> {
    slots: std::slice::ChunksMut<'h, Option<Bound<'py, PyString>>>,
    first_row: usize,
    rows: usize,
}

/// A piece of a column: its first row and its text, row by row.
type Piece<'h> = (usize, Vec<Option<&'h str>>);

impl<'h, 'py> HeldPieces<'h, 'py> {
    /// The next piece's first row and text, read from `items` into the piece's
    /// slots; `None` once every row is read. Fails on the first item that is not a
    /// str, naming its row, and when iterating disagrees with `len()`.
    fn read(&mut self, items: &mut Bound<'py, pyo3::types::PyIterator>) -> PyResult<Option<Piece<'h>>> {
        let rows = self.rows;
        let len_lied = |read: String| {
            InvalidInputError::new_err(format!("the column's len() says {rows} names, but iterating it gave {read}"))
        };
        let at = self.first_row;
        let Some(slots) = self.slots.next() else {
            return match items.next() {
                None => Ok(None),
                Some(item) => item.and(Err(len_lied(format!("more than {rows}")))),
            };
        };
        let mut texts = Vec::with_capacity(slots.len());
        for (k, slot) in slots.iter_mut().enumerate() {
            let row = at + k;
            let item = items.next().ok_or_else(|| len_lied(row.to_string()))??;
            let held: &'h Bound<'py, PyString> = slot.insert(checked_str(item, row)?);
            texts.push(Some(held.to_str().map_err(|_| lone_surrogate(row))?));
        }
        self.first_row += texts.len();
        Ok(Some((at, texts)))
    }
}

/// Writes the names of a Python iterable in `form` as a list of str. This thread
/// reads the names a piece at a time and makes the strs of each chunk the workers
/// finish, while the workers write: on two cores, making strs (which needs the GIL)
/// was a third of a list normalisation when it came after the engine's work rather
/// than beside it. A repeated name is the same str object (a roster repeats about
/// half its names), and a name already in the asked-for form is the input str.
pub fn str_list_written<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    form: names::Form,
) -> PyResult<Bound<'py, PyAny>> {
    let mut held = HeldNames::new(obj)?;
    let mut out = UnfilledList::new(py, held.rows())?;
    let (mut repeats, mut unchanged) = (Vec::new(), Vec::new());
    let bulk = names::BulkWrite::new(form);
    {
        let (mut pieces, items) = held.pieces();
        read_beside_workers(
            py,
            || pieces.read(items),
            |(at, piece): (usize, Vec<Option<&str>>), sender| {
                let done = bulk.write(at, &piece, |chunk| {
                    let typed = &piece[chunk.first_row - at..];
                    let _ = sender.send(Progress::Chunk(WideChunk::new(chunk, typed)));
                });
                let _ = sender.send(Progress::Done(done));
            },
            |progress| match progress {
                Progress::Chunk(chunk) => make_strs(py, chunk, &mut out, &mut repeats, &mut unchanged).map(|()| false),
                Progress::Done(done) => done.map_err(crate::errors::to_py).map(|()| true),
            },
        )?;
    }
    // Unchanged rows first: a repeat may point at one, or at a row of a chunk that
    // came after its own (a repeat never points at another repeat).
    for row in unchanged {
        if let Some(typed) = held.strs[row].take() {
            out.set(row, typed.into_any())?;
        }
    }
    for (row, first) in repeats {
        let first = out.get(first as usize)?;
        out.set(row, first)?;
    }
    out.finish()
}

/// A list made at its final length whose rows are filled as their strs are made,
/// in any order; no row can be read from Python until every row is filled.
struct UnfilledList<'py> {
    list: Bound<'py, PyList>,
    filled: usize,
}

impl<'py> UnfilledList<'py> {
    fn new(py: Python<'py>, rows: usize) -> PyResult<UnfilledList<'py>> {
        // SAFETY: PyList_New returns a new list whose items are all NULL (or NULL
        // with an exception set). NULL items are never handed out: `set` fills each
        // row once and `finish` checks they all are; a list dropped unfinished (an
        // error) is freed by CPython, which skips NULL items.
        let list = unsafe { Bound::from_owned_ptr_or_err(py, pyo3::ffi::PyList_New(rows as pyo3::ffi::Py_ssize_t))? };
        Ok(UnfilledList { list: list.cast_into::<PyList>()?, filled: 0 })
    }

    fn set(&mut self, row: usize, item: Bound<'py, PyAny>) -> PyResult<()> {
        // SAFETY: the list is ours alone and `row` is checked by PyList_SetItem, which
        // takes over the reference (and fails, with an exception set, out of range).
        if unsafe { pyo3::ffi::PyList_SetItem(self.list.as_ptr(), row as pyo3::ffi::Py_ssize_t, item.into_ptr()) } != 0
        {
            return Err(PyErr::fetch(self.list.py()));
        }
        self.filled += 1;
        Ok(())
    }

    /// The item of a row already filled.
    fn get(&self, row: usize) -> PyResult<Bound<'py, PyAny>> {
        // SAFETY: a borrowed item of our list, taken as a new reference at once;
        // NULL (a row not yet filled, or out of range) is refused, not followed.
        unsafe {
            let item = pyo3::ffi::PyList_GetItem(self.list.as_ptr(), row as pyo3::ffi::Py_ssize_t);
            if item.is_null() {
                let _ = PyErr::take(self.list.py());
                return Err(pyo3::exceptions::PySystemError::new_err(format!(
                    "row {row} of the answer was read before it was made"
                )));
            }
            Ok(Bound::from_borrowed_ptr(self.list.py(), item))
        }
    }

    fn finish(self) -> PyResult<Bound<'py, PyAny>> {
        if self.filled != self.list.len() {
            return Err(pyo3::exceptions::PySystemError::new_err(format!(
                "{} of {} rows of the answer were made",
                self.filled,
                self.list.len()
            )));
        }
        Ok(self.list.into_any())
    }
}

/// Fills `out` with the strs of a written chunk; repeats and unchanged rows are
/// left to the caller (their strs are filled once every chunk is in).
fn make_strs<'py>(
    py: Python<'py>,
    chunk: WideChunk,
    out: &mut UnfilledList<'py>,
    repeats: &mut Vec<(usize, u32)>,
    unchanged: &mut Vec<usize>,
) -> PyResult<()> {
    for (k, made) in chunk.rows.iter().enumerate() {
        let row = chunk.first_row + k;
        match *made {
            Row::New(start, end) => {
                let units = &chunk.units[start as usize..end as usize];
                // SAFETY: the pointer and length describe initialised wchar_t units
                // that outlive the call; CPython copies them into a new str (or
                // returns NULL with an exception set, which from_owned_ptr_or_err reads).
                let made = unsafe {
                    Bound::from_owned_ptr_or_err(
                        py,
                        pyo3::ffi::PyUnicode_FromWideChar(units.as_ptr(), units.len() as pyo3::ffi::Py_ssize_t),
                    )?
                };
                out.set(row, made)?;
            }
            Row::Repeat(first) => repeats.push((row, first)),
            Row::Unchanged => unchanged.push(row),
            Row::Null => out.set(row, py.None().into_bound(py))?,
        }
    }
    Ok(())
}

/// `compare_names_bulk` over two Python sequences of str, read a piece at a time:
/// the workers compare one piece while this thread reads the next (reading 200,000
/// str objects is a tenth of the call). A sequence whose iteration disagrees with
/// its `len()` is refused.
pub fn compare_lists(
    py: Python<'_>,
    left: &Bound<'_, PyAny>,
    right: &Bound<'_, PyAny>,
) -> PyResult<names::ComparisonColumns> {
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
    let (mut left, mut right) = (HeldNames::new(left)?, HeldNames::new(right)?);
    let mut out = names::ComparisonColumns { kinds: vec![None; rows], scores: vec![None; rows] };
    let (mut left_pieces, left_items) = left.pieces();
    let (mut right_pieces, right_items) = right.pieces();
    read_beside_workers(
        py,
        || match (left_pieces.read(left_items)?, right_pieces.read(right_items)?) {
            (Some((at, l)), Some((_, r))) => Ok(Some((at, l, r))),
            _ => Ok(None),
        },
        |(at, l, r): (usize, Vec<Option<&str>>, Vec<Option<&str>>), sender| {
            let _ = sender.send((at, names::compare_names_bulk(&l, &r)));
        },
        |(at, result)| {
            let piece = result
                .map_err(|e| match e {
                    EngineError::NameTooLong { index, len, limit } => {
                        EngineError::NameTooLong { index: at + index, len, limit }
                    }
                    other => other,
                })
                .map_err(crate::errors::to_py)?;
            let end = at + piece.kinds.len();
            out.kinds[at..end].copy_from_slice(&piece.kinds);
            out.scores[at..end].copy_from_slice(&piece.scores);
            Ok(true)
        },
    )?;
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
    if !(obj.hasattr(pyo3::intern!(py, "__arrow_c_array__"))?
        || obj.hasattr(pyo3::intern!(py, "__arrow_c_stream__"))?)
    {
        let values: Vec<Option<i64>> =
            obj.extract().map_err(|_| NotAStringError::new_err(format!("{what}: expected a column of integers")))?;
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
