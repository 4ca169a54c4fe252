"""The campaign loop: each revalidation compared with the one before, and the
work lists officers send back taken in.

A finding keeps one identity from run to run: the member, the code and the
field (``identity``). A campaign folder holds the state, one SQLite file
(``store``): every run's findings to act on, and the officers' done marks and
notes from the work lists they returned (``returned``). ``changes`` compares a
run with the one before (new, resolved, still open, marked done but still
found) for ``changes.csv`` and the report's campaign section.
"""

from __future__ import annotations

from doichieu.campaign.changes import CHANGE_COLUMNS, CHANGE_STATUSES, Changes, compare, previous_from_folder
from doichieu.campaign.identity import KEY, acting, finding_key
from doichieu.campaign.store import SCHEMA_VERSION, CampaignError, CampaignStore

__all__ = [
    "CHANGE_COLUMNS",
    "CHANGE_STATUSES",
    "KEY",
    "SCHEMA_VERSION",
    "CampaignError",
    "CampaignStore",
    "Changes",
    "acting",
    "compare",
    "finding_key",
    "previous_from_folder",
]
