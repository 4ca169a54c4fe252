"""The deduplication engine through its column API (parsed columns in, pairs out)."""

import random

import polars as pl
import pytest

from doichieu import _engine
from doichieu.errors import InvalidInputError

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLES = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc", "Đức", "Hữu", "Xuân", "Đình"]
GIVENS = [
    "Hùng",
    "Lan",
    "Tuấn",
    "Mai",
    "Dũng",
    "Hương",
    "Nam",
    "Hoa",
    "Quý",
    "Phương",
    "Sơn",
    "Thảo",
    "Bình",
    "Cường",
    "Giang",
    "Hải",
    "Hạnh",
    "Khánh",
    "Long",
    "Nga",
    "Phúc",
    "Tâm",
    "Trang",
    "Vinh",
]


def synthetic(n: int, seed: int = 3) -> pl.DataFrame:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        rows.append(
            {
                "full_name": f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}",
                "birth_year": rng.randint(1935, 2005),
                "birth_month": rng.randint(1, 12),
                "birth_day": rng.randint(1, 28),
                "gender": rng.randint(0, 1),
                "citizen_id": f"0{rng.randint(1, 96):02d}{rng.randint(0, 3)}{rng.randint(0, 99):02d}{rng.randint(0, 999999):06d}",
                "old_id": None,
                "hometown": rng.choice(["ha noi", "nghe an", "ha tinh", "thanh hoa"]),
                "party_unit": f"chi bo {i % 40}",
            }
        )
    return pl.DataFrame(rows, schema_overrides={"old_id": pl.String})


def columns(df: pl.DataFrame) -> dict[str, pl.Series]:
    return {name: df[name] for name in df.columns}


def test_planted_duplicates_are_found_and_explained() -> None:
    df = synthetic(4000)
    base = df.row(7, named=True)
    same_id = dict(base, full_name=base["full_name"].upper(), party_unit=base["party_unit"])
    other = df.row(8, named=True)
    moved = dict(other, party_unit="chi bo 99", citizen_id=None)
    df = pl.concat([df, pl.DataFrame([same_id, moved], schema=df.schema)])
    result = _engine.find_duplicates(columns(df))
    pairs = pl.DataFrame({k: pl.Series(v) for k, v in result["pairs"].items()})
    found = {(a, b): t for a, b, t in pairs.select("a", "b", "type").iter_rows()}
    assert found.get((7, 4000)) == "DUPLICATE_CITIZEN_ID"
    assert found.get((8, 4001)) == "TRANSFER_DUPLICATE"
    explanation = pairs.filter((pl.col("a") == 7) & (pl.col("b") == 4000))["explanation"][0]
    assert "citizen_id=exact" in explanation and "name=same_name" in explanation
    clusters = pl.DataFrame({k: pl.Series(v) for k, v in result["clusters"].items()})
    assert set(clusters["member"].to_list()) >= {7, 8, 4000, 4001}
    model = result["model"].to_dict()
    assert 0 < model["lambda"] < 1
    assert set(model["fields"]) == {
        "name",
        "date_of_birth",
        "gender",
        "hometown",
        "citizen_id",
        "old_id",
        "party_card",
        "admission_date",
    }


def test_incremental_index_finds_a_resubmission() -> None:
    df = synthetic(3000)
    model = _engine.find_duplicates(columns(df))["model"]
    index = _engine.DuplicateIndex(model, columns(df))
    assert len(index) == 3000
    row = df.row(42, named=True)
    hits = index.query(
        row["full_name"].lower(),
        (row["birth_year"], row["birth_month"], row["birth_day"]),
        gender=row["gender"],
        citizen_id=row["citizen_id"],
        hometown=row["hometown"],
        party_unit=row["party_unit"],
    )
    assert hits and hits[0]["index"] == 42 and hits[0]["probability"] > 0.99
    position = index.add("Ksor H'Hen", (1980, 1, 2), gender=0)
    assert position == 3000 and len(index) == 3001
    assert index.query("Ksor H'Hen", (1980, 1, 2), gender=0)[0]["index"] == 3000


def test_bad_arguments() -> None:
    df = synthetic(10)
    with pytest.raises(InvalidInputError, match="missing column"):
        _engine.find_duplicates({"full_name": df["full_name"]})
    with pytest.raises(InvalidInputError, match="threshold"):
        _engine.find_duplicates(columns(df), threshold=1.5)
    short = columns(df) | {"gender": df["gender"].head(3)}
    with pytest.raises(InvalidInputError, match="gender has 3 values"):
        _engine.find_duplicates(short)
    empty = _engine.find_duplicates(columns(df.head(0)))
    assert len(empty["pairs"]["a"]) == 0
