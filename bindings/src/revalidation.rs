//! A whole revalidation in one call: roster columns and the population index
//! in, four Arrow tables out (findings, verdicts, duplicate pairs, clusters),
//! the work done by `doichieu_engine::revalidation` with the GIL released. The
//! plain cross-check (`verify_tables`) answers with the same first two tables.

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, LargeListArray, RecordBatch, StringArray, StructArray, UInt32Array};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use doichieu_engine::column::StrColumn;
use doichieu_engine::dedup::people_from_roster;
use doichieu_engine::dedup::{levels::FIELDS, ClusterMember, Config, DuplicatePair};
use doichieu_engine::records::{
    FindingColumns, Options, PopulationColumns, PopulationIndex as CoreIndex, RosterColumns, RosterSource, StrSource,
    VerificationColumns,
};
use doichieu_engine::revalidation::{self, ClustersTable, FindingsTable, PairsTable, Revalidation, VerdictsTable};
use doichieu_engine::vocabulary::{self, fields::required_codes, Verdict, POPULATION_COLUMNS, ROSTER_COLUMNS};

use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::PyTable;

use crate::columns::{static_view, str_column_to_arrow, str_column_to_view};
use crate::dedup::{config, DedupModel};
use crate::errors::InvalidInputError;
use crate::records::{checks_not_run, engine_err, read_table, PopulationIndex, Source};

/// Roster columns (a dict in `ROSTER_COLUMNS` names; absent ones all missing), read in place.
pub(crate) fn roster_sources(columns: &Bound<'_, PyDict>) -> PyResult<Vec<Source>> {
    read_table(columns, &ROSTER_COLUMNS, &[])
}

pub(crate) fn roster_columns(sources: &[Source]) -> PyResult<RosterColumns<'_>> {
    let refs: Vec<&dyn StrSource> = sources.iter().map(|s| s as &dyn StrSource).collect();
    let arr: [&dyn StrSource; 13] =
        refs.try_into().map_err(|_| InvalidInputError::new_err("thirteen roster columns expected"))?;
    RosterColumns::new(arr).map_err(engine_err)
}

/// A record batch of the given columns (every field nullable).
pub(crate) fn batch(columns: Vec<(&str, ArrayRef)>) -> Result<RecordBatch, ArrowError> {
    let fields: Vec<Field> = columns.iter().map(|(name, a)| Field::new(*name, a.data_type().clone(), true)).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns.into_iter().map(|(_, a)| a).collect())
}

/// An Arrow table for Python (any Arrow PyCapsule reader: polars, pyarrow, …).
pub(crate) fn table(batch: RecordBatch) -> PyResult<PyTable> {
    let schema = batch.schema();
    PyTable::try_new(vec![batch], schema)
}

pub(crate) fn strs<'a>(values: impl Iterator<Item = &'a str>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(values))
}

fn u32s(values: impl Iterator<Item = usize>) -> ArrayRef {
    Arc::new(UInt32Array::from_iter_values(values.map(|v| v as u32)))
}

/// The level of each field in words, one column per field named `{field}_level`,
/// for the fields in `fields` (null where a value was missing).
pub(crate) fn level_columns<'p>(
    pairs: impl Iterator<Item = &'p DuplicatePair> + Clone,
    fields: &[&'static str],
) -> Vec<(&'static str, ArrayRef)> {
    FIELDS
        .iter()
        .zip(fields)
        .map(|(f, name)| {
            let levels: StringArray =
                pairs.clone().map(|p| p.levels[f.index()].map(|l| f.levels()[l as usize])).collect();
            (*name, Arc::new(levels) as ArrayRef)
        })
        .collect()
}

/// Cluster members: cluster_id, member (roster row), type.
pub(crate) fn cluster_columns(members: &[ClusterMember]) -> (ArrayRef, ArrayRef, ArrayRef) {
    (
        u32s(members.iter().map(|m| m.cluster_id)),
        u32s(members.iter().map(|m| m.member)),
        strs(members.iter().map(|m| m.kind.as_str())),
    )
}

const REVALIDATION_LEVELS: [&str; 6] =
    ["name_level", "date_of_birth_level", "gender_level", "hometown_level", "citizen_id_level", "old_id_level"];

/// The findings table; `row` is the roster row plus `row_offset` (the rows a
/// caller's earlier calls covered).
fn findings_batch(t: FindingsTable, row_offset: u32) -> Result<RecordBatch, ArrowError> {
    let f = t.columns;
    batch(vec![
        ("member_id", str_column_to_view(t.member_id)),
        ("code", static_view(f.code.iter().map(|c| Some(c.as_str())))),
        ("field", static_view(f.field.iter().map(|&x| Some(x)))),
        ("severity", static_view(f.code.iter().map(|c| Some(c.severity().as_str())))),
        ("owner", static_view(f.owner.iter().map(|o| Some(o.as_str())))),
        ("party_value", str_column_to_view(f.party_value)),
        ("population_value", str_column_to_view(f.population_value)),
        ("message_vi", str_column_to_view(f.message_vi)),
        ("message_en", str_column_to_view(f.message_en)),
        ("row", Arc::new(UInt32Array::from_iter_values(f.member.iter().map(|m| m + row_offset)))),
    ])
}

/// The verdicts table, candidates as a list of structs; `row` as in `findings_batch`.
fn verdicts_batch(v: VerdictsTable, row_offset: u32) -> Result<RecordBatch, ArrowError> {
    let n = v.verdict.len() as u32;
    let c = v.candidates;
    let fields = vec![
        Field::new("citizen_id", DataType::Utf8View, true),
        Field::new("full_name", DataType::Utf8View, true),
        Field::new("date_of_birth", DataType::Utf8View, true),
        Field::new("score", DataType::Float64, true),
        Field::new("name_kind", DataType::Utf8View, true),
    ];
    let candidate = StructArray::try_new(
        fields.into(),
        vec![
            str_column_to_view(c.citizen_id),
            str_column_to_view(c.full_name),
            str_column_to_view(c.date_of_birth),
            Arc::new(Float64Array::from(c.score)),
            static_view(c.name_kind.iter().map(|k| Some(k.as_str()))),
        ],
        None,
    )?;
    let item = Arc::new(Field::new("item", candidate.data_type().clone(), true));
    // 64-bit offsets, as polars keeps lists: it adopts these as they are, where
    // it widened 32-bit ones into a copy and kept both.
    let offsets: Vec<i64> = c.offsets.iter().map(|&o| i64::from(o)).collect();
    let lists = LargeListArray::try_new(
        item,
        OffsetBuffer::new(offsets.into()),
        Arc::new(candidate),
        Some(NullBuffer::from(c.has_list)),
    )?;
    batch(vec![
        ("member_id", str_column_to_view(v.member_id)),
        ("verdict", static_view(v.verdict.iter().map(|x| Some(x.as_str())))),
        ("matched_citizen_id", str_column_to_view(v.matched_citizen_id)),
        ("name_kind", static_view(v.name_kind.iter().map(|k| k.map(|k| k.as_str())))),
        ("name_score", Arc::new(Float64Array::from(v.name_score))),
        ("candidates", Arc::new(lists)),
        ("row", Arc::new(UInt32Array::from_iter_values(row_offset..row_offset + n))),
    ])
}

/// The pairs and clusters tables of a revalidation.
fn duplicate_batches(p: PairsTable, cl: ClustersTable) -> Result<[RecordBatch; 2], ArrowError> {
    let pairs_iter = || p.pairs.iter();
    let mut columns: Vec<(&str, ArrayRef)> = vec![
        ("cluster_id", Arc::new(pairs_iter().map(|x| x.cluster_id).collect::<UInt32Array>())),
        ("member_id_a", str_column_to_arrow(p.member_id_a)),
        ("member_id_b", str_column_to_arrow(p.member_id_b)),
        ("type", strs(pairs_iter().map(|x| x.pair.kind.as_str()))),
        ("status", strs(pairs_iter().map(|x| x.status.as_str()))),
        ("score", Arc::new(pairs_iter().map(|x| x.pair.score()).collect::<Float64Array>())),
        ("population_check", strs(pairs_iter().map(|x| x.check.as_str()))),
        ("ward_a", str_column_to_arrow(p.ward_a)),
        ("party_unit_a", str_column_to_arrow(p.party_unit_a)),
        ("ward_b", str_column_to_arrow(p.ward_b)),
        ("party_unit_b", str_column_to_arrow(p.party_unit_b)),
    ];
    columns.extend(level_columns(pairs_iter().map(|x| &x.pair), &REVALIDATION_LEVELS));
    columns.push((
        "explanation",
        strs(pairs_iter().map(|x| x.pair.explanation()).collect::<Vec<_>>().iter().map(String::as_str)),
    ));
    columns.push(("row_a", u32s(pairs_iter().map(|x| x.pair.a))));
    columns.push(("row_b", u32s(pairs_iter().map(|x| x.pair.b))));
    let pairs = batch(columns)?;

    let (cluster_id, row, kind) = cluster_columns(&cl.members);
    let clusters = batch(vec![
        ("cluster_id", cluster_id),
        ("type", kind),
        ("member_id", str_column_to_arrow(cl.member_id)),
        ("ward", str_column_to_arrow(cl.ward)),
        ("party_unit", str_column_to_arrow(cl.party_unit)),
        ("row", row),
    ])?;
    Ok([pairs, clusters])
}

/// The four tables, in the order `revalidate` names them.
fn batches(r: Revalidation) -> Result<[RecordBatch; 4], ArrowError> {
    let findings = findings_batch(r.findings, 0)?;
    let verdicts = verdicts_batch(r.verdicts, 0)?;
    let [pairs, clusters] = duplicate_batches(r.pairs, r.clusters)?;
    Ok([findings, verdicts, pairs, clusters])
}

/// The member IDs of the given roster rows.
fn gather_member_ids<R: RosterSource + ?Sized>(roster: &R, rows: &[u32]) -> StrColumn {
    let mut column = StrColumn::with_capacity(rows.len(), 8 * rows.len());
    for &i in rows {
        match roster.value(i as usize, doichieu_engine::vocabulary::Field::MemberId) {
            Some(v) => {
                column.data.push_str(v);
                column.finish_value();
            }
            None => column.push_null(),
        }
    }
    column
}

/// Cross-checks and deduplicates a roster (a dict of the roster columns)
/// against `index` in one engine call. Returns a dict: findings, verdicts,
/// pairs, clusters (Arrow tables), warnings (list of (rule code, members, cap)), candidate_pairs
/// (int), model (the DedupModel that scored the pairs: `model` when given,
/// else one trained on the roster) and checks_not_run (list of (check code,
/// [roster column codes]): the checks that did not run for lack of a column
/// absent from `columns`).
#[pyfunction]
#[pyo3(signature = (index, columns, threshold = 0.9, strong_threshold = 0.99, max_block_size = 400, model = None))]
fn revalidate<'py>(
    py: Python<'py>,
    index: &PopulationIndex,
    columns: &Bound<'py, PyDict>,
    threshold: f64,
    strong_threshold: f64,
    max_block_size: usize,
    model: Option<&DedupModel>,
) -> PyResult<Bound<'py, PyDict>> {
    let cfg: Config = config(threshold, strong_threshold, max_block_size)?;
    let sources = roster_sources(columns)?;
    let roster = roster_columns(&sources)?;
    let model = model.map(DedupModel::model);
    let (tables, model, warnings, candidate_pairs, not_run) = py.detach(|| {
        let mut r = revalidation::revalidate(&index.inner, &roster, &cfg, model);
        let (model, warnings, candidate_pairs) = (r.model.clone(), std::mem::take(&mut r.warnings), r.candidate_pairs);
        let not_run = checks_not_run(std::mem::take(&mut r.checks_not_run));
        (batches(r), model, warnings, candidate_pairs, not_run)
    });
    let tables = tables.map_err(|e| InvalidInputError::new_err(format!("revalidate: {e}")))?;
    let out = PyDict::new(py);
    for (name, batch) in ["findings", "verdicts", "pairs", "clusters"].into_iter().zip(tables) {
        out.set_item(name, table(batch)?)?;
    }
    out.set_item("warnings", crate::dedup::skipped_rows(&warnings))?;
    out.set_item("candidate_pairs", candidate_pairs)?;
    out.set_item("model", DedupModel::from(model))?;
    out.set_item("checks_not_run", not_run)?;
    Ok(out)
}

/// Cross-checks a roster (a dict of the roster columns) against `index`: the
/// findings and verdicts tables `revalidate` answers with, from the same
/// builder. `row_offset` is added to the `row` columns, for a roster checked in
/// slices.
#[pyfunction]
#[pyo3(signature = (index, columns, row_offset = 0))]
fn verify_tables(
    py: Python<'_>,
    index: &PopulationIndex,
    columns: &Bound<'_, PyDict>,
    row_offset: u32,
) -> PyResult<(PyTable, PyTable)> {
    let sources = roster_sources(columns)?;
    let roster = roster_columns(&sources)?;
    let tables = py.detach(|| {
        let verification = index.inner.verify_all(&roster);
        let (findings, verdicts) = revalidation::verification_tables(&roster, verification);
        Ok::<_, ArrowError>((findings_batch(findings, row_offset)?, verdicts_batch(verdicts, row_offset)?))
    });
    let (findings, verdicts) = tables.map_err(|e| InvalidInputError::new_err(format!("verify_tables: {e}")))?;
    Ok((table(findings)?, table(verdicts)?))
}

/// The roster's duplicates (a dict of the roster columns, read with the
/// reference date `as_of`) checked against `links`: per roster row, the citizen
/// ID of the citizen the member is tied to (text column; null when none), as a
/// cross-check that ran elsewhere found them (`doichieu.spark`). `holders` (a
/// dict of the population columns) are the population rows, in table order,
/// holding any number two members share. Returns a dict as `revalidate` does,
/// less findings, verdicts and checks_not_run, plus shared_findings (the
/// `CITIZEN_ID_SHARED` findings `revalidate` appends after the cross-check's,
/// as `verify_tables` writes findings, `row` the roster row) and raised
/// (roster rows whose verdict those findings raise to review).
#[pyfunction]
#[pyo3(signature = (columns, links, holders, as_of = None, threshold = 0.9, strong_threshold = 0.99, max_block_size = 400, model = None))]
#[allow(clippy::too_many_arguments)]
fn checked_duplicates<'py>(
    py: Python<'py>,
    columns: &Bound<'py, PyDict>,
    links: &Bound<'py, PyAny>,
    holders: &Bound<'py, PyDict>,
    as_of: Option<(i32, u32, u32)>,
    threshold: f64,
    strong_threshold: f64,
    max_block_size: usize,
    model: Option<&DedupModel>,
) -> PyResult<Bound<'py, PyDict>> {
    let cfg: Config = config(threshold, strong_threshold, max_block_size)?;
    let as_of = crate::records::options(as_of, 5, 0.6)?.as_of;
    let sources = roster_sources(columns)?;
    let roster = roster_columns(&sources)?;
    let links = crate::records::read_source("links", links)?;
    if links.len() != roster.len() {
        return Err(InvalidInputError::new_err(format!(
            "links has {} values; the roster has {} rows",
            links.len(),
            roster.len()
        )));
    }
    let holder_sources = read_table(holders, &POPULATION_COLUMNS, &required_codes(&vocabulary::POPULATION))?;
    let refs: Vec<&dyn StrSource> = holder_sources.iter().map(|s| s as &dyn StrSource).collect();
    let arr: [&dyn StrSource; 7] =
        refs.try_into().map_err(|_| InvalidInputError::new_err("seven population columns expected"))?;
    let holder_table = PopulationColumns::new(arr).map_err(engine_err)?;
    let holder_index = py.detach(|| CoreIndex::build(&holder_table, Options::default())).map_err(engine_err)?;
    let model = model.map(DedupModel::model);
    let (tables, model, warnings, candidate_pairs, raised) = py.detach(|| {
        let people = people_from_roster(&roster, as_of);
        let ties: Vec<Option<&str>> = (0..links.len()).map(|i| links.get(i)).collect();
        let d = revalidation::checked_duplicates(&roster, &people, &ties, &cfg, model);
        // The shared-number findings alone, on verdicts that start at accept.
        let n = roster.len();
        let mut shared = VerificationColumns {
            verdict: vec![Verdict::Accept; n],
            findings: FindingColumns::new(),
            ..VerificationColumns::default()
        };
        revalidation::add_shared_number_findings(
            &holder_index,
            &roster,
            &d.pairs.pairs,
            |member| d.shared_numbers.get(&member).cloned(),
            &ties,
            &mut shared,
        );
        let raised: Vec<u32> = (0..n).filter(|&i| shared.verdict[i] != Verdict::Accept).map(|i| i as u32).collect();
        let findings =
            FindingsTable { member_id: gather_member_ids(&roster, &shared.findings.member), columns: shared.findings };
        let tables =
            duplicate_batches(d.pairs, d.clusters).and_then(|[p, c]| findings_batch(findings, 0).map(|f| [p, c, f]));
        (tables, d.model, d.warnings, d.candidate_pairs, raised)
    });
    let [pairs, clusters, shared_findings] =
        tables.map_err(|e| InvalidInputError::new_err(format!("checked_duplicates: {e}")))?;
    let out = PyDict::new(py);
    out.set_item("pairs", table(pairs)?)?;
    out.set_item("clusters", table(clusters)?)?;
    out.set_item("shared_findings", table(shared_findings)?)?;
    out.set_item("raised", raised)?;
    out.set_item("warnings", crate::dedup::skipped_rows(&warnings))?;
    out.set_item("candidate_pairs", candidate_pairs)?;
    out.set_item("model", DedupModel::from(model))?;
    Ok(out)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(revalidate, m)?)?;
    m.add_function(wrap_pyfunction!(checked_duplicates, m)?)?;
    m.add_function(wrap_pyfunction!(verify_tables, m)?)?;
    Ok(())
}
