"""Deduplication on the generated province, beside Splink (issue 19).

One roster from `doichieu generate` (102,235 members, seed 7 unless told),
deduplicated by doichieu (`find_duplicates`, the roster alone) and by Splink 5
on DuckDB, each in a fresh interpreter one after the other (time and peak
memory of its own process), then scored on the generator's truth: precision,
recall and F1 on same-person pairs by planted type, and what each tool misses
counted by cause.

Splink is configured as its documentation recommends, with the preprocessing a
user without Vietnamese tooling would write (`splink_table`): NFC and lower
case, dates read from dd/mm/yyyy and ISO, IDs stripped of separators; blocking
on citizen ID, full name + birth year and card number; the name compared with
term frequencies; u from 10^7 random pairs, m by EM.

    .venv/bin/python benches/dedup_province.py --members 102235 --seed 7

prints the section's tables (Markdown). Needs the bench extras (splink, duckdb).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benchkit  # noqa: E402
from dedup_quality import _scores  # noqa: E402

#: Splink pairs at or above this probability are duplicates (doichieu's default threshold too).
THRESHOLD = 0.9
#: Random pairs Splink samples to estimate u.
U_PAIRS = 10**7
SPLINK = "Splink 5 + DuckDB"


# --- what a user without Vietnamese tooling writes before Splink -----------------------------


def _nfc_lower(s: str | None) -> str | None:
    if s is None:
        return None
    s = " ".join(unicodedata.normalize("NFC", s).lower().split())
    return s or None


def _date(column: str) -> pl.Expr:
    """dd/mm/yyyy (or d/m/yyyy, with - or .) and ISO yyyy-mm-dd; anything else null."""
    text = pl.col(column).str.strip_chars()
    dmy = text.str.to_date("%d/%m/%Y", strict=False)
    for fmt in ("%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        dmy = dmy.fill_null(text.str.to_date(fmt, strict=False))
    return dmy


GENDERS = {"nam": "m", "nữ": "f", "nu": "f", "m": "m", "f": "f", "male": "m", "female": "f", "1": "m", "0": "f"}


def splink_table(roster: pl.DataFrame) -> pl.DataFrame:
    dob = _date("date_of_birth")
    return roster.select(
        "member_id",
        pl.col("full_name").map_elements(_nfc_lower, return_dtype=pl.String),
        dob.dt.to_string("%Y-%m-%d").alias("date_of_birth"),
        dob.dt.year().cast(pl.String).alias("birth_year"),
        pl.col("gender").map_elements(lambda g: GENDERS.get(_nfc_lower(g) or ""), return_dtype=pl.String),
        pl.col("hometown").map_elements(_nfc_lower, return_dtype=pl.String),
        pl.col("citizen_id").str.replace_all(r"[^0-9]", "").replace("", None),
        pl.col("party_card_number").str.replace_all(r"[^0-9]", "").replace("", None),
        _date("admission_date").dt.to_string("%Y-%m-%d").alias("admission_date"),
    )


def splink_settings(date_format: str = "%Y-%m-%d") -> Any:
    """Splink's settings for the roster; ``date_format`` is the backend's pattern for
    the ISO dates ``splink_table`` writes (DuckDB's strptime, or Spark's ``yyyy-MM-dd``)."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="member_id",
        blocking_rules_to_generate_predictions=[
            block_on("citizen_id"),
            block_on("full_name", "birth_year"),
            block_on("party_card_number"),
        ],
        comparisons=[
            cl.NameComparison("full_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format=date_format, invalid_dates_as_null=True
            ),
            cl.ExactMatch("gender"),
            cl.ExactMatch("hometown"),
            cl.DamerauLevenshteinAtThresholds("citizen_id", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("party_card_number", [1, 2]),
            cl.DateOfBirthComparison(
                "admission_date", input_is_string=True, datetime_format=date_format, invalid_dates_as_null=True
            ),
        ],
    )


def splink_predict(linker: Any) -> Any:
    """Splink's training as its documentation recommends, then its pairs at ``THRESHOLD``
    (a SplinkDataFrame), whatever the backend."""
    from splink import block_on

    linker.training.estimate_probability_two_random_records_match(
        [block_on("citizen_id", "date_of_birth"), block_on("full_name", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("citizen_id"), estimate_without_term_frequencies=True
    )
    return linker.inference.predict(threshold_match_probability=THRESHOLD)


def splink_pairs(left: list[str], right: list[str]) -> pl.DataFrame:
    """Splink's pairs (``member_id_l``, ``member_id_r``) as ``find_duplicates`` names them."""
    return pl.DataFrame(
        {"member_id_a": left, "member_id_b": right, "type": ["same person"] * len(left)},
        schema={"member_id_a": pl.String, "member_id_b": pl.String, "type": pl.String},
    )


def run_splink(roster: pl.DataFrame) -> pl.DataFrame:
    from splink import DuckDBAPI, Linker

    table = splink_table(roster)
    linker = Linker(DuckDBAPI().register(table.to_arrow()), splink_settings())
    found = splink_predict(linker).as_pandas_dataframe()
    return splink_pairs(found["member_id_l"].astype(str).tolist(), found["member_id_r"].astype(str).tolist())


def run_doichieu(roster: pl.DataFrame) -> pl.DataFrame:
    from doichieu import find_duplicates

    return find_duplicates(roster).pairs.select("member_id_a", "member_id_b", "type")


# --- one tool in a fresh process ----------------------------------------------------------------


def _child(tool: str, roster_path: Path, out: Path) -> None:
    import resource

    roster = pl.read_parquet(roster_path)
    # Each tool's libraries are imported before the clock starts.
    if tool == "splink":
        import splink.comparison_library  # noqa: F401

        run = run_splink
    else:
        import doichieu  # noqa: F401

        run = run_doichieu

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    started, cpu_started = time.perf_counter(), cpu()
    above, pairs = benchkit.peak_above(lambda: run(roster))
    seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu_started
    pairs.write_parquet(out / f"{tool}.parquet")
    whole = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    cost = {"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_above": above, "peak_process": whole}
    (out / f"{tool}.json").write_text(json.dumps(cost))


def _measure(tool: str, roster_path: Path, out: Path) -> tuple[pl.DataFrame, dict[str, float]]:
    subprocess.run(
        [sys.executable, __file__, "--child", tool, "--roster", str(roster_path), "--out", str(out)], check=True
    )
    return pl.read_parquet(out / f"{tool}.parquet"), json.loads((out / f"{tool}.json").read_text())


# --- scoring ------------------------------------------------------------------------------------


def _key(frame: pl.DataFrame) -> set[tuple[str, str]]:
    return {(min(a, b), max(a, b)) for a, b in frame.select("member_id_a", "member_id_b").iter_rows()}


def _quality(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    precision, recall, f1 = _scores(found, truth)
    return {"precision": round(precision, 4), "recall": round(recall, 4), "F1": round(f1, 4)}


_YEAR_ONLY = re.compile(r"^\s*(\d{1,2}[/-])?\d{4}\s*$|^\s*0{1,2}/0{1,2}/\d{4}\s*$")


def _date_cause(text: str | None) -> str | None:
    if text is None or not text.strip():
        return "date of birth missing"
    if _YEAR_ONLY.match(text):
        return "partial date of birth (year, month/year)"
    if re.fullmatch(r"\s*\d{5}\s*", text):
        return "date of birth as an Excel serial number"
    return None


def miss_causes(pair: tuple[str, str], rows: dict[str, dict[str, Any]], causes: dict[str, str]) -> list[str]:
    """Why a same-person pair may be missed, from its two rows as written (a pair
    can have several causes; the name's from the generator's truth findings)."""
    from doichieu import fold_key, name_key

    a, b = rows[pair[0]], rows[pair[1]]
    found: list[str] = []
    name_a, name_b = a["full_name"] or "", b["full_name"] or ""
    if _nfc_lower(name_a) != _nfc_lower(name_b):
        written = causes.get(pair[0], "") + "+" + causes.get(pair[1], "")
        if "vni_encoding" in written or "tcvn3_encoding" in written:
            found.append("name in a legacy encoding (VNI, TCVN3)")
        elif name_key(name_a) == name_key(name_b):
            found.append("tone placement (hòa / hoà) or another form of the same name")
        elif fold_key(name_a) == fold_key(name_b):
            found.append("name without diacritics or with other marks")
        else:
            found.append("name written another way (typo, middle name, order, variant)")
    for side in (a, b):
        cause = _date_cause(side["date_of_birth"])
        if cause and cause not in found:
            found.append(cause)
    ids = [re.sub(r"[^0-9]", "", side["citizen_id"] or "") for side in (a, b)]
    if ids[0] != ids[1]:
        if not ids[0] or not ids[1]:
            found.append("citizen ID missing on one row")
        elif len(ids[0]) != len(ids[1]):
            found.append("old 9-digit number on one row")
        else:
            found.append("citizen ID mistyped on one row")
    cards = [re.sub(r"[^0-9]", "", side["party_card_number"] or "") for side in (a, b)]
    if cards[0] != cards[1]:
        found.append("card number missing or retyped")
    return found or ["none of the above"]


def name_causes_of(truth_findings: pl.DataFrame) -> dict[str, str]:
    """member_id → the generator's causes planted in its name (joined by ``+``)."""
    return dict(
        truth_findings.filter(pl.col("field") == "full_name")
        .group_by("member_id")
        .agg(pl.col("cause").str.join("+"))
        .iter_rows()
    )


def score_tool(
    pairs: pl.DataFrame, same: pl.DataFrame, roster: pl.DataFrame, name_causes: dict[str, str]
) -> dict[str, Any]:
    """One tool's pairs (``member_id_a``, ``member_id_b``, ``type``) scored on the
    same-person truth ``same``: precision, recall, F1, recall by planted type, and
    what the missed pairs have (their rows looked up in ``roster``)."""
    from doichieu.dedup import SHARED_NUMBER

    truth = _key(same)
    kinds = {(min(a, b), max(a, b)): t for a, b, t in same.select("member_id_a", "member_id_b", "type").iter_rows()}
    found = _key(pairs.filter(pl.col("type") != SHARED_NUMBER))
    by_type = {}
    for kind in sorted(set(kinds.values())):
        planted = {p for p, t in kinds.items() if t == kind}
        hits = len(found & planted)
        by_type[kind] = {"planted": len(planted), "found": hits, "recall": round(hits / len(planted), 4)}
    missed = sorted(truth - found)
    wanted = {m for pair in missed for m in pair}
    rows = {r["member_id"]: r for r in roster.filter(pl.col("member_id").is_in(wanted)).iter_rows(named=True)}
    counted: dict[str, int] = {}
    for pair in missed:
        for cause in miss_causes(pair, rows, name_causes):
            counted[cause] = counted.get(cause, 0) + 1
    return {
        **_quality(found, truth),
        "found": len(found),
        "false": len(found - truth),
        "missed": len(missed),
        "by_type": by_type,
        "missed_by_cause": dict(sorted(counted.items(), key=lambda kv: -kv[1])),
    }


def measure(members: int, seed: int) -> dict[str, Any]:
    from doichieu.dedup_scores import split_truth
    from doichieu.generate import generate_frames

    data = generate_frames(members, seed=seed)
    same, _ = split_truth(data.truth_duplicates)
    name_causes = name_causes_of(data.truth_findings)
    results: dict[str, Any] = {"members": members, "seed": seed, "rows": data.roster.height, "tools": {}}
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        roster_path = out / "roster.parquet"
        data.roster.write_parquet(roster_path)
        for tool, label in (("doichieu", "doichieu"), ("splink", SPLINK)):
            pairs, cost = _measure(tool, roster_path, out)
            results["tools"][label] = {**cost, **score_tool(pairs, same, data.roster, name_causes)}
    return results


def recall_tables(tools: dict[str, Any]) -> list[str]:
    """Markdown lines shared by the Splink comparisons: recall by planted type, and
    what the pairs each tool missed have in common, for ``score_tool``'s results."""
    lines: list[str] = []
    lines += ["", "| planted type (same person) | planted | " + " | ".join(f"{k} found (recall)" for k in tools) + " |"]
    lines.append("|---|---|" + "---|" * len(tools))
    for kind, first in next(iter(tools.values()))["by_type"].items():
        cells = [f"{t['by_type'][kind]['found']} ({t['by_type'][kind]['recall']})" for t in tools.values()]
        lines.append(f"| {kind} | {first['planted']} | " + " | ".join(cells) + " |")
    causes = sorted({c for t in tools.values() for c in t["missed_by_cause"]})
    lines += ["", "| what the missed pairs have (a pair may count under several) | " + " | ".join(tools) + " |"]
    lines.append("|---|" + "---|" * len(tools))
    for cause in sorted(causes, key=lambda c: -max(t["missed_by_cause"].get(c, 0) for t in tools.values())):
        lines.append(
            f"| {cause} | " + " | ".join(str(t["missed_by_cause"].get(cause, 0)) for t in tools.values()) + " |"
        )
    lines.append("| **pairs missed** | " + " | ".join(f"**{t['missed']}**" for t in tools.values()) + " |")
    lines.append(
        "| pairs found that are not one person | " + " | ".join(str(t["false"]) for t in tools.values()) + " |"
    )
    return lines


def markdown(results: dict[str, Any]) -> str:
    tools = results["tools"]
    ours = tools["doichieu"]["seconds"]
    lines = [
        "| tool | wall seconds | × doichieu's | CPU seconds | × doichieu's | peak memory (process) "
        "| peak above the loaded roster | precision | recall | F1 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    our_cpu = tools["doichieu"]["cpu_seconds"]
    for label, t in tools.items():
        lines.append(
            f"| {label} | {t['seconds']:.2f} | {t['seconds'] / ours:.1f}× | {t['cpu_seconds']:.2f} | "
            f"{t['cpu_seconds'] / our_cpu:.1f}× | {benchkit.mib(t['peak_process'])} MiB | "
            f"{benchkit.mib(t['peak_above'])} MiB | {t['precision']} | {t['recall']} | {t['F1']} |"
        )
    lines += recall_tables(tools)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=102_235)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", choices=["doichieu", "splink"])
    parser.add_argument("--roster", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--render", type=Path, help="print the tables of measurements written by --json")
    args = parser.parse_args()
    if args.render:
        print(markdown(json.loads(args.render.read_text())))
        return
    if args.child:
        _child(args.child, args.roster, args.out)
        return
    results = measure(args.members, args.seed)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(markdown(results))


if __name__ == "__main__":
    main()
