"""The dashboard selector: figures per unit with their drill-down, trend, targets and status;
the user's scope; the hierarchy of today or of the time; a query count that does not grow with
the number of people or assessments."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from hoctap.adminunits.models import AdminUnit, AdminUnitLineage, Kind, Level, LineageKind
from hoctap.adminunits.tests import factories as units
from hoctap.assessments.models import State, Title
from hoctap.assessments.tests.factories import YEAR, make_assessment
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError
from hoctap.recognition import services as recognition
from hoctap.recognition.tests.factories import draft
from hoctap.registry.models import DeclaredStatistic, StatisticKind, TargetGroup
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory
from hoctap.targets import registry_counts, rollups, services
from hoctap.targets.indicators import OriginKind
from hoctap.targets.selectors import (
    HIERARCHY_CURRENT,
    HIERARCHY_HISTORICAL,
    DashboardUnitNotFound,
    Status,
    UnitRow,
    dashboard,
    dashboard_roots,
    dashboard_unit_get,
)
from hoctap.targets.tests.factories import FAMILY, passing_family, step, submitted

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "households_learning_family"
LAST_DAY = datetime.date(2025, 6, 30)


@pytest.fixture(autouse=True)
def national(db: Any) -> Any:
    """National targets (loaded by a migration; a transactional test may have flushed them),
    and figures read in English whatever the catalogue holds."""
    services.national_targets_load()
    with translation.override("en"):
        yield


def families(hamlet: AdminUnit, *, recognised: int, registered: int = 0, year: int = YEAR) -> None:
    """Families of new households of the hamlet: some recognised, some only registered."""
    for count, state in ((recognised, State.RECOGNISED), (registered, State.REGISTERED)):
        for _ in range(count):
            make_assessment(
                household=HouseholdFactory(hamlet=hamlet, commune=hamlet.parent),
                state=state,
                year=year,
            )


def counted() -> None:
    """Bring both summary tables in step with rows the factories wrote around the services."""
    rollups.rebuild()
    registry_counts.rebuild()


def households(row: UnitRow) -> tuple[Any, Any, Any]:
    figure = row.row(HOUSEHOLDS).figure
    return figure.numerator, figure.denominator, figure.percentage


def by_name(rows: list[UnitRow]) -> dict[str, UnitRow]:
    return {row.name: row for row in rows}


# -- figures, drill-down, trend and status --------------------------------------------------


def test_the_country_drills_down_to_provinces_communes_and_hamlets(
    tree: Tree, people: People
) -> None:
    # given 3 families of Bản Hày recognised of 4 households, 1 registered in Thanh Hóa
    families(tree.hamlet, recognised=3, registered=1)
    families(tree.far_hamlet, recognised=0, registered=1)
    counted()

    # when the administrator opens the country's dashboard
    country = dashboard(people.admin, None, YEAR)

    # then the country and each province have their figures
    assert households(country.summary) == (3, 5, Decimal("60.0"))
    provinces = by_name(country.children)
    assert list(provinces) == ["Tỉnh Sơn La", "Tỉnh Thanh Hóa"]
    assert households(provinces["Tỉnh Sơn La"]) == (3, 4, Decimal("75.0"))
    assert households(provinces["Tỉnh Thanh Hóa"]) == (0, 1, Decimal("0.0"))
    family = next(pair for pair in country.summary.titles if pair.title == FAMILY)
    assert (family.registered, family.recognised) == (5, 3)
    row = country.summary.row(HOUSEHOLDS)
    assert row.figure.denominator_origin.kind == OriginKind.REGISTRY
    assert str(row.target_2025) == "70%, set by national"
    assert str(row.target_2030) == "80%, set by national"
    assert country.as_of <= timezone.now()
    assert country.hierarchy == HIERARCHY_CURRENT

    # and a province lists its communes, a commune its hamlets
    communes = by_name(dashboard(people.admin, tree.province, YEAR).children)
    assert households(communes["Xã Mường Giôn"]) == (3, 4, Decimal("75.0"))
    # no family registered there and no household in its registry: no figure, not 0 %
    assert households(communes["Phường Tô Hiệu"]) == (None, 0, None)
    hamlets = by_name(dashboard(people.admin, tree.commune, YEAR).children)
    assert households(hamlets["Bản Hày"]) == (3, 4, Decimal("75.0"))
    assert households(hamlets["Bản Cọ"])[2] is None
    assert dashboard(people.admin, tree.hamlet, YEAR).children == []


def test_status_trend_and_the_units_furthest_behind(tree: Tree, people: People) -> None:
    # given Sơn La at 75 % and Thanh Hóa at 0 % of households in learning families
    families(tree.hamlet, recognised=3, registered=1)
    families(tree.far_hamlet, recognised=0, registered=2)
    counted()

    country = dashboard(people.admin, None, YEAR)

    # 2026 is judged against 2030 (80 %) on the line from 0 % (no 2021 figure): 44.4 %
    provinces = by_name(country.children)
    son_la = provinces["Tỉnh Sơn La"].row(HOUSEHOLDS)
    assert (son_la.next_target.year, son_la.expected) == (2030, Decimal("44.4"))  # type: ignore[union-attr]
    assert son_la.status == Status.ON_TRACK
    thanh_hoa = provinces["Tỉnh Thanh Hóa"].row(HOUSEHOLDS)
    assert thanh_hoa.status == Status.BEHIND
    assert thanh_hoa.gap == Decimal("-44.4")
    worst = country.furthest_behind[0]
    assert (worst.unit, worst.row.indicator.code) == (tree.other_province, HOUSEHOLDS)
    assert all(item.row.status == Status.BEHIND for item in country.furthest_behind)
    assert [item.gap for item in country.furthest_behind] == sorted(
        item.gap for item in country.furthest_behind
    )
    # the trend runs from 2021; the years without data say so
    assert [point.year for point in country.trend] == list(range(2021, YEAR + 1))
    assert [point.figure(HOUSEHOLDS).percentage for point in country.trend] == [
        *([None] * (YEAR - 2021)),
        Decimal("50.0"),
    ]


def test_the_2021_value_starts_the_trajectory(tree: Tree, people: People) -> None:
    # given 2 families recognised in 2021 and 3 in 2024, of the 8 households the registry
    # holds today (it keeps no history)
    families(tree.hamlet, recognised=2, registered=2, year=2021)
    families(tree.hamlet, recognised=3, registered=1, year=2024)
    counted()
    row = dashboard(people.admin, tree.hamlet, 2024).summary.row(HOUSEHOLDS)
    # 25 % (2021) → 70 % (2025): 58.8 % expected in 2024; 3 of 8 households is 37.5 %
    assert (row.baseline, row.expected) == (Decimal("25.0"), Decimal("58.8"))
    assert row.figure.percentage == Decimal("37.5")
    assert row.status == Status.BEHIND
    assert row.figure.denominator_origin.as_of_now


@pytest.mark.parametrize("year", [2020, 2021, 2022, 2023])
def test_early_years_count_the_unit_and_its_children_alike(
    tree: Tree, people: People, year: int
) -> None:
    # the unit's trend years and its children's years coincide up to 2022
    families(tree.hamlet, recognised=2, registered=2, year=year)
    counted()
    DeclaredStatistic.objects.create(
        unit=tree.commune,
        unit_path=tree.commune.path,
        year=year,
        kind=StatisticKind.HOUSEHOLDS,
        value=8,
        source="Báo cáo thống kê",
    )
    commune = dashboard(people.admin, tree.commune, year)
    assert households(commune.summary) == (2, 8, Decimal("25.0"))
    assert households(by_name(commune.children)["Bản Hày"]) == (2, 4, Decimal("50.0"))
    assert commune.trend[-1].figure(HOUSEHOLDS).percentage == Decimal("25.0")


def test_a_declared_denominator_is_used_and_a_smaller_one_warns(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=3)
    counted()
    services_declare = DeclaredStatistic.objects.create
    services_declare(
        unit=tree.commune,
        unit_path=tree.commune.path,
        year=YEAR,
        kind=StatisticKind.HOUSEHOLDS,
        value=12,
        source="Báo cáo thống kê xã",
    )
    services_declare(
        unit=tree.hamlet,
        unit_path=tree.hamlet.path,
        year=YEAR,
        kind=StatisticKind.HOUSEHOLDS,
        value=2,
        source="Sổ thôn cũ",
    )
    commune = dashboard(people.commune_official, tree.commune, YEAR)
    figure = commune.summary.row(HOUSEHOLDS).figure
    assert (figure.numerator, figure.denominator, figure.percentage) == (3, 12, Decimal("25.0"))
    assert str(figure.denominator_origin) == "declared: Báo cáo thống kê xã"
    hamlet = by_name(commune.children)["Bản Hày"].row(HOUSEHOLDS).figure
    assert (hamlet.numerator, hamlet.denominator, hamlet.percentage) == (3, 2, Decimal("150.0"))
    assert hamlet.warnings == ("denominator_below_numerator",)
    # the province declared nothing: the registry counts
    province = dashboard(people.admin, tree.province, YEAR).summary.row(HOUSEHOLDS).figure
    assert (province.denominator, province.denominator_origin.kind) == (3, OriginKind.REGISTRY)


def test_a_year_without_data_says_so(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=2)
    counted()
    empty = dashboard(people.admin, None, 2023)
    assert all(row.figure.percentage is None for row in empty.summary.indicators)
    assert {row.status for row in empty.summary.indicators} == {Status.NO_DATA}
    assert not empty.summary.has_data
    assert all(point.figure(HOUSEHOLDS).percentage is None for point in empty.trend)
    # the registry (of today) is said to be of today for a past year
    families(tree.hamlet, recognised=1, year=YEAR - 1)
    counted()
    past = dashboard(people.admin, None, YEAR - 1)
    assert past.summary.row(HOUSEHOLDS).figure.denominator_origin.as_of_now
    assert any("no history" in note for note in past.notes)


def test_local_targets_apply_on_the_dashboard(tree: Tree, people: People) -> None:
    services.target_set(
        actor=people.province_official,
        indicator=HOUSEHOLDS,
        unit=tree.province,
        year=2030,
        value=95,
        source="Kế hoạch của tỉnh",
    )
    families(tree.hamlet, recognised=1, registered=1)
    counted()
    country = dashboard(people.admin, None, YEAR)
    son_la = by_name(country.children)["Tỉnh Sơn La"].row(HOUSEHOLDS)
    assert str(son_la.target_2030) == "95%, set by Tỉnh Sơn La"
    assert son_la.target_2030.source == "Kế hoạch của tỉnh"  # type: ignore[union-attr]
    # 0 → 95 % over 2021–2030 stands at 52.8 % in 2026: 50 % is behind here
    assert (son_la.expected, son_la.status) == (Decimal("52.8"), Status.BEHIND)
    thanh_hoa = by_name(country.children)["Tỉnh Thanh Hóa"].row(HOUSEHOLDS)
    assert thanh_hoa.target_2030.is_national  # type: ignore[union-attr]
    hamlet = dashboard(people.collector, tree.hamlet, YEAR).summary.row(HOUSEHOLDS)
    assert hamlet.target_2030.unit == tree.province  # type: ignore[union-attr]


def test_the_figures_change_the_moment_a_decision_is_issued(tree: Tree, people: People) -> None:
    # given a family proposed for recognition
    family = passing_family(people.collector, people.commune_official, tree.hamlet)
    family = submitted(people.collector, family)
    family = step(people.collector, family, "review")
    family = step(
        people.commune_official, step(people.commune_official, family, "appraise"), "propose"
    )
    registry_counts.rebuild()  # the factory's household
    before = dashboard(people.commune_official, tree.commune, YEAR).summary.row(HOUSEHOLDS)
    assert (before.figure.numerator, before.figure.denominator) == (0, 1)

    # when the commune issues its decision
    recognition.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=FAMILY,
        year=YEAR,
        assessment_ids=[family.pk],
        draft=draft(15),
    )

    # then the commune's and the hamlet's figures count it at once
    after = dashboard(people.commune_official, tree.commune, YEAR)
    assert households(after.summary) == (1, 1, Decimal("100.0"))
    assert after.summary.row(HOUSEHOLDS).status == Status.MET
    assert households(by_name(after.children)["Bản Hày"]) == (1, 1, Decimal("100.0"))


def test_workers_who_are_learning_citizens_come_from_their_target_group(
    tree: Tree, people: People
) -> None:
    for group, state in (
        (TargetGroup.WORKER, State.RECOGNISED),
        (TargetGroup.WORKER, State.REJECTED),
        (TargetGroup.RESIDENT, State.RECOGNISED),
    ):
        make_assessment(
            title=Title.LEARNING_CITIZEN,
            household=None,
            person=PersonFactory(hamlet=tree.hamlet, target_group=group),
            variant=group,
            state=state,
        )
    PersonFactory.create(hamlet=tree.hamlet, target_group=TargetGroup.WORKER)
    counted()
    row = dashboard(people.admin, tree.commune, YEAR).summary.row("workers_learning_citizen")
    assert (row.figure.numerator, row.figure.denominator) == (1, 3)
    adults = dashboard(people.admin, tree.commune, YEAR).summary.row("adults_learning_citizen")
    assert (adults.figure.numerator, adults.figure.denominator) == (2, 4)


# -- scope ----------------------------------------------------------------------------------


def visible(user: Any, unit: AdminUnit | None) -> bool:
    try:
        dashboard(user, unit, YEAR)
    except DashboardUnitNotFound:
        return False
    return True


def test_the_scope_matrix(tree: Tree, people: People) -> None:
    places = {
        "country": None,
        "province": tree.province,
        "commune": tree.commune,
        "hamlet": tree.hamlet,
        "other_commune": tree.other_commune,
        "other_province": tree.other_province,
        "far_commune": tree.far_commune,
    }
    expected = {
        "anonymous": set(),
        "citizen": set(),
        "organisation_head": set(),
        "collector": {"hamlet"},
        "commune_official": {"commune", "hamlet"},
        "other_commune_official": {"other_commune"},
        "province_official": {"province", "commune", "hamlet", "other_commune"},
        "other_province_official": {"other_province", "far_commune"},
        "admin": set(places),
    }
    for who, sees in expected.items():
        user = AnonymousUser() if who == "anonymous" else getattr(people, who)
        seen = {name for name, unit in places.items() if visible(user, unit)}
        assert seen == sees, who


def test_each_user_starts_from_the_top_of_their_scope(tree: Tree, people: People) -> None:
    assert dashboard_roots(people.admin) == [None]
    assert dashboard_roots(people.province_official) == [tree.province]
    assert dashboard_roots(people.commune_official) == [tree.commune]
    assert dashboard_roots(people.collector) == [tree.hamlet]
    assert dashboard_roots(people.citizen) == []
    assert dashboard_roots(AnonymousUser()) == []


def test_an_out_of_scope_unit_is_not_found_like_a_missing_one(tree: Tree, people: People) -> None:
    assert dashboard_unit_get(user=people.commune_official, key=tree.commune.key) == tree.commune
    assert dashboard_unit_get(user=people.admin, key="") is None
    for key in ("", tree.province.key, tree.other_commune.key, "no-such-unit"):
        with pytest.raises(AdminUnit.DoesNotExist):
            dashboard_unit_get(user=people.commune_official, key=key)
    with pytest.raises(DashboardUnitNotFound):
        dashboard(people.commune_official, tree.other_commune, YEAR)


@pytest.mark.parametrize(
    ("year", "hierarchy", "code"),
    [
        (1999, HIERARCHY_CURRENT, "year"),
        (2101, HIERARCHY_CURRENT, "year"),
        (YEAR, "both", "hierarchy"),
    ],
)
def test_a_bad_year_or_hierarchy_is_refused(
    tree: Tree, people: People, year: int, hierarchy: str, code: str
) -> None:
    with pytest.raises(BusinessError) as refused:
        dashboard(people.admin, tree.province, year, hierarchy)
    assert refused.value.code == code


# -- the hierarchy of today or of the time --------------------------------------------------


@pytest.fixture
def merged(tree: Tree) -> dict[str, AdminUnit]:
    """Sơn La before the reform: old communes A and B merged into Mường Giôn, C split between
    Mường Giôn and Tô Hiệu (Tô Hiệu by default), E went to Tô Hiệu; each had families in 2024."""
    old_province = units.AdminUnitFactory.create(
        name="Tỉnh Sơn La (cũ)",
        level=Level.PROVINCE,
        kind=Kind.PROVINCE,
        valid_from=None,
        valid_to=LAST_DAY,
    )
    district = units.AdminUnitFactory.create(
        name="Huyện Quỳnh Nhai",
        level=Level.DISTRICT,
        kind=Kind.RURAL_DISTRICT,
        parent=old_province,
        valid_from=None,
        valid_to=LAST_DAY,
    )
    old = {
        name: units.AdminUnitFactory.create(
            name=name, parent=district, valid_from=None, valid_to=LAST_DAY
        )
        for name in ("Xã A", "Xã B", "Xã C", "Xã E")
    }
    links = [
        (old_province, tree.province, LineageKind.CONTINUED, True),
        (district, tree.province, LineageKind.MERGED, True),
        (old["Xã A"], tree.commune, LineageKind.MERGED, True),
        (old["Xã B"], tree.commune, LineageKind.MERGED, True),
        (old["Xã C"], tree.commune, LineageKind.SPLIT, False),
        (old["Xã C"], tree.other_commune, LineageKind.SPLIT, True),
        (old["Xã E"], tree.other_commune, LineageKind.MERGED, True),
    ]
    for predecessor, successor, kind, primary in links:
        AdminUnitLineage.objects.create(
            predecessor=predecessor,
            successor=successor,
            kind=kind,
            is_primary=primary,
            effective_date=datetime.date(2025, 7, 1),
        )
    for name, recognised in (("Xã A", 2), ("Xã B", 3), ("Xã C", 4), ("Xã E", 1)):
        for _ in range(recognised):
            make_assessment(
                household=HouseholdFactory(commune=old[name], hamlet=None),
                state=State.RECOGNISED,
                year=2024,
            )
    rollups.rebuild()
    return {"old_province": old_province, "district": district, **old}


def recognised_families(row: UnitRow) -> int:
    return next(pair.recognised for pair in row.titles if pair.title == FAMILY)


def test_todays_units_sum_the_results_of_the_communes_they_were_formed_from(
    tree: Tree, people: People, merged: dict[str, AdminUnit]
) -> None:
    # the province's communes of today, in 2024
    province = dashboard(people.admin, tree.province, 2024, HIERARCHY_CURRENT)
    communes = by_name(province.children)
    assert set(communes) == {"Xã Mường Giôn", "Phường Tô Hiệu"}
    assert recognised_families(communes["Xã Mường Giôn"]) == 2 + 3
    assert [unit.key for unit in communes["Xã Mường Giôn"].rolled_in] == [
        merged["Xã A"].key,
        merged["Xã B"].key,
    ]
    # the split commune counts once, in its default successor
    assert recognised_families(communes["Phường Tô Hiệu"]) == 4 + 1
    assert recognised_families(province.summary) == 10
    assert [str(unit) for unit in province.summary.rolled_in] == ["Tỉnh Sơn La (cũ)"]
    # the commune's own dashboard, and the country's province row
    commune = dashboard(people.commune_official, tree.commune, 2024, HIERARCHY_CURRENT)
    assert recognised_families(commune.summary) == 5
    country = by_name(dashboard(people.admin, None, 2024, HIERARCHY_CURRENT).children)
    assert recognised_families(country["Tỉnh Sơn La"]) == 10
    assert recognised_families(country["Tỉnh Thanh Hóa"]) == 0


def test_the_units_of_the_time_show_the_old_communes_separately(
    tree: Tree, people: People, merged: dict[str, AdminUnit]
) -> None:
    district = dashboard(people.admin, merged["district"], 2024, HIERARCHY_HISTORICAL)
    assert {row.name: recognised_families(row) for row in district.children} == {
        "Xã A": 2,
        "Xã B": 3,
        "Xã C": 4,
        "Xã E": 1,
    }
    assert recognised_families(district.summary) == 10
    # the country of 2024: the old province; today's provinces did not exist yet
    country = by_name(dashboard(people.admin, None, 2024, HIERARCHY_HISTORICAL).children)
    assert set(country) == {"Tỉnh Sơn La (cũ)"}
    assert recognised_families(country["Tỉnh Sơn La (cũ)"]) == 10
    # a commune formed in 2025 held nothing in 2024, and says where its results lie
    commune = dashboard(people.commune_official, tree.commune, 2024, HIERARCHY_HISTORICAL)
    assert recognised_families(commune.summary) == 0
    assert commune.units_of_the_time == [merged["Xã A"], merged["Xã B"], merged["Xã C"]]
    assert commune.notes
    # an old unit is always shown as it was
    old = dashboard(people.admin, merged["Xã A"], 2024, HIERARCHY_CURRENT)
    assert old.hierarchy == HIERARCHY_HISTORICAL
    assert recognised_families(old.summary) == 2


def test_officials_see_the_old_units_that_became_theirs(
    tree: Tree, people: People, merged: dict[str, AdminUnit]
) -> None:
    official = people.commune_official
    assert visible(official, merged["Xã A"])
    assert visible(official, merged["Xã C"])  # partly theirs
    assert not visible(official, merged["Xã E"])
    assert not visible(official, merged["district"])
    assert not visible(official, merged["old_province"])
    assert visible(people.province_official, merged["old_province"])
    assert visible(people.province_official, merged["Xã E"])
    assert not visible(people.other_province_official, merged["Xã A"])


# -- cost -----------------------------------------------------------------------------------


def test_the_query_count_does_not_grow_with_people_or_assessments(
    tree: Tree, people: People, merged: dict[str, AdminUnit]
) -> None:
    cases = [
        (people.admin, None, YEAR, HIERARCHY_CURRENT),
        (people.admin, None, 2024, HIERARCHY_CURRENT),
        (people.province_official, tree.province, YEAR, HIERARCHY_CURRENT),
        (people.province_official, merged["district"], 2024, HIERARCHY_HISTORICAL),
        (people.commune_official, tree.commune, 2024, HIERARCHY_HISTORICAL),
        (people.collector, tree.hamlet, YEAR, HIERARCHY_CURRENT),
    ]

    def queries() -> list[int]:
        found = []
        for user, unit, year, hierarchy in cases:
            # a fresh user object: the scope is read once per request
            user = type(user).objects.get(pk=user.pk)
            with CaptureQueriesContext(connection) as captured:
                dashboard(user, unit, year, hierarchy)
            found.append(len(captured.captured_queries))
        return found

    families(tree.hamlet, recognised=1, registered=1)
    counted()
    few = queries()

    # when there are many more people and assessments, in every unit and year
    for hamlet in (tree.hamlet, tree.other_hamlet, tree.other_commune_hamlet, tree.far_hamlet):
        families(hamlet, recognised=6, registered=6)
        families(hamlet, recognised=4, registered=2, year=2024)
        PersonFactory.create_batch(10, hamlet=hamlet, target_group=TargetGroup.WORKER)
    for name in ("Xã A", "Xã B"):
        for _ in range(5):
            make_assessment(
                household=HouseholdFactory(commune=merged[name], hamlet=None), year=2024
            )
    counted()

    assert queries() == few
    assert max(few) <= 10
