"""A synthetic province: a party roster, the population records of the same
people, and the truth of every discrepancy and duplicate planted in them.

Real rosters are personal data; this is what tests, benchmarks and demos run on.
The Rust engine makes the rows (deterministic for a seed, in chunks of members on
all cores); this module turns each chunk into polars frames and streams them to
CSV, Parquet or (for small provinces) Excel, so 5.6 million members fit in memory.

``generate_province(out, members=102_235, seed=7)`` writes

- ``roster.<fmt>``: the record-model roster columns (see ``ROSTER_COLUMNS``);
- ``population.<fmt>``: the population columns (``POPULATION_COLUMNS``);
- ``truth_findings.csv``: ``member_id, code, field, cause``, one row per finding a
  correct cross-check must report (codes of the record model);
- ``truth_duplicates.csv``: ``member_id_a, member_id_b, type, cause``, one row per
  planted duplicate pair (``DUPLICATE_CITIZEN_ID``, ``DUPLICATE_PERSON``,
  ``TRANSFER_DUPLICATE``);
- ``manifest.json``: the parameters, rates and row counts, to regenerate the same files.

The truth files are always CSV. docs/generator.md says what the truth assumes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import polars as pl
from polars.io.plugins import register_io_source

from doichieu import _engine
from doichieu.errors import CataloguedError, InvalidInputError
from doichieu.messages import text
from doichieu.output_folder import OutputFolder
from doichieu.records import POPULATION_COLUMNS, ROSTER_COLUMNS

if TYPE_CHECKING:
    # generate_national builds on this module: only its result type is named here.
    from doichieu.generate_national import GeneratedNation

FINDING_COLUMNS = ("member_id", "code", "field", "cause")
DUPLICATE_COLUMNS = ("member_id_a", "member_id_b", "type", "cause")
FORMATS = ("csv", "xlsx", "parquet")
#: The files a province is written as (``doichieu.output_folder``).
OUTPUT_PATTERNS = ("roster.*", "population.*", "truth_findings.csv", "truth_duplicates.csv", "manifest.json")
#: Rows an Excel sheet holds, header included.
EXCEL_MAX_ROWS = 1_048_576
#: Members per engine call: big enough to keep both cores busy, small enough that
#: a chunk's frames stay a few tens of megabytes.
DEFAULT_CHUNK_MEMBERS = 65_536
DEFAULT_MEMBERS = 102_235
DEFAULT_SEED = 7
DEFAULT_PROVINCE = "Hà Tĩnh"
DEFAULT_AS_OF = "2025-09-01"


def _schema(columns: tuple[str, ...]) -> dict[str, pl.DataType]:
    return {name: pl.String() for name in columns}


@dataclass(frozen=True)
class SyntheticData:
    """A whole province in memory (for tests and small sizes)."""

    roster: pl.DataFrame
    population: pl.DataFrame
    truth_findings: pl.DataFrame
    truth_duplicates: pl.DataFrame


@dataclass(frozen=True)
class GeneratedProvince:
    """What ``generate_province`` wrote."""

    out: Path
    roster: Path
    population: Path
    truth_findings: Path
    truth_duplicates: Path
    manifest: Path
    members: int
    roster_rows: int
    population_rows: int
    findings: int
    duplicate_pairs: int
    seconds: float


def default_rates() -> dict[str, float]:
    """The default noise rates by name (see docs/generator.md for each)."""
    return dict(_engine.synthetic_default_rates())


def province(
    members: int = DEFAULT_MEMBERS,
    seed: int = DEFAULT_SEED,
    *,
    province: str = DEFAULT_PROVINCE,
    as_of: str = DEFAULT_AS_OF,
    population_extra: float = 0.2,
    rates: Mapping[str, float] | None = None,
    noise_scale: float = 1.0,
) -> _engine.SyntheticProvince:
    """The engine's generator, planned and ready to hand out chunks.

    ``rates`` overrides single rates after ``noise_scale`` has scaled the defaults,
    so ``noise_scale=0, rates={"typo": 0.05}`` gives clean data with typos only.
    """
    if isinstance(members, bool) or not isinstance(members, int):
        raise InvalidInputError(f"members must be an integer, got {type(members).__name__}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
        raise InvalidInputError(f"seed must be an integer between 0 and 2**64 - 1, got {seed!r}")
    if members < 1 or members > _engine.SYNTHETIC_MAX_MEMBERS:
        raise CataloguedError("value.members_range", most=f"{_engine.SYNTHETIC_MAX_MEMBERS:,}", value=f"{members:,}")
    clean_rates = None if rates is None else {str(k): float(v) for k, v in rates.items()}
    return _engine.SyntheticProvince(
        members,
        seed,
        province=province,
        as_of=as_of,
        population_extra=float(population_extra),
        rates=clean_rates,
        noise_scale=float(noise_scale),
    )


def _frame(columns: Mapping[str, Any], names: tuple[str, ...]) -> pl.DataFrame:
    # An Arrow column arrives without a name polars keeps: name it afterwards.
    return pl.DataFrame([pl.Series(columns[name]).alias(name).cast(pl.String) for name in names])


def roster_chunks(
    generator: _engine.SyntheticProvince, chunk_members: int = DEFAULT_CHUNK_MEMBERS
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]]:
    """(roster, truth_findings, truth_duplicates) frames, chunk by chunk of members."""
    if chunk_members < 1:
        raise InvalidInputError(f"chunk_members must be at least 1, got {chunk_members}")
    for start in range(0, generator.members, chunk_members):
        stop = min(start + chunk_members, generator.members)
        chunk = generator.roster_chunk(start, stop)
        yield (
            _frame(chunk["roster"], ROSTER_COLUMNS),
            _frame(chunk["findings"], FINDING_COLUMNS),
            _frame(chunk["duplicates"], DUPLICATE_COLUMNS),
        )


def population_chunks(
    generator: _engine.SyntheticProvince, chunk_rows: int = DEFAULT_CHUNK_MEMBERS
) -> Iterator[pl.DataFrame]:
    """Population frames, chunk by chunk (in an order unrelated to the roster's)."""
    if chunk_rows < 1:
        raise InvalidInputError(f"chunk_rows must be at least 1, got {chunk_rows}")
    for start in range(0, generator.population_slots, chunk_rows):
        stop = min(start + chunk_rows, generator.population_slots)
        yield _frame(generator.population_chunk(start, stop), POPULATION_COLUMNS)


def generate_frames(members: int, seed: int = DEFAULT_SEED, **options: Any) -> SyntheticData:
    """A whole province as polars frames; options as for ``province``."""
    gen = province(members, seed, **options)
    rosters, findings, duplicates = [], [], []
    for roster, found, pairs in roster_chunks(gen):
        rosters.append(roster)
        findings.append(found)
        duplicates.append(pairs)
    return SyntheticData(
        roster=pl.concat(rosters),
        population=pl.concat(list(population_chunks(gen))),
        truth_findings=pl.concat(findings),
        truth_duplicates=pl.concat(duplicates),
    )


class _CsvAppender:
    """One CSV file written chunk by chunk, header once; an error names the file
    (``naming()``: ``OutputFolder.naming`` of its name)."""

    def __init__(self, path: Path, naming: Callable[[], AbstractContextManager[None]] = nullcontext) -> None:
        self.path = path
        self.naming = naming
        # The file exists already, created with mode 0600; opening it keeps the mode.
        self.handle: IO[bytes] = open(path, "wb")
        self.header = True
        self.rows = 0

    def write(self, frame: pl.DataFrame) -> None:
        with self.naming():
            frame.write_csv(self.handle, include_header=self.header)
        self.header = False
        self.rows += frame.height

    def close(self) -> None:
        with self.naming():
            self.handle.close()


def _sink(frames: Iterator[pl.DataFrame], columns: tuple[str, ...], path: Path, fmt: str) -> None:
    """Streams frames into one file: appended CSV, Parquet row groups through a
    lazy source, or one Excel sheet (small tables only, checked by the caller)."""
    if fmt == "csv":
        out = _CsvAppender(path)
        try:
            for frame in frames:
                out.write(frame)
            if out.header:
                out.write(pl.DataFrame(schema=_schema(columns)))
        finally:
            out.close()
    elif fmt == "parquet":
        schema = _schema(columns)

        def source(
            with_columns: list[str] | None, predicate: Any, n_rows: int | None, batch_size: int | None
        ) -> Iterator[pl.DataFrame]:
            for frame in frames:
                yield frame.select(with_columns) if with_columns else frame

        register_io_source(source, schema=schema).sink_parquet(path)
    else:
        parts = list(frames)
        whole = pl.concat(parts) if parts else pl.DataFrame(schema=_schema(columns))
        whole.write_excel(path, worksheet=path.stem, autofit=False)


def _check_format(fmt: str, roster_rows: int, population_rows: int) -> None:
    if fmt not in FORMATS:
        raise InvalidInputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        largest = max(roster_rows, population_rows)
        if largest + 1 > EXCEL_MAX_ROWS:
            raise CataloguedError("value.xlsx_too_big", most=f"{EXCEL_MAX_ROWS:,}", rows=f"{largest:,}")


def generate_province(
    out: str | Path,
    members: int = DEFAULT_MEMBERS,
    seed: int = DEFAULT_SEED,
    fmt: str = "csv",
    *,
    province_name: str = DEFAULT_PROVINCE,
    as_of: str = DEFAULT_AS_OF,
    population_extra: float = 0.2,
    rates: Mapping[str, float] | None = None,
    noise_scale: float = 1.0,
    chunk_members: int = DEFAULT_CHUNK_MEMBERS,
    progress: Callable[[str, int, int], None] | None = None,
) -> GeneratedProvince:
    """Writes a synthetic province into folder ``out`` (see the module docs).

    The same arguments give byte-identical files. ``progress(table, done, total)``
    is called after each chunk.
    """
    started = time.perf_counter()
    if fmt not in FORMATS:
        raise InvalidInputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    gen = province(
        members,
        seed,
        province=province_name,
        as_of=as_of,
        population_extra=population_extra,
        rates=rates,
        noise_scale=noise_scale,
    )
    _check_format(fmt, gen.roster_rows, gen.population_rows)
    folder = Path(out)
    names = {
        "roster": f"roster.{fmt}",
        "population": f"population.{fmt}",
        "truth_findings": "truth_findings.csv",
        "truth_duplicates": "truth_duplicates.csv",
        "manifest": "manifest.json",
    }
    paths = {k: folder / name for k, name in names.items()}
    with OutputFolder(folder, "generate", expected=OUTPUT_PATTERNS) as output:
        written_to = {k: output.create(name) for k, name in names.items()}
        findings = _CsvAppender(written_to["truth_findings"], partial(output.naming, names["truth_findings"]))
        duplicates = _CsvAppender(written_to["truth_duplicates"], partial(output.naming, names["truth_duplicates"]))
        try:
            done = 0

            def roster_frames() -> Iterator[pl.DataFrame]:
                nonlocal done
                for roster, found, pairs in roster_chunks(gen, chunk_members):
                    findings.write(found)
                    duplicates.write(pairs)
                    done += roster.height
                    if progress:
                        progress("roster", done, gen.roster_rows)
                    yield roster

            with output.naming(names["roster"]):
                _sink(roster_frames(), ROSTER_COLUMNS, written_to["roster"], fmt)
            for appender, columns in ((findings, FINDING_COLUMNS), (duplicates, DUPLICATE_COLUMNS)):
                if appender.header:
                    appender.write(pl.DataFrame(schema=_schema(columns)))
        finally:
            findings.close()
            duplicates.close()

        written = 0

        def population_frames() -> Iterator[pl.DataFrame]:
            nonlocal written
            for frame in population_chunks(gen, chunk_members):
                written += frame.height
                if progress:
                    progress("population", written, gen.population_rows)
                yield frame

        with output.naming(names["population"]):
            _sink(population_frames(), POPULATION_COLUMNS, written_to["population"], fmt)
        manifest = {
            "generator": "doichieu generate",
            "members": gen.members,
            "seed": gen.seed,
            "province": gen.province,
            "as_of": as_of,
            "population_extra": population_extra,
            "noise_scale": noise_scale,
            "format": fmt,
            "rates": gen.rates(),
            "rows": {
                "roster": gen.roster_rows,
                "population": gen.population_rows,
                "truth_findings": findings.rows,
                "truth_duplicates": duplicates.rows,
            },
            "wards": gen.wards,
            "party_units": gen.party_units,
            "files": {k: v.name for k, v in paths.items() if k != "manifest"},
        }
        with output.naming(names["manifest"]):
            written_to["manifest"].write_text(
                json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
    return GeneratedProvince(
        out=folder,
        roster=paths["roster"],
        population=paths["population"],
        truth_findings=paths["truth_findings"],
        truth_duplicates=paths["truth_duplicates"],
        manifest=paths["manifest"],
        members=gen.members,
        roster_rows=gen.roster_rows,
        population_rows=gen.population_rows,
        findings=findings.rows,
        duplicate_pairs=duplicates.rows,
        seconds=time.perf_counter() - started,
    )


def _parse_rate(value: str) -> tuple[str, float]:
    name, sep, number = value.partition("=")
    if not sep:
        raise CataloguedError("value.rate_form", value=value)
    try:
        return name.strip(), float(number)
    except ValueError:
        raise CataloguedError("value.rate_number", name=name.strip(), value=number) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``doichieu generate`` options."""
    from doichieu.generate_national import (
        DEFAULT_CHUNK_ROWS,
        DEFAULT_CROSS_PROVINCE_TRANSFER,
        NATIONAL_MEMBERS,
        NATIONAL_POPULATION,
    )

    parser.add_argument(
        "--members",
        type=int,
        help=text("generate.members", default=f"{DEFAULT_MEMBERS:,}", national=f"{NATIONAL_MEMBERS:,}"),
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=text("generate.seed", default=DEFAULT_SEED))
    parser.add_argument("--out", help=text("generate.out"))
    parser.add_argument("--format", choices=FORMATS, help=text("generate.format"))
    parser.add_argument("--province", help=text("generate.province"))
    parser.add_argument("--as-of", default=DEFAULT_AS_OF, help=text("generate.as_of", default=DEFAULT_AS_OF))
    parser.add_argument("--population-extra", type=float, help=text("generate.population_extra"))
    parser.add_argument("--national", action="store_true", help=text("generate.national"))
    parser.add_argument("--population", type=int, help=text("generate.population", default=f"{NATIONAL_POPULATION:,}"))
    parser.add_argument(
        "--cross-province-transfer",
        type=float,
        help=text("generate.cross_province_transfer", default=f"{DEFAULT_CROSS_PROVINCE_TRANSFER:g}"),
    )
    parser.add_argument("--chunk-rows", type=int, help=text("generate.chunk_rows", default=f"{DEFAULT_CHUNK_ROWS:,}"))
    parser.add_argument("--noise-scale", type=float, default=1.0, help=text("generate.noise_scale"))
    parser.add_argument(
        "--rate", action="append", default=[], metavar=text("generate.rate_metavar"), help=text("generate.rate")
    )
    parser.add_argument("--list-rates", action="store_true", help=text("generate.list_rates"))
    parser.add_argument("--chunk-members", type=int, default=DEFAULT_CHUNK_MEMBERS, help=argparse.SUPPRESS)


def main(args: argparse.Namespace) -> int:
    """Runs ``doichieu generate``."""
    if args.list_rates:
        for name, value in default_rates().items():
            print(f"{name}\t{value:g}")
        return 0
    if not args.out:
        raise CataloguedError("value.out_required")
    rates = dict(_parse_rate(text) for text in args.rate)
    interactive = sys.stderr.isatty()

    def show(table: str, done: int, total: int) -> None:
        if interactive:
            shown = text("generate.progress", table=table, done=f"{done:,}", total=f"{total:,}")
            print(f"\r{shown}", end="", file=sys.stderr, flush=True)

    if args.national:
        return _main_national(args, rates, show, interactive)
    for flag, value in (
        ("--population", args.population),
        ("--cross-province-transfer", args.cross_province_transfer),
        ("--chunk-rows", args.chunk_rows),
    ):
        if value is not None:
            raise CataloguedError("value.needs", flag=flag, other="--national", why=text("value.national_why"))
    result = generate_province(
        args.out,
        DEFAULT_MEMBERS if args.members is None else args.members,
        args.seed,
        args.format or "csv",
        province_name=args.province or DEFAULT_PROVINCE,
        as_of=args.as_of,
        population_extra=0.2 if args.population_extra is None else args.population_extra,
        rates=rates,
        noise_scale=args.noise_scale,
        chunk_members=args.chunk_members,
        progress=show,
    )
    if interactive:
        print(file=sys.stderr)
    _tell(result)
    return 0


def _tell(result: GeneratedProvince | GeneratedNation, *more: str) -> None:
    """What a run made and wrote, for the person who ran it; ``more`` after what was planted."""
    made = text(
        "generate.made",
        members=f"{result.members:,}",
        roster_rows=f"{result.roster_rows:,}",
        population_rows=f"{result.population_rows:,}",
    )
    print(made)
    print(text("generate.planted", findings=f"{result.findings:,}", pairs=f"{result.duplicate_pairs:,}"))
    for line in more:
        print(line)
    for path in (result.roster, result.population, result.truth_findings, result.truth_duplicates, result.manifest):
        print(text("generate.wrote", path=path))
    print(text("generate.took", seconds=f"{result.seconds:.1f}"))


def _main_national(
    args: argparse.Namespace, rates: dict[str, float], show: Callable[[str, int, int], None], interactive: bool
) -> int:
    """Runs ``doichieu generate --national``."""
    from doichieu import generate_national as national

    for flag, given in (
        ("--province", args.province is not None),
        ("--population-extra", args.population_extra is not None),
        ("--format", args.format not in (None, "parquet")),
    ):
        if given:
            raise CataloguedError("value.not_with_national", flag=flag)
    result = national.generate_national(
        args.out,
        national.NATIONAL_MEMBERS if args.members is None else args.members,
        national.NATIONAL_POPULATION if args.population is None else args.population,
        args.seed,
        as_of=args.as_of,
        rates=rates,
        noise_scale=args.noise_scale,
        cross_province_transfer=(
            national.DEFAULT_CROSS_PROVINCE_TRANSFER
            if args.cross_province_transfer is None
            else args.cross_province_transfer
        ),
        chunk_rows=national.DEFAULT_CHUNK_ROWS if args.chunk_rows is None else args.chunk_rows,
        progress=show,
    )
    if interactive:
        print(file=sys.stderr)
    _tell(
        result,
        text("generate.transfers", transfers=f"{result.transfers:,}"),
        text("generate.parts", roster=result.roster_parts, population=result.population_parts),
    )
    return 0
