//! Errors the engine reports to its callers; each names the value and the limit.

/// The longest name accepted, in UTF-8 bytes. Real names stay under 60 characters;
/// mojibake can triple that. Anything longer is a wrong column or an attack.
pub const MAX_NAME_BYTES: usize = 1024;

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum EngineError {
    #[error("name at position {index} is {len} bytes long; the limit is {limit} bytes")]
    NameTooLong { index: usize, len: usize, limit: usize },
    #[error("the two name columns differ in length: {left} against {right}")]
    LengthMismatch { left: usize, right: usize },
}
