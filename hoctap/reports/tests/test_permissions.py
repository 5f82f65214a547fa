"""Every permission of `hoctap.reports.permissions` as a role × object table: the system
administrator, the province official above, the official of another province, the commune's
official, another commune's, the hamlet's collector, a citizen and an organisation head of the
commune (and an anonymous visitor), against objects of Sơn La, its communes, Thanh Hóa and the
country."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from hoctap.accounts.models import Role
from hoctap.accounts.tests.factories import UserFactory, user_with_role
from hoctap.adminunits.models import AdminUnit
from hoctap.conftest import People, Tree
from hoctap.registry.models import ManagingLevel
from hoctap.registry.tests.factories import OrganisationFactory
from hoctap.reports import permissions, services
from hoctap.reports.models import Cadence, Plan, PlanTask, Report, ReportingPeriod
from hoctap.reports.tests.factories import report_of, yearly

pytestmark = pytest.mark.django_db

ROLES = (
    "admin",
    "province_official",
    "other_province_official",
    "commune_official",
    "other_commune_official",
    "collector",
    "citizen",
    "organisation_head",
    "anonymous",
)
T, F = True, False
# role -> the expected answer for each object of a row of `World`
Table = dict[str, tuple[bool, ...]]


@dataclasses.dataclass
class World:
    """The objects each table is checked against, in the tables' column order."""

    units: tuple[AdminUnit | None, ...]  # country, Sơn La, Thanh Hóa, Mường Giôn
    periods: tuple[ReportingPeriod, ...]  # Sơn La's, Thanh Hóa's, the country's
    # Mường Giôn's, Tô Hiệu's, Sơn La's compiled, the agency's at Mường Giôn, Nông Cống's
    reports: tuple[Report, ...]
    # the country's, Sơn La's, Mường Giôn's, Tô Hiệu's, Thanh Hóa's, Nông Cống's
    plans: tuple[Plan, ...]
    # Sơn La plan (a department), Sơn La plan assigned to Mường Giôn, Mường Giôn's plan,
    # the country's, Thanh Hóa's plan assigned to Nông Cống
    tasks: tuple[PlanTask, ...]
    # the units a plan may be kept for: country, Sơn La, Mường Giôn, Tô Hiệu, Thanh Hóa,
    # Nông Cống
    plan_units: tuple[AdminUnit | None, ...]


def _period(actor: Any, unit: AdminUnit | None, units: list[AdminUnit]) -> ReportingPeriod:
    return services.period_open(
        actor,
        unit=unit,
        cadence=Cadence.YEARLY,
        form="commune",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 11, 30),
        deadline=datetime.date(2026, 12, 5),
        units=units,
    )


def _plan(actor: Any, unit: AdminUnit | None, number: str) -> Plan:
    return services.plan_create(
        actor,
        unit=unit,
        number=number,
        issued_on=datetime.date(2022, 8, 1),
        issuer="UBND",
        title=f"Kế hoạch {number}",
        first_year=2021,
        last_year=2030,
    )


def _task(actor: Any, plan: Plan, unit: AdminUnit | None = None) -> PlanTask:
    return services.task_add(
        actor, plan, title="Tổ chức sơ kết", assignee="Hội Khuyến học", assignee_unit=unit
    )


@pytest.fixture
def world(tree: Tree, people: People) -> World:
    admin = people.admin
    agency = OrganisationFactory.create(
        commune=tree.commune, name="Sở Giáo dục và Đào tạo", managing_level=ManagingLevel.PROVINCE
    )
    son_la = yearly(people, tree, organisations=[agency])
    thanh_hoa = _period(people.other_province_official, tree.other_province, [tree.far_commune])
    country = _period(admin, None, [tree.commune, tree.far_commune])
    plans = (
        _plan(admin, None, "387/QĐ-TTg"),
        _plan(admin, tree.province, "…/KH-UBND"),
        _plan(admin, tree.commune, "12/KH-UBND"),
        _plan(admin, tree.other_commune, "7/KH-UBND"),
        _plan(admin, tree.other_province, "183/KH-UBND"),
        _plan(admin, tree.far_commune, "35/KH-UBND"),
    )
    return World(
        units=(None, tree.province, tree.other_province, tree.commune),
        periods=(son_la, thanh_hoa, country),
        reports=(
            report_of(son_la, tree.commune),
            report_of(son_la, tree.other_commune),
            son_la.reports.get(is_compiled=True),
            son_la.reports.get(organisation=agency),
            report_of(thanh_hoa, tree.far_commune),
        ),
        plans=plans,
        tasks=(
            _task(admin, plans[1]),
            _task(admin, plans[1], tree.commune),
            _task(admin, plans[2]),
            _task(admin, plans[0]),
            _task(admin, plans[4], tree.far_commune),
        ),
        plan_units=(
            None,
            tree.province,
            tree.commune,
            tree.other_commune,
            tree.other_province,
            tree.far_commune,
        ),
    )


def user_of(people: People, role: str) -> Any:
    if role == "anonymous":
        return AnonymousUser()
    return getattr(people, role)


def check(function: Callable[..., bool], user: Any, objects: tuple[Any, ...]) -> tuple[bool, ...]:
    return tuple(function(user, item) for item in objects)


# -- periods ----------------------------------------------------------------------------------

# country, Sơn La, Thanh Hóa, a commune (Mường Giôn)
OPEN_PERIOD: Table = {
    "admin": (T, T, T, T),
    "province_official": (F, T, F, F),
    "other_province_official": (F, F, T, F),
    "commune_official": (F, F, F, F),
    "other_commune_official": (F, F, F, F),
    "collector": (F, F, F, F),
    "citizen": (F, F, F, F),
    "organisation_head": (F, F, F, F),
    "anonymous": (F, F, F, F),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_opens_a_period_for_which_unit(people: People, world: World, role: str) -> None:
    user = user_of(people, role)
    assert check(permissions.can_open_period, user, world.units) == OPEN_PERIOD[role]


# Sơn La's, Thanh Hóa's, the country's
MANAGE_PERIOD: Table = {
    "admin": (T, T, T),
    "province_official": (T, F, F),
    "other_province_official": (F, T, F),
    "commune_official": (F, F, F),
    "other_commune_official": (F, F, F),
    "collector": (F, F, F),
    "citizen": (F, F, F),
    "organisation_head": (F, F, F),
    "anonymous": (F, F, F),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_manages_which_period(people: People, world: World, role: str) -> None:
    user = user_of(people, role)
    assert check(permissions.can_manage_period, user, world.periods) == MANAGE_PERIOD[role]


# -- reports ----------------------------------------------------------------------------------

# Mường Giôn's, Tô Hiệu's, Sơn La's compiled, the agency's (at Mường Giôn), Nông Cống's
VIEW_REPORT: Table = {
    "admin": (T, T, T, T, T),
    "province_official": (T, T, T, T, F),
    "other_province_official": (F, F, F, F, T),
    "commune_official": (T, F, F, F, F),
    "other_commune_official": (F, T, F, F, F),
    "collector": (F, F, F, F, F),
    "citizen": (F, F, F, F, F),
    "organisation_head": (F, F, F, T, F),
    "anonymous": (F, F, F, F, F),
}
# The province reads its communes' reports but does not type them; it types its compiled
# report and may type an agency's (a clerk enters a department's paper report).
EDIT_REPORT: Table = {
    "admin": (T, T, T, T, T),
    "province_official": (F, F, T, T, F),
    "other_province_official": (F, F, F, F, F),
    "commune_official": (T, F, F, F, F),
    "other_commune_official": (F, T, F, F, F),
    "collector": (F, F, F, F, F),
    "citizen": (F, F, F, F, F),
    "organisation_head": (F, F, F, T, F),
    "anonymous": (F, F, F, F, F),
}
# The owner's officials return what was sent to them; the compiled report is nobody's to return.
RETURN_REPORT: Table = {
    "admin": (T, T, F, T, T),
    "province_official": (T, T, F, T, F),
    "other_province_official": (F, F, F, F, T),
    "commune_official": (F, F, F, F, F),
    "other_commune_official": (F, F, F, F, F),
    "collector": (F, F, F, F, F),
    "citizen": (F, F, F, F, F),
    "organisation_head": (F, F, F, F, F),
    "anonymous": (F, F, F, F, F),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_which_report(people: People, world: World, role: str) -> None:
    user = user_of(people, role)
    assert check(permissions.can_view_report, user, world.reports) == VIEW_REPORT[role]


@pytest.mark.parametrize("role", ROLES)
def test_who_types_which_report(people: People, world: World, role: str) -> None:
    user = user_of(people, role)
    assert check(permissions.can_edit_report, user, world.reports) == EDIT_REPORT[role]


@pytest.mark.parametrize("role", ROLES)
def test_who_returns_which_report(people: People, world: World, role: str) -> None:
    user = user_of(people, role)
    assert check(permissions.can_return_report, user, world.reports) == RETURN_REPORT[role]


def test_whoever_may_type_a_report_may_also_see_it(people: People, world: World) -> None:
    for role in ROLES:
        user = user_of(people, role)
        for report in world.reports:
            if permissions.can_edit_report(user, report) or permissions.can_return_report(
                user, report
            ):
                assert permissions.can_view_report(user, report), (role, report)


# -- plans and tasks --------------------------------------------------------------------------

# country, Sơn La, Mường Giôn, Tô Hiệu, Thanh Hóa, Nông Cống
KEEP_PLAN: Table = {
    "admin": (T, T, T, T, T, T),
    "province_official": (F, T, T, T, F, F),
    "other_province_official": (F, F, F, F, T, T),
    "commune_official": (F, F, T, F, F, F),
    "other_commune_official": (F, F, F, T, F, F),
    "collector": (F, F, F, F, F, F),
    "citizen": (F, F, F, F, F, F),
    "organisation_head": (F, F, F, F, F, F),
    "anonymous": (F, F, F, F, F, F),
}
# the country's, Sơn La's, Mường Giôn's, Tô Hiệu's, Thanh Hóa's, Nông Cống's plan: a reader
# sees the plans of the units above and below it and the national ones; citizens see none.
VIEW_PLAN: Table = {
    "admin": (T, T, T, T, T, T),
    "province_official": (T, T, T, T, F, F),
    "other_province_official": (T, F, F, F, T, T),
    "commune_official": (T, T, T, F, F, F),
    "other_commune_official": (T, T, F, T, F, F),
    "collector": (T, T, T, F, F, F),
    "citizen": (F, F, F, F, F, F),
    "organisation_head": (T, T, T, F, F, F),
    "anonymous": (F, F, F, F, F, F),
}
# Sơn La's task (a department), Sơn La's task assigned to Mường Giôn, Mường Giôn's plan's task,
# the country's, Thanh Hóa's task assigned to Nông Cống
RECORD_PROGRESS: Table = {
    "admin": (T, T, T, T, T),
    "province_official": (T, T, T, F, F),
    "other_province_official": (F, F, F, F, T),
    "commune_official": (F, T, T, F, F),
    "other_commune_official": (F, F, F, F, F),
    "collector": (F, F, F, F, F),
    "citizen": (F, F, F, F, F),
    "organisation_head": (F, F, F, F, F),
    "anonymous": (F, F, F, F, F),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_keeps_the_plans_of_which_unit(people: People, world: World, role: str) -> None:
    user = user_of(people, role)
    assert check(permissions.can_keep_plan, user, world.plan_units) == KEEP_PLAN[role]


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_which_plan(people: People, world: World, role: str) -> None:
    user = user_of(people, role)
    assert check(permissions.can_view_plan, user, world.plans) == VIEW_PLAN[role]


@pytest.mark.parametrize("role", ROLES)
def test_who_records_progress_on_which_task(people: People, world: World, role: str) -> None:
    user = user_of(people, role)
    assert check(permissions.can_record_progress, user, world.tasks) == RECORD_PROGRESS[role]


# -- accounts that count for nothing, or for everything --------------------------------------

ALL_CHECKS: tuple[tuple[Callable[..., bool], str, Table], ...] = (
    (permissions.can_open_period, "units", OPEN_PERIOD),
    (permissions.can_manage_period, "periods", MANAGE_PERIOD),
    (permissions.can_view_report, "reports", VIEW_REPORT),
    (permissions.can_edit_report, "reports", EDIT_REPORT),
    (permissions.can_return_report, "reports", RETURN_REPORT),
    (permissions.can_keep_plan, "plan_units", KEEP_PLAN),
    (permissions.can_view_plan, "plans", VIEW_PLAN),
    (permissions.can_record_progress, "tasks", RECORD_PROGRESS),
)


def test_an_inactive_official_may_do_nothing(tree: Tree, world: World) -> None:
    user = user_with_role(Role.PROVINCE_OFFICIAL, tree.province, "tinhnghi")
    user.is_active = False
    user.save(update_fields=["is_active"])

    for function, objects, _table in ALL_CHECKS:
        assert not any(check(function, user, getattr(world, objects))), function.__name__


def test_a_revoked_role_counts_for_nothing(tree: Tree, world: World) -> None:
    user = user_with_role(Role.PROVINCE_OFFICIAL, tree.province, "tinhcu")
    user.assignments.update(revoked_at=timezone.now())

    for function, objects, _table in ALL_CHECKS:
        assert not any(check(function, user, getattr(world, objects))), function.__name__


def test_a_superuser_without_a_role_may_do_what_the_system_administrator_may(
    world: World,
) -> None:
    user = UserFactory.create(username="sieuquantri", is_superuser=True)

    for function, objects, table in ALL_CHECKS:
        assert check(function, user, getattr(world, objects)) == table["admin"], function.__name__
