//! The compiled module `doichieu._engine`: argument conversion and GIL release
//! around `doichieu-engine`, nothing more. Every bulk call converts its input
//! once, runs the engine inside `py.detach` (rayon inside), and converts back once.

mod columns;
mod dedup;
mod errors;
mod names;
mod partition;
mod records;
mod revalidation;
mod synth;
mod vocabulary;
mod wire;
mod worklist;

use pyo3::prelude::*;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[pymodule]
fn _engine(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("MAX_NAME_BYTES", doichieu_engine::MAX_NAME_BYTES)?;
    m.add("LINK_MIN_SCORE", doichieu_engine::revalidation::LINK_MIN_SCORE)?;
    errors::register(m)?;
    names::register(m)?;
    partition::register(m)?;
    dedup::register(m)?;
    records::register(m)?;
    revalidation::register(m)?;
    synth::register(m)?;
    vocabulary::register(m)?;
    wire::register(m)?;
    worklist::register(m)?;
    Ok(())
}
