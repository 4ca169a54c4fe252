"""What a person reads on the terminal: one catalogue, Vietnamese first, English
beside it, every command's help in both, errors in one line."""

from __future__ import annotations

import argparse
import ast
import os
import re
import string
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import polars as pl
import pytest

from doichieu import cli, messages
from doichieu.errors import CataloguedError, ColumnError
from doichieu.messages import ARGPARSE_MESSAGES, LANGUAGES, MESSAGES

PACKAGE = Path(cli.__file__).parent
#: What takes a catalogue key as its first argument.
TAKES_A_KEY = {"text", "CataloguedError", "FileFormatError", "FileEncodingError", "EmptyFileError"}
COMMANDS = (
    "names",
    "dedupe",
    "serve",
    "audit",
    "generate",
    "revalidate",
    "worklists",
    "progress",
    "progress-page",
    "simulate",
    "demo",
)


def _fields(template: str) -> set[tuple[str, str | None]]:
    return {(name, conversion) for _, name, _, conversion in string.Formatter().parse(template) if name is not None}


def _percent_fields(template: str) -> list[str]:
    return sorted(re.findall(r"%(?:\(\w+\))?[sdr]", template))


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_both_languages_with_the_same_placeholders(key: str) -> None:
    message = MESSAGES[key]
    assert message.vi.strip() and message.en.strip()
    assert _fields(message.vi) == _fields(message.en), key


@pytest.mark.parametrize("msgid", sorted(ARGPARSE_MESSAGES))
def test_argparse_words_keep_argparse_placeholders(msgid: str) -> None:
    message = ARGPARSE_MESSAGES[msgid]
    assert message.en == msgid
    assert _percent_fields(message.vi) == _percent_fields(msgid)
    assert message.vi != msgid


def _text_keys_in_source() -> Iterator[tuple[Path, str]]:
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and (
                    (isinstance(node.func, ast.Name) and node.func.id in TAKES_A_KEY)
                    or (isinstance(node.func, ast.Attribute) and node.func.attr == "text")
                )
            ):
                yield path, node.args[0].value


def test_every_key_the_code_asks_for_is_in_the_catalogue() -> None:
    asked = list(_text_keys_in_source())
    assert len(asked) > 100
    unknown = [f"{path.name}: {key}" for path, key in asked if key not in MESSAGES]
    assert not unknown


#: Vietnamese letters beyond ASCII: a text with none of them is not Vietnamese.
_VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)
#: Words a person reads; file names, identifiers (with "_" or ".") and rich markup are none.
_WORD = re.compile(r"[A-Za-z]{3,}")
_NOT_WORDS = re.compile(r"[\w.]*[_.][\w.]*|\[/?[a-z ]+\]")
_CATALOGUE_KEY = re.compile(r"[a-z_]+(\.[a-z_0-9]+)+")
#: Calls that put their text on the terminal: print, rich's console.print, a
#: stream's write, a progress bar's task.
_SHOWING = {"print", "write", "add_task"}

#: English-only texts that no officer reads on the terminal, each (module, the
#: text's start) with why. The test fails when an entry no longer matches, so the
#: list only shrinks.
ENGLISH_ALLOWED = {
    ("client.py", ""): "the intake machines' client library: its errors are for the programs that call it",
    ("generate.py", "members must be an integer"): "Python API check; the command line parses an int first",
    ("generate.py", "seed must be an integer"): "Python API check; argparse parses the seed",
    ("generate.py", "chunk_"): "Python API tuning argument, no flag",
    ("generate.py", "unknown format"): "Python API check; the command line's --format has choices",
    ("records.py", "chunk_size must be"): "Python API tuning argument, no flag",
    ("output_folder.py", "an OutputFolder is used"): "a programming error, never an input's",
    ("verifier/progress.py", "target per machine per day"): "Python API check; --per-day is checked first",
    ("verifier/admission.py", "too many streams"): "a gRPC status detail for the intake client's program",
    ("verifier/tls.py", "the client certificate"): "a gRPC status detail for the intake client's program",
    ("verifier/ledger.py", "submission_id was already used"): "a gRPC status detail for the intake client's program",
    ("verifier/ledger.py", "unreachable"): "an assertion in code, never raised",
    ("names_report.py", "left\t"): "the header of a TSV that programs read",
    ("names_report.py", "display\t"): "the header of a TSV that programs read",
}


def _literal(node: ast.AST) -> str | None:
    """A string literal's text, or an f-string's literal parts."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


def _english_only(shown: str) -> bool:
    return bool(_WORD.search(_NOT_WORDS.sub(" ", shown))) and not _VIETNAMESE.search(shown)


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    return node.func.attr if isinstance(node.func, ast.Attribute) else None


def _shown_texts(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Literal texts raised as an error's message or printed, outside the catalogue."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            arguments: list[ast.expr] = [node.exc.args[0]]
        elif isinstance(node, ast.Call) and _called(node) in _SHOWING:
            arguments = list(node.args)
        else:
            continue
        for argument in arguments:
            shown = _literal(argument)
            if shown is not None and not _CATALOGUE_KEY.fullmatch(shown):
                yield argument.lineno, shown


def test_no_english_only_text_is_printed_or_raised_outside_the_catalogue() -> None:
    used: set[tuple[str, str]] = set()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if module == "messages.py" or module.startswith("v1/"):
            continue
        for line, shown in _shown_texts(ast.parse(path.read_text(encoding="utf-8"))):
            if not _english_only(shown):
                continue
            allowed = [entry for entry in ENGLISH_ALLOWED if entry[0] == module and shown.startswith(entry[1])]
            used.update(allowed)
            if not allowed:
                found.append(f"{module}:{line}: {shown!r}")
    assert not found, "English-only text a person reads; give it a catalogue key"
    assert used == set(ENGLISH_ALLOWED), f"allowed but no longer there: {set(ENGLISH_ALLOWED) - used}"


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _is_pair(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Tuple)
        and len(node.elts) == 2
        and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
    )


def test_bilingual_texts_live_in_the_catalogue_only() -> None:
    """No module but the catalogue keeps its own (Vietnamese, English) pairs: a
    dict of string pairs, a ``Message``, or a literal written "tiếng Việt / English"."""
    bilingual = re.compile(_VIETNAMESE.pattern + r"[^/\n]* / [A-Za-z]", re.I)
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if module == "messages.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict) and node.values and all(_is_pair(v) for v in node.values):
                found.append(f"{module}:{node.lineno}: a dict of (vi, en) pairs")
            elif isinstance(node, ast.Call) and _called(node) == "Message":
                found.append(f"{module}:{node.lineno}: a Message")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and bilingual.search(node.value)
            ):
                found.append(f"{module}:{node.lineno}: {node.value!r}")
    assert not found


def test_the_checks_above_see_what_they_look_for() -> None:
    """The two scans catch the forms they are written for."""
    sample = ast.parse(
        'raise InvalidInputError(f"members must be positive, got {n}")\n'
        'print("wrote the files")\n'
        'print(text("generate.wrote", path=p))\n'
        'out.write(f"  worklist_{owner}.xlsx\\n")\n'
        'raise CataloguedError("value.positive", flag="--per-day")\n'
        'print("đã ghi")\n'
    )
    english = [shown for _, shown in _shown_texts(sample) if _english_only(shown)]
    assert sorted(english) == ["members must be positive, got ", "wrote the files"]
    assert _is_pair(ast.parse('("dòng trống", "blank")').body[0].value)  # type: ignore[attr-defined]


def test_the_environment_chooses_english_or_else_vietnamese() -> None:
    choose = messages.language_from_environment
    assert choose({}) == "vi"
    assert choose({"LANG": "C.UTF-8"}) == "vi"
    assert choose({"LANG": "en_US.UTF-8"}) == "en"
    assert choose({"LANG": "vi_VN.UTF-8"}) == "vi"
    assert choose({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "vi_VN.UTF-8"}) == "en"
    assert choose({"LC_ALL": "vi_VN.UTF-8", "LC_MESSAGES": "en_GB"}) == "vi"
    assert choose({"LANGUAGE": "en:vi", "LC_ALL": "vi_VN.UTF-8"}) == "en"
    assert choose({"LANGUAGE": "", "LC_ALL": "C", "LANG": "en_US.UTF-8"}) == "en"
    assert choose({"LANG": "fr_FR.UTF-8"}) == "vi"


def _parsers(lang: str) -> dict[str, argparse.ArgumentParser]:
    messages.set_language(lang)
    with cli._argparse_in_language():
        top = cli.build_parser()
    sub = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    return {"": top, **sub.choices}


def test_every_help_text_is_translated() -> None:
    vi, en = _parsers("vi"), _parsers("en")
    assert set(vi) == set(en) == {"", *COMMANDS}
    for command in vi:
        assert vi[command].description != en[command].description, command
        if command:
            assert vi[command].epilog != en[command].epilog and "Ví dụ" in str(vi[command].epilog), command
        helps_vi = {a.dest: a.help for a in vi[command]._actions if a.help not in (None, argparse.SUPPRESS)}
        helps_en = {a.dest: a.help for a in en[command]._actions if a.help not in (None, argparse.SUPPRESS)}
        assert helps_vi.keys() == helps_en.keys()
        for dest, shown in helps_vi.items():
            assert shown and helps_en[dest], (command, dest)
            assert shown != helps_en[dest], f"{command} {dest}: the same in both languages: {shown!r}"


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_in_both_languages(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    words = [command] if command else []
    assert cli.main(["--lang", "vi", *words, "--help"]) == 0
    shown_vi = capsys.readouterr().out
    assert shown_vi.startswith("cách dùng: doichieu")
    assert "tuỳ chọn:" in shown_vi and "Ví dụ" in shown_vi
    for english in ("usage:", "options:", "show this help", "positional arguments", "(default"):
        assert english not in shown_vi
    assert cli.main(["--lang", "en", *words, "--help"]) == 0
    shown_en = capsys.readouterr().out
    assert shown_en.startswith("usage: doichieu") and "options:" in shown_en and "Examples" in shown_en
    # --lang after the command's name works as well.
    if command:
        assert cli.main([command, "--help", "--lang", "en"]) == 0
        assert capsys.readouterr().out == shown_en


def test_version_comes_from_the_package(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"doichieu {metadata.version('doichieu')}"


def _one_error_line(captured: pytest.CaptureFixture[str]) -> str:
    err = captured.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "vi", "en"),
    [
        (["revalidate"], "thiếu các tham số bắt buộc", "the following arguments are required"),
        (["dedupe", "--roster", "r.csv", "--out", "o", "--threshold", "x"], "không hợp lệ", "invalid float value"),
        (["no-such-command"], "lựa chọn không hợp lệ", "invalid choice"),
        (["--lang", "fr", "names"], "lựa chọn không hợp lệ", "invalid choice"),
        (["progress", "--target", "x"], "tham số không nhận ra", "unrecognized arguments"),
        (
            ["serve", "--population", "p.csv", "--per-day", "0"],
            "--per-day phải lớn hơn 0",
            "--per-day must be positive",
        ),
        (["generate", "--members", "10"], "cần --out", "--out FOLDER is required"),
        (["names", "/no/such/file.txt"], "không có tệp này", "no such file"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    argv: list[str], vi: str, en: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert cli.main(argv) == 2
    assert vi in _one_error_line(capsys)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert cli.main(argv) == 2
    assert en in _one_error_line(capsys)


def test_file_and_column_errors_reach_the_user_through_the_catalogue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.csv"
    pl.DataFrame({"ho_ten": ["A"], "cot_la": ["x"]}).write_csv(roster)
    args = ["revalidate", "--roster", str(roster), "--population", str(roster), "--out", str(tmp_path / "o")]
    assert cli.main(["--lang", "vi", *args]) == 2
    line = _one_error_line(capsys)
    assert "thiếu cột bắt buộc" in line and "--ignore-unknown-columns" in line
    assert "extra_columns" not in line and "missing" not in line
    assert cli.main(["--lang", "en", *args]) == 2
    line = _one_error_line(capsys)
    assert "missing required column(s)" in line and "--ignore-unknown-columns" in line
    # dedupe sets unknown columns aside by itself: nothing to suggest.
    assert cli.main(["--lang", "vi", "dedupe", "--roster", str(roster), "--out", str(tmp_path / "d")]) == 2
    assert "--ignore-unknown-columns" not in _one_error_line(capsys)
    odd = tmp_path / "roster.json"
    odd.write_text("{}")
    assert cli.main(["--lang", "vi", "dedupe", "--roster", str(odd), "--out", str(tmp_path / "d")]) == 2
    assert "không hỗ trợ loại tệp .json" in _one_error_line(capsys)


def test_the_api_keeps_english_messages_and_names_no_api_option() -> None:
    error = ColumnError("roster r.csv", missing=("status",), unknown=("x",), accepted="status: 'Trạng thái'")
    assert str(error).startswith("roster r.csv: missing required column(s): status")
    assert "extra_columns" not in str(error)
    assert error.message("vi").startswith("danh sách r.csv: thiếu cột bắt buộc: status")
    assert CataloguedError("file.empty", file="a.csv").message("vi") == "a.csv: tệp rỗng (0 byte)"


def test_ctrl_c_stops_with_one_line_and_130(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: object, **__: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "write_names_report", interrupted)
    names = tmp_path / "names.txt"
    names.write_text("Nguyễn Văn A\n", encoding="utf-8")
    assert cli.main(["--lang", "vi", "names", str(names)]) == 130
    assert "đã dừng" in _one_error_line(capsys)
    assert cli.main(["--lang", "en", "names", str(names)]) == 130
    assert "stopped (Ctrl-C)" in _one_error_line(capsys)


def test_the_installed_command_speaks_vietnamese_unless_told(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    command = [sys.executable, "-m", "doichieu", "names", str(tmp_path / "missing.txt")]
    vi = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    assert (
        vi.returncode == 2 and vi.stderr.strip() == f"doichieu names: lỗi: {tmp_path / 'missing.txt'}: không có tệp này"
    )
    en = subprocess.run(
        command, capture_output=True, text=True, env={**environment, "LANG": "en_US.UTF-8"}, check=False
    )
    assert (
        en.returncode == 2 and en.stderr.strip() == f"doichieu names: error: {tmp_path / 'missing.txt'}: no such file"
    )


def test_summaries_use_the_vocabulary_titles(capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import date

    from doichieu.revalidate import print_summary
    from doichieu.summary import Summary
    from doichieu.vocabulary import DUPLICATE_TERMS, OWNER_TERMS, VERDICT_TERMS

    summary = Summary(
        members=3,
        population=4,
        as_of=date(2025, 9, 1),
        verdicts={"accept": 1, "review": 1, "reject": 1},
        codes={"DOB_MISMATCH": 1},
        owners={"police": 1},
    )
    for lang in LANGUAGES:
        messages.set_language(lang)
        print_summary(summary, sys.stdout)
        shown = capsys.readouterr().out
        for terms in (VERDICT_TERMS, DUPLICATE_TERMS):
            for term in terms.values():
                assert messages.title(term) in shown
        assert messages.title(OWNER_TERMS["police"]) in shown
        assert messages.text("revalidate.verdicts") in shown


@pytest.mark.parametrize("lang", LANGUAGES)
def test_progress_and_simulation_tables_speak_the_language(lang: str) -> None:
    import io
    from collections import Counter
    from datetime import UTC, datetime, timedelta

    from rich.console import Console

    from doichieu.progress_cli import render
    from doichieu.simulate import Summary, print_summary
    from doichieu.v1 import verifier_pb2 as pb

    messages.set_language(lang)
    report = pb.GetProgressResponse(shift="08:00-23:00", target_per_machine_per_day=250, active_machines=1)
    report.total.required, report.total.done, report.total.remaining = 10, 4, 6
    ward = report.wards.add(key="Phường A", required=10, done=4, remaining=6, intakes=4)
    ward.observed_per_day = 1.0
    report.machines.add(key="site-1/m-01", intakes=4, done=4)
    report.sites.add(key="site-1", done=4)
    report.party_units.add(key="Chi bộ 1", required=10, done=4, remaining=6)
    shown = io.StringIO()
    render(report, Console(file=shown, width=200), deadline=datetime.now(UTC) + timedelta(hours=1))
    machine_counts = Counter(accept=3, review=1)
    print_summary(
        Summary(members_booked=10, verdicts=Counter(accept=3, review=1), per_machine={"site-1/m-01": machine_counts}),
        Console(file=shown, width=200),
    )
    printed = shown.getvalue()
    for key in ("progress.wards", "progress.sites", "progress.machines_title", "progress.units_title"):
        assert messages.text(key) in printed
    assert messages.text("progress.wards_missing", deadline="").split("(")[0] in printed
    assert messages.text("simulate.title") in printed and messages.text("simulate.per_machine") in printed
    english_only = ("Wards", "Sites", "Campaign progress", "Intake simulation", "Per machine", "Will miss")
    assert lang == "en" or not any(word in printed for word in english_only)


def test_reader_lines_come_from_the_catalogue_in_either_language() -> None:
    from doichieu.table_layout import SKIP_REASONS, TableReading

    reading = TableReading(
        file="ds.xlsx",
        sheet="DS",
        sheets_passed=("Hướng dẫn",),
        header_row=4,
        header_found="given",
        rows=1200,
        skipped={reason: 1 for reason in SKIP_REASONS},
        control_characters=3,
        control_cells=2,
    )
    vi, en = reading.lines_in("vi"), reading.lines_in("en")
    assert reading.lines() == list(zip(vi, en, strict=True))
    assert vi[0] == "đọc ds.xlsx, trang 'DS', tiêu đề ở dòng 4 (theo --header-row): 1,200 dòng dữ liệu"
    assert en[0] == "read ds.xlsx, sheet 'DS', headers on row 4 (from --header-row): 1,200 data rows"
    for reason in SKIP_REASONS:
        assert messages.text_in("vi", f"reading.skip.{reason}", count=1) in vi[3]
        assert messages.text_in("en", f"reading.skip.{reason}", count=1) in en[3]
    for lang in LANGUAGES:
        messages.set_language(lang)
        assert reading.shown() == reading.lines_in(lang)


def test_work_lists_are_vietnamese_documents_whatever_the_language() -> None:
    from doichieu import worklist

    shown = {}
    for lang in LANGUAGES:
        messages.set_language(lang)
        shown[lang] = [worklist.header(c) for c in worklist.WORKLIST_COLUMNS]
    assert shown["vi"] == shown["en"]
    assert worklist.header("action_vi") == messages.text_in("vi", "worklist.column.action_vi") == "Việc cần làm"
    # The officer's columns are what a later reader keys on: they never change.
    assert (worklist.DONE_HEADER, worklist.NOTE_HEADER) == ("Đã xử lý", "Ghi chú")
    assert worklist.DONE_HEADER in shown["en"] and worklist.NOTE_HEADER in shown["en"]
    assert worklist.TITLES["done"] == messages.MESSAGES["worklist.column.done"]


def test_a_file_that_is_not_a_model_is_told_in_the_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "mo_hinh.json"
    model.write_text('{"format": "doichieu.dedup-model", "version": 9}', encoding="utf-8")
    args = ["dedupe", "--roster", str(tmp_path / "r.csv"), "--out", str(tmp_path / "o"), "--model", str(model)]
    assert cli.main(["--lang", "vi", *args]) == 2
    line = _one_error_line(capsys)
    assert "mo_hinh.json: không phải mô hình trùng lặp dùng được" in line and "version 9" in line
    assert cli.main(["--lang", "en", *args]) == 2
    assert "mo_hinh.json: not a usable duplicate model" in _one_error_line(capsys)
