"""Targets: the national defaults loaded as data, local overrides set by officials in their
scope (commune → province → national), and what is refused."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.utils import translation

from hoctap.accounts.models import Role
from hoctap.accounts.tests.factories import user_with_role
from hoctap.adminunits.tests import factories as units
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError
from hoctap.core.models import AuditEvent
from hoctap.registry.services import NotPermitted
from hoctap.targets import services
from hoctap.targets.indicators import INDICATORS
from hoctap.targets.models import Target
from hoctap.targets.selectors import target_for, target_list

pytestmark = pytest.mark.django_db

UNITS = "organisations_learning_unit"
ADULTS = "adults_learning_citizen"
PLAN = "Kế hoạch số 35/KH-UBND ngày 23/9/2022"


@pytest.fixture(autouse=True)
def national(db: Any) -> None:
    """The national targets (the migration loads them; a transactional test may have flushed)."""
    services.national_targets_load()


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        Target.objects.order_by("pk").values_list(
            "indicator", "unit_id", "year", "value", "source", "set_by_id"
        )
    )


# -- national targets -----------------------------------------------------------------------


def test_the_national_targets_come_from_the_data_file_with_their_source() -> None:
    national = {
        (row.indicator, row.year): (row.value, row.source)
        for row in Target.objects.filter(unit__isnull=True)
    }
    assert national[("households_learning_family", 2025)][0] == Decimal(70)
    assert national[("households_learning_family", 2030)][0] == Decimal(80)
    assert "QĐ 387/QĐ-TTg" in national[("households_learning_family", 2025)][1]
    assert national[("learning_citizens_digital_proficient", 2025)][0] == Decimal(60)
    assert "QĐ 677/QĐ-TTg" in national[("adults_learning_citizen", 2030)][1]
    assert national[("centres_using_it", 2025)] == (
        Decimal(70),
        "QĐ 1373/QĐ-TTg ngày 30/7/2021 của Thủ tướng Chính phủ",
    )
    # the decisions name no 2030 figure for these two
    assert ("chairs_managing_centre", 2030) not in national
    assert ("centres_using_it", 2030) not in national
    # every indicator has its 2025 target
    assert {code for code, year in national if year == 2025} == {i.code for i in INDICATORS}
    assert len(national) == len(services.national_targets_read())


def test_the_migration_loads_them_and_loading_again_adds_nothing() -> None:
    Target.objects.all().delete()
    migration = importlib.import_module("hoctap.targets.migrations.0006_national_targets")
    migration.load(global_apps, None)
    loaded = _snapshot()
    assert len(loaded) == len(services.national_targets_read()) == 22
    assert services.national_targets_load() == 0
    assert _snapshot() == loaded


def test_loading_keeps_a_national_target_an_administrator_corrected(people: People) -> None:
    services.target_set(
        actor=people.admin,
        indicator="households_learning_family",
        unit=None,
        year=2025,
        value=72,
        source="QĐ 387/QĐ-TTg (đính chính)",
    )
    assert services.national_targets_load() == 0
    assert target_for("households_learning_family", None, 2025).value == Decimal(72)  # type: ignore[union-attr]


# -- precedence -----------------------------------------------------------------------------


def test_a_commune_target_overrides_the_province_which_overrides_the_national(
    tree: Tree, people: People
) -> None:
    # given only the national target: it applies everywhere, down to a hamlet
    for unit in (None, tree.province, tree.commune, tree.hamlet):
        applying = target_for(UNITS, unit, 2025)
        assert applying is not None
        assert (applying.value, applying.unit) == (Decimal(80), None)

    # when the province sets 95 %, it applies to the province and its communes, not elsewhere
    services.target_set(
        actor=people.province_official,
        indicator=UNITS,
        unit=tree.province,
        year=2025,
        value=95,
        source="Kế hoạch của UBND tỉnh Sơn La",
    )
    for unit in (tree.province, tree.commune, tree.hamlet, tree.other_commune):
        applying = target_for(UNITS, unit, 2025)
        assert applying is not None
        assert (applying.value, applying.unit) == (Decimal(95), tree.province)
    assert target_for(UNITS, tree.far_commune, 2025).unit is None  # type: ignore[union-attr]
    assert target_for(UNITS, tree.province, 2030).value == Decimal(90)  # type: ignore[union-attr]

    # when the commune sets its own, it wins there only
    services.target_set(
        actor=people.commune_official,
        indicator=UNITS,
        unit=tree.commune,
        year=2025,
        value="97,5",
        source=PLAN,
    )
    mine = target_for(UNITS, tree.hamlet, 2025)
    assert mine is not None
    assert (mine.value, mine.unit, mine.source) == (Decimal("97.50"), tree.commune, PLAN)
    assert target_for(UNITS, tree.other_commune, 2025).unit == tree.province  # type: ignore[union-attr]
    with translation.override("en"):
        assert str(mine) == "97.5%, set by Xã Mường Giôn"
        assert str(target_for(UNITS, tree.province, 2025)) == "95%, set by Tỉnh Sơn La"
        assert str(target_for(UNITS, None, 2025)) == "80%, set by national"


def test_removing_an_override_falls_back_to_the_level_above(tree: Tree, people: People) -> None:
    for actor, unit, value in (
        (people.province_official, tree.province, 95),
        (people.commune_official, tree.commune, 99),
    ):
        services.target_set(
            actor=actor, indicator=UNITS, unit=unit, year=2025, value=value, source=PLAN
        )
    commune_target = Target.objects.get(unit=tree.commune)
    services.target_remove(actor=people.commune_official, target=commune_target)
    assert target_for(UNITS, tree.commune, 2025).value == Decimal(95)  # type: ignore[union-attr]
    services.target_remove(
        actor=people.province_official, target=Target.objects.get(unit=tree.province)
    )
    assert target_for(UNITS, tree.commune, 2025).value == Decimal(80)  # type: ignore[union-attr]
    removals = AuditEvent.objects.filter(action="target.remove")
    assert removals.count() == 2
    assert removals.filter(unit_path=tree.commune.path, data__value="99.00").exists()


def test_setting_again_changes_the_target_and_records_what_it_was(
    tree: Tree, people: People
) -> None:
    first = services.target_set(
        actor=people.commune_official,
        indicator=ADULTS,
        unit=tree.commune,
        year=2025,
        value=50,
        source=PLAN,
    )
    again = services.target_set(
        actor=people.commune_official,
        indicator=ADULTS,
        unit=tree.commune,
        year=2025,
        value=55.5,
        source=PLAN,
    )
    assert again.pk == first.pk
    assert again.value == Decimal("55.50")
    assert again.set_by == people.commune_official
    assert again.unit_path == tree.commune.path
    event = AuditEvent.objects.filter(action="target.set").latest("pk")
    assert event.data == {
        "indicator": ADULTS,
        "year": 2025,
        "value": "55.50",
        "before": "50.00",
        "source": PLAN,
    }
    assert event.unit_path == tree.commune.path
    assert event.actor == people.commune_official


# -- what is refused ------------------------------------------------------------------------


@pytest.mark.parametrize("value", [101, "100.01", -1, "abc", "", None, True, "NaN", "Infinity"])
def test_a_target_outside_0_to_100_percent_is_refused_and_changes_nothing(
    tree: Tree, people: People, value: Any
) -> None:
    before = _snapshot()
    with pytest.raises(BusinessError) as refused:
        services.target_set(
            actor=people.province_official,
            indicator=UNITS,
            unit=tree.province,
            year=2025,
            value=value,
            source=PLAN,
        )
    assert refused.value.code == "value"
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(action="target.set").exists()


def test_the_bounds_themselves_are_accepted(tree: Tree, people: People) -> None:
    for year, value in ((2025, 0), (2030, "100")):
        services.target_set(
            actor=people.province_official,
            indicator=UNITS,
            unit=tree.province,
            year=year,
            value=value,
            source=PLAN,
        )
    assert target_for(UNITS, tree.province, 2025).value == Decimal(0)  # type: ignore[union-attr]
    assert target_for(UNITS, tree.province, 2030).value == Decimal(100)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"indicator": "households"}, "indicator"),
        ({"year": 2027}, "year"),
        ({"source": "   "}, "source"),
    ],
)
def test_an_unknown_indicator_a_year_without_targets_or_no_source_is_refused(
    tree: Tree, people: People, changes: dict[str, Any], code: str
) -> None:
    values: dict[str, Any] = {
        "indicator": UNITS,
        "unit": tree.province,
        "year": 2025,
        "value": 90,
        "source": PLAN,
        **changes,
    }
    before = _snapshot()
    with pytest.raises(BusinessError) as refused:
        services.target_set(actor=people.province_official, **values)
    assert refused.value.code == code
    assert _snapshot() == before


def test_targets_are_set_for_current_provinces_and_communes_only(
    tree: Tree, people: People
) -> None:
    old = units.AdminUnitFactory.create(
        name="Xã Cũ", parent=tree.province, valid_from=None, valid_to=datetime.date(2025, 6, 30)
    )
    before = _snapshot()
    for unit, code in ((tree.hamlet, "unit"), (old, "retired")):
        with pytest.raises(BusinessError) as refused:
            services.target_set(
                actor=people.admin, indicator=UNITS, unit=unit, year=2025, value=90, source=PLAN
            )
        assert refused.value.code == code
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("actor", "unit"),
    [
        ("commune_official", "province"),  # the level above
        ("commune_official", "other_commune"),  # a neighbour
        ("other_commune_official", "commune"),
        ("province_official", "far_commune"),  # another province's commune
        ("other_province_official", "province"),
        ("collector", "commune"),  # keeps records, sets no targets
        ("citizen", "commune"),
        ("organisation_head", "commune"),
        ("province_official", None),  # national targets come from the decisions
        ("commune_official", None),
    ],
)
def test_a_target_outside_the_officials_scope_is_refused_and_changes_nothing(
    tree: Tree, people: People, actor: str, unit: str | None
) -> None:
    before = _snapshot()
    with pytest.raises(NotPermitted):
        services.target_set(
            actor=getattr(people, actor),
            indicator=UNITS,
            unit=getattr(tree, unit) if unit is not None else None,
            year=2025,
            value=90,
            source=PLAN,
        )
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(action="target.set").exists()


def test_officials_set_targets_in_their_own_area(tree: Tree, people: People) -> None:
    allowed = [
        (people.province_official, tree.province),
        (people.province_official, tree.commune),
        (people.province_official, tree.other_commune),
        (people.commune_official, tree.commune),
        (people.admin, tree.far_commune),
        (people.admin, None),
        (user_with_role(Role.SYSTEM_ADMIN, None, "quantri2"), tree.other_province),
    ]
    for actor, unit in allowed:
        services.target_set(
            actor=actor, indicator=ADULTS, unit=unit, year=2030, value=65, source=PLAN
        )
    # the commune official's target replaced the one the province official set there
    rows = Target.objects.filter(indicator=ADULTS, year=2030, value=65)
    assert rows.count() == len({unit for _actor, unit in allowed}) == 6
    assert rows.get(unit=tree.commune).set_by == people.commune_official


def test_a_target_outside_the_scope_cannot_be_removed(tree: Tree, people: People) -> None:
    province_target = services.target_set(
        actor=people.province_official,
        indicator=UNITS,
        unit=tree.province,
        year=2025,
        value=95,
        source=PLAN,
    )
    national_target = Target.objects.get(indicator=UNITS, unit__isnull=True, year=2025)
    for actor, target in (
        (people.commune_official, province_target),
        (people.other_province_official, province_target),
        (people.province_official, national_target),
    ):
        with pytest.raises(NotPermitted):
            services.target_remove(actor=actor, target=target)
    assert Target.objects.filter(pk__in=[province_target.pk, national_target.pk]).count() == 2


def test_the_target_list_shows_what_applies_in_the_users_scope(tree: Tree, people: People) -> None:
    mine = services.target_set(
        actor=people.commune_official,
        indicator=ADULTS,
        unit=tree.commune,
        year=2025,
        value=50,
        source=PLAN,
    )
    province = services.target_set(
        actor=people.province_official,
        indicator=UNITS,
        unit=tree.province,
        year=2025,
        value=95,
        source=PLAN,
    )
    other = services.target_set(
        actor=people.admin, indicator=UNITS, unit=tree.far_commune, year=2025, value=85, source=PLAN
    )
    seen = set(target_list(user=people.commune_official).exclude(unit__isnull=True))
    assert seen == {mine, province}
    assert set(target_list(user=people.province_official).exclude(unit__isnull=True)) == {
        mine,
        province,
    }
    assert other in target_list(user=people.admin)
    assert not target_list(user=people.citizen).exists()
    national = target_list(user=people.commune_official).filter(unit__isnull=True)
    assert national.count() == len(services.national_targets_read())
