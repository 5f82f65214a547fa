"""Citizen identity numbers (CCCD): 12 digits = 3 province of birth registration,
1 century-and-sex, 2 year of birth, 6 serial (Circular 07/2016/TT-BCA, art. 7)."""

from __future__ import annotations

import re

# Province codes of birth registration: the 63 pre-2025 provinces (001 Hà Nội … 096 Cà Mau).
PROVINCE_CODES = frozenset(
    f"{n:03d}"
    for n in (
        1,
        2,
        4,
        6,
        8,
        10,
        11,
        12,
        14,
        15,
        17,
        19,
        20,
        22,
        24,
        25,
        26,
        27,
        30,
        31,
        33,
        34,
        35,
        36,
        37,
        38,
        40,
        42,
        44,
        45,
        46,
        48,
        49,
        51,
        52,
        54,
        56,
        58,
        60,
        62,
        64,
        66,
        67,
        68,
        70,
        72,
        74,
        75,
        77,
        79,
        80,
        82,
        83,
        84,
        86,
        87,
        89,
        91,
        92,
        93,
        94,
        95,
        96,
    )
)
_DIGITS = re.compile(r"\d{12}")


def century_sex_digit(birth_year: int, sex: str) -> int:
    """The 4th digit for a birth year and sex: 0/1 for 1900s, 2/3 for 2000s, … (male/female)."""
    century_index = (birth_year // 100) - 19  # 1900s → 0, 2000s → 1, …
    return (century_index % 5) * 2 + (1 if sex == "female" else 0)


def restore_leading_zeros(raw: str) -> str:
    """Excel stores a CCCD as a number and drops its leading zero(s): pad back to 12."""
    digits = raw.strip()
    if digits.endswith(".0"):
        digits = digits[:-2]
    if digits.isdigit() and 9 <= len(digits) < 12:
        return digits.zfill(12)
    return digits


def cccd_problems(cccd: str, *, birth_year: int | None, sex: str | None) -> list[str]:
    """Reasons (untranslated keys) why a CCCD is not valid for this person; empty when valid."""
    if not _DIGITS.fullmatch(cccd):
        return ["format"]
    problems = []
    if cccd[:3] not in PROVINCE_CODES:
        problems.append("province")
    if birth_year is not None and sex in ("male", "female"):
        if int(cccd[3]) != century_sex_digit(birth_year, sex):
            problems.append("century_sex")
        if cccd[4:6] != f"{birth_year % 100:02d}":
            problems.append("year")
    return problems
