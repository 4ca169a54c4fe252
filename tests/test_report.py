"""`doichieu revalidate` on a generated province: report.html (content, no
network, rendered by headless Chromium) and duplicates.csv against the planted
truth (recall and precision per duplicate type, printed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path

import polars as pl
import pytest

from browser import chromium_or_skip, dump_dom
from doichieu.cli import main
from doichieu.dedup import SHARED_NUMBER
from doichieu.dedup_scores import score_pairs
from doichieu.generate import generate_province
from doichieu.report import MAX_SHARED_SHOWN, external_references
from doichieu.revalidate import DUPLICATE_COLUMNS, DUPLICATE_TYPES

MEMBERS = 20_000
SEED = 7
AS_OF = date(2025, 9, 1)
#: Charts the page always has on a province this size: verdicts, codes, owners, wards, party organisations, duplicates.
CHARTS = ("verdicts", "codes", "owners", "wards", "units", "duplicates")


@dataclass(frozen=True)
class Revalidated:
    province: Path
    out: Path
    printed: str


@pytest.fixture(scope="module")
def revalidated(tmp_path_factory: pytest.TempPathFactory) -> Revalidated:
    folder = tmp_path_factory.mktemp("province")
    province = generate_province(folder / "province", members=MEMBERS, seed=SEED, fmt="csv")
    out = folder / "out"
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(
            [
                "--lang",
                "vi",
                "revalidate",
                "--roster",
                str(province.roster),
                "--population",
                str(province.population),
                "--out",
                str(out),
                "--as-of",
                AS_OF.isoformat(),
            ]
        )
    assert code == 0
    return Revalidated(folder / "province", out, printed.getvalue())


def _page(r: Revalidated) -> str:
    return (r.out / "report.html").read_text(encoding="utf-8")


def _value(page: str, element_id: str) -> int:
    found = re.search(rf'id="{re.escape(element_id)}"[^>]*\bdata-value="(\d+)"', page)
    assert found, f"no element #{element_id} with a data-value in the page"
    return int(found.group(1))


def _verdict_counts(r: Revalidated) -> dict[str, int]:
    verdicts = pl.read_csv(r.out / "verdicts.csv", infer_schema=False)
    counts = dict(verdicts.group_by("verdict").len().iter_rows())
    return {"members": verdicts.height} | {v: int(counts.get(v, 0)) for v in ("accept", "review", "reject")}


def test_outputs_and_terminal_summary(revalidated: Revalidated) -> None:
    names = {p.name for p in revalidated.out.iterdir()}
    assert {"verdicts.csv", "findings.csv", "duplicates.csv", "report.html"} <= names
    duplicates = pl.read_csv(revalidated.out / "duplicates.csv", infer_schema=False)
    assert duplicates.columns == list(DUPLICATE_COLUMNS)
    assert set(duplicates["status"].unique()) <= {"duplicate", "cleared"}
    # One citizen number on two members is always reported, whatever else is found.
    assert duplicates.filter((pl.col("type") == "DUPLICATE_CITIZEN_ID") & (pl.col("status") == "cleared")).height == 0
    printed = revalidated.printed
    assert "\nTrùng lặp: " in printed
    kept = duplicates.filter(pl.col("status") == "duplicate")
    for kind in DUPLICATE_TYPES:
        pairs = kept.filter(pl.col("type") == kind).height
        assert re.search(rf"\({kind}\)\s+[\d,]+ nhóm\s+{pairs:,} cặp", printed), kind
    assert str(revalidated.out / "report.html") in printed
    # Log and terminal lines never carry a member's name.
    roster = pl.read_csv(revalidated.province / "roster.csv", infer_schema=False)
    names_in_roster = set(roster["full_name"].drop_nulls().head(2000).to_list())
    assert not any(name in printed for name in names_in_roster if len(name) > 6)
    # Nor does the report: it lists member IDs, never names.
    page = _page(revalidated)
    assert not any(name in page for name in names_in_roster if len(name) > 8)


def test_report_totals_and_codes(revalidated: Revalidated) -> None:
    page = _page(revalidated)
    counts = _verdict_counts(revalidated)
    assert _value(page, "total-members") == counts["members"]
    for verdict in ("accept", "review", "reject"):
        assert _value(page, f"total-{verdict}") == counts[verdict], verdict
    findings = pl.read_csv(revalidated.out / "findings.csv", infer_schema=False)
    assert _value(page, "total-findings") == findings.height
    by_code = dict(findings.group_by("code").len().iter_rows())
    assert by_code, "a generated province has findings"
    for code, count in by_code.items():
        row = re.search(rf'<tr data-code="{code}">.*?data-value="(\d+)"', page, re.S)
        assert row, f"{code} is in findings.csv but not in the report"
        assert int(row.group(1)) == count, code
    for owner in ("party_board", "police", "intake_officer"):
        assert f'data-owner="{owner}"' in page
    duplicates = pl.read_csv(revalidated.out / "duplicates.csv", infer_schema=False)
    kept = duplicates.filter(pl.col("status") == "duplicate")
    assert _value(page, "total-duplicate-clusters") == kept["cluster_id"].drop_nulls().n_unique()
    for kind in DUPLICATE_TYPES:
        row = re.search(rf'<tr data-type="{kind}">.*?data-value="\d+".*?data-value="(\d+)"', page, re.S)
        assert row and int(row.group(1)) == kept.filter(pl.col("type") == kind).height, kind
    # Clusters are listed with their members and evidence.
    first = kept.row(0, named=True)
    assert f'data-cluster="{first["cluster_id"]}"' in page
    assert first["member_id_a"] in page and first["explanation"] in page
    wards = pl.read_csv(revalidated.province / "roster.csv", infer_schema=False)["ward"].unique().to_list()
    assert all(ward in page for ward in wards)
    assert "Chi bộ" in page and "party organisation" in page


def test_report_is_self_contained(revalidated: Revalidated) -> None:
    page = _page(revalidated)
    # Any attribute or CSS reference that would leave the file: http(s) or protocol-relative.
    leaving = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert leaving == []
    assert list(external_references(page)) == []
    assert not re.search(r"@import|@font-face|<link\b|<script\b[^>]*\bsrc=|<iframe|<img\b", page, re.I)
    for chart in CHARTS:
        assert f'data-chart="{chart}"' in page, chart
    assert page.count("<svg ") == len(CHARTS)
    # Ids are unique across the inline charts (clip paths must not cross).
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert 'lang="vi"' in page and "Kết luận / verdicts" in page


def test_report_renders_in_headless_chromium(revalidated: Revalidated, tmp_path: Path) -> None:
    browser = chromium_or_skip()
    report = (revalidated.out / "report.html").resolve()
    dom = dump_dom(browser, report.as_uri(), tmp_path / "profile")
    assert "<body" in dom and "Báo cáo đối chiếu" in dom
    for chart in CHARTS:
        assert re.search(rf'<svg[^>]*data-chart="{chart}"', dom), f"chart {chart} missing from the rendered DOM"
    counts = _verdict_counts(revalidated)
    assert _value(dom, "total-members") == counts["members"]
    for verdict in ("accept", "review", "reject"):
        assert _value(dom, f"total-{verdict}") == counts[verdict]
    shown = f"{counts['members']:,}".replace(",", "\u202f")
    assert shown in dom


def _ordered(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.min_horizontal("member_id_a", "member_id_b").alias("a"),
        pl.max_horizontal("member_id_a", "member_id_b").alias("b"),
        "type",
    ).unique(subset=["a", "b"])


def test_planted_duplicates_are_found(revalidated: Revalidated) -> None:
    """Recall and precision of duplicates.csv (status duplicate) against
    truth_duplicates.csv, overall and per type (shown with -s or -rA)."""
    truth_path = revalidated.province / "truth_duplicates.csv"
    truth = _ordered(pl.read_csv(truth_path, infer_schema=False))
    written = pl.read_csv(revalidated.out / "duplicates.csv", infer_schema=False)
    found = _ordered(written.filter(pl.col("status") == "duplicate"))
    engine = _ordered(written)  # before the population check cleared any pair
    hits = found.join(truth, on=["a", "b"], how="inner", suffix="_truth")
    lines = [
        f"duplicates on {MEMBERS:,} generated members (seed {SEED}): truth {truth.height} pairs, written {found.height}"
    ]
    for kind in DUPLICATE_TYPES:
        want = truth.filter(pl.col("type") == kind)
        got = found.filter(pl.col("type") == kind)
        recall = found.join(want, on=["a", "b"]).height / want.height if want.height else 1.0
        precision = got.join(truth, on=["a", "b"]).height / got.height if got.height else 1.0
        same_type = hits.filter((pl.col("type_truth") == kind) & (pl.col("type") == kind)).height
        lines.append(
            f"  {kind:<22} truth {want.height:5} found {got.height:5} recall {recall:.3f} "
            f"precision {precision:.3f} type agrees {same_type}/{want.height}"
        )
    recall = hits.height / truth.height
    precision = hits.height / found.height if found.height else 1.0
    engine_precision = engine.join(truth, on=["a", "b"]).height / engine.height if engine.height else 1.0
    lines.append(f"  {'overall':<22} recall {recall:.3f} precision {precision:.3f}")
    lines.append(
        f"  engine alone (before the population check): {engine.height} pairs, precision {engine_precision:.3f}; "
        f"cleared {written.height - found.height}"
    )
    scores = score_pairs(written.filter(pl.col("status") == "duplicate"), pl.read_csv(truth_path, infer_schema=False))
    lines += [f"  {row}" for row in scores.rows()]
    print("\n".join(lines))
    assert truth.height > 100
    assert recall >= 0.95
    assert precision >= 0.95
    # Lent numbers are two people on one number, apart from the same-person pairs.
    for side in (scores.same_person, scores.shared_number):
        assert side.planted > 10 and side.recall >= 0.95 and side.precision >= 0.95, scores.rows()


def test_two_people_on_one_number_are_findings_for_the_party_board(revalidated: Revalidated) -> None:
    """Each CITIZEN_ID_SHARED pair of duplicates.csv is in no cluster, and both
    of its members carry a CITIZEN_ID_SHARED finding naming the other, in the
    party board's work list."""
    written = pl.read_csv(revalidated.out / "duplicates.csv", infer_schema=False)
    shared = written.filter(pl.col("type") == SHARED_NUMBER)
    assert shared.height > 10
    assert shared["cluster_id"].null_count() == shared.height
    assert set(shared["status"].to_list()) == {"duplicate"}
    findings = pl.read_csv(revalidated.out / "findings.csv", infer_schema=False).filter(pl.col("code") == SHARED_NUMBER)
    assert set(findings["owner"].to_list()) == {"party_board"}
    said = set(findings.select("member_id", "message_en").iter_rows())
    for a, b in shared.select("member_id_a", "member_id_b").iter_rows():
        for member, other in ((a, b), (b, a)):
            assert any(m == member and f"member {other}" in text for m, text in said), (member, other)
    verdicts = pl.read_csv(revalidated.out / "verdicts.csv", infer_schema=False)
    flagged = verdicts.filter(pl.col("member_id").is_in(findings["member_id"].implode()))
    assert set(flagged["verdict"].to_list()) <= {"review", "reject"}
    page = _page(revalidated)
    assert page.count('data-pair="shared"') == min(shared.height, MAX_SHARED_SHOWN)


def test_clusters_hold_only_pairs_that_stay(revalidated: Revalidated) -> None:
    duplicates = pl.read_csv(revalidated.out / "duplicates.csv", infer_schema=False)
    clustered = duplicates.filter(pl.col("cluster_id").is_not_null())
    assert (clustered["status"] == "duplicate").all()
    assert (
        duplicates.filter(pl.col("status") == "cleared")["cluster_id"].null_count()
        == duplicates.filter(pl.col("status") == "cleared").height
    )
    # Cluster ids run 0..n-1.
    ids = clustered["cluster_id"].cast(pl.Int64).unique().sort()
    assert ids.to_list() == list(range(ids.len()))


def test_report_of_a_clean_roster_without_findings_or_duplicates(tmp_path: Path) -> None:
    from doichieu.generate import generate_frames
    from doichieu.records import PopulationIndex
    from doichieu.revalidate import run

    data = generate_frames(300, seed=1, noise_scale=0)
    found, _ = PopulationIndex(data.population, as_of=AS_OF).verify_all(data.roster)
    clean = data.roster.filter(~pl.col("member_id").is_in(found["member_id"].implode())).head(5)
    clean.write_csv(tmp_path / "roster.csv")
    data.population.write_csv(tmp_path / "population.csv")
    summary = run(tmp_path / "roster.csv", tmp_path / "population.csv", tmp_path / "out", as_of=AS_OF)
    assert summary.verdicts["accept"] == clean.height and not summary.codes
    assert sum(summary.duplicates.values()) == 0
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert _value(page, "total-members") == clean.height
    assert _value(page, "total-findings") == 0
    assert "No findings." in page
    assert pl.read_csv(tmp_path / "out" / "duplicates.csv").columns == list(DUPLICATE_COLUMNS)


#: Added to a copy of the page: measures, once laid out, the smallest chart text in
#: CSS pixels (an SVG's font size times its scale on the page) and writes it into the DOM.
_MEASURE_FONTS = """<script>
const sizes = [...document.querySelectorAll("svg.chart text")].map((t) => {
  const svg = t.ownerSVGElement, box = svg.viewBox.baseVal;
  const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
  return parseFloat(getComputedStyle(t).fontSize) * scale;
});
document.body.dataset.chartTexts = sizes.length;
document.body.dataset.smallestChartFont = Math.min(...sizes).toFixed(1);
</script>"""


def test_report_reads_in_vietnamese_in_headless_chromium(revalidated: Revalidated, tmp_path: Path) -> None:
    """The page as a browser lays it out: codes and duplicate types with their
    Vietnamese titles, owners by title, duplicate evidence in words, the time in
    Vietnam's zone, a legend for the chart coloured by severity, chart text of
    13 pixels or more."""
    from doichieu.report import EVIDENCE_FIELDS, TEXT
    from doichieu.vocabulary import CODE_TERMS, DUPLICATE_TERMS, FIELD_TERMS, OWNER_TERMS, SEVERITY_TERMS

    browser = chromium_or_skip()
    page = _page(revalidated).replace("</body>", _MEASURE_FONTS + "</body>")
    measured = tmp_path / "report.html"
    measured.write_text(page, encoding="utf-8")
    dom = dump_dom(browser, measured.as_uri(), tmp_path / "profile", "--window-size=1280,900")
    fonts = re.search(r'data-chart-texts="(\d+)" data-smallest-chart-font="([\d.]+)"', dom)
    assert fonts, "the measuring script did not run"
    assert int(fonts.group(1)) > 50 and float(fonts.group(2)) >= 13.0, fonts.groups()

    findings = pl.read_csv(revalidated.out / "findings.csv", infer_schema=False)
    for code in findings["code"].unique().to_list():
        row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', dom, re.S)
        assert row and CODE_TERMS[code].title_vi in row.group(1), code
        assert any(f"<td>{OWNER_TERMS[o].title_vi}<br>" in row.group(1) for o in OWNER_TERMS), code
    codes_chart = re.search(r'<svg[^>]*data-chart="codes".*?</svg>', dom, re.S)
    assert codes_chart
    for code in findings["code"].unique().to_list():
        assert CODE_TERMS[code].title_vi.split()[0] in codes_chart.group(0), code
    for severity in SEVERITY_TERMS.values():
        assert severity.title_vi in codes_chart.group(0), "the codes chart has no legend of its colours"
    duplicates = re.search(r'<table id="clusters">.*?</table>', dom, re.S)
    assert duplicates
    clusters = duplicates.group(0)
    shown_types = set(re.findall(r'<tr data-cluster="\d+" data-type="(\w+)"', clusters))
    assert shown_types
    for kind in shown_types:
        assert DUPLICATE_TERMS[kind].title_vi in clusters, kind
    # The evidence a person reads: field titles under "agree"/"differ", no level codes or weights.
    words = re.findall(r'<li data-evidence="(\w+)"><strong>([^<]+)</strong>: ([^<]+)', clusters)
    assert words and {group for group, _, _ in words} >= {"agree"}
    titles = {FIELD_TERMS[f].title_vi for f in EVIDENCE_FIELDS.values()}
    for group, label, fields in words:
        assert label == TEXT[group][0]
        assert set(fields.strip().split(", ")) <= titles, fields
    visible = re.sub(r"<details.*?</details>", "", clusters, flags=re.S)
    assert not re.search(r"same_name|\bexact\b|\(\+\d", visible)
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2} \(giờ Việt Nam / Vietnam time, UTC\+7\)", dom)


def test_report_time_is_vietnam_time_whatever_the_machines_zone() -> None:
    from datetime import datetime, timedelta, timezone

    from doichieu.report import generated_at

    utc_evening = datetime(2026, 12, 5, 20, 30, tzinfo=UTC)
    assert generated_at(utc_evening) == "06/12/2026 03:30 (giờ Việt Nam / Vietnam time, UTC+7)"
    new_york = utc_evening.astimezone(timezone(timedelta(hours=-5)))
    assert generated_at(new_york) == generated_at(utc_evening)
