"""Progress arithmetic: shifts, projections, observed rates, the deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from doichieu.errors import InvalidInputError
from doichieu.verifier.ledger import OUTCOME_EXCLUDED, OUTCOME_RECORDED, ProgressRow
from doichieu.verifier.progress import VIETNAM, Shift, compute_progress

SHIFT = Shift.parse("08:00-23:00")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 9, day, hour, minute, tzinfo=VIETNAM)


def test_shift_parsing() -> None:
    assert SHIFT.hours == 15 and str(SHIFT) == "08:00-23:00"
    for bad in ("8-23", "23:00-08:00", "08:00", "08:00-08:00"):
        with pytest.raises(InvalidInputError):
            Shift.parse(bad)


def test_completion_walks_through_shifts() -> None:
    assert SHIFT.completion(at(20, 10), 100, 10.0) == at(20, 20)
    # 130 today (10:00-23:00), the other 70 from 08:00 tomorrow.
    assert SHIFT.completion(at(20, 10), 200, 10.0) == at(21, 15)
    # Outside the shift the clock waits for the next opening.
    assert SHIFT.completion(at(20, 23, 30), 15, 10.0) == at(21, 9, 30)
    assert SHIFT.completion(at(20, 5), 150, 10.0) == at(20, 23)
    # Three full days and a bit.
    assert SHIFT.completion(at(20, 8), 3 * 150 + 5, 10.0) == at(23, 8, 30)
    assert SHIFT.completion(at(20, 8), 0, 10.0) is None
    assert SHIFT.completion(at(20, 8), 10, 0.0) is None
    # 19,000 members, 7 machines at 250 a day: 11 working days minus a little.
    end = SHIFT.completion(at(1, 8), 19_000, 7 * 250 / 15)
    assert end is not None and at(11, 8) < end < at(11, 23)


def test_working_hours_between() -> None:
    assert SHIFT.working_hours_between(at(20, 9), at(20, 11)) == 2
    assert SHIFT.working_hours_between(at(20, 22), at(21, 9)) == 2
    assert SHIFT.working_hours_between(at(20, 8), at(23, 8)) == 45
    assert SHIFT.working_hours_between(at(21, 8), at(20, 8)) == 0


def row(
    ward: str,
    unit: str,
    site: str,
    machine: str,
    outcome: str,
    verdict: str,
    count: int,
    first: datetime,
    reason: str = "",
    codes: str = "",
) -> ProgressRow:
    micros = int(first.timestamp() * 1e6)
    return ProgressRow(ward, unit, site, machine, outcome, verdict, reason, codes, count, count, micros, micros)


def test_report_projects_from_the_observed_rate_and_judges_the_deadline() -> None:
    required = {("W1", "U1"): 600, ("W1", "U2"): 400, ("W2", "U3"): 1000}
    start = at(20, 8)
    rows = [
        row("W1", "U1", "S1", "m1", OUTCOME_RECORDED, "accept", 150, start),
        row("W1", "U2", "S1", "m2", OUTCOME_RECORDED, "accept", 140, start),
        row("W1", "U2", "S1", "m2", OUTCOME_RECORDED, "review", 10, start, codes="DOB_MISMATCH NAME_TYPO"),
        row("W2", "U3", "S2", "m3", OUTCOME_EXCLUDED, "", 50, start, reason="ill"),
    ]
    as_of = at(20, 23)  # one full day: two machines did 300 intakes
    report = compute_progress(rows, required, as_of=as_of, shift=SHIFT, deadline=at(25, 23))
    t = report.total
    assert (t.required, t.done, t.blocked, t.excluded, t.remaining) == (2000, 290, 10, 50, 1650)
    assert dict(t.blocked_by_code) == {"DOB_MISMATCH": 10, "NAME_TYPO": 10}
    assert report.active_machines == 2  # exclusions are not machine work
    assert report.observed_per_machine_per_day == pytest.approx(150)
    # 1650 left at 300 a day: 5.5 days from the 21st -> 26th 15:30, after the deadline.
    assert report.projected_observed == at(26, 15, 30)
    assert report.on_track is False
    # At the 250 target on the two active machines it would be 3.3 days.
    assert report.projected_at_target == at(24, 8) + timedelta(hours=4.5)

    ward = compute_progress([r for r in rows if r.ward == "W2"], required, as_of=as_of, shift=SHIFT, ward="W2")
    assert (ward.total.required, ward.total.excluded, ward.total.remaining) == (1000, 50, 950)
    assert [u.key for u in ward.party_units] == ["W2/U3"]
    assert ward.projected_observed is None  # no intakes yet in W2: nothing observed
    assert ward.on_track is True  # no deadline given


def test_nothing_left_is_on_track() -> None:
    done = [row("W", "U", "S", "m", OUTCOME_RECORDED, "accept", 5, at(20, 9))]
    report = compute_progress(done, {("W", "U"): 5}, as_of=at(20, 12), shift=SHIFT, deadline=at(19, 0))
    assert report.total.remaining == 0 and report.on_track and report.projected_at_target is None
    with pytest.raises(InvalidInputError):
        compute_progress(done, {}, as_of=at(20, 12), shift=SHIFT, target_per_machine_per_day=0)


def test_each_ward_site_and_machine_has_its_own_rate_and_projection() -> None:
    required = {("W1", "U1"): 600, ("W1", "U2"): 400, ("W2", "U3"): 1000}
    start = at(20, 8)
    rows = [
        row("W1", "U1", "S1", "m1", OUTCOME_RECORDED, "accept", 150, start),
        row("W1", "U2", "S1", "m2", OUTCOME_RECORDED, "accept", 140, start),
        row("W1", "U2", "S1", "m2", OUTCOME_RECORDED, "review", 10, start, codes="DOB_MISMATCH"),
        row("W2", "U3", "S2", "m3", OUTCOME_RECORDED, "accept", 50, at(20, 18)),
        row("W2", "U3", "S2", "m3", OUTCOME_EXCLUDED, "", 30, start, reason="ill"),
    ]
    report = compute_progress(rows, required, as_of=at(20, 23), shift=SHIFT)
    machines = {m.key: m for m in report.machines}
    assert {k: m.intakes for k, m in machines.items()} == {"S1/m1": 150, "S1/m2": 150, "S2/m3": 50}
    assert machines["S1/m1"].observed_per_day == pytest.approx(150)
    # m3 started at 18:00: 50 in 5 shift hours is 150 a day too.
    assert machines["S2/m3"].observed_per_day == pytest.approx(150)
    assert machines["S2/m3"].first_intake_us == int(at(20, 18).timestamp() * 1e6)
    wards = {w.key: w for w in report.wards}
    # W1: 700 left at 300 a day -> two full days and a third of a day (5 h): the 23rd at 13:00.
    assert wards["W1"].remaining == 700 and wards["W1"].projected_observed == at(23, 13)
    # W2: 920 left at 150 a day.
    assert wards["W2"].observed_per_day == pytest.approx(150)
    assert wards["W2"].projected_observed == SHIFT.completion(at(20, 23), 920, 10.0)
    assert report.sites[0].projected_observed is None  # sites have no required list
