//! The synthetic province generator: built once (plans every member), then asked
//! for chunks of rows, each returned as Arrow string columns so a caller streams a
//! national roster to disk in bounded memory.

use std::collections::HashMap;
use std::sync::Arc;

use doichieu_engine::synth::national::{Nation, NationalConfig};
use doichieu_engine::synth::{self, Config, Generator, Rates, RosterChunk, SynthError, Table};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::columns::{arrow_out, str_column_to_arrow};
use crate::errors::InvalidInputError;

fn to_py(err: SynthError) -> PyErr {
    InvalidInputError::new_err(err.to_string())
}

fn parse_day(text: &str) -> PyResult<i32> {
    let bad = || InvalidInputError::new_err(format!("as_of must be a date written yyyy-mm-dd, got {text:?}"));
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else { return Err(bad()) };
    let (y, m, d): (i32, u32, u32) =
        (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&m) || d == 0 || d > synth::dates::days_in_month(y, m) {
        return Err(bad());
    }
    Ok(synth::dates::days_from_civil(y, m, d))
}

fn table_out<'py>(py: Python<'py>, table: Table) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    for (name, column) in table.columns {
        out.set_item(name, arrow_out(py, str_column_to_arrow(column))?)?;
    }
    Ok(out)
}

/// {"roster", "findings", "duplicates"}: a chunk's three tables, each a dict of Arrow string columns.
fn roster_chunk_out<'py>(py: Python<'py>, chunk: RosterChunk) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("roster", table_out(py, chunk.roster)?)?;
    out.set_item("findings", table_out(py, chunk.findings)?)?;
    out.set_item("duplicates", table_out(py, chunk.duplicates)?)?;
    Ok(out)
}

fn rates_out<'py>(py: Python<'py>, rates: &Rates) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    for (name, value) in rates.entries() {
        out.set_item(name, value)?;
    }
    Ok(out)
}

/// A synthetic province: roster, population records and the planted truth.
#[pyclass(module = "doichieu._engine", frozen)]
pub struct SyntheticProvince {
    inner: Arc<Generator>,
}

#[pymethods]
impl SyntheticProvince {
    #[new]
    #[pyo3(signature = (members, seed = 7, province = "042", as_of = "2025-09-01", population_extra = 0.2, rates = None, noise_scale = 1.0))]
    fn new(
        py: Python<'_>,
        members: u64,
        seed: u64,
        province: &str,
        as_of: &str,
        population_extra: f64,
        rates: Option<HashMap<String, f64>>,
        noise_scale: f64,
    ) -> PyResult<Self> {
        let mut config = Config::new(members, seed);
        config.province_code = synth::province_code(province).map_err(to_py)?;
        config.as_of = parse_day(as_of)?;
        config.population_extra = population_extra;
        config.rates = rates_from(noise_scale, rates)?;
        let generator = py.detach(|| Generator::new(config)).map_err(to_py)?;
        Ok(SyntheticProvince { inner: Arc::new(generator) })
    }

    #[getter]
    fn members(&self) -> u64 {
        self.inner.members()
    }

    /// Roster rows: members plus their planted duplicate rows.
    #[getter]
    fn roster_rows(&self) -> u64 {
        self.inner.roster_rows()
    }

    #[getter]
    fn population_rows(&self) -> u64 {
        self.inner.population_rows()
    }

    /// The range `population_chunk` walks (people left out of the table included).
    #[getter]
    fn population_slots(&self) -> u64 {
        self.inner.population_slots()
    }

    #[getter]
    fn wards(&self) -> usize {
        self.inner.wards()
    }

    #[getter]
    fn party_units(&self) -> usize {
        self.inner.party_units()
    }

    #[getter]
    fn seed(&self) -> u64 {
        self.inner.config().seed
    }

    /// The province's name in the 63-province list.
    #[getter]
    fn province(&self) -> &'static str {
        let code = self.inner.config().province_code;
        synth::data::PROVINCES.iter().find(|p| p.0 == code).map_or("", |p| p.1)
    }

    /// The rates in force, by name.
    fn rates<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        rates_out(py, &self.inner.config().rates)
    }

    /// Rows of members `start..stop`: {"roster": columns, "findings": columns,
    /// "duplicates": columns}, each column an Arrow string array.
    fn roster_chunk<'py>(&self, py: Python<'py>, start: u64, stop: u64) -> PyResult<Bound<'py, PyDict>> {
        let generator = Arc::clone(&self.inner);
        let chunk = py.detach(move || generator.roster_chunk(start, stop)).map_err(to_py)?;
        roster_chunk_out(py, chunk)
    }

    /// Population records at positions `start..stop` of `0..population_slots`.
    fn population_chunk<'py>(&self, py: Python<'py>, start: u64, stop: u64) -> PyResult<Bound<'py, PyDict>> {
        let generator = Arc::clone(&self.inner);
        let table = py.detach(move || generator.population_chunk(start, stop)).map_err(to_py)?;
        table_out(py, table)
    }

    fn __repr__(&self) -> String {
        format!(
            "SyntheticProvince(members={}, seed={}, province={:?}, roster_rows={}, population_rows={})",
            self.inner.members(),
            self.inner.config().seed,
            self.province(),
            self.inner.roster_rows(),
            self.inner.population_rows()
        )
    }
}

fn rates_from(noise_scale: f64, overrides: Option<HashMap<String, f64>>) -> PyResult<Rates> {
    let mut rates = Rates::default().scaled(noise_scale).map_err(to_py)?;
    if let Some(overrides) = overrides {
        let mut names: Vec<&String> = overrides.keys().collect();
        names.sort();
        for name in names {
            rates.set(name, overrides[name]).map_err(to_py)?;
        }
    }
    Ok(rates)
}

/// The whole country: one synthetic province per birth-registration code, sized
/// by population, with members who moved between provinces and were never removed.
#[pyclass(module = "doichieu._engine", frozen)]
pub struct SyntheticNation {
    inner: Arc<Nation>,
}

#[pymethods]
impl SyntheticNation {
    #[new]
    #[pyo3(signature = (members, people, seed = 7, as_of = "2025-09-01", rates = None, noise_scale = 1.0, cross_province_transfer = 0.002))]
    fn new(
        py: Python<'_>,
        members: u64,
        people: u64,
        seed: u64,
        as_of: &str,
        rates: Option<HashMap<String, f64>>,
        noise_scale: f64,
        cross_province_transfer: f64,
    ) -> PyResult<Self> {
        let mut config = NationalConfig::new(members, people, seed);
        config.as_of = parse_day(as_of)?;
        config.rates = rates_from(noise_scale, rates)?;
        config.cross_province_transfer = cross_province_transfer;
        let nation = py.detach(|| Nation::new(config)).map_err(to_py)?;
        Ok(SyntheticNation { inner: Arc::new(nation) })
    }

    #[getter]
    fn members(&self) -> u64 {
        self.inner.members()
    }

    #[getter]
    fn seed(&self) -> u64 {
        self.inner.config().seed
    }

    /// People in the population, members included.
    #[getter]
    fn people(&self) -> u64 {
        self.inner.config().people
    }

    #[getter]
    fn roster_rows(&self) -> u64 {
        self.inner.roster_rows()
    }

    /// The range `roster_chunk` walks: each province's members, then the records
    /// it holds of members who moved in.
    #[getter]
    fn roster_slots(&self) -> u64 {
        self.inner.roster_slots()
    }

    #[getter]
    fn population_rows(&self) -> u64 {
        self.inner.population_rows()
    }

    #[getter]
    fn population_slots(&self) -> u64 {
        self.inner.population_slots()
    }

    /// Members still on another province's roster.
    #[getter]
    fn transfers(&self) -> u64 {
        self.inner.transfers()
    }

    fn rates<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        rates_out(py, &self.inner.config().rates)
    }

    /// One dict per province (code, name, new_name, members, roster_rows, people,
    /// population_rows, transfers_in, transfers_out), in the 63-province order.
    fn provinces<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .provinces()
            .into_iter()
            .map(|p| {
                let out = PyDict::new(py);
                out.set_item("code", format!("{:03}", p.code))?;
                out.set_item("name", p.name)?;
                out.set_item("new_name", p.new_name)?;
                out.set_item("members", p.members)?;
                out.set_item("roster_rows", p.roster_rows)?;
                out.set_item("people", p.people)?;
                out.set_item("population_rows", p.population_rows)?;
                out.set_item("transfers_in", p.transfers_in)?;
                out.set_item("transfers_out", p.transfers_out)?;
                Ok(out)
            })
            .collect()
    }

    /// Rows of roster slots `start..stop`: {"roster", "findings", "duplicates"},
    /// each a dict of Arrow string columns.
    fn roster_chunk<'py>(&self, py: Python<'py>, start: u64, stop: u64) -> PyResult<Bound<'py, PyDict>> {
        let nation = Arc::clone(&self.inner);
        let chunk = py.detach(move || nation.roster_chunk(start, stop)).map_err(to_py)?;
        roster_chunk_out(py, chunk)
    }

    /// Population records at slots `start..stop` of `0..population_slots`.
    fn population_chunk<'py>(&self, py: Python<'py>, start: u64, stop: u64) -> PyResult<Bound<'py, PyDict>> {
        let nation = Arc::clone(&self.inner);
        let table = py.detach(move || nation.population_chunk(start, stop)).map_err(to_py)?;
        table_out(py, table)
    }

    fn __repr__(&self) -> String {
        format!(
            "SyntheticNation(members={}, people={}, seed={}, roster_rows={}, population_rows={})",
            self.inner.members(),
            self.inner.config().people,
            self.inner.config().seed,
            self.inner.roster_rows(),
            self.inner.population_rows()
        )
    }
}

/// The default noise rates, by name.
#[pyfunction]
fn synthetic_default_rates(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    rates_out(py, &Rates::default())
}

/// The 63 birth-registration codes ("042") with the province's name in the
/// 63-unit list and the name of the province it belongs to since 1 July 2025.
#[pyfunction]
fn province_table() -> Vec<(String, &'static str, &'static str)> {
    synth::data::PROVINCES.iter().map(|(code, old, new)| (format!("{code:03}"), *old, *new)).collect()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<SyntheticProvince>()?;
    m.add_class::<SyntheticNation>()?;
    m.add_function(wrap_pyfunction!(synthetic_default_rates, m)?)?;
    m.add_function(wrap_pyfunction!(province_table, m)?)?;
    m.add("SYNTHETIC_MAX_MEMBERS", synth::MAX_MEMBERS)?;
    m.add("SYNTHETIC_MAX_NATIONAL_MEMBERS", synth::national::MAX_NATIONAL_MEMBERS)?;
    m.add("SYNTHETIC_MAX_CROSS_PROVINCE_TRANSFER", synth::national::MAX_CROSS_PROVINCE_TRANSFER)?;
    Ok(())
}
