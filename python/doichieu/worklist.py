"""Work lists: each owner's findings to act on, as an xlsx workbook an officer
works through, written by the engine (``doichieu_engine::worklist``).

One file per owner, one sheet per ward (the party organisation in a column),
the members not eligible for a card on a sheet of their own, then a legend of
the codes and a sheet that says whose list it is. A row is one finding beside
the member it is about: ward, party organisation, member ID, the name as typed
and as the engine reads it (legacy fonts repaired), date of birth (dd/mm/yyyy),
citizen ID and card number, the finding, what to do about it, the candidates
offered, where the record came from (file, sheet, row) and two empty columns
for the officer, ``DONE_HEADER`` and ``NOTE_HEADER``, which a later reader keys
on. Headers are Vietnamese: the vocabulary's titles where a column is a field,
``TITLES`` (the catalogue's ``worklist.column.`` messages) for the rest. A work
list is a Vietnamese document for the officers, written the same whatever
``--lang`` says: every list of a campaign has the same headers and sheet names,
and ``DONE_HEADER`` and ``NOTE_HEADER`` stay stable for the reader that takes
the lists back; the catalogue's English forms say what each one means. Every cell is text (a value that starts with "=" never
runs as a formula), and the file is readable by its owner only.

Rows are joined, sorted and titled by polars and the name layer's bulk call,
and grouped into sheets by the engine: no Python loop over records.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

import polars as pl

from doichieu import _engine
from doichieu.campaign.identity import KEY, finding_key
from doichieu.messages import MESSAGES, Message, text_both, text_in
from doichieu.names import MAX_NAME_BYTES, normalize_names
from doichieu.vocabulary import FIELD_TERMS, OWNER_TERMS, OWNER_TITLES, SEVERITY_TERMS, Term

__all__ = [
    "CAMPAIGN_LABEL",
    "DONE_HEADER",
    "INFO_SHEET",
    "LEGEND_SHEET",
    "NOTE_HEADER",
    "NOT_ELIGIBLE_CODE",
    "NOT_ELIGIBLE_SHEET",
    "NO_WARD_SHEET",
    "RUN_LABEL",
    "SHEET_ROWS",
    "SOURCE_COLUMNS",
    "TITLES",
    "WORKLIST_COLUMNS",
    "header",
    "worklist_rows",
    "write_worklist",
]

#: Excel holds 1,048,576 rows a sheet; a longer ward continues on numbered sheets.
SHEET_ROWS = 1_000_000
#: The sheets besides the wards': rows with no ward (and an empty list's
#: headers), the members not eligible for a card, the legend of the codes, and
#: whose list it is.
NO_WARD_SHEET = text_in("vi", "worklist.sheet.no_ward")
NOT_ELIGIBLE_SHEET = text_in("vi", "worklist.sheet.not_eligible")
LEGEND_SHEET = text_in("vi", "worklist.sheet.legend")
INFO_SHEET = text_in("vi", "worklist.sheet.info")
#: The finding that keeps a member from a card: all of that member's rows go on
#: ``NOT_ELIGIBLE_SHEET``, since whether to act on the rest follows from it.
NOT_ELIGIBLE_CODE = "STATUS_NOT_ELIGIBLE"

#: The officer's columns, left empty: stable, a later reader finds them by header.
DONE_HEADER: Final = text_in("vi", "worklist.column.done")
NOTE_HEADER: Final = text_in("vi", "worklist.column.note")

#: The information sheet's stamp on a campaign's lists (``doichieu.campaign``):
#: which campaign and run they come from, so a returned list is matched to its
#: findings or refused.
CAMPAIGN_LABEL: Final = text_both("worklist.info.campaign")
RUN_LABEL: Final = text_both("worklist.info.run")

#: Where the roster reader says a record came from; blank when the roster has no such column.
SOURCE_COLUMNS = ("source_file", "source_sheet", "source_row")

#: Columns of a work list, in order: fields of the roster by their codes, the
#: others by the keys of ``TITLES``.
WORKLIST_COLUMNS = (
    "ward",
    "party_unit",
    "member_id",
    "full_name",
    "name_as_read",
    "date_of_birth",
    "citizen_id",
    "party_card_number",
    "code",
    "severity",
    "field",
    "party_value",
    "population_value",
    "message_vi",
    "action_vi",
    "candidates",
    *SOURCE_COLUMNS,
    "done",
    "note",
)
#: Columns whose values are dates, written dd/mm/yyyy where the engine reads them.
DATE_COLUMNS = ("date_of_birth",)

#: Headers of the work lists' and legends' columns that are not fields of the
#: vocabulary, (Vietnamese, English) from the catalogue. The sheets show the Vietnamese.
TITLES: Final[Mapping[str, Message]] = {
    key.removeprefix("worklist.column."): message
    for key, message in MESSAGES.items()
    if key.startswith("worklist.column.")
}


def header(column: str) -> str:
    """The Vietnamese header of a work list's or legend's column."""
    if column in TITLES:
        return TITLES[column].vi
    title = FIELD_TERMS[column].title_vi
    return title[:1].upper() + title[1:]


def _titles(column: str, terms: Mapping[str, Term]) -> pl.Expr:
    """``column``'s codes as their Vietnamese titles (a value with none kept as it is)."""
    return pl.col(column).replace({code: term.title_vi for code, term in terms.items()})


def _names_as_read(names: pl.Series) -> pl.Series:
    """The engine's reading of each name (legacy fonts repaired, cased, spaced),
    in one bulk call; a value too long to be a name is left blank."""
    fits = names.str.len_bytes() <= MAX_NAME_BYTES
    read: pl.Series = normalize_names(pl.select(pl.when(fits).then(names)).to_series())
    return read.alias("name_as_read")


def worklist_rows(
    owner: str,
    findings: pl.DataFrame,
    roster: pl.DataFrame,
    verdicts: pl.DataFrame,
    marks: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``owner``'s findings to act on (review and error), one row each with
    ``WORKLIST_COLUMNS`` and ``sheet`` (the ward, or ``NOT_ELIGIBLE_SHEET``),
    sorted by sheet, party organisation and member; every column text. The
    officers' columns are empty, or carry ``marks`` (finding_key, done, note:
    a campaign's marks from the lists returned before) forward."""
    if marks is None:
        marks = pl.DataFrame(schema={KEY: pl.String, "done": pl.String, "note": pl.String})
    mine = (
        findings.filter((pl.col("owner") == owner) & (pl.col("severity") != "info"))
        .with_columns(finding_key())
        .join(marks.select(KEY, "done", "note"), on=KEY, how="left")
    )
    not_eligible = (
        findings.filter(pl.col("code") == NOT_ELIGIBLE_CODE).select("row").unique().with_columns(not_eligible=True)
    )
    sources = [(pl.col(c) if c in roster.columns else pl.lit(None)).cast(pl.String).alias(c) for c in SOURCE_COLUMNS]
    people = roster.select(
        pl.int_range(0, roster.height, dtype=pl.UInt32).alias("row"),
        "ward",
        "party_unit",
        "full_name",
        "date_of_birth",
        "citizen_id",
        "party_card_number",
        *sources,
    )
    offered = verdicts.select(
        "row",
        pl.col("candidates")
        .list.eval(
            pl.format(
                "{} {} {} ({})",
                pl.element().struct.field("citizen_id").fill_null("—"),
                pl.element().struct.field("full_name").fill_null(""),
                pl.element().struct.field("date_of_birth").fill_null(""),
                pl.element().struct.field("score"),
            )
        )
        .list.join("; ")
        .alias("candidates"),
    )
    actions = pl.DataFrame(_engine.finding_codes()).select("code", "action_vi")
    rows = (
        mine.join(people, on="row", how="left")
        .join(offered, on="row", how="left")
        .join(actions, on="code", how="left")
        .join(not_eligible, on="row", how="left")
        .with_columns(
            pl.col("not_eligible").fill_null(False),
            _titles("severity", SEVERITY_TERMS),
            _titles("field", FIELD_TERMS),
        )
        .sort("not_eligible", "ward", "party_unit", "member_id", "row", nulls_last=True)
    )
    rows = rows.with_columns(_names_as_read(rows["full_name"]))
    sheet = pl.when(pl.col("not_eligible")).then(pl.lit(NOT_ELIGIBLE_SHEET)).otherwise(pl.col("ward")).alias("sheet")
    return rows.select(*(pl.col(c).cast(pl.String) for c in WORKLIST_COLUMNS), sheet)


def _info(owner: str, rows: pl.DataFrame, stamp: tuple[str, str] | None) -> list[tuple[str, str | float]]:
    info: list[tuple[str, str | float]] = [
        (text_both("worklist.info.owner"), OWNER_TITLES[owner]),
        (text_both("worklist.info.rows"), rows.height),
    ]
    if stamp is not None:
        info += [(CAMPAIGN_LABEL, stamp[0]), (RUN_LABEL, stamp[1])]
    return info


def write_worklist(
    path: Path, owner: str, rows: pl.DataFrame, legend: pl.DataFrame, stamp: tuple[str, str] | None = None
) -> None:
    """Writes ``owner``'s work list (rows as ``worklist_rows`` builds them; the
    legend as ``doichieu.finding_codes`` gives it) with the engine's xlsx writer,
    the GIL released; ``stamp`` (campaign, run) marks a campaign's list."""
    legend = legend.with_columns(
        _titles(c, terms)
        for c, terms in (("severity", SEVERITY_TERMS), ("owner", OWNER_TERMS), ("field", FIELD_TERMS))
        if c in legend.columns
    )
    _engine.write_worklist(
        path,
        {header(c): rows[c] for c in WORKLIST_COLUMNS},
        {header(c): legend[c] for c in legend.columns},
        _info(owner, rows, stamp),
        sheets=rows["sheet"],
        rows_sheet=NO_WARD_SHEET,
        legend_sheet=LEGEND_SHEET,
        info_sheet=INFO_SHEET,
        sheet_rows=SHEET_ROWS,
        dates=[header(c) for c in DATE_COLUMNS],
    )
