"""Small synthetic tables for the record-model tests: made-up people only.

``population()`` holds one person per planted situation; ``clean_member(i)`` is
a roster row that agrees with population row i in everything, so a test changes
one value and expects exactly one finding.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

AS_OF = date(2025, 9, 1)

POPULATION_ROWS: list[dict[str, str | None]] = [
    # 0: the ordinary case.
    dict(
        citizen_id="042060001234",
        full_name="Nguyễn Văn Hùng",
        other_names=None,
        date_of_birth="05/03/1960",
        gender="Nam",
        hometown="Hà Tĩnh",
        old_id_number="183456789",
    ),
    # 1: known by another name too; hometown under its old name.
    dict(
        citizen_id="042165004321",
        full_name="Trần Thị Thuỷ",
        other_names="Trần Thị Mơ; Trần Mơ",
        date_of_birth="1965-07-20",
        gender="Nữ",
        hometown="Tỉnh Thừa Thiên Huế",
        old_id_number=None,
    ),
    # 2 and 3 share an old 9-digit number (reused numbers are common).
    dict(
        citizen_id="001070005555",
        full_name="Lê Minh Tuấn",
        other_names=None,
        date_of_birth="00/00/1970",
        gender="Nam",
        hometown="Hà Tây",
        old_id_number="011222333",
    ),
    dict(
        citizen_id="001171006666",
        full_name="Phạm Thị Lan",
        other_names=None,
        date_of_birth="12/12/1971",
        gender="Nữ",
        hometown="Hà Nội",
        old_id_number="011222333",
    ),
    # 4: a number whose province code (003) is not in the 63-code table.
    dict(
        citizen_id="003080007777",
        full_name="Đỗ Văn Bình",
        other_names=None,
        date_of_birth="01/01/1980",
        gender="Nam",
        hometown="Hà Nội",
        old_id_number=None,
    ),
    # 5: a woman whose number carries the male sex digit (0 for the 1900s).
    dict(
        citizen_id="079075008888",
        full_name="Võ Thị Mai",
        other_names=None,
        date_of_birth="15/05/1975",
        gender="Nữ",
        hometown="TP. Hồ Chí Minh",
        old_id_number=None,
    ),
    # 6: born in 1985, but the number codes 1990.
    dict(
        citizen_id="042090009999",
        full_name="Hoàng Văn Nam",
        other_names=None,
        date_of_birth="02/02/1985",
        gender="Nam",
        hometown="Hà Tĩnh",
        old_id_number=None,
    ),
    # 7: y/i spelling.
    dict(
        citizen_id="040168001111",
        full_name="Lê Thị Mỹ",
        other_names=None,
        date_of_birth="09/09/1968",
        gender="Nữ",
        hometown="Nghệ An",
        old_id_number=None,
    ),
]


def population() -> pl.DataFrame:
    return pl.DataFrame(POPULATION_ROWS, schema={k: pl.String for k in POPULATION_ROWS[0]})


def clean_member(i: int = 0, **changes: Any) -> dict[str, str | None]:
    p = POPULATION_ROWS[i]
    member: dict[str, str | None] = dict(
        member_id=f"HT{i:06d}",
        full_name=p["full_name"],
        birth_name=None,
        date_of_birth=p["date_of_birth"],
        gender=p["gender"],
        citizen_id=p["citizen_id"],
        party_card_number=f"{10_000_000 + i}",
        admission_date="10/05/2010",
        official_date="10/05/2011",
        party_unit="Chi bộ Khối phố 1",
        ward="Phường Thạch Quý",
        hometown=p["hometown"],
        status="Chính thức",
    )
    member.update(changes)
    return member


#: For every finding code of the issue (and the extra ones), a member that plants its cause.
PLANTED: dict[str, dict[str, str | None]] = {
    "NAME_EQUIVALENT_FORM": clean_member(1, full_name="Trần Thị Thủy"),
    "NAME_ALIAS_MATCH": clean_member(1, full_name="Trần Thị Mơ"),
    "NAME_DIACRITICS_MISSING": clean_member(0, full_name="Nguyen Van Hung"),
    "NAME_SPELLING_VARIANT": clean_member(7, full_name="Lê Thị Mĩ"),
    "NAME_MIDDLE_MISSING": clean_member(0, full_name="Nguyễn Hùng"),
    "NAME_REORDERED": clean_member(0, full_name="Hùng Nguyễn Văn"),
    "NAME_TYPO": clean_member(0, full_name="Nguyễn Văn Hùnh"),
    "NAME_MISMATCH": clean_member(0, full_name="Nguyễn Văn Hưng"),
    "DOB_MISMATCH": clean_member(0, date_of_birth="05/03/1961"),
    "GENDER_MISMATCH": clean_member(0, gender="Nữ"),
    "HOMETOWN_MISMATCH": clean_member(0, hometown="Nghệ An"),
    "CITIZEN_ID_MISSING": clean_member(0, citizen_id=None),
    "CITIZEN_ID_MALFORMED": clean_member(0, citizen_id="０４２０６０００１２３４"),
    "CITIZEN_ID_LEADING_ZERO": clean_member(0, citizen_id="42060001234"),
    "CITIZEN_ID_UNKNOWN_PROVINCE": clean_member(4),
    "CITIZEN_ID_SEX_MISMATCH": clean_member(5),
    "CITIZEN_ID_YEAR_MISMATCH": clean_member(6),
    "CITIZEN_NOT_FOUND": clean_member(0, citizen_id="042060001299"),
    "LEGACY_ID_ONLY": clean_member(0, citizen_id="183456789"),
    "POPULATION_DUPLICATE_ID": clean_member(0, member_id="DUP"),  # needs a population with the number twice
    "CARD_NUMBER_MALFORMED": clean_member(0, party_card_number="123456"),
    "CARD_NUMBER_LEADING_ZERO": clean_member(0, party_card_number="1234567"),
    "OFFICIAL_BEFORE_ADMISSION": clean_member(0, official_date="01/01/2009"),
    "UNDER_AGE_AT_ADMISSION": clean_member(0, admission_date="01/01/1977", official_date="01/01/1978"),
    "STATUS_NOT_ELIGIBLE": clean_member(0, status="Dự bị"),
    "VALUE_MISSING": clean_member(0, admission_date=None),
    "VALUE_UNREADABLE": clean_member(0, date_of_birth="31/02/1960"),
}
