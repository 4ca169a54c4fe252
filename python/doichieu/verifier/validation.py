"""What a request must hold before the service acts on it.

The rules for text (byte caps, control characters, blank required fields) live
in the compiled wire path (``bindings/src/wire.rs``), which applies them to
Verify's and VerifyStream's records itself; this module gives it the caps and
asks it about the fields Python reads (Submit's IDs and member, GetProgress's
ward), and holds the rules that are not about text (a known exclusion reason,
a capture time not in the future).
"""

from __future__ import annotations

from google.protobuf import timestamp_pb2

from doichieu import records
from doichieu._engine import member_violations, text_violations
from doichieu.errors import InvalidInputError
from doichieu.names import MAX_NAME_BYTES
from doichieu.v1 import verifier_pb2 as pb

#: The roster columns, in the record model's order; MemberRecord has a field of each name.
MEMBER_FIELDS: tuple[str, ...] = records.ROSTER_COLUMNS

#: Byte caps of a member's fields: names at the name layer's cap; ward, party
#: organisation and hometown 256; IDs, dates and codes 64.
SHORT_FIELD_BYTES = 64
LONG_FIELD_BYTES = 256
NAME_FIELDS = frozenset({"full_name", "birth_name"})
LONG_FIELDS = frozenset({"party_unit", "ward", "hometown"})
#: Submit's IDs (submission, site, machine, officer, member).
ID_MAX_BYTES = 128
#: Clock skew forgiven on a capture time.
CAPTURE_SKEW_US = 300_000_000
#: The range a google.protobuf.Timestamp may hold (0001-01-01 to 9999-12-31 UTC);
#: a request's times must also lie within the years the progress arithmetic
#: handles, a day's margin inside it.
TIMESTAMP_MIN_SECONDS = -62_135_596_800
TIMESTAMP_MAX_SECONDS = 253_402_300_799
_DAY_SECONDS = 86_400


def field_cap(name: str) -> int:
    return MAX_NAME_BYTES if name in NAME_FIELDS else LONG_FIELD_BYTES if name in LONG_FIELDS else SHORT_FIELD_BYTES


#: The caps in MEMBER_FIELDS order, as the compiled index's wire path takes them.
FIELD_CAPS: tuple[int, ...] = tuple(field_cap(name) for name in MEMBER_FIELDS)

Violations = list[tuple[str, str]]


class BadRequestError(InvalidInputError):
    """Bad input with one violation per field, answered as google.rpc.BadRequest."""

    def __init__(self, violations: Violations) -> None:
        self.violations = violations
        super().__init__("; ".join(f"{path}: {why}" for path, why in violations))


def timestamp_violations(path: str, stamp: timestamp_pb2.Timestamp) -> Violations:
    """A Timestamp outside the range the type allows (a day's margin at each end,
    so that the start of its day and the day after are dates too), or with its
    nanoseconds outside one second."""
    if not 0 <= stamp.nanos < 1_000_000_000:
        return [(path, "nanos must lie between 0 and 999,999,999")]
    if not TIMESTAMP_MIN_SECONDS + _DAY_SECONDS <= stamp.seconds <= TIMESTAMP_MAX_SECONDS - _DAY_SECONDS:
        return [(path, "out of range: a time between the years 0001 and 9999 (UTC)")]
    return []


def _id(path: str, value: str) -> Violations:
    return text_violations(path, value, ID_MAX_BYTES, True)


def submit_violations(request: pb.SubmitRequest, *, check_site: bool, now_us: int) -> Violations:
    """Every bad field of a SubmitRequest, in the order of the request's fields.
    ``check_site`` is False when the site comes from the client certificate."""
    violations = _id("submission_id", request.submission_id)
    if check_site:
        violations += _id("site_id", request.site_id)
    violations += _id("machine_id", request.machine_id)
    violations += _id("officer_id", request.officer_id)
    if not request.HasField("member"):
        violations.append(("member", "required"))
    else:
        violations += member_violations("member", request.member.SerializeToString(), FIELD_CAPS)
        violations += _id("member.member_id", request.member.member_id)
    reason = request.exclusion_reason
    if reason != pb.EXCLUSION_REASON_UNSPECIFIED and reason not in pb.ExclusionReason.values():
        violations.append(("exclusion_reason", "unknown value"))
    if request.HasField("capture_time"):
        wrong_time = timestamp_violations("capture_time", request.capture_time)
        if not wrong_time and not 0 < request.capture_time.ToMicroseconds() <= now_us + CAPTURE_SKEW_US:
            wrong_time = [("capture_time", "must not lie in the future (beyond 5 minutes of clock skew)")]
        violations += wrong_time
    return violations


def progress_violations(request: pb.GetProgressRequest) -> Violations:
    violations = text_violations("ward", request.ward, LONG_FIELD_BYTES)
    if request.HasField("as_of_time"):
        violations += timestamp_violations("as_of_time", request.as_of_time)
    return violations
