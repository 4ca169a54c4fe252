//! Records: the population index and the cross-check of a roster against it.
//!
//! Tables arrive as a dict of text columns (Arrow through the PyCapsule interface,
//! or lists of str/None), are read in place while the GIL is released, and the
//! answers go back as Arrow columns.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float32Array, LargeStringArray, StringArray, StringViewArray, UInt32Array};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer};
use doichieu_engine::records::{
    self, Absent, MemberRecord, Options, PopulationColumns, PopulationIndex as CoreIndex, RosterColumns, RosterSource,
    StrSource,
};
use doichieu_engine::values::controls;
use doichieu_engine::values::dates::{self, days_from_civil};
use doichieu_engine::vocabulary::{
    self, fields::required_codes, Code, Field, RosterCheck, POPULATION_COLUMNS, ROSTER_COLUMNS,
};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use pyo3_arrow::input::AnyArray;

use crate::columns::{arrow_out, str_column_to_arrow};
use crate::errors::{InvalidInputError, NotAStringError};
use crate::wire::{self, Refusal};

/// One chunk of an Arrow text column, typed once so reads need no downcast.
pub(crate) enum Chunk {
    View(StringViewArray),
    Large(LargeStringArray),
    Small(StringArray),
    Nulls(usize),
}

impl Chunk {
    fn len(&self) -> usize {
        match self {
            Chunk::View(a) => a.len(),
            Chunk::Large(a) => a.len(),
            Chunk::Small(a) => a.len(),
            Chunk::Nulls(n) => *n,
        }
    }

    fn get(&self, i: usize) -> Option<&str> {
        match self {
            Chunk::View(a) => a.is_valid(i).then(|| a.value(i)),
            Chunk::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Chunk::Small(a) => a.is_valid(i).then(|| a.value(i)),
            Chunk::Nulls(_) => None,
        }
    }
}

/// A text column read in place: Arrow chunks, or str/None values from a list.
pub(crate) enum Source {
    Arrow { chunks: Vec<Chunk>, starts: Vec<usize>, len: usize },
    Python(Vec<Option<PyBackedStr>>),
    Absent(Absent),
}

impl StrSource for Source {
    fn len(&self) -> usize {
        match self {
            Source::Arrow { len, .. } => *len,
            Source::Python(v) => v.len(),
            Source::Absent(a) => a.0,
        }
    }

    fn get(&self, i: usize) -> Option<&str> {
        match self {
            Source::Arrow { chunks, starts, .. } => {
                if chunks.len() == 1 {
                    return chunks[0].get(i);
                }
                let c = starts.partition_point(|&s| s <= i) - 1;
                chunks[c].get(i - starts[c])
            }
            Source::Python(v) => v[i].as_deref(),
            Source::Absent(_) => None,
        }
    }

    fn is_absent(&self) -> bool {
        matches!(self, Source::Absent(_))
    }
}

pub(crate) fn read_source(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<Source> {
    let py = obj.py();
    if obj.is_instance_of::<PyString>() {
        return Err(NotAStringError::new_err(format!("column {name}: expected a column of text, got a single str")));
    }
    if obj.hasattr(pyo3::intern!(py, "__arrow_c_array__"))? || obj.hasattr(pyo3::intern!(py, "__arrow_c_stream__"))? {
        let (arrays, field) = obj.extract::<AnyArray>()?.into_chunked_array()?.into_inner();
        let mut chunks = Vec::with_capacity(arrays.len());
        let mut starts = Vec::with_capacity(arrays.len());
        let mut len = 0;
        for array in arrays {
            let any = array.as_any();
            let chunk = if let Some(a) = any.downcast_ref::<StringViewArray>() {
                Chunk::View(a.clone())
            } else if let Some(a) = any.downcast_ref::<LargeStringArray>() {
                Chunk::Large(a.clone())
            } else if let Some(a) = any.downcast_ref::<StringArray>() {
                Chunk::Small(a.clone())
            } else if array.data_type() == &arrow_schema::DataType::Null {
                Chunk::Nulls(array.len())
            } else {
                return Err(NotAStringError::new_err(format!(
                    "column {name}: expected text, got Arrow type {}; cast the column to text (polars: pl.String) first",
                    field.data_type()
                )));
            };
            starts.push(len);
            len += chunk.len();
            chunks.push(chunk);
        }
        return Ok(Source::Arrow { chunks, starts, len });
    }
    let mut values = Vec::new();
    for (i, item) in obj.try_iter()?.enumerate() {
        let item = item?;
        if item.is_none() {
            values.push(None);
            continue;
        }
        let s = item.cast::<PyString>().map_err(|_| {
            let type_name = item.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
            NotAStringError::new_err(format!("column {name}, row {i}: expected str or None, got {type_name}"))
        })?;
        let backed: PyBackedStr = s.to_owned().try_into().map_err(|_: PyErr| {
            InvalidInputError::new_err(format!("column {name}, row {i}: contains a lone surrogate, which is not text"))
        })?;
        values.push(Some(backed));
    }
    Ok(Source::Python(values))
}

/// The columns named in `names` from a dict; `required` ones must be there, the
/// others count as all-missing when absent. Unknown keys are an error.
pub(crate) fn read_table<const N: usize>(
    table: &Bound<'_, PyDict>,
    names: &[&str; N],
    required: &[&str],
) -> PyResult<Vec<Source>> {
    let unknown: Vec<String> = table
        .keys()
        .iter()
        .map(|k| k.str().map(|s| s.to_string()).unwrap_or_default())
        .filter(|k| !names.contains(&k.as_str()))
        .collect();
    if !unknown.is_empty() {
        return Err(InvalidInputError::new_err(format!(
            "unknown column(s) {}; expected some of {}",
            unknown.join(", "),
            names.join(", ")
        )));
    }
    let missing: Vec<&str> = required.iter().copied().filter(|r| !table.contains(*r).unwrap_or(false)).collect();
    if !missing.is_empty() {
        return Err(InvalidInputError::new_err(format!("missing required column(s) {}", missing.join(", "))));
    }
    let mut sources = Vec::with_capacity(N);
    let mut len: Option<usize> = None;
    for name in names {
        match table.get_item(*name)? {
            Some(obj) => {
                let s = read_source(name, &obj)?;
                len.get_or_insert(s.len());
                sources.push(Some(s));
            }
            None => sources.push(None),
        }
    }
    let len = len.unwrap_or(0);
    Ok(sources.into_iter().map(|s| s.unwrap_or(Source::Absent(Absent(len)))).collect())
}

pub(crate) fn engine_err(e: records::RecordError) -> PyErr {
    InvalidInputError::new_err(e.to_string())
}

pub(crate) fn options(
    as_of: Option<(i32, u32, u32)>,
    max_candidates: usize,
    min_candidate_score: f64,
) -> PyResult<Options> {
    if !(0.0..=1.0).contains(&min_candidate_score) {
        return Err(InvalidInputError::new_err(format!(
            "min_candidate_score must be between 0 and 1, got {min_candidate_score}"
        )));
    }
    if max_candidates > 100 {
        return Err(InvalidInputError::new_err(format!("max_candidates must be at most 100, got {max_candidates}")));
    }
    let mut o = Options { max_candidates, min_candidate_score, ..Options::default() };
    if let Some((y, m, d)) = as_of {
        if !(1900..=2200).contains(&y)
            || !(1..=12).contains(&m)
            || d < 1
            || d > u32::from(dates::days_in_month(y as u16, m as u8))
        {
            return Err(InvalidInputError::new_err(format!("as_of is not a date: {y:04}-{m:02}-{d:02}")));
        }
        o.as_of = days_from_civil(y, m, d);
    }
    Ok(o)
}

/// A refused wire call as the InvalidInputError the server answers with
/// INVALID_ARGUMENT; bad fields ride along as `violations`, a list of
/// (field path, why), for the google.rpc.BadRequest detail.
fn refusal(py: Python<'_>, refusal: Refusal) -> PyErr {
    match refusal {
        Refusal::Fields(violations) => {
            let message = violations.iter().map(|(path, why)| format!("{path}: {why}")).collect::<Vec<_>>().join("; ");
            let err = InvalidInputError::new_err(message);
            if let Err(e) = err.value(py).setattr("violations", violations) {
                return e;
            }
            err
        }
        Refusal::Malformed(message) => InvalidInputError::new_err(message),
        Refusal::Internal(message) => pyo3::exceptions::PyRuntimeError::new_err(message),
    }
}

fn strings(values: Vec<&'static str>) -> ArrayRef {
    Arc::new(StringArray::from(values))
}

/// The population table, indexed for verification (a hash on the 12-digit and
/// the old 9-digit number, a blocking index on folded name + birth year).
/// Immutable once built; safe to share between threads.
#[pyclass(module = "doichieu._engine", frozen)]
pub struct PopulationIndex {
    pub(crate) inner: CoreIndex,
}

#[pymethods]
impl PopulationIndex {
    /// Builds the index from a dict of the population columns (citizen_id,
    /// full_name, other_names, date_of_birth, gender, hometown, old_id_number;
    /// other_names and old_id_number may be left out). `as_of` is the reference
    /// date (year, month, day) for ages; today when None. The candidate search
    /// passes over name blocks of more than `max_block` rows, and over the blocks
    /// `skip_blocks` (keys as `population_keys` gives them) whatever their size:
    /// an index of a slice of the table is told the ones too large in the whole.
    #[new]
    #[pyo3(signature = (columns, as_of = None, max_candidates = 5, min_candidate_score = 0.6, max_block = 256, skip_blocks = None))]
    fn new(
        py: Python<'_>,
        columns: &Bound<'_, PyDict>,
        as_of: Option<(i32, u32, u32)>,
        max_candidates: usize,
        min_candidate_score: f64,
        max_block: usize,
        skip_blocks: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut opts = options(as_of, max_candidates, min_candidate_score)?;
        opts.max_block = max_block;
        let skipped: Vec<u64> = match skip_blocks {
            Some(keys) => crate::columns::extract_ints(keys, "skip_blocks", 0)?.into_iter().map(|k| k as u64).collect(),
            None => Vec::new(),
        };
        let sources = read_table(columns, &POPULATION_COLUMNS, &required_codes(&vocabulary::POPULATION))?;
        let refs: Vec<&dyn StrSource> = sources.iter().map(|s| s as &dyn StrSource).collect();
        let arr: [&dyn StrSource; 7] =
            refs.try_into().map_err(|_| InvalidInputError::new_err("seven population columns expected"))?;
        let table = PopulationColumns::new(arr).map_err(engine_err)?;
        let mut inner = py.detach(|| CoreIndex::build(&table, opts)).map_err(engine_err)?;
        if !skipped.is_empty() {
            inner.skip_blocks(skipped);
        }
        Ok(PopulationIndex { inner })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("PopulationIndex(rows={}, memory≈{} MiB)", self.inner.len(), self.inner.memory_bytes() >> 20)
    }

    /// Counts of what the build found (rows, missing/malformed/duplicated IDs, …).
    #[getter]
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let r = self.inner.report();
        let d = PyDict::new(py);
        d.set_item("rows", r.rows)?;
        d.set_item("citizen_id_missing", r.citizen_id_missing)?;
        d.set_item("citizen_id_malformed", r.citizen_id_malformed)?;
        d.set_item("citizen_id_zeros_restored", r.citizen_id_zeros_restored)?;
        d.set_item("citizen_id_duplicated", r.citizen_id_duplicated)?;
        d.set_item("old_id_shared", r.old_id_shared)?;
        d.set_item("date_of_birth_unreadable", r.date_of_birth_unreadable)?;
        d.set_item("gender_unreadable", r.gender_unreadable)?;
        d.set_item("name_unusable", r.name_unusable)?;
        Ok(d)
    }

    /// One line per problem the build found, counts only.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner.report().warnings()
    }

    #[getter]
    fn memory_bytes(&self) -> usize {
        self.inner.memory_bytes()
    }

    /// The reference date (year, month, day).
    #[getter]
    fn as_of(&self) -> (i32, u32, u32) {
        dates::civil_from_days(self.inner.options().as_of)
    }

    /// One population row as a dict of its text values.
    fn record<'py>(&self, py: Python<'py>, row: usize) -> PyResult<Bound<'py, PyDict>> {
        if row >= self.inner.len() {
            return Err(InvalidInputError::new_err(format!("row {row} is outside 0..{}", self.inner.len())));
        }
        let v = self.inner.view(row);
        let d = PyDict::new(py);
        for (name, value) in POPULATION_COLUMNS.iter().zip([
            v.citizen_id,
            v.full_name,
            v.other_names,
            v.date_of_birth,
            v.gender,
            v.hometown,
            v.old_id_number,
        ]) {
            d.set_item(*name, value)?;
        }
        Ok(d)
    }

    /// Population columns for the given rows (a list of ints or an Arrow integer
    /// column; nulls give nulls): a dict of Arrow text columns, all seven or
    /// those named in `columns`.
    #[pyo3(signature = (rows, columns = None))]
    fn gather<'py>(
        &self,
        py: Python<'py>,
        rows: &Bound<'py, PyAny>,
        columns: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let rows = crate::columns::extract_ints(rows, "rows", -1)?;
        let n = self.inner.len();
        if let Some(bad) = rows.iter().find(|&&r| r >= n as i64 || r < -1) {
            return Err(InvalidInputError::new_err(format!("row {bad} is outside 0..{n}")));
        }
        let wanted: Vec<usize> = match &columns {
            None => (0..7).collect(),
            Some(names) => names
                .iter()
                .map(|name| {
                    POPULATION_COLUMNS.iter().position(|c| c == name).ok_or_else(|| {
                        InvalidInputError::new_err(format!(
                            "unknown population column {name:?}; expected some of {}",
                            POPULATION_COLUMNS.join(", ")
                        ))
                    })
                })
                .collect::<PyResult<_>>()?,
        };
        let rows: Vec<Option<usize>> = rows.iter().map(|&r| (r >= 0).then_some(r as usize)).collect();
        let nulls = rows.iter().any(Option::is_none).then(|| NullBuffer::from_iter(rows.iter().map(Option::is_some)));
        let arrays: Vec<ArrayRef> = py
            .detach(|| {
                wanted
                    .iter()
                    .map(|&k| {
                        let (offsets, data) = self.inner.gather_field(&rows, k);
                        LargeStringArray::try_new(
                            OffsetBuffer::new(offsets.into()),
                            Buffer::from_vec(data),
                            nulls.clone(),
                        )
                        .map(|a| Arc::new(a) as ArrayRef)
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| InvalidInputError::new_err(format!("gather: {e}")))?;
        let d = PyDict::new(py);
        for (&k, col) in wanted.iter().zip(arrays) {
            d.set_item(POPULATION_COLUMNS[k], arrow_out(py, col)?)?;
        }
        Ok(d)
    }

    /// The row holding a 12-digit number (spaces, dots, dashes forgiven), or None.
    fn lookup(&self, citizen_id: &str) -> Option<usize> {
        self.inner.lookup(citizen_id)
    }

    /// The rows holding an old 9-digit number (several when it was reused).
    fn lookup_old(&self, old_id: &str) -> Vec<usize> {
        self.inner.lookup_old(old_id)
    }

    /// People who may be this person: a list of (row, score, name_kind), best first.
    #[pyo3(signature = (full_name, date_of_birth = None, gender = None, hometown = None))]
    fn candidates(
        &self,
        py: Python<'_>,
        full_name: &str,
        date_of_birth: Option<&str>,
        gender: Option<&str>,
        hometown: Option<&str>,
    ) -> Vec<(usize, f64, &'static str)> {
        py.detach(|| self.inner.candidates(full_name, date_of_birth, gender, hometown))
            .into_iter()
            .map(|c| (c.row, c.score, c.name_kind.as_str()))
            .collect()
    }

    /// Verifies one member (a mapping of the roster columns to str or None).
    /// Returns a dict: verdict, findings (list of dicts), matched (row or None),
    /// name_pair ((party name, population name) or None), candidates (list of
    /// (row, score, name_kind)).
    fn verify<'py>(&self, py: Python<'py>, member: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
        let mapping = member.cast::<pyo3::types::PyMapping>().map_err(|_| {
            NotAStringError::new_err("member: expected a mapping of roster column names to str or None")
        })?;
        let mut values: [Option<PyBackedStr>; ROSTER_COLUMNS.len()] = Default::default();
        for item in mapping.items()?.iter() {
            let pair = item.cast::<PyTuple>()?;
            let key = pair.get_item(0)?;
            let key = key.str()?.to_string();
            let Some(pos) = Field::from_code(&key).and_then(Field::roster_position) else {
                return Err(InvalidInputError::new_err(format!(
                    "member: unknown field {key:?}; the roster fields are {}",
                    ROSTER_COLUMNS.join(", ")
                )));
            };
            let value = pair.get_item(1)?;
            if value.is_none() {
                continue;
            }
            let s = value.cast::<PyString>().map_err(|_| {
                let type_name = value.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
                NotAStringError::new_err(format!("member field {key}: expected str or None, got {type_name}"))
            })?;
            values[pos] = Some(s.to_owned().try_into().map_err(|_: PyErr| {
                InvalidInputError::new_err(format!("member field {key}: contains a lone surrogate, which is not text"))
            })?);
        }
        let record = MemberRecord::from_columns(&values.each_ref().map(|v| v.as_deref()));
        let v = py.detach(|| self.inner.verify(&record));
        let out = PyDict::new(py);
        out.set_item("verdict", v.verdict.as_str())?;
        let findings = PyList::empty(py);
        for f in &v.findings {
            let d = PyDict::new(py);
            d.set_item("code", f.code.as_str())?;
            d.set_item("field", f.field)?;
            d.set_item("severity", f.severity.as_str())?;
            d.set_item("owner", f.owner.as_str())?;
            d.set_item("party_value", &f.party_value)?;
            d.set_item("population_value", &f.population_value)?;
            d.set_item("message_vi", &f.message_vi)?;
            d.set_item("message_en", &f.message_en)?;
            findings.append(d)?;
        }
        out.set_item("findings", findings)?;
        out.set_item("matched", v.matched)?;
        out.set_item("name_pair", v.name_pair)?;
        let candidates: Vec<(usize, f64, &'static str)> =
            v.candidates.iter().map(|c| (c.row, c.score, c.name_kind.as_str())).collect();
        out.set_item("candidates", candidates)?;
        Ok(out)
    }

    /// Verify on the wire: a serialized `doichieu.v1.VerifyRequest` in, a
    /// serialized `VerifyResponse` out (verdict, findings, matched record, name
    /// alignment, candidates). `field_caps` are the byte caps of the member
    /// fields in roster-column order. Bad input raises InvalidInputError with
    /// `violations`, a list of (field path, why); bytes that are not the
    /// message raise InvalidInputError without it. Without `full_disclosure`
    /// the answer shows only what the intake needs (see `wire::Disclosure`).
    #[pyo3(signature = (data, field_caps, full_disclosure = false))]
    fn verify_request_bytes<'py>(
        &self,
        py: Python<'py>,
        data: &[u8],
        field_caps: [usize; 13],
        full_disclosure: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        // The GIL stays held: one record is a few microseconds on the server's
        // event loop, and a release would let gRPC's own threads take the GIL,
        // to be waited for before the answer can go out.
        let answer = wire::verify_request(&self.inner, data, &field_caps, wire::disclosure(full_disclosure));
        match answer {
            Ok(bytes) => Ok(PyBytes::new(py, &bytes)),
            Err(r) => Err(refusal(py, r)),
        }
    }

    /// VerifyStream on the wire: consecutive serialized `VerifyStreamRequest`
    /// chunks of one stream (the first is the stream's request number
    /// `first_request`, for the field paths), one serialized
    /// `VerifyStreamResponse` per chunk (verdicts and findings), from one
    /// engine call on all cores. A chunk over `max_chunk` records, or any bad
    /// field, refuses the call as `verify_request_bytes` does; disclosure as there.
    #[pyo3(signature = (chunks, first_request, field_caps, max_chunk, full_disclosure = false))]
    fn verify_stream_bytes<'py>(
        &self,
        py: Python<'py>,
        chunks: Vec<PyBackedBytes>,
        first_request: usize,
        field_caps: [usize; 13],
        max_chunk: usize,
        full_disclosure: bool,
    ) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        let answer = py.detach(|| {
            let slices: Vec<&[u8]> = chunks.iter().map(|c| c.as_ref()).collect();
            wire::verify_stream(
                &self.inner,
                &slices,
                first_request,
                &field_caps,
                max_chunk,
                wire::disclosure(full_disclosure),
            )
        });
        match answer {
            Ok(responses) => Ok(responses.iter().map(|b| PyBytes::new(py, b)).collect()),
            Err(r) => Err(refusal(py, r)),
        }
    }

    /// Verifies a whole roster (a dict of the roster columns) on all cores.
    /// Returns a dict of three dicts of Arrow columns: findings (member, code,
    /// field, severity, owner, party_value, population_value, message_vi,
    /// message_en), verdicts (verdict, matched, name_kind, name_score) and
    /// candidates (member, row, score, name_kind); `member` is the roster row;
    /// and checks_not_run, as `revalidate` answers it.
    fn verify_all<'py>(&self, py: Python<'py>, columns: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyDict>> {
        let sources = read_table(columns, &ROSTER_COLUMNS, &[])?;
        let refs: Vec<&dyn StrSource> = sources.iter().map(|s| s as &dyn StrSource).collect();
        let arr: [&dyn StrSource; 13] =
            refs.try_into().map_err(|_| InvalidInputError::new_err("thirteen roster columns expected"))?;
        let roster = RosterColumns::new(arr).map_err(engine_err)?;
        let not_run = checks_not_run(roster.fields().not_run());
        let (findings, verdicts, candidates) = py.detach(|| {
            let r = self.inner.verify_all(&roster);
            let f = r.findings;
            let findings: Vec<(&str, ArrayRef)> = vec![
                ("member", Arc::new(UInt32Array::from(f.member))),
                ("code", strings(f.code.iter().map(|c| c.as_str()).collect())),
                ("field", strings(f.field)),
                ("severity", strings(f.code.iter().map(|c| c.severity().as_str()).collect())),
                ("owner", strings(f.owner.iter().map(|o| o.as_str()).collect())),
                ("party_value", str_column_to_arrow(f.party_value)),
                ("population_value", str_column_to_arrow(f.population_value)),
                ("message_vi", str_column_to_arrow(f.message_vi)),
                ("message_en", str_column_to_arrow(f.message_en)),
            ];
            let verdicts: Vec<(&str, ArrayRef)> = vec![
                ("verdict", strings(r.verdict.iter().map(|v| v.as_str()).collect())),
                ("matched", Arc::new(UInt32Array::from(r.matched))),
                (
                    "name_kind",
                    Arc::new(StringArray::from(r.name_kind.iter().map(|k| k.map(|k| k.as_str())).collect::<Vec<_>>())),
                ),
                ("name_score", Arc::new(Float32Array::from(r.name_score))),
            ];
            let candidates: Vec<(&str, ArrayRef)> = vec![
                ("member", Arc::new(UInt32Array::from(r.candidate_member))),
                ("row", Arc::new(UInt32Array::from(r.candidate_row))),
                ("score", Arc::new(Float32Array::from(r.candidate_score))),
                ("name_kind", strings(r.candidate_kind.iter().map(|k| k.as_str()).collect())),
            ];
            (findings, verdicts, candidates)
        });
        let out = PyDict::new(py);
        for (name, cols) in [("findings", findings), ("verdicts", verdicts), ("candidates", candidates)] {
            let d = PyDict::new(py);
            for (k, v) in cols {
                d.set_item(k, arrow_out(py, v)?)?;
            }
            out.set_item(name, d)?;
        }
        out.set_item("checks_not_run", not_run)?;
        Ok(out)
    }
}

/// The checks that did not run as Python reads them: (check code, [absent column
/// codes]) in check order; their titles are in the vocabulary ("roster_checks").
pub(crate) fn checks_not_run(not_run: Vec<(RosterCheck, Vec<Field>)>) -> Vec<(&'static str, Vec<&'static str>)> {
    not_run.into_iter().map(|(check, fields)| (check.as_str(), fields.iter().map(|f| f.as_str()).collect())).collect()
}

/// Every finding code: a list of dicts (code, severity, owner, field, summary_vi,
/// summary_en, action_vi, action_en).
#[pyfunction]
fn finding_codes(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    Code::ALL
        .iter()
        .map(|c| {
            let d = PyDict::new(py);
            d.set_item("code", c.as_str())?;
            d.set_item("severity", c.severity().as_str())?;
            d.set_item("owner", c.default_owner().as_str())?;
            d.set_item("field", c.default_field())?;
            d.set_item("summary_vi", c.summary_vi())?;
            d.set_item("summary_en", c.summary_en())?;
            d.set_item("action_vi", c.action_vi())?;
            d.set_item("action_en", c.action_en())?;
            Ok(d)
        })
        .collect()
}

impl Source {
    /// Whether some value satisfies `f`, read chunk by chunk (no search for each
    /// row's chunk).
    fn any_value(&self, f: impl Fn(&str) -> bool) -> bool {
        match self {
            Source::Arrow { chunks, .. } => {
                chunks.iter().any(|chunk| (0..chunk.len()).any(|i| chunk.get(i).is_some_and(&f)))
            }
            Source::Python(values) => values.iter().any(|v| v.as_deref().is_some_and(&f)),
            Source::Absent(_) => false,
        }
    }
}

/// For each text column (Arrow, or a list of str/None), whether some cell holds
/// a control character (`[\x00-\x1F\x7F-\x9F]`: tab and line breaks included),
/// the columns looked through on all cores with the GIL released.
#[pyfunction]
fn columns_with_controls(py: Python<'_>, columns: Vec<Bound<'_, PyAny>>) -> PyResult<Vec<bool>> {
    use rayon::prelude::*;
    let sources =
        columns.iter().enumerate().map(|(i, c)| read_source(&i.to_string(), c)).collect::<PyResult<Vec<_>>>()?;
    Ok(py.detach(|| sources.par_iter().map(|s| s.any_value(controls::has_control)).collect()))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PopulationIndex>()?;
    m.add_function(wrap_pyfunction!(finding_codes, m)?)?;
    m.add_function(wrap_pyfunction!(columns_with_controls, m)?)?;
    Ok(())
}
