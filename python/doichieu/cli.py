"""The ``doichieu`` command line.

Each sub-command is a thin driver over the library; bulk work goes to the engine
in one call per batch.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from doichieu.errors import DoichieuError
from doichieu.names_report import write_names_report


def _read_lines(source: TextIO) -> list[str]:
    return [line.rstrip("\r\n") for line in source if line.strip() and not line.startswith("#")]


def _open_input(path: str | None) -> TextIO:
    if path is None or path == "-":
        return sys.stdin
    return open(path, encoding="utf-8", errors="strict")


def cmd_names(args: argparse.Namespace) -> int:
    """One name per line → TSV of display form, same-name key and blocking key;
    two tab-separated names per line → TSV of kind, score and the differing syllables."""
    try:
        with _open_input(args.input) if args.input not in (None, "-") else _nullcontext(sys.stdin) as src:
            lines = _read_lines(src)
    except UnicodeDecodeError as exc:
        raise DoichieuError(
            f"{args.input}: not UTF-8 (byte {exc.start}); re-save the file as UTF-8 "
            "(legacy VNI/TCVN3 text inside a UTF-8 file is repaired automatically)"
        ) from exc
    return write_names_report(lines, sys.stdout, explain=args.explain)


class _nullcontext:
    def __init__(self, value: TextIO) -> None:
        self.value = value

    def __enter__(self) -> TextIO:
        return self.value

    def __exit__(self, *exc: object) -> None:
        return None


def cmd_dedupe(args: argparse.Namespace) -> int:
    """Duplicate pairs and clusters of one roster file → pairs.csv, clusters.csv."""
    from doichieu.dedup import SHARED_NUMBER, DedupModel, find_duplicates, load_dedup_roster, write_outputs

    model = DedupModel.load(args.model) if args.model else None
    roster = load_dedup_roster(args.roster)
    result = find_duplicates(roster, threshold=args.threshold, model=model)
    pairs_path, clusters_path = write_outputs(result, args.out)
    if args.save_model:
        result.model.save(args.save_model)
        print(f"wrote the model to {args.save_model}")
    people = result.clusters["cluster_id"].n_unique() if result.clusters.height else 0
    by_type = list(result.pairs.group_by("type").len().sort("type").iter_rows()) if result.pairs.height else []
    print(f"{roster.height} members, {result.candidate_pairs} candidate pairs compared")
    shared = dict(by_type).get(SHARED_NUMBER, 0)
    print(f"{result.pairs.height - shared} duplicate pairs, {people} clusters of one person")
    for kind, count in by_type:
        if kind != SHARED_NUMBER:
            print(f"  {kind}: {count}")
    if shared:
        print(f"{shared} pairs of two people on one citizen ID ({SHARED_NUMBER}), listed apart and never clustered")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"wrote {pairs_path} and {clusters_path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="doichieu", description="Cross-check party rosters against population records."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    names = sub.add_parser("names", help="normalise names, or compare tab-separated pairs, from a file or stdin")
    names.add_argument("input", nargs="?", help="UTF-8 text file (default: stdin)")
    names.add_argument("--explain", action="store_true", help="show which syllable differs and how")
    names.set_defaults(func=cmd_names)

    dedupe = sub.add_parser("dedupe", help="find members held twice in one roster (CSV, xlsx or Parquet)")
    dedupe.add_argument("--roster", required=True, help="roster file")
    dedupe.add_argument("--out", required=True, help="folder for pairs.csv and clusters.csv")
    dedupe.add_argument("--threshold", type=float, default=0.9, help="match probability for a duplicate (default 0.9)")
    dedupe.add_argument("--model", metavar="FILE", help="score with this saved model instead of training one")
    dedupe.add_argument(
        "--save-model", metavar="FILE", help="save the model used (trained or given) to FILE (mode 0600)"
    )
    dedupe.set_defaults(func=cmd_dedupe)

    from doichieu.verifier.command import add_serve_arguments

    serve = sub.add_parser("serve", help="run the gRPC verifier that intake sites call (see docs/verifier.md)")
    add_serve_arguments(serve)

    from doichieu import generate as generate_module

    generate = sub.add_parser("generate", help="write a synthetic province: roster, population and the planted truth")
    generate_module.add_arguments(generate)
    generate.set_defaults(func=generate_module.main)

    from doichieu.revalidate import add_revalidate_arguments

    revalidate = sub.add_parser(
        "revalidate", help="cross-check a roster against the population data (see docs/records.md)"
    )
    add_revalidate_arguments(revalidate)

    from doichieu.progress_cli import add_progress_arguments

    progress = sub.add_parser(
        "progress", help="campaign progress from a running verifier (GetProgress), with the deadline"
    )
    add_progress_arguments(progress)

    from doichieu.simulate import add_simulate_arguments

    simulate = sub.add_parser(
        "simulate", help="intake sites driving a running verifier over gRPC, on a compressed clock"
    )
    add_simulate_arguments(simulate)

    from doichieu import demo as demo_module

    demo = sub.add_parser(
        "demo",
        help="the whole campaign on a synthetic province: names, revalidation and report, "
        "verifier, a simulated intake day, progress",
    )
    demo_module.add_arguments(demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (DoichieuError, OSError) as exc:
        print(f"doichieu: error: {exc}", file=sys.stderr)
        return 2
