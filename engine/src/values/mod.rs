//! Field values as the roster and the population table write them, read into
//! types: dates that may be partial, gender. Below both the record checks and
//! deduplication, so each reads a value the same way and neither borrows from
//! the other.

pub mod dates;
pub mod gender;

pub use dates::{parse_date, DateProblem, PartialDate};
pub use gender::{parse_gender, Gender};
