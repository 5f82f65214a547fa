"""The official unit tree loader: counts, idempotence, lineage and retirement.

The full load takes a few seconds, so it runs once for the module and every test
works inside its own rolled-back transaction on top of it.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from hoctap.adminunits.loader import LINEAGE_SOURCE, LoadReport, load_admin_units
from hoctap.adminunits.models import (
    REFORM_DATE,
    AdminUnit,
    AdminUnitLineage,
    Level,
    LineageKind,
)
from hoctap.adminunits.selectors import unit_predecessors_on, unit_successors_now
from hoctap.adminunits.tests import factories as units

CURRENT_PROVINCES = 34
CURRENT_COMMUNES = 3321
LEGACY_PROVINCES = 63
LEGACY_DISTRICTS = 696
LEGACY_COMMUNES = 10035
ALL_UNITS = (
    CURRENT_PROVINCES + CURRENT_COMMUNES + LEGACY_PROVINCES + LEGACY_DISTRICTS + LEGACY_COMMUNES
)


def _delete_all_units() -> None:
    # Plain DELETEs: the ORM's collector takes seconds over 14,000 self-referencing rows.
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in (AdminUnitLineage, AdminUnit):
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608


@pytest.fixture(scope="module")
def first_load(django_db_setup: Any, django_db_blocker: Any) -> Iterator[LoadReport]:
    """The official tree, loaded once into an empty database for the whole module."""
    with django_db_blocker.unblock():
        assert not AdminUnit.objects.exists(), "the loader tests need an empty unit table"
        report = load_admin_units()
    yield report
    with django_db_blocker.unblock():
        _delete_all_units()


@pytest.fixture
def loaded(first_load: LoadReport, db: Any) -> LoadReport:
    return first_load


def _snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    unit_rows = list(
        AdminUnit.objects.order_by("pk").values_list(
            "pk",
            "key",
            "code",
            "name",
            "short_name",
            "search_name",
            "level",
            "kind",
            "parent_id",
            "path",
            "valid_from",
            "valid_to",
        )
    )
    lineage_rows = list(
        AdminUnitLineage.objects.order_by("pk").values_list(
            "pk", "predecessor_id", "successor_id", "kind", "effective_date", "is_primary", "source"
        )
    )
    return unit_rows, lineage_rows


def _current_nong_cong() -> AdminUnit:
    return AdminUnit.objects.current().get(
        name="Xã Nông Cống", level=Level.COMMUNE, parent__code="38"
    )


def test_first_load_adds_every_unit_and_lineage_without_problems(loaded: LoadReport) -> None:
    assert loaded.added == ALL_UNITS
    assert loaded.updated == 0
    assert loaded.retired == 0
    assert loaded.lineage_added == AdminUnitLineage.objects.count() > 0
    assert loaded.problems == []


def test_loads_the_34_current_provinces_and_3321_current_communes(loaded: LoadReport) -> None:
    current = AdminUnit.objects.filter(valid_to__isnull=True)

    assert current.filter(level=Level.PROVINCE).count() == CURRENT_PROVINCES
    assert current.filter(level=Level.COMMUNE).count() == CURRENT_COMMUNES
    assert not current.filter(level=Level.DISTRICT).exists()
    assert not current.filter(key__startswith="old-").exists()


def test_current_units_start_on_the_reform_date(loaded: LoadReport) -> None:
    current = AdminUnit.objects.filter(valid_to__isnull=True)

    assert not current.exclude(valid_from=REFORM_DATE).exists()


def test_current_communes_hang_directly_under_current_provinces(loaded: LoadReport) -> None:
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True)

    assert not communes.exclude(parent__level=Level.PROVINCE).exists()
    assert not communes.exclude(parent__valid_to__isnull=True).exists()


def test_loads_the_legacy_tree_ending_on_30_june_2025(loaded: LoadReport) -> None:
    legacy = AdminUnit.objects.filter(key__startswith="old-")

    assert legacy.filter(level=Level.PROVINCE).count() == LEGACY_PROVINCES
    assert legacy.filter(level=Level.DISTRICT).count() == LEGACY_DISTRICTS
    assert legacy.filter(level=Level.COMMUNE).count() == LEGACY_COMMUNES
    assert set(legacy.values_list("valid_to", flat=True)) == {datetime.date(2025, 6, 30)}


def test_legacy_communes_sit_under_legacy_districts_under_legacy_provinces(
    loaded: LoadReport,
) -> None:
    vanhoa = AdminUnit.objects.get(key="old-16327")

    assert vanhoa.name == "Xã Vạn Hòa"
    assert [unit.name for unit in vanhoa.ancestors()] == ["Tỉnh Thanh Hóa", "Huyện Nông Cống"]
    assert vanhoa.parent is not None
    assert vanhoa.path.startswith(vanhoa.parent.path)


def test_paths_are_the_parent_path_plus_the_padded_primary_key(loaded: LoadReport) -> None:
    rows = AdminUnit.objects.values_list("pk", "path", "parent__path")

    wrong = [
        (pk, path)
        for pk, path, parent_path in rows
        if path != (parent_path or "") + str(pk).zfill(10)
    ]
    assert wrong == []


def test_current_provinces_carry_their_full_official_names(loaded: LoadReport) -> None:
    names = set(
        AdminUnit.objects.current().filter(level=Level.PROVINCE).values_list("name", flat=True)
    )

    assert {"Tỉnh Sơn La", "Tỉnh Thanh Hóa", "Thành phố Hà Nội"} <= names
    assert all(name.startswith(("Tỉnh ", "Thành phố ")) for name in names)
    son_la = AdminUnit.objects.get(key="14")
    assert son_la.short_name == "Sơn La"
    assert son_la.search_name == "tinh son la"


def test_loading_twice_reports_no_change_and_changes_no_row(loaded: LoadReport) -> None:
    # given
    before = _snapshot()

    # when
    report = load_admin_units()

    # then
    assert (report.added, report.updated, report.retired) == (0, 0, 0)
    assert (report.lineage_added, report.lineage_updated, report.lineage_removed) == (0, 0, 0)
    assert not report.changed
    assert _snapshot() == before


def test_every_legacy_commune_links_to_a_current_commune(loaded: LoadReport) -> None:
    legacy_communes = AdminUnit.objects.filter(key__startswith="old-", level=Level.COMMUNE)
    linked = AdminUnitLineage.objects.filter(
        successor__level=Level.COMMUNE, successor__valid_to__isnull=True
    ).values("predecessor_id")

    unlinked = legacy_communes.exclude(pk__in=linked)

    assert legacy_communes.count() == LEGACY_COMMUNES
    assert list(unlinked.values_list("key", flat=True)) == []


def test_legacy_communes_resolve_to_current_communes_through_the_selector(
    loaded: LoadReport,
) -> None:
    # The selector costs a query per commune, so it runs on one whole province and every
    # 20th commune of the country; the test above covers every commune in one query.
    legacy_communes = AdminUnit.objects.filter(
        key__startswith="old-", level=Level.COMMUNE
    ).order_by("pk")
    thanh_hoa = AdminUnit.objects.get(key="old-38")
    sample = [
        commune
        for index, commune in enumerate(legacy_communes)
        if index % 20 == 0 or commune.path.startswith(thanh_hoa.path)
    ]
    assert len(sample) > 1000

    unresolved = []
    for commune in sample:
        successors = unit_successors_now(unit=commune)
        if not successors or any(
            unit.level != Level.COMMUNE or not unit.is_current for unit in successors
        ):
            unresolved.append(commune.key)

    assert unresolved == []


def test_every_legacy_province_and_district_resolves_to_a_current_unit(
    loaded: LoadReport,
) -> None:
    legacy = AdminUnit.objects.filter(
        key__startswith="old-", level__in=[Level.PROVINCE, Level.DISTRICT]
    )

    unresolved = [unit.key for unit in legacy if not unit_successors_now(unit=unit)]

    assert unresolved == []


def test_legacy_van_hoa_became_nong_cong_in_thanh_hoa(loaded: LoadReport) -> None:
    vanhoa = AdminUnit.objects.get(key="old-16327")

    successors = unit_successors_now(unit=vanhoa)

    assert [unit.name for unit in successors] == ["Xã Nông Cống"]
    nong_cong = successors[0]
    assert nong_cong.is_current
    assert nong_cong.level == Level.COMMUNE
    assert nong_cong.parent is not None
    assert nong_cong.parent.short_name == "Thanh Hóa"
    assert nong_cong.parent.is_current


def test_a_split_commune_has_several_successors_and_exactly_one_primary(
    loaded: LoadReport,
) -> None:
    links_by_predecessor: dict[int, list[bool]] = defaultdict(list)
    for predecessor_id, is_primary in AdminUnitLineage.objects.filter(
        kind=LineageKind.SPLIT
    ).values_list("predecessor_id", "is_primary"):
        links_by_predecessor[predecessor_id].append(is_primary)

    assert links_by_predecessor, "the official data has split communes"
    assert all(len(flags) >= 2 for flags in links_by_predecessor.values())
    assert all(flags.count(True) == 1 for flags in links_by_predecessor.values())


def test_successors_of_a_split_commune_list_the_primary_first(loaded: LoadReport) -> None:
    # given: Phường Điện Biên (Hà Nội) was split between several new wards
    dien_bien = AdminUnit.objects.get(key="old-00019")
    links = {link.successor_id: link for link in dien_bien.successor_links.all()}
    assert len(links) >= 2

    # when
    successors = unit_successors_now(unit=dien_bien)

    # then
    assert {unit.pk for unit in successors} == set(links)
    assert links[successors[0].pk].is_primary
    assert not any(links[unit.pk].is_primary for unit in successors[1:])


def test_predecessors_of_current_nong_cong_in_2024_include_van_hoa(loaded: LoadReport) -> None:
    nong_cong = _current_nong_cong()

    predecessors = unit_predecessors_on(unit=nong_cong, on=datetime.date(2024, 1, 1))

    assert "old-16327" in {unit.key for unit in predecessors}
    assert all(unit.valid_on(datetime.date(2024, 1, 1)) for unit in predecessors)
    assert nong_cong not in predecessors


def test_predecessors_of_a_current_commune_today_is_itself(loaded: LoadReport) -> None:
    nong_cong = _current_nong_cong()

    assert unit_predecessors_on(unit=nong_cong, on=timezone.localdate()) == [nong_cong]


def test_lineage_rows_are_dated_on_the_reform_and_name_their_source(loaded: LoadReport) -> None:
    lineage = AdminUnitLineage.objects.all()

    assert not lineage.exclude(effective_date=REFORM_DATE).exists()
    assert not lineage.exclude(source=LINEAGE_SOURCE).exists()
    assert not lineage.exclude(predecessor__key__startswith="old-").exists()
    assert not lineage.filter(successor__key__startswith="old-").exists()


def test_management_command_prints_the_vietnamese_report(loaded: LoadReport) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()

    call_command("load_admin_units", stdout=stdout, stderr=stderr)

    output = stdout.getvalue()
    assert "Đơn vị hành chính: thêm 0, cập nhật 0, ngừng hiệu lực 0" in output
    assert "quan hệ kế thừa: thêm 0, cập nhật 0, xoá 0" in output
    assert "giây" in output
    assert stderr.getvalue() == ""


def test_reload_retires_a_unit_the_source_no_longer_lists(loaded: LoadReport) -> None:
    # given: a commune the official list does not contain
    son_la = AdminUnit.objects.get(key="14")
    extra = units.commune(son_la, "Xã Không Có Thật", key="99999")

    # when
    report = load_admin_units()

    # then: it stays in the tree, ended yesterday
    assert report.retired == 1
    assert (report.added, report.updated) == (0, 0)
    extra.refresh_from_db()
    assert extra.valid_to == timezone.localdate() - datetime.timedelta(days=1)
    assert AdminUnit.objects.current().filter(level=Level.COMMUNE).count() == CURRENT_COMMUNES


def test_reload_keeps_hamlets_added_by_communes(loaded: LoadReport) -> None:
    # given
    nong_cong = _current_nong_cong()
    hamlet = units.hamlet(nong_cong, "Thôn Vạn Thắng", key=f"{nong_cong.key}-001")

    # when
    report = load_admin_units()

    # then
    assert report.retired == 0
    hamlet.refresh_from_db()
    assert hamlet.is_current
    assert hamlet.parent_id == nong_cong.pk


def test_reload_restores_a_unit_changed_by_hand(loaded: LoadReport) -> None:
    # given
    son_la = AdminUnit.objects.get(key="14")
    AdminUnit.objects.filter(pk=son_la.pk).update(name="Tỉnh Sai Tên", search_name="tinh sai ten")

    # when
    report = load_admin_units()

    # then
    assert report.updated == 1
    son_la.refresh_from_db()
    assert son_la.name == "Tỉnh Sơn La"
    assert son_la.search_name == "tinh son la"


def test_reload_restores_a_deleted_lineage_link(loaded: LoadReport) -> None:
    # given
    link = AdminUnitLineage.objects.get(predecessor__key="old-16327")
    link.delete()

    # when
    report = load_admin_units()

    # then
    assert report.lineage_added == 1
    assert AdminUnitLineage.objects.filter(
        predecessor__key="old-16327", successor=_current_nong_cong()
    ).exists()
