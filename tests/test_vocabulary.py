"""The vocabulary has one home, the engine: the proto's enums and records, the
Python constants and the labels people read are all held to it here."""

from __future__ import annotations

import pytest
from google.protobuf.descriptor import EnumDescriptor

import doichieu
from doichieu import _engine, names, records, report, revalidate, vocabulary
from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier import service, validation

#: Each proto enum that carries a concept of the vocabulary: its value prefix and the codes.
PROTO_CONCEPTS = {
    "Verdict": ("VERDICT_", vocabulary.VERDICTS),
    "Severity": ("SEVERITY_", vocabulary.SEVERITIES),
    "Owner": ("OWNER_", vocabulary.OWNERS),
}
#: Proto enums of the verifier's own protocol, which the engine does not speak.
PROTOCOL_ENUMS = {"ExclusionReason", "SubmitOutcome"}


def _enum(name: str) -> EnumDescriptor:
    return pb.DESCRIPTOR.enum_types_by_name[name]


@pytest.mark.parametrize("name", sorted(PROTO_CONCEPTS))
def test_proto_enum_is_the_vocabulary(name: str) -> None:
    prefix, codes = PROTO_CONCEPTS[name]
    enum = _enum(name)
    assert enum.values_by_number[0].name == f"{prefix}UNSPECIFIED"
    named = [v.name for v in sorted(enum.values, key=lambda v: v.number) if v.number != 0]
    assert all(n.startswith(prefix) for n in named), named
    # One to one, in the engine's order: a value added on either side fails here.
    assert [n.removeprefix(prefix).lower() for n in named] == list(codes)


def test_every_proto_enum_is_accounted_for() -> None:
    assert set(pb.DESCRIPTOR.enum_types_by_name) == set(PROTO_CONCEPTS) | PROTOCOL_ENUMS


def test_proto_records_carry_the_table_columns_in_order() -> None:
    assert tuple(f.name for f in pb.MemberRecord.DESCRIPTOR.fields) == vocabulary.ROSTER_COLUMNS
    assert tuple(f.name for f in pb.PopulationRecord.DESCRIPTOR.fields) == vocabulary.POPULATION_COLUMNS


def test_the_service_maps_every_verdict_to_its_proto_value() -> None:
    # The ledger stores verdict codes; the service turns the wire answer's enum
    # value back into one (severities and owners are written by the wire path in Rust).
    prefix, codes = PROTO_CONCEPTS["Verdict"]
    by_name = _enum("Verdict").values_by_name
    assert service._VERDICTS == {code: by_name[f"{prefix}{code.upper()}"].number for code in codes}
    assert service.VERDICT_NAMES == {by_name[f"{prefix}{code.upper()}"].number: code for code in codes}


def test_every_concept_is_exported_with_unique_codes_and_both_titles() -> None:
    exported = dict(_engine.vocabulary())
    assert set(exported) == {
        "verdicts",
        "severities",
        "owners",
        "duplicate_types",
        "match_kinds",
        "statuses",
        "fields",
        "roster_checks",
        "block_kinds",
    }
    for concept, terms in exported.items():
        codes = [code for code, _, _ in terms]
        assert len(set(codes)) == len(codes), concept
        for code, title_vi, title_en in terms:
            assert code and title_vi.strip() and title_en.strip(), (concept, code)


def test_tables_come_from_the_field_table() -> None:
    assert set(vocabulary.ROSTER_COLUMNS) | set(vocabulary.POPULATION_COLUMNS) == set(vocabulary.FIELDS)
    assert vocabulary.ROSTER_REQUIRED == ("full_name", "citizen_id")
    assert [c for c in vocabulary.POPULATION_COLUMNS if c not in vocabulary.POPULATION_REQUIRED] == [
        "other_names",
        "old_id_number",
    ]
    assert set(vocabulary.FIELD_TITLES) == set(vocabulary.FIELDS)


def test_the_old_names_are_the_vocabulary() -> None:
    assert records.VERDICTS is vocabulary.VERDICTS
    assert records.SEVERITIES is vocabulary.SEVERITIES
    assert records.OWNERS is vocabulary.OWNERS
    assert records.OWNER_TITLES is vocabulary.OWNER_TITLES
    assert records.ROSTER_COLUMNS is vocabulary.ROSTER_COLUMNS
    assert records.ROSTER_REQUIRED is vocabulary.ROSTER_REQUIRED
    assert records.POPULATION_COLUMNS is vocabulary.POPULATION_COLUMNS
    assert records.POPULATION_REQUIRED is vocabulary.POPULATION_REQUIRED
    assert names.MATCH_KINDS is vocabulary.MATCH_KINDS
    assert doichieu.MATCH_KINDS is vocabulary.MATCH_KINDS
    assert report.VERDICT_TITLES is vocabulary.VERDICT_TITLES
    assert revalidate.DUPLICATE_TYPES is vocabulary.DUPLICATE_TYPES
    assert validation.MEMBER_FIELDS == vocabulary.ROSTER_COLUMNS


def test_labels_people_read() -> None:
    # The labels the work lists and the report showed before the vocabulary moved
    # into the engine; a change here is a change users see.
    assert vocabulary.VERDICT_TITLES == {
        "accept": "Chấp nhận / accept",
        "review": "Cần xem xét / review",
        "reject": "Từ chối / reject",
    }
    assert vocabulary.SEVERITY_TITLES == {
        "info": "Thông tin / info",
        "review": "Cần xem xét / review",
        "error": "Lỗi / error",
    }
    assert vocabulary.OWNER_TITLES == {
        "party_board": "Ban xây dựng Đảng xã/phường / party board",
        "police": "Công an xã/phường / police",
        "intake_officer": "Cán bộ tiếp nhận / intake officer",
    }
    assert vocabulary.DUPLICATE_TITLES == {
        "DUPLICATE_CITIZEN_ID": "Một người ghi hai lần cùng số định danh / one person entered twice under one citizen ID",
        "TRANSFER_DUPLICATE": "Một người ở hai chi bộ (chuyển sinh hoạt) / one person in two party organisations",
        "DUPLICATE_PERSON": "Một người dưới hai số / one person under two numbers",
        "CITIZEN_ID_SHARED": "Hai người dùng chung một số định danh / two people on one citizen ID",
    }


def test_engine_answers_use_the_vocabulary() -> None:
    assert {doichieu.compare_names(a, b).kind for a, b in [("Nguyễn Văn An", "Nguyễn Văn An"), ("An", "Bình")]} <= set(
        vocabulary.MATCH_KINDS
    )
    codes = records.finding_codes()
    assert set(codes["severity"]) <= set(vocabulary.SEVERITIES)
    assert set(codes["owner"]) <= set(vocabulary.OWNERS)
    assert set(codes["field"]) <= {*vocabulary.FIELDS, ""}
