"""Reading the work lists the campaign tests write and return: a row's cell by
column, a finding's key as the campaign state keys it, and the command line
run in this process with its output captured."""

from __future__ import annotations

import contextlib
import io

from doichieu import cli
from doichieu import worklist as wl
from doichieu.vocabulary import FIELD_TERMS

HEADERS = [wl.header(c) for c in wl.WORKLIST_COLUMNS]
FIELD_CODES = {term.title_vi: code for code, term in FIELD_TERMS.items()}


def column(name: str) -> int:
    return HEADERS.index(wl.header(name))


def key_of(row: tuple[object, ...], offset: int = 0) -> str:
    """The finding's key (member, code, field code) of a work-list row whose
    columns start at ``offset``."""

    def cell(name: str) -> str:
        value = row[column(name) + offset]
        return "" if value is None else str(value)

    return "\x1f".join((cell("member_id"), cell("code"), FIELD_CODES.get(cell("field"), cell("field"))))


def run_cli(*argv: str) -> tuple[int, str, str]:
    """``doichieu --lang en ARGV`` in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--lang", "en", *argv])
    return code, out.getvalue(), err.getvalue()
