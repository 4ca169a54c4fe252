"""Records (issue 3): a province's roster cross-checked against its population
table, from Parquet files on disk to findings in memory, beside a plain
pandas implementation of the same checks.

Data: the synthetic province generator (`doichieu generate --format parquet`,
here `doichieu.generate.generate_province`, seed 7), cached per run under
DOICHIEU_BENCH_CACHE so the pytest process and the fresh-process probes share it.

Timed by pytest-benchmark (`cases`), one group, same files:

- doichieu: `load_roster` + `load_population` + `PopulationIndex` + `verify_all`
  (findings and verdicts as polars frames);
- pandas: `pd.read_parquet` of both files, cleaning with vectorised `.str`
  methods (NFC + lower for names, regex date parts, separators out of IDs), a
  left merge on the cleaned citizen ID (and on the old 9-digit number), the same
  checks as column comparisons, candidates for missing numbers by a merge on
  folded name + birth year, and one findings frame (`run_pandas`). It is what a
  competent analyst writes in an afternoon; its recall and precision against the
  generator's truth are shown beside doichieu's, so the ratio compares two
  implementations that do comparable work.

Measured here (`sections`): the phases of the doichieu path (read, index,
verify) and, in national mode, 5.6 million members in a fresh process on 2
threads (time and peak resident memory, `national_probe`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import benchkit
from benchkit import Case, Floor, Mode, Section, Table, Timings

ORDER = 20

GROUP = "records: roster × population, Parquet → findings"
DOICHIEU = "doichieu load_roster + load_population + PopulationIndex + verify_all"
PANDAS = "pandas read_parquet + merge + vectorised checks"
SEED = 7
AS_OF = date(2025, 9, 1)  # the generator's reference date
NATIONAL = 5_600_000
FLOOR_100K_S = 1.0
FLOOR_NATIONAL_S = 60.0
FLOOR_NATIONAL_BYTES = 8 * 2**30
# Issue 14: the same run, tighter.
FLOOR_NATIONAL_14_S = 15.0
FLOOR_NATIONAL_14_BYTES = 4 * 2**30


def _members(mode: Mode) -> int:
    return int(mode.pick(5_000, 100_000))


# --- data --------------------------------------------------------------------------------


def _cache_dir() -> Path:
    folder = Path(os.environ.get("DOICHIEU_BENCH_CACHE", Path(tempfile.gettempdir()) / "doichieu-bench"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _engine_fingerprint() -> str:
    """Changes when the extension is rebuilt, so cached provinces follow the generator."""
    from doichieu import _engine

    stat = Path(_engine.__file__ or "").stat()
    return hashlib.sha256(f"{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:10]


def province(members: int) -> Path:
    """The folder of a generated province (roster.parquet, population.parquet,
    truth_findings.csv), generated once per run and size."""
    from doichieu.generate import generate_province

    folder = _cache_dir() / f"province-{members}-seed{SEED}-{_engine_fingerprint()}"
    if not (folder / "manifest.json").exists():
        generate_province(folder, members=members, seed=SEED, fmt="parquet")
    return folder


# --- doichieu ------------------------------------------------------------------------------


def run_doichieu(folder: Path) -> Any:
    """Files to findings and verdicts: what `doichieu revalidate` does before
    writing, in its order (the population table is let go once it is indexed)."""
    import doichieu

    population = doichieu.load_population(folder / "population.parquet")
    index = doichieu.PopulationIndex(population, as_of=AS_OF)
    del population
    roster = doichieu.load_roster(folder / "roster.parquet")
    return index.verify_all(roster)


def phases(folder: Path, rounds: int) -> dict[str, float]:
    """Best time of each step of `run_doichieu`, in seconds."""
    import doichieu

    roster_path, population_path = folder / "roster.parquet", folder / "population.parquet"
    roster = doichieu.load_roster(roster_path)
    population = doichieu.load_population(population_path)
    index = doichieu.PopulationIndex(population, as_of=AS_OF)
    return {
        "load_roster (Parquet → text columns)": benchkit.best_of(lambda: doichieu.load_roster(roster_path), rounds),
        "load_population": benchkit.best_of(lambda: doichieu.load_population(population_path), rounds),
        "PopulationIndex (parse, hash, blocking keys)": benchkit.best_of(
            lambda: doichieu.PopulationIndex(population, as_of=AS_OF), rounds
        ),
        "verify_all (checks, candidates, frames)": benchkit.best_of(lambda: index.verify_all(roster), rounds),
    }


def national_probe(members: int) -> dict[str, Any]:
    """Files to findings for `members` in this (fresh) process: seconds and peak
    resident memory, both above what the process held before and in all."""
    from benchkit import _status_kib

    folder = province(members)
    import doichieu  # noqa: F401  (imported before the baseline, as a program would have it)

    start = time.perf_counter()
    peak, (findings, verdicts) = benchkit.peak_above(lambda: run_doichieu(folder))
    seconds = time.perf_counter() - start
    total = (_status_kib("VmHWM") or 0) * 1024
    return {
        "seconds": seconds,
        "peak_above_bytes": peak,
        "peak_total_bytes": total,
        "findings": findings.height,
        "members": verdicts.height,
    }


# --- the pandas peer -------------------------------------------------------------------------

# Province names (63-unit list) → the province since 1 July 2025, from
# docs/citizen-id.md, as an analyst would keep it in a lookup table.
_MERGER = {
    "ha noi": "ha noi",
    "ha giang": "tuyen quang",
    "cao bang": "cao bang",
    "bac kan": "thai nguyen",
    "tuyen quang": "tuyen quang",
    "lao cai": "lao cai",
    "dien bien": "dien bien",
    "lai chau": "lai chau",
    "son la": "son la",
    "yen bai": "lao cai",
    "hoa binh": "phu tho",
    "thai nguyen": "thai nguyen",
    "lang son": "lang son",
    "quang ninh": "quang ninh",
    "bac giang": "bac ninh",
    "phu tho": "phu tho",
    "vinh phuc": "phu tho",
    "bac ninh": "bac ninh",
    "hai duong": "hai phong",
    "hai phong": "hai phong",
    "hung yen": "hung yen",
    "thai binh": "hung yen",
    "ha nam": "ninh binh",
    "nam dinh": "ninh binh",
    "ninh binh": "ninh binh",
    "thanh hoa": "thanh hoa",
    "nghe an": "nghe an",
    "ha tinh": "ha tinh",
    "quang binh": "quang tri",
    "quang tri": "quang tri",
    "thua thien hue": "hue",
    "hue": "hue",
    "da nang": "da nang",
    "quang nam": "da nang",
    "quang ngai": "quang ngai",
    "binh dinh": "gia lai",
    "phu yen": "dak lak",
    "khanh hoa": "khanh hoa",
    "ninh thuan": "khanh hoa",
    "binh thuan": "lam dong",
    "kon tum": "quang ngai",
    "gia lai": "gia lai",
    "dak lak": "dak lak",
    "dak nong": "lam dong",
    "lam dong": "lam dong",
    "binh phuoc": "dong nai",
    "tay ninh": "tay ninh",
    "binh duong": "ho chi minh",
    "dong nai": "dong nai",
    "ba ria vung tau": "ho chi minh",
    "ho chi minh": "ho chi minh",
    "long an": "tay ninh",
    "tien giang": "dong thap",
    "ben tre": "vinh long",
    "tra vinh": "vinh long",
    "vinh long": "vinh long",
    "dong thap": "dong thap",
    "an giang": "an giang",
    "kien giang": "an giang",
    "can tho": "can tho",
    "hau giang": "can tho",
    "soc trang": "can tho",
    "bac lieu": "ca mau",
    "ca mau": "ca mau",
}
_PROVINCE_CODES = {
    1,
    2,
    4,
    6,
    8,
    10,
    11,
    12,
    14,
    15,
    17,
    19,
    20,
    22,
    24,
    25,
    26,
    27,
    30,
    31,
    33,
    34,
    35,
    36,
    37,
    38,
    40,
    42,
    44,
    45,
    46,
    48,
    49,
    51,
    52,
    54,
    56,
    58,
    60,
    62,
    64,
    66,
    67,
    68,
    70,
    72,
    74,
    75,
    77,
    79,
    80,
    82,
    83,
    84,
    86,
    87,
    89,
    91,
    92,
    93,
    94,
    95,
    96,
}
_SEPARATORS = r"[\s.\-']"


def _nfc_lower(s: Any) -> Any:
    return s.str.normalize("NFC").str.lower().str.split().str.join(" ")


def _fold(s: Any) -> Any:
    """No marks, no case: 'Nguyễn' → 'nguyen' (đ → d)."""
    return (
        _nfc_lower(s)
        .str.replace("đ", "d", regex=False)
        .str.normalize("NFD")
        .str.replace(r"[\u0300-\u036f]", "", regex=True)
    )


# "oà" → "òa", "oé" → "óe", "uý" → "úy": the old tone placement written the new way.
_OLD_TONE = {
    f"{v}{t}": f"{m}{rest}"
    for (v, rest), marks in ((("o", "a"), "àáảãạ"), (("o", "e"), "èéẻẽẹ"), (("u", "y"), "ỳýỷỹỵ"))
    for t, m in zip(marks, "òóỏõọ" if v == "o" else "ùúủũụ")
}


def _tones(s: Any) -> Any:
    """One tone placement: the mark on the first vowel of oa, oe, uy ("hoà" → "hòa")."""
    return s.str.replace("(" + "|".join(_OLD_TONE) + r")(?=\b|$)", lambda g: _OLD_TONE[g.group(0)], regex=True)


def _name_kind(a: str, b: str) -> str:
    """The usual explanation of two different folded names."""
    import difflib

    x, y = a.split(), b.split()
    if sorted(x) == sorted(y):
        return "NAME_REORDERED"
    if len(x) != len(y) and x[:1] == y[:1] and x[-1:] == y[-1:] and (set(x) <= set(y) or set(y) <= set(x)):
        return "NAME_MIDDLE_MISSING"
    if len(x) == len(y) and difflib.SequenceMatcher(None, a, b).ratio() >= 0.9:
        return "NAME_TYPO"
    return "NAME_MISMATCH"


def _dates(s: Any) -> Any:
    """Year, month, day columns (0 where not known) from d/m/yyyy, yyyy-mm-dd,
    mm/yyyy, yyyy, and Excel serial numbers; year 0 when not a date."""
    import pandas as pd

    s = s.str.strip()
    out = pd.DataFrame(0, index=s.index, columns=["y", "m", "d"], dtype="int64")
    forms = [
        (r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})$", ("y", "m", "d")),
        (r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T][\d:.]+)?$", ("y", "m", "d")),
        (r"^(?P<m>\d{1,2})/(?P<y>\d{4})$", ("y", "m")),
        (r"^(?P<y>\d{4})$", ("y",)),
    ]
    for pattern, parts in forms:
        found = s.str.extract(pattern).dropna(how="all")
        found = found[~found.index.isin(out.index[out["y"] > 0])]
        for part in parts:
            out.loc[found.index, part] = found[part].astype("int64")
    serial = pd.to_numeric(s.where(s.str.fullmatch(r"\d{5}(?:\.0+)?", na=False)), errors="coerce").dropna()
    if len(serial):
        days = pd.to_datetime("1899-12-30") + pd.to_timedelta(serial, unit="D")
        out.loc[serial.index, "y"] = days.dt.year
        out.loc[serial.index, "m"] = days.dt.month
        out.loc[serial.index, "d"] = days.dt.day
    return out


def _ordinal(parts: Any, last: bool) -> Any:
    """yyyymmdd as a number; a partial date's first (or last) possible day."""
    month = parts["m"].where(parts["m"] > 0, 12 if last else 1)
    day = parts["d"].where(parts["d"] > 0, 31 if last else 1)
    return parts["y"] * 10_000 + month * 100 + day


def _gender(s: Any) -> Any:
    g = _nfc_lower(s.str.strip())
    return g.map({"nam": "M", "m": "M", "male": "M", "1": "M", "nữ": "F", "f": "F", "female": "F", "0": "F"})


def _province(s: Any) -> Any:
    """The 2025 province a hometown lies in ('Huyện X, Tỉnh Nghệ An' → 'nghe an')."""
    last = _fold(s).str.rsplit(",").str[-1].str.replace(r"^(tinh|thanh pho|tp)\.?\s+", "", regex=True)
    last = last.str.replace(r"[^a-z ]", " ", regex=True).str.split().str.join(" ")
    return last.map(_MERGER).fillna(last)


def _clean_id(s: Any) -> tuple[Any, Any]:
    """(digits, kind) with kind one of missing, personal, legacy, malformed."""
    import numpy as np

    digits = s.fillna("").str.replace(_SEPARATORS, "", regex=True)
    digits = digits.where(~digits.str.fullmatch(r"\d{11}"), "0" + digits)  # a spreadsheet dropped the zero
    kind = np.select(
        [digits == "", digits.str.fullmatch(r"\d{12}"), digits.str.fullmatch(r"\d{9}")],
        ["missing", "personal", "legacy"],
        "malformed",
    )
    return digits, kind


def run_pandas(folder: Path) -> Any:
    """The same checks in plain pandas; returns a findings frame (member_id, code,
    field, party_value, population_value)."""
    import numpy as np
    import pandas as pd

    roster = pd.read_parquet(folder / "roster.parquet")
    population = pd.read_parquet(folder / "population.parquet")
    found: list[Any] = []

    def flag(mask: Any, frame: Any, code: str, field: str, party: str | None = None, pop: str | None = None) -> None:
        hit = frame[mask]
        found.append(
            pd.DataFrame(
                {
                    "member_id": hit["member_id"],
                    "code": code,
                    "field": field,
                    "party_value": hit[party] if party else "",
                    "population_value": hit[pop] if pop else "",
                }
            )
        )

    r = roster
    # The party record on its own.
    status = _fold(r["status"].fillna(""))
    flag(~status.isin(["official", "chinh thuc"]), r, "STATUS_NOT_ELIGIBLE", "status", "status")
    card = r["party_card_number"].fillna("").str.replace(_SEPARATORS, "", regex=True)
    flag(~card.str.fullmatch(r"\d{8}"), r, "CARD_NUMBER_MALFORMED", "party_card_number", "party_card_number")
    dob, admitted, official = (_dates(r[c].fillna("")) for c in ("date_of_birth", "admission_date", "official_date"))
    both = (admitted["y"] > 0) & (official["y"] > 0)
    flag(
        both & (_ordinal(official, True) <= _ordinal(admitted, False)),
        r,
        "OFFICIAL_BEFORE_ADMISSION",
        "official_date",
        "official_date",
    )
    eighteen = dob.assign(y=dob["y"] + 18)
    flag(
        (admitted["y"] > 0) & (dob["y"] > 0) & (_ordinal(admitted, True) < _ordinal(eighteen, False)),
        r,
        "UNDER_AGE_AT_ADMISSION",
        "admission_date",
        "admission_date",
    )
    party_sex = _gender(r["gender"].fillna(""))

    # The citizen ID and the population record it leads to.
    r = r.assign(
        _id=_clean_id(r["citizen_id"])[0],
        _kind=_clean_id(r["citizen_id"])[1],
        _sex=party_sex,
        _y=dob["y"],
        _m=dob["m"],
        _d=dob["d"],
        _row=np.arange(len(r)),
    )
    flag(r["_kind"] == "missing", r, "CITIZEN_ID_MISSING", "citizen_id")
    flag(r["_kind"] == "malformed", r, "CITIZEN_ID_MALFORMED", "citizen_id", "citizen_id")
    flag(r["_kind"] == "legacy", r, "LEGACY_ID_ONLY", "citizen_id", "citizen_id")
    p = population.assign(_id=_clean_id(population["citizen_id"])[0])
    p_dob = _dates(p["date_of_birth"].fillna(""))
    p = p.assign(_py=p_dob["y"], _pm=p_dob["m"], _pd=p_dob["d"], _psex=_gender(p["gender"].fillna("")))
    p = p.drop_duplicates("_id")
    keep = ["_id", "full_name", "other_names", "date_of_birth", "gender", "hometown", "_py", "_pm", "_pd", "_psex"]
    by_id = r[r["_kind"] == "personal"].merge(
        p[keep].rename(columns=lambda c: "p_" + c if not c.startswith("_") else c), on="_id", how="left", indicator=True
    )
    flag(by_id["_merge"] == "left_only", by_id, "CITIZEN_NOT_FOUND", "citizen_id", "citizen_id")
    by_id = by_id[by_id["_merge"] == "both"].drop(columns="_merge")
    old = population.assign(_id=population["old_id_number"].fillna("").str.replace(_SEPARATORS, "", regex=True))
    old = old[old["_id"] != ""].drop_duplicates("_id", keep=False)  # an old number two people share leads nowhere
    old = old.assign(
        _py=_dates(old["date_of_birth"].fillna(""))["y"], _pm=0, _pd=0, _psex=_gender(old["gender"].fillna(""))
    )
    by_old = r[r["_kind"] == "legacy"].merge(
        old[keep].rename(columns=lambda c: "p_" + c if not c.startswith("_") else c), on="_id", how="inner"
    )
    m = pd.concat([by_id, by_old], ignore_index=True)

    # Cross-checks against the matched record. Names: the same after NFC, lower
    # case and the old/new tone placement ("hoà" = "hòa") is no finding; else the
    # closest of the usual explanations, tried on the folded tokens.
    party_name, pop_name = (
        _tones(_nfc_lower(m["full_name"].fillna(""))),
        _tones(_nfc_lower(m["p_full_name"].fillna(""))),
    )
    birth_name = _tones(_nfc_lower(m["birth_name"].fillna("")))
    other = _tones(_nfc_lower(m["p_other_names"].fillna(""))).str.split(r"\s*;\s*")
    same = party_name == pop_name
    # Different only in tone placement: the same name written another way (info).
    flag(
        same & (_nfc_lower(m["full_name"].fillna("")) != _nfc_lower(m["p_full_name"].fillna(""))),
        m,
        "NAME_EQUIVALENT_FORM",
        "full_name",
        "full_name",
        "p_full_name",
    )
    alias = ~same & pd.Series(
        [
            a in names or (b != "" and (b == q or b in names))
            for a, b, q, names in zip(party_name, birth_name, pop_name, other)
        ],
        index=m.index,
        dtype=bool,
    )
    flag(alias, m, "NAME_ALIAS_MATCH", "full_name", "full_name", "p_full_name")
    party_fold, pop_fold = _fold(party_name), _fold(pop_name)
    rest = ~same & ~alias
    lost = rest & (party_fold == pop_fold) & ((party_fold == party_name) | (pop_fold == pop_name))
    flag(lost, m, "NAME_DIACRITICS_MISSING", "full_name", "full_name", "p_full_name")
    rest &= ~lost
    kinds = pd.Series(
        [_name_kind(a, b) for a, b in zip(party_fold[rest], pop_fold[rest])], index=m.index[rest], dtype=object
    )
    for kind in ("NAME_REORDERED", "NAME_MIDDLE_MISSING", "NAME_TYPO", "NAME_MISMATCH"):
        flag(kinds == kind, m.loc[kinds.index], kind, "full_name", "full_name", "p_full_name")
    known = (m["_y"] > 0) & (m["_py"] > 0)
    dob_differs = known & (
        (m["_y"] != m["_py"])
        | (
            (m["_m"] > 0)
            & (m["_pm"] > 0)
            & ((m["_m"] != m["_pm"]) | ((m["_d"] > 0) & (m["_pd"] > 0) & (m["_d"] != m["_pd"])))
        )
    )
    flag(dob_differs, m, "DOB_MISMATCH", "date_of_birth", "date_of_birth", "p_date_of_birth")
    flag(
        m["_sex"].notna() & m["_psex"].notna() & (m["_sex"] != m["_psex"]),
        m,
        "GENDER_MISMATCH",
        "gender",
        "gender",
        "p_gender",
    )
    home, p_home = _province(m["hometown"].fillna("")), _province(m["p_hometown"].fillna(""))
    flag((home != "") & (p_home != "") & (home != p_home), m, "HOMETOWN_MISMATCH", "hometown", "hometown", "p_hometown")

    # The structure of the 12-digit number, against the population's data where
    # there is a record, else the party's.
    personal = r[r["_kind"] == "personal"].merge(m[["_row", "_psex", "_py"]], on="_row", how="left")
    code = personal["_id"].str[:3].astype(int)
    digit = personal["_id"].str[3].astype(int)
    year = 1900 + 100 * (digit // 2) + personal["_id"].str[4:6].astype(int)
    sex = personal["_psex"].fillna(personal["_sex"])
    ref_year = personal["_py"].where(personal["_py"] > 0, personal["_y"]).fillna(0)
    flag(~code.isin(_PROVINCE_CODES), personal, "CITIZEN_ID_UNKNOWN_PROVINCE", "citizen_id", "citizen_id")
    flag(
        sex.notna() & ((digit % 2 == 1) != (sex == "F")),
        personal,
        "CITIZEN_ID_SEX_MISMATCH",
        "citizen_id",
        "citizen_id",
    )
    flag((ref_year > 0) & (year != ref_year), personal, "CITIZEN_ID_YEAR_MISMATCH", "citizen_id", "citizen_id")

    # Candidates by folded name + birth year for members the number did not lead to.
    lost_rows = r[r["_kind"].isin(["missing", "malformed"])]
    keyed = lost_rows.assign(_key=_fold(lost_rows["full_name"].fillna("")))
    pop_keys = p[["_py"]].assign(_key=_fold(p["full_name"].fillna("")), _cand=p["_id"])
    candidates = keyed.merge(pop_keys, left_on=["_key", "_y"], right_on=["_key", "_py"], how="inner")
    counts = candidates.groupby("member_id").size()
    findings = pd.concat(found, ignore_index=True)
    findings.attrs["candidates"] = int(counts.sum())
    return findings


# --- cases and sections --------------------------------------------------------------------


def _setup(run: Callable[[Path], Any], members: int) -> Callable[[], Callable[[], Any]]:
    def setup() -> Callable[[], Any]:
        folder = province(members)
        run(folder)  # imports and first-touch outside the timing
        return lambda: run(folder)

    return setup


def cases(mode: Mode) -> list[Case]:
    members = _members(mode)
    out = [
        Case(
            GROUP,
            DOICHIEU,
            members,
            _setup(run_doichieu, members),
            unit="members",
            rounds=int(mode.pick(3, 7)),
            note="all cores; polars reads, the engine checks",
        )
    ]
    if mode.peers:
        out.append(
            Case(
                GROUP,
                PANDAS,
                members,
                _setup(run_pandas, members),
                unit="members",
                role="peer",
                versus=DOICHIEU,
                rounds=3,
                requires=("pandas", "pyarrow"),
                note="one core (pandas)",
            )
        )
    return out


def _scores(found: Any, truth: Any) -> dict[str, str]:
    """Micro recall and precision over (member, code) pairs against the generator's truth."""
    want = set(truth.select("member_id", "code").iter_rows())
    got = set(found.select("member_id", "code").iter_rows())
    hit = len(want & got)
    return {
        "recall": f"{hit / max(len(want), 1):.3f}",
        "precision": f"{hit / max(len(got), 1):.3f}",
        "findings": f"{len(got):,}",
        "planted": f"{len(want):,}",
    }


def sections(mode: Mode, timings: Timings) -> list[Section]:
    import polars as pl

    members = _members(mode)
    folder = province(members)
    truth = pl.read_csv(folder / "truth_findings.csv", infer_schema=False)
    ours = timings.get(GROUP, DOICHIEU)
    peer = timings.get(GROUP, PANDAS)
    rows: list[dict[str, Any]] = []
    quality = {DOICHIEU: _scores(run_doichieu(folder)[0], truth)}
    peer_note = ""
    if peer is not None:
        quality[PANDAS] = _scores(pl.from_pandas(run_pandas(folder)[["member_id", "code"]]), truth)
    elif mode.peers:
        peer_note = f"pandas not run: {timings.missing.get(f'{GROUP}::{PANDAS}', 'pandas or pyarrow not installed')}."
    else:
        peer_note = "pandas not run: quick mode."
    for t in (ours, peer):
        if t is None:
            continue
        rows.append(
            {
                "tool": t.tool,
                "members": f"{t.items:,}",
                "best s": f"{t.best_s:.3f}",
                "median s": f"{t.median_s:.3f}",
                "members/s": benchkit.rate(t.rate),
                "vs doichieu": benchkit.ratio(t.best_s / ours.best_s) if ours and t is not ours else "",
                **quality.get(t.tool, {}),
            }
        )
    cores = os.cpu_count() or 1
    split = phases(folder, rounds=int(mode.pick(2, 5)))
    phase_rows = [{"step": k, "best s": f"{v:.3f}"} for k, v in split.items()]
    phase_rows.append({"step": "**sum of steps**", "best s": f"**{sum(split.values()):.3f}**"})

    measured = (
        f"{ours.best_s:.3f} s (median {ours.median_s:.3f} s) for {members:,} members on {cores} cores"
        if ours
        else "not timed"
    )
    floors = [
        Floor(
            3,
            "100k members, Parquet → findings < 1 s on 2 cores",
            None if mode.quick or ours is None else ours.best_s < FLOOR_100K_S,
            measured + (" (quick mode: not judged)" if mode.quick else ""),
        )
    ]
    notes = [
        f"Data: `doichieu generate --members {members} --seed {SEED} --format parquet` (roster "
        f"{pl.scan_parquet(folder / 'roster.parquet').select(pl.len()).collect().item():,} rows with duplicates, "
        f"population {pl.scan_parquet(folder / 'population.parquet').select(pl.len()).collect().item():,} rows); "
        "recall and precision are over (member, code) pairs of the generator's `truth_findings.csv`, every code."
    ]
    if peer_note:
        notes.append(peer_note)
    out = [
        Section(
            "Records: roster cross-checked against the population table (issue 3)",
            intro=(
                "From two Parquet files on disk to findings in memory. doichieu: `load_roster`, `load_population`, "
                "`PopulationIndex`, `verify_all` (findings with messages in two languages, verdicts, candidates). "
                "pandas: `benches/bench_records.py::run_pandas`, the same checks written as vectorised pandas "
                "(NFC + lower-case names, regex dates, merge on the cleaned citizen ID and the old number, "
                "candidates by a merge on folded name + birth year)."
            ),
            tables=[
                Table(rows),
                Table(phase_rows, caption=f"doichieu's steps on {members:,} members (best of rounds)"),
            ],
            floors=floors,
            notes=notes,
        )
    ]

    if mode.name == "national":
        province(NATIONAL)  # generated here, so the probe's process holds only the cross-check
        result = benchkit.probe("bench_records", "national_probe", threads=2, timeout=3600, members=NATIONAL)
        seconds, peak = float(result["seconds"]), int(result["peak_total_bytes"])
        out[0].floors += [
            Floor(
                3,
                "5.6 M members, Parquet → findings < 60 s",
                seconds < FLOOR_NATIONAL_S,
                f"{seconds:.1f} s on 2 threads, {result['findings']:,} findings",
            ),
            Floor(
                3,
                "5.6 M members < 8 GiB of memory",
                peak < FLOOR_NATIONAL_BYTES,
                f"peak resident {peak / 2**30:.2f} GiB for the whole process "
                f"({int(result['peak_above_bytes']) / 2**30:.2f} GiB above the interpreter)",
            ),
            Floor(
                14,
                "national cross-check 5.6 M < 15 s on 2 threads",
                seconds < FLOOR_NATIONAL_14_S,
                f"{seconds:.1f} s on 2 threads, {result['findings']:,} findings",
            ),
            Floor(
                14,
                "national cross-check 5.6 M < 4 GiB peak",
                peak < FLOOR_NATIONAL_14_BYTES,
                f"peak resident {peak / 2**30:.2f} GiB for the whole process",
            ),
        ]
    else:
        why = "national mode only (`benches/report.py --national`)"
        out[0].floors += [
            Floor(3, "5.6 M members, Parquet → findings < 60 s", None, why),
            Floor(3, "5.6 M members < 8 GiB of memory", None, why),
            Floor(14, "national cross-check 5.6 M < 15 s on 2 threads", None, why),
            Floor(14, "national cross-check 5.6 M < 4 GiB peak", None, why),
        ]
    return out


if __name__ == "__main__":
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    where = province(n)
    for label, fn in ((DOICHIEU, run_doichieu), (PANDAS, run_pandas)):
        t0 = time.perf_counter()
        fn(where)
        print(f"{label}: {time.perf_counter() - t0:.2f} s", flush=True)
