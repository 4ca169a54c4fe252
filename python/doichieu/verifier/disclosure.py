"""Which sites see the population data in full.

By default an answer shows only what an intake needs (``Disclosure`` in
``bindings/src/wire.rs``): the verdict, findings about the fields the caller
sent, candidates by masked citizen ID. Otherwise Verify would be a lookup of
the whole population: any citizen ID with any name would read out that
person's name, date of birth, hometown and old ID number. A site that must see
more (the provincial data team's desk) is listed in a file given to
``serve --full-disclosure-sites``: one site ID per line, ``#`` starts a comment.
The site is the one its client certificate proves, so the list needs mutual TLS.
"""

from __future__ import annotations

from pathlib import Path

from doichieu.errors import CataloguedError
from doichieu.verifier.tls import SITE_ID, SITE_ID_FORM


def load_full_disclosure_sites(path: str | Path) -> frozenset[str]:
    """The site IDs of the file; a line that is not one stops the start."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CataloguedError("value.full_disclosure_unreadable", path=path, reason=exc) from exc
    sites: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        site = line.split("#", 1)[0].strip()
        if not site:
            continue
        if SITE_ID.fullmatch(site) is None:
            raise CataloguedError("value.full_disclosure_line", line=number, path=path, form=SITE_ID_FORM)
        sites.add(site)
    return frozenset(sites)
