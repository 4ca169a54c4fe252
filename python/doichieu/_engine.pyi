"""Type stubs of the compiled engine module (checked by ``mypy.stubtest``)."""

from collections.abc import Sequence
from os import PathLike
from typing import Any, Final, final

MAX_NAME_BYTES: Final[int]
LINK_MIN_SCORE: Final[float]

class DoichieuError(Exception): ...
class InvalidInputError(DoichieuError, ValueError): ...
class InputTooLongError(InvalidInputError): ...
class NotAStringError(DoichieuError, TypeError): ...

@final
class SyllableAlignment:
    @property
    def left(self) -> int | None: ...
    @property
    def right(self) -> int | None: ...
    @property
    def left_text(self) -> str: ...
    @property
    def right_text(self) -> str: ...
    @property
    def relation(self) -> str: ...

@final
class NameMatch:
    @property
    def kind(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def syllables(self) -> list[SyllableAlignment]: ...
    @property
    def reading(self) -> tuple[str, str, str] | None: ...
    @property
    def is_same_name(self) -> bool: ...

def normalize_name(name: str) -> str: ...
def name_key(name: str) -> str: ...
def fold_key(name: str) -> str: ...
def compare_names(a: str, b: str) -> NameMatch: ...
def normalize_names(names: Any) -> Any: ...
def name_keys(names: Any) -> Any: ...
def fold_keys(names: Any) -> Any: ...
def compare_names_bulk(left: Any, right: Any) -> tuple[Any, Any]: ...

@final
class DedupModel:
    def to_dict(self) -> dict[str, Any]: ...
    @staticmethod
    def from_dict(d: dict[str, Any]) -> DedupModel: ...
    def save(self, path: str | PathLike[str]) -> None: ...
    @staticmethod
    def load(path: str | PathLike[str]) -> DedupModel: ...

def find_duplicates(
    columns: dict[str, Any],
    threshold: float = 0.9,
    strong_threshold: float = 0.99,
    max_block_size: int = 400,
    model: DedupModel | None = None,
) -> dict[str, Any]: ...
def find_roster_duplicates(
    columns: dict[str, Any],
    threshold: float = 0.9,
    strong_threshold: float = 0.99,
    max_block_size: int = 400,
    model: DedupModel | None = None,
) -> dict[str, Any]: ...
def dedup_columns(columns: dict[str, Any]) -> Any: ...
def dedup_rule_keys(columns: dict[str, Any]) -> Any: ...
def dedup_rule_pairs(
    columns: dict[str, Any], rule: int, max_block_size: int = 400
) -> tuple[list[tuple[int, int]], list[str]]: ...
def dedup_score_pairs(
    columns: dict[str, Any],
    a: Any,
    b: Any,
    name_count: Any,
    members: int,
    model: DedupModel,
    threshold: float = 0.9,
    strong_threshold: float = 0.99,
    max_block_size: int = 400,
) -> list[bool]: ...
def find_roster_duplicates_from(
    columns: dict[str, Any],
    a: Any,
    b: Any,
    candidate_pairs: int,
    warnings: list[str],
    model: DedupModel,
    threshold: float = 0.9,
    strong_threshold: float = 0.99,
    max_block_size: int = 400,
) -> dict[str, Any]: ...

@final
class DuplicateIndex:
    def __new__(
        cls, model: DedupModel, columns: dict[str, Any] | None = None, max_block_size: int = 400
    ) -> DuplicateIndex: ...
    def __len__(self) -> int: ...
    def add(
        self,
        full_name: str,
        date_of_birth: tuple[int, int, int],
        gender: int | None = None,
        citizen_id: str | None = None,
        old_id: str | None = None,
        hometown: str | None = None,
        party_unit: str | None = None,
        party_card: str | None = None,
        admission_date: tuple[int, int, int] | None = None,
    ) -> int: ...
    def query(
        self,
        full_name: str,
        date_of_birth: tuple[int, int, int],
        gender: int | None = None,
        citizen_id: str | None = None,
        old_id: str | None = None,
        hometown: str | None = None,
        party_unit: str | None = None,
        party_card: str | None = None,
        admission_date: tuple[int, int, int] | None = None,
        min_probability: float = 0.5,
        limit: int = 5,
    ) -> list[dict[str, Any]]: ...

SYNTHETIC_MAX_MEMBERS: Final[int]

@final
class SyntheticProvince:
    def __new__(
        cls,
        members: int,
        seed: int = 7,
        province: str = "042",
        as_of: str = "2025-09-01",
        population_extra: float = 0.2,
        rates: dict[str, float] | None = None,
        noise_scale: float = 1.0,
    ) -> SyntheticProvince: ...
    @property
    def members(self) -> int: ...
    @property
    def roster_rows(self) -> int: ...
    @property
    def population_rows(self) -> int: ...
    @property
    def population_slots(self) -> int: ...
    @property
    def wards(self) -> int: ...
    @property
    def party_units(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def province(self) -> str: ...
    def rates(self) -> dict[str, float]: ...
    def roster_chunk(self, start: int, stop: int) -> dict[str, dict[str, Any]]: ...
    def population_chunk(self, start: int, stop: int) -> dict[str, Any]: ...

def synthetic_default_rates() -> dict[str, float]: ...
def province_table() -> list[tuple[str, str, str]]: ...

ROSTER_COLUMNS: Final[list[str]]
ROSTER_REQUIRED: Final[list[str]]
POPULATION_COLUMNS: Final[list[str]]
POPULATION_REQUIRED: Final[list[str]]

def vocabulary() -> list[tuple[str, list[tuple[str, str, str]]]]: ...

@final
class PopulationIndex:
    def __new__(
        cls,
        columns: dict[str, Any],
        as_of: tuple[int, int, int] | None = None,
        max_candidates: int = 5,
        min_candidate_score: float = 0.6,
        max_block: int = 256,
        skip_blocks: Any | None = None,
    ) -> PopulationIndex: ...
    def __len__(self) -> int: ...
    @property
    def report(self) -> dict[str, int]: ...
    @property
    def warnings(self) -> list[str]: ...
    @property
    def memory_bytes(self) -> int: ...
    @property
    def as_of(self) -> tuple[int, int, int]: ...
    def record(self, row: int) -> dict[str, str]: ...
    def gather(self, rows: Any, columns: list[str] | None = None) -> dict[str, Any]: ...
    def lookup(self, citizen_id: str) -> int | None: ...
    def lookup_old(self, old_id: str) -> list[int]: ...
    def candidates(
        self,
        full_name: str,
        date_of_birth: str | None = None,
        gender: str | None = None,
        hometown: str | None = None,
    ) -> list[tuple[int, float, str]]: ...
    def verify(self, member: Any) -> dict[str, Any]: ...
    def verify_all(self, columns: dict[str, Any]) -> dict[str, Any]: ...
    def verify_request_bytes(self, data: bytes, field_caps: Sequence[int], full_disclosure: bool = False) -> bytes: ...
    def verify_stream_bytes(
        self,
        chunks: Sequence[bytes],
        first_request: int,
        field_caps: Sequence[int],
        max_chunk: int,
        full_disclosure: bool = False,
    ) -> list[bytes]: ...

def finding_codes() -> list[dict[str, str]]: ...
def text_violations(path: str, value: str, max_bytes: int, required: bool = False) -> list[tuple[str, str]]: ...
def member_violations(path: str, data: bytes, field_caps: Sequence[int]) -> list[tuple[str, str]]: ...
def revalidate(
    index: PopulationIndex,
    columns: dict[str, Any],
    threshold: float = 0.9,
    strong_threshold: float = 0.99,
    max_block_size: int = 400,
    model: DedupModel | None = None,
) -> dict[str, Any]: ...
def checked_duplicates(
    columns: dict[str, Any],
    links: Any,
    holders: dict[str, Any],
    as_of: tuple[int, int, int] | None = None,
    threshold: float = 0.9,
    strong_threshold: float = 0.99,
    max_block_size: int = 400,
    model: DedupModel | None = None,
) -> dict[str, Any]: ...
def verify_tables(index: PopulationIndex, columns: dict[str, Any], row_offset: int = 0) -> tuple[Any, Any]: ...
def normalise_citizen_ids(values: Any) -> Any: ...
def population_keys(columns: dict[str, Any]) -> Any: ...
def roster_keys(columns: dict[str, Any], as_of: tuple[int, int, int] | None = None) -> Any: ...
def write_worklist(
    path: str | PathLike[str],
    rows: dict[str, Any],
    legend: dict[str, Any],
    info: Sequence[tuple[str, str | float]],
    *,
    sheets: Any,
    rows_sheet: str,
    legend_sheet: str,
    info_sheet: str,
    sheet_rows: int,
    dates: Sequence[str] = ...,
) -> None: ...
