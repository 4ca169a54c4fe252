"""doichieu — đối chiếu: cross-checking party rosters against population records.

The heavy lifting is in the Rust engine (``doichieu._engine``); this package is
its Python front.
"""

from doichieu import _allocator  # noqa: F401  (first: before polars loads)
from doichieu.dedup import DedupModel, DuplicateResult, find_duplicates
from doichieu.errors import (
    ColumnError,
    DoichieuError,
    EmptyFileError,
    FileEncodingError,
    FileFormatError,
    InputTooLongError,
    InvalidInputError,
    NotAStringError,
)
from doichieu.names import (
    MATCH_KINDS,
    MAX_NAME_BYTES,
    NameMatch,
    SyllableAlignment,
    compare_names,
    compare_names_bulk,
    fold_key,
    fold_keys,
    name_key,
    name_keys,
    normalize_name,
    normalize_names,
)
from doichieu.records import (
    Candidate,
    Finding,
    PopulationIndex,
    PopulationRecord,
    Verdict,
    finding_codes,
    load_population,
    load_roster,
)

__version__ = "0.1.0"

__all__ = [
    "MATCH_KINDS",
    "MAX_NAME_BYTES",
    "Candidate",
    "ColumnError",
    "EmptyFileError",
    "FileEncodingError",
    "FileFormatError",
    "Finding",
    "PopulationIndex",
    "PopulationRecord",
    "Verdict",
    "finding_codes",
    "load_population",
    "load_roster",
    "DoichieuError",
    "DedupModel",
    "DuplicateResult",
    "InputTooLongError",
    "InvalidInputError",
    "NameMatch",
    "NotAStringError",
    "SyllableAlignment",
    "compare_names",
    "compare_names_bulk",
    "find_duplicates",
    "fold_key",
    "fold_keys",
    "name_key",
    "name_keys",
    "normalize_name",
    "normalize_names",
]
