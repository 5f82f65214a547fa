"""The registry API over real HTTP: the role × scope matrix for every endpoint, pagination,
search, optimistic locking, business errors and personal-data minimisation."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from hoctap.accounts.models import Role
from hoctap.accounts.tests.factories import user_with_role
from hoctap.api.tests.http import Response
from hoctap.conftest import People, Tree
from hoctap.core.models import AuditEvent
from hoctap.registry import services
from hoctap.registry.models import (
    CentreActivity,
    Clan,
    DeclaredStatistic,
    Household,
    LearningCentre,
    Organisation,
    Person,
)
from hoctap.registry.tests.api_client import PROBLEM_JSON, ApiClient, client_for, media_type

# CCCDs valid for their holder: province 014, century-and-sex digit, two digits of the year.
AN_CCCD = "014080000001"  # male, 1980
BINH_CCCD = "014185000002"  # female, 1985


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 costs half a second per factory user; hash strength is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Registry:
    """A small registry around tree.commune, plus one household in another commune."""

    tree: Tree
    household: Household  # in tree.hamlet (the collector's)
    other_hamlet_household: Household  # in tree.other_hamlet
    other_commune_household: Household
    head: Person  # Nguyễn Văn An, head of `household`
    member: Person  # his wife, in `household`
    other_hamlet_person: Person
    other_commune_person: Person
    organisation: Organisation
    clan: Clan
    centre: LearningCentre
    statistic: DeclaredStatistic


@pytest.fixture
def registry(tree: Tree, people: People) -> Registry:
    admin = people.admin
    household = services.household_create(
        actor=admin, commune=tree.commune, hamlet=tree.hamlet, code="HAY-001", phone="0912345678"
    )
    head = services.person_create(
        actor=admin,
        household=household,
        commune=tree.commune,
        hamlet=tree.hamlet,
        full_name="Nguyễn Văn An",
        sex="male",
        birth_date=datetime.date(1980, 3, 15),
        birth_year=1980,
        cccd=AN_CCCD,
        phone="0987654321",
        relation="head",
        ethnicity="Thái",
        is_worker=True,
        digital_skill="basic",
    )
    member = services.person_create(
        actor=admin,
        household=household,
        commune=tree.commune,
        hamlet=tree.hamlet,
        full_name="Lò Thị Bình",
        sex="female",
        birth_year=1985,
        cccd=BINH_CCCD,
        relation="spouse",
        target_group="official",
    )
    other_hamlet_household = services.household_create(
        actor=admin, commune=tree.commune, hamlet=tree.other_hamlet, code="CO-001"
    )
    other_hamlet_person = services.person_create(
        actor=admin,
        household=other_hamlet_household,
        commune=tree.commune,
        hamlet=tree.other_hamlet,
        full_name="Cầm Văn Cường",
        sex="male",
        birth_year=2010,
        relation="head",
        target_group="learner",
        is_adult=False,
    )
    other_commune_household = services.household_create(
        actor=admin,
        commune=tree.other_commune,
        hamlet=tree.other_commune_hamlet,
        code="TDP1-001",
    )
    other_commune_person = services.person_create(
        actor=admin,
        household=other_commune_household,
        commune=tree.other_commune,
        hamlet=tree.other_commune_hamlet,
        full_name="Nguyễn Văn Anh",
        sex="male",
        birth_year=1990,
        relation="head",
    )
    organisation = services.organisation_save(
        actor=admin,
        organisation=None,
        commune=tree.commune,
        name="Trường Tiểu học Mường Giôn",
        kind="school",
        managing_level="commune",
        head=member,
    )
    clan = services.clan_save(
        actor=admin,
        clan=None,
        commune=tree.commune,
        name="Dòng họ Lò",
        representative=member,
        households=[household, other_hamlet_household],
        fund_amount=5_000_000,
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
        source="Thống kê dân số xã 2025",
    )
    return Registry(
        tree=tree,
        household=household,
        other_hamlet_household=other_hamlet_household,
        other_commune_household=other_commune_household,
        head=head,
        member=member,
        other_hamlet_person=other_hamlet_person,
        other_commune_person=other_commune_person,
        organisation=organisation,
        clan=clan,
        centre=centre,
        statistic=statistic,
    )


def database_state() -> dict[str, Any]:
    """Every row the registry API may write, to prove a refused request changed nothing."""
    return {
        "households": list(Household.objects.order_by("pk").values()),
        "people": list(Person.objects.order_by("pk").values()),
        "clans": list(Clan.objects.order_by("pk").values()),
        "clan_households": list(
            Clan.households.through.objects.order_by("pk").values_list("clan_id", "household_id")
        ),
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "centres": list(LearningCentre.objects.order_by("pk").values()),
        "activities": list(CentreActivity.objects.order_by("pk").values()),
        "statistics": list(DeclaredStatistic.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


def as_user(live_server: Any, people: People, role: str) -> ApiClient:
    return client_for(live_server.url, None if role == "anonymous" else getattr(people, role))


def assert_problem(reply: Response, status: int) -> dict[str, Any]:
    assert reply.status == status, reply.body
    assert media_type(reply) == PROBLEM_JSON, reply.body
    problem: dict[str, Any] = reply.json()
    assert problem["status"] == status
    assert problem["title"]
    return problem


def vietnamese(message: str) -> str:
    with translation.override("vi"):
        return gettext(message)


# -- the matrix -----------------------------------------------------------------------------

ROLES = [
    "anonymous",
    "other_commune_official",
    "other_province_official",
    "commune_official",
    "province_official",
    "collector",
]


@dataclass(frozen=True)
class Case:
    """One endpoint called on tree.commune's records (the collector's hamlet where it can)."""

    name: str
    method: str
    path: Callable[[Registry], str]
    body: Callable[[Registry], dict[str, Any]] | None = None
    ok: int = 200
    collector_ok: bool = False  # the record lies in the collector's hamlet
    prepare: Callable[[Registry], None] | None = None


def _no_centre(r: Registry) -> None:
    # Test setup only: a commune has one centre, so creating needs a commune without one.
    CentreActivity.objects.all().delete()
    LearningCentre.objects.all().delete()


ITEM_CASES = [
    Case(
        "household_create",
        "POST",
        lambda r: "/households",
        lambda r: {"hamlet": r.tree.hamlet.key, "code": "HAY-099"},
        201,
        collector_ok=True,
    ),
    Case("household_get", "GET", lambda r: f"/households/{r.household.pk}", collector_ok=True),
    Case(
        "household_update",
        "PUT",
        lambda r: f"/households/{r.household.pk}",
        lambda r: {"version": 1, "code": "HAY-001", "hamlet": r.tree.hamlet.key, "address": "1"},
        collector_ok=True,
    ),
    Case(
        "person_create",
        "POST",
        lambda r: "/persons",
        lambda r: {
            "household": r.household.pk,
            "full_name": "Nguyễn Thị Cúc",
            "sex": "female",
            "birth_year": 2008,
            "relation": "child",
        },
        201,
        collector_ok=True,
    ),
    Case("person_get", "GET", lambda r: f"/persons/{r.head.pk}", collector_ok=True),
    Case(
        "person_update",
        "PUT",
        lambda r: f"/persons/{r.head.pk}",
        lambda r: {
            "version": 1,
            "full_name": "Nguyễn Văn An",
            "sex": "male",
            "birth_date": "1980-03-15",
            "cccd": AN_CCCD,
            "relation": "head",
            "digital_skill": "proficient",
        },
        collector_ok=True,
    ),
    Case(
        "clan_create",
        "POST",
        lambda r: "/clans",
        lambda r: {
            "commune": r.tree.commune.key,
            "name": "Dòng họ Cầm",
            "households": [r.other_hamlet_household.pk],
        },
        201,
    ),
    Case("clan_get", "GET", lambda r: f"/clans/{r.clan.pk}"),
    Case(
        "clan_update",
        "PUT",
        lambda r: f"/clans/{r.clan.pk}",
        lambda r: {"version": 1, "name": "Dòng họ Lò", "fund_amount": 6_000_000},
    ),
    Case(
        "organisation_create",
        "POST",
        lambda r: "/organisations",
        lambda r: {
            "commune": r.tree.commune.key,
            "name": "Hợp tác xã chè Mường Giôn",
            "kind": "cooperative",
            "member_count": 40,
        },
        201,
    ),
    Case("organisation_get", "GET", lambda r: f"/organisations/{r.organisation.pk}"),
    Case(
        "organisation_update",
        "PUT",
        lambda r: f"/organisations/{r.organisation.pk}",
        lambda r: {"version": 1, "name": "Trường Tiểu học Mường Giôn", "kind": "school"},
    ),
    Case(
        "learning_centre_create",
        "POST",
        lambda r: "/learning-centres",
        lambda r: {"commune": r.tree.commune.key, "name": "TTHTCĐ xã Mường Giôn"},
        201,
        prepare=_no_centre,
    ),
    Case("learning_centre_get", "GET", lambda r: f"/learning-centres/{r.centre.pk}"),
    Case(
        "learning_centre_update",
        "PUT",
        lambda r: f"/learning-centres/{r.centre.pk}",
        lambda r: {"version": 1, "name": r.centre.name, "has_internet": True},
    ),
    Case(
        "centre_activity_set",
        "PUT",
        lambda r: f"/learning-centres/{r.centre.pk}/activities/2026",
        lambda r: {"activity_count": 3, "attendance": 80},
    ),
    Case(
        "declared_statistic_set",
        "POST",
        lambda r: "/declared-statistics",
        lambda r: {
            "unit": r.tree.commune.key,
            "year": 2026,
            "kind": "workers",
            "value": 900,
            "source": "Báo cáo lao động 2026",
        },
        201,
    ),
    Case("declared_statistic_get", "GET", lambda r: f"/declared-statistics/{r.statistic.pk}"),
    Case(
        "declared_statistic_update",
        "PUT",
        lambda r: f"/declared-statistics/{r.statistic.pk}",
        lambda r: {"value": 1210, "source": "Thống kê dân số xã 2025 (sửa)"},
    ),
]


def _expected(case: Case, role: str) -> int:
    if role == "anonymous":
        return 401
    if role in ("commune_official", "province_official"):
        return case.ok
    if role == "collector" and case.collector_ok:
        return case.ok
    return 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", ITEM_CASES, ids=lambda case: case.name)
def test_item_endpoints_answer_by_role_and_scope(
    live_server: Any, people: People, registry: Registry, case: Case, role: str
) -> None:
    # given
    if case.prepare:
        case.prepare(registry)
    client = as_user(live_server, people, role)
    before = database_state()
    expected = _expected(case, role)

    # when
    reply = client.call(
        case.method,
        case.path(registry),
        json_body=case.body(registry) if case.body else None,
    )

    # then
    if expected >= 400:
        problem = assert_problem(reply, expected)
        if expected == 401:
            assert reply.headers["WWW-Authenticate"].startswith("Bearer")
        else:
            assert problem["title"] == vietnamese("Not found.")
        assert database_state() == before, "a refused request changed the database"
    else:
        assert reply.status == expected, reply.body
        assert media_type(reply) == "application/json"
        assert reply.json()


@dataclass(frozen=True)
class ListCase:
    name: str
    path: str
    ours: Callable[[Registry], set[int]]  # tree.commune's records
    in_collector_hamlet: Callable[[Registry], set[int]]


LIST_CASES = [
    ListCase(
        "households",
        "/households",
        lambda r: {r.household.pk, r.other_hamlet_household.pk},
        lambda r: {r.household.pk},
    ),
    ListCase(
        "persons",
        "/persons",
        lambda r: {r.head.pk, r.member.pk, r.other_hamlet_person.pk},
        lambda r: {r.head.pk, r.member.pk},
    ),
    ListCase("clans", "/clans", lambda r: {r.clan.pk}, lambda r: set()),
    ListCase("organisations", "/organisations", lambda r: {r.organisation.pk}, lambda r: set()),
    ListCase("learning_centres", "/learning-centres", lambda r: {r.centre.pk}, lambda r: set()),
    ListCase(
        "declared_statistics", "/declared-statistics", lambda r: {r.statistic.pk}, lambda r: set()
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", LIST_CASES, ids=lambda case: case.name)
def test_lists_hold_only_the_callers_area(
    live_server: Any, people: People, registry: Registry, case: ListCase, role: str
) -> None:
    # when
    reply = as_user(live_server, people, role).get(case.path, page_size=100)

    # then
    if role == "anonymous":
        assert_problem(reply, 401)
        return
    assert reply.status == 200, reply.body
    page = reply.json()
    ids = {item["id"] for item in page["items"]}
    assert page["count"] == len(page["items"])
    ours = case.ours(registry)
    if role in ("commune_official", "province_official"):
        assert ours <= ids
    elif role == "collector":
        assert ids == case.in_collector_hamlet(registry)
    else:
        assert not ours & ids


def test_an_official_above_sees_every_commune_of_the_province(
    live_server: Any, people: People, registry: Registry
) -> None:
    reply = as_user(live_server, people, "province_official").get("/persons")

    names = {item["full_name"] for item in reply.json()["items"]}
    assert names == {"Nguyễn Văn An", "Lò Thị Bình", "Cầm Văn Cường", "Nguyễn Văn Anh"}


# -- a collector keeps to their hamlet -------------------------------------------------------


def test_collector_cannot_touch_another_hamlet(
    live_server: Any, people: People, registry: Registry
) -> None:
    client = as_user(live_server, people, "collector")
    before = database_state()
    other = registry.other_hamlet_household

    replies = [
        client.get(f"/households/{other.pk}"),
        client.put(
            f"/households/{other.pk}",
            {"version": 1, "code": "X", "hamlet": registry.tree.other_hamlet.key},
        ),
        client.post("/households", {"hamlet": registry.tree.other_hamlet.key, "code": "CO-9"}),
        client.post(
            "/households",
            {"commune": registry.tree.commune.key, "code": "NO-HAMLET"},
        ),
        client.post(
            "/persons",
            {
                "household": other.pk,
                "full_name": "Cầm Thị Dung",
                "sex": "female",
                "birth_year": 2000,
            },
        ),
        client.put(
            f"/persons/{registry.other_hamlet_person.pk}",
            {"version": 1, "full_name": "X", "sex": "male", "birth_year": 2010},
        ),
        # moving their own household into the other hamlet
        client.put(
            f"/households/{registry.household.pk}",
            {"version": 1, "code": "HAY-001", "hamlet": registry.tree.other_hamlet.key},
        ),
    ]

    for reply in replies:
        assert_problem(reply, 404)
    assert database_state() == before


def test_collector_cannot_move_a_household_up_to_the_commune(
    live_server: Any, people: People, registry: Registry
) -> None:
    client = as_user(live_server, people, "collector")
    before = database_state()

    reply = client.put(
        f"/households/{registry.household.pk}", {"version": 1, "code": "HAY-001", "hamlet": None}
    )

    assert_problem(reply, 403)
    assert database_state() == before


def test_organisation_head_neither_reads_nor_writes_the_registry(
    live_server: Any, people: People, registry: Registry
) -> None:
    # given an organisation head: their role covers the commune, but the registry's personal
    # data is for the officials and collectors who keep it
    client = as_user(live_server, people, "organisation_head")
    before = database_state()

    # when
    readable = client.get(f"/households/{registry.household.pk}")
    replies = [
        client.put(
            f"/households/{registry.household.pk}",
            {"version": 1, "code": "HAY-001", "hamlet": registry.tree.hamlet.key},
        ),
        client.post("/households", {"hamlet": registry.tree.hamlet.key, "code": "HAY-5"}),
        client.put(
            f"/declared-statistics/{registry.statistic.pk}", {"value": 1, "source": "không rõ"}
        ),
    ]

    # then
    assert_problem(readable, 404)
    for reply in replies:
        problem = assert_problem(reply, reply.status)
        assert reply.status in (403, 404)
        assert problem["title"]
    assert database_state() == before


# -- personal data minimisation ------------------------------------------------------------


def test_personal_data_reaches_only_those_who_keep_the_registry(
    live_server: Any, people: People, registry: Registry
) -> None:
    path = f"/persons/{registry.head.pk}"

    editor = as_user(live_server, people, "commune_official").get(path).json()
    reader = as_user(live_server, people, "organisation_head").get(path)
    citizen_list = as_user(live_server, people, "citizen").get("/persons").json()

    assert editor["cccd"] == AN_CCCD
    assert editor["phone"] == "0987654321"
    assert editor["birth_date"] == "1980-03-15"
    assert_problem(reader, 404)
    assert citizen_list == {"items": [], "count": 0}


def test_searching_by_cccd_finds_the_person_only_for_those_who_keep_the_registry(
    live_server: Any, people: People, registry: Registry
) -> None:
    editor = as_user(live_server, people, "commune_official").get("/persons", q=AN_CCCD).json()
    reader = as_user(live_server, people, "organisation_head").get("/persons", q=AN_CCCD).json()

    assert [item["id"] for item in editor["items"]] == [registry.head.pk]
    assert reader == {"items": [], "count": 0}


def test_the_age_bands_of_the_api_are_the_selectors_bands() -> None:
    from typing import get_args

    from hoctap.registry.schemas import PersonFilter
    from hoctap.registry.selectors import AGE_BANDS

    annotation = PersonFilter.model_fields["age_band"].annotation
    assert set(get_args(annotation)) == {"", *AGE_BANDS}


# -- households -----------------------------------------------------------------------------


def test_households_page_and_count(live_server: Any, people: People, registry: Registry) -> None:
    # given seven households in the commune
    for number in range(5):
        services.household_create(
            actor=people.admin,
            commune=registry.tree.commune,
            hamlet=registry.tree.hamlet,
            code=f"HAY-1{number:02d}",
        )
    client = as_user(live_server, people, "commune_official")

    # when
    first = client.get("/households", page_size=5).json()
    second = client.get("/households", page_size=5, page=2).json()

    # then
    assert first["count"] == second["count"] == 7
    assert len(first["items"]) == 5
    assert len(second["items"]) == 2
    codes = [item["code"] for item in first["items"] + second["items"]]
    assert len(set(codes)) == 7


def test_household_search_ignores_diacritics_and_filters_by_hamlet(
    live_server: Any, people: People, registry: Registry
) -> None:
    client = as_user(live_server, people, "commune_official")

    by_member = client.get("/households", q="lo thi binh").json()
    by_code = client.get("/households", q="co-001").json()
    by_hamlet = client.get("/households", hamlet=registry.tree.other_hamlet.key).json()

    assert [item["id"] for item in by_member["items"]] == [registry.household.pk]
    assert [item["id"] for item in by_code["items"]] == [registry.other_hamlet_household.pk]
    assert [item["id"] for item in by_hamlet["items"]] == [registry.other_hamlet_household.pk]


def test_household_detail_lists_members_and_clans(
    live_server: Any, people: People, registry: Registry
) -> None:
    reply = as_user(live_server, people, "commune_official").get(
        f"/households/{registry.household.pk}"
    )

    body = reply.json()
    assert body["code"] == "HAY-001"
    assert body["commune"] == registry.tree.commune.key
    assert body["hamlet"] == registry.tree.hamlet.key
    assert body["head"] == {"id": registry.head.pk, "full_name": "Nguyễn Văn An"}
    assert body["member_count"] == 2
    assert {m["full_name"] for m in body["members"]} == {"Nguyễn Văn An", "Lò Thị Bình"}
    assert body["clans"] == [{"id": registry.clan.pk, "name": "Dòng họ Lò"}]
    assert body["version"] == 1


def test_collector_registers_a_household_by_naming_only_their_hamlet(
    live_server: Any, people: People, registry: Registry
) -> None:
    reply = as_user(live_server, people, "collector").post(
        "/households", {"hamlet": registry.tree.hamlet.key, "code": " HAY-777 "}
    )

    assert reply.status == 201, reply.body
    created = Household.objects.get(pk=reply.json()["id"])
    assert created.commune == registry.tree.commune
    assert created.hamlet == registry.tree.hamlet
    assert created.code == "HAY-777"


def test_moving_a_household_moves_its_members_and_bumps_the_version(
    live_server: Any, people: People, registry: Registry
) -> None:
    reply = as_user(live_server, people, "commune_official").put(
        f"/households/{registry.household.pk}",
        {
            "version": 1,
            "code": "HAY-001",
            "hamlet": registry.tree.other_hamlet.key,
            "address": "Bản Cọ",
            "head": registry.member.pk,
        },
    )

    assert reply.status == 200, reply.body
    body = reply.json()
    assert body["version"] == 2
    assert body["hamlet"] == registry.tree.other_hamlet.key
    assert body["head"]["id"] == registry.member.pk
    assert set(
        Person.objects.filter(household=registry.household).values_list("hamlet", flat=True)
    ) == {registry.tree.other_hamlet.pk}


def test_a_stale_household_version_is_409_and_changes_nothing(
    live_server: Any, people: People, registry: Registry
) -> None:
    # given someone saved the household after we read version 1
    services.household_update(
        actor=people.admin,
        household=registry.household,
        version=1,
        hamlet=registry.tree.hamlet,
        code="HAY-001",
        address="Đã sửa",
        phone="",
        head=registry.head,
    )
    client = as_user(live_server, people, "commune_official")
    before = database_state()

    # when
    reply = client.put(
        f"/households/{registry.household.pk}",
        {"version": 1, "code": "HAY-002", "hamlet": registry.tree.hamlet.key},
    )

    # then
    problem = assert_problem(reply, 409)
    assert problem["detail"] == vietnamese(
        "Someone else changed this record after you opened it. Reload and try again."
    )
    assert database_state() == before


def test_a_duplicate_household_code_is_422(
    live_server: Any, people: People, registry: Registry
) -> None:
    reply = as_user(live_server, people, "commune_official").post(
        "/households", {"hamlet": registry.tree.other_hamlet.key, "code": "HAY-001"}
    )

    problem = assert_problem(reply, 422)
    # the model's uniqueness check or the service's own message: both name the code
    assert "Mã hộ" in problem["detail"] or "mã hộ" in problem["detail"].lower()
    assert Household.objects.filter(code="HAY-001").count() == 1


def test_households_cannot_be_deleted(live_server: Any, people: People, registry: Registry) -> None:
    client = as_user(live_server, people, "admin")

    reply = client.call("DELETE", f"/households/{registry.household.pk}")
    person_reply = client.call("DELETE", f"/persons/{registry.head.pk}")

    assert reply.status == 405
    assert person_reply.status == 405
    assert Household.objects.filter(pk=registry.household.pk).exists()
    assert Person.objects.filter(pk=registry.head.pk).exists()


# -- people ---------------------------------------------------------------------------------


def test_person_search_ignores_diacritics_and_case(
    live_server: Any, people: People, registry: Registry
) -> None:
    client = as_user(live_server, people, "province_official")

    exact = client.get("/persons", q="nguyen van an").json()
    upper = client.get("/persons", q="NGUYỄN VĂN").json()

    # "nguyen van an" is a prefix of "nguyen van anh" too: every word must appear
    assert {item["full_name"] for item in exact["items"]} == {"Nguyễn Văn An", "Nguyễn Văn Anh"}
    assert exact["count"] == 2
    assert upper["count"] == 2
    commune_only = as_user(live_server, people, "commune_official").get(
        "/persons", q="nguyen van an"
    )
    assert [item["full_name"] for item in commune_only.json()["items"]] == ["Nguyễn Văn An"]


def test_person_filters(live_server: Any, people: People, registry: Registry) -> None:
    client = as_user(live_server, people, "commune_official")

    def names(**query: Any) -> set[str]:
        reply = client.get("/persons", **query)
        assert reply.status == 200, reply.body
        return {item["full_name"] for item in reply.json()["items"]}

    assert names(hamlet=registry.tree.other_hamlet.key) == {"Cầm Văn Cường"}
    assert names(target_group="learner") == {"Cầm Văn Cường"}
    assert names(target_group="official") == {"Lò Thị Bình"}
    assert names(is_worker="true") == {"Nguyễn Văn An"}
    assert names(is_worker="false") == {"Lò Thị Bình", "Cầm Văn Cường"}
    assert names(digital_skill="basic") == {"Nguyễn Văn An"}
    assert names(age_band="0-14") | names(age_band="15-17") == {"Cầm Văn Cường"}
    assert names(age_band="36-60") == {"Nguyễn Văn An", "Lò Thị Bình"}


def test_an_unknown_filter_value_is_422_problem(
    live_server: Any, people: People, registry: Registry
) -> None:
    reply = as_user(live_server, people, "commune_official").get("/persons", age_band="old")

    problem = assert_problem(reply, 422)
    assert problem["errors"]


def test_person_create_in_a_household(live_server: Any, people: People, registry: Registry) -> None:
    reply = as_user(live_server, people, "collector").post(
        "/persons",
        {
            "household": registry.household.pk,
            "full_name": "  Nguyễn  Thị Cúc ",
            "sex": "female",
            "birth_date": "2008-09-02",
            "relation": "child",
            "target_group": "learner",
            "organisation": registry.organisation.pk,
        },
    )

    # a collector of the hamlet cannot see the commune-level organisation
    assert_problem(reply, 404)

    reply = as_user(live_server, people, "commune_official").post(
        "/persons",
        {
            "household": registry.household.pk,
            "full_name": "  Nguyễn  Thị Cúc ",
            "sex": "female",
            "birth_date": "2008-09-02",
            "relation": "child",
            "target_group": "learner",
            "organisation": registry.organisation.pk,
        },
    )

    assert reply.status == 201, reply.body
    body = reply.json()
    assert body["full_name"] == "Nguyễn Thị Cúc"
    assert body["birth_year"] == 2008
    assert body["hamlet"] == registry.tree.hamlet.key
    assert body["household_code"] == "HAY-001"
    assert body["organisation_name"] == "Trường Tiểu học Mường Giôn"
    assert body["version"] == 1


def test_a_duplicate_cccd_is_422_and_saves_nothing(
    live_server: Any, people: People, registry: Registry
) -> None:
    client = as_user(live_server, people, "commune_official")
    before = database_state()

    reply = client.post(
        "/persons",
        {
            "household": registry.other_hamlet_household.pk,
            "full_name": "Người Trùng Số",
            "sex": "male",
            "birth_year": 1980,
            "cccd": AN_CCCD,
        },
    )

    problem = assert_problem(reply, 422)
    # the model's uniqueness check or the service's own message: both name the CCCD
    assert "CCCD" in problem["detail"]
    assert database_state() == before


def test_a_cccd_that_does_not_match_the_person_is_422(
    live_server: Any, people: People, registry: Registry
) -> None:
    reply = as_user(live_server, people, "commune_official").put(
        f"/persons/{registry.member.pk}",
        {
            "version": 1,
            "full_name": "Lò Thị Bình",
            "sex": "male",
            "birth_year": 1985,
            "cccd": BINH_CCCD,
        },
    )

    problem = assert_problem(reply, 422)
    assert problem["detail"] == vietnamese(
        "The CCCD is not valid for this person's sex and year of birth."
    )


def test_a_stale_person_version_is_409(
    live_server: Any, people: People, registry: Registry
) -> None:
    client = as_user(live_server, people, "commune_official")
    body = {"full_name": "Nguyễn Văn An", "sex": "male", "birth_year": 1980, "cccd": AN_CCCD}

    first = client.put(f"/persons/{registry.head.pk}", {**body, "version": 1})
    second = client.put(
        f"/persons/{registry.head.pk}", {**body, "version": 1, "digital_skill": "proficient"}
    )

    assert first.status == 200, first.body
    assert first.json()["version"] == 2
    assert_problem(second, 409)
    assert Person.objects.get(pk=registry.head.pk).digital_skill == "none"


def test_a_person_without_year_of_birth_is_422(
    live_server: Any, people: People, registry: Registry
) -> None:
    reply = as_user(live_server, people, "commune_official").post(
        "/persons", {"household": registry.household.pk, "full_name": "Không Năm", "sex": "male"}
    )

    assert_problem(reply, 422)
    assert not Person.objects.filter(full_name="Không Năm").exists()


# -- clans, organisations, learning centres, statistics ---------------------------------------


def test_clan_keeps_member_households_the_caller_cannot_see(
    live_server: Any, people: People, registry: Registry
) -> None:
    # given the clan also has a household in another commune
    services.clan_save(
        actor=people.admin,
        clan=registry.clan,
        commune=registry.tree.commune,
        name="Dòng họ Lò",
        households=[
            registry.household,
            registry.other_hamlet_household,
            registry.other_commune_household,
        ],
        version=1,
    )
    client = as_user(live_server, people, "commune_official")

    # when the commune official lists only the households they see
    seen = client.get(f"/clans/{registry.clan.pk}").json()
    reply = client.put(
        f"/clans/{registry.clan.pk}",
        {"version": 2, "name": "Dòng họ Lò Văn", "households": [registry.household.pk]},
    )

    # then
    assert seen["household_count"] == 3
    assert {h["id"] for h in seen["households"]} == {
        registry.household.pk,
        registry.other_hamlet_household.pk,
    }
    assert reply.status == 200, reply.body
    assert reply.json()["name"] == "Dòng họ Lò Văn"
    assert set(registry.clan.households.values_list("pk", flat=True)) == {
        registry.household.pk,
        registry.other_commune_household.pk,
    }


def test_clan_naming_a_household_out_of_scope_is_404(
    live_server: Any, people: People, registry: Registry
) -> None:
    client = as_user(live_server, people, "commune_official")
    before = database_state()

    reply = client.post(
        "/clans",
        {
            "commune": registry.tree.commune.key,
            "name": "Dòng họ Nguyễn",
            "households": [registry.other_commune_household.pk],
        },
    )

    assert_problem(reply, 404)
    assert database_state() == before


def test_a_stale_organisation_version_is_409(
    live_server: Any, people: People, registry: Registry
) -> None:
    client = as_user(live_server, people, "commune_official")
    body = {"name": "Trường Tiểu học Mường Giôn", "kind": "school", "managing_level": "commune"}

    first = client.put(f"/organisations/{registry.organisation.pk}", {**body, "version": 1})
    second = client.put(f"/organisations/{registry.organisation.pk}", {**body, "version": 1})

    assert first.status == 200, first.body
    assert first.json()["head"] is None
    assert_problem(second, 409)


def test_a_second_learning_centre_for_a_commune_is_409(
    live_server: Any, people: People, registry: Registry
) -> None:
    client = as_user(live_server, people, "commune_official")
    before = database_state()

    reply = client.post(
        "/learning-centres", {"commune": registry.tree.commune.key, "name": "TTHTCĐ thứ hai"}
    )

    problem = assert_problem(reply, 409)
    assert problem["detail"] == vietnamese(
        "This commune already has a community learning centre; change that one instead."
    )
    assert database_state() == before


def test_learning_centre_activities_by_year(
    live_server: Any, people: People, registry: Registry
) -> None:
    client = as_user(live_server, people, "commune_official")

    client.put(
        f"/learning-centres/{registry.centre.pk}/activities/2026",
        {"activity_count": 4, "attendance": 90, "note": "Lớp tin học"},
    )
    stale = client.put(
        f"/learning-centres/{registry.centre.pk}",
        {"version": 1, "name": registry.centre.name, "uses_it": True},
    )
    again = client.put(
        f"/learning-centres/{registry.centre.pk}",
        {"version": 1, "name": registry.centre.name, "uses_it": False},
    )
    centre = client.get(f"/learning-centres/{registry.centre.pk}").json()

    assert stale.status == 200, stale.body
    assert_problem(again, 409)
    assert centre["uses_it"] is True
    assert centre["version"] == 2
    assert centre["activities"] == [
        {"year": 2026, "activity_count": 4, "attendance": 90, "note": "Lớp tin học"},
        {"year": 2025, "activity_count": 12, "attendance": 340, "note": ""},
    ]


def test_declaring_a_statistic_again_corrects_it(
    live_server: Any, people: People, registry: Registry
) -> None:
    client = as_user(live_server, people, "commune_official")
    body = {
        "unit": registry.tree.commune.key,
        "year": 2025,
        "kind": "households",
        "value": 1250,
        "source": "Rà soát tháng 6",
    }

    corrected = client.post("/declared-statistics", body)
    listed = client.get("/declared-statistics", year=2025, unit=registry.tree.commune.key).json()
    negative = client.post("/declared-statistics", {**body, "value": -1})

    assert corrected.status == 200, corrected.body
    assert corrected.json()["id"] == registry.statistic.pk
    assert corrected.json()["value"] == 1250
    assert [item["value"] for item in listed["items"]] == [1250]
    assert_problem(negative, 422)


def test_a_hamlet_official_sees_statistics_of_their_hamlet(
    live_server: Any, people: People, registry: Registry
) -> None:
    # given a collector's hamlet declares its own count
    collector = as_user(live_server, people, "collector")
    created = collector.post(
        "/declared-statistics",
        {
            "unit": registry.tree.hamlet.key,
            "year": 2025,
            "kind": "households",
            "value": 80,
            "source": "Trưởng bản",
        },
    )

    listed = collector.get("/declared-statistics").json()

    assert created.status == 201, created.body
    assert [item["unit"] for item in listed["items"]] == [registry.tree.hamlet.key]


def test_units_outside_every_scope_are_404_for_the_admin_too(
    live_server: Any, people: People, registry: Registry
) -> None:
    reply = as_user(live_server, people, "admin").get("/households/999999")

    assert_problem(reply, 404)


def test_the_api_token_of_a_deactivated_user_is_refused(
    live_server: Any, people: People, registry: Registry
) -> None:
    user = user_with_role(Role.COMMUNE_OFFICIAL, registry.tree.commune, "tamnghi")
    client = client_for(live_server.url, user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert_problem(client.get("/households"), 401)


# -- query budgets --------------------------------------------------------------------------


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/households",
        "/api/v1/persons",
        "/api/v1/clans",
        "/api/v1/organisations",
        "/api/v1/learning-centres",
        "/api/v1/declared-statistics",
    ],
)
def test_list_queries_do_not_grow_with_the_page(
    client: Client, people: People, registry: Registry, path: str
) -> None:
    # given a page with the fixture's records, measured
    client.force_login(people.commune_official)
    small = _queries(client, path)
    # and twenty more households, people, clans and organisations in both hamlets
    for number in range(20):
        hamlet = registry.tree.hamlet if number % 2 else registry.tree.other_hamlet
        household = services.household_create(
            actor=people.admin, commune=registry.tree.commune, hamlet=hamlet, code=f"Q-{number}"
        )
        head = services.person_create(
            actor=people.admin,
            household=household,
            commune=registry.tree.commune,
            hamlet=hamlet,
            full_name=f"Người Thứ {number}",
            sex="female",
            birth_year=1990,
            relation="head",
        )
        services.clan_save(
            actor=people.admin,
            clan=None,
            commune=registry.tree.commune,
            name=f"Dòng họ {number}",
            representative=head,
            households=[household],
        )
        services.organisation_save(
            actor=people.admin,
            organisation=None,
            commune=registry.tree.commune,
            name=f"Đơn vị {number}",
            kind="enterprise",
            managing_level="commune",
            head=head,
        )

    # when / then
    assert _queries(client, path) == small
