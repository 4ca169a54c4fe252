//! Generates the verifier's message types from `proto/doichieu/v1/verifier.proto`.
//!
//! protox parses the proto in Rust (well-known types such as
//! google/protobuf/timestamp.proto are built into it), so a fresh machine needs
//! no protoc binary; prost-build turns the descriptors into Rust types.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("..").join("proto");
    let file = "doichieu/v1/verifier.proto";
    println!("cargo:rerun-if-changed={}", root.join(file).display());
    let descriptors = protox::compile([file], [&root])?;
    prost_build::Config::new().compile_fds(descriptors)?;
    Ok(())
}
