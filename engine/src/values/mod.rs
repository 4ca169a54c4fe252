//! Field values as the roster and the population table write them, read into
//! types: dates that may be partial, gender; and the control characters a cell
//! may hide. Below both the record checks and
//! deduplication, so each reads a value the same way and neither borrows from
//! the other.

pub mod controls;
pub mod dates;
pub mod gender;

pub use dates::{parse_date, DateProblem, PartialDate};
pub use gender::{parse_gender, Gender};
