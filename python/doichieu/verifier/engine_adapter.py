"""The one place where the verifier meets the record model (``doichieu.records``).

The compiled index reads and writes the wire format itself
(``verify_request_bytes``, ``verify_stream_bytes``: decoding, the input checks,
the engine call and encoding in Rust), so Verify, VerifyStream and Submit hand
it request bytes and send back what it answers. This module gives the service
that path (``EngineAdapter.wire``), the required list (who must come to an
intake, by ward and party organisation) and the member IDs the roster holds
twice for one person.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from doichieu import records
from doichieu.errors import CataloguedError


class WirePath(Protocol):
    """The compiled index's bytes-in, bytes-out forms of Verify and VerifyStream
    (see ``doichieu._engine.PopulationIndex``)."""

    def verify_request_bytes(self, data: bytes, field_caps: Sequence[int], full_disclosure: bool = False) -> bytes: ...

    def verify_stream_bytes(
        self,
        chunks: Sequence[bytes],
        first_request: int,
        field_caps: Sequence[int],
        max_chunk: int,
        full_disclosure: bool = False,
    ) -> list[bytes]: ...


#: Deduplication score from which two rows of the required list are taken for one
#: person at intake (stricter than the report's 0.9: a wrong merge would refuse
#: somebody's own intake).
SAME_PERSON_SCORE = 0.99


class EngineAdapter:
    """The population index and the required list the server answers from."""

    def __init__(
        self,
        population: str | Path,
        roster: str | Path | None,
        dedup_model: str | Path | None = None,
        roster_layout: tuple[str | None, int | None] = (None, None),
        population_layout: tuple[str | None, int | None] = (None, None),
    ) -> None:
        """``roster_layout`` and ``population_layout`` are each file's sheet and
        header row when given (``doichieu.records.read_table``)."""
        sheet, header_row = population_layout
        self.index = records.PopulationIndex(records.load_population(population, sheet=sheet, header_row=header_row))
        self._units: dict[str, tuple[str, str]] = {}
        self._same_person: dict[str, tuple[str, ...]] = {}
        self.required: dict[tuple[str, str], int] = {}
        if roster is not None:
            sheet, header_row = roster_layout
            table = records.load_roster(roster, sheet=sheet, header_row=header_row)
            self._load_required(table)
            self._load_same_person(table, dedup_model)

    def _load_same_person(self, roster: Any, model_path: str | Path | None = None) -> None:
        """Member IDs the roster holds twice for one person, from deduplication of
        the required list (pairs at ``SAME_PERSON_SCORE`` or above; a number lent to
        somebody else scores far below). Submit uses them to answer a second intake
        of the same person under the other ID as already submitted. With
        ``model_path`` (a saved model) the pairs are scored with it, not retrained."""
        import polars as pl

        from doichieu.dedup import find_duplicates, load_model

        # Read even when the roster cannot be deduplicated: a file that is not a model stops the start.
        model = load_model(model_path) if model_path is not None else None

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
        frame = required_members(roster)
        self.required = required_counts(frame)
        self._units = dict(
            zip(frame["member_id"].to_list(), zip(frame["ward"].to_list(), frame["party_unit"].to_list()))
        )

    @property
    def wire(self) -> WirePath:
        """The compiled index's wire path."""
        return self.index.engine

    def unit_of(self, member_id: str) -> tuple[str, str] | None:
        """(ward, party organisation) of a member on the required list."""
        return self._units.get(member_id)


def required_members(roster: Any) -> Any:
    """The required list: each member ID once, with its ward and party organisation."""
    import polars as pl

    frame = roster if isinstance(roster, pl.DataFrame) else pl.DataFrame(roster)
    missing = {"member_id", "ward", "party_unit"} - set(frame.columns)
    if missing:
        raise CataloguedError("value.required_list_columns", columns=", ".join(sorted(missing)))
    return frame.select(
        pl.col("member_id").cast(pl.Utf8).fill_null(""),
        pl.col("ward").cast(pl.Utf8).fill_null(""),
        pl.col("party_unit").cast(pl.Utf8).fill_null(""),
    ).unique(subset="member_id", keep="first")


def required_counts(members: Any) -> dict[tuple[str, str], int]:
    """Members of the required list (``required_members``) per (ward, party organisation)."""
    grouped = members.group_by("ward", "party_unit").len()
    return {(ward, unit): int(count) for ward, unit, count in grouped.iter_rows()}
