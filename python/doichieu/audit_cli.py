"""``doichieu audit``: the officers' tools on the verifier's audit trail.

* ``verify``: checks the hash chain; names the first broken entry (exit code 1).
* ``purge --older-than DAYS``: removes entries past the retention period; the
  chain stays verifiable from its new first entry.
* ``who --citizen-id ID --key-file F``: who looked up this citizen, and when
  (the trail holds keyed hashes only, so this needs the server's audit key).

Text is Vietnamese first; ``--lang en`` gives the English form.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone

from doichieu.verifier.operations_args import default_audit_key_path

DEFAULT_AUDIT = "doichieu-ledger.audit.db"
_VIETNAM = timezone(timedelta(hours=7), "ICT")
_US_PER_DAY = 86_400 * 1_000_000

#: Every text a person reads, Vietnamese and English.
TEXTS: dict[str, dict[str, str]] = {
    "intact": {
        "vi": "Chuỗi nhật ký nguyên vẹn: {entries} mục (từ #{first} đến #{last}); mã băm cuối chuỗi {head}",
        "en": "Audit chain intact: {entries} entries (#{first} to #{last}); head hash {head}",
    },
    "empty": {"vi": "Nhật ký chưa có mục nào", "en": "The audit trail has no entries"},
    "broken": {
        "vi": "Chuỗi nhật ký bị phá vỡ tại mục #{seq}: {problem} ({entries} mục trước đó nguyên vẹn)",
        "en": "Audit chain broken at entry #{seq}: {problem} ({entries} entries before it intact)",
    },
    "unanchored": {
        "vi": "thiếu các mục trước nó mà không có mục xoá định kỳ nào ghi nhận",
        "en": "the entries before it are missing and no purge entry accounts for them",
    },
    "missing": {"vi": "thiếu mục", "en": "entry missing"},
    "link": {
        "vi": "mã băm mục trước không khớp",
        "en": "its previous hash is not the hash of the entry before it",
    },
    "altered": {"vi": "mục đã bị sửa: mã băm không khớp", "en": "entry altered: its hash does not match"},
    "purged": {
        "vi": "Đã xoá {removed} mục cũ hơn {days} ngày; chuỗi được neo tại mục xoá định kỳ",
        "en": "Removed {removed} entries older than {days} days; the chain is anchored by a purge entry",
    },
    "nobody": {"vi": "Không ai tra cứu công dân này", "en": "Nobody looked up this citizen"},
    "header": {
        "vi": "Thời điểm (giờ Việt Nam)\tThao tác\tĐiểm\tMáy\tĐịa chỉ\tMã đảng viên\tKết luận\tMã yêu cầu",
        "en": "Time (Vietnam)\tMethod\tSite\tMachine\tPeer\tMember ID\tVerdict\tRequest ID",
    },
    "bad_days": {"vi": "--older-than phải là số ngày dương", "en": "--older-than must be a positive number of days"},
}


def text(key: str, lang: str, **values: object) -> str:
    return TEXTS[key][lang].format(**values)


def add_audit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the output (default vi)")
    commands = parser.add_subparsers(dest="audit_command", required=True)

    def with_trail(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument(
            "--audit", default=DEFAULT_AUDIT, metavar="FILE", help=f"the audit trail (default ./{DEFAULT_AUDIT})"
        )
        return sub

    verify = with_trail(commands.add_parser("verify", help="check the hash chain; exit code 1 if it is broken"))
    verify.set_defaults(func=cmd_verify)
    purge = with_trail(commands.add_parser("purge", help="remove the entries past the retention period"))
    purge.add_argument("--older-than", type=float, required=True, metavar="DAYS", help="retention period in days")
    purge.set_defaults(func=cmd_purge)
    who = with_trail(commands.add_parser("who", help="who looked up a citizen, and when"))
    who.add_argument("--citizen-id", required=True, help="the citizen ID looked up")
    who.add_argument("--key-file", help="the server's audit key, mode 0600 (default: beside the trail, AUDIT.key)")
    who.set_defaults(func=cmd_who)


def _verdict_title(code: str, lang: str) -> str:
    """The vocabulary's title of a verdict code; empty for exclusions."""
    from doichieu import vocabulary

    term = vocabulary.VERDICT_TERMS.get(code)
    if term is None:
        return code
    return term.title_vi if lang == "vi" else term.title_en


def cmd_verify(args: argparse.Namespace) -> int:
    from doichieu.verifier import audit

    report = audit.verify_chain(args.audit)
    if not report.ok:
        problem = text(report.problem, args.lang)
        print(text("broken", args.lang, seq=report.broken_seq, problem=problem, entries=report.entries))
        return 1
    if report.entries == 0:
        print(text("empty", args.lang))
    else:
        print(
            text(
                "intact",
                args.lang,
                entries=report.entries,
                first=report.first_seq,
                last=report.last_seq,
                head=report.head_hash,
            )
        )
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from doichieu.errors import InvalidInputError
    from doichieu.verifier import audit, ledger

    if not args.older_than > 0:
        raise InvalidInputError(text("bad_days", args.lang))
    cutoff = ledger.now_us() - int(args.older_than * _US_PER_DAY)
    removed = audit.purge(args.audit, cutoff)
    print(text("purged", args.lang, removed=removed, days=f"{args.older_than:g}"))
    return 0


def cmd_who(args: argparse.Namespace) -> int:
    from doichieu.verifier import audit

    key_file = args.key_file or default_audit_key_path(args.audit)
    lookups = audit.who(args.audit, audit.load_key(key_file), args.citizen_id)
    if not lookups:
        print(text("nobody", args.lang))
        return 0
    out = sys.stdout
    out.write(text("header", args.lang) + "\n")
    for lookup in lookups:
        when = datetime.fromtimestamp(lookup.time_us / 1_000_000, _VIETNAM).isoformat(timespec="seconds")
        cells = (
            when,
            lookup.method,
            lookup.site_id,
            lookup.machine_id,
            lookup.peer,
            lookup.member_id,
            _verdict_title(lookup.verdict, args.lang),
            lookup.request_id,
        )
        out.write("\t".join(cells) + "\n")
    return 0
