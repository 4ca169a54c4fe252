"""``doichieu audit``: the officers' tools on the verifier's audit trail.

* ``verify``: checks the hash chain; names the first broken entry (exit code 1).
* ``purge --older-than DAYS``: removes entries past the retention period; the
  chain stays verifiable from its new first entry.
* ``who --key-file F``: who looked up a citizen, and when (the trail holds keyed
  hashes only, so this needs the server's audit key). The citizen ID is read
  from standard input (typed without echo at a terminal), so it stays out of the
  shell's history and the process list; ``--citizen-id`` remains for scripts
  that already keep it out of both.

Text is Vietnamese first; ``--lang en`` gives the English form.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from doichieu.messages import text, title
from doichieu.verifier.operations_args import default_audit_key_path

DEFAULT_AUDIT = "doichieu-ledger.audit.db"
_VIETNAM = timezone(timedelta(hours=7), "ICT")
_US_PER_DAY = 86_400 * 1_000_000


def add_audit_arguments(parser: argparse.ArgumentParser, parents: Sequence[argparse.ArgumentParser]) -> None:
    commands = parser.add_subparsers(dest="audit_command", required=True)
    file = text("metavar.file")

    def command(name: str, help_key: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text(help_key), description=text(help_key), parents=list(parents))
        sub.add_argument(
            "--audit", default=DEFAULT_AUDIT, metavar=file, help=text("audit.trail", default=DEFAULT_AUDIT)
        )
        return sub

    verify = command("verify", "audit.verify_help")
    verify.set_defaults(func=cmd_verify)
    purge = command("purge", "audit.purge_help")
    purge.add_argument("--older-than", type=float, required=True, metavar="DAYS", help=text("audit.older_than"))
    purge.set_defaults(func=cmd_purge)
    who = command("who", "audit.who_help")
    who.add_argument("--citizen-id", help=text("audit.citizen_id"))
    who.add_argument("--key-file", metavar=file, help=text("audit.key_file"))
    who.set_defaults(func=cmd_who)


def _verdict_title(code: str) -> str:
    """The vocabulary's title of a verdict code; empty for exclusions."""
    from doichieu import vocabulary

    term = vocabulary.VERDICT_TERMS.get(code)
    if term is None:
        return code
    return title(term)


def cmd_verify(args: argparse.Namespace) -> int:
    from doichieu.verifier import audit

    report = audit.verify_chain(args.audit)
    if not report.ok:
        problem = text(f"audit.{report.problem}")
        print(text("audit.broken", seq=report.broken_seq, problem=problem, entries=report.entries))
        return 1
    if report.entries == 0:
        print(text("audit.empty"))
    else:
        print(
            text(
                "audit.intact",
                entries=report.entries,
                first=report.first_seq,
                last=report.last_seq,
                head=report.head_hash,
            )
        )
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from doichieu.errors import CataloguedError
    from doichieu.verifier import audit, ledger

    if not args.older_than > 0:
        raise CataloguedError("audit.bad_days")
    cutoff = ledger.now_us() - int(args.older_than * _US_PER_DAY)
    removed = audit.purge(args.audit, cutoff)
    print(text("audit.purged", removed=removed, days=f"{args.older_than:g}"))
    return 0


def _citizen_id_asked(given: str | None) -> str:
    """The citizen ID to look for: given, else one line of standard input."""
    from doichieu.errors import CataloguedError

    if given is None:
        if sys.stdin.isatty():
            given = getpass.getpass(text("audit.citizen_id_prompt"))
        else:
            given = sys.stdin.readline()
    citizen_id = given.strip()
    if not citizen_id:
        raise CataloguedError("audit.no_citizen_id")
    return citizen_id


def cmd_who(args: argparse.Namespace) -> int:
    from doichieu.verifier import audit

    key_file = args.key_file or default_audit_key_path(args.audit)
    citizen_id = _citizen_id_asked(args.citizen_id)
    lookups = audit.who(args.audit, audit.load_key(key_file), citizen_id)
    if not lookups:
        print(text("audit.nobody"))
        return 0
    out = sys.stdout
    out.write(text("audit.header") + "\n")
    for lookup in lookups:
        when = datetime.fromtimestamp(lookup.time_us / 1_000_000, _VIETNAM).isoformat(timespec="seconds")
        cells = (
            when,
            lookup.method,
            lookup.site_id,
            lookup.machine_id,
            lookup.peer,
            lookup.member_id,
            _verdict_title(lookup.verdict),
            lookup.request_id,
        )
        out.write("\t".join(cells) + "\n")
    return 0
