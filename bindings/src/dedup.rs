//! Deduplication: batch `find_duplicates` over roster columns, and the
//! incremental `DuplicateIndex` the verifier queries one record at a time.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray, UInt32Array};
use arrow_schema::ArrowError;
use doichieu_engine::dedup::{
    self, levels::FIELDS, Config, IncrementalIndex, Model, ModelFileError, Person, MODEL_FORMAT, MODEL_VERSION,
};
use doichieu_engine::records::{RosterColumns, RosterSource};
use doichieu_engine::values::dates::today;
use doichieu_engine::values::{Gender, PartialDate};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::PyTable;

use crate::columns::{self, arrow_out, extract_ints, Column};
use crate::errors::InvalidInputError;
use crate::revalidation;

/// Parsed roster columns, all the same length. Strings stay in Arrow/Python memory.
struct Columns {
    full_name: Column,
    citizen_id: Column,
    old_id: Column,
    hometown: Column,
    party_unit: Column,
    year: Vec<i64>,
    month: Vec<i64>,
    day: Vec<i64>,
    gender: Vec<i64>,
    /// Optional columns (FEBRL-style data has no party history): None when absent.
    party_card: Option<Column>,
    admission: Option<(Vec<i64>, Vec<i64>, Vec<i64>)>,
}

fn date(year: i64, month: i64, day: i64) -> PartialDate {
    PartialDate { year: year.clamp(0, 9999) as u16, month: month.clamp(0, 12) as u8, day: day.clamp(0, 31) as u8 }
}

impl Columns {
    fn people(&self) -> PyResult<Vec<Person<'_>>> {
        let names = self.full_name.values();
        let n = names.len();
        let cid = self.citizen_id.values();
        let old = self.old_id.values();
        let home = self.hometown.values();
        let unit = self.party_unit.values();
        let card = self.party_card.as_ref().map(Column::values);
        let admission = self.admission.as_ref();
        for (what, len) in [
            ("party_card", card.as_ref().map_or(n, Vec::len)),
            ("admission_year", admission.map_or(n, |a| a.0.len())),
            ("admission_month", admission.map_or(n, |a| a.1.len())),
            ("admission_day", admission.map_or(n, |a| a.2.len())),
            ("citizen_id", cid.len()),
            ("old_id", old.len()),
            ("hometown", home.len()),
            ("party_unit", unit.len()),
            ("birth_year", self.year.len()),
            ("birth_month", self.month.len()),
            ("birth_day", self.day.len()),
            ("gender", self.gender.len()),
        ] {
            if len != n {
                return Err(InvalidInputError::new_err(format!("column {what} has {len} values, full_name has {n}")));
            }
        }
        Ok((0..n)
            .map(|i| Person {
                full_name: names[i].unwrap_or(""),
                date_of_birth: date(self.year[i], self.month[i], self.day[i]),
                gender: match self.gender[i] {
                    1 => Some(Gender::Male),
                    0 => Some(Gender::Female),
                    _ => None,
                },
                citizen_id: cid[i],
                old_id: old[i],
                hometown: home[i],
                party_unit: unit[i],
                party_card: card.as_ref().and_then(|c| c[i]),
                admission_date: admission.map_or_else(PartialDate::default, |(y, m, d)| date(y[i], m[i], d[i])),
            })
            .collect())
    }
}

fn read_columns(cols: &Bound<'_, PyDict>) -> PyResult<Columns> {
    let get = |key: &str| -> PyResult<Bound<'_, PyAny>> {
        cols.get_item(key)?.ok_or_else(|| InvalidInputError::new_err(format!("missing column {key}")))
    };
    Ok(Columns {
        full_name: columns::extract(&get("full_name")?)?,
        citizen_id: columns::extract(&get("citizen_id")?)?,
        old_id: columns::extract(&get("old_id")?)?,
        hometown: columns::extract(&get("hometown")?)?,
        party_unit: columns::extract(&get("party_unit")?)?,
        year: extract_ints(&get("birth_year")?, "birth_year", 0)?,
        month: extract_ints(&get("birth_month")?, "birth_month", 0)?,
        day: extract_ints(&get("birth_day")?, "birth_day", 0)?,
        gender: extract_ints(&get("gender")?, "gender", -1)?,
        party_card: cols.get_item("party_card")?.map(|c| columns::extract(&c)).transpose()?,
        admission: match (
            cols.get_item("admission_year")?,
            cols.get_item("admission_month")?,
            cols.get_item("admission_day")?,
        ) {
            (None, None, None) => None,
            (Some(y), Some(m), Some(d)) => Some((
                extract_ints(&y, "admission_year", 0)?,
                extract_ints(&m, "admission_month", 0)?,
                extract_ints(&d, "admission_day", 0)?,
            )),
            _ => {
                return Err(InvalidInputError::new_err(
                    "admission_year, admission_month and admission_day come together",
                ))
            }
        },
    })
}

pub(crate) fn config(threshold: f64, strong_threshold: f64, max_block_size: usize) -> PyResult<Config> {
    if !(0.0..=1.0).contains(&threshold) || !(threshold..=1.0).contains(&strong_threshold) {
        return Err(InvalidInputError::new_err(format!(
            "thresholds must satisfy 0 <= threshold ({threshold}) <= strong_threshold ({strong_threshold}) <= 1"
        )));
    }
    if max_block_size < 2 {
        return Err(InvalidInputError::new_err("max_block_size must be at least 2"));
    }
    Ok(Config { threshold, strong_threshold, max_block_size, ..Config::default() })
}

/// A trained Fellegi–Sunter model (m, u and λ), reusable for incremental matching.
#[pyclass(module = "doichieu._engine", frozen)]
#[derive(Clone)]
pub struct DedupModel {
    inner: Model,
}

/// A file that cannot be read is an OSError naming it; one that is not a model of
/// this build's format, an InvalidInputError saying why.
fn model_error(err: ModelFileError) -> PyErr {
    match err {
        ModelFileError::Io { path, source } => {
            std::io::Error::new(source.kind(), format!("{}: {source}", path.display())).into()
        }
        other => InvalidInputError::new_err(other.to_string()),
    }
}

impl From<Model> for DedupModel {
    fn from(inner: Model) -> Self {
        DedupModel { inner }
    }
}

impl DedupModel {
    pub(crate) fn model(&self) -> Model {
        self.inner.clone()
    }
}

#[pymethods]
impl DedupModel {
    /// m and u per field and level, and λ: the numbers behind every score, with
    /// the format and version a model file carries (`from_dict` reads it back).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("format", MODEL_FORMAT)?;
        d.set_item("version", MODEL_VERSION)?;
        d.set_item("lambda", self.inner.lambda)?;
        d.set_item("em_iterations", self.inner.iterations)?;
        let fields = PyDict::new(py);
        for f in FIELDS {
            let levels = PyDict::new(py);
            for (l, name) in f.levels().iter().enumerate() {
                levels.set_item(*name, (self.inner.m[f.index()][l], self.inner.u[f.index()][l]))?;
            }
            fields.set_item(f.as_str(), levels)?;
        }
        d.set_item("fields", fields)?;
        Ok(d)
    }

    /// The model `to_dict` (or a model file read as JSON) describes; refused with
    /// InvalidInputError unless its format, version and fields are this build's.
    #[staticmethod]
    fn from_dict(d: &Bound<'_, PyAny>) -> PyResult<DedupModel> {
        let text: String = d
            .py()
            .import("json")?
            .call_method1("dumps", (d,))
            .and_then(|t| t.extract())
            .map_err(|e| InvalidInputError::new_err(format!("not a doichieu duplicate model: {e}")))?;
        Model::from_json(&text).map(|inner| DedupModel { inner }).map_err(model_error)
    }

    /// Writes the model to `path` as JSON, readable by its owner only (mode
    /// 0600), through a temporary file renamed into place.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        py.detach(|| self.inner.save(&path)).map_err(model_error)
    }

    /// Reads a model written by `save`.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<DedupModel> {
        py.detach(|| Model::load(&path)).map(|inner| DedupModel { inner }).map_err(model_error)
    }

    fn __repr__(&self) -> String {
        format!("DedupModel(lambda={:.2e}, em_iterations={})", self.inner.lambda, self.inner.iterations)
    }
}

/// A skipped block as Python reads it: (rule code, members, cap); the reader's
/// language is the caller's to choose (`doichieu.dedup.SkippedBlock`).
pub(crate) type SkippedRow = (&'static str, usize, usize);

pub(crate) fn skipped_rows(warnings: &[dedup::SkippedBlock]) -> Vec<SkippedRow> {
    warnings.iter().map(|w| (w.rule.as_str(), w.members, w.cap)).collect()
}

/// Returns a dict: pairs (a dict of columns), clusters (a dict of columns),
/// warnings (list of (rule code, members, cap), one per block skipped), model
/// (DedupModel), candidate_pairs (int). With
/// `model`, pairs are scored with it and nothing is trained.
#[pyfunction]
#[pyo3(signature = (columns, threshold = 0.9, strong_threshold = 0.99, max_block_size = 400, model = None))]
fn find_duplicates<'py>(
    py: Python<'py>,
    columns: &Bound<'py, PyDict>,
    threshold: f64,
    strong_threshold: f64,
    max_block_size: usize,
    model: Option<&DedupModel>,
) -> PyResult<Bound<'py, PyDict>> {
    let cfg = config(threshold, strong_threshold, max_block_size)?;
    let cols = read_columns(columns)?;
    let given = model.map(DedupModel::model);
    let result = {
        let people = cols.people()?;
        py.detach(|| dedup::find_duplicates_with(&people, &cfg, given))
    };
    let out = PyDict::new(py);
    let pairs = PyDict::new(py);
    let p = &result.pairs;
    let u32s = |f: &dyn Fn(&dedup::DuplicatePair) -> usize| -> ArrayRef {
        Arc::new(UInt32Array::from(p.iter().map(|x| f(x) as u32).collect::<Vec<_>>()))
    };
    pairs.set_item("a", arrow_out(py, u32s(&|x| x.a))?)?;
    pairs.set_item("b", arrow_out(py, u32s(&|x| x.b))?)?;
    pairs.set_item(
        "probability",
        arrow_out(py, Arc::new(Float64Array::from(p.iter().map(|x| x.probability).collect::<Vec<_>>())))?,
    )?;
    pairs.set_item(
        "match_weight",
        arrow_out(py, Arc::new(Float64Array::from(p.iter().map(|x| x.match_weight).collect::<Vec<_>>())))?,
    )?;
    pairs.set_item(
        "type",
        arrow_out(py, Arc::new(StringArray::from(p.iter().map(|x| x.kind.as_str()).collect::<Vec<_>>())))?,
    )?;
    pairs.set_item(
        "name_kind",
        arrow_out(py, Arc::new(StringArray::from(p.iter().map(|x| x.name_kind.as_str()).collect::<Vec<_>>())))?,
    )?;
    for f in FIELDS {
        let levels: Vec<Option<&str>> = p.iter().map(|x| x.levels[f.index()].map(|l| f.levels()[l as usize])).collect();
        let weights: Vec<Option<f64>> =
            p.iter().map(|x| Some(x.field_weights[f.index()]).filter(|w| !w.is_nan())).collect();
        pairs.set_item(f.level_column(), arrow_out(py, Arc::new(StringArray::from(levels)))?)?;
        pairs.set_item(format!("{}_weight", f.as_str()), arrow_out(py, Arc::new(Float64Array::from(weights)))?)?;
    }
    pairs.set_item(
        "explanation",
        arrow_out(py, Arc::new(StringArray::from(p.iter().map(|x| x.explanation()).collect::<Vec<_>>())))?,
    )?;
    out.set_item("pairs", pairs)?;
    let clusters = PyDict::new(py);
    let c = &result.clusters;
    clusters.set_item(
        "cluster_id",
        arrow_out(py, Arc::new(UInt32Array::from(c.iter().map(|x| x.cluster_id as u32).collect::<Vec<_>>())))?,
    )?;
    clusters.set_item(
        "member",
        arrow_out(py, Arc::new(UInt32Array::from(c.iter().map(|x| x.member as u32).collect::<Vec<_>>())))?,
    )?;
    clusters.set_item(
        "type",
        arrow_out(py, Arc::new(StringArray::from(c.iter().map(|x| x.kind.as_str()).collect::<Vec<_>>())))?,
    )?;
    out.set_item("clusters", clusters)?;
    out.set_item("warnings", skipped_rows(&result.warnings))?;
    out.set_item("candidate_pairs", result.candidate_pairs)?;
    out.set_item("model", DedupModel { inner: result.model })?;
    Ok(out)
}

/// Duplicates in a roster given as the roster columns (as for
/// `PopulationIndex.verify_all`), each member read by the engine's record
/// parsers. Returns a dict: pairs (Arrow table: member_id_a, member_id_b,
/// score, type, match_weight, name_kind, explanation, one `{field}_level` per
/// field; highest score first), clusters (Arrow table: cluster_id, member_id,
/// type), warnings, candidate_pairs and model (`model` when given, else one
/// trained on the roster).
#[pyfunction]
#[pyo3(signature = (columns, threshold = 0.9, strong_threshold = 0.99, max_block_size = 400, model = None))]
fn find_roster_duplicates<'py>(
    py: Python<'py>,
    columns: &Bound<'py, PyDict>,
    threshold: f64,
    strong_threshold: f64,
    max_block_size: usize,
    model: Option<&DedupModel>,
) -> PyResult<Bound<'py, PyDict>> {
    let cfg = config(threshold, strong_threshold, max_block_size)?;
    let sources = revalidation::roster_sources(columns)?;
    let roster = revalidation::roster_columns(&sources)?;
    let model = model.map(DedupModel::model);
    let answer = py.detach(|| duplicates_found(&roster, dedup::find_roster_duplicates(&roster, today(), &cfg, model)));
    answer.into_dict(py)
}

/// A roster's deduplication as the bindings answer it: its pairs and clusters
/// as Arrow tables (built with the GIL released), beside the rest of the result.
struct DuplicatesFound {
    tables: Result<[RecordBatch; 2], ArrowError>,
    result: dedup::DedupResult,
}

fn duplicates_found(roster: &RosterColumns<'_>, mut result: dedup::DedupResult) -> DuplicatesFound {
    let pairs = std::mem::take(&mut result.pairs);
    let clusters = std::mem::take(&mut result.clusters);
    DuplicatesFound { tables: roster_tables(roster, &pairs, &clusters), result }
}

impl DuplicatesFound {
    fn into_dict(self, py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        let [pairs, clusters] = self.tables.map_err(|e| InvalidInputError::new_err(format!("find_duplicates: {e}")))?;
        let out = PyDict::new(py);
        out.set_item("pairs", revalidation::table(pairs)?)?;
        out.set_item("clusters", revalidation::table(clusters)?)?;
        out.set_item("warnings", skipped_rows(&self.result.warnings))?;
        out.set_item("candidate_pairs", self.result.candidate_pairs)?;
        out.set_item("model", DedupModel { inner: self.result.model })?;
        Ok(out)
    }
}

/// The roster (a dict of the roster columns) as deduplication reads it, each
/// member by the engine's record parsers: an Arrow table of the columns
/// `find_duplicates` and `DuplicateIndex` take (full_name, birth_year,
/// birth_month, birth_day, gender (1 male, 0 female, null unknown),
/// citizen_id, old_id, hometown, party_unit, party_card, admission_year,
/// admission_month, admission_day; 0 where a date part is unknown).
#[pyfunction]
fn dedup_columns(py: Python<'_>, columns: &Bound<'_, PyDict>) -> PyResult<PyTable> {
    let sources = revalidation::roster_sources(columns)?;
    let roster = revalidation::roster_columns(&sources)?;
    let batch = py.detach(|| {
        let people = dedup::people_from_roster(&roster, today());
        let text = |f: &dyn Fn(&dedup::OwnedPerson) -> Option<&str>| -> ArrayRef {
            Arc::new(people.iter().map(f).collect::<StringArray>())
        };
        let int = |f: &dyn Fn(&dedup::OwnedPerson) -> Option<i64>| -> ArrayRef {
            Arc::new(people.iter().map(f).collect::<Int64Array>())
        };
        revalidation::batch(vec![
            ("full_name", text(&|p| Some(&p.full_name))),
            ("birth_year", int(&|p| Some(p.date_of_birth.year.into()))),
            ("birth_month", int(&|p| Some(p.date_of_birth.month.into()))),
            ("birth_day", int(&|p| Some(p.date_of_birth.day.into()))),
            ("gender", int(&|p| p.gender.map(|g| i64::from(g == Gender::Male)))),
            ("citizen_id", text(&|p| p.citizen_id.as_deref())),
            ("old_id", text(&|p| p.old_id.as_deref())),
            ("hometown", text(&|p| p.hometown.as_deref())),
            ("party_unit", text(&|p| p.party_unit.as_deref())),
            ("party_card", text(&|p| p.party_card.as_deref())),
            ("admission_year", int(&|p| Some(p.admission_date.year.into()))),
            ("admission_month", int(&|p| Some(p.admission_date.month.into()))),
            ("admission_day", int(&|p| Some(p.admission_date.day.into()))),
        ])
    });
    revalidation::table(batch.map_err(|e| InvalidInputError::new_err(format!("dedup_columns: {e}")))?)
}

/// The columns of the pairs table `find_roster_duplicates` answers with.
fn pair_columns(roster: &RosterColumns<'_>, pairs: &[dedup::DuplicatePair]) -> Vec<(&'static str, ArrayRef)> {
    let member_id = |i: usize| roster.member(i).member_id;
    let mut columns: Vec<(&'static str, ArrayRef)> = vec![
        ("member_id_a", Arc::new(pairs.iter().map(|p| member_id(p.a)).collect::<StringArray>())),
        ("member_id_b", Arc::new(pairs.iter().map(|p| member_id(p.b)).collect::<StringArray>())),
        ("score", Arc::new(pairs.iter().map(|p| p.score()).collect::<Float64Array>())),
        ("type", revalidation::strs(pairs.iter().map(|p| p.kind.as_str()))),
        ("match_weight", Arc::new(pairs.iter().map(|p| p.match_weight).collect::<Float64Array>())),
        ("name_kind", revalidation::strs(pairs.iter().map(|p| p.name_kind.as_str()))),
        ("explanation", Arc::new(pairs.iter().map(|p| Some(p.explanation())).collect::<StringArray>())),
    ];
    let level_names = FIELDS.map(|f| f.level_column());
    columns.extend(revalidation::level_columns(pairs.iter(), &level_names));
    columns
}

fn roster_tables(
    roster: &RosterColumns<'_>,
    pairs: &[dedup::DuplicatePair],
    clusters: &[dedup::ClusterMember],
) -> Result<[RecordBatch; 2], ArrowError> {
    let member_id = |i: usize| roster.member(i).member_id;
    let columns = pair_columns(roster, pairs);
    let (cluster_id, _, kind) = revalidation::cluster_columns(clusters);
    let cluster_member_id: ArrayRef = Arc::new(clusters.iter().map(|c| member_id(c.member)).collect::<StringArray>());
    Ok([
        revalidation::batch(columns)?,
        revalidation::batch(vec![("cluster_id", cluster_id), ("member_id", cluster_member_id), ("type", kind)])?,
    ])
}

/// Holds a province's members and answers "who is this likely to be?" for one
/// record at a time; safe to share between server threads.
#[pyclass(module = "doichieu._engine", frozen)]
pub struct DuplicateIndex {
    inner: RwLock<IncrementalIndex>,
}

#[allow(clippy::too_many_arguments)]
fn person_from_args<'a>(
    full_name: &'a str,
    date_of_birth: (i64, i64, i64),
    gender: Option<i64>,
    citizen_id: Option<&'a str>,
    old_id: Option<&'a str>,
    hometown: Option<&'a str>,
    party_unit: Option<&'a str>,
    party_card: Option<&'a str>,
    admission_date: Option<(i64, i64, i64)>,
) -> PyResult<Person<'a>> {
    if full_name.len() > doichieu_engine::MAX_NAME_BYTES {
        return Err(crate::errors::InputTooLongError::new_err(format!(
            "full_name is {} bytes long; the limit is {} bytes",
            full_name.len(),
            doichieu_engine::MAX_NAME_BYTES
        )));
    }
    let (y, m, d) = date_of_birth;
    Ok(Person {
        full_name,
        date_of_birth: date(y, m, d),
        gender: match gender {
            Some(1) => Some(Gender::Male),
            Some(0) => Some(Gender::Female),
            _ => None,
        },
        citizen_id,
        old_id,
        hometown,
        party_unit,
        party_card,
        admission_date: admission_date.map_or_else(PartialDate::default, |(y, m, d)| date(y, m, d)),
    })
}

#[pymethods]
impl DuplicateIndex {
    /// An index over `columns` (as for `find_duplicates`), scored with `model`
    /// (trained by `find_duplicates` on the same province).
    #[new]
    #[pyo3(signature = (model, columns = None, max_block_size = 400))]
    fn new(
        py: Python<'_>,
        model: &DedupModel,
        columns: Option<&Bound<'_, PyDict>>,
        max_block_size: usize,
    ) -> PyResult<Self> {
        let mut index = IncrementalIndex::new(model.inner.clone(), max_block_size.max(2));
        if let Some(cols) = columns {
            let cols = read_columns(cols)?;
            let people = cols.people()?;
            py.detach(|| {
                for p in &people {
                    index.add(p);
                }
            });
        }
        Ok(DuplicateIndex { inner: RwLock::new(index) })
    }

    fn __len__(&self) -> usize {
        self.inner.read().map(|i| i.len()).unwrap_or(0)
    }

    /// Adds one member; returns its position.
    #[pyo3(signature = (full_name, date_of_birth, gender = None, citizen_id = None, old_id = None, hometown = None, party_unit = None, party_card = None, admission_date = None))]
    #[allow(clippy::too_many_arguments)]
    fn add(
        &self,
        py: Python<'_>,
        full_name: &str,
        date_of_birth: (i64, i64, i64),
        gender: Option<i64>,
        citizen_id: Option<&str>,
        old_id: Option<&str>,
        hometown: Option<&str>,
        party_unit: Option<&str>,
        party_card: Option<&str>,
        admission_date: Option<(i64, i64, i64)>,
    ) -> PyResult<usize> {
        let person = person_from_args(
            full_name,
            date_of_birth,
            gender,
            citizen_id,
            old_id,
            hometown,
            party_unit,
            party_card,
            admission_date,
        )?;
        py.detach(|| self.inner.write().map(|mut i| i.add(&person)).map_err(|_| ()))
            .map_err(|_| InvalidInputError::new_err("the index was poisoned by an earlier panic"))
    }

    /// Held members likely to be this person: a list of dicts (index, probability,
    /// match_weight, type, name_kind, explanation), best first.
    #[pyo3(signature = (full_name, date_of_birth, gender = None, citizen_id = None, old_id = None, hometown = None, party_unit = None, party_card = None, admission_date = None, min_probability = 0.5, limit = 5))]
    #[allow(clippy::too_many_arguments)]
    fn query<'py>(
        &self,
        py: Python<'py>,
        full_name: &str,
        date_of_birth: (i64, i64, i64),
        gender: Option<i64>,
        citizen_id: Option<&str>,
        old_id: Option<&str>,
        hometown: Option<&str>,
        party_unit: Option<&str>,
        party_card: Option<&str>,
        admission_date: Option<(i64, i64, i64)>,
        min_probability: f64,
        limit: usize,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let person = person_from_args(
            full_name,
            date_of_birth,
            gender,
            citizen_id,
            old_id,
            hometown,
            party_unit,
            party_card,
            admission_date,
        )?;
        let found = py
            .detach(|| self.inner.read().map(|i| i.query(&person, min_probability, limit)).map_err(|_| ()))
            .map_err(|_| InvalidInputError::new_err("the index was poisoned by an earlier panic"))?;
        found
            .into_iter()
            .map(|c| {
                let d = PyDict::new(py);
                d.set_item("index", c.index)?;
                d.set_item("probability", c.probability)?;
                d.set_item("match_weight", c.match_weight)?;
                d.set_item("type", c.kind.as_str())?;
                d.set_item("name_kind", c.name_kind.as_str())?;
                let pair = dedup::DuplicatePair {
                    a: 0,
                    b: c.index,
                    probability: c.probability,
                    match_weight: c.match_weight,
                    kind: c.kind,
                    name_kind: c.name_kind,
                    levels: c.levels,
                    field_weights: c.field_weights,
                };
                d.set_item("explanation", pair.explanation())?;
                Ok(d)
            })
            .collect()
    }
}

/// The roster's people, read as `find_roster_duplicates` reads them.
fn roster_people(roster: &RosterColumns<'_>) -> Vec<dedup::OwnedPerson> {
    dedup::people_from_roster(roster, today())
}

/// For a distributed run (doichieu.spark): per roster member, its name key and
/// its key under each of the seven blocking rules (null where the member lacks
/// what the rule needs). An Arrow table: name_key (int64), rule_keys (list of 7
/// int64). Keys are 64-bit hashes carried as int64 (same bits).
#[pyfunction]
fn dedup_rule_keys(py: Python<'_>, columns: &Bound<'_, PyDict>) -> PyResult<PyTable> {
    use arrow_array::builder::{Int64Builder, ListBuilder};
    let sources = revalidation::roster_sources(columns)?;
    let roster = revalidation::roster_columns(&sources)?;
    let batch = py.detach(|| {
        let people = roster_people(&roster);
        let views: Vec<Person<'_>> = people.iter().map(dedup::OwnedPerson::view).collect();
        let keys = dedup::rule_keys(&views);
        let name_key: ArrayRef = Arc::new(Int64Array::from_iter_values(keys.iter().map(|k| k.0 as i64)));
        let mut rules = ListBuilder::new(Int64Builder::new());
        for (_, ks) in &keys {
            rules.values().extend(ks.iter().map(|k| k.map(|k| k as i64)));
            rules.append(true);
        }
        revalidation::batch(vec![("name_key", name_key), ("rule_keys", Arc::new(rules.finish()))])
    });
    revalidation::table(batch.map_err(|e| InvalidInputError::new_err(format!("dedup_rule_keys: {e}")))?)
}

fn rule_of(rule: usize) -> PyResult<dedup::BlockKind> {
    dedup::BlockKind::ALL.get(rule).copied().ok_or_else(|| {
        InvalidInputError::new_err(format!("rule must be 0..{}, got {rule}", dedup::BlockKind::ALL.len()))
    })
}

fn rows(values: impl Iterator<Item = u32>) -> ArrayRef {
    Arc::new(UInt32Array::from_iter_values(values))
}

/// What one rule's blocks give a task of a distributed run (doichieu.spark),
/// as `dedup::rule_blocks` finds it among the roster columns' members (every
/// member sharing a key of rule `rule`, 0..7 as `dedup_rule_keys` orders them,
/// must be there; `name_count[i]` is how many of the whole roster's `members`
/// share member i's name key). A dict:
/// - `kept`: an Arrow table, one row per kept pair in candidate order: `a`,
///   `b` (rows of the columns), `probability` (unrounded, as the clustering
///   reads it), then the columns of `find_roster_duplicates`' pairs table;
/// - `own`: how many candidate pairs no other rule keys together;
/// - `shared`: an Arrow table (`a`, `b`) of the candidate pairs another rule
///   also keys together, to be counted once over all rules;
/// - `warnings`: the skipped blocks as (key, rule code, members, cap), the key being the
///   block's rule key (as `dedup_rule_keys` carries it): one machine says a
///   rule's warnings in the order of those keys read as unsigned.
#[pyfunction]
#[pyo3(signature = (columns, rule, name_count, members, model, threshold = 0.9, strong_threshold = 0.99, max_block_size = 400))]
#[allow(clippy::too_many_arguments)]
fn dedup_rule_blocks<'py>(
    py: Python<'py>,
    columns: &Bound<'py, PyDict>,
    rule: usize,
    name_count: &Bound<'py, PyAny>,
    members: usize,
    model: &DedupModel,
    threshold: f64,
    strong_threshold: f64,
    max_block_size: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let kind = rule_of(rule)?;
    let cfg = config(threshold, strong_threshold, max_block_size)?;
    let sources = revalidation::roster_sources(columns)?;
    let roster = revalidation::roster_columns(&sources)?;
    let counts = extract_ints(name_count, "name_count", 0)?;
    if counts.len() != roster.len() {
        return Err(InvalidInputError::new_err("name_count: one value per member of the roster columns"));
    }
    let counts: Vec<u32> = counts.iter().map(|&c| c as u32).collect();
    let model = model.model();
    let (found, kept, shared) = py.detach(|| {
        let people = roster_people(&roster);
        let views: Vec<Person<'_>> = people.iter().map(dedup::OwnedPerson::view).collect();
        let found = dedup::rule_blocks(kind, &views, &counts, members, &model, &cfg);
        let mut kept: Vec<(&str, ArrayRef)> = vec![
            ("a", rows(found.kept.iter().map(|p| p.a as u32))),
            ("b", rows(found.kept.iter().map(|p| p.b as u32))),
            ("probability", Arc::new(found.kept.iter().map(|p| p.probability).collect::<Float64Array>())),
        ];
        kept.extend(pair_columns(&roster, &found.kept));
        let shared =
            vec![("a", rows(found.shared.iter().map(|&(i, _)| i))), ("b", rows(found.shared.iter().map(|&(_, j)| j)))];
        (found, revalidation::batch(kept), revalidation::batch(shared))
    });
    let failed = |e: ArrowError| InvalidInputError::new_err(format!("dedup_rule_blocks: {e}"));
    let answer = PyDict::new(py);
    answer.set_item("kept", revalidation::table(kept.map_err(failed)?)?)?;
    answer.set_item("own", found.own)?;
    answer.set_item("shared", revalidation::table(shared.map_err(failed)?)?)?;
    let warnings: Vec<(i64, &str, usize, usize)> =
        found.warnings.iter().map(|(key, w)| (*key as i64, w.rule.as_str(), w.members, w.cap)).collect();
    answer.set_item("warnings", warnings)?;
    Ok(answer)
}

/// Duplicates in the whole roster from the candidate pairs a distributed run
/// kept (i < j, sorted, each once), scored with `model`, kept and clustered as
/// `find_roster_duplicates` does; answers as it does, with `candidate_pairs`
/// and `warnings` the run's.
#[pyfunction]
#[pyo3(signature = (columns, a, b, candidate_pairs, warnings, model, threshold = 0.9, strong_threshold = 0.99, max_block_size = 400))]
#[allow(clippy::too_many_arguments)]
fn find_roster_duplicates_from<'py>(
    py: Python<'py>,
    columns: &Bound<'py, PyDict>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    candidate_pairs: usize,
    warnings: Vec<(String, usize, usize)>,
    model: &DedupModel,
    threshold: f64,
    strong_threshold: f64,
    max_block_size: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let cfg = config(threshold, strong_threshold, max_block_size)?;
    let sources = revalidation::roster_sources(columns)?;
    let roster = revalidation::roster_columns(&sources)?;
    let (a, b) = (extract_ints(a, "a", -1)?, extract_ints(b, "b", -1)?);
    let n = roster.len() as i64;
    if a.len() != b.len() || a.iter().zip(&b).any(|(&i, &j)| i < 0 || j >= n || i >= j) {
        return Err(InvalidInputError::new_err("a and b: one value per pair, rows of the roster, a < b"));
    }
    let mut pairs: Vec<(u32, u32)> = a.iter().zip(&b).map(|(&i, &j)| (i as u32, j as u32)).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let warnings = warnings
        .into_iter()
        .map(|(rule, members, cap)| {
            let rule = dedup::BlockKind::from_code(&rule)
                .ok_or_else(|| InvalidInputError::new_err(format!("warnings: no blocking rule {rule:?}")))?;
            Ok(dedup::SkippedBlock { rule, members, cap })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let model = model.model();
    let answer = py.detach(|| {
        let people = roster_people(&roster);
        let views: Vec<Person<'_>> = people.iter().map(dedup::OwnedPerson::view).collect();
        let mut result = dedup::find_duplicates_from(&views, pairs, candidate_pairs, warnings, &cfg, model);
        dedup::order_for_tables(&mut result.pairs);
        duplicates_found(&roster, result)
    });
    answer.into_dict(py)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<DedupModel>()?;
    m.add_class::<DuplicateIndex>()?;
    m.add_function(wrap_pyfunction!(find_duplicates, m)?)?;
    m.add_function(wrap_pyfunction!(dedup_rule_keys, m)?)?;
    m.add_function(wrap_pyfunction!(dedup_rule_blocks, m)?)?;
    m.add_function(wrap_pyfunction!(find_roster_duplicates_from, m)?)?;
    m.add_function(wrap_pyfunction!(find_roster_duplicates, m)?)?;
    m.add_function(wrap_pyfunction!(dedup_columns, m)?)?;
    Ok(())
}
