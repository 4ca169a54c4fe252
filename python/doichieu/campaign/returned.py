"""Work lists officers send back: their "done" and "note" cells taken into the
campaign state, by finding identity.

A returned list may have been re-saved by Excel or LibreOffice, its rows
sorted or filtered, columns added, sheets deleted: the reader finds the
columns by their headers on every sheet that has them and keys each row by the
member, code and field it shows. Its information sheet says which campaign and
run it comes from (``STAMP_LABELS``); a file without it, or from another
campaign, is refused, and so is a file with no work-list sheet at all. A row
that matches no finding of the campaign's latest run is reported, never
guessed at: its finding was resolved since, its member ID was edited, or the
finding was never on that run's lists. Importing a file a second time changes
nothing.

Every file is read and checked before any is taken, so a refused file leaves
the state as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import fastexcel
import polars as pl

from doichieu.campaign.identity import KEY, finding_key
from doichieu.campaign.store import CampaignError, CampaignStore, Run
from doichieu.vocabulary import FIELD_TERMS
from doichieu.worklist import CAMPAIGN_LABEL, DONE_HEADER, INFO_SHEET, LEGEND_SHEET, NOTE_HEADER, RUN_LABEL, header

__all__ = ["UNMATCHED_REASONS", "Returned", "import_worklists", "read_returned"]

#: Why a returned row was not taken: its finding is no longer found by the
#: latest run; its member is on none of its run's findings (an edited ID); its
#: member is, but not with that finding.
UNMATCHED_REASONS: Final = ("resolved", "member_unknown", "finding_unknown")
#: How far down a sheet the header row is looked for (a title row added above it).
_HEADER_SEARCH_ROWS: Final = 20
_NEEDED: Final = {"member_id": header("member_id"), "code": header("code"), "field": header("field")}
_FIELD_CODES: Final = {term.title_vi.lower(): code for code, term in FIELD_TERMS.items()}


@dataclass
class Returned:
    """One returned work list, read: ``rows`` has finding_key, member_id, done,
    note, sheet, row (as a spreadsheet numbers it)."""

    path: Path
    sha256: str
    run: Run
    rows: pl.DataFrame
    already: bool = False
    taken: int = 0
    unmatched: pl.DataFrame = field(default_factory=pl.DataFrame)


def _cell(frame: pl.DataFrame, label: str) -> str | None:
    if frame.width < 2:
        return None
    hits = frame.filter(pl.col(frame.columns[0]).str.strip_chars() == label)
    if not hits.height:
        return None
    value = hits[0, 1]
    return None if value is None else str(value).strip()


def _sheet_rows(sheet: pl.DataFrame, name: str) -> pl.DataFrame | None:
    """A sheet's work-list rows, found by their headers; None for a sheet without them."""
    top = sheet.head(_HEADER_SEARCH_ROWS)
    for at in range(top.height):
        cells = [None if v is None else str(v).strip() for v in top.row(at)]
        if all(h in cells for h in _NEEDED.values()):
            break
    else:
        return None
    columns = {key: cells.index(h) for key, h in _NEEDED.items()}
    for key, h in (("done", DONE_HEADER), ("note", NOTE_HEADER)):
        columns[key] = cells.index(h) if h in cells else -1
    body = sheet.slice(at + 1)
    names = sheet.columns

    def column(key: str) -> pl.Expr:
        where = columns[key]
        return (pl.col(names[where]) if where >= 0 else pl.lit(None, pl.String)).str.strip_chars().alias(key)

    return (
        body.with_row_index("row", offset=at + 2)
        .select(*(column(k) for k in ("member_id", "code", "field", "done", "note")), "row")
        .filter(pl.col("member_id").is_not_null() | pl.col("code").is_not_null())
        .with_columns(
            pl.col("field").str.to_lowercase().replace(_FIELD_CODES),
            pl.lit(name).alias("sheet"),
            pl.col("row").cast(pl.Int64),
        )
        .with_columns(finding_key())
    )


def read_returned(path: Path, store: CampaignStore) -> Returned:
    """Reads and checks one returned work list against the campaign (refused
    with a ``CampaignError`` saying why)."""
    try:
        content = path.read_bytes()
        workbook = fastexcel.read_excel(content)
        names = list(workbook.sheet_names)
    except OSError:
        raise
    except Exception as exc:  # fastexcel raises its own types for corrupt or foreign files
        raise CampaignError("worklists.unreadable", file=path.name, error=type(exc).__name__) from exc

    def load(name: str) -> pl.DataFrame:
        try:
            # skip_rows=0: blank rows above the headers are kept, so rows are numbered as the sheet numbers them.
            return workbook.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
        except Exception as exc:
            raise CampaignError("worklists.unreadable", file=path.name, error=type(exc).__name__) from exc

    if INFO_SHEET not in names:
        raise CampaignError("worklists.not_a_worklist", file=path.name)
    info = load(INFO_SHEET)
    campaign_id, run_id = _cell(info, CAMPAIGN_LABEL), _cell(info, RUN_LABEL)
    if not campaign_id or not run_id:
        raise CampaignError("worklists.no_stamp", file=path.name)
    if campaign_id != store.campaign_id:
        raise CampaignError("worklists.other_campaign", file=path.name)
    run = store.run(run_id)
    if run is None:
        raise CampaignError("worklists.unknown_run", file=path.name, run=run_id)
    sheets = [
        rows
        for name in names
        if name not in (INFO_SHEET, LEGEND_SHEET)
        for rows in [_sheet_rows(load(name), name)]
        if rows is not None
    ]
    if not sheets:
        raise CampaignError("worklists.not_a_worklist", file=path.name)
    return Returned(path, hashlib.sha256(content).hexdigest(), run, pl.concat(sheets, how="vertical_relaxed"))


def _take(
    returned: Returned,
    store: CampaignStore,
    latest: pl.DataFrame,
    marked: pl.Series,
    listed: dict[str, pl.DataFrame],
) -> pl.Series:
    """Takes one read list's marks (all at once, by joins); returns the keys
    marked now (``marked`` and those taken)."""
    filled = (pl.col("done").fill_null("") != "") | (pl.col("note").fill_null("") != "")
    rows = returned.rows.with_columns(filled.alias("filled"))
    # The last row of a finding listed twice (a sorted copy of a sheet kept beside it) has the word.
    found = rows.join(latest.select(KEY), on=KEY, how="semi")
    # A row left empty counts where the finding had a mark (the officer cleared it).
    taken = found.filter(pl.col("filled") | pl.col(KEY).is_in(marked.implode())).unique(
        KEY, keep="last", maintain_order=True
    )
    stray = rows.filter(pl.col("filled")).join(latest.select(KEY), on=KEY, how="anti")
    if stray.height:
        # Why each one matches nothing, from the findings of the run its list came from.
        run_id = returned.run.run_id
        sent = listed[run_id] if run_id in listed else listed.setdefault(run_id, store.findings(run_id))
        stray = stray.with_columns(
            pl.when(pl.col(KEY).is_in(sent[KEY].implode()))
            .then(pl.lit("resolved"))
            .when(pl.col("member_id").is_in(sent["member_id"].implode()))
            .then(pl.lit("finding_unknown"))
            .otherwise(pl.lit("member_unknown"))
            .alias("reason")
        ).select(pl.lit(returned.path.name).alias("file"), "sheet", "row", "reason")
    if not store.take_marks(
        returned.sha256, returned.path.name, returned.run, returned.rows.height, taken.select(KEY, "done", "note")
    ):
        returned.already = True
        return marked
    returned.taken = taken.height
    returned.unmatched = stray if stray.height else pl.DataFrame()
    return pl.concat([marked, taken[KEY]]).unique()


def import_worklists(paths: list[Path], store: CampaignStore) -> list[Returned]:
    """Reads every file first (any refused: nothing is taken), then, holding
    the campaign (``CampaignStore.writing``: not while a run writes), takes
    each one's marks against the campaign's latest run."""
    if not store.runs():
        raise CampaignError("campaign.no_runs", folder=store.where)
    returned = [read_returned(path, store) for path in paths]
    with store.writing("import"):
        latest = store.latest_findings()
        marked = store.marks()[KEY]
        listed: dict[str, pl.DataFrame] = {}
        for each in returned:
            marked = _take(each, store, latest, marked, listed)
    return returned
