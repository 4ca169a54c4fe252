"""Old build against this one: `doichieu revalidate` and `doichieu dedupe` outputs
compared file by file, every difference listed with its cause.

    .venv/bin/python benches/golden_compare.py --golden /work/golden --old-commit d83a0f9

``--golden`` holds what the old build wrote (``prov{seed}/`` inputs,
``rv{seed}/`` revalidate outputs with ``--as-of 2025-09-01``, ``dd{seed}/``
dedupe outputs). This build runs the same commands on the same inputs, and
verdicts.csv, findings.csv, duplicates.csv, pairs.csv and clusters.csv are
compared row by row. Where duplicate pairs differ, the members involved are read
by the old build's Python parser (``prepare`` from ``python/doichieu/dedup.py``
at ``--old-commit``, loaded from git) and by the engine's (``dedup_columns``),
and the fields the two read differently are printed with their raw values: the
cause of the difference. Exits 1 when a file differs for any other reason.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import types
from pathlib import Path

import polars as pl

from doichieu.cli import main
from doichieu.dedup import dedup_columns
from doichieu.records import load_roster

ROOT = Path(__file__).resolve().parents[1]
#: The columns both parsers give, compared per member.
PARSED = (
    "birth_year",
    "birth_month",
    "birth_day",
    "gender",
    "citizen_id",
    "old_id",
    "hometown",
    "party_unit",
    "party_card",
    "admission_year",
    "admission_month",
    "admission_day",
)
#: The raw roster field behind each parsed column.
RAW = {
    "birth": "date_of_birth",
    "gender": "gender",
    "citizen_id": "citizen_id",
    "old_id": "citizen_id",
    "hometown": "hometown",
    "party_unit": "party_unit",
    "party_card": "party_card_number",
    "admission": "admission_date",
}


def old_prepare(commit: str) -> types.ModuleType:
    """The old build's dedup module, loaded from git (its parser is gone from the tree)."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{commit}:python/doichieu/dedup.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType("old_dedup")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "old_dedup.py", "exec"), module.__dict__)  # our own file, from our own history
    return module


def _rows(frame: pl.DataFrame, key: list[str]) -> dict[tuple[str, ...], tuple[str | None, ...]]:
    return {
        tuple(r[: len(key)]): tuple(r)
        for r in frame.select(*key, *(c for c in frame.columns if c not in key)).iter_rows()
    }


WEIGHT = re.compile(r"\([+-][0-9.]+\)")


def compare(name: str, old: Path, new: Path, key: list[str]) -> tuple[bool, set[tuple[str, ...]]]:
    """Prints whether two CSV files are identical, and if not, what changed per
    column; returns (identical, keys of rows added, dropped, or changed other
    than in the model's weights)."""
    a, b = old.read_bytes(), new.read_bytes()
    if a == b:
        rows = a.count(b"\n") - 1
        print(f"  {name}: identical ({rows:,} rows)")
        return True, set()
    fa, fb = pl.read_csv(old, infer_schema=False), pl.read_csv(new, infer_schema=False)
    # Columns this build adds (findings.csv's source_file, source_sheet, source_row)
    # are named; the rows are compared on the columns both have.
    added = [c for c in fb.columns if c not in fa.columns]
    if added and set(fa.columns) <= set(fb.columns):
        print(f"  {name}: columns added: {', '.join(added)}")
        fb = fb.select(fa.columns)
        if fa.equals(fb):
            print(f"  {name}: identical in the old columns ({fa.height:,} rows)")
            return True, set()
    if fa.columns != fb.columns:
        print(f"  {name}: columns differ: {fa.columns} / {fb.columns}")
        return False, set()
    columns = key + [c for c in fa.columns if c not in key]
    ra, rb = _rows(fa, key), _rows(fb, key)
    only_old = {k for k in ra if k not in rb}
    only_new = {k for k in rb if k not in ra}
    changed = {k for k in ra if k in rb and ra[k] != rb[k]}
    per_column: dict[str, int] = {}
    beyond_weights: set[tuple[str, ...]] = set()
    for k in changed:
        for c, x, y in zip(columns, ra[k], rb[k], strict=True):
            if x != y:
                per_column[c] = per_column.get(c, 0) + 1
                # The score and the match weight move with the model's weights, which
                # training learns from every member's fields.
                weights_only = c in ("match_weight", "score") or (
                    c == "explanation" and WEIGHT.sub("", x or "") == WEIGHT.sub("", y or "")
                )
                if not weights_only:
                    beyond_weights.add(k)
    order = " (same rows, other order)" if not (only_old or only_new or changed) else ""
    print(
        f"  {name}: differs{order}: {len(only_old)} rows only in the old, {len(only_new)} only in the new, "
        f"{len(changed)} changed ({', '.join(f'{c} in {n}' for c, n in sorted(per_column.items()))}); "
        f"{len(beyond_weights)} changed beyond the model's weights"
    )
    for k in sorted(only_old)[:10]:
        print(f"    only in the old: {k}")
    for k in sorted(only_new)[:10]:
        print(f"    only in the new: {k}")
    for k in sorted(beyond_weights)[:10]:
        diff = [f"{c}: {x!r} → {y!r}" for c, x, y in zip(columns, ra[k], rb[k], strict=True) if x != y]
        print(f"    changed {k}: {'; '.join(diff)}")
    return False, only_old | only_new | beyond_weights


def parser_differences(roster: pl.DataFrame, old: types.ModuleType) -> list[str]:
    """The roster fields the old Python parser and the engine read differently:
    per parsed column, how many members, by shape of the raw value (digits as 9)
    with one example."""
    before, after = old.prepare(roster), dedup_columns(roster)
    lines = []
    for column in PARSED:
        differs = before[column].cast(pl.String).fill_null("∅") != after[column].cast(pl.String).fill_null("∅")
        if not differs.any():
            continue
        raw = RAW[column.split("_")[0]] if column.split("_")[0] in RAW else RAW[column]
        shapes = (
            pl.DataFrame({"raw": roster[raw], "old": before[column], "new": after[column]})
            .filter(differs)
            .group_by(pl.col("raw").str.replace_all(r"\d", "9").alias("shape"))
            .agg(pl.len(), pl.col("raw", "old", "new").first())
            .sort("len", descending=True)
        )
        for shape, count, example, x, y in shapes.iter_rows():
            lines.append(f"    {column}: {count} members, {raw} shaped {shape!r} (e.g. {example!r}: {x!r} → {y!r})")
    return lines


def causes(roster: pl.DataFrame, members: set[str], old: types.ModuleType) -> list[str]:
    """For each member, the fields the old Python parser and the engine read differently."""
    picked = roster.filter(pl.col("member_id").is_in(sorted(members)))
    before = old.prepare(picked)
    after = dedup_columns(picked)
    lines = []
    for i, member in enumerate(picked["member_id"].to_list()):
        differs = []
        for column in PARSED:
            x, y = before[column][i], after[column][i]
            if x != y:
                raw = RAW[column.split("_")[0]] if column.split("_")[0] in RAW else RAW[column]
                differs.append(f"{column} {x!r} → {y!r} (roster {raw}={picked[raw][i]!r})")
        lines.append(f"    {member}: {'; '.join(differs) if differs else 'both parsers read it the same'}")
    return lines


def run_seed(golden: Path, seed: int, out: Path, old: types.ModuleType) -> bool:
    province = golden / f"prov{seed}"
    rv, dd = out / f"rv{seed}", out / f"dd{seed}"
    roster_path, population_path = province / "roster.csv", province / "population.csv"
    args = ["--roster", str(roster_path), "--population", str(population_path), "--as-of", "2025-09-01"]
    assert main(["revalidate", *args, "--out", str(rv)]) == 0
    assert main(["dedupe", "--roster", str(roster_path), "--out", str(dd)]) == 0
    print(f"seed {seed}:")
    clean = True
    ok, _ = compare("verdicts.csv", golden / f"rv{seed}/verdicts.csv", rv / "verdicts.csv", ["member_id"])
    clean &= ok
    ok, _ = compare(
        "findings.csv", golden / f"rv{seed}/findings.csv", rv / "findings.csv", ["member_id", "code", "field"]
    )
    clean &= ok
    involved: set[tuple[str, ...]] = set()
    pair_key = ["member_id_a", "member_id_b"]
    for name, old_file, new_file in (
        ("duplicates.csv", golden / f"rv{seed}/duplicates.csv", rv / "duplicates.csv"),
        ("pairs.csv", golden / f"dd{seed}/pairs.csv", dd / "pairs.csv"),
    ):
        _, keys = compare(name, old_file, new_file, pair_key)
        involved |= keys
    _, keys = compare(
        "clusters.csv", golden / f"dd{seed}/clusters.csv", dd / "clusters.csv", ["cluster_id", "member_id"]
    )
    roster = load_roster(roster_path)
    differences = parser_differences(roster, old)
    print("  fields the old Python parser and the engine read differently (the cause of every weight change):")
    print("\n".join(differences) or "    none")
    if involved:
        members = {m for pair in involved for m in pair}
        print(f"  members of pairs that differ beyond the model's weights ({len(members)}):")
        lines = causes(roster, members, old)
        print("\n".join(lines))
        read_differently = {line.split(":")[0].strip() for line in lines if "both parsers read it the same" not in line}
        # A pair is explained when the parsers read either of its members differently.
        clean &= all(read_differently & set(pair) for pair in involved)
    clean &= bool(differences) or not keys
    return clean


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--golden", type=Path, required=True)
    parser.add_argument("--old-commit", default="d83a0f9")
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11])
    parser.add_argument("--out", type=Path, default=None, help="folder for this build's outputs (default: a temp dir)")
    args = parser.parse_args(argv)
    old = old_prepare(args.old_commit)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        clean = all([run_seed(args.golden, seed, out, old) for seed in args.seeds])
    print("every difference explained by the parsers" if clean else "UNEXPLAINED DIFFERENCES")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main_())
