"""The committed Python stubs are exactly what the pinned grpcio-tools makes of the proto.

Regenerate with `make proto` after editing proto/doichieu/v1/*.proto; never edit
python/doichieu/v1/*_pb2*.py(i) by hand.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grpc
import grpc_tools

REPO = Path(__file__).resolve().parent.parent
GENERATED = REPO / "python" / "doichieu" / "v1"


def generate(out: Path) -> None:
    bindir = Path(sys.executable).parent
    protos = sorted(str(p.relative_to(REPO)) for p in (REPO / "proto" / "doichieu" / "v1").glob("*.proto"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            "-Iproto",
            f"--python_out={out}",
            f"--grpc_python_out={out}",
            f"--plugin=protoc-gen-mypy={bindir / 'protoc-gen-mypy'}",
            f"--mypy_out={out}",
            f"--plugin=protoc-gen-mypy_grpc={bindir / 'protoc-gen-mypy_grpc'}",
            f"--mypy_grpc_out={out}",
            *protos,
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
    )


def test_committed_stubs_match_the_proto(tmp_path: Path) -> None:
    generate(tmp_path)
    fresh = {p.name: p.read_bytes() for p in (tmp_path / "doichieu" / "v1").iterdir()}
    committed = {p.name: p.read_bytes() for p in GENERATED.iterdir() if "_pb2" in p.name}
    assert sorted(fresh) == sorted(committed), "generated files differ in name: run `make proto`"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"stale generated stubs {stale}: run `make proto` and commit the result"


def test_grpcio_tools_is_pinned_to_grpcio() -> None:
    from importlib.metadata import version

    assert version("grpcio-tools") == grpc.__version__ == version("grpcio-health-checking")
    assert grpc_tools is not None
