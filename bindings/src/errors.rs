//! Engine errors onto the exception hierarchy defined in `doichieu/errors.py`.

use doichieu_engine::EngineError;
use pyo3::prelude::*;

pyo3::import_exception!(doichieu.errors, InvalidInputError);
pyo3::import_exception!(doichieu.errors, InputTooLongError);
pyo3::import_exception!(doichieu.errors, NotAStringError);

pub fn to_py(err: EngineError) -> PyErr {
    match err {
        EngineError::NameTooLong { .. } => InputTooLongError::new_err(err.to_string()),
        EngineError::LengthMismatch { .. } => InvalidInputError::new_err(err.to_string()),
    }
}
