"""A synthetic country: the national roster and population, written as folders
of Parquet parts in bounded memory (``doichieu generate --national``).

The Rust engine composes one synthetic province per birth-registration code of
the 63 provinces of before the 2025 merger, each sized by its population
(``engine/src/synth/national.rs`` says how no number is dealt twice), plus
members who moved to another province and are still on the old roster. This
module asks it for the rows chunk by chunk and writes each chunk as one part, so
the largest thing in memory is one chunk, whatever the country's size.

``generate_national(out, members=5_600_000, population=107_000_000)`` writes

- ``roster/part-NNNNN.parquet``: the record-model roster columns, province after
  province (each province's members, then the records it still holds of members
  who moved in);
- ``population/part-NNNNN.parquet``: the population columns, province after province;
- ``truth_findings/part-NNNNN.parquet``: ``member_id, code, field, cause`` for the
  rows of the roster part of the same number, and ``row``: the member's row in the
  whole roster, from 0, the parts in order (as ``doichieu.spark`` numbers rows);
- ``truth_duplicates.parquet``: ``member_id_a, member_id_b, type, cause`` and the
  two rows ``row_a < row_b``; the cross-province transfers have causes starting
  ``transfer_other_province``;
- ``manifest.json``: the parameters, rates, row and part counts, and each
  province's members, people and transfers.

docs/generator.md ("The whole country") says more.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from doichieu import _engine
from doichieu.errors import CataloguedError
from doichieu.generate import DEFAULT_AS_OF, DEFAULT_SEED, DUPLICATE_COLUMNS, FINDING_COLUMNS, SyntheticData, _frame
from doichieu.output_folder import OutputFolder
from doichieu.records import POPULATION_COLUMNS, ROSTER_COLUMNS

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "DEFAULT_CROSS_PROVINCE_TRANSFER",
    "MAX_POPULATION",
    "NATIONAL_MEMBERS",
    "NATIONAL_POPULATION",
    "GeneratedNation",
    "generate_national",
    "nation",
    "national_frames",
]

#: The national roster and population (about 5.6 million members, 107 million people).
NATIONAL_MEMBERS = 5_600_000
NATIONAL_POPULATION = 107_000_000
#: The most people a run makes: Hồ Chí Minh City's share stays inside what one
#: province of the engine holds.
MAX_POPULATION = 300_000_000
#: Rows per part: a part is one engine call and one file of a few tens of megabytes.
DEFAULT_CHUNK_ROWS = 500_000
DEFAULT_CROSS_PROVINCE_TRANSFER = 0.002
#: The folders of parts and the files beside them (``doichieu.output_folder``).
ROSTER_FOLDER = "roster"
POPULATION_FOLDER = "population"
FINDINGS_FOLDER = "truth_findings"
DUPLICATES_FILE = "truth_duplicates.parquet"
MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True)
class GeneratedNation:
    """What ``generate_national`` wrote."""

    out: Path
    roster: Path
    population: Path
    truth_findings: Path
    truth_duplicates: Path
    manifest: Path
    members: int
    people: int
    roster_rows: int
    population_rows: int
    findings: int
    duplicate_pairs: int
    transfers: int
    roster_parts: int
    population_parts: int
    seconds: float


def nation(
    members: int = NATIONAL_MEMBERS,
    population: int = NATIONAL_POPULATION,
    seed: int = DEFAULT_SEED,
    *,
    as_of: str = DEFAULT_AS_OF,
    rates: Mapping[str, float] | None = None,
    noise_scale: float = 1.0,
    cross_province_transfer: float = DEFAULT_CROSS_PROVINCE_TRANSFER,
) -> _engine.SyntheticNation:
    """The engine's national generator, every province planned; arguments
    checked here so a person reads what is wrong in their language."""
    for flag, value in (("--members", members), ("--population", population), ("--seed", seed)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise CataloguedError("value.integer", flag=flag, value=value)
    most = _engine.SYNTHETIC_MAX_NATIONAL_MEMBERS
    if not 63 <= members <= most:
        raise CataloguedError("value.national_members", most=f"{most:,}", value=f"{members:,}")
    if not members <= population <= MAX_POPULATION:
        raise CataloguedError(
            "value.national_population", members=f"{members:,}", most=f"{MAX_POPULATION:,}", value=f"{population:,}"
        )
    if not 0 <= seed < 2**64:
        raise CataloguedError("value.seed", value=seed)
    top = _engine.SYNTHETIC_MAX_CROSS_PROVINCE_TRANSFER
    if not 0.0 <= cross_province_transfer <= top:
        raise CataloguedError("value.cross_province_transfer", most=f"{top:g}", value=f"{cross_province_transfer:g}")
    clean_rates = None if rates is None else {str(k): float(v) for k, v in rates.items()}
    return _engine.SyntheticNation(
        members,
        population,
        seed,
        as_of=as_of,
        rates=clean_rates,
        noise_scale=float(noise_scale),
        cross_province_transfer=float(cross_province_transfer),
    )


def national_frames(members: int, population: int, seed: int = DEFAULT_SEED, **options: Any) -> SyntheticData:
    """A whole (small) country as polars frames, the rows as ``generate_national``
    writes them (without its ``row`` columns); options as for ``nation``."""
    gen = nation(members, population, seed, **options)
    chunk = gen.roster_chunk(0, gen.roster_slots)
    return SyntheticData(
        roster=_frame(chunk["roster"], ROSTER_COLUMNS),
        population=_frame(gen.population_chunk(0, gen.population_slots), POPULATION_COLUMNS),
        truth_findings=_frame(chunk["findings"], FINDING_COLUMNS),
        truth_duplicates=_frame(chunk["duplicates"], DUPLICATE_COLUMNS),
    )


def _part(index: int) -> str:
    return f"part-{index:05d}.parquet"


def _row_of(member_id: pl.Expr, starts: Mapping[str, int]) -> pl.Expr:
    """The member's row in the whole roster (from 0, the parts in order, as
    ``doichieu.spark`` numbers rows), read off the ID: the province's first row
    plus the row the ID counts inside it (IDs are initials, code, row from 1)."""
    code = member_id.str.extract(r"^[A-Z]+(\d{3})\d+$")
    inside = member_id.str.extract(r"^[A-Z]+\d{3}(\d+)$").cast(pl.Int64) - 1
    return code.replace_strict(starts, return_dtype=pl.Int64) + inside


def generate_national(
    out: str | Path,
    members: int = NATIONAL_MEMBERS,
    population: int = NATIONAL_POPULATION,
    seed: int = DEFAULT_SEED,
    *,
    as_of: str = DEFAULT_AS_OF,
    rates: Mapping[str, float] | None = None,
    noise_scale: float = 1.0,
    cross_province_transfer: float = DEFAULT_CROSS_PROVINCE_TRANSFER,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Callable[[str, int, int], None] | None = None,
) -> GeneratedNation:
    """Writes a synthetic country into folder ``out`` (see the module docs).

    The same arguments give the same rows in the same parts; ``chunk_rows``
    (slots per part) only changes where the parts are cut. ``progress(table,
    done, total)`` is called after each part.
    """
    started = time.perf_counter()
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise CataloguedError("value.at_least_one", flag="--chunk-rows")
    gen = nation(
        members,
        population,
        seed,
        as_of=as_of,
        rates=rates,
        noise_scale=noise_scale,
        cross_province_transfer=cross_province_transfer,
    )
    folder = Path(out)
    expected = (ROSTER_FOLDER, POPULATION_FOLDER, FINDINGS_FOLDER, DUPLICATES_FILE, MANIFEST_FILE)
    findings = roster_rows = population_rows = 0
    duplicates: list[pl.DataFrame] = []
    roster_parts = population_parts = 0
    provinces = gen.provinces()
    starts, first = {}, 0
    for each in provinces:
        starts[each["code"]] = first
        first += each["roster_rows"]
    with OutputFolder(folder, "generate", expected=expected) as output:
        for index, start in enumerate(range(0, gen.roster_slots, chunk_rows)):
            chunk = gen.roster_chunk(start, min(start + chunk_rows, gen.roster_slots))
            roster = _frame(chunk["roster"], ROSTER_COLUMNS)
            found = _frame(chunk["findings"], FINDING_COLUMNS).with_columns(
                _row_of(pl.col("member_id"), starts).alias("row")
            )
            for name, frame in (
                (f"{ROSTER_FOLDER}/{_part(index)}", roster),
                (f"{FINDINGS_FOLDER}/{_part(index)}", found),
            ):
                with output.writing(name) as path:
                    frame.write_parquet(path)
            duplicates.append(_frame(chunk["duplicates"], DUPLICATE_COLUMNS))
            roster_rows += roster.height
            findings += found.height
            roster_parts += 1
            del chunk, roster, found
            if progress:
                progress("roster", roster_rows, gen.roster_rows)
        pairs = (
            pl.concat(duplicates) if duplicates else pl.DataFrame(schema=dict.fromkeys(DUPLICATE_COLUMNS, pl.String))
        ).with_columns(
            _row_of(pl.col("member_id_a"), starts).alias("row_a"),
            _row_of(pl.col("member_id_b"), starts).alias("row_b"),
        )
        with output.writing(DUPLICATES_FILE) as path:
            pairs.write_parquet(path)
        for index, start in enumerate(range(0, gen.population_slots, chunk_rows)):
            frame = _frame(
                gen.population_chunk(start, min(start + chunk_rows, gen.population_slots)), POPULATION_COLUMNS
            )
            with output.writing(f"{POPULATION_FOLDER}/{_part(index)}") as path:
                frame.write_parquet(path)
            population_rows += frame.height
            population_parts += 1
            del frame
            if progress:
                progress("population", population_rows, gen.population_rows)
        manifest: dict[str, Any] = {
            "generator": "doichieu generate --national",
            "members": gen.members,
            "population": gen.people,
            "seed": gen.seed,
            "as_of": as_of,
            "noise_scale": noise_scale,
            "cross_province_transfer": cross_province_transfer,
            "chunk_rows": chunk_rows,
            "format": "parquet",
            "rates": gen.rates(),
            "rows": {
                "roster": roster_rows,
                "population": population_rows,
                "truth_findings": findings,
                "truth_duplicates": pairs.height,
            },
            "parts": {"roster": roster_parts, "population": population_parts, "truth_findings": roster_parts},
            "transfers": gen.transfers,
            "provinces": provinces,
            "files": {
                "roster": f"{ROSTER_FOLDER}/",
                "population": f"{POPULATION_FOLDER}/",
                "truth_findings": f"{FINDINGS_FOLDER}/",
                "truth_duplicates": DUPLICATES_FILE,
            },
        }
        with output.writing(MANIFEST_FILE) as path:
            path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return GeneratedNation(
        out=folder,
        roster=folder / ROSTER_FOLDER,
        population=folder / POPULATION_FOLDER,
        truth_findings=folder / FINDINGS_FOLDER,
        truth_duplicates=folder / DUPLICATES_FILE,
        manifest=folder / MANIFEST_FILE,
        members=gen.members,
        people=gen.people,
        roster_rows=roster_rows,
        population_rows=population_rows,
        findings=findings,
        duplicate_pairs=pairs.height,
        transfers=gen.transfers,
        roster_parts=roster_parts,
        population_parts=population_parts,
        seconds=time.perf_counter() - started,
    )
