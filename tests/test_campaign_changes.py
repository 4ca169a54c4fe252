"""What changed between two runs, on any two sets of findings and any marks:
each finding of either run gets exactly one status, and the status follows from
where it is found and what an officer wrote (``doichieu.campaign.changes``)."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from doichieu.campaign import KEY, compare, finding_key
from doichieu.campaign.changes import NOT_DONE, is_done

MEMBERS = [f"DV{i}" for i in range(6)]
CODES = ["GENDER_MISMATCH", "DOB_MISMATCH", "CITIZEN_ID_INVALID"]
FIELDS = [None, "gender", "date_of_birth"]
findings = st.sets(st.tuples(st.sampled_from(MEMBERS), st.sampled_from(CODES), st.sampled_from(FIELDS)), max_size=20)
cells = st.one_of(st.none(), st.sampled_from(["x", "Đã xử lý", "  ", "Chưa", "KHÔNG", "no", "0", "rồi"]))


def _frame(rows: set[tuple[str, str, str | None]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        [(m, c, f, "party_board", f"Phường {m[-1]}") for m, c, f in sorted(rows, key=str)],
        schema={"member_id": pl.String, "code": pl.String, "field": pl.String, "owner": pl.String, "ward": pl.String},
        orient="row",
    )
    return frame.with_columns(finding_key())


@settings(max_examples=200, deadline=None)
@given(before=findings, now=findings, marked=st.data())
def test_each_finding_gets_the_one_status_its_place_and_marks_say(
    before: set[tuple[str, str, str | None]], now: set[tuple[str, str, str | None]], marked: st.DataObject
) -> None:
    current, previous = _frame(now), _frame(before)
    keys = sorted(set(current[KEY].to_list()) | set(previous[KEY].to_list()))
    chosen = marked.draw(st.lists(st.sampled_from(keys), unique=True) if keys else st.just([]))
    words = {k: marked.draw(cells) for k in chosen}
    marks = pl.DataFrame(
        {KEY: list(words), "done": list(words.values()), "note": ["ghi chú"] * len(words)},
        schema={KEY: pl.String, "done": pl.String, "note": pl.String},
    )
    changes = compare(current, previous, marks)
    table = changes.table.with_columns(finding_key())
    assert table.height == len(keys) and table[KEY].n_unique() == len(keys)
    status = dict(zip(table[KEY].to_list(), table["status"].to_list(), strict=True))
    found_now, found_before = set(current[KEY].to_list()), set(previous[KEY].to_list())
    for key in keys:
        done = (words.get(key) or "").strip().lower() not in {"", *NOT_DONE}
        if key not in found_now:
            expected = "resolved"
        elif done:
            expected = "done_still_found"
        elif key in found_before:
            expected = "open"
        else:
            expected = "new"
        assert status[key] == expected, (key, words.get(key))
    assert changes.before == previous.height
    assert sum(changes.count(s) for s in ("new", "resolved", "open", "done_still_found")) == len(keys)
    # The per-owner and per-ward counts add up to the same.
    assert changes.by_owner.drop("owner").sum().row(0) == changes.by_ward.drop("ward").sum().row(0)


def test_what_counts_as_done() -> None:
    cells = ["x", "Đã xử lý", "rồi", "TRUE", "", "  ", None, "Chưa", "chua", "KHÔNG", "no", "0", "false", "Sai"]
    frame = pl.DataFrame({"done": cells}, schema={"done": pl.String})
    assert frame.select(is_done())["done"].to_list() == [True] * 4 + [False] * 10


def test_findings_without_a_member_id_are_not_followed() -> None:
    from doichieu.campaign import acting

    findings = pl.DataFrame(
        {
            "member_id": ["DV1", None, "", " ", "DV1"],
            "code": ["GENDER_MISMATCH", "GENDER_MISMATCH", "DOB_MISMATCH", "DOB_MISMATCH", "GENDER_MISMATCH"],
            "field": ["gender", "gender", "date_of_birth", "date_of_birth", "gender"],
            "severity": ["review", "review", "review", "error", "review"],
        }
    )
    assert acting(findings)[KEY].to_list() == ["DV1\x1fGENDER_MISMATCH\x1fgender"]


def test_the_chart_of_a_long_campaign_labels_a_few_runs_by_day() -> None:
    from doichieu.campaign.section import LABELLED_RUNS, _chart

    short = str(_chart([(f"{i}\n12-{i + 1:02d} 08:00", 500 - i) for i in range(1, 4)]))
    assert all(f"12-{i + 1:02d} 08:00" in short for i in range(1, 4))
    # Sixty daily runs: the last and every eighth before it, by day, none by time of day.
    days = [(f"{i}\n{(i - 1) // 30 + 1:02d}-{(i - 1) % 30 + 1:02d} 08:00", 19_000 - 250 * i) for i in range(1, 61)]
    long = str(_chart(days))
    step = -(-60 // LABELLED_RUNS)
    labelled = [i for i in range(1, 61) if (60 - i) % step == 0]
    assert len(labelled) <= LABELLED_RUNS and labelled[-1] == 60
    assert "08:00" not in long
    assert all(days[i - 1][0].split("\n")[1][:5] in long for i in labelled)
    assert days[0][0].split("\n")[1][:5] not in long  # run 1 is drawn, not labelled
