"""The open-data endpoints over real HTTP (the live server): no sign-in, the dashboard's
figures, never a hamlet, readable from any site's browser (CORS), and rate-limited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext

from hoctap.adminunits.models import AdminUnit
from hoctap.api.tests.http import Response, call, get
from hoctap.assessments.tests.factories import YEAR
from hoctap.conftest import People, Tree
from hoctap.portal.tests.test_figures import HEAD_NAME, figures_data
from hoctap.targets.indicators import indicator_list
from hoctap.targets.selectors import UnitRow, dashboard

FIGURES = "/api/v1/open/figures"
INDICATORS = "/api/v1/open/indicators"
TOO_MANY = "Too many requests from your address. Try again in a minute."


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    """Rate-limit counters of one test must not leak into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def base(live_server: Any, tree: Tree, people: People) -> str:
    figures_data(tree, people)
    return str(live_server.url)


def vietnamese(message: str) -> str:
    """What the server (Vietnamese by default) answers for a message."""
    with translation.override("vi"):
        return gettext(message)


def figures(base: str, unit: AdminUnit | None = None, **params: Any) -> Response:
    if unit is not None:
        params["unit"] = unit.key
    return get(base, FIGURES, params={"year": YEAR, **params})


def assert_open(response: Response, status: int = 200) -> dict[str, Any]:
    """Answered with the status, readable from any origin; the body."""
    assert response.status == status, response.body
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body: dict[str, Any] = response.json()
    return body


def as_numbers(row: UnitRow) -> dict[str, tuple[Any, Any, Any]]:
    return {
        item.indicator.code: (
            item.figure.numerator,
            item.figure.denominator,
            float(item.figure.percentage) if item.figure.percentage is not None else None,
        )
        for item in row.indicators
    }


def json_numbers(row: dict[str, Any]) -> dict[str, tuple[Any, Any, Any]]:
    return {
        item["code"]: (item["numerator"], item["denominator"], item["percentage"])
        for item in row["indicators"]
    }


def titles(row: UnitRow) -> list[dict[str, Any]]:
    return [
        {"title": pair.title, "registered": pair.registered, "recognised": pair.recognised}
        for pair in row.titles
    ]


def json_titles(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {key: pair[key] for key in ("title", "registered", "recognised")} for pair in row["titles"]
    ]


# -- open to anyone -----------------------------------------------------------------------------


def test_anyone_reads_the_figures_without_signing_in(base: str, tree: Tree) -> None:
    body = assert_open(figures(base, tree.province))

    assert body["licence"] == "CC BY 4.0"
    assert body["licence_url"].startswith("https://creativecommons.org/licenses/by/4.0")
    assert body["as_of"]
    assert body["unit"] == {"key": tree.province.key, "name": tree.province.name, "level": 1}
    assert body["year"] == YEAR
    assert body["page"].endswith(f"/portal/figures/?unit={tree.province.key}&year={YEAR}")
    assert [point["year"] for point in body["trend"]] == list(range(2021, YEAR + 1))


def test_the_year_defaults_to_this_year(base: str) -> None:
    body = assert_open(get(base, FIGURES))
    assert body["unit"] is None
    assert body["name"] == vietnamese("Whole country")
    assert body["year"] == YEAR  # the factories' year is this year


@pytest.mark.parametrize("where", ["country", "province", "commune"])
def test_the_figures_equal_the_officials_dashboard(
    base: str, tree: Tree, people: People, where: str
) -> None:
    # given
    unit, official = {
        "country": (None, people.admin),
        "province": (tree.province, people.province_official),
        "commune": (tree.commune, people.commune_official),
    }[where]
    board = dashboard(official, unit, YEAR)
    # when
    body = assert_open(figures(base, unit))
    # then
    assert json_numbers(body["summary"]) == as_numbers(board.summary)
    assert json_titles(body["summary"]) == titles(board.summary)
    households = next(
        row
        for row in body["summary"]["indicators"]
        if row["code"] == board.summary.indicators[0].indicator.code
    )
    expected = board.summary.indicators[0]
    assert households["status"] == expected.status
    assert (households["target_2025"] or {}).get("value") == (
        float(expected.target_2025.value) if expected.target_2025 is not None else None
    )
    if where == "commune":
        # The official sees the hamlets; the public never does.
        assert board.children
        assert body["children"] == []
        return
    by_key = {child["unit"]["key"]: child for child in body["children"]}
    assert set(by_key) == {child.unit.key for child in board.children if child.unit is not None}
    for child in board.children:
        assert child.unit is not None
        assert json_numbers(by_key[child.unit.key]) == as_numbers(child)
        assert json_titles(by_key[child.unit.key]) == titles(child)


def test_a_local_target_says_who_set_it(base: str, tree: Tree) -> None:
    body = assert_open(figures(base, tree.commune))

    households = next(
        row for row in body["summary"]["indicators"] if row["code"] == "households_learning_family"
    )
    assert households["target_2025"]["value"] == 72.5
    assert households["target_2025"]["set_by"]["key"] == tree.province.key
    assert households["denominator"] == 8
    assert households["denominator_origin"]["kind"] == "declared"
    assert households["percentage"] == 50.0


def test_no_personal_name_is_in_the_figures(base: str, tree: Tree) -> None:
    for unit in (None, tree.province, tree.commune):
        response = figures(base, unit)
        assert response.status == 200
        assert HEAD_NAME.encode() not in response.body


def test_a_year_without_data_has_null_percentages_never_zero(base: str, tree: Tree) -> None:
    body = assert_open(figures(base, tree.commune, year=2022))

    assert body["summary"]["has_data"] is False
    assert {row["percentage"] for row in body["summary"]["indicators"]} == {None}
    assert {row["status"] for row in body["summary"]["indicators"]} == {"no_data"}


# -- not open, refused --------------------------------------------------------------------------


def test_a_hamlet_is_not_found(base: str, tree: Tree) -> None:
    response = figures(base, tree.hamlet)

    body = assert_open(response, 404)
    assert response.content_type.startswith("application/problem+json")
    assert body["status"] == 404
    assert tree.hamlet.name.encode() not in response.body


def test_an_unknown_key_is_not_found(base: str) -> None:
    assert_open(get(base, FIGURES, params={"unit": "99999"}), 404)


def test_a_year_out_of_range_is_refused(base: str) -> None:
    body = assert_open(get(base, FIGURES, params={"year": 1900}), 422)
    assert body["detail"] == vietnamese("Choose a year from %(first)s to %(last)s.") % {
        "first": 2000,
        "last": 2100,
    }


def test_the_figures_are_read_only(base: str, tree: Tree) -> None:
    posted = call(base, "POST", FIGURES, json_body={"unit": tree.province.key})
    assert posted.status == 405


# -- the indicators -----------------------------------------------------------------------------


def test_the_indicators_are_the_definitions_of_the_targets_app(base: str) -> None:
    body = assert_open(get(base, INDICATORS))

    assert body["licence"] == "CC BY 4.0"
    with translation.override("vi"):
        definitions = indicator_list()
    assert [item["code"] for item in body["indicators"]] == [item["code"] for item in definitions]
    for served, defined in zip(body["indicators"], definitions, strict=True):
        for field in ("name", "source", "note", "numerator_is_declared"):
            assert served[field] == defined[field]
        for side in ("numerator", "denominator"):
            assert {key: served[side][key] for key in defined[side]} == defined[side]


# -- the rate limit -----------------------------------------------------------------------------


def test_too_many_requests_from_one_address_are_refused(base: str, settings: Any) -> None:
    # given a limit of three a minute
    settings.HOCTAP_OPEN_DATA_RATE_PER_MINUTE = 3
    for path in (FIGURES, INDICATORS, FIGURES):
        assert_open(get(base, path))
    # when
    response = get(base, INDICATORS)
    # then
    body = assert_open(response, 429)
    assert response.content_type.startswith("application/problem+json")
    assert body["title"] == vietnamese(TOO_MANY)
    assert response.headers["Retry-After"] == "60"
    assert assert_open(get(base, FIGURES), 429)["status"] == 429


def test_the_limit_counts_per_minute_window(base: str, settings: Any) -> None:
    settings.HOCTAP_OPEN_DATA_RATE_PER_MINUTE = 1
    assert_open(get(base, FIGURES))
    assert_open(get(base, FIGURES), 429)
    # A new window (the counters cleared, as a minute later) lets the address in again.
    cache.clear()
    assert_open(get(base, FIGURES))
