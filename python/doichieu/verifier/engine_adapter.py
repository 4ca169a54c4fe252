"""The one place where the verifier meets the record model (``doichieu.records``).

The server speaks protobuf; the record model speaks Python objects and polars
tables. The compiled index reads and writes the wire format itself
(``verify_request_bytes``, ``verify_stream_bytes``: decoding, the input checks,
the engine call and encoding in Rust, the GIL released), so Verify and
VerifyStream hand it the request bytes and send back what it answers. This
module exposes that path (``EngineAdapter.wire``) and keeps the message-level
forms (``verify``, ``verify_many``) for Submit and for record models without a
wire path, turning their Python objects into messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from doichieu import records, vocabulary
from doichieu.errors import InvalidInputError
from doichieu.names import MAX_NAME_BYTES
from doichieu.v1 import verifier_pb2 as pb

#: The roster columns, in the record model's order; MemberRecord has a field of each name.
MEMBER_FIELDS: tuple[str, ...] = records.ROSTER_COLUMNS

#: Byte caps of a member's fields: names at the name layer's cap; ward, party
#: organisation and hometown 256; IDs, dates and codes 64.
SHORT_FIELD_BYTES = 64
LONG_FIELD_BYTES = 256
NAME_FIELDS = frozenset({"full_name", "birth_name"})
LONG_FIELDS = frozenset({"party_unit", "ward", "hometown"})


def field_cap(name: str) -> int:
    return MAX_NAME_BYTES if name in NAME_FIELDS else LONG_FIELD_BYTES if name in LONG_FIELDS else SHORT_FIELD_BYTES


#: The caps in MEMBER_FIELDS order, as the compiled index's wire path takes them.
FIELD_CAPS: tuple[int, ...] = tuple(field_cap(name) for name in MEMBER_FIELDS)


class WirePath(Protocol):
    """The compiled index's bytes-in, bytes-out forms of Verify and VerifyStream
    (see ``doichieu._engine.PopulationIndex``)."""

    def verify_request_bytes(self, data: bytes, field_caps: Sequence[int]) -> bytes: ...

    def verify_stream_bytes(
        self, chunks: Sequence[bytes], first_request: int, field_caps: Sequence[int], max_chunk: int
    ) -> list[bytes]: ...


# The proto's enum values are the vocabulary's codes behind the enum's prefix
# (VERDICT_ACCEPT is "accept"); tests/test_vocabulary.py holds the two together.
_VERDICTS = {code: pb.Verdict.Value(f"VERDICT_{code.upper()}") for code in vocabulary.VERDICTS}
_SEVERITIES = {code: pb.Severity.Value(f"SEVERITY_{code.upper()}") for code in vocabulary.SEVERITIES}
_OWNERS = {code: pb.Owner.Value(f"OWNER_{code.upper()}") for code in vocabulary.OWNERS}
VERDICT_NAMES = {value: name for name, value in _VERDICTS.items()}


def member_dict(member: pb.MemberRecord) -> dict[str, str]:
    return {name: getattr(member, name) for name in MEMBER_FIELDS}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _population_record(record: Any) -> pb.PopulationRecord:
    get = record.get if isinstance(record, Mapping) else lambda name, default=None: getattr(record, name, default)
    other = get("other_names", None)
    if isinstance(other, str):
        other = [part.strip() for part in other.split(";") if part.strip()]
    return pb.PopulationRecord(
        citizen_id=_text(get("citizen_id", "")),
        full_name=_text(get("full_name", "")),
        other_names=[_text(name) for name in (other or [])],
        date_of_birth=_text(get("date_of_birth", "")),
        gender=_text(get("gender", "")),
        hometown=_text(get("hometown", "")),
        old_id_number=_text(get("old_id_number", "")),
    )


def _name_alignment(match: Any) -> pb.NameAlignment:
    return pb.NameAlignment(
        kind=match.kind,
        score=float(match.score),
        syllables=[
            pb.SyllableAlignment(
                party_index=syllable.left,
                population_index=syllable.right,
                party_text=syllable.left_text,
                population_text=syllable.right_text,
                relation=syllable.relation,
            )
            for syllable in match.syllables
        ],
    )


def _finding(finding: Any) -> pb.Finding:
    get = finding.get if isinstance(finding, Mapping) else lambda name: getattr(finding, name)
    return pb.Finding(
        code=_text(get("code")),
        field=_text(get("field")),
        severity=_SEVERITIES.get(_text(get("severity")), pb.SEVERITY_UNSPECIFIED),
        owner=_OWNERS.get(_text(get("owner")), pb.OWNER_UNSPECIFIED),
        party_value=_text(get("party_value")),
        population_value=_text(get("population_value")),
        message_vi=_text(get("message_vi")),
        message_en=_text(get("message_en")),
    )


def _field(source: Any, name: str, default: Any = None) -> Any:
    if isinstance(source, Mapping):
        return source.get(name, default)
    return getattr(source, name, default)


def verification_message(verdict: Any, record_of: Callable[[int], Any] | None = None) -> pb.Verification:
    """A record model verdict (an object or the engine's dict) as the wire message.

    ``record_of`` turns a population row number into its record, for an engine
    that answers the matched record and the candidates by row."""
    message = pb.Verification(
        verdict=_VERDICTS.get(_text(_field(verdict, "verdict")), pb.VERDICT_UNSPECIFIED),
        findings=[_finding(finding) for finding in _field(verdict, "findings", None) or ()],
    )
    matched = _field(verdict, "matched")
    if isinstance(matched, int) and record_of is not None:
        matched = record_of(matched)
    if matched is not None and not isinstance(matched, int):
        message.matched_record.CopyFrom(_population_record(matched))
    name_match = _field(verdict, "name_match")
    name_pair = _field(verdict, "name_pair")
    if name_match is None and name_pair:
        # The engine names the two names it compared; the alignment is the name layer's.
        from doichieu.names import compare_names

        name_match = compare_names(name_pair[0], name_pair[1])
    if name_match is not None:
        message.name_alignment.CopyFrom(_name_alignment(name_match))
    for candidate in _field(verdict, "candidates", None) or ():
        if isinstance(candidate, tuple):
            record, score = candidate[0], candidate[1]
        else:
            record, score = _field(candidate, "record", candidate), _field(candidate, "score", 0.0)
        if isinstance(record, int):
            if record_of is None:
                continue
            record = record_of(record)
        message.candidates.add(record=_population_record(record), score=float(score))
    return message


def blocking_codes(verification: pb.Verification) -> str:
    """Codes at review or error severity, the ones that hold a card back."""
    return " ".join(
        sorted({f.code for f in verification.findings if f.severity in (pb.SEVERITY_REVIEW, pb.SEVERITY_ERROR)})
    )


#: Deduplication score from which two rows of the required list are taken for one
#: person at intake (stricter than the report's 0.9: a wrong merge would refuse
#: somebody's own intake).
SAME_PERSON_SCORE = 0.99


class EngineAdapter:
    """The population index and the required list the server answers from."""

    def __init__(
        self, population: str | Path, roster: str | Path | None, dedup_model: str | Path | None = None
    ) -> None:
        self._records = records
        self.index = records.PopulationIndex(records.load_population(population))
        self._units: dict[str, tuple[str, str]] = {}
        self._same_person: dict[str, tuple[str, ...]] = {}
        self.required: dict[tuple[str, str], int] = {}
        if roster is not None:
            table = records.load_roster(roster)
            self._load_required(table)
            self._load_same_person(table, dedup_model)

    def _load_same_person(self, roster: Any, model_path: str | Path | None = None) -> None:
        """Member IDs the roster holds twice for one person, from deduplication of
        the required list (pairs at ``SAME_PERSON_SCORE`` or above; a number lent to
        somebody else scores far below). Submit uses them to answer a second intake
        of the same person under the other ID as already submitted. With
        ``model_path`` (a saved model) the pairs are scored with it, not retrained."""
        import polars as pl

        from doichieu.dedup import DedupModel, find_duplicates

        # Read even when the roster cannot be deduplicated: a file that is not a model stops the start.
        model = DedupModel.load(model_path) if model_path is not None else None

        frame = roster if isinstance(roster, pl.DataFrame) else pl.DataFrame(roster)
        if not {"member_id", "full_name", "date_of_birth"} <= set(frame.columns):
            return
        frame = frame.with_columns(pl.col("member_id").cast(pl.Utf8).fill_null("")).unique(
            subset="member_id", keep="first"
        )
        pairs = find_duplicates(frame, model=model).pairs.filter(pl.col("score") >= SAME_PERSON_SCORE)
        others: dict[str, set[str]] = {}
        for a, b in pairs.select("member_id_a", "member_id_b").iter_rows():
            if a and b and a != b:
                others.setdefault(a, set()).add(b)
                others.setdefault(b, set()).add(a)
        self._same_person = {member: tuple(sorted(ids)) for member, ids in others.items()}

    def same_person_of(self, member_id: str) -> tuple[str, ...]:
        """Other member IDs of the required list that are this member's person."""
        return self._same_person.get(member_id, ())

    def _load_required(self, roster: Any) -> None:
        import polars as pl

        frame = roster if isinstance(roster, pl.DataFrame) else pl.DataFrame(roster)
        missing = {"member_id", "ward", "party_unit"} - set(frame.columns)
        if missing:
            raise InvalidInputError(f"roster: the required list needs the columns {sorted(missing)}")
        frame = frame.select(
            pl.col("member_id").cast(pl.Utf8).fill_null(""),
            pl.col("ward").cast(pl.Utf8).fill_null(""),
            pl.col("party_unit").cast(pl.Utf8).fill_null(""),
        ).unique(subset="member_id", keep="first")
        grouped = frame.group_by("ward", "party_unit").len()
        self.required = {(ward, unit): int(count) for ward, unit, count in grouped.iter_rows()}
        self._units = dict(
            zip(frame["member_id"].to_list(), zip(frame["ward"].to_list(), frame["party_unit"].to_list()))
        )

    @property
    def _compiled(self) -> Any:
        """The compiled index behind the record model, or None (a record model without one)."""
        compiled = getattr(self.index, "engine", None)
        return compiled if compiled is not None and hasattr(compiled, "verify_all") else None

    @property
    def wire(self) -> WirePath | None:
        """The compiled index's wire path, or None when it has none."""
        compiled = self._compiled
        return compiled if compiled is not None and hasattr(compiled, "verify_request_bytes") else None

    def unit_of(self, member_id: str) -> tuple[str, str] | None:
        """(ward, party organisation) of a member on the required list."""
        return self._units.get(member_id)

    def _record_of(self, row: int) -> Any:
        return self.index.record(row)

    def verify(self, member: pb.MemberRecord) -> pb.Verification:
        wire = self.wire
        if wire is not None:
            # Serializing and parsing in C beats building the message in Python.
            data = pb.VerifyRequest(member=member).SerializeToString()
            return pb.VerifyResponse.FromString(wire.verify_request_bytes(data, FIELD_CAPS)).verification
        record_of = self._record_of if hasattr(self.index, "record") else None
        return verification_message(self.index.verify(member_dict(member)), record_of)

    def verify_many(self, members: Sequence[pb.MemberRecord]) -> list[pb.Verification]:
        """One engine call for the whole chunk: verdicts and findings. The
        matched record and the name alignment are answered by ``verify`` (one
        record), not in bulk."""
        import polars as pl

        if not members:
            return []
        wire = self.wire
        if wire is not None:
            data = pb.VerifyStreamRequest(members=members).SerializeToString()
            (answer,) = wire.verify_stream_bytes([data], 0, FIELD_CAPS, len(members))
            return list(pb.VerifyStreamResponse.FromString(answer).verifications)
        columns = {name: [getattr(m, name) for m in members] for name in MEMBER_FIELDS}
        # Rows are keyed by position: a stream's member_id may be empty or repeated.
        columns["member_id"] = [str(i) for i in range(len(members))]
        table = pl.DataFrame(columns, schema={name: pl.Utf8 for name in MEMBER_FIELDS})
        verify_all = getattr(self.index, "verify_all", None)
        if verify_all is None:
            return [verification_message(self.index.verify(row)) for row in table.iter_rows(named=True)]
        result = verify_all(table)
        if isinstance(result, tuple):
            findings, verdicts = result[0], result[1]
        else:
            findings, verdicts = _field(result, "findings"), _field(result, "verdicts")
        findings = findings if isinstance(findings, pl.DataFrame) else pl.DataFrame(findings)
        verdicts = verdicts if isinstance(verdicts, pl.DataFrame) else pl.DataFrame(verdicts)
        answers = [pb.Verification() for _ in members]
        # Keyed by roster row ("member") or by the positional member_id given above.
        verdict_rows = (
            verdicts["member_id"].cast(pl.Int64).to_list()
            if "member_id" in verdicts.columns
            else range(verdicts.height)
        )
        for row, verdict in zip(verdict_rows, verdicts["verdict"].to_list()):
            answers[row].verdict = _VERDICTS.get(verdict, pb.VERDICT_UNSPECIFIED)
        if findings.height:
            key = "member" if "member" in findings.columns else "member_id"
            for found in findings.iter_rows(named=True):
                answers[int(found[key])].findings.append(_finding(found))
        return answers

    def verify_chunks(self, columns: dict[str, list[str]], sizes: Sequence[int]) -> list[pb.VerifyStreamResponse]:
        """Stream chunks given as columns (each roster column a list of text,
        the chunks' records one after another; ``sizes`` how many records each
        chunk has), checked in one call: one response per chunk."""
        names = list(columns)
        members = [pb.MemberRecord(**dict(zip(names, row))) for row in zip(*columns.values())]
        answers = self.verify_many(members)
        out = []
        start = 0
        for size in sizes:
            out.append(pb.VerifyStreamResponse(verifications=answers[start : start + size]))
            start += size
        return out
