"""The gRPC verifier that intake sites call (see docs/verifier.md)."""
