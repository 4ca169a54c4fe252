//! The exception classes doichieu raises, defined here so the Python package
//! re-exports them (`doichieu.errors`) rather than the bindings importing them
//! from it; and engine errors mapped onto them.
//!
//! They keep the module `doichieu.errors` as their home, so tracebacks and pickles
//! name the classes where users import them from.

use doichieu_engine::EngineError;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::type_object::PyTypeInfo;
use pyo3::types::{PyDict, PyTuple, PyType};
use pyo3::PyErrArguments;

pyo3::create_exception!(
    doichieu.errors,
    DoichieuError,
    PyException,
    "Base class of every error doichieu raises on purpose."
);

/// `create_exception!` takes one base class; an `InvalidInputError` is also a
/// `ValueError` and a `NotAStringError` also a `TypeError`, so these two are made as
/// Python makes a class with several bases: `type(name, bases, namespace)`.
macro_rules! exception_with_bases {
    ($name:ident, ($($base:ty),+), $doc:literal) => {
        #[doc = $doc]
        pub struct $name;

        // SAFETY: the class is created once, kept alive by the static, and never
        // freed; `$name` has no layout of its own, so no object is read as one.
        unsafe impl PyTypeInfo for $name {
            fn type_object_raw(py: Python<'_>) -> *mut pyo3::ffi::PyTypeObject {
                static TYPE_OBJECT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
                TYPE_OBJECT
                    .get_or_init(py, || {
                        new_class(py, stringify!($name), &[$(py.get_type::<$base>()),+], $doc)
                            .expect(concat!("creating the class ", stringify!($name)))
                    })
                    .as_ptr()
                    .cast()
            }
        }

        impl $name {
            pub fn new_err<A: PyErrArguments + Send + Sync + 'static>(args: A) -> PyErr {
                PyErr::new::<$name, A>(args)
            }
        }
    };
}

fn new_class<'py>(py: Python<'py>, name: &str, bases: &[Bound<'py, PyType>], doc: &str) -> PyResult<Py<PyType>> {
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", "doichieu.errors")?;
    namespace.set_item("__doc__", doc)?;
    let class = py.get_type::<PyType>().call1((name, PyTuple::new(py, bases)?, namespace))?;
    Ok(class.cast_into::<PyType>()?.unbind())
}

exception_with_bases!(
    InvalidInputError,
    (DoichieuError, PyValueError),
    "Input that cannot be processed as given (malformed, inconsistent)."
);
exception_with_bases!(
    NotAStringError,
    (DoichieuError, PyTypeError),
    "A value that should be text is something else (None, a number, bytes)."
);
pyo3::create_exception!(
    doichieu.errors,
    InputTooLongError,
    InvalidInputError,
    "A value longer than the documented cap (see ``doichieu.MAX_NAME_BYTES``)."
);

pub fn to_py(err: EngineError) -> PyErr {
    match err {
        EngineError::NameTooLong { .. } => InputTooLongError::new_err(err.to_string()),
        EngineError::LengthMismatch { .. } => InvalidInputError::new_err(err.to_string()),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("DoichieuError", py.get_type::<DoichieuError>())?;
    m.add("InvalidInputError", py.get_type::<InvalidInputError>())?;
    m.add("InputTooLongError", py.get_type::<InputTooLongError>())?;
    m.add("NotAStringError", py.get_type::<NotAStringError>())?;
    Ok(())
}
