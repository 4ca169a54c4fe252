"""Name layer (issue 2): normalisation and comparison beside Python peers.

Timed by pytest-benchmark (`cases`): doichieu's bulk calls on 100,000 realistic
names (names_data.py) and, on the same list, `unicodedata.normalize("NFC")`,
vn-text's `fold` and `repair_mojibake` + `normalize`, and underthesea's
`text_normalize`; `compare_names_bulk` on 100,000 realistic pairs beside NFC
equality and difflib's ratio. Measured here (`sections`): which tool gets the
reference's example classes right, memory peaks, and scaling with size and
cores (each in a fresh process, see benchkit.probe).
"""

from __future__ import annotations

import difflib
import os
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import Any

import polars as pl

import benchkit
import names_data
from benchkit import Case, Floor, Mode, Section, Table, Timings

ORDER = 10

NORMALISE = "names: normalise"
COMPARE = "names: compare"

# Tool labels, used by cases, sections and floors alike.
BOTH_COLUMN = "doichieu normalize_names + name_keys (polars column)"
BOTH_LIST = "doichieu normalize_names + name_keys (list of str)"
NORM_COLUMN = "doichieu normalize_names (polars column)"
NORM_LIST = "doichieu normalize_names (list of str)"
FOLD_LIST = "doichieu fold_keys (list of str)"
NFC = "unicodedata.normalize('NFC')"
VN_FOLD = "vn-text fold"
VN_NORMALIZE = "vn-text repair_mojibake + normalize"
UNDERTHESEA = "underthesea text_normalize"
CMP_COLUMN = "doichieu compare_names_bulk (polars columns)"
CMP_LIST = "doichieu compare_names_bulk (lists of str)"
CMP_NFC = "NFC + casefold equality"
CMP_DIFFLIB = "difflib ratio ≥ 0.85"

FLOOR_NAMES_S = 0.030
FLOOR_NAMES_RATE = 3e6
FLOOR_UNDERTHESEA = 100
FLOOR_PAIRS_RATE = 2e6


def _n(mode: Mode) -> int:
    return int(mode.pick(5_000, 100_000))


def _names(n: int) -> tuple[pl.Series, list[str]]:
    series = names_data.names_frame(n)["full_name"]
    return series, series.to_list()


def _pairs(n: int) -> pl.DataFrame:
    return names_data.pairs_frame(n)


def _doichieu() -> Any:
    import doichieu

    return doichieu


# --- the tools, each as "make the timed function from the inputs" --------------------


def _vn_normalize() -> Callable[[str], str]:
    import vn_text

    return lambda s: vn_text.normalize(vn_text.repair_mojibake(s))


def _vn_fold() -> Callable[[str], str]:
    import vn_text

    return vn_text.fold


def _underthesea() -> Callable[[str], str]:
    from underthesea import text_normalize

    return text_normalize  # type: ignore[no-any-return]


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _per_name(make: Callable[[], Callable[[str], str]], names: list[str]) -> Callable[[], Any]:
    f = make()
    f(names[0])  # first call loads tables; not part of the timing
    return lambda: [f(s) for s in names]


def _normalise_runs(n: int) -> dict[str, Callable[[], Callable[[], Any]]]:
    def column(*calls: str) -> Callable[[], Callable[[], Any]]:
        def setup() -> Callable[[], Any]:
            d = _doichieu()
            series, _ = _names(n)
            fs = [getattr(d, c) for c in calls]
            fs[0](series)  # starts the thread pool
            return lambda: [f(series) for f in fs]

        return setup

    def listed(*calls: str) -> Callable[[], Callable[[], Any]]:
        def setup() -> Callable[[], Any]:
            d = _doichieu()
            _, names = _names(n)
            fs = [getattr(d, c) for c in calls]
            fs[0](names)
            return lambda: [f(names) for f in fs]

        return setup

    return {
        BOTH_COLUMN: column("normalize_names", "name_keys"),
        BOTH_LIST: listed("normalize_names", "name_keys"),
        NORM_COLUMN: column("normalize_names"),
        NORM_LIST: listed("normalize_names"),
        FOLD_LIST: listed("fold_keys"),
        NFC: lambda: _per_name(lambda: _nfc, _names(n)[1]),
        VN_FOLD: lambda: _per_name(_vn_fold, _names(n)[1]),
        VN_NORMALIZE: lambda: _per_name(_vn_normalize, _names(n)[1]),
        UNDERTHESEA: lambda: _per_name(_underthesea, _names(n)[1]),
    }


def _equal_nfc(a: str, b: str) -> bool:
    return unicodedata.normalize("NFC", a).casefold() == unicodedata.normalize("NFC", b).casefold()


def _difflib_same(a: str, b: str) -> bool:
    a, b = unicodedata.normalize("NFC", a).casefold(), unicodedata.normalize("NFC", b).casefold()
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def _compare_runs(n: int) -> dict[str, Callable[[], Callable[[], Any]]]:
    def column() -> Callable[[], Any]:
        d, frame = _doichieu(), _pairs(n)
        left, right = frame["left"], frame["right"]
        d.compare_names_bulk(left, right)
        return lambda: d.compare_names_bulk(left, right)

    def listed() -> Callable[[], Any]:
        d, frame = _doichieu(), _pairs(n)
        left, right = frame["left"].to_list(), frame["right"].to_list()
        d.compare_names_bulk(left, right)
        return lambda: d.compare_names_bulk(left, right)

    def per_pair(f: Callable[[str, str], bool]) -> Callable[[], Callable[[], Any]]:
        def setup() -> Callable[[], Any]:
            frame = _pairs(n)
            left, right = frame["left"].to_list(), frame["right"].to_list()
            return lambda: [f(a, b) for a, b in zip(left, right)]

        return setup

    return {CMP_COLUMN: column, CMP_LIST: listed, CMP_NFC: per_pair(_equal_nfc), CMP_DIFFLIB: per_pair(_difflib_same)}


def cases(mode: Mode) -> list[Case]:
    n = _n(mode)
    fast = mode.pick(5, 30)
    norm = _normalise_runs(n)
    out = [
        Case(NORMALISE, tool, n, norm[tool], unit="names", rounds=fast, warmup=2)
        for tool in (BOTH_COLUMN, BOTH_LIST, NORM_COLUMN, NORM_LIST, FOLD_LIST)
    ]
    out.append(
        Case(NORMALISE, NFC, n, norm[NFC], unit="names", role="baseline", versus=NORM_LIST, rounds=mode.pick(3, 10))
    )
    if mode.peers:
        out += [
            Case(
                NORMALISE,
                VN_FOLD,
                n,
                norm[VN_FOLD],
                unit="names",
                role="peer",
                versus=FOLD_LIST,
                rounds=5,
                requires=("vn_text",),
            ),
            Case(
                NORMALISE,
                VN_NORMALIZE,
                n,
                norm[VN_NORMALIZE],
                unit="names",
                role="peer",
                versus=NORM_LIST,
                rounds=5,
                requires=("vn_text",),
            ),
            Case(
                NORMALISE,
                UNDERTHESEA,
                n,
                norm[UNDERTHESEA],
                unit="names",
                role="peer",
                versus=NORM_LIST,
                rounds=3,
                warmup=0,
                requires=("underthesea",),
            ),
        ]
    cmp = _compare_runs(n)
    out += [Case(COMPARE, tool, n, cmp[tool], unit="pairs", rounds=fast, warmup=2) for tool in (CMP_COLUMN, CMP_LIST)]
    out.append(
        Case(COMPARE, CMP_NFC, n, cmp[CMP_NFC], unit="pairs", role="baseline", versus=CMP_LIST, rounds=mode.pick(3, 10))
    )
    out.append(
        Case(
            COMPARE,
            CMP_DIFFLIB,
            n,
            cmp[CMP_DIFFLIB],
            unit="pairs",
            role="baseline",
            versus=CMP_LIST,
            rounds=mode.pick(1, 3),
            warmup=0,
        )
    )
    return out


# --- correctness on the reference's example classes ------------------------------------


def _form(f: Callable[[str], str]) -> Callable[[str], str]:
    # Every tool is given the usual last step of a matching pipeline: lower case
    # and whitespace collapsed. What remains is the tool's own doing.
    return lambda s: " ".join(f(s).casefold().split())


def _class_tools(peers: bool) -> dict[str, Callable[[str], str] | str]:
    """Each tool's string → form, or why it is unavailable."""
    d = _doichieu()
    tools: dict[str, Callable[[str], str] | str] = {
        "doichieu name_key": d.name_key,
        "doichieu normalize_name": d.normalize_name,
        "NFC": _nfc,
    }
    if not peers:
        return tools
    for label, make, module in (
        (VN_FOLD, _vn_fold, "vn_text"),
        (VN_NORMALIZE, _vn_normalize, "vn_text"),
        (UNDERTHESEA, _underthesea, "underthesea"),
    ):
        try:
            tools[label] = make()
        except ImportError as error:
            tools[label] = f"{module} unavailable: {error}"
    return tools


def correctness(peers: bool = True) -> tuple[list[dict[str, Any]], dict[str, set[tuple[str, str]]]]:
    """Rows of "pairs right / pairs" per class and tool, and each tool's wrong pairs."""
    tools = {label: (_form(t) if callable(t) else t) for label, t in _class_tools(peers).items()}
    rows: list[dict[str, Any]] = []
    wrong: dict[str, set[tuple[str, str]]] = {label: set() for label in tools}
    totals: dict[str, list[int]] = {label: [0, 0] for label in tools}
    classes = [(c, p, True) for c, p in names_data.SAME_NAME_CLASSES.items()] + [
        (c, p, False) for c, p in names_data.DIFFERENT_CLASSES.items()
    ]
    for title, pairs, same in classes:
        row: dict[str, Any] = {"class": title, "expect": "same form" if same else "different forms"}
        for label, form in tools.items():
            if not callable(form):
                row[label] = "—"
                continue
            right = 0
            for a, b in pairs:
                if (form(a) == form(b)) == same:
                    right += 1
                else:
                    wrong[label].add((a, b))
            totals[label][0] += right
            totals[label][1] += len(pairs)
            row[label] = f"{right}/{len(pairs)}"
        rows.append(row)
    total: dict[str, Any] = {"class": "**all classes**", "expect": ""}
    for label, (right, count) in totals.items():
        total[label] = f"**{right}/{count}**" if count else "—"
    rows.append(total)
    return rows, wrong


# --- subprocess probes ------------------------------------------------------------------

MEMORY_TOOLS = [BOTH_COLUMN, BOTH_LIST, CMP_COLUMN, NFC, VN_FOLD, UNDERTHESEA]


def memory_probe(tool: str, n: int) -> dict[str, Any]:
    """Peak resident memory of one call above its inputs (run in a fresh process)."""
    if tool == CMP_COLUMN:
        run = _compare_runs(n)[tool]()
    else:
        run = _normalise_runs(n)[tool]()
    peak, _ = benchkit.peak_above(run)
    return {"peak_bytes": peak}


def threads_probe(n: int, rounds: int) -> dict[str, Any]:
    """normalize_names + name_keys and compare_names_bulk on polars columns, with
    the thread count this process was started with."""
    d = _doichieu()
    series = _names(n)[0]
    frame = _pairs(n)
    left, right = frame["left"], frame["right"]
    d.name_keys(series.head(1000))
    peak, _ = benchkit.peak_above(lambda: (d.normalize_names(series), d.name_keys(series)))
    both = benchkit.best_of(lambda: (d.normalize_names(series), d.name_keys(series)), rounds)
    compare = benchkit.best_of(lambda: d.compare_names_bulk(left, right), rounds)
    return {"both_s": both, "compare_s": compare, "peak_bytes": peak}


def input_class_probe(n: int, rounds: int, mix_of: int) -> dict[str, Any]:
    """normalize_names + name_keys per kind of input, on one thread (set by the caller)."""
    d = _doichieu()
    out = {}
    classes = names_data.input_classes(n)
    d.name_keys(pl.Series(classes["canonical (old tone style)"][:1000]))
    for label, names in classes.items():
        series = pl.Series(names)
        out[label] = benchkit.best_of(lambda: (d.normalize_names(series), d.name_keys(series)), rounds) / n
    mix = _names(mix_of)[0].head(n)
    out["realistic mix (the normalisation input)"] = (
        benchkit.best_of(lambda: (d.normalize_names(mix), d.name_keys(mix)), rounds) / n
    )
    return out


def _thread_counts() -> list[int]:
    cores = os.cpu_count() or 1
    return sorted({1, 2, *(t for t in (4, 8, 16) if t <= cores), cores})


def _sizes(mode: Mode) -> list[int]:
    return list(mode.pick([5_000], [10_000, 100_000, 1_000_000], [10_000, 100_000, 1_000_000, 5_600_000]))


def _rounds_for(n: int) -> int:
    return 20 if n <= 10_000 else 10 if n <= 100_000 else 3 if n <= 1_000_000 else 2


# --- the document -----------------------------------------------------------------------


def _timing_rows(timings: Timings, group: str, missing: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for t in timings.group(group):
        anchor = timings.get(group, t.versus) if t.versus else None
        rows.append(
            {
                "tool": t.tool,
                t.unit: f"{t.items:,}",
                "best ms": benchkit.ms(t.best_s),
                "median ms": benchkit.ms(t.median_s),
                "rounds": t.rounds,
                f"{t.unit}/s": benchkit.rate(t.rate),
                "time ÷ doichieu's": benchkit.ratio(t.best_s / anchor.best_s) if anchor else "—",
                "measured against": anchor.tool if anchor else "",
            }
        )
    for tool, reason in missing.items():
        rows.append({"tool": tool, "best ms": f"not measured: {reason}"})
    return rows


def _missing(mode: Mode, group: str) -> dict[str, str]:
    out = {}
    for case in cases(mode):
        reason = benchkit.unavailable(case) if case.group == group else None
        if reason:
            out[case.tool] = reason
    return out


def _compare_outcomes(n: int) -> tuple[list[dict[str, Any]], list[str]]:
    d = _doichieu()
    frame = _pairs(n)
    kinds, _ = d.compare_names_bulk(frame["left"], frame["right"])
    frame = frame.with_columns(kinds.alias("kind"))
    same = frame.filter(pl.col("same_person"))
    other = frame.filter(~pl.col("same_person"))
    not_found = {"different", "different_diacritics"}
    merged = {"identical", "equivalent"}
    left, right = frame["left"].to_list(), frame["right"].to_list()
    truth = frame["same_person"].to_list()

    def judged(decide: Callable[[str, str], bool]) -> tuple[int, int]:
        says = [decide(a, b) for a, b in zip(left, right)]
        return (sum(s and t for s, t in zip(says, truth)), sum(s and not t for s, t in zip(says, truth)))

    rows = [
        {
            "tool": "doichieu compare_names_bulk",
            "same person: flagged (any kind but different / different_diacritics)": f"{same.filter(~pl.col('kind').is_in(not_found)).height:,} / {same.height:,}",
            "different people: merged (identical / equivalent)": f"{other.filter(pl.col('kind').is_in(merged)).height:,} / {other.height:,}",
            "different people: only a candidate (not different)": f"{other.filter(~pl.col('kind').is_in(not_found)).height:,} / {other.height:,}",
        }
    ]
    for label, decide in ((CMP_NFC, _equal_nfc), (CMP_DIFFLIB, _difflib_same)):
        found, wrongly = judged(decide)
        rows.append(
            {
                "tool": label,
                "same person: flagged (any kind but different / different_diacritics)": f"{found:,} / {same.height:,}",
                "different people: merged (identical / equivalent)": f"{wrongly:,} / {other.height:,}",
                "different people: only a candidate (not different)": "—",
            }
        )
    # The made-up pairs doichieu gets wrong, for whoever works on the comparator.
    notes = []
    for title, part, bad in (
        ("Different people doichieu calls identical or equivalent", other, merged),
        ("Same person doichieu calls different", same, not_found),
    ):
        wrong = part.filter(pl.col("kind").is_in(bad))
        if wrong.height:
            shown = "; ".join(
                f"`{a!r}` / `{b!r}`: {k}" for a, b, k in wrong.select("left", "right", "kind").head(8).iter_rows()
            )
            notes.append(f"{title} ({wrong.height:,}; first {min(8, wrong.height)}): {shown}")
    return rows, notes


def _kinds_table(n: int) -> list[dict[str, Any]]:
    d = _doichieu()
    frame = _pairs(n)
    kinds, _ = d.compare_names_bulk(frame["left"], frame["right"])
    frame = frame.with_columns(kinds.alias("kind"))
    rows = []
    for label, part in (
        ("same person", frame.filter(pl.col("same_person"))),
        ("different people", frame.filter(~pl.col("same_person"))),
    ):
        counts = Counter(part["kind"].to_list())
        rows.append({"pairs": f"{label} ({part.height:,})", **{k: f"{counts.get(k, 0):,}" for k in d.MATCH_KINDS}})
    return rows


def sections(mode: Mode, timings: Timings) -> list[Section]:
    n = _n(mode)
    out: list[Section] = []

    # 1. normalisation speed
    norm = Section(
        f"Name layer: normalisation of {n:,} names (issue 2)",
        intro=(
            f"Input: {n:,} made-up names from `benches/names_data.py` (surnames by the reference's shares, "
            "Văn/Thị by gender, one or two middle words, both tone-placement styles about 1:3, 10 % NFD, 10 % "
            "upper case, 3 % without diacritics, 2 % legacy-encoded, Ð, misplaced tones, stray whitespace; "
            f"legacy forms: {names_data.legacy_source()}). Every tool gets the same names; the peers are called "
            "once per name from Python, as their APIs require. `time ÷ doichieu's` is the tool's best time "
            "divided by the best time of the doichieu call named beside it (same input type, same run)."
        ),
        tables=[Table(_timing_rows(timings, NORMALISE, _missing(mode, NORMALISE)))],
    )
    out.append(norm)

    # 2. correctness classes
    class_rows, wrong = correctness(mode.peers)
    ours_wrong = wrong["doichieu name_key"]
    under_wrong = wrong.get(UNDERTHESEA, set())
    out.append(
        Section(
            "Name layer: correctness on the reference's example classes (issue 2)",
            intro=(
                "Pairs from docs/names.md (section: What the rules rest on). A tool gets a pair right when it gives "
                "both sides the same form for one name written two ways, and different forms for two different "
                "names. Every tool's output is lower-cased and its whitespace collapsed first, so case and spaces "
                "alone do not count against a peer. vn-text's `fold` is a search key (it drops every mark by design), "
                "so it merges different people; it is shown because the issue names it."
            ),
            tables=[Table(class_rows)],
            notes=[f"doichieu name_key gets wrong: {sorted(ours_wrong) if ours_wrong else 'none'}."],
        )
    )

    # 3. comparison speed and outcomes
    outcome_rows, outcome_notes = _compare_outcomes(n)
    out.append(
        Section(
            f"Name layer: comparison of {n:,} pairs (issue 2)",
            intro=(
                "Input: `names_data.realistic_pairs`. Half the pairs are one person written by two offices: one side "
                "is the name with the roster noise above, the other the clean name (35 %), another noisy rendering "
                "(50 %), the name without its middle word (8 %) or with a one-letter typo (7 %). Half are different "
                "people, both sides noisy; in a third of them the given name is swapped for its twin that differs "
                "only in marks (Hùng/Hưng) where it has one. The baselines are what a team writes without doichieu: "
                "equality after NFC and case folding, and difflib's similarity ratio at 0.85 (the threshold the "
                "reference warns about)."
            ),
            tables=[
                Table(_timing_rows(timings, COMPARE, _missing(mode, COMPARE)), "Speed"),
                Table(outcome_rows, "Outcomes against the planted truth"),
                Table(_kinds_table(n), "doichieu's kinds by truth"),
            ],
            notes=outcome_notes,
        )
    )

    # 4. memory peaks
    memory_rows = []
    for tool in MEMORY_TOOLS if mode.peers else MEMORY_TOOLS[:3]:
        reason = next((benchkit.unavailable(c) for c in cases(mode) if c.tool == tool), None)
        if reason:
            memory_rows.append({"call": tool, "peak MiB": f"not measured: {reason}"})
            continue
        peak = benchkit.probe("bench_names", "memory_probe", tool=tool, n=n)["peak_bytes"]
        memory_rows.append(
            {
                "call": tool,
                "items": f"{n:,}",
                "peak MiB above the input": benchkit.mib(peak),
                "bytes per item": f"{peak / n:,.0f}",
            }
        )
    out.append(
        Section(
            "Name layer: memory peaks (issue 6)",
            intro=(
                "Each call in a fresh process, inputs built first; the figure is the peak resident memory during "
                "the call above what the process held just before it (Linux VmHWM, reset through "
                "/proc/self/clear_refs), output included."
            ),
            tables=[Table(memory_rows)],
        )
    )

    # 5. scaling with size and cores
    scale_rows = []
    by_key: dict[tuple[int, int], dict[str, Any]] = {}
    for size in _sizes(mode):
        for threads in _thread_counts():
            r = benchkit.probe("bench_names", "threads_probe", threads=threads, n=size, rounds=_rounds_for(size))
            by_key[(size, threads)] = r
            one = by_key[(size, 1)]
            scale_rows.append(
                {
                    "names (and pairs)": f"{size:,}",
                    "threads": threads,
                    "normalize + keys ms": benchkit.ms(r["both_s"]),
                    "names/s": benchkit.rate(size / r["both_s"]),
                    "speed-up": benchkit.ratio(one["both_s"] / r["both_s"]),
                    "compare ms": benchkit.ms(r["compare_s"]),
                    "pairs/s": benchkit.rate(size / r["compare_s"]),
                    "compare speed-up": benchkit.ratio(one["compare_s"] / r["compare_s"]),
                    "peak MiB (normalize + keys)": benchkit.mib(r["peak_bytes"]),
                }
            )
    per_name = benchkit.probe(
        "bench_names",
        "input_class_probe",
        threads=1,
        n=int(mode.pick(2_000, 20_000)),
        rounds=int(mode.pick(2, 5)),
        mix_of=n,
    )
    base = per_name["canonical (old tone style)"]
    class_rows = [
        {
            "input": label,
            "ns a name (normalize + keys, 1 thread)": f"{s * 1e9:,.0f}",
            "× canonical": benchkit.ratio(s / base),
        }
        for label, s in per_name.items()
    ]
    out.append(
        Section(
            "Name layer: cost by kind of input (issue 2)",
            intro=(
                "Where the time goes: the same names rendered one way per row, normalize_names + name_keys on a "
                "polars column, one rayon thread (RAYON_NUM_THREADS=1), best of several rounds. The realistic mix "
                "is the first rows of the normalisation input above."
            ),
            tables=[Table(class_rows)],
        )
    )
    out.append(
        Section(
            "Name layer: scaling with size and cores (issue 6)",
            intro=(
                "Polars columns; each row a fresh process started with RAYON_NUM_THREADS (and POLARS_MAX_THREADS) "
                "set to the thread count; best of several rounds."
            ),
            tables=[Table(scale_rows)],
        )
    )

    # Floors, judged on the full-size run only.
    def floor(label: str, met: bool, measured: str) -> Floor:
        return Floor(
            2, label, None if mode.quick else met, measured + (" (quick mode: not judged)" if mode.quick else "")
        )

    floors: list[Floor] = []
    cores = os.cpu_count() or 1
    two = by_key.get((100_000, 2))
    for tool in (BOTH_COLUMN, BOTH_LIST):
        t = timings.get(NORMALISE, tool)
        if t is None:
            continue
        seconds = t.best_s
        where = f"{cores} cores"
        if cores != 2 and two is not None and tool == BOTH_COLUMN:
            seconds, where = two["both_s"], "2 rayon threads"
        floors.append(
            floor(
                f"normalize_names + name_keys, {t.items:,} names, {tool.split('(')[1][:-1]}: "
                f"< 30 ms on 2 cores, ≥ 3 M names/s",
                seconds < FLOOR_NAMES_S and t.items / seconds >= FLOOR_NAMES_RATE,
                f"{benchkit.ms(seconds)} ms, {benchkit.rate(t.items / seconds)} names/s ({where})",
            )
        )
    under = timings.get(NORMALISE, UNDERTHESEA)
    ours_list, ours_col = timings.get(NORMALISE, NORM_LIST), timings.get(NORMALISE, NORM_COLUMN)
    if under and ours_list and ours_col:
        x_list, x_col = under.best_s / ours_list.best_s, under.best_s / ours_col.best_s
        floors.append(
            floor(
                "normalize_names ≥ 100× faster than underthesea text_normalize (same list of str)",
                x_list >= FLOOR_UNDERTHESEA,
                f"{benchkit.ratio(x_list)} ({benchkit.ratio(x_col)} from a polars column); underthesea "
                f"{under.best_s / under.items * 1e6:.1f} µs a name",
            )
        )
    else:
        floors.append(
            Floor(
                2,
                "normalize_names ≥ 100× faster than underthesea",
                None,
                _missing(mode, NORMALISE).get(UNDERTHESEA, "underthesea not run (quick mode)"),
            )
        )
    if under_wrong:
        fixed = under_wrong - ours_wrong
        floors.append(
            Floor(
                2,
                "doichieu right on the example pairs underthesea gets wrong",
                fixed == under_wrong,
                f"{len(fixed)} of the {len(under_wrong)} pairs underthesea gets wrong",
            )
        )
    for tool in (CMP_COLUMN, CMP_LIST):
        t = timings.get(COMPARE, tool)
        if t is not None:
            floors.append(
                floor(
                    f"compare_names_bulk ≥ 2 M pairs/s ({tool.split('(')[1][:-1]})",
                    t.rate >= FLOOR_PAIRS_RATE,
                    f"{benchkit.rate(t.rate)} pairs/s",
                )
            )
    norm.floors = floors
    return out
