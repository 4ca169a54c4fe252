"""Per-code recall and precision of the record model on the generator's truth.

A province of 20,000 members (seed 11) is generated to Parquet, read back with
`load_roster`/`load_population` and cross-checked with `verify_all`; the findings
are compared with `truth_findings.csv` per code, counting (member, code, field)
with multiplicity. The table is printed (`pytest -s` or `-rA` shows it).

What the truth is independent of: the generator decides every date, gender,
hometown province, citizen number and party-side fact as structured values and
writes the text in many forms (partial dates, Excel-style and ISO dates, Nam/M/1,
old and new province names, separators in numbers, legacy encodings, upper case,
NFD), so the codes for dates, gender, hometown, IDs, card numbers, status and
admission dates test the engine's readers and checks against values it never saw.
What it is not independent of: a planted name change (typo, missing middle name,
spelling variant, …) is kept only when the name layer's comparator classifies it
as intended, and re-drawn or dropped otherwise, so the name codes' recall measures
the record model's use of the comparator, not the comparator itself (that is
measured in tests/test_names_*.py and the names benchmark).

The floors come from what is measured (every code 1.000 at 20,000 and at
102,235 members, see benches/recorded/truth-scores.md); they leave room for a
stray disagreement in the rarest codes, each of which is planted at least
`MIN_PLANTED` times here, so one miss is visible in the printed table.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from doichieu.generate import generate_province
from doichieu.records import PopulationIndex, finding_codes, load_population, load_roster

MEMBERS = 20_000
SEED = 11
AS_OF = date(2025, 9, 1)
RECALL_FLOOR = 0.98
PRECISION_FLOOR = 0.98
MIN_PLANTED = 15
KEY = ["member_id", "code", "field"]


def score_table(found: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """Per code: planted, found, true positives (per member and field, with
    multiplicity), recall and precision; codes found but never planted included."""
    want = truth.group_by(KEY).len("want")
    got = found.group_by(KEY).len("got")
    both = want.join(got, on=KEY, how="full", coalesce=True).fill_null(0)
    return (
        both.with_columns(pl.min_horizontal("want", "got").alias("tp"))
        .group_by("code")
        .agg(pl.sum("want").alias("planted"), pl.sum("got").alias("found"), pl.sum("tp"))
        .with_columns(
            pl.when(pl.col("planted") > 0).then(pl.col("tp") / pl.col("planted")).alias("recall"),
            pl.when(pl.col("found") > 0).then(pl.col("tp") / pl.col("found")).alias("precision"),
        )
        .sort("code")
    )


def render(table: pl.DataFrame) -> str:
    """The table as Markdown, with a total row (micro recall and precision)."""

    def num(x: float | None) -> str:
        return "—" if x is None else f"{x:.3f}"

    lines = ["| code | planted | found | recall | precision |", "|---|---:|---:|---:|---:|"]
    for row in table.iter_rows(named=True):
        lines.append(
            f"| {row['code']} | {row['planted']:,} | {row['found']:,} | {num(row['recall'])} | {num(row['precision'])} |"
        )
    planted, found, tp = (int(table[c].sum()) for c in ("planted", "found", "tp"))
    lines.append(
        f"| **all codes** | **{planted:,}** | **{found:,}** | **{num(tp / planted if planted else None)}** | "
        f"**{num(tp / found if found else None)}** |"
    )
    return "\n".join(lines)


def scores_for(folder: Path, members: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Generates a province into `folder` and returns (per-code scores, verdicts)."""
    result = generate_province(folder, members=members, seed=seed, fmt="parquet")
    index = PopulationIndex(load_population(result.population), as_of=AS_OF)
    found, verdicts = index.verify_all(load_roster(result.roster))
    truth = pl.read_csv(result.truth_findings, infer_schema=False)
    return score_table(found, truth), verdicts


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, pl.DataFrame]:
    return scores_for(tmp_path_factory.mktemp("province"), MEMBERS, SEED)


def test_per_code_recall_and_precision(scored: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    table, _ = scored
    print(f"\nrecall and precision per code, {MEMBERS:,} members, seed {SEED} (truth: truth_findings.csv)\n")
    print(render(table))
    planted = table.filter(pl.col("planted") > 0)
    low = planted.filter((pl.col("recall") < RECALL_FLOOR) | (pl.col("precision") < PRECISION_FLOOR))
    assert low.height == 0, f"codes under the floors (recall ≥ {RECALL_FLOOR}, precision ≥ {PRECISION_FLOOR}):\n{low}"
    # Findings of a code the generator never plants are false positives by definition.
    unplanted = table.filter((pl.col("planted") == 0) & (pl.col("found") > 0))
    assert unplanted.height == 0, f"codes found but never planted:\n{unplanted}"


def test_every_code_of_the_issue_is_planted_often_enough_to_score(scored: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    table, _ = scored
    counts = dict(table.select("code", "planted").iter_rows())
    # The codes the generator has a cause for; the others (VALUE_MISSING, VALUE_UNREADABLE,
    # CITIZEN_ID_LEADING_ZERO, POPULATION_DUPLICATE_ID) are planted by the record model's own tests,
    # and CITIZEN_ID_SHARED comes from deduplication, scored on truth_duplicates (tests/test_dedup.py).
    generated = {
        c
        for c in finding_codes()["code"]
        if c
        not in {
            "VALUE_MISSING",
            "VALUE_UNREADABLE",
            "CITIZEN_ID_LEADING_ZERO",
            "POPULATION_DUPLICATE_ID",
            "CITIZEN_ID_SHARED",
        }
    }
    thin = {c: counts.get(c, 0) for c in generated if counts.get(c, 0) < MIN_PLANTED}
    assert not thin, f"codes planted fewer than {MIN_PLANTED} times in {MEMBERS:,} members: {thin}"


def test_verdicts_follow_the_worst_finding(scored: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    _, verdicts = scored
    shares = verdicts.group_by("verdict").len().with_columns(pl.col("len") / verdicts.height)
    print("\nverdict shares:", dict(shares.iter_rows()))
    share = dict(shares.iter_rows())
    # Mostly clean, as a province is: about four in five accepted at the default noise rates.
    assert set(share) <= {"accept", "review", "reject"}
    assert share.get("accept", 0) > 0.6 and share.get("reject", 0) < 0.2


def write_recorded(members: int, seed: int, out: Path) -> str:
    """Scores a province of `members` and writes the per-code table to `out`."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        table, verdicts = scores_for(Path(folder), members, seed)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    shares = dict(verdicts.group_by("verdict").len().iter_rows())
    page = "\n".join(
        [
            "## Recorded by hand: recall and precision per finding code on the generator's truth",
            "",
            f"Written by `.venv/bin/python tests/test_truth_scores.py {members} {seed}` (commit {commit or 'unknown'}, "
            f"{date.today().isoformat()}); not re-measured by `make bench`. A province of {members:,} members (seed {seed}) "
            "from `doichieu generate --format parquet`, cross-checked by `load_roster` + `load_population` + "
            "`PopulationIndex(as_of=2025-09-01)` + `verify_all`, against `truth_findings.csv`, counting (member, code, field) "
            "with multiplicity. `make test` runs the same scoring on 20,000 members (tests/test_truth_scores.py).",
            "",
            render(table),
            "",
            f"Verdicts: {', '.join(f'{k} {v:,}' for k, v in sorted(shares.items()))} of {verdicts.height:,} roster rows.",
            "",
            "The name codes are not an independent measurement of the name comparator: the generator keeps a planted name "
            "change only when the comparator classifies it as intended (and re-draws or drops it otherwise), so their "
            "recall shows the record model applies the comparator's verdicts correctly (aliases, birth names, "
            "owners). Dates, gender, hometowns, numbers, cards, status and admission dates are decided as values by the "
            "generator and written as text in many forms, so those codes do test the engine's readers.",
            "",
        ]
    )
    out.write_text(page, encoding="utf-8")
    return page


if __name__ == "__main__":
    import sys

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 102_235
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    target = Path(__file__).resolve().parent.parent / "benches" / "recorded" / "truth-scores.md"
    print(write_recorded(size, seed, target))
    print(f"wrote {target}")
