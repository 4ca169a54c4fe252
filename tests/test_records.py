"""The record model: every finding code planted and found, verdicts, candidates,
the bulk path agreeing with the single one."""

from __future__ import annotations

import polars as pl
import pytest

import doichieu
from doichieu import PopulationIndex, Verdict, _engine
from doichieu.errors import InvalidInputError, NotAStringError
from doichieu.records import FINDING_COLUMNS, OWNERS, ROSTER_COLUMNS, SEVERITIES
from records_fixtures import AS_OF, PLANTED, POPULATION_ROWS, clean_member, population

ISSUE_CODES = (
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
)


@pytest.fixture(scope="module")
def index() -> PopulationIndex:
    return PopulationIndex(population(), as_of=AS_OF)


def with_duplicate_number() -> pl.DataFrame:
    twin = dict(POPULATION_ROWS[0], full_name="Nguyễn Văn Hải", date_of_birth="01/01/1961", old_id_number=None)
    return pl.concat([population(), pl.DataFrame([twin], schema=population().schema)])


def test_every_code_is_known_to_the_engine() -> None:
    table = doichieu.finding_codes()
    codes = set(table["code"].to_list())
    assert set(ISSUE_CODES) <= codes
    # Two people on one number is found across the roster (revalidation's
    # deduplication, tests/test_report.py), never in one record.
    assert set(PLANTED) | {"CITIZEN_ID_SHARED"} == codes, "each code has a planted cause in records_fixtures"
    assert set(table["severity"].to_list()) <= set(SEVERITIES)
    assert set(table["owner"].to_list()) <= set(OWNERS)
    dob = table.filter(pl.col("code") == "DOB_MISMATCH").row(0, named=True)
    assert (dob["severity"], dob["owner"]) == ("review", "party_board")


@pytest.mark.parametrize("code", sorted(PLANTED))
def test_each_code_is_produced_by_its_planted_cause(index: PopulationIndex, code: str) -> None:
    idx = PopulationIndex(with_duplicate_number(), as_of=AS_OF) if code == "POPULATION_DUPLICATE_ID" else index
    verdict = idx.verify(PLANTED[code])
    assert code in verdict.codes, verdict.codes
    finding = next(f for f in verdict.findings if f.code == code)
    assert finding.severity in SEVERITIES and finding.owner in OWNERS
    assert finding.message_vi and finding.message_en and finding.field
    # Vietnamese messages are written with their marks.
    assert any(ord(ch) > 0x7F for ch in finding.message_vi)
    expected = {"info": "accept", "review": "review", "error": "reject"}[
        max((f.severity for f in verdict.findings), key=SEVERITIES.index)
    ]
    assert verdict.verdict == expected


@pytest.mark.parametrize("i", range(len(POPULATION_ROWS)))
def test_clean_members_are_accepted_except_where_the_number_is_wrong(index: PopulationIndex, i: int) -> None:
    verdict = index.verify(clean_member(i))
    planted_in_population = {
        4: ["CITIZEN_ID_UNKNOWN_PROVINCE"],
        5: ["CITIZEN_ID_SEX_MISMATCH"],
        6: ["CITIZEN_ID_YEAR_MISMATCH"],
    }
    assert verdict.codes == planted_in_population.get(i, [])
    assert verdict.matched is not None and verdict.matched.row == i
    if i not in planted_in_population:
        assert verdict.verdict == "accept"
    else:
        assert verdict.findings[0].owner == "police"


def test_dob_mismatch_shows_both_values_and_is_never_corrected(index: PopulationIndex) -> None:
    verdict = index.verify(PLANTED["DOB_MISMATCH"])
    (f,) = verdict.findings
    assert (f.field, f.severity, f.owner) == ("date_of_birth", "review", "party_board")
    assert (f.party_value, f.population_value) == ("05/03/1961", "05/03/1960")
    assert "không tự sửa" in f.message_vi and "never corrected" in f.message_en
    assert verdict.verdict == "review"


@pytest.mark.parametrize(
    "dob", ["1960", "00/00/1960", "03/1960", "0/3/1960", "1960-03-05", "5/3/1960", "21980", "1960-03-05 00:00:00"]
)
def test_partial_and_other_date_forms_agree(index: PopulationIndex, dob: str) -> None:
    assert index.verify(clean_member(0, date_of_birth=dob)).codes == []


@pytest.mark.parametrize("gender", ["Nam", "nam", "NAM", "male", "M", "1", "Nam giới"])
def test_gender_forms(index: PopulationIndex, gender: str) -> None:
    assert index.verify(clean_member(0, gender=gender)).codes == []


@pytest.mark.parametrize(
    "hometown", ["Thừa Thiên Huế", "Huế", "Thành phố Huế", "TT Huế", "thua thien hue", "Xã Phú Mậu, Thừa Thiên Huế"]
)
def test_old_and_new_province_names_agree(index: PopulationIndex, hometown: str) -> None:
    assert index.verify(clean_member(1, hometown=hometown)).codes == []


def test_ha_tay_is_ha_noi(index: PopulationIndex) -> None:
    assert index.verify(clean_member(2, hometown="Thành phố Hà Nội")).codes == []
    assert index.verify(clean_member(2, hometown="Hà Tĩnh")).codes == ["HOMETOWN_MISMATCH"]


def test_alias_in_birth_name_clears_the_mismatch(index: PopulationIndex) -> None:
    verdict = index.verify(clean_member(1, full_name="Trần Thị Hoa", birth_name="Trần Thị Thuỷ"))
    assert verdict.codes == ["NAME_ALIAS_MATCH"]
    assert verdict.verdict == "accept"
    # Without the alias the same member is a mismatch.
    assert index.verify(clean_member(1, full_name="Trần Thị Hoa")).codes == ["NAME_MISMATCH"]


def test_diacritics_missing_goes_to_the_side_without_marks(index: PopulationIndex) -> None:
    (f,) = index.verify(PLANTED["NAME_DIACRITICS_MISSING"]).findings
    assert f.owner == "party_board"
    pop = population().with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("Nguyen Van Hung")).otherwise("full_name").alias("full_name")
    )
    (f,) = PopulationIndex(pop, as_of=AS_OF).verify(clean_member(0)).findings
    assert (f.code, f.owner) == ("NAME_DIACRITICS_MISSING", "police")


def test_missing_id_offers_candidates_and_never_picks_one(index: PopulationIndex) -> None:
    verdict = index.verify(PLANTED["CITIZEN_ID_MISSING"])
    assert verdict.verdict == "review"
    assert verdict.matched is None
    assert [c.record.citizen_id for c in verdict.candidates] == ["042060001234"]
    assert verdict.candidates[0].score > 0.95
    (f,) = verdict.findings
    assert f.owner == "intake_officer"
    assert "042060001234" in f.population_value


def test_wrong_number_offers_the_person(index: PopulationIndex) -> None:
    verdict = index.verify(PLANTED["CITIZEN_NOT_FOUND"])
    assert verdict.codes == ["CITIZEN_NOT_FOUND"]
    assert verdict.verdict == "reject"
    assert verdict.candidates and verdict.candidates[0].record.row == 0


def test_borrowed_number_offers_the_real_person(index: PopulationIndex) -> None:
    member = clean_member(2, citizen_id=POPULATION_ROWS[0]["citizen_id"])
    verdict = index.verify(member)
    assert "NAME_MISMATCH" in verdict.codes
    assert verdict.candidates[0].record.row == 2


def test_legacy_number(index: PopulationIndex) -> None:
    unique = index.verify(PLANTED["LEGACY_ID_ONLY"])
    assert unique.codes == ["LEGACY_ID_ONLY"]
    assert unique.matched is not None and unique.matched.citizen_id == "042060001234"
    shared = index.verify(clean_member(3, citizen_id="011222333"))
    assert shared.codes == ["LEGACY_ID_ONLY"]
    assert shared.matched is None, "a shared old number is never resolved"
    assert shared.candidates[0].record.row == 3


def test_verdict_carries_the_name_alignment(index: PopulationIndex) -> None:
    verdict = index.verify(PLANTED["NAME_MISMATCH"])
    assert verdict.name_match is not None
    assert verdict.name_match.kind == "different_diacritics"
    assert [s.relation for s in verdict.name_match.syllables][-1] == "different_diacritics"


def test_member_mapping_is_checked(index: PopulationIndex) -> None:
    with pytest.raises(InvalidInputError, match='unknown field "fullname"'):
        index.verify({"fullname": "x"})
    with pytest.raises(NotAStringError, match="citizen_id"):
        index.verify({"citizen_id": 42060001234})  # type: ignore[dict-item]
    with pytest.raises(NotAStringError):
        index.verify(["not", "a", "mapping"])  # type: ignore[arg-type]
    # Empty strings (as protobuf sends them) are missing values.
    verdict = index.verify({c: "" for c in ROSTER_COLUMNS})
    assert verdict.verdict == "reject"
    assert "CITIZEN_ID_MISSING" in verdict.codes


def test_verify_all_matches_verify(index: PopulationIndex) -> None:
    members = list(PLANTED.values()) + [clean_member(i) for i in range(len(POPULATION_ROWS))]
    roster = pl.DataFrame(members, schema={c: pl.String for c in ROSTER_COLUMNS})
    findings, verdicts = index.verify_all(roster)
    assert findings.columns[: len(FINDING_COLUMNS)] == list(FINDING_COLUMNS)
    assert verdicts.columns[:2] == ["member_id", "verdict"]
    assert verdicts.height == roster.height
    for row, member in enumerate(members):
        one = index.verify(member)
        mine = findings.filter(pl.col("row") == row)
        assert mine["code"].to_list() == one.codes
        # Every text column as the single-record path writes it: the table's
        # columns reach polars as Arrow views (short values inline, long ones in
        # a buffer), which must read back exactly.
        for column in ("field", "severity", "owner", "party_value", "population_value", "message_vi", "message_en"):
            assert mine[column].to_list() == [getattr(f, column) for f in one.findings], column
        v = verdicts.row(row, named=True)
        assert v["verdict"] == one.verdict
        assert v["matched_citizen_id"] == (one.matched.citizen_id if one.matched else None)
        offered = [c["citizen_id"] for c in (v["candidates"] or [])]
        assert offered == [c.record.citizen_id for c in one.candidates]


def test_verify_all_in_chunks_gives_the_same_answer(index: PopulationIndex) -> None:
    members = [clean_member(i % len(POPULATION_ROWS), member_id=f"M{i}") for i in range(50)] + list(PLANTED.values())
    roster = pl.DataFrame(members, schema={c: pl.String for c in ROSTER_COLUMNS})
    seen: list[tuple[int, int]] = []
    whole = index.verify_all(roster)
    chunked = index.verify_all(roster, chunk_size=7, on_progress=lambda done, total: seen.append((done, total)))
    assert whole[0].equals(chunked[0]) and whole[1].equals(chunked[1])
    assert seen[-1] == (roster.height, roster.height)


def test_verify_rows_for_the_grpc_verifier(index: PopulationIndex) -> None:
    roster = pl.DataFrame(
        [PLANTED["CITIZEN_ID_MISSING"], PLANTED["DOB_MISMATCH"]], schema={c: pl.String for c in ROSTER_COLUMNS}
    )
    rows = index.verify_rows(roster)
    assert [type(v) for v in rows] == [Verdict, Verdict]
    assert rows[0].codes == ["CITIZEN_ID_MISSING"] and rows[0].candidates
    assert rows[1].codes == ["DOB_MISMATCH"] and rows[1].matched is not None and rows[1].name_match is not None


def test_lookup_candidates_record(index: PopulationIndex) -> None:
    assert len(index) == len(POPULATION_ROWS)
    rec = index.lookup("042 060 001 234")
    assert rec is not None and rec.full_name == "Nguyễn Văn Hùng"
    assert index.lookup("042060001299") is None
    found = index.candidates("Nguyen Van Hung", "05/03/1960", "Nam", "Hà Tĩnh")
    assert found[0].record.row == 0 and found[0].name_kind == "diacritics_missing"
    assert index.record(1).other_names == ("Trần Thị Mơ", "Trần Mơ")
    with pytest.raises(InvalidInputError):
        index.record(99)


def test_population_problems_are_reported_not_fatal() -> None:
    pop = with_duplicate_number().with_columns(
        pl.when(pl.int_range(pl.len()) == 7)
        .then(pl.lit("not a date"))
        .otherwise("date_of_birth")
        .alias("date_of_birth")
    )
    idx = PopulationIndex(pop, as_of=AS_OF)
    assert idx.report["citizen_id_duplicated"] == 1
    assert idx.report["date_of_birth_unreadable"] == 1
    assert any("more than one row" in w for w in idx.warnings)
    # The member whose population date is unreadable learns it, owner police.
    verdict = idx.verify(clean_member(7))
    f = next(f for f in verdict.findings if f.code == "VALUE_UNREADABLE")
    assert (f.field, f.owner, f.population_value) == ("date_of_birth", "police", "not a date")


def test_hostile_values_do_not_break_the_batch(index: PopulationIndex) -> None:
    members = [
        clean_member(0, full_name="X" * 100_000),
        clean_member(0, citizen_id="9" * 5000),
        clean_member(0, hometown="Hà " * 10_000),
        clean_member(0, date_of_birth="\x00\x1f\u202e"),
        clean_member(0, full_name="Nguyễn\x1fVăn Hùng"),
    ]
    roster = pl.DataFrame(members, schema={c: pl.String for c in ROSTER_COLUMNS})
    findings, verdicts = index.verify_all(roster)
    assert verdicts.height == len(members)
    assert findings["party_value"].str.len_bytes().max() <= 200  # type: ignore[operator]
    assert "VALUE_UNREADABLE" in findings.filter(pl.col("row") == 0)["code"].to_list()
    assert "CITIZEN_ID_MALFORMED" in findings.filter(pl.col("row") == 1)["code"].to_list()


def test_citizen_ids_normalised_as_the_check_reads_them() -> None:
    """The engine's normalisation (the key a distributed run groups by): spaces,
    dots and dashes go, zeros a spreadsheet lost come back, old 9-digit numbers
    are told apart, and what cannot be a number says so."""
    typed = ["042.090.001.234", " 042 090 001 234 ", "42090001234", "42090001234.0", "1185001234", "183-456-789"]
    typed += ["", None, "04209000123", "4.209E+10"]
    table = pl.DataFrame(_engine.normalise_citizen_ids(typed))
    assert table["kind"].to_list() == ["personal"] * 5 + ["legacy", "missing", "missing", "malformed", "malformed"]
    assert table["citizen_id"].to_list()[:6] == ["042090001234"] * 4 + ["001185001234", "183456789"]
    assert table["citizen_id"].to_list()[6:] == [None] * 4
