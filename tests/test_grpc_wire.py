"""The compiled wire path (Verify and VerifyStream on raw bytes) answers what
the record model (``PopulationIndex.verify``) answers, refuses bad fields by
the rules docs/verifier.md states, and turns bytes that are not the message
into INVALID_ARGUMENT, never a crash."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import polars as pl
import pytest

from doichieu._engine import member_violations, text_violations
from doichieu.errors import InvalidInputError
from doichieu.v1 import verifier_pb2 as pb
from doichieu.verifier.engine_adapter import EngineAdapter
from doichieu.verifier.validation import FIELD_CAPS, MEMBER_FIELDS
from grpc_harness import InProcessServer, assert_answers, member_message, write_tables
from grpc_harness import member as sample_member

MEMBERS = 1500


def _strip_marks(text: str) -> str:
    folded = unicodedata.normalize("NFD", text)
    return (
        unicodedata.normalize("NFC", "".join(c for c in folded if not unicodedata.combining(c)))
        .replace("đ", "d")
        .replace("Đ", "D")
    )


def _noisy(member: dict[str, str], rng: random.Random) -> dict[str, str]:
    """One more slip of the kind intake sites make, on top of the generator's."""
    m = dict(member)
    slip = rng.randrange(9)
    if slip == 0:
        m["full_name"] = _strip_marks(m["full_name"])
    elif slip == 1:
        m["full_name"] = "  " + m["full_name"].upper() + " "
    elif slip == 2:
        m["citizen_id"] = ""  # the engine looks for candidates
    elif slip == 3 and m["citizen_id"]:
        digits = list(m["citizen_id"])
        at = rng.randrange(len(digits))
        digits[at] = str((int(digits[at]) + 1) % 10) if digits[at].isdigit() else "0"
        m["citizen_id"] = "".join(digits)
    elif slip == 4:
        m["date_of_birth"] = m["date_of_birth"][-4:]
    elif slip == 5:
        m["member_id"] = ""
    elif slip == 6:
        parts = m["full_name"].split()
        rng.shuffle(parts)
        m["full_name"] = " ".join(parts)
    elif slip == 7:
        m["gender"], m["status"] = "", ""
    return m


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> tuple[EngineAdapter, list[pb.MemberRecord]]:
    from doichieu.generate import generate_province
    from doichieu.records import load_roster

    made = generate_province(tmp_path_factory.mktemp("wire") / "province", members=MEMBERS, seed=23)
    engine = EngineAdapter(made.population, made.roster)
    frame = load_roster(made.roster).with_columns(pl.all().cast(pl.Utf8).fill_null(""))
    rng = random.Random(23)
    rows = [{name: row[name] for name in MEMBER_FIELDS} for row in frame.iter_rows(named=True)]
    members = [pb.MemberRecord(**row) for row in rows]
    members += [pb.MemberRecord(**_noisy(row, rng)) for row in rows]
    return engine, members


def _wire(engine: EngineAdapter) -> Any:
    wire = engine.wire
    assert wire is not None, "the compiled index has no wire path"
    return wire


def member_dict(member: pb.MemberRecord) -> dict[str, str]:
    return {name: getattr(member, name) for name in MEMBER_FIELDS}


def test_verify_bytes_answer_the_record_models_verdict(province: tuple[EngineAdapter, list[pb.MemberRecord]]) -> None:
    engine, members = province
    wire = _wire(engine)
    kinds: set[str] = set()
    candidates = matched = 0
    for member in members:
        expected = engine.index.verify(member_dict(member))
        data = pb.VerifyRequest(member=member).SerializeToString()
        answer = pb.VerifyResponse.FromString(
            wire.verify_request_bytes(data, FIELD_CAPS, full_disclosure=True)
        ).verification
        assert_answers(answer, expected, what=member.member_id)
        minimal = pb.VerifyResponse.FromString(wire.verify_request_bytes(data, FIELD_CAPS)).verification
        assert_answers(minimal, expected, full=False, what=member.member_id)
        kinds.add(answer.name_alignment.kind)
        candidates += len(answer.candidates) > 0
        matched += answer.HasField("matched_record")
    # The comparison covered the interesting answers, not only clean matches.
    assert candidates > 20 and matched > MEMBERS
    assert {"identical", "diacritics_missing"} <= kinds and len(kinds) >= 4


def test_stream_bytes_answer_the_record_models_verdicts(province: tuple[EngineAdapter, list[pb.MemberRecord]]) -> None:
    engine, members = province
    wire = _wire(engine)
    sizes = [1, 999, 0, 500, 7, 1000, 493]
    chunks, start = [], 0
    for size in sizes:
        chunks.append(pb.VerifyStreamRequest(members=members[start : start + size]).SerializeToString())
        start += size
    answers = wire.verify_stream_bytes(chunks, 0, FIELD_CAPS, 1000, full_disclosure=True)
    assert [len(pb.VerifyStreamResponse.FromString(a).verifications) for a in answers] == sizes
    got = [v for a in answers for v in pb.VerifyStreamResponse.FromString(a).verifications]
    minimal = [
        v
        for a in wire.verify_stream_bytes(chunks, 0, FIELD_CAPS, 1000)
        for v in pb.VerifyStreamResponse.FromString(a).verifications
    ]
    assert len(got) == len(minimal) == sum(sizes) <= len(members)
    flagged = 0
    for position, (member, answer, short) in enumerate(zip(members, got, minimal)):
        # Stream rows are keyed by position, so a stream never lacks a member id.
        keyed = member_dict(member) | {"member_id": str(position)}
        expected = engine.index.verify(keyed)
        assert_answers(answer, expected, bulk=True, what=member.member_id)
        assert_answers(short, expected, bulk=True, full=False, what=member.member_id)
        flagged += len(answer.findings) > 0
    assert flagged > MEMBERS // 2


#: The input rules of docs/verifier.md, written out here as the test's own oracle.
CONTROL = {chr(c) for c in range(0x20)} | {"\x7f"}


def _text_rule(path: str, value: str, cap: int) -> list[tuple[str, str]]:
    size = len(value.encode("utf-8"))
    if size > cap:
        return [(path, f"{size} bytes, longer than the cap of {cap}")]
    if CONTROL & set(value):
        return [(path, "contains control characters")]
    return []


def _blank(value: str) -> bool:
    # Unicode White_Space and U+001C..U+001F: the characters str.strip() removes.
    return not value.strip()


def expected_violations(path: str, member: pb.MemberRecord) -> list[tuple[str, str]]:
    out = [
        v
        for name, cap in zip(MEMBER_FIELDS, FIELD_CAPS)
        for v in _text_rule(f"{path}.{name}", getattr(member, name), cap)
    ]
    if _blank(member.full_name):
        out.append((f"{path}.full_name", "required: a record without a name cannot be checked"))
    return out


def _bad_members(rng: random.Random) -> Iterator[pb.MemberRecord]:
    spoilers = [
        lambda v: v + "\x07",
        lambda v: "\x00" + v,
        lambda v: v + "\x7f",
        lambda v: v + "\n",
        lambda v: "ế" * 70,
        lambda v: "x" * 300,
        lambda v: "é" * 128,
        lambda v: "",
        lambda v: " \u3000\x1f ",
    ]
    for _ in range(300):
        record = sample_member(rng.randrange(8))
        for name in rng.sample(MEMBER_FIELDS, rng.randrange(1, 4)):
            record[name] = rng.choice(spoilers)(record[name])
        yield pb.MemberRecord(**record)


def test_bad_input_is_refused_by_the_stated_rules(
    province: tuple[EngineAdapter, list[pb.MemberRecord]],
) -> None:
    engine, _ = province
    wire = _wire(engine)
    rng = random.Random(5)
    refused = 0
    for member in _bad_members(rng):
        expected = expected_violations("member", member)
        # Submit checks its member with the same rules, beside its other fields.
        assert member_violations("member", member.SerializeToString(), FIELD_CAPS) == expected
        data = pb.VerifyRequest(member=member).SerializeToString()
        if not expected:
            wire.verify_request_bytes(data, FIELD_CAPS)
            continue
        refused += 1
        with pytest.raises(InvalidInputError) as bad:
            wire.verify_request_bytes(data, FIELD_CAPS)
        assert bad.value.violations == expected  # type: ignore[attr-defined]
    assert refused > 250

    with pytest.raises(InvalidInputError) as missing:
        wire.verify_request_bytes(b"", FIELD_CAPS)
    assert missing.value.violations == [("member", "required")]  # type: ignore[attr-defined]

    members = list(_bad_members(random.Random(6)))[:40]
    chunks = [
        pb.VerifyStreamRequest(members=members[:25]).SerializeToString(),
        pb.VerifyStreamRequest(members=members[25:]).SerializeToString(),
    ]
    expected = [
        v
        for k, part in enumerate([members[:25], members[25:]])
        for i, one in enumerate(part)
        for v in expected_violations(f"requests[{k + 3}].members[{i}]", one)
    ]
    assert expected
    with pytest.raises(InvalidInputError) as stream_bad:
        wire.verify_stream_bytes(chunks, 3, FIELD_CAPS, 1000)
    assert stream_bad.value.violations == expected  # type: ignore[attr-defined]

    with pytest.raises(InvalidInputError) as too_big:
        wire.verify_stream_bytes(chunks, 0, FIELD_CAPS, 20)
    assert too_big.value.violations == [  # type: ignore[attr-defined]
        ("requests[0].members", "25 records, more than the cap of 20 per message")
    ]


@pytest.mark.parametrize(
    "value",
    ["", " ", "\u3000", "\x1f", " \x1c\xa0", "id-7", "\x00x", "a" * 129, "ế" * 43, "ế" * 42, " x "],
)
def test_text_rules_for_request_ids(value: str) -> None:
    """Submit's IDs and GetProgress's ward: the same rules, from the same place."""
    expected = [("id", "required")] if _blank(value) else _text_rule("id", value, 128)
    assert text_violations("id", value, 128, True) == expected
    assert text_violations("ward", value, 128) == _text_rule("ward", value, 128)


def test_malformed_bytes_are_refused_not_crashed_on(province: tuple[EngineAdapter, list[pb.MemberRecord]]) -> None:
    engine, members = province
    wire = _wire(engine)
    good = pb.VerifyRequest(member=members[0]).SerializeToString()
    rng = random.Random(9)
    samples = (
        [
            b"\xff",
            b"\x0a\x05\x12\x03",  # a member whose name runs past the end
            b"\x0a\x03\x12\x01\xff",  # a name that is not UTF-8
            good[: len(good) // 2],
            b"\x0f",  # a field number of zero
        ]
        + [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))) for _ in range(500)]
    )
    for data in samples:
        for call in (
            lambda d: wire.verify_request_bytes(d, FIELD_CAPS),
            lambda d: wire.verify_stream_bytes([d], 0, FIELD_CAPS, 1000),
        ):
            try:
                call(data)
            except InvalidInputError:
                pass  # refused: what the server answers as INVALID_ARGUMENT
    with pytest.raises(InvalidInputError, match="not a VerifyRequest"):
        wire.verify_request_bytes(b"\x0a\x03\x12\x01\xff", FIELD_CAPS)
    with pytest.raises(InvalidInputError, match=r"requests\[4\]: not a VerifyStreamRequest"):
        wire.verify_stream_bytes([b"\x0a\x03\x12\x01\xff"], 4, FIELD_CAPS, 1000)
    with pytest.raises(InvalidInputError, match="not a MemberRecord"):
        member_violations("member", b"\x12\x01\xff", FIELD_CAPS)


def test_malformed_bytes_over_grpc_are_invalid_argument(tmp_path: Path) -> None:
    population, roster = write_tables(tmp_path)
    engine = EngineAdapter(population, roster)
    with InProcessServer(engine, f"sqlite:///{tmp_path / 'l.db'}") as running:
        channel = grpc.insecure_channel(running.target)
        verify = channel.unary_unary("/doichieu.v1.Verifier/Verify")
        with pytest.raises(grpc.RpcError) as bad:
            verify(b"\x0a\x03\x12\x01\xff", timeout=10)
        assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        stream = channel.stream_stream("/doichieu.v1.Verifier/VerifyStream")
        good = pb.VerifyStreamRequest(members=[member_message(0)]).SerializeToString()
        with pytest.raises(grpc.RpcError) as bad_stream:
            list(stream(iter([good, b"\xff\xff"]), timeout=10))
        assert bad_stream.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "requests[1]" in (bad_stream.value.details() or "")
        answer = pb.VerifyResponse.FromString(
            verify(pb.VerifyRequest(member=member_message(0)).SerializeToString(), timeout=10)
        )
        assert answer.verification.verdict == pb.VERDICT_ACCEPT
        channel.close()
