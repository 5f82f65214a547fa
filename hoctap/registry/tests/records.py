"""A small registry built through the services, for the page tests.

Households in both hamlets of tree.commune and one in another commune, with people, an
organisation, a clan, a learning centre, a declared statistic and a checked import.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from hoctap.accounts.models import User
from hoctap.adminunits.models import AdminUnit
from hoctap.conftest import People, Tree
from hoctap.core.models import AuditEvent
from hoctap.registry import services
from hoctap.registry.models import (
    CentreActivity,
    Clan,
    DeclaredStatistic,
    Household,
    ImportJob,
    LearningCentre,
    Organisation,
    Person,
)

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
HEADERS = [
    "Mã hộ",
    "Thôn, bản, tổ dân phố",
    "Họ và tên",
    "Quan hệ với chủ hộ",
    "Giới tính",
    "Ngày sinh",
    "Số CCCD",
]


@dataclass
class Registry:
    household: Household  # in tree.hamlet
    head: Person
    spouse: Person
    other_hamlet_household: Household  # in tree.other_hamlet
    other_hamlet_person: Person
    other_commune_household: Household  # in tree.other_commune_hamlet
    other_commune_person: Person
    organisation: Organisation
    clan: Clan
    centre: LearningCentre
    statistic: DeclaredStatistic
    job: ImportJob  # uploaded by the commune official, checked, ready to commit


def add_household(
    actor: User, hamlet: AdminUnit, code: str, members: list[dict[str, Any]]
) -> tuple[Household, list[Person]]:
    """A household with its members (the first is the head)."""
    assert hamlet.parent is not None
    household = services.household_create(
        actor=actor, commune=hamlet.parent, hamlet=hamlet, code=code, address=f"{code} đường 1"
    )
    people = [
        services.person_create(
            actor=actor,
            household=household,
            commune=hamlet.parent,
            hamlet=hamlet,
            **{"relation": "head" if index == 0 else "child", "sex": "male", **member},
        )
        for index, member in enumerate(members)
    ]
    household.refresh_from_db()
    return household, people


def sheet_bytes(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    """An .xlsx with a title row, a blank row, the header and the rows."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["DANH SÁCH NHÂN KHẨU"])
    sheet.append([])
    sheet.append(headers or HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_registry(tree: Tree, people: People, capture_on_commit: Any) -> Registry:
    """The registry the page tests share; tasks must run immediately (IMMEDIATE_TASKS)."""
    admin = people.admin
    household, (head, spouse) = add_household(
        admin,
        tree.hamlet,
        "HH-001",
        [
            {
                "full_name": "Nguyễn Văn Án",
                "birth_year": 1980,
                "cccd": "014080000001",
                "is_worker": True,
            },
            {"full_name": "Lò Thị Bình", "birth_year": 1985, "sex": "female", "relation": "spouse"},
        ],
    )
    other_hamlet_household, (other_hamlet_person,) = add_household(
        admin, tree.other_hamlet, "HH-002", [{"full_name": "Cầm Văn Cường", "birth_year": 1975}]
    )
    other_commune_household, (other_commune_person,) = add_household(
        admin,
        tree.other_commune_hamlet,
        "TH-001",
        [{"full_name": "Trần Thị Dung", "birth_year": 1990, "sex": "female"}],
    )
    organisation = services.organisation_save(
        actor=admin,
        organisation=None,
        commune=tree.commune,
        name="Trường Tiểu học Mường Giôn",
        kind="school",
        managing_level="commune",
    )
    clan = services.clan_save(
        actor=admin, clan=None, commune=tree.commune, name="Họ Lò", households=[household]
    )
    centre = services.learning_centre_save(
        actor=admin, commune=tree.commune, name="Trung tâm học tập cộng đồng xã Mường Giôn"
    )
    services.centre_activity_set(
        actor=admin, centre=centre, year=2025, activity_count=12, attendance=340
    )
    statistic = services.declared_statistic_set(
        actor=admin,
        unit=tree.commune,
        year=2025,
        kind="households",
        value=1200,
        source="Báo cáo thống kê xã 2025",
    )
    data = sheet_bytes([["HH-100", tree.hamlet.name, "Vi Văn Em", "Chủ hộ", "Nam", "1970", ""]])
    with capture_on_commit(execute=True):
        job = services.import_job_create(
            actor=people.commune_official, commune=tree.commune, filename="thon.xlsx", data=data
        )
    job.refresh_from_db()
    assert job.status == "ready", (job.status, job.errors, job.message)
    return Registry(
        household=household,
        head=head,
        spouse=spouse,
        other_hamlet_household=other_hamlet_household,
        other_hamlet_person=other_hamlet_person,
        other_commune_household=other_commune_household,
        other_commune_person=other_commune_person,
        organisation=organisation,
        clan=clan,
        centre=centre,
        statistic=statistic,
        job=job,
    )


REGISTRY_MODELS: list[type[Model]] = [
    Household,
    Person,
    Organisation,
    Clan,
    LearningCentre,
    CentreActivity,
    DeclaredStatistic,
    ImportJob,
]


def database_state() -> dict[str, Any]:
    """Every row a registry page may write, to prove a refused request changed nothing."""
    state: dict[str, Any] = {
        model.__name__: list(model._default_manager.order_by("pk").values())
        for model in REGISTRY_MODELS
    }
    state["clan_households"] = list(
        Clan.households.through.objects.order_by("pk").values_list("clan_id", "household_id")
    )
    state["audit"] = AuditEvent.objects.count()
    return state
