"""``doichieu simulate``: intake sites driving a running verifier over gRPC.

Each intake machine is a worker thread with its own ``IntakeClient`` (its own
offline queue file) that takes the members booked to its site, one at a time, at
the target pace (250 per machine per working day, shifts 08:00-23:00), on a
compressed clock. The simulated working days are the ones just before ``--end``
(now by default), so every capture time lies in the past as the server requires, and
``doichieu progress`` right afterwards sees the rates the simulation ran at.

What happens on the way, drawn from ``--seed``:
- exclusions: the party board takes ``--exclude`` of the members off the list
  (ill, abroad, ...); they are submitted with their reason and take no slot;
- connection loss: a machine loses the line for 20 to 120 minutes with
  probability ``--outages`` per working day; its intakes go to the local queue
  and are replayed when the line is back;
- lost answers: ``--lost-answers`` of the submissions are sent again with the
  same id and bytes, as after a timeout; the server must answer the same;
- duplicates across sites: ``--duplicates`` of the intakes are a member who
  already came to the other site; the server must say ALREADY_SUBMITTED;
- a submission the server cannot take right now (UNAVAILABLE, overloaded) is
  retried with backoff.

Logs carry counts only; member ids appear at debug level, names never.
"""

from __future__ import annotations

import argparse
import logging
import math
import random
import socket
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from doichieu.errors import CataloguedError
from doichieu.messages import text, title
from doichieu.vocabulary import ROSTER_COLUMNS, VERDICT_TERMS, VERDICTS

log = logging.getLogger("doichieu.simulate")

VIETNAM = timezone(timedelta(hours=7), "ICT")
#: Why the party board takes a member off the list, with rough shares.
EXCLUSIONS = (
    ("ILL", 0.3),
    ("ABROAD", 0.25),
    ("PENDING_CORRECTION", 0.15),
    ("NO_CARD_YET", 0.1),
    ("DECEASED", 0.1),
    ("TRANSFERRED", 0.1),
)
MEMBER_FIELDS = ROSTER_COLUMNS


@dataclass
class SimulationConfig:
    target: str
    roster: str
    sites: int = 2
    machines: int = 7
    days: float = 1.0
    per_day: int = 250
    shift: str = "08:00-23:00"
    speed: float = 600.0
    as_fast_as_possible: bool = False
    end: datetime | None = None
    ward: str | None = None
    exclude: float = 0.03
    duplicates: float = 0.01
    outages: float = 0.3
    lost_answers: float = 0.01
    seed: int = 7
    queue_dir: str | None = None
    timeout: float = 5.0
    credentials: Any = None


@dataclass
class Summary:
    """What the simulation did and what the server answered."""

    members_booked: int = 0
    slots: int = 0
    submitted: int = 0  # distinct submissions (ids) taken by the machines
    verdicts: Counter[str] = field(default_factory=Counter)  # accept, review, reject (recorded intakes)
    excluded: int = 0
    duplicates_sent: int = 0
    duplicates_caught: int = 0  # ALREADY_SUBMITTED answers, planned or not
    lost_answers_resent: int = 0
    resent_same_answer: int = 0
    retries: int = 0  # sends of a submission after UNAVAILABLE and the like
    offline_queued: int = 0
    replayed: int = 0
    failed: int = 0  # refused by the server (final)
    still_queued: int = 0
    outages: int = 0
    wall_seconds: float = 0.0
    simulated_from: datetime | None = None
    simulated_to: datetime | None = None
    per_machine: dict[str, Counter[str]] = field(default_factory=dict)

    def merge(self, other: Summary) -> None:
        for name in (
            "submitted",
            "excluded",
            "duplicates_sent",
            "duplicates_caught",
            "lost_answers_resent",
            "resent_same_answer",
            "retries",
            "offline_queued",
            "replayed",
            "failed",
            "still_queued",
            "outages",
            "slots",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.verdicts.update(other.verdicts)
        self.per_machine.update(other.per_machine)


# ---------------------------------------------------------------- the plan


@dataclass
class Machine:
    site: str
    machine: str
    members: list[dict[str, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.site}/{self.machine}"


def _shift(text: str) -> Any:
    from doichieu.verifier.progress import Shift

    return Shift.parse(text)


def add_working_hours(shift: Any, start: datetime, hours: float) -> datetime:
    """The instant ``hours`` of shift time after ``start``."""
    now = start.astimezone(VIETNAM)
    left = hours
    while True:
        open_at = datetime.combine(now.date(), shift.start, VIETNAM)
        close_at = datetime.combine(now.date(), shift.end, VIETNAM)
        if now < open_at:
            now = open_at
        if now < close_at:
            today = (close_at - now).total_seconds() / 3600.0
            if left <= today:
                return now + timedelta(hours=left)
            left -= today
        now = datetime.combine(now.date() + timedelta(days=1), shift.start, VIETNAM)


def subtract_working_hours(shift: Any, end: datetime, hours: float) -> datetime:
    """The instant ``hours`` of shift time before ``end``."""
    now = end.astimezone(VIETNAM)
    left = hours
    while True:
        open_at = datetime.combine(now.date(), shift.start, VIETNAM)
        close_at = datetime.combine(now.date(), shift.end, VIETNAM)
        if now > close_at:
            now = close_at
        if now > open_at:
            today = (now - open_at).total_seconds() / 3600.0
            if left <= today:
                return now - timedelta(hours=left)
            left -= today
        now = datetime.combine(now.date() - timedelta(days=1), shift.end, VIETNAM)


def load_members(roster: str, ward: str | None) -> list[dict[str, str]]:
    """The required list: one row per member_id (the first), in booking order
    (ward, then party organisation, then roster order)."""
    import polars as pl

    from doichieu.records import load_roster

    frame = load_roster(roster, extra_columns="ignore").with_columns(pl.all().fill_null(""))
    if ward:
        frame = frame.filter(pl.col("ward") == ward)
        if frame.height == 0:
            raise CataloguedError("value.no_ward", ward=ward)
    frame = frame.unique(subset="member_id", keep="first", maintain_order=True)
    frame = frame.with_row_index("_row").sort("ward", "party_unit", "_row").drop("_row")
    return [{k: str(v) for k, v in row.items() if k in MEMBER_FIELDS} for row in frame.iter_rows(named=True)]


def plan(members: list[dict[str, str]], sites: int, machines: int) -> list[Machine]:
    """Books members to sites (whole wards when there are enough of them, else
    whole party organisations, the biggest first to the emptiest site) and deals
    each site's list to its machines in booking order."""
    if sites < 1 or machines < sites:
        raise CataloguedError("value.sites")
    wards = sorted({m["ward"] for m in members})
    key = "ward" if len(wards) >= sites else "party_unit"
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for member in members:
        group = (member["ward"], member["party_unit"]) if key == "party_unit" else (member["ward"], "")
        groups.setdefault(group, []).append(member)
    site_names = [f"site-{k + 1}" for k in range(sites)]
    booked: dict[str, list[dict[str, str]]] = {name: [] for name in site_names}
    for _, group_members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        emptiest = min(site_names, key=lambda name: (len(booked[name]), name))
        booked[emptiest].extend(group_members)
    out: list[Machine] = []
    for k in range(machines):
        out.append(Machine(site=site_names[k % sites], machine=f"m-{k + 1:02d}"))
    for name in site_names:
        mine = [m for m in out if m.site == name]
        for i, member in enumerate(sorted(booked[name], key=lambda m: (m["ward"], m["party_unit"]))):
            mine[i % len(mine)].members.append(member)
    return out


def _dead_target() -> str:
    """A loopback port nothing listens on: where a machine's calls go while its line is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


# ---------------------------------------------------------------- one machine


class Worker:
    def __init__(
        self,
        config: SimulationConfig,
        machine: Machine,
        index: int,
        shared: Shared,
        queue_dir: Path,
        start: datetime,
        launched: float,
        slots: int,
    ) -> None:
        from doichieu.client import IntakeClient

        self.config = config
        self.machine = machine
        self.shared = shared
        self.rng = random.Random(config.seed * 1_000_003 + index)
        self.shift = _shift(config.shift)
        self.start = start
        self.launched = launched
        self.slots = slots
        self.summary = Summary()
        self.counts: Counter[str] = Counter()
        queue = queue_dir / f"{machine.site}-{machine.machine}.db"
        common = dict(
            site_id=machine.site,
            machine_id=machine.machine,
            officer_id=f"cb-{index + 1:03d}",
            timeout=config.timeout,
            credentials=config.credentials,
        )
        self.live = IntakeClient(config.target, queue, **common)
        self.offline = IntakeClient(shared.dead_target, queue, **common)
        self.outages = self._draw_outages()

    def _draw_outages(self) -> list[tuple[float, float]]:
        """(start, end) in working hours from the start of the simulation."""
        out = []
        total = self.config.days * self.shift.hours
        for day in range(math.ceil(self.config.days)):
            span = min(self.shift.hours, total - day * self.shift.hours)
            if self.rng.random() < self.config.outages * span / self.shift.hours:
                begin = day * self.shift.hours + self.rng.uniform(0.0, max(span - 0.5, 0.0))
                out.append((begin, begin + self.rng.uniform(20, 120) / 60))
        return out

    def _offline_at(self, hours: float) -> bool:
        return any(a <= hours < b for a, b in self.outages)

    def _wait_until(self, hours: float) -> None:
        if self.config.as_fast_as_possible:
            return
        due = self.launched + hours * 3600.0 / self.config.speed
        pause = due - time.monotonic()
        if pause > 0:
            self.shared.stopping.wait(pause)

    def _tally(self, result: Any) -> None:
        from doichieu.v1 import verifier_pb2 as pb

        if result.state == "failed":
            self.summary.failed += 1
            log.info("%s: a submission was refused (%s)", self.machine.key, (result.error or "").split(":")[0])
            return
        response = result.response
        if response is None:
            return
        if response.outcome == pb.SUBMIT_OUTCOME_ALREADY_SUBMITTED:
            self.summary.duplicates_caught += 1
            self.counts["already submitted"] += 1
            log.debug(
                "%s: submission %s: already submitted at %s",
                self.machine.key,
                response.submission_id,
                response.prior_submission.site_id,
            )
        elif response.outcome == pb.SUBMIT_OUTCOME_EXCLUDED:
            self.summary.excluded += 1
            self.counts["excluded"] += 1
        elif response.outcome == pb.SUBMIT_OUTCOME_RECORDED:
            verdict = pb.Verdict.Name(response.verification.verdict).removeprefix("VERDICT_").lower()
            self.summary.verdicts[verdict] += 1
            self.counts[verdict] += 1
            if verdict == "accept":
                self.shared.taken(self.machine.site, response.submission_id)

    def _send(self, member: dict[str, str], capture: datetime, hours: float, reason: int = 0) -> None:
        if self._offline_at(hours):
            result = self.offline.submit(member, exclusion_reason=reason, capture_time=capture)
            self.summary.submitted += 1
            self.shared.remember(result.submission_id, member)
            if result.state == "queued":
                self.summary.offline_queued += 1
                self.counts["queued offline"] += 1
                return
            self._tally(result)
            return
        self._replay()
        result = self.live.submit(member, exclusion_reason=reason, capture_time=capture)
        self.summary.submitted += 1
        self.shared.remember(result.submission_id, member)
        backoff = 0.05
        attempts = 0
        while result.state == "queued" and attempts < 6:
            attempts += 1
            self.summary.retries += 1
            time.sleep(backoff)
            backoff *= 2
            current = result.submission_id
            for other in self.live.replay():
                if other.submission_id == current:
                    result = other
                elif other.state != "queued":
                    self.summary.replayed += 1  # queued earlier, through now
                    self._tally(other)
            if result.state == "queued":
                result = self.live.result(current)
        if result.state == "queued":
            self.summary.offline_queued += 1  # the line is bad: left for the next replay
            return
        self._tally(result)
        if result.state == "sent" and self.rng.random() < self.config.lost_answers:
            # The answer was lost on the way back: the machine sends the same bytes again.
            self.summary.lost_answers_resent += 1
            again = self.live.resend(result.submission_id)
            if again.response is not None and again.response == result.response:
                self.summary.resent_same_answer += 1
            else:
                log.warning("%s: a resent submission got a different answer (%s)", self.machine.key, again.state)

    def _replay(self) -> None:
        if not self.live.pending():
            return
        for result in self.live.replay():
            if result.state == "queued":
                break
            self.summary.replayed += 1
            self._tally(result)

    def run(self) -> None:
        from doichieu.v1 import verifier_pb2 as pb

        interval = self.shift.hours / self.config.per_day
        members = list(self.machine.members)
        pending = iter(members)
        slot = 0
        was_offline = False
        try:
            while slot < self.slots and not self.shared.stopping.is_set():
                hours = (slot + self.rng.uniform(0.0, 0.8)) * interval
                self._wait_until(hours)
                capture = add_working_hours(self.shift, self.start, hours)
                offline = self._offline_at(hours)
                if offline and not was_offline:
                    self.summary.outages += 1
                    log.info("%s: line down at %s", self.machine.key, capture.strftime("%d/%m %H:%M"))
                elif was_offline and not offline:
                    log.info(
                        "%s: line back at %s, replaying %d queued",
                        self.machine.key,
                        capture.strftime("%d/%m %H:%M"),
                        self.live.pending(),
                    )
                was_offline = offline
                if self.rng.random() < self.config.duplicates:
                    other = self.shared.someone_from_another_site(self.machine.site, self.rng)
                    if other is not None:
                        self.summary.duplicates_sent += 1
                        self._send(other, capture, hours)
                        slot += 1
                        continue
                member = next(pending, None)
                if member is None:
                    break
                if self.shared.is_excluded(member["member_id"]):
                    reason = self.shared.exclusion_reason(member["member_id"])
                    self._send(member, capture, hours, reason=pb.ExclusionReason.Value(f"EXCLUSION_REASON_{reason}"))
                    continue  # desk work: no slot taken
                self._send(member, capture, hours)
                slot += 1
            self.summary.slots = slot
            if not self.config.as_fast_as_possible:
                self._wait_until(self.slots * interval)
            self._replay()
            self.summary.still_queued = self.live.pending()
        finally:
            self.summary.per_machine[self.machine.key] = self.counts
            self.live.close()
            self.offline.close()


class Shared:
    """What the machines know of each other: the members taken at each site (for
    the planted duplicates) and the exclusions drawn up front."""

    def __init__(self, dead_target: str, excluded: dict[str, str]) -> None:
        self.dead_target = dead_target
        self._excluded = excluded
        self._lock = threading.Lock()
        #: Set on Ctrl-C: the machines stop taking members, replay what they queued and report.
        self.stopping = threading.Event()
        self._members: dict[str, dict[str, str]] = {}
        self._taken: dict[str, list[dict[str, str]]] = {}

    def is_excluded(self, member_id: str) -> bool:
        return member_id in self._excluded

    def exclusion_reason(self, member_id: str) -> str:
        return self._excluded[member_id]

    def remember(self, submission_id: str, member: dict[str, str]) -> None:
        with self._lock:
            self._members[submission_id] = member

    def taken(self, site: str, submission_id: str) -> None:
        with self._lock:
            member = self._members.get(submission_id)
            if member is not None:
                self._taken.setdefault(site, []).append(member)

    def someone_from_another_site(self, site: str, rng: random.Random) -> dict[str, str] | None:
        with self._lock:
            others = [m for s, taken in self._taken.items() if s != site for m in taken[-200:]]
            return rng.choice(others) if others else None


# ---------------------------------------------------------------- running


def run(config: SimulationConfig) -> Summary:
    if config.days <= 0 or config.per_day <= 0:
        raise CataloguedError("value.positive", flag="--days/--per-day")
    if not config.as_fast_as_possible and config.speed <= 0:
        raise CataloguedError("value.positive", flag="--speed")
    for name in ("exclude", "duplicates", "outages", "lost_answers"):
        if not 0.0 <= getattr(config, name) <= 1.0:
            raise CataloguedError("value.share", flag=f"--{name.replace('_', '-')}")
    shift = _shift(config.shift)
    end = (config.end or datetime.now(VIETNAM)).astimezone(VIETNAM)
    if end > datetime.now(VIETNAM) + timedelta(minutes=1):
        raise CataloguedError("value.future_end")
    working_hours = config.days * shift.hours
    start = subtract_working_hours(shift, end, working_hours)
    slots = int(config.days * config.per_day)

    members = load_members(config.roster, config.ward)
    rng = random.Random(config.seed)
    reasons = [name for name, _ in EXCLUSIONS]
    weights = [share for _, share in EXCLUSIONS]
    excluded = {m["member_id"]: rng.choices(reasons, weights)[0] for m in members if rng.random() < config.exclude}
    machines = plan(members, config.sites, config.machines)
    summary = Summary(members_booked=len(members), simulated_from=start, simulated_to=end)
    log.info(
        "simulating %d members on %d machines at %d sites, %.1f working hours from %s%s",
        len(members),
        len(machines),
        config.sites,
        working_hours,
        start.strftime("%Y-%m-%d %H:%M"),
        "" if config.as_fast_as_possible else f" at {config.speed:g}x",
    )
    shared = Shared(_dead_target(), excluded)
    with tempfile.TemporaryDirectory(prefix="doichieu-simulate-") as scratch:
        queue_dir = Path(config.queue_dir) if config.queue_dir else Path(scratch)
        queue_dir.mkdir(parents=True, exist_ok=True)
        launched = time.monotonic()
        workers = [
            Worker(config, machine, k, shared, queue_dir, start, launched, slots) for k, machine in enumerate(machines)
        ]
        failures: list[BaseException] = []

        def guarded(worker: Worker) -> None:
            try:
                worker.run()
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=guarded, args=(w,), name=w.machine.key) for w in workers]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except KeyboardInterrupt:
            log.warning("interrupted: the machines stop, replay what they queued and report")
            shared.stopping.set()
            for thread in threads:
                thread.join()
        summary.wall_seconds = time.monotonic() - launched
        for worker in workers:
            summary.merge(worker.summary)
        if failures:
            raise failures[0]
    return summary


def print_summary(summary: Summary, console: Any = None) -> None:
    from rich.console import Console
    from rich.table import Table

    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=120)
    table = Table(title=text("simulate.title"), show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    window = ""
    if summary.simulated_from and summary.simulated_to:
        window = f"{summary.simulated_from:%Y-%m-%d %H:%M} → {summary.simulated_to:%Y-%m-%d %H:%M} (ICT)"
    rows = [
        ("simulated", window),
        ("wall_time", text("simulate.seconds", seconds=f"{summary.wall_seconds:,.1f}")),
        ("members_booked", f"{summary.members_booked:,}"),
        ("slots", f"{summary.slots:,}"),
        ("submissions", f"{summary.submitted:,}"),
        *((verdict, f"{summary.verdicts[verdict]:,}") for verdict in VERDICTS),
        ("excluded", f"{summary.excluded:,}"),
        ("duplicates_sent", f"{summary.duplicates_sent:,}"),
        ("duplicates_caught", f"{summary.duplicates_caught:,}"),
        (
            "row_lost_answers",
            text(
                "simulate.same_answer",
                resent=f"{summary.lost_answers_resent:,}",
                same=f"{summary.resent_same_answer:,}",
            ),
        ),
        ("retries", f"{summary.retries:,}"),
        ("row_outages", f"{summary.outages:,}"),
        ("queued", f"{summary.offline_queued:,}"),
        ("replayed", f"{summary.replayed:,}"),
        ("refused", f"{summary.failed:,}"),
        ("still_queued", f"{summary.still_queued:,}"),
    ]
    for label, value in rows:
        shown = title(VERDICT_TERMS[label]) if label in VERDICT_TERMS else text(f"simulate.{label}")
        table.add_row(shown, value)
    console.print(table)
    machines = Table(title=text("simulate.per_machine"))
    machines.add_column(text("progress.site_machine"), no_wrap=True)
    columns = ("accept", "review", "reject", "excluded", "already submitted", "queued offline")
    headings = {"excluded": "excluded", "already submitted": "already_submitted", "queued offline": "queued"}
    for name in columns:
        heading = title(VERDICT_TERMS[name]) if name in VERDICT_TERMS else text(f"simulate.{headings[name]}")
        machines.add_column(heading, justify="right")
    for key in sorted(summary.per_machine):
        counts = summary.per_machine[key]
        machines.add_row(key, *(f"{counts[name]:,}" for name in columns))
    console.print(machines)


# ---------------------------------------------------------------- command line


def add_simulate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", default="127.0.0.1:50051", help=text("client.server"))
    parser.add_argument("--roster", required=True, help=text("simulate.roster"))
    parser.add_argument("--ward", help=text("simulate.ward"))
    parser.add_argument("--sites", type=int, default=2, help=text("simulate.sites"))
    parser.add_argument("--machines", type=int, default=7, help=text("simulate.machines"))
    parser.add_argument("--days", type=float, default=1.0, help=text("simulate.days"))
    parser.add_argument("--per-day", type=int, default=250, help=text("simulate.per_day", default=250))
    parser.add_argument("--shift", default="08:00-23:00", help=text("simulate.shift"))
    pace = parser.add_mutually_exclusive_group()
    pace.add_argument("--speed", type=float, default=600.0, help=text("simulate.speed"))
    pace.add_argument("--as-fast-as-possible", action="store_true", help=text("simulate.as_fast_as_possible"))
    parser.add_argument("--end", help=text("simulate.end"))
    parser.add_argument("--exclude", type=float, default=0.03, help=text("simulate.exclude"))
    parser.add_argument("--duplicates", type=float, default=0.01, help=text("simulate.duplicates"))
    parser.add_argument("--outages", type=float, default=0.3, help=text("simulate.outages"))
    parser.add_argument("--lost-answers", type=float, default=0.01, help=text("simulate.lost_answers"))
    parser.add_argument("--seed", type=int, default=7, help=text("simulate.seed"))
    parser.add_argument("--queue-dir", help=text("simulate.queue_dir"))
    parser.add_argument("--timeout", type=float, default=5.0, help=text("simulate.timeout"))
    parser.add_argument("--ca", help=text("client.ca"))
    parser.add_argument("--cert", help=text("simulate.cert"))
    parser.add_argument("--key", help=text("client.key"))
    parser.add_argument("-v", "--verbose", action="count", default=0, help=text("simulate.verbose"))
    parser.set_defaults(func=cmd_simulate)


def cmd_simulate(args: argparse.Namespace) -> int:
    import sys

    level = logging.WARNING if args.verbose == 0 else logging.INFO if args.verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    credentials = None
    if args.ca:
        from doichieu.verifier.tls import channel_credentials

        credentials = channel_credentials(args.ca, args.cert, args.key)
    end = None
    if args.end:
        try:
            end = datetime.fromisoformat(args.end)
        except ValueError as exc:
            raise CataloguedError("value.iso_time", flag="--end", value=args.end) from exc
        end = end if end.tzinfo is not None else end.replace(tzinfo=VIETNAM)
    config = SimulationConfig(
        target=args.server,
        roster=args.roster,
        sites=args.sites,
        machines=args.machines,
        days=args.days,
        per_day=args.per_day,
        shift=args.shift,
        speed=args.speed,
        as_fast_as_possible=args.as_fast_as_possible,
        end=end,
        ward=args.ward,
        exclude=args.exclude,
        duplicates=args.duplicates,
        outages=args.outages,
        lost_answers=args.lost_answers,
        seed=args.seed,
        queue_dir=args.queue_dir,
        timeout=args.timeout,
        credentials=credentials,
    )
    summary = run(config)
    print_summary(summary)
    return 0 if summary.failed == 0 and summary.still_queued == 0 else 1


def main(argv: Sequence[str] | None = None) -> int:
    """``doichieu simulate`` on its own: the command line's parser, texts and errors."""
    import sys

    from doichieu.cli import main as doichieu

    return doichieu(["simulate", *(sys.argv[1:] if argv is None else argv)])
