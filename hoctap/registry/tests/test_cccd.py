"""Citizen identity numbers: the century-and-sex digit, the checks, and lost leading zeros."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoctap.registry.cccd import (
    PROVINCE_CODES,
    cccd_problems,
    century_sex_digit,
    restore_leading_zeros,
)


@pytest.mark.parametrize(
    ("birth_year", "sex", "digit"),
    [
        (1985, "male", 0),
        (1985, "female", 1),
        (1900, "male", 0),
        (1999, "female", 1),
        (2003, "male", 2),
        (2003, "female", 3),
        (2000, "male", 2),
        (2099, "female", 3),
        (2100, "male", 4),
        (2150, "female", 5),
    ],
)
def test_the_fourth_digit_encodes_century_and_sex(birth_year: int, sex: str, digit: int) -> None:
    assert century_sex_digit(birth_year, sex) == digit


def test_a_cccd_consistent_with_its_holder_has_no_problems() -> None:
    # a woman born in 1985, registered in Sơn La (014)
    assert cccd_problems("014185000123", birth_year=1985, sex="female") == []


@pytest.mark.parametrize(
    ("cccd", "problems"),
    [
        ("01418500012", ["format"]),
        ("0141850001234", ["format"]),
        ("01418500012a", ["format"]),
        (" 014185000123", ["format"]),
        ("003185000123", ["province"]),
        ("099185000123", ["province"]),
        ("014085000123", ["century_sex"]),
        ("014385000123", ["century_sex"]),
        ("014186000123", ["year"]),
        ("999086000123", ["province", "century_sex", "year"]),
    ],
)
def test_problems_name_each_part_that_does_not_fit(cccd: str, problems: list[str]) -> None:
    # for a woman born in 1985
    assert cccd_problems(cccd, birth_year=1985, sex="female") == problems


def test_without_sex_or_birth_year_only_format_and_province_are_checked() -> None:
    assert cccd_problems("014985000123", birth_year=None, sex=None) == []
    assert cccd_problems("014985000123", birth_year=1985, sex=None) == []
    assert cccd_problems("000985000123", birth_year=None, sex="male") == ["province"]


@pytest.mark.parametrize(
    ("raw", "restored"),
    [
        ("38080012345", "038080012345"),
        ("38080012345.0", "038080012345"),
        (" 38080012345 ", "038080012345"),
        ("1080012345", "001080012345"),
        ("001080012345", "001080012345"),
        ("038080012345", "038080012345"),
        # too short to be a CCCD that lost zeros: left for the format check to refuse
        ("80012345", "80012345"),
        ("3808001234x", "3808001234x"),
        ("", ""),
    ],
)
def test_restore_leading_zeros_pads_numbers_excel_shortened(raw: str, restored: str) -> None:
    assert restore_leading_zeros(raw) == restored


SEXES = st.sampled_from(["male", "female"])


@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    birth_year=st.integers(min_value=1900, max_value=2099),
    sex=SEXES,
    serial=st.integers(min_value=0, max_value=999_999),
)
def test_any_cccd_built_by_the_rules_has_no_problems(
    province: str, birth_year: int, sex: str, serial: int
) -> None:
    cccd = f"{province}{century_sex_digit(birth_year, sex)}{birth_year % 100:02d}{serial:06d}"
    assert cccd_problems(cccd, birth_year=birth_year, sex=sex) == []


@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    birth_year=st.integers(min_value=1900, max_value=2099),
    sex=SEXES,
    serial=st.integers(min_value=0, max_value=999_999),
)
def test_a_cccd_of_the_other_sex_is_refused(
    province: str, birth_year: int, sex: str, serial: int
) -> None:
    other = "female" if sex == "male" else "male"
    cccd = f"{province}{century_sex_digit(birth_year, other)}{birth_year % 100:02d}{serial:06d}"
    assert cccd_problems(cccd, birth_year=birth_year, sex=sex) == ["century_sex"]


@given(
    birth_year=st.integers(min_value=1900, max_value=2099),
    sex=SEXES,
    serial=st.integers(min_value=0, max_value=999_999),
)
def test_a_cccd_of_a_province_below_100_survives_excel_dropping_its_zero(
    birth_year: int, sex: str, serial: int
) -> None:
    cccd = f"014{century_sex_digit(birth_year, sex)}{birth_year % 100:02d}{serial:06d}"
    as_excel_number = str(int(cccd))
    assert restore_leading_zeros(as_excel_number) == cccd
    assert restore_leading_zeros(f"{float(int(cccd)):.1f}") == cccd
