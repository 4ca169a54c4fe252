//! The synthetic province generator: built once (plans every member), then asked
//! for chunks of rows, each returned as Arrow string columns so a caller streams a
//! national roster to disk in bounded memory.

use std::collections::HashMap;
use std::sync::Arc;

use doichieu_engine::synth::{self, Config, Generator, Rates, SynthError, Table};
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
        config.rates = Rates::default().scaled(noise_scale).map_err(to_py)?;
        if let Some(overrides) = rates {
            let mut names: Vec<&String> = overrides.keys().collect();
            names.sort();
            for name in names {
                config.rates.set(name, overrides[name]).map_err(to_py)?;
            }
        }
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
        let out = PyDict::new(py);
        out.set_item("roster", table_out(py, chunk.roster)?)?;
        out.set_item("findings", table_out(py, chunk.findings)?)?;
        out.set_item("duplicates", table_out(py, chunk.duplicates)?)?;
        Ok(out)
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
    m.add_function(wrap_pyfunction!(synthetic_default_rates, m)?)?;
    m.add_function(wrap_pyfunction!(province_table, m)?)?;
    m.add("SYNTHETIC_MAX_MEMBERS", synth::MAX_MEMBERS)?;
    Ok(())
}
