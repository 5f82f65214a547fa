"""Loads the official unit tree: today's 34 provinces and 3,321 communes from
`vietnam-provinces`, and the pre-reform tree (63 provinces, districts, ~10,000
communes) with its lineage into today's units from `vietnamadminunits`.

Loading is a reconciliation: it computes the desired rows, then adds what is
missing, updates what differs and retires what the source no longer lists, so
running it twice changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import vietnamadminunits
from django.db import transaction
from django.utils import timezone
from vietnam_provinces import Province, VietNamDivisionType, Ward

from hoctap.adminunits.models import (
    LAST_LEGACY_DAY,
    REFORM_DATE,
    AdminUnit,
    AdminUnitLineage,
    Kind,
    Level,
    LineageKind,
)
from hoctap.adminunits.services import path_for
from hoctap.core.text import normalize_text, search_key

LINEAGE_SOURCE = "NQ 202/2025/QH15 và các nghị quyết sắp xếp đơn vị hành chính 2025"
LEGACY_PREFIX = "old-"

CURRENT_KINDS = {
    VietNamDivisionType.TINH: Kind.PROVINCE,
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: Kind.CENTRAL_CITY,
    VietNamDivisionType.XA: Kind.COMMUNE,
    VietNamDivisionType.PHUONG: Kind.WARD,
    VietNamDivisionType.DAC_KHU: Kind.SPECIAL_ZONE,
}
LEGACY_DISTRICT_KINDS = {
    "Huyện": Kind.RURAL_DISTRICT,
    "Quận": Kind.URBAN_DISTRICT,
    "Thị xã": Kind.DISTRICT_TOWN,
    "Thành phố": Kind.PROVINCIAL_CITY,
}
LEGACY_COMMUNE_KINDS = {"Xã": Kind.COMMUNE, "Phường": Kind.WARD, "Thị trấn": Kind.TOWNSHIP}
UNIT_FIELDS = (
    "code",
    "name",
    "short_name",
    "search_name",
    "level",
    "kind",
    "valid_from",
    "valid_to",
)


def match_key(name: str) -> str:
    """Letters and digits only, for matching names spelled with other punctuation."""
    return re.sub(r"[^a-z0-9]", "", search_key(name))


@dataclasses.dataclass
class DesiredUnit:
    key: str
    code: str
    name: str
    short_name: str
    level: int
    kind: str
    parent_key: str | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None

    @property
    def search_name(self) -> str:
        return search_key(self.name)


@dataclasses.dataclass
class DesiredLink:
    predecessor_key: str
    successor_key: str
    kind: str
    is_primary: bool


@dataclasses.dataclass
class LoadReport:
    added: int = 0
    updated: int = 0
    retired: int = 0
    lineage_added: int = 0
    lineage_updated: int = 0
    lineage_removed: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.added,
                self.updated,
                self.retired,
                self.lineage_added,
                self.lineage_updated,
                self.lineage_removed,
            )
        )


def _strip_prefix(name: str, prefixes: Iterable[str]) -> str:
    for prefix in prefixes:
        if name.startswith(prefix + " "):
            return name[len(prefix) + 1 :]
    return name


def _code(value: object, width: int) -> str:
    return str(int(value)).zfill(width)  # type: ignore[call-overload]


def _current_province_name(province: Province) -> str:
    """The full official name: vietnam-provinces drops "Tỉnh" (but keeps "Thành phố")."""
    name = normalize_text(province.name)
    if province.division_type == VietNamDivisionType.TINH and not name.startswith("Tỉnh "):
        return f"Tỉnh {name}"
    return name


def _current_units() -> list[DesiredUnit]:
    units = []
    for province in Province.iter_all():
        units.append(
            DesiredUnit(
                key=_code(province.code, 2),
                code=_code(province.code, 2),
                name=_current_province_name(province),
                short_name=_strip_prefix(province.name, ("Tỉnh", "Thành phố")),
                level=Level.PROVINCE,
                kind=CURRENT_KINDS[province.division_type],
                parent_key=None,
                valid_from=REFORM_DATE,
                valid_to=None,
            )
        )
    for ward in Ward.iter_all():
        units.append(
            DesiredUnit(
                key=_code(ward.code, 5),
                code=_code(ward.code, 5),
                name=normalize_text(ward.name),
                short_name=_strip_prefix(ward.name, ("Xã", "Phường", "Đặc khu")),
                level=Level.COMMUNE,
                kind=CURRENT_KINDS[ward.division_type],
                parent_key=_code(ward.province_code, 2),
                valid_from=REFORM_DATE,
                valid_to=None,
            )
        )
    return units


def _legacy_rows() -> list[sqlite3.Row]:
    database = Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(
            "SELECT province, provinceCode, provinceKey, district, districtCode, districtKey,"
            " districtType, ward, wardCode, wardKey, wardType FROM admin_units_legacy"
        ).fetchall()
    finally:
        connection.close()


def _new_ward_index() -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """(new province key of the converter, new ward key) -> official ward code,
    and new province key -> official province code.

    The converter names wards by slug; codes in its data set differ from the
    official ones in a few places, so names are matched first.
    """
    database = Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT provinceCode, provinceKey, ward, wardKey, wardCode FROM admin_units"
        ).fetchall()
    finally:
        connection.close()
    official = {
        (_code(w.province_code, 2), match_key(w.name)): _code(w.code, 5) for w in Ward.iter_all()
    }
    index: dict[tuple[str, str], str] = {}
    provinces: dict[str, str] = {}
    for province_code, province_key, ward_name, ward_key, ward_code in rows:
        provinces[province_key] = _code(province_code, 2)
        code = official.get((_code(province_code, 2), match_key(ward_name)), _code(ward_code, 5))
        index[(province_key, ward_key)] = code
        index[(province_key, match_key(ward_key))] = code
    return index, provinces


def _legacy_units(rows: list[sqlite3.Row]) -> list[DesiredUnit]:
    units: dict[str, DesiredUnit] = {}
    for row in rows:
        province_key = LEGACY_PREFIX + row["provinceCode"]
        if province_key not in units:
            name = normalize_text(row["province"])
            units[province_key] = DesiredUnit(
                key=province_key,
                code=row["provinceCode"],
                name=name,
                short_name=_strip_prefix(name, ("Tỉnh", "Thành phố")),
                level=Level.PROVINCE,
                kind=Kind.CENTRAL_CITY if name.startswith("Thành phố") else Kind.PROVINCE,
                parent_key=None,
                valid_from=None,
                valid_to=LAST_LEGACY_DAY,
            )
        district_key = LEGACY_PREFIX + row["districtCode"]
        if district_key not in units:
            name = normalize_text(row["district"])
            units[district_key] = DesiredUnit(
                key=district_key,
                code=row["districtCode"],
                name=name,
                short_name=_strip_prefix(name, LEGACY_DISTRICT_KINDS),
                level=Level.DISTRICT,
                kind=LEGACY_DISTRICT_KINDS[row["districtType"]],
                parent_key=province_key,
                valid_from=None,
                valid_to=LAST_LEGACY_DAY,
            )
        if row["wardCode"]:
            ward_key = LEGACY_PREFIX + row["wardCode"]
            name = normalize_text(row["ward"])
            units[ward_key] = DesiredUnit(
                key=ward_key,
                code=row["wardCode"],
                name=name,
                short_name=_strip_prefix(name, LEGACY_COMMUNE_KINDS),
                level=Level.COMMUNE,
                kind=LEGACY_COMMUNE_KINDS[row["wardType"]],
                parent_key=district_key,
                valid_from=None,
                valid_to=LAST_LEGACY_DAY,
            )
    return list(units.values())


def _lineage(rows: list[sqlite3.Row], problems: list[str]) -> list[DesiredLink]:
    converter_file = Path(vietnamadminunits.__file__).parent / "data" / "converter_2025.json"
    converter = json.loads(converter_file.read_text(encoding="utf-8"))
    new_wards, province_code_by_key = _new_ward_index()
    legacy_by_full_key: dict[str, str] = {}
    legacy_province_by_key: dict[str, str] = {}
    district_province: dict[str, str] = {}
    for row in rows:
        full_key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        target = row["wardCode"] or row["districtCode"]
        legacy_by_full_key[full_key] = LEGACY_PREFIX + target
        legacy_province_by_key[row["provinceKey"]] = LEGACY_PREFIX + row["provinceCode"]
        district_province[LEGACY_PREFIX + row["districtCode"]] = row["provinceKey"]

    links: dict[tuple[str, str], DesiredLink] = {}

    def add(predecessor: str, successor: str, kind: str, primary: bool) -> None:
        links[(predecessor, successor)] = DesiredLink(predecessor, successor, kind, primary)

    # Provinces: one old province into one new is a continuation; several are a merger.
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        successor = province_code_by_key.get(new_key)
        if successor is None:
            problems.append(f"new province {new_key} has no official code")
            continue
        for old_key in old_keys:
            kind = LineageKind.CONTINUED if len(old_keys) == 1 else LineageKind.MERGED
            add(legacy_province_by_key[old_key], successor, kind, True)
    new_province_of_old = {
        old: province_code_by_key[new]
        for new, olds in converter["DICT_PROVINCE"].items()
        for old in olds
        if new in province_code_by_key
    }

    def resolve(province_key: str, ward_key: str) -> str | None:
        return new_wards.get((province_key, ward_key)) or new_wards.get(
            (province_key, match_key(ward_key))
        )

    # Communes kept whole: each old commune went entirely into one new commune.
    for new_province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward_key, old_full_keys in wards.items():
            successor = resolve(new_province, new_ward_key)
            if successor is None:
                problems.append(f"new commune {new_province}/{new_ward_key} not found")
                continue
            for old_full_key in old_full_keys:
                predecessor = legacy_by_full_key.get(old_full_key)
                if predecessor is None:
                    problems.append(f"old commune {old_full_key} not found")
                    continue
                kind = LineageKind.CONTINUED if len(old_full_keys) == 1 else LineageKind.MERGED
                add(predecessor, successor, kind, True)
    # Communes split between several new communes; one is the default successor.
    for new_province, old_wards in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_full_key, targets in old_wards.items():
            predecessor = legacy_by_full_key.get(old_full_key)
            if predecessor is None:
                problems.append(f"old commune {old_full_key} not found")
                continue
            for target in targets:
                successor = resolve(new_province, target["newWardKey"])
                if successor is None:
                    problems.append(f"new commune {new_province}/{target['newWardKey']} not found")
                    continue
                add(predecessor, successor, LineageKind.SPLIT, bool(target["isDefaultNewWard"]))
    # Districts were abolished: their area now lies in the new province. Island
    # districts without communes became special zones and are linked above.
    linked = {link.predecessor_key for link in links.values()}
    for district_key, old_province_key in district_province.items():
        if district_key in linked:
            continue
        successor = new_province_of_old.get(old_province_key)
        if successor:
            add(district_key, successor, LineageKind.MERGED, True)
    return list(links.values())


def _retire_date() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


@transaction.atomic
def load_admin_units() -> LoadReport:
    """Reconcile the database with the official lists; see the module docstring."""
    report = LoadReport()
    rows = _legacy_rows()
    desired = _current_units() + _legacy_units(rows)
    desired_by_key = {unit.key: unit for unit in desired}
    existing = {unit.key: unit for unit in AdminUnit.objects.exclude(level=Level.HAMLET)}

    # Parents come before children (provinces, districts, communes).
    desired.sort(key=lambda unit: unit.level)
    to_create: list[AdminUnit] = []
    to_update: list[AdminUnit] = []
    moved: list[AdminUnit] = []
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        batch = [unit for unit in desired if unit.level == level]
        new_units = []
        for item in batch:
            parent = existing.get(item.parent_key) if item.parent_key else None
            values = {field: getattr(item, field) for field in UNIT_FIELDS}
            unit = existing.get(item.key)
            if unit is None:
                unit = AdminUnit(key=item.key, parent=parent, path=f"new-{item.key}", **values)
                new_units.append(unit)
                continue
            changed = [f for f, v in values.items() if getattr(unit, f) != v]
            if unit.parent_id != (parent.pk if parent else None):
                unit.parent = parent
                moved.append(unit)
                changed.append("parent")
            if changed:
                for field, value in values.items():
                    setattr(unit, field, value)
                to_update.append(unit)
        created = AdminUnit.objects.bulk_create(new_units, batch_size=2000)
        for unit in created:
            unit.path = path_for(unit.pk, unit.parent)
            existing[unit.key] = unit
        AdminUnit.objects.bulk_update(created, ["path"], batch_size=2000)
        to_create.extend(created)
    report.added = len(to_create)
    if to_update:
        AdminUnit.objects.bulk_update(to_update, [*UNIT_FIELDS, "parent"], batch_size=2000)
    report.updated = len(to_update)
    for unit in moved:
        _repath_subtree(unit)

    # Official units the source no longer lists are retired, never deleted.
    retired = [
        unit
        for key, unit in existing.items()
        if key not in desired_by_key and unit.valid_to is None and unit.level != Level.HAMLET
    ]
    for unit in retired:
        # A unit that started today cannot end before it began.
        unit.valid_to = max(_retire_date(), unit.valid_from or _retire_date())
    AdminUnit.objects.bulk_update(retired, ["valid_to"], batch_size=2000)
    report.retired = len(retired)

    _reconcile_lineage(_lineage(rows, report.problems), existing, report)
    return report


def _repath_subtree(unit: AdminUnit) -> None:
    old_path = AdminUnit.objects.values_list("path", flat=True).get(pk=unit.pk)
    new_path = path_for(unit.pk, unit.parent)
    if old_path == new_path:
        return
    descendants = list(AdminUnit.objects.filter(path__startswith=old_path))
    for item in descendants:
        item.path = new_path + item.path[len(old_path) :]
    AdminUnit.objects.bulk_update(descendants, ["path"], batch_size=2000)


def _reconcile_lineage(
    links: list[DesiredLink], units: dict[str, AdminUnit], report: LoadReport
) -> None:
    existing = {
        (link.predecessor_id, link.successor_id): link
        for link in AdminUnitLineage.objects.filter(source=LINEAGE_SOURCE)
    }
    wanted: set[tuple[int, int]] = set()
    to_create = []
    to_update = []
    for link in links:
        predecessor = units.get(link.predecessor_key)
        successor = units.get(link.successor_key)
        if predecessor is None or successor is None:
            report.problems.append(f"lineage {link.predecessor_key} → {link.successor_key} skipped")
            continue
        pair = (predecessor.pk, successor.pk)
        wanted.add(pair)
        row = existing.get(pair)
        if row is None:
            to_create.append(
                AdminUnitLineage(
                    predecessor=predecessor,
                    successor=successor,
                    kind=link.kind,
                    is_primary=link.is_primary,
                    effective_date=REFORM_DATE,
                    source=LINEAGE_SOURCE,
                )
            )
        elif row.kind != link.kind or row.is_primary != link.is_primary:
            row.kind = link.kind
            row.is_primary = link.is_primary
            to_update.append(row)
    AdminUnitLineage.objects.bulk_create(to_create, batch_size=2000)
    AdminUnitLineage.objects.bulk_update(to_update, ["kind", "is_primary"], batch_size=2000)
    stale = [row.pk for pair, row in existing.items() if pair not in wanted]
    AdminUnitLineage.objects.filter(pk__in=stale).delete()
    report.lineage_added = len(to_create)
    report.lineage_updated = len(to_update)
    report.lineage_removed = len(stale)
