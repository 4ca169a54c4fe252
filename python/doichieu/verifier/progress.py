"""Campaign progress: counts against the required list, rates and the projected end.

Works on the ledger's grouped rows (``ProgressRow``), never on single members,
so a report over a province costs a few hundred rows whatever its size.

Time is Vietnam's (UTC+7, no daylight saving); intake sites work in one shift a
day, 08:00–23:00 by default, weekends included.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from doichieu.errors import CataloguedError, InvalidInputError
from doichieu.verifier.ledger import OUTCOME_EXCLUDED, OUTCOME_RECORDED, ProgressRow, iter_blocking_codes

VIETNAM = timezone(timedelta(hours=7), "ICT")
DEFAULT_TARGET_PER_MACHINE_PER_DAY = 250
#: Below this many working hours of history the observed rate is too noisy to project from.
MIN_HISTORY_HOURS = 1.0


@dataclass(frozen=True)
class Shift:
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> Shift:
        """``"08:00-23:00"``; a shift does not cross midnight."""
        try:
            start_text, end_text = text.split("-")
            start = time.fromisoformat(start_text.strip())
            end = time.fromisoformat(end_text.strip())
        except ValueError as exc:
            raise CataloguedError("value.shift_form", value=text) from exc
        if end <= start:
            raise CataloguedError("value.shift_order", value=text)
        return cls(start, end)

    @property
    def hours(self) -> float:
        return (_seconds(self.end) - _seconds(self.start)) / 3600.0

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def working_hours_between(self, begin: datetime, end: datetime) -> float:
        """Shift hours between two instants."""
        if end <= begin:
            return 0.0
        begin, end = begin.astimezone(VIETNAM), end.astimezone(VIETNAM)
        first_day, last_day = begin.date(), end.date()
        if first_day == last_day:
            return self._overlap(first_day, begin, end)
        total = self._overlap(first_day, begin, end) + self._overlap(last_day, begin, end)
        total += max((last_day - first_day).days - 1, 0) * self.hours
        return total

    def _overlap(self, day: date, begin: datetime, end: datetime) -> float:
        open_at = datetime.combine(day, self.start, VIETNAM)
        close_at = datetime.combine(day, self.end, VIETNAM)
        lo, hi = max(open_at, begin), min(close_at, end)
        return max((hi - lo).total_seconds(), 0.0) / 3600.0

    def completion(self, start: datetime, remaining: int, per_hour: float) -> datetime | None:
        """When ``remaining`` intakes end at ``per_hour`` during shifts, from ``start``."""
        if remaining <= 0:
            return None
        if per_hour <= 0 or not math.isfinite(per_hour):
            return None
        hours_needed = remaining / per_hour
        now = start.astimezone(VIETNAM)
        day = now.date()
        open_at = datetime.combine(day, self.start, VIETNAM)
        close_at = datetime.combine(day, self.end, VIETNAM)
        if now < open_at:
            now = open_at
        if now < close_at:
            today = (close_at - now).total_seconds() / 3600.0
            if hours_needed <= today:
                return now + timedelta(hours=hours_needed)
            hours_needed -= today
        full_days = math.floor(hours_needed / self.hours)
        rest = hours_needed - full_days * self.hours
        if rest <= 1e-9 and full_days > 0:
            # Ends exactly at a shift's close.
            last = day + timedelta(days=full_days)
            return datetime.combine(last, self.end, VIETNAM)
        finish_day = day + timedelta(days=full_days + 1)
        return datetime.combine(finish_day, self.start, VIETNAM) + timedelta(hours=rest)


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass
class Counts:
    key: str
    required: int = 0
    done: int = 0
    excluded: int = 0
    blocked: int = 0
    recorded_today: int = 0
    excluded_by_reason: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    blocked_by_code: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    #: Intakes at a machine (done and blocked, not exclusions) and their capture times.
    intakes: int = 0
    first_intake_us: int | None = None
    last_intake_us: int | None = None
    #: Set by ``compute_progress``: intakes per working day since the first one,
    #: and when the remaining members would be done at that pace.
    observed_per_day: float = 0.0
    projected_observed: datetime | None = None

    @property
    def remaining(self) -> int:
        return max(self.required - self.done - self.excluded - self.blocked, 0)

    def add(self, row: ProgressRow) -> None:
        self.recorded_today += row.count_since
        if row.outcome == OUTCOME_EXCLUDED:
            self.excluded += row.count
            self.excluded_by_reason[row.exclusion_reason or "unspecified"] += row.count
            return
        if row.outcome == OUTCOME_RECORDED and row.verdict == "accept":
            self.done += row.count
        elif row.outcome == OUTCOME_RECORDED:
            self.blocked += row.count
            for code in iter_blocking_codes(row.blocking_codes):
                self.blocked_by_code[code] += row.count
        self.intakes += row.count
        first, last = row.first_capture_time_us, row.last_capture_time_us
        self.first_intake_us = first if self.first_intake_us is None else min(self.first_intake_us, first)
        self.last_intake_us = last if self.last_intake_us is None else max(self.last_intake_us, last)

    def observe(self, shift: Shift, as_of: datetime) -> None:
        """Sets the observed rate (with an hour of shift history) and the projection."""
        if self.first_intake_us is None or not self.intakes:
            return
        started = datetime.fromtimestamp(self.first_intake_us / 1e6, VIETNAM)
        hours = shift.working_hours_between(started, as_of)
        if hours < MIN_HISTORY_HOURS:
            return
        self.observed_per_day = self.intakes / (hours / shift.hours)
        self.projected_observed = shift.completion(as_of, self.remaining, self.observed_per_day / shift.hours)


@dataclass
class Progress:
    total: Counts
    wards: list[Counts]
    sites: list[Counts]
    machines: list[Counts]
    party_units: list[Counts]
    target_per_machine_per_day: int
    active_machines: int
    shift: Shift
    deadline: datetime | None
    projected_at_target: datetime | None
    projected_observed: datetime | None
    observed_per_machine_per_day: float
    on_track: bool


def party_unit_key(ward: str, unit: str) -> str:
    """A party organisation's row key: "ward/organisation". Cell names repeat
    from commune to commune ("Chi bộ Thôn 8"), so the name alone would merge
    different organisations."""
    return f"{ward}/{unit}"


def start_of_day(moment: datetime) -> datetime:
    local = moment.astimezone(VIETNAM)
    return datetime.combine(local.date(), time(0, 0), VIETNAM)


def compute_progress(
    rows: Iterable[ProgressRow],
    required: Mapping[tuple[str, str], int],
    *,
    as_of: datetime,
    shift: Shift,
    target_per_machine_per_day: int = DEFAULT_TARGET_PER_MACHINE_PER_DAY,
    deadline: datetime | None = None,
    ward: str | None = None,
) -> Progress:
    """Aggregates the ledger's grouped rows into the report.

    ``required`` counts the roster's members (the required list) per (ward,
    party organisation); ``ward`` restricts it the same way the ledger rows
    were restricted.
    """
    if target_per_machine_per_day <= 0:
        raise InvalidInputError("target per machine per day must be positive")
    wards: dict[str, Counts] = {}
    units: dict[str, Counts] = {}
    sites: dict[str, Counts] = {}
    machines: dict[str, Counts] = {}
    total = Counts(key=ward or "")
    for (ward_name, unit_name), members in required.items():
        if ward and ward_name != ward:
            continue
        wards.setdefault(ward_name, Counts(key=ward_name)).required += members
        unit_key = party_unit_key(ward_name, unit_name)
        units.setdefault(unit_key, Counts(key=unit_key)).required += members
        total.required += members

    for row in rows:
        total.add(row)
        wards.setdefault(row.ward, Counts(key=row.ward)).add(row)
        unit_key = party_unit_key(row.ward, row.party_unit)
        units.setdefault(unit_key, Counts(key=unit_key)).add(row)
        sites.setdefault(row.site_id, Counts(key=row.site_id)).add(row)
        machine_key = f"{row.site_id}/{row.machine_id}"
        machines.setdefault(machine_key, Counts(key=machine_key)).add(row)
    for group in (wards, units, sites, machines):
        for counts in group.values():
            counts.observe(shift, as_of)
    total.observe(shift, as_of)

    # Exclusions are desk work by the party board, not intakes at a machine.
    active = sum(1 for counts in machines.values() if counts.intakes)
    remaining = total.remaining
    per_hour_target = max(active, 1) * target_per_machine_per_day / shift.hours
    projected_at_target = shift.completion(as_of, remaining, per_hour_target)

    first_us = total.first_intake_us
    observed_rate = total.observed_per_day / active if active else 0.0
    projected_observed = total.projected_observed

    if remaining == 0:
        on_track = True
    elif deadline is None:
        on_track = True
    else:
        basis = projected_observed if first_us is not None and observed_rate > 0 else projected_at_target
        on_track = basis is not None and basis <= deadline

    def ordered(groups: dict[str, Counts]) -> list[Counts]:
        return [groups[k] for k in sorted(groups)]

    return Progress(
        total=total,
        wards=ordered(wards),
        sites=ordered(sites),
        machines=ordered(machines),
        party_units=ordered(units),
        target_per_machine_per_day=target_per_machine_per_day,
        active_machines=active,
        shift=shift,
        deadline=deadline,
        projected_at_target=projected_at_target,
        projected_observed=projected_observed,
        observed_per_machine_per_day=observed_rate,
        on_track=on_track,
    )
