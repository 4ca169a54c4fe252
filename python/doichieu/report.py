"""``report.html``: the revalidation of a province on one page, for its data team.

``write_report(path, summary, roster, verdicts, findings, pairs, clusters)`` turns
what ``doichieu revalidate`` computed into one self-contained HTML file: totals
and verdicts, findings by code and by owner, by ward and by party organisation,
the duplicate clusters with their evidence, and charts. Every table is a polars
aggregation; the charts are drawn by matplotlib (no pyplot, so no GUI backend)
as SVG and embedded inline; the page is a Jinja2 template shipped in
``doichieu/templates``. Nothing is fetched when the page is opened: no scripts,
no fonts, no images from elsewhere.

Labels are Vietnamese first with English beside them: codes, duplicate types and
owners by their titles (``doichieu.vocabulary``), duplicate evidence as the
fields that agree or differ, times in Vietnam's time (ICT). The words this
module adds come from the catalogue's ``report.`` messages (``doichieu.messages``),
rendered in both languages; the page also says what the reader chose and set
aside in each input file (``Summary.readings``). The page lists member IDs (it is the team's work product)
but never names.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jinja2
import matplotlib
import polars as pl
from markupsafe import Markup
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from doichieu.dedup import SHARED_NUMBER
from doichieu.messages import MESSAGES, Message, text_both
from doichieu.records import finding_codes
from doichieu.summary import Summary
from doichieu.vocabulary import (
    CODE_TERMS,
    DUPLICATE_TERMS,
    DUPLICATE_TITLES,
    FIELD_TERMS,
    OWNER_TERMS,
    OWNER_TITLES,
    OWNERS,
    SEVERITY_TITLES,
    VERDICT_TITLES,
)

__all__ = ["VERDICT_TITLES", "Prepared", "prepare", "render_report", "write_report"]

VERDICT_COLOURS = {"accept": "#2e7d32", "review": "#f9a825", "reject": "#c62828"}
SEVERITY_COLOURS = {"info": "#90a4ae", "review": "#f9a825", "error": "#c62828"}
DUPLICATE_COLOURS = {
    "DUPLICATE_CITIZEN_ID": "#6a1b9a",
    "DUPLICATE_PERSON": "#1565c0",
    "TRANSFER_DUPLICATE": "#00838f",
    SHARED_NUMBER: "#c62828",
}

POPULATION_CHECK_TITLES = {
    check: text_both(f"report.population_check.{check}") for check in ("same_citizen", "different_citizens", "unknown")
}

#: The page's times: Vietnam's time (ICT, UTC+7, no daylight saving), wherever the report is made.
ICT = timezone(timedelta(hours=7), "ICT")

#: The catalogue's words the template shows, by name: (Vietnamese, English).
TEXT: dict[str, Message] = {
    name: MESSAGES[f"report.{name}"]
    for name in ("local_time", "agree", "close", "differ", "missing", "technical", "readings")
}

#: Duplicate evidence: each level column of a pair, the field it compares, and
#: the levels that mean the field agrees or differs (the dedup model's level
#: names, docs/dedup.md); any other level is a near agreement.
EVIDENCE_FIELDS = {
    "name_level": "full_name",
    "date_of_birth_level": "date_of_birth",
    "gender_level": "gender",
    "hometown_level": "hometown",
    "citizen_id_level": "citizen_id",
    "old_id_level": "old_id_number",
}
AGREEING_LEVELS = ("same_name", "exact", "agree")
DIFFERING_LEVELS = ("different", "disagree")

#: Font sizes of the charts, in points (an SVG point shows as 1.33 CSS pixels at
#: the page's width): the smallest text stays at 13 pixels or more.
TICK_FONT = 10.5
LABEL_FONT = 11
TITLE_FONT = 13
#: Characters a chart label holds on one line before it wraps.
LABEL_CHARS = 46

#: Rows shown in the page's longer tables; the CSV files hold the rest.
TOP_PARTY_UNITS = 60
TOP_WARDS_CHARTED = 25
MAX_CLUSTERS_SHOWN = 400
MAX_CLEARED_SHOWN = 100
MAX_SHARED_SHOWN = 100

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("doichieu", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _number(value: int | float | None) -> str:
    """1 234 567 (narrow no-break spaces: read the same in Vietnamese and English)."""
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", "\u202f")


def _percent(part: int | float, whole: int | float) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "—"


_TEMPLATES.filters["num"] = _number
_TEMPLATES.filters["pct"] = _percent


# --------------------------------------------------------------------------- charts

_XML_PROLOGUE = re.compile(r"<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*|<metadata>.*?</metadata>\s*", re.S)


def _inline_svg(figure: Figure, key: str, title: str) -> Markup:
    """The figure as an ``<svg>`` element to paste into the page: no prologue, no
    metadata, and every id prefixed with ``key`` so several charts on one page
    never share an id (clip paths would cross)."""
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": key}):
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = _XML_PROLOGUE.sub("", buffer.getvalue().decode("utf-8"))
    text = re.sub(r'\bid="([^"]+)"', rf'id="{key}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{key}-\1"', text)
    text = text.replace("<svg ", f'<svg class="chart" role="img" aria-label="{_attr(title)}" data-chart="{key}" ', 1)
    return Markup(text.strip())


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _figure(bars: int, lines: int = 0, width: float = 8.5) -> Figure:
    """A figure tall enough for ``bars`` bars whose labels take ``lines`` lines in all."""
    figure = Figure(figsize=(width, max(1.9, max(0.42 * bars, 0.3 * lines) + 1.1)), layout="constrained")
    return figure


def _wrapped(label: str) -> str:
    return "\n".join(textwrap.wrap(label, LABEL_CHARS)) or label


def _lines(labels: Sequence[str]) -> int:
    return sum(label.count("\n") + 1 for label in labels)


def _style(axes: Any) -> None:
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=TICK_FONT)
    axes.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    axes.set_axisbelow(True)


def _hbar(
    key: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[int],
    colours: Sequence[str],
    xlabel: str,
    legend: dict[str, str] | None = None,
) -> Markup:
    """Horizontal bars; ``legend`` (label → colour) explains colours that the
    labels do not."""
    labels = [_wrapped(label) for label in labels]
    figure = _figure(len(labels) + (1 if legend else 0), _lines(labels))
    axes = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]
    bars = axes.barh(positions, values, color=list(colours), height=0.7)
    axes.set_yticks(positions, labels=list(labels))
    axes.bar_label(bars, labels=[_number(v) for v in values], padding=3, fontsize=TICK_FONT)
    axes.set_xlabel(xlabel, fontsize=LABEL_FONT)
    axes.set_title(title, fontsize=TITLE_FONT, loc="left")
    axes.margins(x=0.12)
    if legend:
        handles = [Patch(color=colour, label=label) for label, colour in legend.items()]
        figure.legend(
            handles=handles, fontsize=TICK_FONT, loc="outside lower center", ncols=len(handles), frameon=False
        )
    _style(axes)
    return _inline_svg(figure, key, title)


def _stacked(
    key: str,
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float]],
    colours: dict[str, str],
    names: dict[str, str],
    xlabel: str,
) -> Markup:
    labels = [_wrapped(label) for label in labels]
    figure = _figure(len(labels) + 1, _lines(labels))
    axes = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]
    left = [0.0] * len(labels)
    for name, values in series.items():
        axes.barh(positions, values, left=left, color=colours[name], label=names[name], height=0.7)
        left = [a + float(b) for a, b in zip(left, values)]
    axes.set_yticks(positions, labels=list(labels))
    axes.set_xlabel(xlabel, fontsize=LABEL_FONT)
    axes.set_title(title, fontsize=TITLE_FONT, loc="left")
    figure.legend(fontsize=TICK_FONT, loc="outside lower center", ncols=len(series), frameon=False)
    _style(axes)
    return _inline_svg(figure, key, title)


def _histogram(key: str, title: str, values: Sequence[float], xlabel: str, ylabel: str) -> Markup:
    figure = _figure(7)
    axes = figure.add_subplot()
    axes.hist(list(values), bins=[i * 5 for i in range(21)], color="#f9a825", edgecolor="white")
    axes.set_xlabel(xlabel, fontsize=LABEL_FONT)
    axes.set_ylabel(ylabel, fontsize=LABEL_FONT)
    axes.set_title(title, fontsize=TITLE_FONT, loc="left")
    _style(axes)
    return _inline_svg(figure, key, title)


# --------------------------------------------------------------------------- tables


def _records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dicts()


def _verdict_counts() -> list[pl.Expr]:
    return [(pl.col("verdict") == v).sum().alias(v) for v in VERDICT_TITLES]


def _by_area(
    verdicts: pl.DataFrame, findings: pl.DataFrame, roster: pl.DataFrame, clusters: pl.DataFrame, keys: list[str]
) -> pl.DataFrame:
    """Members, verdicts, findings needing action and members in duplicate
    clusters per ward (``keys=["ward"]``) or party organisation."""
    place = roster.select(pl.int_range(0, roster.height, dtype=pl.UInt32).alias("row"), *keys).with_columns(
        pl.col(k).fill_null(f"({text_both('report.empty')})") for k in keys
    )
    members = (
        verdicts.select("row", "verdict")
        .join(place, on="row", how="left")
        .group_by(keys)
        .agg(pl.len().alias("members"), *_verdict_counts())
    )
    acting = (
        findings.filter(pl.col("severity") != "info")
        .select("row")
        .join(place, on="row", how="left")
        .group_by(keys)
        .agg(pl.len().alias("findings"))
    )
    doubled = (
        clusters.select("row").join(place, on="row", how="left").group_by(keys).agg(pl.len().alias("in_duplicates"))
    )
    return (
        members.join(acting, on=keys, how="left")
        .join(doubled, on=keys, how="left")
        .with_columns(pl.col("findings", "in_duplicates").fill_null(0))
        .with_columns(
            (pl.col("review") + pl.col("reject")).alias("action"),
            (100 * (pl.col("review") + pl.col("reject")) / pl.col("members")).alias("action_pct"),
        )
        .sort("action", "members", *keys, descending=[True, True] + [False] * len(keys))
    )


def _fields_where(condition: Any, language: int) -> pl.Expr:
    """The titles of the fields whose level meets ``condition``, comma-separated."""
    titles = [
        pl.when(condition(pl.col(column))).then(
            pl.lit(FIELD_TERMS[field].title_vi if language == 0 else FIELD_TERMS[field].title_en)
        )
        for column, field in EVIDENCE_FIELDS.items()
    ]
    return pl.concat_list(titles).list.drop_nulls().list.join(", ")


def _with_evidence(pairs: pl.DataFrame) -> pl.DataFrame:
    """``pairs`` with the evidence in words: the fields that agree, nearly agree,
    differ or are missing on one side (``agree_vi``, ``agree_en``, …)."""
    groups = {
        "agree": lambda c: c.is_in(AGREEING_LEVELS),
        "close": lambda c: c.is_not_null() & ~c.is_in(AGREEING_LEVELS) & ~c.is_in(DIFFERING_LEVELS),
        "differ": lambda c: c.is_in(DIFFERING_LEVELS),
        "missing": lambda c: c.is_null(),
    }
    return pairs.with_columns(
        _fields_where(condition, language).alias(f"{group}_{suffix}")
        for group, condition in groups.items()
        for language, suffix in enumerate(("vi", "en"))
    )


def _evidence_words() -> list[dict[str, str]]:
    """The evidence groups in the order the page shows them, with their titles."""
    return [{"group": g, "vi": TEXT[g].vi, "en": TEXT[g].en} for g in ("agree", "close", "differ", "missing")]


def _clusters_table(pairs: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    """One row per cluster with its members and the evidence of its pairs."""
    members = clusters.group_by("cluster_id").agg(
        pl.first("type"),
        pl.len().alias("size"),
        pl.struct("member_id", "ward", "party_unit").alias("members"),
    )
    evidence = (
        _with_evidence(pairs.filter(pl.col("cluster_id").is_not_null()))
        .sort("score", descending=True)
        .group_by("cluster_id", maintain_order=True)
        .agg(
            pl.col("score").max().alias("score"),
            pl.struct(
                "member_id_a",
                "member_id_b",
                "score",
                "status",
                "population_check",
                "name_level",
                "date_of_birth_level",
                "gender_level",
                "hometown_level",
                "citizen_id_level",
                "explanation",
                *(f"{g}_{lang}" for g in ("agree", "close", "differ", "missing") for lang in ("vi", "en")),
            ).alias("pairs"),
        )
    )
    order = {t: i for i, t in enumerate(DUPLICATE_TITLES)}
    return (
        members.join(evidence, on="cluster_id", how="left")
        .with_columns(pl.col("type").replace_strict(order, default=len(order)).alias("type_order"))
        .sort("type_order", "size", "score", "cluster_id", descending=[False, True, True, False])
    )


def _duplicate_types(pairs: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    kinds = pl.DataFrame({"type": list(DUPLICATE_TITLES)})
    by_pairs = pairs.group_by("type").agg(
        (pl.col("status") == "duplicate").sum().alias("pairs"), (pl.col("status") == "cleared").sum().alias("cleared")
    )
    by_clusters = clusters.group_by("type").agg(
        pl.col("cluster_id").n_unique().alias("clusters"), pl.len().alias("members")
    )
    return (
        kinds.join(by_pairs, on="type", how="left")
        .join(by_clusters, on="type", how="left")
        .with_columns(pl.col("pairs", "cleared", "clusters", "members").fill_null(0).cast(pl.Int64))
    )


@dataclass(frozen=True)
class Prepared:
    """What the page shows beside the summary: its tables and charts (``context``)
    and the findings per owner and severity (``owners``, joined with the work
    list counts of the summary)."""

    context: dict[str, Any]
    owners: list[dict[str, Any]]


def prepare(
    roster: pl.DataFrame,
    verdicts: pl.DataFrame,
    findings: pl.DataFrame,
    pairs: pl.DataFrame,
    clusters: pl.DataFrame,
) -> Prepared:
    """The tables and charts, from the engine's tables alone: the costly part of
    a report (the charts), which ``doichieu revalidate`` draws while it writes
    its other files."""
    by_verdict = dict(verdicts.group_by("verdict").len().iter_rows())
    legend = finding_codes()
    codes = (
        findings.group_by("code")
        .agg(pl.len().alias("count"), pl.col("row").n_unique().alias("members"))
        .join(legend, on="code", how="left")
        .with_columns(
            pl.col("owner")
            .replace_strict({o: t.title_vi for o, t in OWNER_TERMS.items()}, default=pl.col("owner"))
            .alias("owner_vi"),
            pl.col("owner")
            .replace_strict({o: t.title_en for o, t in OWNER_TERMS.items()}, default=pl.col("owner"))
            .alias("owner_en"),
        )
        .with_columns(pl.col("severity").replace_strict({"error": 0, "review": 1, "info": 2}, default=3).alias("rank"))
        .sort("count", "code", descending=[True, False])
    )
    owners = findings.group_by("owner", "severity").len().pivot(on="severity", index="owner", values="len")
    for severity in SEVERITY_TITLES:
        if severity not in owners.columns:
            owners = owners.with_columns(pl.lit(0, pl.UInt32).alias(severity))
    owners = (
        pl.DataFrame({"owner": list(OWNERS)})
        .join(owners, on="owner", how="left")
        .with_columns(pl.col(*SEVERITY_TITLES).fill_null(0))
    )
    wards = _by_area(verdicts, findings, roster, clusters, ["ward"])
    units = _by_area(verdicts, findings, roster, clusters, ["ward", "party_unit"])
    duplicate_types = _duplicate_types(pairs, clusters)
    cluster_table = _clusters_table(pairs, clusters)
    cleared = _with_evidence(pairs.filter(pl.col("status") == "cleared"))
    shared = pairs.filter((pl.col("status") == "duplicate") & (pl.col("type") == SHARED_NUMBER))

    charts: dict[str, Markup] = {}
    charts["verdicts"] = _hbar(
        "verdicts",
        text_both("report.chart.verdicts"),
        [VERDICT_TITLES[v] for v in VERDICT_TITLES],
        [int(by_verdict.get(v, 0)) for v in VERDICT_TITLES],
        [VERDICT_COLOURS[v] for v in VERDICT_TITLES],
        text_both("report.chart.members"),
    )
    if codes.height:
        charts["codes"] = _hbar(
            "codes",
            text_both("report.chart.codes"),
            [_code_label(code) for code in codes["code"].to_list()],
            codes["count"].to_list(),
            [SEVERITY_COLOURS.get(s or "", "#777") for s in codes["severity"].to_list()],
            text_both("report.chart.findings"),
            legend={SEVERITY_TITLES[s]: SEVERITY_COLOURS[s] for s in SEVERITY_TITLES},
        )
    charts["owners"] = _stacked(
        "owners",
        text_both("report.chart.owners"),
        [OWNER_TITLES[o] for o in owners["owner"].to_list()],
        {s: owners[s].to_list() for s in ("error", "review", "info")},
        SEVERITY_COLOURS,
        SEVERITY_TITLES,
        text_both("report.chart.findings"),
    )
    if wards.height:
        top = wards.head(TOP_WARDS_CHARTED)
        charts["wards"] = _stacked(
            "wards",
            text_both("report.chart.wards", count=top.height),
            top["ward"].to_list(),
            {v: top[v].to_list() for v in ("reject", "review")},
            VERDICT_COLOURS,
            VERDICT_TITLES,
            text_both("report.chart.members"),
        )
    if units.height:
        charts["units"] = _histogram(
            "units",
            text_both("report.chart.units"),
            units["action_pct"].to_list(),
            text_both("report.chart.units_x"),
            text_both("report.chart.units_y"),
        )
    if duplicate_types["pairs"].sum():
        charts["duplicates"] = _hbar(
            "duplicates",
            text_both("report.chart.duplicates"),
            [f"{DUPLICATE_TERMS[t].title_vi} ({t})" for t in duplicate_types["type"].to_list()],
            duplicate_types["pairs"].to_list(),
            [DUPLICATE_COLOURS[t] for t in duplicate_types["type"].to_list()],
            text_both("report.chart.pairs"),
        )

    acting_members = int(findings.filter(pl.col("severity") != "info")["row"].n_unique()) if findings.height else 0
    context = {
        "findings_total": findings.height,
        "acting_findings": int((findings["severity"] != "info").sum()) if findings.height else 0,
        "acting_members": acting_members,
        "codes": _records(codes),
        "severity_titles": SEVERITY_TITLES,
        "wards": _records(wards),
        "units": _records(units.head(TOP_PARTY_UNITS)),
        "units_total": units.height,
        "units_all_clear": int((units["action"] == 0).sum()) if units.height else 0,
        "top_party_units": TOP_PARTY_UNITS,
        "duplicate_types": [{**row, "title": DUPLICATE_TITLES[row["type"]]} for row in duplicate_types.to_dicts()],
        "duplicate_pairs": int(duplicate_types["pairs"].sum()),
        "duplicate_cleared": int(duplicate_types["cleared"].sum()),
        "clusters": _records(cluster_table.head(MAX_CLUSTERS_SHOWN)),
        "clusters_total": cluster_table.height,
        "loose_pairs": int(
            pairs.filter(
                (pl.col("status") == "duplicate") & pl.col("cluster_id").is_null() & (pl.col("type") != SHARED_NUMBER)
            ).height
        ),
        "shared": _records(shared.head(MAX_SHARED_SHOWN)),
        "shared_total": shared.height,
        "cleared": _records(cleared.head(MAX_CLEARED_SHOWN)),
        "max_clusters_shown": MAX_CLUSTERS_SHOWN,
        "population_check_titles": POPULATION_CHECK_TITLES,
        "duplicate_terms": DUPLICATE_TERMS,
        "code_terms": CODE_TERMS,
        "evidence_words": _evidence_words(),
        "text": TEXT,
        "verdict_titles": VERDICT_TITLES,
        "charts": charts,
    }
    return Prepared(context, owners.to_dicts())


def _code_label(code: str) -> str:
    """A chart's label for a finding code: its Vietnamese title, the code beside it."""
    term = CODE_TERMS.get(code)
    return f"{term.title_vi} ({code})" if term else code


def generated_at(now: datetime | None = None) -> str:
    """When the report was made, in Vietnam's time whatever the machine's zone."""
    moment = (now or datetime.now(ICT)).astimezone(ICT).strftime("%d/%m/%Y %H:%M")
    return f"{moment} ({text_both('report.local_time')}, UTC+7)"


def build_context(summary: Summary, prepared: Prepared) -> dict[str, Any]:
    """Everything the template shows, as plain values and lists of dicts."""
    verdict_rows = [
        {"verdict": v, "title": VERDICT_TITLES[v], "count": summary.verdicts.get(v, 0), "colour": VERDICT_COLOURS[v]}
        for v in VERDICT_TITLES
    ]
    owner_rows = [
        {
            **row,
            "title": OWNER_TITLES.get(row["owner"], row["owner"]),
            "action": row["review"] + row["error"],
            "worklist": summary.owners.get(row["owner"], 0),
        }
        for row in prepared.owners
    ]
    return {
        **prepared.context,
        "summary": summary,
        "generated": generated_at(),
        "members": summary.members,
        "verdict_rows": verdict_rows,
        "owner_rows": owner_rows,
        "files": [p.name for p in summary.files],
        "not_run": list(zip(summary.not_run_lines("vi"), summary.not_run_lines("en"), strict=True)),
        "readings": [[(vi.strip(), en.strip()) for vi, en in reading.lines()] for reading in summary.readings],
        "campaign": None,
    }


def render_report(context: dict[str, Any]) -> str:
    return _TEMPLATES.get_template("report.html.j2").render(**context)


def write_report(
    path: str | Path,
    summary: Summary,
    roster: pl.DataFrame,
    verdicts: pl.DataFrame,
    findings: pl.DataFrame,
    pairs: pl.DataFrame,
    clusters: pl.DataFrame,
    prepared: Prepared | None = None,
    campaign: dict[str, Any] | None = None,
) -> Path:
    """Writes ``report.html`` (UTF-8) and returns its path; ``prepared`` is what
    ``prepare`` made of these tables, when it ran already; ``campaign``, the
    campaign section (``doichieu.campaign.section``), when there is one."""
    path = Path(path)
    if prepared is None:
        prepared = prepare(roster, verdicts, findings, pairs, clusters)
    context = build_context(summary, prepared)
    if campaign is not None:
        context["campaign"] = campaign
    page = render_report(context)
    path.write_text(page, encoding="utf-8")
    return path


def external_references(page: str) -> Iterable[str]:
    """Every ``src``/``href``/``url()``/``@import`` in ``page`` that leaves the
    file (http, https or protocol-relative); the tests expect none."""
    pattern = re.compile(
        r"""(?:\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*|url\(\s*["']?|@import\s+["']?)((?:https?:)?//[^"'\s)>]*)""",
        re.I,
    )
    return [m.group(1) for m in pattern.finditer(page)]
