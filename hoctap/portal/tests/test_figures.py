"""The open figures' page and downloads: the same numbers as the officials' dashboards, for the
country, a province and a commune (never a hamlet), read back from the .csv and .xlsx, with
"no data" where there is none, no personal data, and cached for anonymous visitors."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from hoctap.accounts.models import User
from hoctap.adminunits.models import AdminUnit
from hoctap.assessments.models import State
from hoctap.assessments.tests.factories import YEAR, make_assessment
from hoctap.conftest import People, Tree
from hoctap.portal.views_figures import FIGURES_SHEET
from hoctap.registry.models import DeclaredStatistic, Relation, StatisticKind
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory
from hoctap.targets import registry_counts, rollups, services
from hoctap.targets.indicators import INDICATORS
from hoctap.targets.selectors import Dashboard, UnitRow, dashboard

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "households_learning_family"
HEAD_NAME = "Lò Thị Riêng Tư"
PLAN = "Kế hoạch số 35/KH-UBND ngày 23/9/2022"
# A year of the programmes in which nothing was recorded.
EMPTY_YEAR = 2022


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    """Cached pages and rate-limit counters of one test must not leak into the next."""
    cache.clear()
    yield
    cache.clear()


def families(hamlet: AdminUnit, *, recognised: int, registered: int = 0) -> None:
    """Households of the hamlet with a named head: some recognised, some only registered."""
    for count, state in ((recognised, State.RECOGNISED), (registered, State.REGISTERED)):
        for _ in range(count):
            household = HouseholdFactory.create(hamlet=hamlet, commune=hamlet.parent)
            head = PersonFactory.create(
                household=household, relation=Relation.HEAD, full_name=f"{HEAD_NAME} {hamlet.key}"
            )
            household.head = head
            household.save(update_fields=["head"])
            make_assessment(household=household, state=state, year=YEAR)


def figures_data(tree: Tree, people: People) -> None:
    """Results in three communes of two provinces, a declared statistic and a local target."""
    services.national_targets_load()
    families(tree.hamlet, recognised=3, registered=2)
    families(tree.other_hamlet, recognised=1)
    families(tree.other_commune_hamlet, recognised=1, registered=1)
    families(tree.far_hamlet, recognised=2)
    DeclaredStatistic.objects.create(
        unit=tree.commune,
        unit_path=tree.commune.path,
        year=YEAR,
        kind=StatisticKind.HOUSEHOLDS,
        value=8,
        source="Báo cáo xã",
    )
    services.target_set(
        actor=people.admin,
        indicator=HOUSEHOLDS,
        unit=tree.province,
        year=2025,
        value="72,5",
        source=PLAN,
    )
    rollups.rebuild()
    registry_counts.rebuild()


@pytest.fixture
def data(tree: Tree, people: People) -> None:
    figures_data(tree, people)


def visitor() -> Client:
    """An anonymous visitor reading in English (the msgids)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def figures_url(name: str = "portal:figures", **query: Any) -> str:
    url = reverse(name)
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


# -- reading the page's numbers -----------------------------------------------------------------


class Cells(HTMLParser):
    """The `data-value` of every `data-field` cell, by (table, row): the summary's rows by
    indicator code, the titles' by title, the units-below tables' by unit key."""

    def __init__(self) -> None:
        super().__init__()
        self.table = ""
        self.row = ""
        self.values: dict[tuple[str, str, str], str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "table":
            self.table = found.get("id") or found.get("data-children", "")
        elif tag == "tr":
            self.row = (
                found.get("data-indicator") or found.get("data-title") or found.get("data-unit", "")
            )
        elif tag == "td" and "data-field" in found:
            self.values[(self.table, self.row, found["data-field"])] = found.get("data-value", "")


def page_cells(html: str) -> dict[tuple[str, str, str], str]:
    parser = Cells()
    parser.feed(html)
    return parser.values


def text(value: Any) -> str:
    """A number as the page's `data-value`, the .csv and the .xlsx (read back) write it."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = Decimal(value)
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def expected_cells(row: UnitRow) -> dict[str, dict[str, str]]:
    """Per indicator code, the dashboard's numerator, denominator and percentage."""
    return {
        item.indicator.code: {
            "numerator": text(item.figure.numerator),
            "denominator": text(item.figure.denominator),
            "percentage": text(item.figure.percentage),
        }
        for item in row.indicators
    }


def titles_of(row: UnitRow) -> list[tuple[str, int, int]]:
    return [(pair.title, pair.registered, pair.recognised) for pair in row.titles]


def assert_same_figures(html: str, official: Dashboard, children: list[UnitRow]) -> None:
    """The page's summary, titles and units-below tables hold the official's numbers."""
    cells = page_cells(html)
    for code, fields in expected_cells(official.summary).items():
        for field, value in fields.items():
            assert text(cells[("summary", code, field)]) == value, (code, field)
    for title, registered, recognised in titles_of(official.summary):
        assert cells[("titles", title, "registered")] == str(registered)
        assert cells[("titles", title, "recognised")] == str(recognised)
    for child in children:
        assert child.unit is not None
        for code, fields in expected_cells(child).items():
            for field, value in fields.items():
                assert text(cells[(code, child.unit.key, field)]) == value, (child.unit, code)


# -- the same figures as the dashboards ---------------------------------------------------------


def test_the_country_shows_the_national_dashboards_figures(data: None, people: People) -> None:
    # given
    official = dashboard(people.admin, None, YEAR)
    # when
    response = visitor().get(figures_url())
    # then
    assert response.status_code == 200
    board = response.context["board"]
    assert board.unit is None
    assert [child.unit for child in response.context["children"]] == [
        child.unit for child in official.children
    ]
    assert_same_figures(response.content.decode(), official, official.children)
    assert titles_of(board.summary) == titles_of(official.summary)


def test_a_province_shows_its_officials_figures_and_its_communes(
    data: None, tree: Tree, people: People
) -> None:
    official = dashboard(people.province_official, tree.province, YEAR)

    response = visitor().get(figures_url(unit=tree.province.key, year=YEAR))

    assert response.status_code == 200
    html = response.content.decode()
    assert {child.unit for child in official.children} == {tree.commune, tree.other_commune}
    assert_same_figures(html, official, official.children)
    # The local target, who set it, and the status as a word.
    households = official.summary.row(HOUSEHOLDS)
    assert str(households.target_2025) in html
    assert "72.5%, set by Tỉnh Sơn La" in html
    assert households.status_label in html
    # The breadcrumb leads back to the country; the communes below are links.
    assert [crumb.name for crumb in response.context["breadcrumb"]] == ["Whole country"]
    assert f"?unit={tree.commune.key}&amp;year={YEAR}" in html


def test_a_commune_shows_its_officials_figures_and_no_hamlet(
    data: None, tree: Tree, people: People
) -> None:
    official = dashboard(people.commune_official, tree.commune, YEAR)
    assert official.children  # the official sees the hamlets …

    response = visitor().get(figures_url(unit=tree.commune.key, year=YEAR))

    assert response.status_code == 200
    html = response.content.decode()
    assert_same_figures(html, official, [])
    # … the public does not.
    assert response.context["children"] == []
    for hamlet in (tree.hamlet, tree.other_hamlet):
        assert hamlet.name not in html
        assert hamlet.key not in html
    assert "The figures of hamlets are not published" in html
    # The declared denominator and where it came from.
    cells = page_cells(html)
    assert cells[("summary", HOUSEHOLDS, "denominator")] == "8"
    assert text(cells[("summary", HOUSEHOLDS, "percentage")]) == "50"
    assert "declared: Báo cáo xã" in html
    crumbs = response.context["breadcrumb"]
    assert [crumb.name for crumb in crumbs] == ["Whole country", tree.province.name]
    assert crumbs[1].url == figures_url(unit=tree.province.key, year=YEAR)


def test_the_page_draws_a_chart_per_indicator_and_links_the_downloads(
    data: None, tree: Tree
) -> None:
    response = visitor().get(figures_url(unit=tree.province.key, year=YEAR))

    html = response.content.decode()
    sections = response.context["sections"]
    assert len(sections) == len(response.context["board"].summary.indicators)
    # A chart where there is something to draw, a sentence where nothing is known.
    trends = [section for section in sections if section.trend_has_data]
    bars = [section for section in sections if section.lines_have_data]
    assert [section.indicator.code for section in trends] == [HOUSEHOLDS]
    assert HOUSEHOLDS in [section.indicator.code for section in bars]
    assert html.count('data-chart="trend"') == len(trends)
    assert html.count("data-no-trend") == len(sections) - len(trends)
    assert html.count('data-chart="units"') == len(bars)
    assert html.count("data-no-units") == len(sections) - len(bars)
    # Every indicator lists the units below in a table, with the status in words.
    assert html.count("data-children=") == len(sections)
    trend_years = [bar.year for bar in sections[0].trend_chart.bars]
    assert trend_years == list(range(2021, YEAR + 1))
    query = f"unit={tree.province.key}&amp;year={YEAR}"
    assert f'href="{reverse("portal:figures_csv")}?{query}"' in html
    assert f'href="{reverse("portal:figures_xlsx")}?{query}"' in html
    assert f'href="/api/v1/open/figures?{query}"' in html
    assert "CC BY 4.0" in html
    assert f'<link rel="canonical" href="http://testserver/portal/figures/?{query}">' in html


# -- not open -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["portal:figures", "portal:figures_csv", "portal:figures_xlsx"])
def test_a_hamlet_is_not_found(data: None, tree: Tree, name: str) -> None:
    assert visitor().get(figures_url(name, unit=tree.hamlet.key)).status_code == 404


@pytest.mark.parametrize("name", ["portal:figures", "portal:figures_csv", "portal:figures_xlsx"])
def test_an_unknown_key_is_not_found(tree: Tree, name: str) -> None:
    assert visitor().get(figures_url(name, unit="99999")).status_code == 404


def test_signed_in_officials_see_the_same_open_page(data: None, tree: Tree, people: People) -> None:
    """Nothing of the official's scope leaks in: the public page is the same for everyone."""
    client = visitor()
    client.force_login(people.commune_official)

    response = client.get(figures_url(unit=tree.commune.key, year=YEAR))

    assert response.status_code == 200
    assert response.context["children"] == []
    assert tree.hamlet.name not in response.content.decode()


# -- the downloads ------------------------------------------------------------------------------


def csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(content: bytes) -> list[dict[str, Any]]:
    workbook = load_workbook(io.BytesIO(content))
    rows = list(workbook[FIGURES_SHEET].iter_rows(values_only=True))
    headings = [str(cell) for cell in rows[0]]
    return [dict(zip(headings, row, strict=True)) for row in rows[1:]]


@dataclass
class Downloaded:
    page: str
    csv: list[dict[str, str]]
    xlsx: list[dict[str, Any]]


def downloaded(unit: AdminUnit | None, year: int = YEAR) -> Downloaded:
    query = {"unit": unit.key, "year": year} if unit is not None else {"year": year}
    client = visitor()
    page = client.get(figures_url(**query))
    as_csv = client.get(figures_url("portal:figures_csv", **query))
    as_xlsx = client.get(figures_url("portal:figures_xlsx", **query))
    assert as_csv.status_code == as_xlsx.status_code == 200
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_xlsx["Content-Disposition"].startswith("attachment")
    return Downloaded(page.content.decode(), csv_rows(as_csv.content), xlsx_rows(as_xlsx.content))


@pytest.mark.parametrize("where", ["country", "province", "commune"])
def test_the_csv_and_xlsx_hold_the_pages_numbers(data: None, tree: Tree, where: str) -> None:
    unit = {"country": None, "province": tree.province, "commune": tree.commune}[where]
    # when
    files = downloaded(unit)
    # then
    cells = page_cells(files.page)
    own_key = unit.key if unit is not None else ""
    assert len(files.csv) == len(files.xlsx)
    for from_csv, from_xlsx in zip(files.csv, files.xlsx, strict=True):
        assert from_csv["Unit key"] == (from_xlsx["Unit key"] or "")
        assert from_csv["Year"] == str(YEAR)
        assert from_xlsx["Year"] == YEAR
        code = from_csv["Indicator code"]
        table = "summary" if from_csv["Unit key"] == own_key else code
        row = code if table == "summary" else from_csv["Unit key"]
        for field, column in (
            ("numerator", "Numerator"),
            ("denominator", "Denominator"),
            ("percentage", "Percentage"),
        ):
            on_page = text(cells[(table, row, field)])
            assert text(from_csv[column]) == on_page, (row, code, field)
            assert text(from_xlsx[column]) == on_page, (row, code, field)
        # Real numbers in the .xlsx, plain ones in the .csv; empty, never 0, without data.
        if from_csv["Percentage"]:
            assert isinstance(from_xlsx["Percentage"], int | float)
        else:
            assert from_xlsx["Percentage"] is None
    unit_keys = {row["Unit key"] for row in files.csv}
    if where == "country":
        assert unit_keys == {"", tree.province.key, tree.other_province.key}
    elif where == "province":
        assert unit_keys == {tree.province.key, tree.commune.key, tree.other_commune.key}
    else:
        assert unit_keys == {tree.commune.key}


def test_the_csv_holds_the_targets_and_the_status_in_words(data: None, tree: Tree) -> None:
    files = downloaded(tree.province)

    households = next(
        row
        for row in files.csv
        if row["Unit key"] == tree.province.key and row["Indicator code"] == HOUSEHOLDS
    )
    assert households["Target 2025"] == "72.5"
    assert households["Target 2025 set by"] == tree.province.name
    assert households["Target 2030 set by"] == "national"
    assert households["Status"] in {"Met", "On track", "Behind"}
    assert households["Status code"] in {"met", "on_track", "behind"}
    in_xlsx = next(
        row
        for row in files.xlsx
        if row["Unit key"] == tree.province.key and row["Indicator code"] == HOUSEHOLDS
    )
    assert in_xlsx["Target 2025"] == 72.5


def test_a_typed_in_bad_year_is_refused_for_a_download(tree: Tree) -> None:
    response = visitor().get(figures_url("portal:figures_csv", year="abc"))
    assert response.status_code == 400
    assert "Choose a year from 2000 to 2100." in response.content.decode()


def test_a_bad_year_on_the_page_says_so_and_shows_this_year(data: None) -> None:
    response = visitor().get(figures_url(year="1999"))
    assert response.status_code == 200
    assert response.context["board"].year == YEAR
    assert "Choose a year from 2000 to 2100." in response.content.decode()


# -- no data, no personal data ------------------------------------------------------------------


def test_a_year_without_data_says_so_never_zero_percent(data: None, tree: Tree) -> None:
    response = visitor().get(figures_url(unit=tree.commune.key, year=EMPTY_YEAR))

    html = response.content.decode()
    assert response.context["has_data"] is False
    assert 'id="no-data"' in html
    assert f"No data for {EMPTY_YEAR} yet" in html
    cells = page_cells(html)
    percentages = [value for (table, _row, field), value in cells.items() if field == "percentage"]
    assert percentages
    assert all(value == "" for value in percentages)
    shown = 'data-field="percentage" data-value=""><span class="fw-normal">no data</span>'
    assert html.count(shown) == len(INDICATORS)
    files = downloaded(tree.commune, EMPTY_YEAR)
    assert all(row["Percentage"] == "" for row in files.csv)
    assert all(row["Percentage"] is None for row in files.xlsx)


def test_no_household_heads_name_appears(data: None, tree: Tree) -> None:
    for unit in (None, tree.province, tree.commune):
        files = downloaded(unit)
        assert HEAD_NAME not in files.page
        assert all(HEAD_NAME not in value for row in files.csv for value in row.values())
        assert all(
            HEAD_NAME not in str(value) for row in files.xlsx for value in row.values() if value
        )


# -- caching ------------------------------------------------------------------------------------


def test_anonymous_visitors_are_served_from_the_cache(data: None, tree: Tree) -> None:
    url = figures_url(unit=tree.commune.key, year=YEAR)
    first = visitor().get(url)
    assert first.status_code == 200
    assert "public" in first["Cache-Control"]
    # A new result after the page was cached …
    families(tree.hamlet, recognised=4)
    rollups.rebuild()

    again = visitor().get(url)

    # … shows only when the cached copy expires (within a minute).
    assert again.content == first.content
    cache.clear()
    fresh = visitor().get(url)
    assert fresh.content != first.content


def test_signed_in_visitors_are_never_served_from_the_cache(
    data: None, tree: Tree, people: People
) -> None:
    url = figures_url(unit=tree.commune.key, year=YEAR)
    visitor().get(url)
    families(tree.hamlet, recognised=4)
    rollups.rebuild()
    client = visitor()
    official: User = people.commune_official
    client.force_login(official)

    response = client.get(url)

    assert "private" in response["Cache-Control"]
    with translation.override("en"):
        fresh = dashboard(official, tree.commune, YEAR).summary.row(HOUSEHOLDS)
    assert page_cells(response.content.decode())[("summary", HOUSEHOLDS, "numerator")] == str(
        fresh.figure.numerator
    )
