"""The ``doichieu`` command line.

Each sub-command is a thin driver over the library; bulk work goes to the engine
in one call per batch. Everything it prints comes from ``doichieu.messages``, in
Vietnamese unless ``--lang en`` or the environment asks for English; an error
is one line on stderr and exit status 2, Ctrl-C one line and 130.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import sys
from collections.abc import Iterator, Sequence
from importlib import metadata
from typing import TextIO

from doichieu import messages
from doichieu.errors import CataloguedError, ColumnError, DoichieuError
from doichieu.messages import text, title
from doichieu.names_report import write_names_report
from doichieu.spark_options import DRIVER_MEMORY, MASTER, SHUFFLE_PARTITIONS
from doichieu.table_layout import add_table_arguments

PROG = "doichieu"


def _read_lines(source: TextIO) -> list[str]:
    return [line.rstrip("\r\n") for line in source if line.strip() and not line.startswith("#")]


def cmd_names(args: argparse.Namespace) -> int:
    """One name per line → TSV of display form, same-name key and blocking key;
    two tab-separated names per line → TSV of kind, score and the differing syllables."""
    try:
        if args.input in (None, "-"):
            lines = _read_lines(sys.stdin)
        else:
            with open(args.input, encoding="utf-8", errors="strict") as src:
                lines = _read_lines(src)
    except UnicodeDecodeError as exc:
        raise CataloguedError("file.names_not_utf8", file=args.input or "stdin", offset=exc.start) from exc
    return write_names_report(lines, sys.stdout, explain=args.explain)


def cmd_dedupe(args: argparse.Namespace) -> int:
    """Duplicate pairs and clusters of one roster file → pairs.csv, clusters.csv."""
    from doichieu.dedup import (
        OUTPUT_PATTERNS,
        SHARED_NUMBER,
        find_duplicates,
        load_dedup_roster,
        load_model,
        skipped_lines,
        write_outputs,
    )
    from doichieu.output_folder import OutputFolder
    from doichieu.records import TableReading
    from doichieu.vocabulary import DUPLICATE_TERMS

    def tell(reading: TableReading) -> None:
        for line in reading.shown():
            print(line)

    model = load_model(args.model) if args.model else None
    parts: list[str] = []
    if args.engine == "spark":
        from doichieu.spark.command import dedupe_on_spark

        folder = OutputFolder(args.out, "dedupe", expected=OUTPUT_PATTERNS)
        with folder:
            done = dedupe_on_spark(
                args.roster,
                folder,
                threshold=args.threshold,
                model=model,
                master=args.master,
                shuffle_partitions=args.shuffle_partitions,
                driver_memory=args.driver_memory,
                cluster_bound=args.cluster_bound,
            )
        members, candidates, warnings, found_model = done.members, done.candidate_pairs, done.warnings, done.model
        by_type, people = done.by_type, done.people
        pairs_path, clusters_path = folder.path("pairs.csv"), folder.path("clusters.csv")
        parts = [str(folder.path(name)) for name in ("pairs", "clusters")]
    else:
        roster = load_dedup_roster(args.roster, sheet=args.sheet, header_row=args.header_row, on_read=tell)
        # A folder that cannot take the outputs is refused before the work, not after.
        folder = OutputFolder(args.out, "dedupe", expected=OUTPUT_PATTERNS)
        result = find_duplicates(roster, threshold=args.threshold, model=model)
        members, candidates, warnings, found_model = (
            roster.height,
            result.candidate_pairs,
            result.warnings,
            result.model,
        )
        with folder:
            pairs_path, clusters_path = write_outputs(result, folder)
        people = result.clusters["cluster_id"].n_unique() if result.clusters.height else 0
        by_type = list(result.pairs.group_by("type").len().sort("type").iter_rows()) if result.pairs.height else []
    if args.save_model:
        found_model.save(args.save_model)
        print(text("dedupe.saved_model", path=args.save_model))
    print(text("dedupe.compared", members=members, candidates=candidates))
    shared = dict(by_type).get(SHARED_NUMBER, 0)
    print(text("dedupe.found", pairs=sum(n for _, n in by_type) - shared, clusters=people))
    for kind, count in by_type:
        if kind != SHARED_NUMBER:
            print(text("dedupe.by_type", type=f"{title(DUPLICATE_TERMS[kind])} ({kind})", count=count))
    if shared:
        print(text("dedupe.shared", pairs=shared, type=f"{title(DUPLICATE_TERMS[SHARED_NUMBER])} ({SHARED_NUMBER})"))
    for line in skipped_lines(warnings):
        print(text("dedupe.warning", warning=line), file=sys.stderr)
    print(text("dedupe.wrote", pairs=pairs_path, clusters=clusters_path))
    if parts:
        print(text("spark.wrote_parts", folders=", ".join(parts)))
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, with an error told in one line (no usage block) and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        line = text("error.line", prog=self.prog, message=message)
        self.exit(2, f"{line} {text('error.see_help', prog=self.prog)}\n")


def _command(sub: argparse._SubParsersAction[_Parser], name: str, parents: list[_Parser]) -> _Parser:
    return sub.add_parser(
        name,
        help=text(f"{name}.help"),
        description=text(f"{name}.help"),
        epilog=text(f"{name}.epilog"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=parents,
    )


def _version() -> str:
    try:
        return metadata.version("doichieu")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source tree never installed
        return "0+unknown"


def _language_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--lang", choices=messages.LANGUAGES, default=default, help=text("cli.lang"))


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, its texts in the language in force."""
    parser = _Parser(
        prog=PROG,
        description=text("cli.description"),
        epilog=text("cli.epilog"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}", help=text("cli.version"))
    _language_option(parser, messages.language())
    # Each command takes --lang too, after its name; SUPPRESS keeps the global value.
    language = _Parser(add_help=False)
    _language_option(language, argparse.SUPPRESS)
    common = [language]
    sub = parser.add_subparsers(
        dest="command", required=True, title=text("cli.commands"), metavar=text("cli.command_metavar")
    )

    names = _command(sub, "names", common)
    names.add_argument("input", nargs="?", help=text("names.input"))
    names.add_argument("--explain", action="store_true", help=text("names.explain"))
    names.set_defaults(func=cmd_names)

    dedupe = _command(sub, "dedupe", common)
    file = text("metavar.file")
    dedupe.add_argument("--roster", required=True, help=text("dedupe.roster"))
    dedupe.add_argument("--out", required=True, help=text("dedupe.out"))
    dedupe.add_argument("--threshold", type=float, default=0.9, help=text("dedupe.threshold"))
    dedupe.add_argument("--model", metavar=file, help=text("dedupe.model"))
    dedupe.add_argument("--save-model", metavar=file, help=text("dedupe.save_model"))
    dedupe.add_argument("--engine", choices=("local", "spark"), default="local", help=text("dedupe.engine"))
    dedupe.add_argument("--master", default=MASTER, help=text("revalidate.master", default=MASTER))
    dedupe.add_argument(
        "--shuffle-partitions", type=int, default=SHUFFLE_PARTITIONS, help=text("revalidate.shuffle_partitions")
    )
    dedupe.add_argument(
        "--driver-memory", default=DRIVER_MEMORY, help=text("revalidate.driver_memory", default=DRIVER_MEMORY)
    )
    dedupe.add_argument("--cluster-bound", type=int, default=None, help=text("dedupe.cluster_bound"))
    add_table_arguments(dedupe, "roster")
    dedupe.set_defaults(func=cmd_dedupe)

    from doichieu.verifier.command import add_serve_arguments

    add_serve_arguments(_command(sub, "serve", common))

    from doichieu.audit_cli import add_audit_arguments

    add_audit_arguments(_command(sub, "audit", common), common)

    from doichieu import generate as generate_module

    generate = _command(sub, "generate", common)
    generate_module.add_arguments(generate)
    generate.set_defaults(func=generate_module.main)

    from doichieu.revalidate import add_revalidate_arguments

    add_revalidate_arguments(_command(sub, "revalidate", common))

    from doichieu.campaign.command import add_worklists_arguments

    add_worklists_arguments(_command(sub, "worklists", common))

    from doichieu.progress_cli import add_progress_arguments

    add_progress_arguments(_command(sub, "progress", common))

    from doichieu.progress_server import add_page_arguments

    add_page_arguments(_command(sub, "progress-page", common))

    from doichieu.simulate import add_simulate_arguments

    add_simulate_arguments(_command(sub, "simulate", common))

    from doichieu import demo as demo_module

    demo_module.add_arguments(_command(sub, "demo", common))
    return parser


def _language_asked(argv: Sequence[str]) -> str | None:
    """The value of the last ``--lang`` before ``--``, if any."""
    asked = None
    for k, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and k + 1 < len(argv):
            asked = argv[k + 1]
        elif arg.startswith("--lang="):
            asked = arg.partition("=")[2]
    return asked


@contextlib.contextmanager
def _argparse_in_language() -> Iterator[None]:
    """argparse's own words ("usage:", "options", its errors) through the
    catalogue, by its gettext hooks, for as long as the command line is read."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = messages.argparse_gettext, messages.argparse_ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _os_error(exc: OSError) -> str:
    path = exc.filename if exc.filename is not None else ""
    if not path:
        return text("error.other", detail=exc.strerror or str(exc))
    keys = {
        errno.ENOENT: "file.not_found",
        errno.EACCES: "file.permission",
        errno.EPERM: "file.permission",
        errno.EISDIR: "file.is_folder",
        errno.ENOTDIR: "file.not_folder",
        errno.EEXIST: "file.not_folder",
        errno.ENOSPC: "file.no_space",
    }
    key = keys.get(exc.errno or 0)
    if key is None:
        return text("file.os_error", path=path, reason=exc.strerror or type(exc).__name__)
    return text(key, path=path)


def _message(exc: BaseException, args: argparse.Namespace) -> str:
    """What went wrong, in the language in force."""
    if isinstance(exc, CataloguedError):
        told = exc.message()
        if isinstance(exc, ColumnError) and exc.unknown and hasattr(args, "ignore_unknown_columns"):
            told += text("columns.ignore_hint")
        return told
    if isinstance(exc, OSError):
        return _os_error(exc)
    # The engine's own errors (a value it refuses) carry no catalogue key.
    return text("error.other", detail=str(exc))


def _notes(exc: BaseException) -> list[str]:
    """What was added on the way out (an output folder says its previous outputs stay)."""
    return [str(note) for note in getattr(exc, "__notes__", ())]


def _one_line(message: str) -> str:
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    asked = _language_asked(argv)
    messages.set_language(asked if asked in messages.LANGUAGES else messages.language_from_environment())
    try:
        with _argparse_in_language():
            args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help, --version, or a mistake argparse has reported
        return done.code if isinstance(done.code, int) else 2
    prog = f"{PROG} {args.command}"
    try:
        return int(args.func(args))
    except KeyboardInterrupt as stop:
        print(_one_line(" ".join([text("error.interrupted", prog=prog), *_notes(stop)])), file=sys.stderr)
        return 130
    except (DoichieuError, OSError) as exc:
        told = [_message(exc, args), *_notes(exc)]
    except Exception as exc:  # a person reads one line, never a traceback
        if sys.flags.dev_mode:
            raise
        told = [text("error.unexpected", kind=type(exc).__name__), *_notes(exc)]
    print(_one_line(text("error.line", prog=prog, message=" ".join(told))), file=sys.stderr)
    return 2
