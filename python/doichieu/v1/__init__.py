"""Generated protobuf and gRPC modules of the doichieu.v1 API (from proto/doichieu/v1; see docs/verifier.md)."""
