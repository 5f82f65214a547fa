"""Settings refuse unsafe production values; Vietnamese formats and search keys."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import formats, translation

from hoctap.core.text import normalize_text, search_key

BASE_DIR = Path(settings.BASE_DIR)
STRONG_SECRET_KEY = "k3y-" + "x7Qp" * 12


STARTED = "import django; django.setup(); print('started')"


def start_django(
    tmp_path: Path, script: str = STARTED, **environment: str
) -> subprocess.CompletedProcess[str]:
    """Set Django up in a fresh interpreter with only the given hoctap variables."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECRET_KEY", "DEBUG", "HOCTAP_ENV", "ALLOWED_HOSTS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        HOCTAP_VAR_DIR=str(tmp_path),
        **environment,
    )
    return subprocess.run(  # noqa: S603 - our own interpreter with a fixed script
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def refused(result: subprocess.CompletedProcess[str]) -> bool:
    return result.returncode != 0 and "ImproperlyConfigured" in result.stderr


def started(result: subprocess.CompletedProcess[str]) -> bool:
    return result.returncode == 0 and result.stdout.strip() == "started"


def test_development_starts_with_its_defaults(tmp_path: Path) -> None:
    assert started(start_django(tmp_path))


def test_production_refuses_the_development_secret_key(tmp_path: Path) -> None:
    result = start_django(tmp_path, HOCTAP_ENV="production", DEBUG="0")

    assert refused(result)
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key(tmp_path: Path) -> None:
    assert refused(start_django(tmp_path, HOCTAP_ENV="production", DEBUG="0", SECRET_KEY="short"))


@pytest.mark.parametrize("debug", ["1", "yes"])
def test_production_refuses_debug_on(tmp_path: Path, debug: str) -> None:
    result = start_django(
        tmp_path, HOCTAP_ENV="production", DEBUG=debug, SECRET_KEY=STRONG_SECRET_KEY
    )

    assert refused(result)
    assert "DEBUG" in result.stderr


@pytest.mark.parametrize("debug", [None, "0"])
def test_production_starts_with_a_strong_key_and_debug_off(
    tmp_path: Path, debug: str | None
) -> None:
    environment = {"HOCTAP_ENV": "production", "SECRET_KEY": STRONG_SECRET_KEY}
    if debug is not None:
        environment["DEBUG"] = debug

    result = start_django(tmp_path, **environment)

    assert started(result), result.stderr


def test_production_turns_debug_off_and_cookies_secure(tmp_path: Path) -> None:
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )

    result = start_django(tmp_path, script, HOCTAP_ENV="production", SECRET_KEY=STRONG_SECRET_KEY)

    assert result.stdout.split() == ["False", "True", "True"], result.stderr


# Vietnamese formats


def test_vietnamese_short_date_is_day_month_year() -> None:
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2025, 7, 1), "SHORT_DATE_FORMAT") == "01/07/2025"
        assert formats.date_format(datetime.date(2025, 7, 1)) == "01/07/2025"


def test_vietnamese_numbers_group_thousands_with_dots_and_use_a_decimal_comma() -> None:
    with translation.override("vi"):
        assert (
            formats.number_format(1234.5, decimal_pos=1, use_l10n=True, force_grouping=True)
            == "1.234,5"
        )
        assert (
            formats.number_format(
                Decimal("1234567.25"), decimal_pos=2, use_l10n=True, force_grouping=True
            )
            == "1.234.567,25"
        )


def test_vietnamese_date_input_reads_day_first() -> None:
    with translation.override("vi"):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"
        assert (
            datetime.datetime.strptime("01/07/2025", formats.get_format("DATE_INPUT_FORMATS")[0])  # noqa: DTZ007 - a date, no time zone
            .date()
            .isoformat()
            == "2025-07-01"
        )


def test_english_interface_keeps_day_first_dates_with_english_numbers() -> None:
    with translation.override("en"):
        assert formats.date_format(datetime.date(2025, 7, 1), "SHORT_DATE_FORMAT") == "01/07/2025"
        assert (
            formats.number_format(1234.5, decimal_pos=1, use_l10n=True, force_grouping=True)
            == "1,234.5"
        )


def test_default_language_and_time_zone_are_vietnamese() -> None:
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"


# Search keys


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Phường Ba Đình", "phuong ba dinh"),
        ("Tỉnh Sơn La", "tinh son la"),
        ("SƠN LA", "son la"),
        ("Xã Đông Hưng", "xa dong hung"),
        ("đặc khu Côn Đảo", "dac khu con dao"),
        ("  Thôn   Vạn\tThắng  ", "thon van thang"),
        ("Tổ dân phố 1", "to dan pho 1"),
        ("", ""),
    ],
)
def test_search_key_drops_diacritics_case_and_extra_spaces(name: str, key: str) -> None:
    assert search_key(name) == key


def test_search_key_of_decomposed_input_equals_that_of_composed_input() -> None:
    composed = "Phường Ba Đình"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed

    assert search_key(decomposed) == search_key(composed) == "phuong ba dinh"


def test_normalize_text_composes_and_collapses_spaces() -> None:
    decomposed = unicodedata.normalize("NFD", "  Bản   Hày ")

    cleaned = normalize_text(decomposed)

    assert cleaned == "Bản Hày"
    assert unicodedata.is_normalized("NFC", cleaned)
