"""Indicators, dashboards and targets through the JSON API, over real HTTP (the live server):
the dashboard's JSON carries the selector's figures, every endpoint keeps to the caller's
scope, and a refused target write saves nothing."""

from __future__ import annotations

import datetime
import json
import urllib.request
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from hoctap.accounts.models import User
from hoctap.adminunits.models import AdminUnit
from hoctap.api.tests.http import Response
from hoctap.assessments.models import State, Title
from hoctap.assessments.tests.factories import YEAR, make_assessment
from hoctap.conftest import People, Tree
from hoctap.core.models import AuditEvent
from hoctap.registry.models import StatisticKind
from hoctap.registry.tests.api_client import PROBLEM_JSON, ApiClient, media_type, token_for
from hoctap.registry.tests.factories import HouseholdFactory
from hoctap.targets import registry_counts, rollups, services
from hoctap.targets.indicators import INDICATORS
from hoctap.targets.models import TARGET_YEARS, Target
from hoctap.targets.selectors import Dashboard, UnitRow, dashboard, target_for

HOUSEHOLDS = "households_learning_family"
PLAN = "Kế hoạch số 35/KH-UBND ngày 23/9/2022"


@pytest.fixture(autouse=True)
def national(db: Any) -> None:
    """The national targets (the migration loads them; the live server's tests flush)."""
    services.national_targets_load()


class Api:
    def __init__(self, base_url: str, people: People) -> None:
        self.base_url = base_url
        self.people = people
        self._tokens: dict[str, str] = {}

    def client(self, who: str | None) -> ApiClient:
        """A client signed in as `people.<who>` (anonymous when None)."""
        if who is None:
            return ApiClient(self.base_url)
        if who not in self._tokens:
            user: User = getattr(self.people, who)
            self._tokens[who] = token_for(user)
        return ApiClient(self.base_url, self._tokens[who])


@pytest.fixture
def api(live_server: Any, tree: Tree, people: People) -> Api:
    return Api(live_server.url, people)


def vietnamese(message: str) -> str:
    """What the server (Vietnamese by default) answers for a message."""
    with translation.override("vi"):
        return gettext(message)


def families(hamlet: AdminUnit, *, recognised: int, registered: int = 0) -> None:
    """Families of new households of the hamlet: some recognised, some only registered."""
    for count, state in ((recognised, State.RECOGNISED), (registered, State.REGISTERED)):
        for _ in range(count):
            make_assessment(
                household=HouseholdFactory(hamlet=hamlet, commune=hamlet.parent),
                state=state,
                year=YEAR,
            )


def counted() -> None:
    """Bring the summary tables in step with rows the factories wrote around the services."""
    rollups.rebuild()
    registry_counts.rebuild()


def ledger() -> tuple[Any, ...]:
    """Everything a target write could change."""
    return (
        list(
            Target.objects.order_by("pk").values_list(
                "pk", "indicator", "unit_id", "year", "value", "source", "set_by_id"
            )
        ),
        AuditEvent.objects.count(),
    )


def assert_problem(response: Response, status: int) -> dict[str, Any]:
    assert response.status == status, response.body
    assert media_type(response) == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def target_body(unit: str | None, value: Any = 95, **extra: Any) -> dict[str, Any]:
    return {
        "indicator": HOUSEHOLDS,
        "unit": unit,
        "year": 2025,
        "value": value,
        "source": PLAN,
        **extra,
    }


def households_row(body: dict[str, Any]) -> dict[str, Any]:
    return next(row for row in body["indicators"] if row["code"] == HOUSEHOLDS)


def child(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(row for row in body["children"] if row["unit"]["key"] == key)


def number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


# -- authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/indicators"),
        ("GET", "/dashboard"),
        ("GET", "/targets"),
        ("PUT", "/targets"),
        ("DELETE", "/targets/{id}"),
    ],
)
def test_an_anonymous_caller_gets_401_and_nothing_changes(
    api: Api, tree: Tree, method: str, path: str
) -> None:
    # given a local target
    target = services.target_set(
        actor=api.people.commune_official,
        indicator=HOUSEHOLDS,
        unit=tree.commune,
        year=2025,
        value=90,
        source=PLAN,
    )
    before = ledger()
    # when
    response = api.client(None).call(
        method,
        path.format(id=target.pk),
        json_body=target_body(tree.commune.key, 10) if method == "PUT" else None,
    )
    # then
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert ledger() == before


# -- indicators -------------------------------------------------------------------------------


def get_in_language(url: str, token: str, language: str) -> Any:
    request = urllib.request.Request(url)  # noqa: S310 - the live server's URL
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Cookie", f"{settings.LANGUAGE_COOKIE_NAME}={language}")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - same
        assert response.headers["Content-Language"] == language
        return response.read()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_indicators_are_listed_with_their_definitions_in_the_callers_language(
    api: Api, language: str
) -> None:
    # when
    body = json.loads(
        get_in_language(
            f"{api.base_url}/api/v1/indicators", token_for(api.people.citizen), language
        )
    )
    # then every indicator, in order, with its definition and source
    assert [item["code"] for item in body] == [indicator.code for indicator in INDICATORS]
    by_code = {item["code"]: item for item in body}
    with translation.override(language):
        for indicator in INDICATORS:
            assert by_code[indicator.code]["name"] == str(indicator.name)
            assert by_code[indicator.code]["source"] == indicator.source
        family = str(Title.LEARNING_FAMILY.label)
        households = str(StatisticKind.HOUSEHOLDS.label)
    item = by_code[HOUSEHOLDS]
    assert item["numerator"]["kind"] == "recognised"
    assert item["numerator"]["title"] == Title.LEARNING_FAMILY
    assert item["numerator"]["title_label"] == family
    assert item["denominator"]["kind"] == "statistic"
    assert item["denominator"]["statistic"] == StatisticKind.HOUSEHOLDS
    assert item["denominator"]["label"] == households
    assert item["denominator"]["counted_by_registry"] is True
    assert "QĐ 387/QĐ-TTg" in item["source"]
    digital = by_code["learning_citizens_digital"]
    assert digital["numerator_is_declared"] is True
    assert digital["denominator"]["title"] == Title.LEARNING_CITIZEN
    workers = by_code["workers_learning_citizen"]
    assert workers["numerator"]["variants"] == ["worker"]


# -- the dashboard ----------------------------------------------------------------------------


def assert_row_matches(json_row: dict[str, Any], row: UnitRow) -> None:
    """The row's JSON carries the selector's figures, targets and status for every indicator."""
    assert json_row["name"] == row.name
    assert json_row["unit"] == (
        {"key": row.unit.key, "name": row.unit.name, "level": row.unit.level}
        if row.unit is not None
        else None
    )
    assert [item["code"] for item in json_row["indicators"]] == [
        item.indicator.code for item in row.indicators
    ]
    for item, expected in zip(json_row["indicators"], row.indicators, strict=True):
        figure = expected.figure
        assert item["numerator"] == figure.numerator
        assert item["denominator"] == figure.denominator
        assert item["percentage"] == number(figure.percentage)
        assert item["numerator_origin"]["kind"] == figure.numerator_origin.kind
        assert item["denominator_origin"]["kind"] == figure.denominator_origin.kind
        assert item["denominator_origin"]["as_of_now"] == figure.denominator_origin.as_of_now
        assert [warning["code"] for warning in item["warnings"]] == list(figure.warnings)
        assert item["status"] == expected.status
        assert item["expected"] == number(expected.expected)
        assert item["gap"] == number(expected.gap)
        for year, target in ((2025, expected.target_2025), (2030, expected.target_2030)):
            got = item[f"target_{year}"]
            if target is None:
                assert got is None
                continue
            assert got["value"] == float(target.value)
            assert (got["set_by"]["key"] if got["set_by"] else None) == (
                target.unit.key if target.unit is not None else None
            )
    assert [
        (pair["title"], pair["registered"], pair["recognised"]) for pair in json_row["titles"]
    ] == [(pair.title, pair.registered, pair.recognised) for pair in row.titles]


def assert_dashboard_matches(body: dict[str, Any], board: Dashboard) -> None:
    assert body["year"] == board.year
    assert body["hierarchy"] == board.hierarchy
    assert_row_matches(body["summary"], board.summary)
    assert len(body["children"]) == len(board.children)
    for json_row, row in zip(body["children"], board.children, strict=True):
        assert_row_matches(json_row, row)
    assert [point["year"] for point in body["trend"]] == [point.year for point in board.trend]
    for point, expected in zip(body["trend"], board.trend, strict=True):
        assert [item["percentage"] for item in point["indicators"]] == [
            number(figure.percentage) for figure in expected.figures
        ]
    assert [
        (item["unit"]["key"], item["code"], item["gap"]) for item in body["furthest_behind"]
    ] == [
        (item.unit.key if item.unit else None, item.row.indicator.code, float(item.gap))
        for item in board.furthest_behind
    ]


def test_the_dashboard_json_carries_the_selectors_figures(api: Api, tree: Tree) -> None:
    # given 3 of 4 households of Bản Hày in learning families, Bản Cọ with none registered,
    # and 2 families registered (none recognised) in Thanh Hóa
    families(tree.hamlet, recognised=3, registered=1)
    families(tree.far_hamlet, recognised=0, registered=2)
    counted()
    official = api.people.province_official

    # when the province official reads the province's dashboard for the year
    response = api.client("province_official").get("/dashboard", unit="14", year=YEAR)

    # then the JSON has the selector's figures for the same user, unit and year
    assert response.status == 200, response.body
    body = response.json()
    with translation.override("vi"):
        board = dashboard(official, tree.province, YEAR)
    assert_dashboard_matches(body, board)
    # which are these
    assert body["unit"] == {"key": "14", "name": "Tỉnh Sơn La", "level": 1}
    summary = households_row(body["summary"])
    assert (summary["numerator"], summary["denominator"], summary["percentage"]) == (3, 4, 75.0)
    assert summary["denominator_origin"]["kind"] == "registry"
    assert summary["target_2025"]["value"] == 70.0
    assert summary["target_2025"]["set_by"] is None
    assert summary["status"] == "on_track"
    family = next(pair for pair in body["summary"]["titles"] if pair["title"] == "learning_family")
    assert (family["registered"], family["recognised"]) == (4, 3)
    assert households_row(child(body, "03694"))["percentage"] == 75.0
    # no family registered in the ward: no figure, never 0 %
    ward = households_row(child(body, "03646"))
    assert ward["percentage"] is None
    assert ward["status"] == "no_data"
    assert [point["year"] for point in body["trend"]] == list(range(2021, YEAR + 1))
    as_of = datetime.datetime.fromisoformat(body["as_of"].replace("Z", "+00:00"))
    assert board.as_of - datetime.timedelta(minutes=1) < as_of <= timezone.now()

    # and the country's, for the administrator, lists the provinces with Thanh Hóa behind
    country = api.client("admin").get("/dashboard", year=YEAR).json()
    with translation.override("vi"):
        assert_dashboard_matches(country, dashboard(api.people.admin, None, YEAR))
    assert country["unit"] is None
    assert households_row(country["summary"])["percentage"] == 50.0
    assert (
        country["furthest_behind"][0]["unit"]["key"],
        country["furthest_behind"][0]["code"],
    ) == (
        "38",
        HOUSEHOLDS,
    )


@pytest.mark.parametrize(
    ("who", "unit", "status", "shown"),
    [
        ("commune_official", "03694", 200, "03694"),
        ("commune_official", "", 200, "03694"),  # no unit: where their dashboards start
        ("commune_official", "03694-001", 200, "03694-001"),
        ("commune_official", "03646", 404, None),  # another commune of the province
        ("commune_official", "14", 404, None),  # the province above
        ("other_commune_official", "03694", 404, None),
        ("province_official", "03694", 200, "03694"),  # the province above sees the commune
        ("province_official", "03694-001", 200, "03694-001"),
        ("province_official", "", 200, "14"),
        ("province_official", "38", 404, None),
        ("other_province_official", "03694", 404, None),
        ("other_province_official", "", 200, "38"),
        ("collector", "", 200, "03694-001"),
        ("collector", "03694", 404, None),
        ("citizen", "", 404, None),  # no dashboard at all
        ("citizen", "03694-001", 404, None),
        ("organisation_head", "03694", 404, None),
        ("admin", "", 200, None),  # the national dashboard, only for a national scope
        ("admin", "16279", 200, "16279"),
        ("admin", "99999", 404, None),  # no such unit
    ],
)
def test_the_dashboard_scope_matrix(
    api: Api, who: str, unit: str, status: int, shown: str | None
) -> None:
    response = api.client(who).get("/dashboard", unit=unit, year=YEAR)

    if status == 200:
        assert response.status == 200, response.body
        body = response.json()
        assert (body["unit"]["key"] if body["unit"] else None) == shown
    else:
        assert_problem(response, status)


def test_only_a_national_scope_gets_the_countrys_dashboard(api: Api) -> None:
    # an official without a unit gets their province, never the country
    for who, key in (("province_official", "14"), ("commune_official", "03694")):
        body = api.client(who).get("/dashboard", year=YEAR).json()
        assert body["unit"]["key"] == key
        assert all(row["unit"]["level"] > 1 for row in body["children"])
    body = api.client("admin").get("/dashboard", year=YEAR).json()
    assert body["unit"] is None
    assert [row["unit"]["key"] for row in body["children"]] == ["14", "38"]


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ({"year": 1999}, "Choose a year from %(first)s to %(last)s."),
        ({"year": 2101}, "Choose a year from %(first)s to %(last)s."),
        ({"year": "năm nay"}, None),
        ({"hierarchy": "yesterday"}, None),
    ],
)
def test_a_bad_year_or_hierarchy_is_422(
    api: Api, query: dict[str, Any], detail: str | None
) -> None:
    response = api.client("commune_official").get("/dashboard", unit="03694", **query)

    body = assert_problem(response, 422)
    if detail is not None:
        assert body["detail"] == vietnamese(detail) % {"first": 2000, "last": 2100}
    else:
        assert body["errors"]


def test_without_a_year_the_dashboard_shows_this_year_of_today_s_units(api: Api) -> None:
    body = api.client("commune_official").get("/dashboard", unit="03694").json()

    assert body["year"] == timezone.localdate().year
    assert body["hierarchy"] == "current"
    assert [row["unit"]["key"] for row in body["children"]] == ["03694-002", "03694-001"]


# -- targets ----------------------------------------------------------------------------------


def test_a_target_set_shows_on_the_dashboard_with_who_set_it_and_removing_it_falls_back(
    api: Api, tree: Tree
) -> None:
    commune = api.client("commune_official")
    province = api.client("province_official")

    # when the province sets 90 % and the commune 95 % for 2025
    response = province.put("/targets", target_body("14", 90))
    assert response.status == 201, response.body
    province_target = response.json()
    assert province_target["unit"]["key"] == "14"
    assert province_target["value"] == 90.0
    assert province_target["can_change"] is True
    response = commune.put("/targets", target_body("03694", "95,5"))
    assert response.status == 201, response.body
    commune_target = response.json()
    assert commune_target["value"] == 95.5
    assert commune_target["set_by"] == str(api.people.commune_official)

    # then the commune's dashboard shows its own target, set by the commune
    row = households_row(commune.get("/dashboard", unit="03694", year=YEAR).json()["summary"])
    assert row["target_2025"]["value"] == 95.5
    assert row["target_2025"]["set_by"] == {"key": "03694", "name": "Xã Mường Giôn", "level": 3}
    assert row["target_2025"]["source"] == PLAN
    assert row["target_2030"]["set_by"] is None  # the national one still stands for 2030
    # and the province's drill-down: the ward under the province's, the commune under its own
    body = province.get("/dashboard", unit="14", year=YEAR).json()
    assert households_row(body["summary"])["target_2025"]["set_by"]["key"] == "14"
    assert households_row(child(body, "03646"))["target_2025"]["value"] == 90.0
    assert households_row(child(body, "03694"))["target_2025"]["value"] == 95.5
    with translation.override("vi"):
        assert target_for(HOUSEHOLDS, tree.commune, 2025).value == Decimal("95.50")  # type: ignore[union-attr]

    # when the commune changes it: 200, the same target
    response = commune.put("/targets", target_body("03694", 97))
    assert response.status == 200, response.body
    assert response.json()["id"] == commune_target["id"]
    assert Target.objects.get(pk=commune_target["id"]).value == Decimal(97)

    # when the commune removes its target, the province's applies again
    response = commune.call("DELETE", f"/targets/{commune_target['id']}")
    assert response.status == 204, response.body
    assert not Target.objects.filter(pk=commune_target["id"]).exists()
    row = households_row(commune.get("/dashboard", unit="03694", year=YEAR).json()["summary"])
    assert row["target_2025"]["value"] == 90.0
    assert row["target_2025"]["set_by"]["key"] == "14"

    # and when the province removes its own, the national one
    response = province.call("DELETE", f"/targets/{province_target['id']}")
    assert response.status == 204, response.body
    row = households_row(commune.get("/dashboard", unit="03694", year=YEAR).json()["summary"])
    assert row["target_2025"]["value"] == 70.0
    assert row["target_2025"]["set_by"] is None


@pytest.mark.parametrize("value", [101, -1, "100,01", 1000, "chín mươi"])
def test_a_target_outside_0_to_100_is_422_with_the_message_and_nothing_is_saved(
    api: Api, value: Any
) -> None:
    client = api.client("commune_official")
    before = ledger()

    response = client.put("/targets", target_body("03694", value))

    body = assert_problem(response, 422)
    assert body["detail"] == vietnamese("A target is a percentage from 0 to 100.")
    assert ledger() == before


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"indicator": "happiness"}, "Unknown indicator."),
        ({"year": 2027}, None),  # "Targets are set for 2025 / 2030."
        ({"source": "   "}, "Say which plan or decision sets this target."),
        ({"unit": "03694-001"}, "Targets are set for a province or a commune."),
    ],
)
def test_other_refused_targets_are_422_and_nothing_is_saved(
    api: Api, payload: dict[str, Any], message: str | None
) -> None:
    client = api.client("commune_official")
    before = ledger()
    body_in = target_body("03694", 80) | payload

    response = client.put("/targets", body_in)

    body = assert_problem(response, 422)
    if message is not None:
        assert body["detail"] == vietnamese(message)
    else:
        assert "2025" in body["detail"]
        assert "2030" in body["detail"]
    assert ledger() == before


@pytest.mark.parametrize(
    ("who", "unit", "status"),
    [
        ("province_official", "16279", 404),  # another province's commune
        ("province_official", "38", 404),  # another province
        ("other_province_official", "14", 404),
        ("other_province_official", "03694", 404),
        ("other_commune_official", "03694", 404),  # another commune
        ("commune_official", "03646", 404),
        ("commune_official", "14", 404),  # the province above
        ("commune_official", "99999", 404),  # no such unit
        ("commune_official", None, 403),  # the national target: administrators only
        ("province_official", None, 403),
        ("collector", "03694", 404),
        ("citizen", "03694", 404),
    ],
)
def test_a_target_outside_the_callers_reach_is_refused_and_nothing_is_saved(
    api: Api, who: str, unit: str | None, status: int
) -> None:
    client = api.client(who)
    before = ledger()

    response = client.put("/targets", target_body(unit, 50))

    assert_problem(response, status)
    assert ledger() == before


def test_the_same_commune_and_the_province_above_may_set_the_communes_target(api: Api) -> None:
    for who, value in (("commune_official", 60), ("province_official", 65)):
        response = api.client(who).put("/targets", target_body("03694", value))
        assert response.status in (200, 201), response.body
        assert response.json()["value"] == value
    assert Target.objects.get(indicator=HOUSEHOLDS, unit__key="03694", year=2025).value == 65


def test_an_administrator_sets_the_national_target(api: Api) -> None:
    national = Target.objects.get(indicator=HOUSEHOLDS, unit__isnull=True, year=2025)

    response = api.client("admin").put("/targets", target_body(None, 72))

    assert response.status == 200, response.body
    assert response.json()["id"] == national.pk
    assert response.json()["unit"] is None
    national.refresh_from_db()
    assert national.value == 72


def test_removing_a_target_out_of_reach_is_refused_and_nothing_changes(
    api: Api, tree: Tree
) -> None:
    # given a target of the province and one of the commune
    province_target = services.target_set(
        actor=api.people.province_official,
        indicator=HOUSEHOLDS,
        unit=tree.province,
        year=2025,
        value=90,
        source=PLAN,
    )
    commune_target = services.target_set(
        actor=api.people.commune_official,
        indicator=HOUSEHOLDS,
        unit=tree.commune,
        year=2025,
        value=95,
        source=PLAN,
    )
    national = Target.objects.get(indicator=HOUSEHOLDS, unit__isnull=True, year=2025)
    for who in ("commune_official", "other_commune_official", "province_official"):
        api.client(who)  # their tokens, made before the ledger is read
    for who in ("other_province_official", "collector", "citizen"):
        api.client(who)
    before = ledger()
    cases = [
        ("other_commune_official", commune_target.pk, 404),  # another commune's
        ("other_province_official", commune_target.pk, 404),
        ("other_province_official", province_target.pk, 404),
        ("collector", commune_target.pk, 403),  # it applies in the collector's hamlet
        ("collector", province_target.pk, 403),
        ("citizen", commune_target.pk, 404),
        ("commune_official", province_target.pk, 403),  # seen (it applies) but set above
        ("commune_official", national.pk, 403),
        ("province_official", national.pk, 403),
        ("commune_official", 999_999, 404),
    ]
    for who, pk, status in cases:
        # when
        response = api.client(who).call("DELETE", f"/targets/{pk}")
        # then
        assert response.status == status, (who, pk, response.body)
        assert media_type(response) == PROBLEM_JSON
        assert ledger() == before


def test_the_target_list_follows_the_callers_scope_and_says_what_applies(
    api: Api, tree: Tree
) -> None:
    # given targets of Sơn La, of Mường Giôn, of Tô Hiệu and of Thanh Hóa
    for unit, actor in (
        (tree.province, api.people.province_official),
        (tree.commune, api.people.commune_official),
        (tree.other_commune, api.people.other_commune_official),
        (tree.other_province, api.people.other_province_official),
    ):
        services.target_set(
            actor=actor, indicator=HOUSEHOLDS, unit=unit, year=2025, value=80, source=PLAN
        )
    national_count = Target.objects.filter(unit__isnull=True).count()

    def local_keys(who: str, **query: Any) -> set[str]:
        response = api.client(who).get("/targets", **query)
        assert response.status == 200, response.body
        targets = response.json()["targets"]
        assert sum(1 for target in targets if target["unit"] is None) == national_count
        return {target["unit"]["key"] for target in targets if target["unit"] is not None}

    # then each caller sees the national targets, those set in their area and above it
    assert local_keys("commune_official") == {"14", "03694"}
    assert local_keys("other_commune_official") == {"14", "03646"}
    assert local_keys("province_official") == {"14", "03694", "03646"}
    assert local_keys("province_official", unit="03694") == {"14", "03694"}
    assert local_keys("other_province_official") == {"38"}
    assert local_keys("admin") == {"14", "03694", "03646", "38"}
    assert_problem(api.client("other_commune_official").get("/targets", unit="03694"), 404)
    assert_problem(api.client("other_province_official").get("/targets", unit="14"), 404)
    assert_problem(api.client("citizen").get("/targets"), 404)

    # and what applies in the commune is what the dashboards use
    body = api.client("commune_official").get("/targets").json()
    assert body["unit"]["key"] == "03694"
    assert len(body["applying"]) == len(INDICATORS) * len(TARGET_YEARS)
    for item in body["applying"]:
        expected = target_for(item["indicator"], tree.commune, item["year"])
        if expected is None:
            assert item["target"] is None
            continue
        assert item["target"]["value"] == float(expected.value)
        assert (item["target"]["set_by"] or {}).get("key") == (
            expected.unit.key if expected.unit else None
        )
    applying = {(item["indicator"], item["year"]): item for item in body["applying"]}
    assert applying[(HOUSEHOLDS, 2025)]["target"]["set_by"]["key"] == "03694"
    assert applying[(HOUSEHOLDS, 2030)]["target"]["set_by"] is None
    only = api.client("commune_official").get("/targets", indicator=HOUSEHOLDS, year=2025).json()
    assert {item["year"] for item in only["targets"]} == {2025}
    assert [(item["indicator"], item["year"]) for item in only["applying"]] == [(HOUSEHOLDS, 2025)]
