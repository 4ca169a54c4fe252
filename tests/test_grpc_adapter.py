"""engine_adapter: the real record model behind the service, its wire path, the
required list, and where stream answers land."""

from __future__ import annotations

import pytest

from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier.engine_adapter import EngineAdapter
from doichieu.verifier.service import VERDICT_NAMES, blocking_codes
from doichieu.verifier.validation import FIELD_CAPS
from grpc_harness import PEOPLE, assert_answers, member, member_message, write_tables


@pytest.fixture(scope="module")
def adapter(tmp_path_factory: pytest.TempPathFactory) -> EngineAdapter:
    return EngineAdapter(*write_tables(tmp_path_factory.mktemp("adapter")))


def test_the_wire_path_is_the_compiled_index(adapter: EngineAdapter) -> None:
    assert adapter.wire is adapter.index.engine


def test_required_list_and_units(adapter: EngineAdapter) -> None:
    assert adapter.required == {
        ("Phường Ba Đình", "Chi bộ 1"): 2,
        ("Phường Ba Đình", "Chi bộ 2"): 2,
        ("Phường Kim Mã", "Chi bộ 3"): 2,
        ("Phường Kim Mã", "Chi bộ 4"): 2,
    }
    assert adapter.unit_of("M005") == ("Phường Kim Mã", "Chi bộ 3")
    assert adapter.unit_of("nobody") is None
    assert adapter.same_person_of("M001") == ()


def test_bulk_answers_follow_row_positions_not_member_ids(adapter: EngineAdapter) -> None:
    rows = [
        member(0, member_id="same"),
        member(0, member_id="same", date_of_birth="01/01/1960"),
        member(1, member_id=""),
        member(2, date_of_birth="1970"),
    ]
    data = pb.VerifyStreamRequest(members=[pb.MemberRecord(**row) for row in rows]).SerializeToString()
    (answer,) = adapter.wire.verify_stream_bytes([data], 0, FIELD_CAPS, 10, full_disclosure=True)
    answers = pb.VerifyStreamResponse.FromString(answer).verifications
    assert [VERDICT_NAMES[a.verdict] for a in answers] == ["accept", "review", "accept", "review"]
    for position, (row, got) in enumerate(zip(rows, answers)):
        assert_answers(got, adapter.index.verify(row | {"member_id": str(position)}), bulk=True, what=str(position))
    assert adapter.wire.verify_stream_bytes([pb.VerifyStreamRequest().SerializeToString()], 0, FIELD_CAPS, 10) == [b""]


def test_blocking_codes_are_the_review_and_error_findings(adapter: EngineAdapter) -> None:
    data = pb.VerifyRequest(member=member_message(1, date_of_birth="05/11/1983")).SerializeToString()
    verification = pb.VerifyResponse.FromString(adapter.wire.verify_request_bytes(data, FIELD_CAPS)).verification
    blocking = {f.code for f in verification.findings if f.severity in (pb.SEVERITY_REVIEW, pb.SEVERITY_ERROR)}
    assert blocking == {"DOB_MISMATCH"}
    assert blocking_codes(verification) == "DOB_MISMATCH"
    clean = pb.VerifyRequest(member=member_message(len(PEOPLE) - 1)).SerializeToString()
    assert (
        blocking_codes(pb.VerifyResponse.FromString(adapter.wire.verify_request_bytes(clean, FIELD_CAPS)).verification)
        == ""
    )
