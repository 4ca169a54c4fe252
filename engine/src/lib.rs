//! doichieu-engine: the pure-Rust core of doichieu.
//!
//! No Python here: the crate builds, tests and benchmarks on its own; the PyO3
//! layer in `bindings/` only converts arguments and releases the GIL.

pub mod column;
pub mod dedup;
pub mod error;
pub mod names;
pub mod private_file;
pub mod records;
pub mod revalidation;
#[cfg(feature = "synth")]
pub mod synth;
pub mod values;
pub mod vocabulary;
#[cfg(feature = "xlsx")]
pub mod worklist;

pub use column::StrColumn;
pub use error::{EngineError, MAX_NAME_BYTES};
