"""The Spark path gives the single-machine answers.

A province of 20,000 members (every planted finding, duplicates, missing,
malformed and old numbers) is generated to Parquet and cross-checked twice:
by the single-process engine (``verify_tables`` on the whole population) and
by ``doichieu.spark.revalidate`` under ``local[2]``; the findings (each member's
in the same order) and verdicts (candidates included) must be the same. A
smaller province is checked again with a tiny ``max_block``, so that many name
blocks are too large in the whole table and the tasks, which hold slices of
it, must be told. Bad input fails on the driver with the one reader's errors.

Under CI (``DOICHIEU_REQUIRE_SPARK``) these fail when Spark cannot start; a
machine without PySpark or Java skips them (tests/conftest.py).
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from doichieu import _engine
from doichieu.cli import main
from doichieu.errors import ColumnError, FileEncodingError, FileFormatError
from doichieu.generate import generate_province
from doichieu.records import load_population, read_roster
from doichieu.vocabulary import POPULATION_COLUMNS
from office_files import encoded_twice

AS_OF = date(2025, 9, 1)
MEMBERS = 20_000
SEED = 11


@dataclass(frozen=True)
class Province:
    roster: Path
    population: Path


def _province(folder: Path, members: int) -> Province:
    result = generate_province(folder, members=members, seed=SEED, fmt="parquet", as_of=AS_OF.isoformat())
    return Province(Path(result.roster), Path(result.population))


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    return _province(tmp_path_factory.mktemp("province"), MEMBERS)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Province:
    return _province(tmp_path_factory.mktemp("small"), 2_000)


def single_machine(p: Province, max_block: int = 256) -> tuple[pl.DataFrame, pl.DataFrame]:
    population = load_population(p.population)
    index = _engine.PopulationIndex(
        {c: population[c] for c in POPULATION_COLUMNS}, as_of=(AS_OF.year, AS_OF.month, AS_OF.day), max_block=max_block
    )
    roster, present = read_roster(p.roster)
    findings, verdicts = _engine.verify_tables(index, {c: roster[c] for c in present})
    as_long = pl.col("row").cast(pl.Int64)
    return pl.DataFrame(findings).with_columns(as_long), pl.DataFrame(verdicts).with_columns(as_long)


def on_spark(spark: Any, p: Province, max_block: int = 256) -> tuple[pl.DataFrame, pl.DataFrame]:
    from doichieu.spark import read_population, read_roster, revalidate

    roster, population = read_roster(spark, p.roster), read_population(spark, p.population)
    findings, verdicts = revalidate(
        spark, roster.frame, population.frame, present=roster.present, as_of=AS_OF, max_block=max_block
    )
    f = pl.DataFrame(pl.from_arrow(findings.toArrow())).sort("row", "seq").drop("seq")
    v = pl.DataFrame(pl.from_arrow(verdicts.toArrow())).sort("row")
    return f, v


def assert_same(expected: tuple[pl.DataFrame, pl.DataFrame], got: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    for want, have in zip(expected, got):
        assert have.columns == want.columns
        assert have.height == want.height
        for column in want.columns:
            # Lists of structs compare as Python values: the float scores exactly, not by tolerance.
            assert have[column].to_list() == want[column].to_list(), column


def test_spark_gives_the_single_machine_findings_and_verdicts(spark: Any, province: Province) -> None:
    expected = single_machine(province)
    findings, verdicts = expected
    # The province exercises both passes: numbers that settle, and every way a number leads nowhere.
    codes = set(findings["code"])
    for code in ("CITIZEN_ID_MISSING", "CITIZEN_ID_MALFORMED", "CITIZEN_NOT_FOUND", "NAME_MISMATCH"):
        assert code in codes, code
    assert any(code.startswith("LEGACY_ID_ONLY") for code in codes)
    assert verdicts.filter(pl.col("candidates").list.len() > 0).height > 100
    assert_same(expected, on_spark(spark, province))


def test_blocks_too_large_in_the_whole_table_are_passed_over_in_every_slice(spark: Any, small: Province) -> None:
    max_block = 2
    population = load_population(small.population)
    keys = pl.DataFrame(_engine.population_keys({c: population[c] for c in POPULATION_COLUMNS}))
    sizes = keys.select(pl.col("block_keys").explode()).group_by("block_keys").len()
    assert sizes.filter(pl.col("len") > max_block).height > 100
    expected = single_machine(small, max_block)
    # The rule changes answers here: candidates the default size lets through are not offered.
    assert expected[1]["candidates"].to_list() != single_machine(small)[1]["candidates"].to_list()
    assert_same(expected, on_spark(spark, small, max_block))


def test_a_folder_of_parts_reads_as_one_table_in_path_order(spark: Any, small: Province, tmp_path: Path) -> None:
    """Parts numbered in path order (part-10 after part-02), rows numbered on
    across them: the answers are the single file's, each finding keeping the
    part and the row within it."""
    from doichieu.spark import read_roster as spark_roster

    roster, population = pl.read_parquet(small.roster), pl.read_parquet(small.population)
    folders = {"roster": tmp_path / "roster", "population": tmp_path / "population" / "2025"}
    for name, table in (("roster", roster), ("population", population)):
        folders[name].mkdir(parents=True)
        cut = [0, table.height // 3, table.height // 2, table.height]
        for k, (a, b) in enumerate(zip(cut, cut[1:])):
            table.slice(a, b - a).write_parquet(folders[name] / f"part-{[0, 2, 10][k]:02d}.parquet")
    parts = Province(folders["roster"], tmp_path / "population")
    expected, got = single_machine(small), on_spark(spark, parts)
    assert_same(expected, got)
    read = pl.DataFrame(pl.from_arrow(spark_roster(spark, parts.roster).frame.toArrow())).sort("row")
    assert read["source_file"].unique(maintain_order=True).to_list() == [
        "part-00.parquet",
        "part-02.parquet",
        "part-10.parquet",
    ]
    assert read["source_row"][roster.height // 3] == 1
    assert read["row"].to_list() == list(range(roster.height))


def test_bad_input_fails_on_the_driver_as_on_one_machine(spark: Any, province: Province, tmp_path: Path) -> None:
    from doichieu.spark import read_roster as spark_roster

    roster = pl.read_parquet(province.roster)
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    renamed = roster.rename({"full_name": "ten_la"}).drop("date_of_birth")
    renamed.write_parquet(wrong / "part-0.parquet")
    with pytest.raises(ColumnError) as one:
        read_roster(wrong / "part-0.parquet")
    with pytest.raises(ColumnError) as many:
        spark_roster(spark, wrong)
    assert many.value.message() == one.value.message()

    twice = tmp_path / "twice.parquet"
    # Every text cell's UTF-8 read as Windows-1252 (tests/office_files.py's encoded_twice).
    mangled = [
        pl.col(c).map_elements(lambda s: encoded_twice(s).decode("utf-8"), return_dtype=pl.String)
        for c, t in roster.schema.items()
        if t == pl.String
    ]
    roster.with_columns(mangled).write_parquet(twice)
    with pytest.raises(FileEncodingError) as one_e:
        read_roster(twice)
    with pytest.raises(FileEncodingError) as many_e:
        spark_roster(spark, twice)
    assert many_e.value.message() == one_e.value.message()

    text = tmp_path / "roster.csv"
    text.write_text("member_id,full_name\n1,An\n")
    with pytest.raises(FileFormatError):
        spark_roster(spark, text)


def _engine_clusters(pairs: list[tuple[int, int, float, str]], strong: float) -> list[tuple[int, int, str]]:
    """engine/src/dedup/cluster.rs, line for line: union–find over the one-person
    pairs strongest first, a weak pair joining two lone members only; groups
    numbered by their smallest member, typed by the most specific type inside."""
    from doichieu.vocabulary import DUPLICATE_TYPES

    n = 1 + max((max(a, b) for a, b, _, _ in pairs), default=0)
    parent, size = list(range(n)), [1] * n

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    one = [p for p in pairs if p[3] != "CITIZEN_ID_SHARED"]
    for a, b, probability, kind in sorted(one, key=lambda p: (-p[2], p[0], p[1])):
        ra, rb = find(a), find(b)
        if ra != rb and (probability >= strong or kind == "DUPLICATE_CITIZEN_ID" or size[ra] + size[rb] <= 2):
            if size[ra] < size[rb]:
                ra, rb = rb, ra
            parent[rb] = ra
            size[ra] += size[rb]
    kind_of: dict[int, int] = {}
    for a, b, _, kind in one:
        if find(a) == find(b):
            kind_of[find(a)] = min(kind_of.get(find(a), 9), DUPLICATE_TYPES.index(kind))
    ids: dict[int, int] = {}
    out = []
    for i in range(n):
        if size[find(i)] >= 2:
            out.append((ids.setdefault(find(i), len(ids)), i, DUPLICATE_TYPES[kind_of[find(i)]]))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_clustering_in_spark_is_the_engines_on_random_pairs(spark: Any, seed: int) -> None:
    """Random pairs among 40 members, scores from a few values (ties ordered by
    rows), many of them weak: the Spark clustering gives the engine's rule's
    groups, numbers and types (the rule transcribed above)."""
    import random

    from doichieu.spark.clusters import clusters_of

    rng = random.Random(seed)
    kinds = ["DUPLICATE_PERSON", "TRANSFER_DUPLICATE", "DUPLICATE_CITIZEN_ID", "CITIZEN_ID_SHARED"]
    pairs = {}
    while len(pairs) < 70:
        a, b = sorted(rng.sample(range(40), 2))
        pairs[(a, b)] = (a, b, rng.choice([0.6, 0.91, 0.95, 0.95, 0.97, 0.995, 0.999]), rng.choice(kinds))
    listed = list(pairs.values())
    want = _engine_clusters(listed, 0.99)
    assert max(Counter(c for c, _, _ in want).values()) > 3, "chains form"
    frame = spark.createDataFrame(listed, "a long, b long, probability double, type string")
    ids = spark.createDataFrame([(i, f"m{i}") for i in range(40)], "row long, member_id string")
    got = [(c, int(m[1:]), t) for c, m, t in clusters_of(frame, ids, 0.99).collect()]
    assert got == want


def test_a_bad_later_part_fails_on_the_driver_as_its_file_would(spark: Any, small: Province, tmp_path: Path) -> None:
    """Every part is checked before any task starts, not only the first: a
    second part with a column missing, or its text encoded twice, fails with the message one machine gives for that part alone; a part
    whose headers map otherwise, or a column of a type Spark reads differently
    (floats), or another type than the first part's, is refused with its own."""
    from doichieu.spark import read_roster as spark_roster

    roster = pl.read_parquet(small.roster)
    half = roster.height // 2

    def parted(name: str, second: pl.DataFrame) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        roster.head(half).write_parquet(folder / "part-0.parquet")
        second.write_parquet(folder / "part-1.parquet")
        return folder

    missing = parted("missing", roster.tail(half).drop("full_name"))
    with pytest.raises(ColumnError) as one:
        read_roster(missing / "part-1.parquet")
    with pytest.raises(ColumnError) as many:
        spark_roster(spark, missing)
    assert many.value.message() == one.value.message()

    rest = roster.tail(half)
    mangled = [
        pl.col(c).map_elements(lambda v: encoded_twice(v).decode("utf-8"), return_dtype=pl.String)
        for c, t in rest.schema.items()
        if t == pl.String
    ]
    twice = parted("twice", rest.with_columns(mangled))
    with pytest.raises(FileEncodingError) as one_e:
        read_roster(twice / "part-1.parquet")
    with pytest.raises(FileEncodingError) as many_e:
        spark_roster(spark, twice)
    assert many_e.value.message() == one_e.value.message()

    renamed = parted("renamed", rest.rename({"full_name": "Họ và tên"}))
    with pytest.raises(FileFormatError, match="part-1.parquet"):
        spark_roster(spark, renamed)
    floats = parted("floats", rest.with_columns(pl.col("citizen_id").str.slice(0, 9).cast(pl.Float64, strict=False)))
    with pytest.raises(FileFormatError, match="citizen_id"):
        spark_roster(spark, floats)
    whole = parted("whole", rest.with_columns(pl.col("citizen_id").str.slice(0, 9).cast(pl.Int64, strict=False)))
    with pytest.raises(FileFormatError, match="citizen_id"):
        spark_roster(spark, whole)


def _private(folder: Path) -> None:
    """Every file below ``folder`` 0600, every folder 0700, no Spark bookkeeping left."""
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
        assert not path.name.endswith(".crc") and path.name != "_SUCCESS", path


def _parts(folder: Path) -> pl.DataFrame:
    return pl.concat([pl.read_parquet(p) for p in sorted(folder.glob("*.parquet"))])


def test_the_command_on_spark_writes_what_one_machine_writes(
    spark: Any, small: Province, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``doichieu revalidate --engine spark``: the same verdicts, findings (with
    where each member is in the file) and duplicates (checked against the
    members' ties to citizens, read from the Spark verdicts), and beside them
    the answers as Parquet folders, private, all or nothing; run again into the
    same folder, which it replaces."""
    common = ["--roster", str(small.roster), "--population", str(small.population), "--as-of", AS_OF.isoformat()]
    assert main(["revalidate", *common, "--out", str(tmp_path / "one")]) == 0
    many = tmp_path / "many"
    for _ in range(2):
        assert main(["revalidate", *common, "--out", str(many), "--engine", "spark"]) == 0
    duplicates = pl.read_csv(tmp_path / "one" / "duplicates.csv", infer_schema=False)
    assert duplicates.height > 20 and set(duplicates["population_check"]) >= {"same_citizen", "different_citizens"}
    for name in ("verdicts.csv", "findings.csv", "duplicates.csv"):
        assert (many / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name
    for owner in ("party_board", "police", "intake_officer"):
        assert (many / f"worklist_{owner}.xlsx").exists()
    assert (many / "report.html").exists()
    _private(many)
    findings = pl.read_csv(many / "findings.csv", infer_schema=False)
    written = _parts(many / "findings")
    assert written.drop("row").cast(pl.String).equals(findings)
    verdicts = _parts(many / "verdicts")
    assert verdicts.select("member_id", "verdict").equals(pl.read_csv(many / "verdicts.csv", infer_schema=False))
    assert _parts(many / "pairs").height == duplicates.height
    assert "findings" in capsys.readouterr().out


def test_files_too_large_are_left_out_with_a_note(
    spark: Any, small: Province, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Past the stated sizes (here lowered: Excel's rows, the report's pairs) a
    work list and the report are not written, the summary says which and why;
    the CSV files and Parquet folders hold everything."""
    from doichieu.spark import outputs

    monkeypatch.setattr(outputs, "EXCEL_ROWS", 100)
    monkeypatch.setattr(outputs, "REPORT_MAX_PAIRS", 10)
    common = ["--roster", str(small.roster), "--population", str(small.population), "--as-of", AS_OF.isoformat()]
    assert main(["revalidate", *common, "--out", str(tmp_path / "many"), "--engine", "spark", "--lang", "vi"]) == 0
    said = capsys.readouterr().out
    written = {p.name for p in (tmp_path / "many").iterdir()}
    findings = pl.read_csv(tmp_path / "many" / "findings.csv", infer_schema=False)
    for owner, rows in findings.group_by("owner").len().iter_rows():
        assert (f"worklist_{owner}.xlsx" in written) == (rows <= 100), owner
    assert "report.html" not in written
    assert {"findings.csv", "verdicts.csv", "duplicates.csv", "findings", "verdicts", "pairs", "clusters"} <= written
    assert "Không ghi" in said and "report.html:" in said and "Excel" in said


def test_the_command_on_spark_refuses_bad_input_before_any_task(
    spark: Any, small: Province, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A roster with a column missing, and a table that is not Parquet: one
    clear line, the same as on one machine for the columns, and no output folder."""
    wrong = tmp_path / "wrong.parquet"
    pl.read_parquet(small.roster).drop("full_name").write_parquet(wrong)
    common = ["--population", str(small.population), "--as-of", AS_OF.isoformat()]
    assert main(["revalidate", "--roster", str(wrong), *common, "--out", str(tmp_path / "one")]) == 2
    one = capsys.readouterr().err
    spark_run = ["--roster", str(wrong), *common, "--out", str(tmp_path / "many"), "--engine", "spark"]
    assert main(["revalidate", *spark_run]) == 2
    # The same line, but for the output folder it names.
    assert capsys.readouterr().err.replace(str(tmp_path / "many"), str(tmp_path / "one")) == one
    assert not (tmp_path / "many").exists()
    text = tmp_path / "roster.csv"
    text.write_text("member_id,full_name\n1,An\n")
    assert (
        main(["revalidate", "--roster", str(text), *common, "--out", str(tmp_path / "many"), "--engine", "spark"]) == 2
    )
    assert "Parquet" in capsys.readouterr().err


def test_spark_dedupe_gives_the_single_machine_pairs_and_clusters(spark: Any, province: Province) -> None:
    """Blocking rules as grouping keys, pairs scored in the tasks with the model
    trained once (here: the one the single machine trained), the kept pairs
    clustered on the driver: the same pairs, clusters, candidate count, and
    warnings in the same order."""
    from doichieu.spark import read_roster as spark_roster
    from doichieu.spark.dedupe import dedupe

    roster, present = read_roster(province.roster)
    single = _engine.find_roster_duplicates({c: roster[c] for c in present})
    table = spark_roster(spark, province.roster)
    found = dedupe(spark, table.frame, single["model"], present=table.present)
    assert found.tables is not None and found.frames is None
    assert found.candidate_pairs == single["candidate_pairs"]
    assert [w.as_engine() for w in found.warnings] == single["warnings"]
    want_pairs, want_clusters = pl.DataFrame(single["pairs"]), pl.DataFrame(single["clusters"])
    assert want_pairs.height > 200 and want_clusters.height > 200
    assert found.kept_pairs == want_pairs.height
    assert_same((want_pairs, want_clusters), found.collect())


def test_past_the_training_bound_the_model_is_trained_on_a_fixed_sample(
    spark: Any, province: Province, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no saved model and more members than ``TRAINING_MEMBERS`` (lowered
    here to a third of the province), the model is trained on a sample: the
    same sample every run, a model of its own (not the whole roster's), and
    the answers one machine gives with that model."""
    from doichieu.spark import read_roster as spark_roster

    # The module, not the function the package names after it.
    spark_dedupe = importlib.import_module("doichieu.spark.dedupe")
    roster, present = read_roster(province.roster)
    columns = {c: roster[c] for c in present}
    whole = _engine.find_roster_duplicates(columns)
    monkeypatch.setattr(spark_dedupe, "TRAINING_MEMBERS", roster.height // 3)
    table = spark_roster(spark, province.roster)
    found = spark_dedupe.dedupe(spark, table.frame, None, present=table.present)
    again = spark_dedupe.dedupe(spark, table.frame, None, present=table.present)
    assert found.model.to_dict() == again.model.to_dict(), "the same sample each run"
    assert found.model.to_dict() != whole["model"].to_dict(), "trained on the sample, not the whole roster"
    single = _engine.find_roster_duplicates(columns, model=found.model)
    assert found.candidate_pairs == single["candidate_pairs"]
    assert_same((pl.DataFrame(single["pairs"]), pl.DataFrame(single["clusters"])), found.collect())
    # A sample a third of the roster still finds the planted duplicates: as many pairs, give or take a few.
    kept, kept_whole = found.collect()[0].height, pl.DataFrame(whole["pairs"]).height
    assert abs(kept - kept_whole) <= 0.02 * kept_whole, (kept, kept_whole)


def test_a_bucket_given_a_wrong_name_count_or_rule_is_refused(province: Province) -> None:
    """The engine's entry for one bucket says what is wrong, whatever a caller hands it."""
    roster, present = read_roster(province.roster)
    columns = {c: roster[c].head(50) for c in present}
    model = _engine.find_roster_duplicates(columns)["model"]
    with pytest.raises(_engine.InvalidInputError, match="name_count"):
        _engine.dedup_rule_blocks(columns, 0, [1] * 49, 50, model)
    with pytest.raises(_engine.InvalidInputError, match="rule"):
        _engine.dedup_rule_blocks(columns, 7, [1] * 50, 50, model)
    found = _engine.dedup_rule_blocks(columns, 1, [1] * 50, 50, model)
    assert set(found) == {"kept", "own", "shared", "warnings"}


def test_skipped_blocks_are_warned_in_the_single_machine_order(spark: Any, small: Province, tmp_path: Path) -> None:
    """Thirty members entered four times each, and a block cap of two: blocks
    of several rules are skipped (same number, same card, same name and birth
    date), and the warnings come back in the order one machine says them (by
    rule, then block key), not merely the same set."""
    from doichieu.spark import read_roster as spark_roster
    from doichieu.spark.dedupe import dedupe

    roster = pl.read_parquet(small.roster)
    copies = [roster.head(30).with_columns(pl.col("member_id") + f"-{k}") for k in range(3)]
    path = tmp_path / "again.parquet"
    pl.concat([roster, *copies]).write_parquet(path)
    members, present = read_roster(path)
    single = _engine.find_roster_duplicates({c: members[c] for c in present}, max_block_size=2)
    warnings = single["warnings"]
    assert len(warnings) > 30 and warnings != sorted(warnings)
    assert len({rule for rule, _, _ in warnings}) > 2, "several rules"
    table = spark_roster(spark, path)
    found = dedupe(spark, table.frame, single["model"], present=table.present, max_block_size=2)
    assert [w.as_engine() for w in found.warnings] == warnings


def test_clusters_past_the_bound_are_found_in_spark_as_on_the_driver(
    spark: Any, province: Province, tmp_path: Path
) -> None:
    """With the bound forced to 0 the kept pairs stay in Spark: their table rows
    made in the tasks and the clusters found by greedy matching and label
    propagation give the driver's pairs and clusters (the same partition of
    members, numbers and types). Thirty members entered three times, and thirty
    again without a number, make clusters of three and four members."""
    from doichieu.spark import read_roster as spark_roster
    from doichieu.spark.dedupe import dedupe

    roster = pl.read_parquet(province.roster)
    copies = [roster.head(30).with_columns(pl.col("member_id") + f"-{k}") for k in range(2)]
    unnumbered = roster.slice(100, 30).with_columns(
        pl.col("member_id") + "-x", pl.lit(None, pl.String).alias("citizen_id")
    )
    path = tmp_path / "again.parquet"
    pl.concat([roster, *copies, unnumbered]).write_parquet(path)
    members, present = read_roster(path)
    single = _engine.find_roster_duplicates({c: members[c] for c in present})
    table = spark_roster(spark, path)
    on_driver = dedupe(spark, table.frame, single["model"], present=table.present)
    in_spark = dedupe(spark, table.frame, single["model"], present=table.present, cluster_bound=0)
    assert in_spark.frames is not None and in_spark.tables is None
    pairs, clusters = in_spark.collect()
    want_pairs, want_clusters = on_driver.collect()
    sizes = set(want_clusters.group_by("cluster_id").len()["len"])
    assert sizes >= {2, 3, 4}
    assert set(want_clusters["type"]) >= {"DUPLICATE_CITIZEN_ID", "DUPLICATE_PERSON", "TRANSFER_DUPLICATE"}
    assert_same((want_pairs, want_clusters), (pairs, clusters.with_columns(pl.col("cluster_id").cast(pl.UInt32))))


def test_the_guard_against_chaining_holds_in_spark(spark: Any) -> None:
    """Hand-made pairs where the order matters: a weak pair after a strong one
    of its member is refused; weak pairs compete greedily in score order; a
    shared number never joins. The Spark clustering gives the engine's own
    (``_engine``'s clustering through ``find_roster_duplicates_from`` is checked
    on the province above; here the rule itself, against a plain union–find)."""
    from doichieu.spark.clusters import clusters_of

    strong = 0.99
    pairs = [
        # (a, b, probability, type)
        (0, 1, 0.995, "DUPLICATE_PERSON"),  # strong: 0-1
        (1, 2, 0.95, "DUPLICATE_PERSON"),  # weak, after 1's strong pair: refused
        (3, 4, 0.97, "DUPLICATE_PERSON"),  # weak, first for 3 and 4: joins
        (4, 5, 0.96, "DUPLICATE_PERSON"),  # weak, 4 taken: refused
        (5, 6, 0.93, "TRANSFER_DUPLICATE"),  # weak, 5 and 6 alone: joins
        (6, 7, 0.60, "DUPLICATE_CITIZEN_ID"),  # strong by type: joins 5-6 with 7
        (7, 8, 0.92, "DUPLICATE_PERSON"),  # weak, before 7's strong pair: joins first
        (2, 9, 0.10, "CITIZEN_ID_SHARED"),  # never joins
        (9, 10, 0.91, "DUPLICATE_PERSON"),  # weak: joins
        (10, 11, 0.91, "DUPLICATE_PERSON"),  # same score, later rows: 10 taken, refused
    ]
    frame = spark.createDataFrame(pairs, "a long, b long, probability double, type string")
    ids = spark.createDataFrame([(i, f"m{i}") for i in range(12)], "row long, member_id string")
    got = [tuple(r) for r in clusters_of(frame, ids, strong).collect()]
    assert got == [
        (0, "m0", "DUPLICATE_PERSON"),
        (0, "m1", "DUPLICATE_PERSON"),
        (1, "m3", "DUPLICATE_PERSON"),
        (1, "m4", "DUPLICATE_PERSON"),
        (2, "m5", "DUPLICATE_CITIZEN_ID"),
        (2, "m6", "DUPLICATE_CITIZEN_ID"),
        (2, "m7", "DUPLICATE_CITIZEN_ID"),
        (2, "m8", "DUPLICATE_CITIZEN_ID"),
        (3, "m9", "DUPLICATE_PERSON"),
        (3, "m10", "DUPLICATE_PERSON"),
    ]


def test_dedupe_on_spark_writes_what_one_machine_writes(spark: Any, small: Province, tmp_path: Path) -> None:
    """``doichieu dedupe --engine spark``: the same pairs.csv and clusters.csv
    (the model trained once on the driver, as one machine trains it), whether
    the driver clusters the pairs or (``--cluster-bound 0``) Spark does, the
    CSV files then written from Spark's Parquet parts; and the parts, private."""
    assert main(["dedupe", "--roster", str(small.roster), "--out", str(tmp_path / "one")]) == 0
    for bound in ("20000000", "0"):
        out = tmp_path / f"many-{bound}"
        spark_run = ["--out", str(out), "--engine", "spark", "--cluster-bound", bound]
        assert main(["dedupe", "--roster", str(small.roster), *spark_run]) == 0
        for name in ("pairs.csv", "clusters.csv"):
            assert (out / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), (bound, name)
        _private(out)
        clusters = _parts(out / "clusters").with_columns(pl.col("cluster_id").cast(pl.Int64))
        assert clusters.equals(pl.read_csv(out / "clusters.csv", schema_overrides={"cluster_id": pl.Int64}))
    assert len((tmp_path / "one" / "pairs.csv").read_text().splitlines()) > 20
