"""Text helpers: Unicode normalisation and diacritic-free search keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_text(value: str) -> str:
    """NFC form with single spaces and no leading or trailing space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def search_key(value: str) -> str:
    """Lower-case, diacritic-free form used for searching ("Sơn La" -> "son la").

    Vietnamese đ/Đ is a separate letter, not d plus a mark, so NFD alone keeps it.
    """
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()
