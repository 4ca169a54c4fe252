# The two commands a newcomer needs: `make demo` and `make test`.
# Everything lives in .venv; the extension is built into it in release mode.

VENV    := .venv
PY      := $(VENV)/bin/python
MATURIN := $(VENV)/bin/maturin
DEPS    := $(VENV)/.deps-installed
BUILT   := $(VENV)/.engine-built
RUST_SOURCES := $(shell find engine/src bindings/src -name '*.rs') Cargo.toml Cargo.lock engine/Cargo.toml bindings/Cargo.toml

.PHONY: dev demo test test-rust test-python lint format bench bench-full bench-quick clean proto

$(PY):
	python3 -m venv $(VENV)

$(DEPS): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet maturin==1.16.0
	touch $@

$(BUILT): $(DEPS) $(RUST_SOURCES) pyproject.toml
	VIRTUAL_ENV=$(abspath $(VENV)) $(MATURIN) develop --locked --release --quiet --extras test,spark
	touch $@

dev: $(BUILT)

demo: dev
	$(PY) -m doichieu demo

test: test-rust test-python

# The synthetic generator (`synth`) and the work lists' xlsx writer (`xlsx`) sit
# behind engine features; their tests run too.
test-rust:
	cargo test --locked --package doichieu-engine --release --features synth,xlsx

# Format and lint, enforced in CI: rustfmt, clippy (warnings are errors), ruff
# (lint and format), mypy. `make format` applies both formatters.
lint: dev
	cargo fmt --all --check
	cargo clippy --locked --workspace --all-targets --all-features -- -D warnings
	cargo clippy --locked --package doichieu-engine --all-targets -- -D warnings
	$(VENV)/bin/ruff check python tests benches
	$(VENV)/bin/ruff format --check python tests benches
	$(PY) -m mypy

format: dev
	cargo fmt --all
	$(VENV)/bin/ruff check --fix python tests benches
	$(VENV)/bin/ruff format python tests benches

test-python: dev
	$(PY) -m pytest
	$(PY) -m mypy.stubtest doichieu._engine --allowlist tests/stubtest-allowlist.txt
	$(PY) -m mypy
	$(PY) benches/report.py --quick

# The peers (pyproject's `bench` extras) go into .venv only for the benchmarks,
# never for `make test`; the list is read from pyproject.toml so it has one home.
BENCH_DEPS := $(VENV)/.bench-installed

$(BENCH_DEPS): pyproject.toml | $(PY)
	$(PY) -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['bench']))" > $(VENV)/bench-requirements.txt
	$(PY) -m pip install --quiet -r $(VENV)/bench-requirements.txt
	touch $@

# Full mode, peers beside doichieu, 10k-1M; writes BENCHMARKS.md (commit it).
bench: dev $(BENCH_DEPS)
	$(PY) benches/report.py

# As `bench`, plus the national-scale sizes (5.6 M names); writes BENCHMARKS.md.
bench-full: dev $(BENCH_DEPS)
	$(PY) benches/report.py --national

bench-quick: dev
	$(PY) benches/report.py --quick

# The gRPC stubs under python/doichieu/v1 are committed; regenerate them after
# editing proto/ (tests/test_grpc_stubs.py fails while they are stale).
proto: dev
	$(PY) -m grpc_tools.protoc -Iproto --python_out=python --grpc_python_out=python \
		--plugin=protoc-gen-mypy=$(VENV)/bin/protoc-gen-mypy --mypy_out=python \
		--plugin=protoc-gen-mypy_grpc=$(VENV)/bin/protoc-gen-mypy_grpc --mypy_grpc_out=python \
		$(sort $(wildcard proto/doichieu/v1/*.proto))

clean:
	rm -rf $(VENV) target
