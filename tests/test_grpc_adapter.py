"""engine_adapter: the record model's tables back onto the right stream records."""

from __future__ import annotations

from typing import Any

import polars as pl

from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier.engine_adapter import EngineAdapter, blocking_codes, verification_message
from grpc_harness import member_message

FLAGGED = ["01/01/1960", "1970"]


class TablesIndex:
    """Answers verify_all the way the record model's API describes it: a findings
    table and a verdicts table keyed by member_id. Records with a FLAGGED birth
    date get a DOB finding; the point is where the answers land, not the check."""

    def __init__(self) -> None:
        self.tables: list[pl.DataFrame] = []

    def verify_all(self, roster: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        self.tables.append(roster)
        flagged = roster.filter(pl.col("date_of_birth").is_in(FLAGGED))
        findings = flagged.select(
            "member_id",
            pl.lit("DOB_MISMATCH").alias("code"),
            pl.lit("date_of_birth").alias("field"),
            pl.lit("review").alias("severity"),
            pl.lit("party_board").alias("owner"),
            pl.col("date_of_birth").alias("party_value"),
            pl.lit("").alias("population_value"),
            pl.lit("vi").alias("message_vi"),
            pl.lit("en").alias("message_en"),
        )
        verdicts = roster.select(
            "member_id",
            pl.when(pl.col("date_of_birth").is_in(FLAGGED))
            .then(pl.lit("review"))
            .otherwise(pl.lit("accept"))
            .alias("verdict"),
        )
        return findings, verdicts


def test_bulk_answers_follow_row_positions_not_member_ids() -> None:
    adapter = EngineAdapter.__new__(EngineAdapter)
    index = TablesIndex()
    adapter.index = index
    members = [
        member_message(0, member_id="same"),
        member_message(0, member_id="same", date_of_birth="01/01/1960"),
        member_message(1, member_id=""),
        member_message(2, date_of_birth="1970"),
    ]
    answers = adapter.verify_many(members)
    assert [a.verdict for a in answers] == [pb.VERDICT_ACCEPT, pb.VERDICT_REVIEW, pb.VERDICT_ACCEPT, pb.VERDICT_REVIEW]
    assert [len(a.findings) for a in answers] == [0, 1, 0, 1]
    assert answers[3].findings[0].party_value == "1970"
    assert answers[1].findings[0].severity == pb.SEVERITY_REVIEW
    assert answers[1].findings[0].owner == pb.OWNER_PARTY_BOARD
    assert index.tables[0]["member_id"].to_list() == ["0", "1", "2", "3"]
    assert adapter.verify_many([]) == []
    assert blocking_codes(answers[1]) == "DOB_MISMATCH"


def test_one_verdict_converts_with_match_and_candidates() -> None:
    from types import SimpleNamespace

    import doichieu

    verdict: Any = SimpleNamespace(
        verdict="reject",
        findings=[
            {
                "code": "CITIZEN_NOT_FOUND",
                "field": "citizen_id",
                "severity": "error",
                "owner": "police",
                "party_value": "001070123456",
                "population_value": None,
                "message_vi": "v",
                "message_en": "e",
            }
        ],
        matched={
            "citizen_id": "001070123456",
            "full_name": "Nguyễn Văn An",
            "other_names": "An; Nguyễn An",
            "date_of_birth": "12/03/1970",
            "gender": "Nam",
            "hometown": "Hà Nội",
            "old_id_number": None,
        },
        name_match=doichieu.compare_names("Nguyen Van An", "Nguyễn Văn An"),
        candidates=[SimpleNamespace(record={"citizen_id": "001070999999", "full_name": "Nguyễn Văn Ân"}, score=0.8)],
    )
    message = verification_message(verdict)
    assert message.verdict == pb.VERDICT_REJECT
    assert message.findings[0].owner == pb.OWNER_POLICE and message.findings[0].population_value == ""
    assert list(message.matched_record.other_names) == ["An", "Nguyễn An"]
    assert message.name_alignment.kind == "diacritics_missing"
    assert message.candidates[0].record.citizen_id == "001070999999" and message.candidates[0].score == 0.8


class RowsIndex:
    """The engine's own shapes: verify answers a dict naming population rows;
    verify_all answers dicts of columns keyed by roster row ("member")."""

    population = [{"citizen_id": "001070123456", "full_name": "Nguyễn Văn An", "other_names": None}]

    def record(self, row: int) -> dict[str, Any]:
        return self.population[row]

    def verify(self, member: dict[str, str]) -> dict[str, Any]:
        return {
            "verdict": "accept",
            "findings": [],
            "matched": 0,
            "name_pair": (member["full_name"], "Nguyễn Văn An"),
            "candidates": [(0, 0.9, "identical")],
        }

    def verify_all(self, columns: Any) -> dict[str, Any]:
        return {
            "findings": {
                "member": [2],
                "code": ["DOB_MISMATCH"],
                "field": ["date_of_birth"],
                "severity": ["review"],
                "owner": ["party_board"],
                "party_value": ["x"],
                "population_value": ["y"],
                "message_vi": ["v"],
                "message_en": ["e"],
            },
            "verdicts": {"verdict": ["accept", "accept", "review"], "matched": [0, None, 0]},
        }


def test_engine_shapes_with_rows_and_name_pairs() -> None:
    adapter = EngineAdapter.__new__(EngineAdapter)
    adapter.index = RowsIndex()
    one = adapter.verify(member_message(0, full_name="NGUYỄN VĂN AN"))
    assert one.matched_record.full_name == "Nguyễn Văn An"
    assert one.name_alignment.kind in ("identical", "equivalent")
    assert one.candidates[0].record.citizen_id == "001070123456"
    bulk = adapter.verify_many([member_message(0)] * 3)
    assert [v.verdict for v in bulk] == [pb.VERDICT_ACCEPT, pb.VERDICT_ACCEPT, pb.VERDICT_REVIEW]
    assert [len(v.findings) for v in bulk] == [0, 0, 1]
