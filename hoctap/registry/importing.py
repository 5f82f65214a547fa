"""Reading and checking a people-and-households sheet, with no side effects.

Real commune sheets have title rows above the header, merged header cells, header
names that vary, dates in three shapes, CCCDs that lost their leading zero, NFD
text, stray spaces, blank rows and formulas. `parse_people_sheet` copes with all
of these and returns every problem by row, column and reason; saving is the
service's job (`household_import_commit`), which saves all rows or none.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import IO, Any

from django.utils.translation import gettext as _

from hoctap.core.text import normalize_text, search_key
from hoctap.registry.cccd import cccd_problems, restore_leading_zeros
from hoctap.registry.ethnicities import ETHNICITIES, ETHNICITY_ALIASES

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
HEADER_SCAN_ROWS = 20
EXCEL_EPOCH = datetime.date(1899, 12, 30)
_PUNCTUATION = re.compile(r"[^a-z0-9]+")


# Most looked-up values repeat on every row (hamlets, relations, sex …): cache their keys.
@functools.lru_cache(maxsize=4096)
def _key(value: str) -> str:
    return _PUNCTUATION.sub(" ", search_key(value)).strip()


@dataclasses.dataclass(frozen=True)
class Column:
    field: str
    label: str  # the header the template uses
    aliases: tuple[str, ...]
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "household_code",
        "Mã hộ",
        ("ma ho", "ma ho gia dinh", "ma so ho", "so ho", "ma ho gd"),
        True,
    ),
    Column(
        "hamlet",
        "Thôn, bản, tổ dân phố",
        (
            "thon",
            "ban",
            "thon ban",
            "thon ban to dan pho",
            "thon to dan pho",
            "to dan pho",
            "thon xom",
            "xom",
            "ap",
            "thon ap",
            "khu pho",
        ),
        True,
    ),
    Column(
        "full_name",
        "Họ và tên",
        ("ho va ten", "ho ten", "ho ten nhan khau", "ho va ten nhan khau", "ten"),
        True,
    ),
    Column(
        "relation",
        "Quan hệ với chủ hộ",
        ("quan he voi chu ho", "quan he", "quan he chu ho", "qh voi chu ho"),
        True,
    ),
    Column("sex", "Giới tính", ("gioi tinh", "gioi", "nam nu"), True),
    Column(
        "birth",
        "Ngày sinh",
        ("ngay sinh", "ngay thang nam sinh", "nam sinh", "sinh ngay", "ngay sinh nam sinh"),
        True,
    ),
    Column("ethnicity", "Dân tộc", ("dan toc",)),
    Column(
        "cccd",
        "Số CCCD",
        (
            "so cccd",
            "cccd",
            "so can cuoc",
            "can cuoc cong dan",
            "so can cuoc cong dan",
            "so dinh danh",
            "so dinh danh ca nhan",
            "so cmnd cccd",
            "cmnd cccd",
        ),
    ),
    Column("phone", "Điện thoại", ("dien thoai", "so dien thoai", "sdt", "dt")),
    Column("target_group", "Nhóm đối tượng", ("nhom doi tuong", "doi tuong")),
    Column("is_worker", "Người lao động", ("nguoi lao dong", "lao dong", "la nguoi lao dong")),
    Column("digital_skill", "Kỹ năng số", ("ky nang so", "muc ky nang so")),
    Column(
        "organisation",
        "Nơi làm việc, học tập",
        ("noi lam viec hoc tap", "noi lam viec", "noi hoc tap", "co quan don vi"),
    ),
    Column("address", "Địa chỉ", ("dia chi", "dia chi thuong tru")),
)
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
_ALIAS_TO_FIELD = {alias: c.field for c in COLUMNS for alias in (*c.aliases, _key(c.label))}

SEX_VALUES = {
    "nam": "male",
    "nu": "female",
    "m": "male",
    "f": "female",
    "male": "male",
    "female": "female",
}
RELATION_VALUES = {
    "chu ho": "head",
    "chu": "head",
    "vo": "spouse",
    "chong": "spouse",
    "vo chong": "spouse",
    "con": "child",
    "con trai": "child",
    "con gai": "child",
    "con nuoi": "child",
    "bo": "parent",
    "me": "parent",
    "cha": "parent",
    "bo me": "parent",
    "cha me": "parent",
    "chau": "grandchild",
    "chau noi": "grandchild",
    "chau ngoai": "grandchild",
    "ong": "grandparent",
    "ba": "grandparent",
    "ong ba": "grandparent",
    "anh": "sibling",
    "chi": "sibling",
    "em": "sibling",
    "anh chi em": "sibling",
    "con dau": "child_in_law",
    "con re": "child_in_law",
    "con dau con re": "child_in_law",  # how the template and the exports write it
    "khac": "other",
}
TARGET_GROUP_VALUES = {
    "cu dan": "resident",
    "nguoi dan": "resident",
    "dan cu": "resident",
    "cu dan tren dia ban xa": "resident",
    "nguoi lao dong": "worker",
    "lao dong": "worker",
    "cong nhan": "worker",
    "can bo cong chuc vien chuc": "official",
    "can bo": "official",
    "cbccvc": "official",
    "cong chuc": "official",
    "vien chuc": "official",
    "doanh nhan": "official",
    "can bo cong chuc vien chuc doanh nhan": "official",
    "hoc sinh": "learner",
    "sinh vien": "learner",
    "nguoi hoc": "learner",
    "hoc sinh sinh vien": "learner",
    "hoc sinh sinh vien nguoi hoc": "learner",
}
YES_VALUES = {"x", "co", "1", "yes", "true", "v"}
NO_VALUES = {"", "khong", "0", "no", "false"}
DIGITAL_SKILL_VALUES = {
    "": "none",
    "khong": "none",
    "chua co": "none",
    "co ban": "basic",
    "thanh thao": "proficient",
}
ETHNICITY_BY_KEY = {_key(name): name for name in ETHNICITIES} | {
    _key(alias): name for alias, name in ETHNICITY_ALIASES.items()
}


class SheetError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclasses.dataclass
class Issue:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(slots=True)
class PersonRow:
    row: int
    household_code: str
    hamlet_key: str
    full_name: str
    relation: str
    sex: str
    birth_date: datetime.date | None
    birth_year: int
    ethnicity: str
    cccd: str | None
    phone: str
    target_group: str
    is_worker: bool
    digital_skill: str
    organisation: str
    address: str
    # search_key(full_name), computed once for the duplicate check and the save.
    search_name: str = dataclasses.field(default="", compare=False)


@dataclasses.dataclass
class ParseResult:
    rows: list[PersonRow]
    errors: list[Issue]
    warnings: list[Issue]
    fixes: list[Issue]
    total_rows: int
    header_row: int

    @property
    def households(self) -> int:
        return len({row.household_code for row in self.rows})


def check_file_bytes(head: bytes, size: int) -> None:
    """Refuse what is not an .xlsx before trying to read it."""
    if size > MAX_UPLOAD_BYTES:
        raise SheetError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    if size == 0:
        raise SheetError(_("The file is empty."))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # An OLE container: an old .xls, or an .xlsx encrypted with a password.
        if "EncryptedPackage".encode("utf-16-le") in head or b"EncryptedPackage" in head:
            raise SheetError(
                _(
                    "The workbook is protected by a password. "
                    "Remove the password and upload it again."
                )
            )
        raise SheetError(
            _(
                "This is an old Excel 97-2003 (.xls) file or a password-protected workbook. "
                "Open it in Excel and save it as .xlsx, without a password."
            )
        )
    if not head.startswith(b"PK\x03\x04"):
        raise SheetError(_("This is not an Excel (.xlsx) file."))


def read_rows(data: bytes) -> list[list[Any]]:
    """All rows of the first non-empty sheet, values as Excel cached them (formulas resolved)."""
    from python_calamine import CalamineWorkbook

    check_file_bytes(data[:4096] if len(data) < 4096 else data[: 1024 * 1024], len(data))
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # calamine raises its own error types for broken files
        raise SheetError(_("The workbook is damaged and cannot be read.")) from error
    first_with_data: list[list[Any]] | None = None
    for name in workbook.sheet_names:
        try:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as error:
            raise SheetError(_("The workbook is damaged and cannot be read.")) from error
        if not any(any(_present(cell) for cell in row) for row in rows):
            continue
        # The template puts its instructions first: take the first sheet with a header.
        try:
            find_header(rows)
        except SheetError:
            first_with_data = first_with_data or rows
            continue
        return rows
    if first_with_data is not None:
        return first_with_data  # parsing it reports the missing header
    raise SheetError(_("The workbook has no data."))


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None or value == "":
        return ""  # most cells of a sheet are empty: skip normalising them
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value))


def find_header(rows: list[list[Any]]) -> tuple[int, dict[int, str]]:
    """The header row index and column index → field, tolerating title rows and two-row headers."""
    best: tuple[int, int, dict[int, str]] = (0, -1, {})
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        above = rows[index - 1] if index > 0 else []
        mapping: dict[int, str] = {}
        last_group = ""
        for column, cell in enumerate(row):
            text = _key(_text(cell))
            group = _key(_text(above[column])) if column < len(above) else ""
            # A merged group title spans the columns to its right until the next title.
            last_group = group or last_group
            field = _ALIAS_TO_FIELD.get(text) or (
                _ALIAS_TO_FIELD.get(last_group) if not text else None
            )
            if field and field not in mapping.values():
                mapping[column] = field
        score = len(mapping)
        if score > best[0]:
            best = (score, index, mapping)
    score, index, mapping = best
    if score < 3 or "full_name" not in mapping.values():
        raise SheetError(
            _(
                "No header row was recognised. The sheet needs at least the columns "
                "“Họ và tên”, “Giới tính” and “Ngày sinh”; download the template to see them all."
            )
        )
    return index, mapping


def parse_birth(value: Any) -> tuple[datetime.date | None, int | None, str | None]:
    """(date, year, fix note): dd/mm/yyyy text, an Excel serial number, a date, or a year alone."""
    if isinstance(value, datetime.datetime):
        return value.date(), value.year, None
    if isinstance(value, datetime.date):
        return value, value.year, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if 1900 <= number <= 2100:
            return None, number, None
        if 1 <= number <= 80000:
            day = EXCEL_EPOCH + datetime.timedelta(days=number)
            return day, day.year, "serial"
        return None, None, None
    text = _text(value)
    if not text:
        return None, None, None
    if re.fullmatch(r"\d{4}", text):
        return None, int(text), None
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    if match:
        day_, month, year = (int(part) for part in match.groups())
        try:
            return datetime.date(year, month, day_), year, None
        except ValueError:
            return None, None, None
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        try:
            parsed = datetime.date.fromisoformat(text)
        except ValueError:
            return None, None, None
        return parsed, parsed.year, None
    if re.fullmatch(r"\d+(\.0)?", text):
        return parse_birth(int(float(text)))
    return None, None, None


@dataclasses.dataclass
class ParseContext:
    """What the parser needs to know about the commune, supplied by the service."""

    hamlets: dict[str, str]  # search key of the hamlet's name → hamlet key
    allowed_hamlets: set[str] | None  # hamlet keys the importer may write to; None = all
    existing_cccds: Callable[[Iterable[str]], set[str]]
    existing_household_codes: Callable[[Iterable[str]], set[str]]
    organisations: dict[str, str]  # search key → organisation name
    today: datetime.date


def _lookup(table: dict[str, str], raw: str) -> str | None:
    return table.get(_key(raw))


def parse_people_sheet(
    rows: list[list[Any]],
    context: ParseContext,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ParseResult:
    """Check every row; nothing is saved here."""
    header_index, mapping = find_header(rows)
    missing = [
        COLUMN_BY_FIELD[c.field].label
        for c in COLUMNS
        if c.required and c.field not in mapping.values()
    ]
    if missing:
        raise SheetError(
            _("The sheet lacks these columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    above = rows[header_index - 1] if header_index > 0 else []
    header_labels = {
        # Under a header merged over two rows the text sits in the row above.
        field: _text(rows[header_index][column])
        or (_text(above[column]) if column < len(above) else "")
        or COLUMN_BY_FIELD[field].label
        for column, field in mapping.items()
    }
    errors: list[Issue] = []
    warnings: list[Issue] = []
    fixes: list[Issue] = []
    parsed: list[PersonRow] = []
    data_rows = _data_rows(rows, header_index, mapping)
    total = len(data_rows)
    columns = list(mapping.items())
    for position, (index, name_search) in enumerate(data_rows, start=1):
        row = rows[index]
        values = {field: row[column] if column < len(row) else None for column, field in columns}
        row_number = index + 1
        issues = _RowIssues(row_number, values, header_labels, fixes)
        person = _parse_row(row_number, values, context, issues.error, issues.fixed)
        if person is not None:
            person.search_name = name_search
        if issues.errors:
            errors.extend(issues.errors)
        elif person is not None:
            parsed.append(person)
        if progress and position % 1000 == 0:
            progress(position, total)
    if total == 0:
        raise SheetError(_("The sheet has a header but no rows of data."))
    _check_across_rows(parsed, context, errors, warnings, header_labels)
    if progress:
        progress(total, total)
    errors.sort(key=lambda issue: issue.row)
    return ParseResult(parsed, errors, warnings, fixes, total, header_index + 1)


class _RowIssues:
    """Collects one row's errors and the fixes applied to it."""

    def __init__(
        self, row: int, values: dict[str, Any], labels: dict[str, str], fixes: list[Issue]
    ) -> None:
        self.row = row
        self.values = values
        self.labels = labels
        self.fixes = fixes
        self.errors: list[Issue] = []

    def _label(self, field: str) -> str:
        return self.labels.get(field, COLUMN_BY_FIELD[field].label)

    def error(self, field: str, message: str, raw: Any = None) -> None:
        value = raw if raw is not None else self.values.get(field)
        self.errors.append(Issue(self.row, self._label(field), _text(value), message))

    def fixed(self, field: str, raw: Any, message: str) -> None:
        self.fixes.append(Issue(self.row, self._label(field), _text(raw), message))


def _data_rows(
    rows: list[list[Any]], header_index: int, mapping: dict[int, str]
) -> list[tuple[int, str]]:
    """(index, search key of the name) of the rows that hold data.

    Only indexes are kept, not the rows' values, so a large sheet is not held twice.
    """
    name_column = next(column for column, field in mapping.items() if field == "full_name")
    found: list[tuple[int, str]] = []
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        if not any(column < len(row) and _present(row[column]) for column in mapping):
            continue  # blank rows between blocks
        name_search = search_key(_text(row[name_column])) if name_column < len(row) else ""
        # A repeated header (sheets pasted together) or a numbering row (1, 2, 3 …) is skipped.
        if _PUNCTUATION.sub(" ", name_search).strip() in ("ho va ten", "ho ten", "2", "3"):
            continue
        found.append((index, name_search))
    return found


def _parse_row(
    row_number: int,
    values: dict[str, Any],
    context: ParseContext,
    error: Callable[..., None],
    fixed: Callable[..., None],
) -> PersonRow | None:
    raw_name = values.get("full_name")
    name = _text(raw_name)
    if isinstance(raw_name, str) and name != raw_name:
        if unicodedata.normalize("NFC", raw_name) != raw_name:
            fixed("full_name", raw_name, _("Unicode normalised (NFC)"))
        else:
            fixed("full_name", raw_name, _("extra spaces removed"))
    if not name:
        error("full_name", _("The name is missing."))
    elif len(name) > 150:
        error("full_name", _("The name is too long (at most 150 characters)."))

    household_code = _text(values.get("household_code"))
    if not household_code:
        error("household_code", _("The household code is missing."))
    elif len(household_code) > 32:
        error("household_code", _("The household code is too long (at most 32 characters)."))

    hamlet_raw = _text(values.get("hamlet"))
    hamlet_key = _lookup(context.hamlets, hamlet_raw) if hamlet_raw else None
    if not hamlet_raw:
        error("hamlet", _("The hamlet is missing."))
    elif hamlet_key is None:
        error("hamlet", _("No hamlet of this name in the commune."))
    elif context.allowed_hamlets is not None and hamlet_key not in context.allowed_hamlets:
        error("hamlet", _("This hamlet is outside your area."))

    relation_raw = _text(values.get("relation"))
    relation = RELATION_VALUES.get(_key(relation_raw))
    if relation is None:
        error(
            "relation",
            _("Unknown relation to the head; use e.g. Chủ hộ, Vợ, Chồng, Con, Bố, Mẹ, Cháu."),
        )

    sex = SEX_VALUES.get(_key(_text(values.get("sex"))))
    if sex is None:
        error("sex", _("Sex must be Nam or Nữ."))

    birth_date, birth_year, birth_fix = parse_birth(values.get("birth"))
    if birth_year is None:
        error("birth", _("Unreadable date of birth; write dd/mm/yyyy or the year alone."))
    elif birth_year < 1900 or (birth_date or datetime.date(birth_year, 1, 1)) > context.today:
        error("birth", _("The date of birth is not plausible."))
    elif birth_fix == "serial":
        fixed(
            "birth",
            values.get("birth"),
            _("Excel date number read as %(date)s")
            % {"date": birth_date.strftime("%d/%m/%Y") if birth_date else ""},
        )

    ethnicity_raw = _text(values.get("ethnicity"))
    ethnicity = ""
    if ethnicity_raw:
        found = ETHNICITY_BY_KEY.get(_key(ethnicity_raw))
        if found is None:
            error("ethnicity", _("Unknown ethnic group."))
        else:
            ethnicity = found
            if found != ethnicity_raw:
                fixed(
                    "ethnicity",
                    ethnicity_raw,
                    _("written as the official name %(name)s") % {"name": found},
                )

    cccd: str | None = None
    raw_cccd = values.get("cccd")
    if _present(raw_cccd):
        original = _text(raw_cccd)
        # "38080012345.0" is a number Excel turned into text: its ".0" is not a separator.
        compact = (
            re.sub(r"[\s.\-]", "", original.removesuffix(".0"))
            if isinstance(raw_cccd, str)
            else original
        )
        candidate = restore_leading_zeros(compact)
        if len(candidate) > len(compact):
            fixed("cccd", original, _("leading zero restored: %(value)s") % {"value": candidate})
        elif candidate != original:
            fixed("cccd", original, _("spaces and dots removed: %(value)s") % {"value": candidate})
        problems = cccd_problems(candidate, birth_year=birth_year, sex=sex)
        if problems:
            messages = {
                "format": _("A CCCD has exactly 12 digits."),
                "province": _("The first three digits are not a province code."),
                "century_sex": _("The fourth digit does not match the sex and century of birth."),
                "year": _("Digits 5–6 do not match the year of birth."),
            }
            for problem in problems:
                error("cccd", messages[problem], raw_cccd)
        cccd = candidate

    phone = _text(values.get("phone"))
    if phone:
        digits = re.sub(r"[\s.\-]", "", phone)
        if digits.isdigit() and len(digits) == 9:
            fixed("phone", phone, _("leading zero restored: %(value)s") % {"value": "0" + digits})
            digits = "0" + digits
        if not re.fullmatch(r"(\+84|0)\d{9,10}", digits):
            error("phone", _("Not a Vietnamese phone number."))
        phone = digits

    target_raw = _text(values.get("target_group"))
    target_group = TARGET_GROUP_VALUES.get(_key(target_raw)) if target_raw else "resident"
    if target_group is None:
        error(
            "target_group",
            _(
                "Unknown target group; use Cư dân, Người lao động, "
                "Cán bộ công chức viên chức, or Học sinh sinh viên."
            ),
        )

    worker_key = _key(_text(values.get("is_worker")))
    is_worker = worker_key in YES_VALUES
    if not is_worker and worker_key not in NO_VALUES:
        error("is_worker", _("Write x or Có for a worker, leave empty otherwise."))

    skill = DIGITAL_SKILL_VALUES.get(_key(_text(values.get("digital_skill"))))
    if skill is None:
        error("digital_skill", _("Digital skills must be Không, Cơ bản or Thành thạo."))

    organisation_raw = _text(values.get("organisation"))
    organisation = ""
    if organisation_raw:
        organisation = _lookup(context.organisations, organisation_raw) or ""
        if not organisation:
            error("organisation", _("No organisation of this name in the commune; add it first."))

    if (
        None in (relation, sex, birth_year, target_group, skill, hamlet_key)
        or not name
        or not household_code
    ):
        return None
    assert birth_year is not None
    assert sex
    assert relation
    assert target_group
    assert skill
    assert hamlet_key
    return PersonRow(
        row=row_number,
        household_code=household_code,
        hamlet_key=hamlet_key,
        full_name=name,
        relation=relation,
        sex=sex,
        birth_date=birth_date,
        birth_year=birth_year,
        ethnicity=ethnicity,
        cccd=cccd,
        phone=phone,
        target_group=target_group,
        is_worker=is_worker,
        digital_skill=skill,
        organisation=organisation,
        address=_text(values.get("address")),
    )


def _check_across_rows(
    rows: list[PersonRow],
    context: ParseContext,
    errors: list[Issue],
    warnings: list[Issue],
    labels: dict[str, str],
) -> None:
    def label(field: str) -> str:
        return labels.get(field, COLUMN_BY_FIELD[field].label)

    first_cccd: dict[str, int] = {}
    for row in rows:
        if row.cccd:
            if row.cccd in first_cccd:
                errors.append(
                    Issue(
                        row.row,
                        label("cccd"),
                        row.cccd,
                        _("The same CCCD is on row %(row)s.") % {"row": first_cccd[row.cccd]},
                    )
                )
            else:
                first_cccd[row.cccd] = row.row
    for cccd in sorted(context.existing_cccds(first_cccd)):
        errors.append(
            Issue(
                first_cccd[cccd],
                label("cccd"),
                cccd,
                _("A person with this CCCD is already registered."),
            )
        )

    households: dict[str, list[PersonRow]] = {}
    for row in rows:
        households.setdefault(row.household_code, []).append(row)
    for code in sorted(context.existing_household_codes(households)):
        first = households[code][0]
        errors.append(
            Issue(
                first.row,
                label("household_code"),
                code,
                _("This household code already exists in the commune."),
            )
        )
    for code, members in households.items():
        heads = [m for m in members if m.relation == "head"]
        if not heads:
            errors.append(
                Issue(
                    members[0].row,
                    label("relation"),
                    code,
                    _("Household %(code)s has no head (Chủ hộ).") % {"code": code},
                )
            )
        for extra in heads[1:]:
            errors.append(
                Issue(
                    extra.row,
                    label("relation"),
                    extra.full_name,
                    _("Household %(code)s already has a head on row %(row)s.")
                    % {"code": code, "row": heads[0].row},
                )
            )
        hamlets = {m.hamlet_key for m in members}
        if len(hamlets) > 1:
            for member in members[1:]:
                if member.hamlet_key != members[0].hamlet_key:
                    errors.append(
                        Issue(
                            member.row,
                            label("hamlet"),
                            code,
                            _(
                                "Members of one household must live in the same hamlet "
                                "as row %(row)s."
                            )
                            % {"row": members[0].row},
                        )
                    )
        seen: dict[tuple[str, int], int] = {}
        for member in members:
            twin = (member.search_name or search_key(member.full_name), member.birth_year)
            if twin in seen:
                warnings.append(
                    Issue(
                        member.row,
                        label("full_name"),
                        member.full_name,
                        _(
                            "Same name and year of birth as row %(row)s in this household; "
                            "check it is not entered twice."
                        )
                        % {"row": seen[twin]},
                    )
                )
            else:
                seen[twin] = member.row


def open_upload(file: IO[bytes]) -> bytes:
    """Read an uploaded file, refusing oversize ones before reading them whole."""
    data = file.read(MAX_UPLOAD_BYTES + 1)
    check_file_bytes(data[: 1024 * 1024], len(data))
    return data
