//! The engine's vocabulary: what its answers are called, each defined once.

pub mod codes;

pub use codes::{Code, Message, Phrase};
