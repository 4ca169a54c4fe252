//! Legacy encodings and mojibake: VNI-Windows, TCVN3 (ABC), VIQR (RFC 1456), and
//! UTF-8 read back as Windows-1252, Windows-1250 or MacRoman.
//!
//! Old Excel files carry names typed in 8-bit Vietnamese fonts and shown today as
//! Windows-1252 characters. Mojibake is undone on the whole string (its bytes may
//! include NBSP). The 8-bit fonts are decoded per token, and only tokens that carry
//! a legacy signature count as evidence; a decoding is accepted only when every
//! syllable it yields is a valid Vietnamese syllable. A token that is already valid
//! Unicode (VNI "Hoà" is Hồ, Unicode "Hoà" is Hòa) is decoded only when another
//! token of the same name was surely decoded from the same encoding.

mod encoding;
mod mojibake;
mod repair;
mod signature;
mod tables;
mod tcvn3;
mod telex;
mod vietnamese;
mod viqr;
mod vni;

pub use encoding::Encoding;
pub use mojibake::mojibake;
pub(crate) use repair::repair_flagged;
pub use repair::{read_preferring, repair, Repaired};
pub(crate) use signature::{capitals_with_small_codes, has_signature};
pub use tcvn3::encode_tcvn3;
pub use telex::keystrokes_decode;
pub use viqr::encode_viqr;
pub use vni::encode_vni;
