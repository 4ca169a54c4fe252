"""``doichieu worklists import --campaign FOLDER FILE…``: the returned work
lists into the campaign state (``doichieu.campaign.returned``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Final

import polars as pl

from doichieu.campaign.returned import import_worklists
from doichieu.campaign.store import CampaignStore
from doichieu.messages import text

__all__ = ["add_worklists_arguments", "cmd_worklists"]

#: The unmatched rows listed on the terminal; the count says how many more.
UNMATCHED_SHOWN: Final = 50


def cmd_worklists(args: argparse.Namespace) -> int:
    with CampaignStore(args.campaign, create=False) as store:
        returned = import_worklists([Path(f) for f in args.files], store)
    out = sys.stdout
    for each in returned:
        if each.already:
            out.write(text("worklists.already", file=each.path.name) + "\n")
        else:
            out.write(
                text("worklists.imported", file=each.path.name, rows=f"{each.rows.height:,}", taken=f"{each.taken:,}")
                + "\n"
            )
    unmatched = (
        pl.concat([r.unmatched for r in returned if r.unmatched.height], how="vertical")
        if any(r.unmatched.height for r in returned)
        else None
    )
    if unmatched is not None:
        out.write(text("worklists.unmatched_head", count=f"{unmatched.height:,}") + "\n")
        for file, sheet, row, reason in unmatched.head(UNMATCHED_SHOWN).iter_rows():
            out.write(
                text(
                    "worklists.unmatched_row",
                    file=file,
                    sheet=sheet,
                    row=row,
                    reason=text(f"worklists.reason.{reason}"),
                )
                + "\n"
            )
        if unmatched.height > UNMATCHED_SHOWN:
            out.write(text("worklists.unmatched_more", count=f"{unmatched.height - UNMATCHED_SHOWN:,}") + "\n")
    return 0


def add_worklists_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["import"], help=text("worklists.action"))
    parser.add_argument("files", nargs="+", metavar="FILE", help=text("worklists.files"))
    parser.add_argument("--campaign", required=True, metavar="DIR", help=text("worklists.campaign"))
    parser.set_defaults(func=cmd_worklists)
