"""The Vietnamese catalogue is complete, compiled and covers every string in the code.

When a test here fails after you add or change a user-facing string, run `make messages`
from the project root, translate the new entries in hoctap/locale/vi/LC_MESSAGES/django.po
(no "fuzzy" flags left), then run `make messages` once more to compile django.mo.
"""

from __future__ import annotations

import ast
import gettext as stdlib_gettext
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation.template import templatize

BASE_DIR = Path(settings.BASE_DIR)
LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"
HOW_TO_FIX = (
    "Run `make messages` from the project root, translate the new entries in "
    f"{PO_PATH.relative_to(BASE_DIR)}, then run `make messages` again to compile."
)

# What makemessages scans (see the Makefile): the packages and the project templates.
SOURCE_ROOTS = [BASE_DIR / "hoctap", BASE_DIR / "config", BASE_DIR / "templates"]
SKIPPED_DIRS = {"locale", "__pycache__"}

# gettext functions as xgettext sees them: name -> (context argument, msgid argument).
GETTEXT_FUNCTIONS: dict[str, tuple[int | None, int]] = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}
PLACEHOLDER_RE = re.compile(r"%(?:\((\w+)\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


# --- A small .po reader --------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # plain msgstr is index 0
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {context}{self.msgid!r}"


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"'), f"not a quoted .po string: {text}"
    assert text.endswith('"'), f"not a quoted .po string: {text}"
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header first; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    pending_flags: set[str] = set()

    def start(line_number: int) -> Entry:
        nonlocal current, pending_flags
        current = Entry(flags=pending_flags, line=line_number)
        pending_flags = set()
        entries.append(current)
        return current

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        keyword, _sep, rest = line.partition(" ")
        if line.startswith('"'):
            assert current is not None, f"{path}:{number}: string outside an entry"
            assert target is not None, f"{path}:{number}: string outside an entry"
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, (getattr(current, name) or "") + _unquote(line))
        elif keyword == "msgctxt":
            entry = start(number)
            entry.msgctxt = _unquote(rest)
            target = ("msgctxt", 0)
        elif keyword == "msgid":
            # A msgid right after a msgctxt belongs to the same entry.
            entry = current if current is not None and target == ("msgctxt", 0) else start(number)
            entry.line = number
            entry.msgid = _unquote(rest)
            target = ("msgid", 0)
        elif keyword == "msgid_plural":
            assert current is not None, f"{path}:{number}: msgid_plural without msgid"
            current.msgid_plural = _unquote(rest)
            target = ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            assert current is not None, f"{path}:{number}: msgstr without msgid"
            match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
            assert match, f"{path}:{number}: cannot read {keyword}"
            index = int(match.group(1) or 0)
            current.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    return entries


def expected_catalog(entries: list[Entry]) -> dict[object, str]:
    """What GNUTranslations._catalog holds for these entries, the header left out."""
    catalog: dict[object, str] = {}
    for entry in entries:
        if not entry.msgid or "fuzzy" in entry.flags:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if entry.msgstr.get(0):
                catalog[key] = entry.msgstr[0]
        elif all(entry.msgstr.values()):
            for index, text in entry.msgstr.items():
                catalog[(key, index)] = text
    return catalog


def mo_catalog(path: Path) -> dict[object, str]:
    with path.open("rb") as handle:
        catalog = dict(stdlib_gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)  # the header: its POT-Creation-Date changes on every run
    return catalog


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing. {HOW_TO_FIX}"
    return parse_po(PO_PATH)


# --- (a) every entry is translated -----------------------------------------------------


def test_header_declares_vietnamese_utf8_and_one_plural_form(entries: list[Entry]) -> None:
    header = entries[0]
    assert header.msgid == "", "the .po has no header entry"
    assert header.msgctxt is None, "the .po has no header entry"
    assert "fuzzy" not in header.flags, "the .po header is marked fuzzy; remove the flag"
    fields = dict(
        line.split(":", 1) for line in header.msgstr.get(0, "").splitlines() if ":" in line
    )
    fields = {name.strip(): value.strip() for name, value in fields.items()}
    assert fields.get("Language") == "vi"
    assert fields.get("Content-Type") == "text/plain; charset=UTF-8"
    assert fields.get("Plural-Forms") == "nplurals=1; plural=0;"


def test_every_msgid_has_a_translation_and_none_is_fuzzy(entries: list[Entry]) -> None:
    messages = entries[1:]
    assert messages, "the Vietnamese catalogue is empty"
    fuzzy = [entry.label for entry in messages if "fuzzy" in entry.flags]
    untranslated = [
        entry.label
        for entry in messages
        if not entry.msgstr or not all(text.strip() for text in entry.msgstr.values())
    ]
    wrong_plurals = [
        entry.label
        for entry in messages
        if entry.msgid_plural is not None and sorted(entry.msgstr) != [0]
    ]
    problems = (
        [f"fuzzy: {label}" for label in fuzzy]
        + [f"untranslated: {label}" for label in untranslated]
        + [f"needs exactly msgstr[0] (nplurals=1): {label}" for label in wrong_plurals]
    )
    assert not problems, "\n".join([HOW_TO_FIX, *problems])


def test_translations_keep_the_placeholders(entries: list[Entry]) -> None:
    def placeholders(text: str) -> Counter[str]:
        return Counter(m.group(0) for m in PLACEHOLDER_RE.finditer(text) if m.group(0) != "%%")

    wrong = []
    for entry in entries[1:]:
        if "python-format" not in entry.flags:
            continue
        source = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
        for text in entry.msgstr.values():
            if placeholders(text) != placeholders(source):
                wrong.append(f"{entry.label} -> {text!r}")
    assert not wrong, "Placeholders differ from the English text:\n" + "\n".join(wrong)


# --- (b) the compiled catalogue is up to date --------------------------------------------


def test_compiled_catalogue_matches_the_po(entries: list[Entry]) -> None:
    assert MO_PATH.exists(), f"{MO_PATH} is missing. {HOW_TO_FIX}"
    compiled = mo_catalog(MO_PATH)
    expected = expected_catalog(entries)
    stale = sorted(repr(key) for key in expected.keys() ^ compiled.keys())
    stale += sorted(
        repr(key) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key]
    )
    assert not stale, "django.mo is out of date with django.po:\n" + "\n".join(stale[:30])


MSGFMT = shutil.which("msgfmt")


@pytest.mark.skipif(MSGFMT is None, reason="GNU gettext (msgfmt) is not installed")
def test_msgfmt_compiles_the_po_to_the_committed_mo(tmp_path: Path) -> None:
    assert MSGFMT is not None
    fresh = tmp_path / "django.mo"
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [MSGFMT, "--check-format", "--check-header", "-o", str(fresh), str(PO_PATH)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"msgfmt rejects {PO_PATH}:\n{result.stderr}"
    assert mo_catalog(fresh) == mo_catalog(MO_PATH), f"django.mo is out of date. {HOW_TO_FIX}"


# --- (c) the catalogue covers the code ---------------------------------------------------


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _msgids_in_calls(tree: ast.AST) -> Iterator[tuple[str | None, str]]:
    """(msgctxt, msgid) of every gettext-style call whose arguments are plain literals."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in GETTEXT_FUNCTIONS:
            continue
        context_index, msgid_index = GETTEXT_FUNCTIONS[name]
        if len(node.args) <= msgid_index:
            continue
        msgid = _literal(node.args[msgid_index])
        context = _literal(node.args[context_index]) if context_index is not None else None
        if msgid and (context_index is None or context is not None):
            yield context, msgid


# templatize() turns a template into the gettext calls makemessages hands to xgettext,
# with every argument written as a Python literal (repr) or a plain name.
TEMPLATIZED_CALL_RE = re.compile(
    r"\b(?:n?p?gettext)\((?:u?'(?:[^'\\]|\\.)*'|u?\"(?:[^\"\\]|\\.)*\"|[^()'\"])*\)"
)


def source_msgids() -> dict[tuple[str | None, str], set[str]]:
    """Every literal (msgctxt, msgid) in the scanned sources, with the files using it."""
    found: dict[tuple[str | None, str], set[str]] = {}
    for root in SOURCE_ROOTS:
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(BASE_DIR)
            if not path.is_file() or SKIPPED_DIRS & set(relative.parts):
                continue
            if path.suffix == ".py":
                trees: list[ast.AST] = [
                    ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
                ]
            elif path.suffix in {".html", ".txt"}:
                code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
                trees = [ast.parse(call, mode="eval") for call in TEMPLATIZED_CALL_RE.findall(code)]
            else:
                continue
            for tree in trees:
                for key in _msgids_in_calls(tree):
                    found.setdefault(key, set()).add(relative.as_posix())
    return found


def test_catalogue_has_every_msgid_of_the_code(entries: list[Entry]) -> None:
    known = {(entry.msgctxt, entry.msgid) for entry in entries[1:]}
    found = source_msgids()
    assert found, "no translatable string found in the sources: is the scan broken?"
    missing = [
        f"{', '.join(sorted(paths))}: {msgid!r}" + (f" (context {context!r})" if context else "")
        for (context, msgid), paths in sorted(found.items(), key=str)
        if (context, msgid) not in known
    ]
    assert not missing, "Strings missing from the Vietnamese catalogue:\n" + "\n".join(
        [*missing, HOW_TO_FIX]
    )


def test_source_scan_finds_templates_python_and_plurals() -> None:
    found = source_msgids()
    assert any(path.startswith("templates/") for path in found.get((None, "Sign in"), ()))
    assert (None, "Province official") in found  # a lazy model choice label
    assert (None, "%(counter)s unit found") in found  # {% blocktranslate count %}


# --- (d) the running application speaks Vietnamese ----------------------------------------


def test_gettext_uses_the_catalogue() -> None:
    with translation.override("vi"):
        assert translation.gettext("Sign in") == "Đăng nhập"
        assert translation.ngettext("%(counter)s unit found", "%(counter)s units found", 5) == (
            "Tìm thấy %(counter)s đơn vị"
        )
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"


def test_django_own_messages_are_vietnamese() -> None:
    with translation.override("vi"), pytest.raises(ValidationError) as raised:
        forms.CharField().clean("")
    assert raised.value.messages == ["Trường này là bắt buộc."]
