"""Deduplication of a roster: the same person held twice.

``find_duplicates(roster)`` takes a roster table (the record-model columns:
``member_id``, ``full_name``, ``date_of_birth``, ``gender``, ``citizen_id``,
``hometown``, ``party_unit``, optionally ``old_id_number``, ``party_card_number``
and ``admission_date``) and returns the
duplicate pairs, with a per-field explanation of every score, and the clusters
of records that are one person. Parsing is vectorised in polars and the work is
one call into the Rust engine, which releases the GIL.

A trained model can be kept and reused instead of training on every run
(``result.model.save(path)``, ``find_duplicates(roster, model=DedupModel.load(path))``;
see docs/dedup.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from doichieu import _engine
from doichieu.errors import InvalidInputError
from doichieu.names import fold_keys

#: A trained model: ``save``/``load`` a file, ``to_dict``/``from_dict``.
DedupModel = _engine.DedupModel

REQUIRED = ("member_id", "full_name", "date_of_birth")
OPTIONAL = ("gender", "citizen_id", "hometown", "party_unit", "old_id_number", "party_card_number", "admission_date")

#: Pair columns written to ``pairs.csv``, in order.
PAIR_COLUMNS = (
    "member_id_a",
    "member_id_b",
    "score",
    "type",
    "match_weight",
    "name_kind",
    "explanation",
    "name_level",
    "date_of_birth_level",
    "gender_level",
    "hometown_level",
    "citizen_id_level",
    "old_id_level",
    "party_card_level",
    "admission_date_level",
)


@dataclass(frozen=True)
class DuplicateResult:
    pairs: pl.DataFrame
    clusters: pl.DataFrame
    warnings: list[str]
    candidate_pairs: int
    model: Any


def _text(df: pl.DataFrame, name: str) -> pl.Expr:
    if name not in df.columns:
        return pl.lit(None, dtype=pl.String).alias(name)
    return pl.col(name).cast(pl.String).str.strip_chars()


def parse_dates(column: pl.Expr, prefix: str = "birth") -> list[pl.Expr]:
    """Year, month, day (0 where unknown; named ``{prefix}_year`` ...) from
    dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd, yyyymmdd, Excel serial numbers and partial
    dates of older members ("00/00/1950", "03/1950", "1950")."""
    s = column.cast(pl.String).str.strip_chars().str.replace_all(r"[.\-]", "/")
    iso = s.str.extract_groups(r"^(?<y>\d{4})/(?<m>\d{1,2})/(?<d>\d{1,2})$")
    dmy = s.str.extract_groups(r"^(?<d>\d{1,2})/(?<m>\d{1,2})/(?<y>\d{4})$")
    my = s.str.extract_groups(r"^(?<m>\d{1,2})/(?<y>\d{4})$")
    compact = s.str.extract_groups(r"^(?<y>\d{4})(?<m>\d{2})(?<d>\d{2})$")
    year_only = s.str.extract(r"^(\d{4})$")
    serial = s.str.extract(r"^(\d{4,5})(?:\.0+)?$").cast(pl.Int64, strict=False)
    # Excel serials count days from 1899-12-30; only plausible birth dates (1919–2009) qualify.
    excel = pl.when(serial.is_between(7000, 40000)).then(pl.date(1899, 12, 30) + pl.duration(days=serial))

    def pick(*sources: pl.Expr) -> pl.Expr:
        return pl.coalesce(*(src.cast(pl.Int64, strict=False) for src in sources)).fill_null(0)

    year = pick(
        iso.struct.field("y"),
        dmy.struct.field("y"),
        my.struct.field("y"),
        compact.struct.field("y"),
        year_only,
        excel.dt.year(),
    )
    month = pick(
        iso.struct.field("m"), dmy.struct.field("m"), my.struct.field("m"), compact.struct.field("m"), excel.dt.month()
    )
    day = pick(iso.struct.field("d"), dmy.struct.field("d"), compact.struct.field("d"), excel.dt.day())
    valid = month.is_between(0, 12) & day.is_between(0, 31) & year.is_between(0, 2200)
    return [
        pl.when(valid).then(year).otherwise(0).alias(f"{prefix}_year"),
        pl.when(valid).then(month).otherwise(0).alias(f"{prefix}_month"),
        pl.when(valid).then(day).otherwise(0).alias(f"{prefix}_day"),
    ]


def parse_gender(column: pl.Expr) -> pl.Expr:
    """1 male, 0 female, null unknown: Nam/Nữ, male/female, M/F, 1/0."""
    g = column.cast(pl.String).str.strip_chars().str.to_lowercase()
    return (
        pl.when(g.is_in(["nam", "male", "m", "1", "trai"]))
        .then(1)
        .when(g.is_in(["nữ", "nu", "nư", "female", "f", "0", "gái"]))
        .then(0)
        .otherwise(None)
        .cast(pl.Int64)
        .alias("gender")
    )


def parse_citizen_id(column: pl.Expr, name: str) -> pl.Expr:
    """Digits only once spaces, dots and dashes are gone; anything else is null."""
    cleaned = column.cast(pl.String).str.replace_all(r"[\s.\-]", "")
    return pl.when(cleaned.str.contains(r"^\d{9}$|^\d{12}$")).then(cleaned).otherwise(None).alias(name)


def parse_card_number(column: pl.Expr) -> pl.Expr:
    """The party card number as digits (8 on cards since 2003; older cards are
    kept if they are 6 to 10 digits); anything else is null."""
    cleaned = column.cast(pl.String).str.replace_all(r"[\s.\-]", "")
    return pl.when(cleaned.str.contains(r"^\d{6,10}$")).then(cleaned).otherwise(None).alias("party_card")


def prepare(roster: pl.DataFrame) -> pl.DataFrame:
    """The columns the engine reads, parsed from a roster table."""
    missing = [c for c in REQUIRED if c not in roster.columns]
    if missing:
        raise InvalidInputError(f"roster lacks required column(s): {', '.join(missing)}")
    parsed = roster.select(
        _text(roster, "member_id"),
        _text(roster, "full_name").fill_null(""),
        *parse_dates(_text(roster, "date_of_birth")),
        parse_gender(_text(roster, "gender")),
        parse_citizen_id(_text(roster, "citizen_id"), "citizen_id"),
        parse_citizen_id(_text(roster, "old_id_number"), "old_id"),
        _text(roster, "hometown").alias("hometown_raw"),
        _text(roster, "party_unit"),
        parse_card_number(_text(roster, "party_card_number")),
        *parse_dates(_text(roster, "admission_date"), prefix="admission"),
    ).with_columns(
        # A 9-digit number in the citizen ID column is the old identity card (LEGACY_ID_ONLY):
        # compared as an old number, never as a citizen number that differs from a 12-digit one.
        pl.when(pl.col("citizen_id").str.len_chars() == 9)
        .then(None)
        .otherwise(pl.col("citizen_id"))
        .alias("citizen_id"),
        pl.coalesce(
            pl.col("old_id"), pl.when(pl.col("citizen_id").str.len_chars() == 9).then(pl.col("citizen_id"))
        ).alias("old_id"),
    )
    hometown = fold_keys(parsed["hometown_raw"].fill_null(""))
    return parsed.with_columns(pl.Series("hometown", hometown).replace("", None)).drop("hometown_raw")


def find_duplicates(
    roster: pl.DataFrame,
    threshold: float = 0.9,
    strong_threshold: float = 0.99,
    max_block_size: int = 400,
    model: DedupModel | None = None,
) -> DuplicateResult:
    """Duplicate pairs and clusters in one roster (see the module docs). With
    ``model`` the pairs are scored with it and nothing is trained."""
    parsed = prepare(roster)
    columns = {
        name: parsed[name]
        for name in (
            "full_name",
            "birth_year",
            "birth_month",
            "birth_day",
            "gender",
            "citizen_id",
            "old_id",
            "hometown",
            "party_unit",
            "party_card",
            "admission_year",
            "admission_month",
            "admission_day",
        )
    }
    result = _engine.find_duplicates(
        columns, threshold=threshold, strong_threshold=strong_threshold, max_block_size=max_block_size, model=model
    )
    ids = parsed["member_id"]
    raw = pl.DataFrame({k: pl.Series(k, v) for k, v in result["pairs"].items()})
    pairs = raw.select(
        ids.gather(raw["a"]).alias("member_id_a") if raw.height else pl.lit(None, pl.String).alias("member_id_a"),
        ids.gather(raw["b"]).alias("member_id_b") if raw.height else pl.lit(None, pl.String).alias("member_id_b"),
        pl.col("probability").round(6).alias("score"),
        "type",
        "match_weight",
        "name_kind",
        "explanation",
        "name_level",
        "date_of_birth_level",
        "gender_level",
        "hometown_level",
        "citizen_id_level",
        "old_id_level",
        "party_card_level",
        "admission_date_level",
    ).sort("score", descending=True)
    raw_clusters = pl.DataFrame({k: pl.Series(k, v) for k, v in result["clusters"].items()})
    clusters = raw_clusters.select(
        pl.col("cluster_id"),
        ids.gather(raw_clusters["member"]).alias("member_id")
        if raw_clusters.height
        else pl.lit(None, pl.String).alias("member_id"),
        "type",
    )
    return DuplicateResult(pairs, clusters, list(result["warnings"]), int(result["candidate_pairs"]), result["model"])


def read_table(path: str | Path) -> pl.DataFrame:
    """A roster file as text columns: CSV (UTF-8), Parquet or Excel .xlsx."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pl.read_parquet(path)
        if suffix in (".xlsx", ".xlsm"):
            return pl.read_excel(path, infer_schema_length=0)
        if suffix in (".csv", ".txt", ".tsv"):
            return pl.read_csv(path, infer_schema=False, separator="\t" if suffix == ".tsv" else ",")
    except pl.exceptions.ComputeError as exc:
        raise InvalidInputError(f"{path.name}: cannot be read as {suffix[1:]} ({exc})") from exc
    raise InvalidInputError(f"{path.name}: unsupported file type {suffix or '(none)'}; use .csv, .xlsx or .parquet")


def write_outputs(result: DuplicateResult, out: str | Path) -> tuple[Path, Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    pairs_path, clusters_path = out / "pairs.csv", out / "clusters.csv"
    result.pairs.select(PAIR_COLUMNS).write_csv(pairs_path)
    result.clusters.write_csv(clusters_path)
    return pairs_path, clusters_path
