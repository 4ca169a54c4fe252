"""The synthetic province generator: files, schema, determinism, truth."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from doichieu import _engine
from doichieu.cli import main
from doichieu.errors import InvalidInputError
from doichieu.generate import default_rates, generate_frames, generate_province, province

# The record model's columns (issue 3), spelled out here so a drift in either
# place fails this test.
ROSTER = [
    "member_id",
    "full_name",
    "birth_name",
    "date_of_birth",
    "gender",
    "citizen_id",
    "party_card_number",
    "admission_date",
    "official_date",
    "party_unit",
    "ward",
    "hometown",
    "status",
]
POPULATION = ["citizen_id", "full_name", "other_names", "date_of_birth", "gender", "hometown", "old_id_number"]
FINDING_CODES = {
    "NAME_EQUIVALENT_FORM",
    "NAME_DIACRITICS_MISSING",
    "NAME_SPELLING_VARIANT",
    "NAME_MIDDLE_MISSING",
    "NAME_REORDERED",
    "NAME_TYPO",
    "NAME_MISMATCH",
    "DOB_MISMATCH",
    "GENDER_MISMATCH",
    "HOMETOWN_MISMATCH",
    "CITIZEN_ID_MISSING",
    "CITIZEN_ID_MALFORMED",
    "CITIZEN_ID_UNKNOWN_PROVINCE",
    "CITIZEN_ID_SEX_MISMATCH",
    "CITIZEN_ID_YEAR_MISMATCH",
    "CITIZEN_NOT_FOUND",
    "LEGACY_ID_ONLY",
    "CARD_NUMBER_MALFORMED",
    "OFFICIAL_BEFORE_ADMISSION",
    "UNDER_AGE_AT_ADMISSION",
    "STATUS_NOT_ELIGIBLE",
    # Added by the record model: a name that matches only through a recorded alias.
    "NAME_ALIAS_MATCH",
    # A card number with a digit dropped that does not start with 0 reads as one whose zero a spreadsheet dropped.
    "CARD_NUMBER_LEADING_ZERO",
}
DUPLICATE_TYPES = {"DUPLICATE_CITIZEN_ID", "DUPLICATE_PERSON", "TRANSFER_DUPLICATE"}


def read(path: Path) -> pl.DataFrame:
    if path.suffix == ".parquet":
        return pl.read_parquet(path)
    if path.suffix == ".xlsx":
        return pl.read_excel(path, infer_schema_length=0)
    return pl.read_csv(path, infer_schema=False)


def run_cli(*args: str) -> int:
    return main(["--lang", "en", "generate", *args])


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_cli_writes_roster_population_and_truth_in_each_format(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / fmt
    assert run_cli("--members", "600", "--seed", "3", "--out", str(out), "--format", fmt) == 0
    printed = capsys.readouterr().out
    assert "600 members" in printed and f"roster.{fmt}" in printed
    roster, population = read(out / f"roster.{fmt}"), read(out / f"population.{fmt}")
    assert roster.columns == ROSTER
    assert population.columns == POPULATION
    assert all(dtype == pl.String for dtype in [*roster.dtypes, *population.dtypes])
    findings = pl.read_csv(out / "truth_findings.csv", infer_schema=False)
    pairs = pl.read_csv(out / "truth_duplicates.csv", infer_schema=False)
    assert findings.columns == ["member_id", "code", "field", "cause"]
    assert pairs.columns == ["member_id_a", "member_id_b", "type", "cause"]
    assert set(findings["code"]) <= FINDING_CODES
    assert set(pairs["type"]) <= DUPLICATE_TYPES
    assert set(findings["member_id"]) <= set(roster["member_id"])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rows"] == {
        "roster": roster.height,
        "population": population.height,
        "truth_findings": findings.height,
        "truth_duplicates": pairs.height,
    }
    assert manifest["members"] == 600 and manifest["seed"] == 3 and manifest["province"] == "Hà Tĩnh"
    # Leading zeros survive every format: numbers are text.
    assert roster["citizen_id"].drop_nulls().str.contains(r"^0").mean() > 0.9  # type: ignore[operator]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_the_same_seed_writes_the_same_bytes_and_chunking_changes_nothing(tmp_path: Path, fmt: str) -> None:
    a = generate_province(tmp_path / "a", members=3_000, seed=11, fmt=fmt)
    generate_province(tmp_path / "b", members=3_000, seed=11, fmt=fmt, chunk_members=97)
    c = generate_province(tmp_path / "c", members=3_000, seed=12, fmt=fmt)
    for name in (a.roster.name, a.population.name, "truth_findings.csv", "truth_duplicates.csv", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert read(a.roster)["full_name"].to_list() != read(c.roster)["full_name"].to_list()
    assert read(a.population)["citizen_id"].to_list() != read(c.population)["citizen_id"].to_list()


def test_a_hundred_thousand_members_stream_to_parquet(tmp_path: Path) -> None:
    result = generate_province(tmp_path, members=100_000, seed=7, fmt="parquet")
    roster = pl.scan_parquet(result.roster)
    assert roster.select(pl.len()).collect().item() == result.roster_rows
    assert 100_000 < result.roster_rows < 102_500
    assert pl.scan_parquet(result.population).select(pl.len()).collect().item() == result.population_rows
    assert roster.select(pl.col("member_id").n_unique()).collect().item() == result.roster_rows


def test_the_truth_agrees_with_the_files(tmp_path: Path) -> None:
    data = generate_frames(20_000, seed=5)
    roster, population = data.roster, data.population
    truth = data.truth_findings

    def members(code: str) -> set[str]:
        return set(truth.filter(pl.col("code") == code)["member_id"])

    roster = roster.with_columns(pl.col("citizen_id").str.replace_all(r"[\s.\-]", "").alias("id"))
    # A malformed value of 10 or 11 digits not starting with 0 is read as a number
    # whose leading zeros a spreadsheet dropped, with them put back.
    lost_zeros = roster["id"].str.contains(r"^[1-9]\d{9,10}$")
    assert members("CITIZEN_ID_LEADING_ZERO") == set(roster.filter(lost_zeros)["member_id"])
    roster = roster.with_columns(
        pl.when(lost_zeros).then(pl.col("id").str.zfill(12)).otherwise(pl.col("id")).alias("id")
    )
    digits = roster["id"]
    assert members("CITIZEN_ID_MISSING") == set(roster.filter(digits.is_null())["member_id"])
    assert members("LEGACY_ID_ONLY") == set(roster.filter(digits.str.contains(r"^\d{9}$"))["member_id"])
    malformed = digits.is_not_null() & ~digits.str.contains(r"^\d{9}$|^\d{12}$")
    assert members("CITIZEN_ID_MALFORMED") == set(roster.filter(malformed)["member_id"])
    assert members("STATUS_NOT_ELIGIBLE") == set(roster.filter(pl.col("status") != "official")["member_id"])
    twelve = roster.filter(pl.col("id").str.contains(r"^\d{12}$"))
    absent = twelve.join(population, left_on="id", right_on="citizen_id", how="anti")
    assert members("CITIZEN_NOT_FOUND") == set(absent["member_id"])
    # Every planted pair is two rows; rows sharing a number are always a pair.
    pairs = data.truth_duplicates
    ids = dict(zip(roster["member_id"], digits))
    shared = pairs.filter(pl.col("type") == "DUPLICATE_CITIZEN_ID")
    assert all(ids[a] == ids[b] for a, b in shared.select("member_id_a", "member_id_b").iter_rows())
    counts = twelve.group_by("id").len().filter(pl.col("len") > 1)
    assert counts.height == shared.height
    # Every code of the record model is planted somewhere in a province this size.
    # A lost-zero reading of a malformed value is occasional: planted where it happens.
    assert FINDING_CODES <= set(truth["code"]) <= FINDING_CODES | {"CITIZEN_ID_LEADING_ZERO"}
    assert set(pairs["type"]) == DUPLICATE_TYPES


def test_the_record_model_finds_exactly_what_was_planted(tmp_path: Path) -> None:
    """Cross-checks a generated province with doichieu.records and prints recall
    and precision per code: the two sides agree on every finding."""
    records = pytest.importorskip("doichieu.records")
    result = generate_province(tmp_path, members=4_000, seed=9, fmt="parquet")
    index = records.PopulationIndex(result.population, as_of=date(2025, 9, 1))
    found, _ = index.verify_all(result.roster)
    truth = pl.read_csv(result.truth_findings, infer_schema=False)
    got = set(found.select("member_id", "code").iter_rows())
    want = set(truth.select("member_id", "code").iter_rows())
    for code in sorted({c for _, c in got | want}):
        g = {m for m, c in got if c == code}
        w = {m for m, c in want if c == code}
        recall = len(g & w) / len(w) if w else 1.0
        precision = len(g & w) / len(g) if g else 1.0
        print(f"{code:30} truth {len(w):5} found {len(g):5} recall {recall:.3f} precision {precision:.3f}")
    assert got == want


def test_clean_data_has_the_same_names_on_both_sides() -> None:
    data = generate_frames(2_000, seed=1, noise_scale=0)
    joined = data.roster.join(data.population, on="citizen_id", suffix="_population")
    assert joined.height == 2_000
    assert (joined["full_name"] == joined["full_name_population"]).all()
    assert (joined["date_of_birth"] == joined["date_of_birth_population"]).all()
    assert data.truth_duplicates.height == 0
    assert set(data.truth_findings["code"]) <= {"STATUS_NOT_ELIGIBLE", "CARD_NUMBER_MALFORMED"}


def test_rates_are_configurable() -> None:
    rates = default_rates()
    assert rates["id_missing"] == 0.04 and 0 < rates["transfer_duplicate"] < 0.02
    heavy = generate_frames(3_000, seed=2, noise_scale=0, rates={"id_missing": 0.3})
    missing = heavy.truth_findings.filter(pl.col("code") == "CITIZEN_ID_MISSING").height / 3_000
    assert 0.25 < missing < 0.35
    gen = province(100, 1, noise_scale=0.5, rates={"typo": 0.2})
    assert gen.rates()["typo"] == 0.2 and gen.rates()["id_missing"] == 0.02


def test_other_provinces_and_dates() -> None:
    gen = province(500, 4, province="079", as_of="2024-07-01")
    assert gen.province == "Hồ Chí Minh"
    roster = generate_frames(500, seed=4, province="Hồ Chí Minh", as_of="2024-07-01").roster
    assert roster["member_id"].str.starts_with("HCM").all()
    assert len(_engine.province_table()) == 63


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"members": 0}, "between 1 and"),
        ({"members": 9_000_000}, "5.6 million"),
        ({"members": 10, "rates": {"tpyo": 0.1}}, "unknown rate"),
        ({"members": 10, "rates": {"typo": 2.0}}, "between 0 and 1"),
        ({"members": 10, "province": "Atlantis"}, "unknown province"),
        ({"members": 10, "as_of": "01/09/2025"}, "yyyy-mm-dd"),
        ({"members": 10, "noise_scale": -1.0}, "noise scale"),
        ({"members": 10, "population_extra": 5.0}, "population_extra"),
    ],
)
def test_bad_parameters_are_refused_with_the_reason(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        province(**kwargs)  # type: ignore[arg-type]


def test_excel_is_refused_past_its_row_limit(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="1,048,576"):
        generate_province(tmp_path, members=1_100_000, fmt="xlsx")
    assert not (tmp_path / "roster.xlsx").exists()


def test_cli_errors_and_rate_listing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--list-rates") == 0
    listed = capsys.readouterr().out
    assert "id_missing\t0.04" in listed and "transfer_duplicate" in listed
    assert run_cli("--members", "10", "--out", str(tmp_path), "--rate", "typo") == 2
    assert "NAME=VALUE" in capsys.readouterr().err
    assert run_cli("--members", "10", "--out", str(tmp_path), "--rate", "nonsense=0.1") == 2
    assert "unknown rate" in capsys.readouterr().err
    assert run_cli("--members", "10") == 2
    assert "--out" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert run_cli("--members", "10", "--out", str(blocker)) == 2
