"""Output folders (issues 15 and 16): a run's files are in place as a whole or
not at all, readable by their owner only, and safe to open in a spreadsheet.

Each failing run (a full disk, a read-only folder, a folder where a file should
be, an exception or Ctrl-C mid-run) must leave the previous run's outputs
byte for byte and mode for mode as they were, and no temporary folder behind.
"""

from __future__ import annotations

import ctypes
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from doichieu import revalidate as revalidate_module
from doichieu.cli import main
from doichieu.csv_cells import neutralise_formulas
from doichieu.generate import generate_province
from doichieu.output_folder import MARKER, OutputError, OutputFolder

AS_OF = date(2025, 9, 1)
#: The order revalidate writes its files in.
REVALIDATE_ORDER = (
    "verdicts.csv",
    "findings.csv",
    "duplicates.csv",
    "worklist_party_board.xlsx",
    "worklist_police.xlsx",
    "worklist_intake_officer.xlsx",
    "report.html",
)
#: Cells a spreadsheet would run as a formula, or that hide one behind a tab or carriage return.
FORMULAS = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://x.invalid")')


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("outputs") / "province"
    generate_province(folder, members=600, seed=3, fmt="csv")
    return folder


def _revalidate(province: Path, out: Path, roster: Path | None = None) -> list[str]:
    # In English: the assertions read the messages' English forms.
    return [
        "--lang",
        "en",
        "revalidate",
        "--roster",
        str(roster or province / "roster.csv"),
        "--population",
        str(province / "population.csv"),
        "--out",
        str(out),
        "--as-of",
        AS_OF.isoformat(),
    ]


@contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in ``folder``: its bytes and mode."""
    return {p.name: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode)) for p in folder.iterdir()}


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture
def previous(province: Path, tmp_path: Path) -> Path:
    """A folder holding a finished revalidation, as the next run finds it."""
    out = tmp_path / "rv"
    with _umask(0o022):
        assert main(_revalidate(province, out)) == 0
    return out


def test_outputs_are_private_whatever_the_umask(province: Path, tmp_path: Path) -> None:
    with _umask(0o022):
        out = tmp_path / "new" / "deeper" / "rv"
        assert main(_revalidate(province, out)) == 0
        assert main(["dedupe", "--roster", str(province / "roster.csv"), "--out", str(tmp_path / "dd")]) == 0
        model = tmp_path / "model.json"
        roster = str(province / "roster.csv")
        assert main(["dedupe", "--roster", roster, "--out", str(tmp_path / "dd"), "--save-model", str(model)]) == 0
        generate_province(tmp_path / "gen", members=50, seed=1, fmt="parquet")
    for folder in (out, out.parent, out.parent.parent, tmp_path / "dd", tmp_path / "gen"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for folder in (out, tmp_path / "dd", tmp_path / "gen"):
        files = list(folder.iterdir())
        assert files
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert set(REVALIDATE_ORDER) | {MARKER} == {p.name for p in out.iterdir()}
    assert stat.S_IMODE(model.stat().st_mode) == 0o600


def test_a_new_run_replaces_another_commands_outputs_as_a_whole(province: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["dedupe", "--roster", str(province / "roster.csv"), "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {"pairs.csv", "clusters.csv", MARKER}
    assert main(_revalidate(province, out)) == 0
    assert {p.name for p in out.iterdir()} == set(REVALIDATE_ORDER) | {MARKER}
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert marker["command"] == "revalidate" and sorted(marker["files"]) == sorted(REVALIDATE_ORDER)
    assert _leftovers(out) == []


def test_a_folder_with_other_files_is_refused_not_deleted(
    province: Path, previous: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (previous / "notes.txt").write_text("the team's own notes")
    before = _snapshot(previous)
    capsys.readouterr()
    assert main(_revalidate(province, previous)) == 2
    assert "notes.txt" in capsys.readouterr().err
    assert _snapshot(previous) == before
    assert _leftovers(previous) == []


def test_a_folder_where_a_file_should_be(province: Path, previous: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (previous / "report.html").unlink()
    (previous / "report.html").mkdir()
    before = _snapshot_tree(previous)
    capsys.readouterr()
    assert main(_revalidate(province, previous)) == 2
    assert "report.html" in capsys.readouterr().err
    assert _snapshot_tree(previous) == before
    assert _leftovers(previous) == []
    # --out under a file: the error names where it could not write.
    blocker = previous.parent / "a-file"
    blocker.write_text("x")
    assert main(_revalidate(province, blocker / "rv")) == 2
    assert "a-file" in capsys.readouterr().err


def _snapshot_tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"", stat.S_IMODE(p.stat().st_mode))
        for p in folder.rglob("*")
    }


def _run_limited(
    command: list[str], *, file_bytes: int | None = None, read_only: bool = False
) -> subprocess.CompletedProcess[str]:
    """Runs the CLI in a child process with a file-size limit (a full disk:
    writes past it fail with EFBIG) or without the root's right to ignore
    permissions (so a read-only folder is read-only for root too)."""
    limit = f"resource.setrlimit(resource.RLIMIT_FSIZE, ({file_bytes}, {file_bytes}))" if file_bytes else "pass"
    code = f"import resource, sys\n{limit}\nfrom doichieu.cli import main\nsys.exit(main({command!r}))"

    def without_override() -> None:
        if read_only and os.geteuid() == 0:
            libc = ctypes.CDLL(None, use_errno=True)
            for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
                if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                    raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=without_override,
    )


def test_a_full_disk_leaves_the_previous_outputs(province: Path, previous: Path) -> None:
    before = _snapshot(previous)
    sizes = {name: len(before[name][0]) for name in REVALIDATE_ORDER}
    # Room for the first file, not for the first larger one after it.
    limit = sizes["verdicts.csv"] + 1
    failing = next(name for name in REVALIDATE_ORDER if sizes[name] > limit)
    done = _run_limited(_revalidate(province, previous), file_bytes=limit)
    assert done.returncode == 2, done.stderr[-3000:]
    assert str(previous / failing) in done.stderr, done.stderr[-3000:]
    assert "previous outputs are untouched" in done.stderr
    assert _snapshot(previous) == before
    assert _leftovers(previous) == []


def test_a_read_only_folder_leaves_the_previous_outputs(province: Path, previous: Path) -> None:
    before = _snapshot(previous)
    parent = previous.parent
    parent.chmod(0o555)
    try:
        done = _run_limited(_revalidate(province, previous), read_only=True)
    finally:
        parent.chmod(0o755)
    if "prctl" in done.stderr:
        pytest.skip("cannot drop root's right to ignore permissions here")
    assert done.returncode == 2, done.stderr[-3000:]
    assert str(parent) in done.stderr and "Permission denied" in done.stderr
    assert _snapshot(previous) == before
    assert _leftovers(previous) == []


def test_an_exception_mid_run_leaves_the_previous_outputs(
    province: Path, previous: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(previous)
    real = revalidate_module.write_worklist
    calls: list[str] = []

    def breaks_on_the_second(
        path: Path, owner: str, rows: pl.DataFrame, legend: pl.DataFrame, stamp: tuple[str, str] | None = None
    ) -> None:
        calls.append(owner)
        if len(calls) == 2:
            path.write_bytes(b"half a workbook")
            raise RuntimeError("the writer broke")
        real(path, owner, rows, legend, stamp)

    monkeypatch.setattr(revalidate_module, "write_worklist", breaks_on_the_second)
    capsys.readouterr()
    assert main(_revalidate(province, previous)) == 2
    err = capsys.readouterr().err
    assert str(previous / "worklist_police.xlsx") in err and "the writer broke" in err
    assert "previous outputs are untouched" in err
    assert _snapshot(previous) == before
    assert _leftovers(previous) == []


def test_ctrl_c_mid_run_leaves_the_previous_outputs(
    province: Path, previous: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(previous)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("doichieu.report.write_report", interrupted)
    capsys.readouterr()
    assert main(_revalidate(province, previous)) == 130
    err = capsys.readouterr().err
    assert "stopped (Ctrl-C)" in err and "previous outputs are untouched" in err
    assert len(err.strip().splitlines()) == 1, err
    assert _snapshot(previous) == before
    assert _leftovers(previous) == []


def test_an_output_folder_names_the_file_it_was_writing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(OutputError, match="a.csv.*boom"), OutputFolder(out, "test", notice=sys.stderr) as folder:
        with folder.writing("a.csv") as path:
            path.write_text("x")
            raise ValueError("boom")
    assert not out.exists() and _leftovers(out) == []


# --------------------------------------------------------------------------- CSV injection


def test_formula_cells_are_quoted_and_nothing_else_changes() -> None:
    plain = ("Nguyễn Văn An", "2025-09-01", "001070012345", "TV-000123", "", "a=b", "1-2")
    frame = pl.DataFrame(
        {"text": [*FORMULAS, *plain, None], "score": [0.5] * (len(FORMULAS) + len(plain) + 1)},
        schema={"text": pl.String, "score": pl.Float64},
    )
    out = neutralise_formulas(frame)
    assert out["text"].to_list() == [*("'" + f for f in FORMULAS), *plain, None]
    assert out["score"].to_list() == frame["score"].to_list()
    # A leading tab stays in the cell, behind the quote: it never becomes a bare formula.
    assert out["text"][4] == "'\t=cmd"


def _rows_starting_a_formula(path: Path) -> list[str]:
    frame = pl.read_csv(path, infer_schema=False)
    # A number (match_weight can be negative) is read as a number, not run: only text counts.
    starts = pl.any_horizontal(
        pl.col(c).str.contains(r"^[=+\-@\t\r]") & ~pl.col(c).str.contains(r"^-?\d+(\.\d+)?(e-?\d+)?$")
        for c in frame.columns
    )
    return [str(row) for row in frame.filter(starts).iter_rows()]


def test_written_csvs_hold_no_formula(province: Path, tmp_path: Path) -> None:
    roster = pl.read_csv(province / "roster.csv", infer_schema=False)
    ids = roster["member_id"].to_list()
    hostile = dict(zip(ids[: len(FORMULAS)], FORMULAS))
    # A member held twice under a hostile ID, so the duplicate files carry it too.
    twin = roster.head(1).with_columns(pl.lit(FORMULAS[1] + "x").alias("member_id"))
    changed = pl.concat(
        [roster.with_columns(pl.col("member_id").replace(hostile)), twin.with_columns(pl.lit("").alias("citizen_id"))]
    )
    path = tmp_path / "roster.csv"
    changed.write_csv(path)
    assert main(_revalidate(province, tmp_path / "rv", roster=path)) == 0
    assert main(["dedupe", "--roster", str(path), "--out", str(tmp_path / "dd")]) == 0
    written = [tmp_path / "rv" / n for n in ("verdicts.csv", "findings.csv", "duplicates.csv")]
    written += [tmp_path / "dd" / n for n in ("pairs.csv", "clusters.csv")]
    for csv in written:
        assert _rows_starting_a_formula(csv) == [], csv.name
    verdicts = pl.read_csv(tmp_path / "rv" / "verdicts.csv", infer_schema=False)
    shown = set(verdicts["member_id"].to_list())
    assert {"'" + f for f in FORMULAS} <= shown
    # Ordinary IDs and dates are written as they are.
    assert set(ids[len(FORMULAS) :]) <= shown
    findings = pl.read_csv(tmp_path / "rv" / "findings.csv", infer_schema=False)
    dated = findings.filter(pl.col("field") == "date_of_birth")["party_value"].drop_nulls()
    assert dated.len() and dated.str.contains(r"^\d").all()
