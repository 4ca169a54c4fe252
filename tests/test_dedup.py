"""find_duplicates on a roster table, and the `doichieu dedupe` command."""

from pathlib import Path

import polars as pl
import pytest

import doichieu
from doichieu.cli import main
from doichieu.dedup import parse_dates

from test_dedup_engine import synthetic


def roster(n: int = 2000) -> pl.DataFrame:
    df = synthetic(n)
    return df.select(
        pl.format("M{}", pl.int_range(pl.len())).alias("member_id"),
        "full_name",
        pl.format("{}/{}/{}", "birth_day", "birth_month", "birth_year").alias("date_of_birth"),
        pl.when(pl.col("gender") == 1).then(pl.lit("Nam")).otherwise(pl.lit("Nữ")).alias("gender"),
        "citizen_id",
        "hometown",
        "party_unit",
    )


def planted() -> pl.DataFrame:
    df = roster()
    a, b, c = (df.row(i, named=True) for i in (5, 6, 7))
    extra = [
        # The same citizen number typed with spaces, the name in capitals.
        dict(a, member_id="X1", full_name=a["full_name"].upper(), citizen_id=" ".join([a["citizen_id"][:6], a["citizen_id"][6:]])),
        # Transferred: another chi bộ, the ID missing, the date in ISO form.
        dict(b, member_id="X2", party_unit="chi bo 77", citizen_id=None,
             date_of_birth="-".join(reversed(b["date_of_birth"].split("/")))),
        # Under a second number that differs by one digit.
        dict(c, member_id="X3", citizen_id=c["citizen_id"][:-1] + str((int(c["citizen_id"][-1]) + 1) % 10)),
    ]
    return pl.concat([df, pl.DataFrame(extra, schema=df.schema)])


def test_each_duplicate_type_is_found() -> None:
    result = doichieu.find_duplicates(planted())
    found = {frozenset((a, b)): t for a, b, t in result.pairs.select("member_id_a", "member_id_b", "type").iter_rows()}
    assert found[frozenset(("M5", "X1"))] == "DUPLICATE_CITIZEN_ID"
    assert found[frozenset(("M6", "X2"))] == "TRANSFER_DUPLICATE"
    assert found[frozenset(("M7", "X3"))] == "DUPLICATE_PERSON"
    clusters = result.clusters
    for a, b in (("M5", "X1"), ("M6", "X2"), ("M7", "X3")):
        ids = clusters.filter(pl.col("member_id").is_in([a, b]))["cluster_id"]
        assert ids.len() == 2 and ids.n_unique() == 1


def test_cli_writes_pairs_and_clusters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "roster.csv"
    planted().write_csv(path)
    assert main(["dedupe", "--roster", str(path), "--out", str(tmp_path / "out")]) == 0
    pairs = pl.read_csv(tmp_path / "out" / "pairs.csv", infer_schema=False)
    assert pairs.columns[:4] == ["member_id_a", "member_id_b", "score", "type"]
    assert "citizen_id=exact" in " ".join(pairs["explanation"].to_list())
    clusters = pl.read_csv(tmp_path / "out" / "clusters.csv")
    assert clusters.columns == ["cluster_id", "member_id", "type"]
    assert "duplicate pairs" in capsys.readouterr().out


def test_bad_files_get_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = tmp_path / "wrong.csv"
    pl.DataFrame({"ho_ten": ["A"]}).write_csv(wrong)
    assert main(["dedupe", "--roster", str(wrong), "--out", str(tmp_path)]) == 2
    assert "member_id" in capsys.readouterr().err
    odd = tmp_path / "roster.json"
    odd.write_text("{}")
    assert main(["dedupe", "--roster", str(odd), "--out", str(tmp_path)]) == 2
    assert "unsupported file type" in capsys.readouterr().err


def test_partial_and_odd_dates() -> None:
    dates = pl.DataFrame({"d": ["00/00/1950", "03/1950", "1950", "12-3-1970", "25569", "nonsense"]})
    parsed = dates.select(*parse_dates(pl.col("d"))).rows()
    assert parsed == [(1950, 0, 0), (1950, 3, 0), (1950, 0, 0), (1970, 3, 12), (1970, 1, 1), (0, 0, 0)]
