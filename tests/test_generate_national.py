"""The national generator (``doichieu generate --national``): folders of Parquet
parts that the project's readers take, a truth the record model agrees with, bad
arguments refused in the user's language."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import doichieu
from doichieu.cli import main
from doichieu.dedup_scores import ordered, score_pairs
from doichieu.errors import CataloguedError, FileFormatError
from doichieu.generate_national import generate_national, nation, national_frames
from doichieu.output_folder import MARKER, OutputError
from doichieu.records import SOURCE_COLUMNS, PopulationIndex, load_population, load_roster
from doichieu.spark.layout import parquet_parts

MEMBERS = 4_000
PEOPLE = 16_000
SEED = 5
AS_OF = date(2025, 9, 1)


def run_cli(*args: str) -> int:
    return main(["--lang", "en", "generate", *args])


def read_parts(folder: Path) -> pl.DataFrame:
    return pl.concat([pl.read_parquet(part) for part in parquet_parts(folder)])


@pytest.fixture(scope="module")
def country(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("national") / "country"
    # Small parts, so the tables are cut many times and across provinces.
    assert (
        run_cli(
            "--national",
            "--members",
            str(MEMBERS),
            "--population",
            str(PEOPLE),
            "--seed",
            str(SEED),
            "--cross-province-transfer",
            "0.02",
            "--chunk-rows",
            "1500",
            "--out",
            str(out),
        )
        == 0
    )
    return out


def test_the_cli_writes_folders_of_parts_privately(country: Path) -> None:
    manifest = json.loads((country / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["members"] == MEMBERS and manifest["population"] == PEOPLE and manifest["seed"] == SEED
    roster_parts = parquet_parts(country / "roster")
    population_parts = parquet_parts(country / "population")
    assert len(roster_parts) == manifest["parts"]["roster"] > 1
    assert len(population_parts) == manifest["parts"]["population"] == -(-PEOPLE // 1500)
    assert [p.name for p in roster_parts][:2] == ["part-00000.parquet", "part-00001.parquet"]
    assert len(parquet_parts(country / "truth_findings")) == len(roster_parts)
    for part in roster_parts:
        assert pl.read_parquet(part).height <= 1500 * 2  # a chunk of slots, with its members' duplicate rows
    for part in population_parts:
        assert pl.read_parquet(part).height <= 1500
    for path in [country, *country.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path
    provinces = manifest["provinces"]
    assert len(provinces) == 63
    assert sum(p["members"] for p in provinces) == MEMBERS
    assert sum(p["people"] for p in provinces) == PEOPLE
    assert sum(p["roster_rows"] for p in provinces) == manifest["rows"]["roster"]
    assert sum(p["transfers_in"] for p in provinces) == manifest["transfers"] > 0
    # The 63 old provinces make the 34 of after the merger.
    assert len({p["new_name"] for p in provinces}) == 34


def test_the_parts_read_back_with_the_project_readers(country: Path) -> None:
    manifest = json.loads((country / "manifest.json").read_text(encoding="utf-8"))
    roster = load_roster(read_parts(country / "roster"))
    population = load_population(read_parts(country / "population"))
    assert roster.height == manifest["rows"]["roster"]
    assert population.height == manifest["rows"]["population"]
    assert roster["member_id"].n_unique() == roster.height
    assert population["citizen_id"].n_unique() == population.height
    # Hometowns under the old 63 names and the new 34.
    hometowns = set(population["hometown"].drop_nulls().to_list())
    assert {"Hà Giang", "Tuyên Quang"} <= hometowns or {"Quảng Nam", "Đà Nẵng"} <= hometowns


def test_the_single_machine_commands_read_the_folders(country: Path, tmp_path: Path) -> None:
    # A folder of parts is one table to the one reader, in the parts' order.
    assert (
        load_roster(country / "roster")
        .drop(SOURCE_COLUMNS, strict=False)
        .equals(load_roster(read_parts(country / "roster")).drop(SOURCE_COLUMNS, strict=False))
    )
    out = tmp_path / "results"
    roster, population = str(country / "roster"), str(country / "population")
    args = ["--lang", "en", "revalidate", "--roster", roster, "--population", population, "--out", str(out)]
    assert main([*args, "--as-of", AS_OF.isoformat()]) == 0
    verdicts = pl.read_csv(out / "verdicts.csv", infer_schema=False)
    assert verdicts.height == json.loads((country / "manifest.json").read_text(encoding="utf-8"))["rows"]["roster"]
    # A folder without Parquet parts is still not a table.
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileFormatError, match="is a folder"):
        load_roster(tmp_path / "empty")


def test_the_record_model_finds_exactly_what_was_planted_across_provinces(country: Path) -> None:
    assert_truth_is_found(country)


def test_numbers_that_must_lead_nowhere_lead_nowhere_in_the_whole_country(tmp_path: Path) -> None:
    # Many mistyped, malformed and unknown-province numbers in a dense population:
    # each CITIZEN_NOT_FOUND must hold for every province, not only the member's own.
    rates = {"id_typo_not_found": 0.1, "id_malformed": 0.1, "id_unknown_province": 0.05}
    out = generate_national(tmp_path / "dense", 3_000, 60_000, 3, rates=rates, chunk_rows=20_000).out
    truth = assert_truth_is_found(out)
    assert truth.filter(pl.col("code") == "CITIZEN_NOT_FOUND").height > 250
    assert truth.filter(pl.col("code") == "CITIZEN_ID_MALFORMED").height > 250
    assert truth.filter(pl.col("code") == "CITIZEN_ID_UNKNOWN_PROVINCE").height > 100


def assert_truth_is_found(country: Path) -> pl.DataFrame:
    """Cross-checks the country on one machine; the findings must be the truth's."""
    index = PopulationIndex(load_population(read_parts(country / "population")), as_of=AS_OF)
    found, _ = index.verify_all(load_roster(read_parts(country / "roster")))
    truth = read_parts(country / "truth_findings")
    key = ["member_id", "code", "field"]
    want = truth.group_by(key).len("n").sort(key)
    got = found.select(key).group_by(key).len("n").sort(key)
    missed = want.join(got, on=key, how="anti")
    extra = got.join(want, on=key, how="anti")
    assert missed.height == 0 and extra.height == 0, f"missed:\n{missed}\nextra:\n{extra}"
    return truth


def test_the_duplicate_truth_names_real_rows_and_crosses_provinces(country: Path) -> None:
    roster = read_parts(country / "roster").with_row_index("row")
    pairs = pl.read_parquet(country / "truth_duplicates.parquet")
    rows = dict(zip(roster["member_id"], roster["row"], strict=True))
    assert all(rows[a] < rows[b] for a, b in zip(pairs["member_id_a"], pairs["member_id_b"], strict=True))
    # The rows the truth gives are the rows in the whole roster, the parts in order.
    assert pairs["row_a"].to_list() == [rows[a] for a in pairs["member_id_a"]]
    assert pairs["row_b"].to_list() == [rows[b] for b in pairs["member_id_b"]]
    findings = read_parts(country / "truth_findings")
    assert findings["row"].to_list() == [rows[m] for m in findings["member_id"]]
    crossing = pairs.filter(pl.col("cause").str.starts_with("transfer_other_province"))
    manifest = json.loads((country / "manifest.json").read_text(encoding="utf-8"))
    assert crossing.height == manifest["transfers"]
    assert set(crossing["type"]) == {"TRANSFER_DUPLICATE"}
    code = pl.col("member_id").str.extract(r"^[A-Z]+(\d{3})")
    units = roster.select("member_id", "party_unit", "date_of_birth", code.alias("code"))
    joined = crossing.join(units, left_on="member_id_a", right_on="member_id").join(
        units, left_on="member_id_b", right_on="member_id", suffix="_b"
    )
    assert (joined["code"] != joined["code_b"]).all()
    assert (joined["party_unit"] != joined["party_unit_b"]).all()
    assert (joined["date_of_birth"] == joined["date_of_birth_b"]).all()


def test_deduplication_finds_the_members_who_moved_province(country: Path) -> None:
    # The whole roster at once, as the cross-province case needs.
    truth = pl.read_parquet(country / "truth_duplicates.parquet")
    result = doichieu.find_duplicates(load_roster(country / "roster"))
    scores = score_pairs(result.pairs, truth)
    for side in (scores.same_person, scores.shared_number):
        assert side.precision >= 0.99 and side.recall >= 0.99, scores.rows()
    crossing = ordered(truth.filter(pl.col("cause").str.starts_with("transfer_other_province")))
    found = ordered(result.pairs).filter(pl.col("type") == "TRANSFER_DUPLICATE")
    assert crossing.join(found, on=["x", "y"], how="anti").height == 0


def test_the_same_seed_gives_the_same_rows_whatever_the_parts(country: Path, tmp_path: Path) -> None:
    again = generate_national(tmp_path / "again", MEMBERS, PEOPLE, SEED, cross_province_transfer=0.02, chunk_rows=7_000)
    for table in ("roster", "population", "truth_findings"):
        assert read_parts(again.out / table).equals(read_parts(country / table)), table
    assert pl.read_parquet(again.truth_duplicates).equals(pl.read_parquet(country / "truth_duplicates.parquet"))
    # In memory, the same rows.
    frames = national_frames(MEMBERS, PEOPLE, SEED, cross_province_transfer=0.02)
    assert frames.roster.equals(read_parts(country / "roster"))
    assert frames.population.equals(read_parts(country / "population"))
    assert frames.truth_duplicates.equals(pl.read_parquet(again.truth_duplicates).drop("row_a", "row_b"))


def test_a_second_run_replaces_the_first_and_foreign_folders_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "country"
    first = generate_national(out, 63, 200, 1, chunk_rows=50)
    second = generate_national(out, 63, 400, 2, chunk_rows=50)
    assert second.population_parts == 8 and len(parquet_parts(out / "population")) == 8
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert "population/part-00007.parquet" in marker["files"]
    assert first.population_parts == 4
    # A folder holding a file no run listed is not replaced.
    (out / "roster" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="roster"):
        generate_national(out, 63, 200, 1)
    assert (out / "roster" / "notes.txt").exists()


def test_a_failed_run_leaves_nothing_behind(tmp_path: Path) -> None:
    def stop(table: str, done: int, total: int) -> None:
        if table == "population":
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError, match="stopped"):
        generate_national(tmp_path / "country", 63, 500, 1, chunk_rows=100, progress=stop)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--members", "10", "--population", "100"], "--members with --national must be between 63"),
        (["--members", "1000", "--population", "999"], "--population must be between the members"),
        (["--members", "1000", "--population", "400000000"], "--population must be between the members"),
        (["--members", "1000", "--cross-province-transfer", "0.5"], "--cross-province-transfer must be between 0"),
        (["--members", "1000", "--chunk-rows", "0"], "--chunk-rows must be at least 1"),
        (["--members", "1000", "--province", "042"], "--province does not go with --national"),
        (["--members", "1000", "--format", "csv"], "--format does not go with --national"),
        (["--members", "1000", "--population-extra", "3"], "--population-extra does not go with --national"),
    ],
)
def test_bad_arguments_are_refused_in_the_catalogue(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("--national", *args, "--out", str(tmp_path / "x")) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_national_options_need_national_and_vietnamese_is_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("--population", "1000", "--out", str(tmp_path / "x")) == 2
    assert "--population needs --national" in capsys.readouterr().err
    assert main(["generate", "--national", "--members", "10", "--out", str(tmp_path / "x")]) == 2
    assert "mỗi tỉnh một người" in capsys.readouterr().err
    with pytest.raises(CataloguedError):
        nation(1000, 2000, -1)
    assert not os.path.exists(tmp_path / "x")
