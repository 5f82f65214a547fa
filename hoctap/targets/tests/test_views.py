"""The dashboard pages: scope matrix, the figures shown, sorting, the .xlsx export and the
targets page (set, override, refusals that change nothing)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from hoctap.adminunits.models import AdminUnit
from hoctap.assessments.models import State
from hoctap.assessments.tests.factories import YEAR, make_assessment
from hoctap.conftest import People, Tree
from hoctap.registry.models import DeclaredStatistic, StatisticKind
from hoctap.registry.tests.factories import HouseholdFactory
from hoctap.targets import excel, registry_counts, rollups, services
from hoctap.targets.models import Target
from hoctap.targets.selectors import dashboard

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "households_learning_family"


@pytest.fixture(autouse=True)
def national(db: Any) -> Any:
    """National targets, and pages read in English whatever the catalogue holds."""
    services.national_targets_load()
    with translation.override("en"):
        yield


def families(hamlet: AdminUnit, *, recognised: int, registered: int = 0) -> None:
    for count, state in ((recognised, State.RECOGNISED), (registered, State.REGISTERED)):
        for _ in range(count):
            make_assessment(
                household=HouseholdFactory(hamlet=hamlet, commune=hamlet.parent),
                state=state,
                year=YEAR,
            )
    rollups.rebuild()
    registry_counts.rebuild()


def signed_in(user: Any) -> Client:
    client = Client()
    # English pages, so the tests read the msgids whatever the catalogue holds.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def page_url(unit: AdminUnit, name: str = "dashboard", **query: Any) -> str:
    url = reverse(f"targets:{name}", args=[unit.key])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


# -- scope matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dashboard", "export", "targets"])
def test_anonymous_is_sent_to_sign_in(client: Client, tree: Tree, name: str) -> None:
    response = client.get(page_url(tree.commune, name))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["dashboard", "export", "targets"])
def test_another_commune_official_gets_404(tree: Tree, people: People, name: str) -> None:
    client = signed_in(people.other_commune_official)
    assert client.get(page_url(tree.commune, name)).status_code == 404
    assert client.get(page_url(tree.hamlet, name)).status_code == 404


def test_scope_same_commune_province_above_and_collector(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=1, registered=1)
    commune = signed_in(people.commune_official).get(page_url(tree.commune))
    assert commune.status_code == 200
    assert commune.context["board"].unit == tree.commune
    province = signed_in(people.province_official).get(page_url(tree.commune))
    assert province.status_code == 200
    assert b'data-unit="03694-001"' in province.content
    # the province official's breadcrumb links their province, not the country
    crumbs = province.context["breadcrumb"]
    assert [crumb.name for crumb in crumbs] == ["Tỉnh Sơn La"]
    # the collector lands on their hamlet and may not open the commune
    collector = signed_in(people.collector)
    landing = collector.get(reverse("targets:country_dashboard"))
    assert landing.status_code == 302
    assert landing["Location"] == page_url(tree.hamlet)
    assert collector.get(page_url(tree.hamlet)).status_code == 200
    assert collector.get(page_url(tree.commune)).status_code == 404


def test_each_official_lands_on_their_root(tree: Tree, people: People) -> None:
    home = reverse("targets:country_dashboard")
    assert signed_in(people.commune_official).get(home)["Location"] == page_url(tree.commune)
    assert signed_in(people.province_official).get(home)["Location"] == page_url(tree.province)
    admin = signed_in(people.admin).get(home)
    assert admin.status_code == 200
    assert admin.context["board"].unit is None
    admin_client = signed_in(people.admin)
    assert admin_client.get(reverse("targets:country_targets")).status_code == 200
    assert admin_client.get(reverse("targets:country_export")).status_code == 200
    assert signed_in(people.citizen).get(home).status_code == 404
    # a province official may not open the country
    assert (
        signed_in(people.province_official).get(reverse("targets:country_export")).status_code
        == 404
    )


def test_nav_shows_the_dashboard_to_officials_only(tree: Tree, people: People) -> None:
    home = reverse("core:home")
    assert b'id="nav-dashboard"' in signed_in(people.commune_official).get(home).content
    assert b'id="nav-dashboard"' not in signed_in(people.citizen).get(home).content


# -- what the page shows ------------------------------------------------------------------------


def test_the_page_shows_figures_origin_targets_status_and_no_data(
    tree: Tree, people: People
) -> None:
    # given 3 of 4 households of Bản Hày in learning families
    families(tree.hamlet, recognised=3, registered=1)
    client = signed_in(people.commune_official)
    response = client.get(page_url(tree.commune, year=YEAR))
    html = response.content.decode()
    board = response.context["board"]
    assert board.summary.row(HOUSEHOLDS).percentage == Decimal("75.0")
    assert "75%" in html
    assert "registry count" in html
    assert "70%, set by national" in html
    # 2026 is judged against 2030 (80 %): 75 % is on track, said in a word, not colour alone
    assert board.summary.row(HOUSEHOLDS).status == "on_track"
    assert 'data-status="on_track">On track</span>' in html
    # Bản Cọ has no family at all: "no data", never 0 %
    bo = next(line for line in response.context["lines"] if line.name == "Bản Cọ")
    assert bo.row.percentage is None
    assert "no data" in html
    assert "<svg" in html
    assert 'id="trend-chart"' in html
    assert 'id="bar-chart"' in html


def test_a_smaller_declared_denominator_warns_in_vietnamese_format(
    tree: Tree, people: People
) -> None:
    families(tree.hamlet, recognised=3)
    DeclaredStatistic.objects.create(
        unit=tree.hamlet,
        unit_path=tree.hamlet.path,
        year=YEAR,
        kind=StatisticKind.HOUSEHOLDS,
        value=2,
        source="Sổ thôn cũ",
    )
    DeclaredStatistic.objects.create(
        unit=tree.commune,
        unit_path=tree.commune.path,
        year=YEAR,
        kind=StatisticKind.HOUSEHOLDS,
        value=8,
        source="Báo cáo xã",
    )
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(people.commune_official)
    html = client.get(page_url(tree.commune, year=YEAR)).content.decode()
    assert "37,5%" in html
    hamlet_html = signed_in(people.commune_official).get(page_url(tree.hamlet, year=YEAR))
    text = hamlet_html.content.decode()
    assert "declared: Sổ thôn cũ" in text
    assert "The denominator is smaller than the numerator" in text


def test_children_sort_by_any_column(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=1, registered=3)
    families(tree.other_hamlet, recognised=3, registered=1)
    client = signed_in(people.commune_official)

    def order(sort: str) -> list[str]:
        response = client.get(page_url(tree.commune, year=YEAR, sort=sort))
        assert response.status_code == 200
        return [line.name for line in response.context["lines"]]

    assert order("name") == ["Bản Cọ", "Bản Hày"]
    assert order("-name") == ["Bản Hày", "Bản Cọ"]
    assert order("percentage") == ["Bản Hày", "Bản Cọ"]
    assert order("-percentage") == ["Bản Cọ", "Bản Hày"]
    assert order("-numerator") == ["Bản Cọ", "Bản Hày"]
    # an unknown column falls back to the name, with a message
    response = client.get(page_url(tree.commune, sort="bogus"))
    assert [line.name for line in response.context["lines"]] == ["Bản Cọ", "Bản Hày"]
    assert b"Unknown column to sort by." in response.content


def test_year_and_hierarchy_are_chosen_by_the_get_form(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=1)
    client = signed_in(people.commune_official)
    response = client.get(page_url(tree.commune, year=2022, hierarchy="historical"))
    board = response.context["board"]
    assert (board.year, board.hierarchy) == (2022, "historical")
    assert board.summary.row(HOUSEHOLDS).percentage is None
    # a year outside the choices shows the default year and says so
    response = client.get(page_url(tree.commune, year=1999))
    assert response.status_code == 200
    assert response.context["board"].year != 1999


# -- export -------------------------------------------------------------------------------------


def test_the_export_holds_the_page_figures(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=3, registered=1)
    client = signed_in(people.commune_official)
    response = client.get(page_url(tree.commune, "export", year=YEAR, hierarchy="current"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    board = dashboard(people.commune_official, tree.commune, YEAR)

    summary = workbook[excel.SUMMARY_SHEET]
    rows = list(
        summary.iter_rows(min_row=5, max_row=4 + len(board.summary.indicators), values_only=True)
    )
    for row, indicator_row in zip(rows, board.summary.indicators, strict=True):
        figure = indicator_row.figure
        assert row[0] == str(indicator_row.indicator.name)
        assert row[1] == figure.numerator
        assert row[3] == figure.denominator
        expected = float(figure.percentage) if figure.percentage is not None else None
        assert row[5] == expected
        assert row[8] == indicator_row.status_label
    assert rows[0][1:6:2] == (3, 4, 75.0)

    children = workbook[excel.CHILDREN_SHEET]
    child_rows = list(children.iter_rows(min_row=5, values_only=True))
    assert len(child_rows) == len(board.children) * len(board.indicators)
    for child in board.children:
        mine = [row for row in child_rows if row[1] == child.unit.key]  # type: ignore[union-attr]
        assert [row[2 + 1] for row in mine] == [r.figure.numerator for r in child.indicators]
        assert [row[2 + 5] for row in mine] == [
            float(r.percentage) if r.percentage is not None else None for r in child.indicators
        ]
    titles = list(workbook[excel.TITLES_SHEET].iter_rows(min_row=5, values_only=True))
    family = next(row for row in titles if row[0] == "Xã Mường Giôn" and row[2] == 4)
    assert family[3] == 3


# -- targets ------------------------------------------------------------------------------------


def set_target(client: Client, unit: AdminUnit, value: str, **extra: Any) -> Any:
    data = {
        "action": "set",
        "indicator": HOUSEHOLDS,
        "year": "2025",
        "value": value,
        "source": "Kế hoạch 12/KH-UBND",
        **extra,
    }
    return client.post(page_url(unit, "targets"), data)


def test_a_province_target_overrides_the_national_one(tree: Tree, people: People) -> None:
    client = signed_in(people.province_official)
    response = set_target(client, tree.province, "95")
    assert response.status_code == 302
    target = Target.objects.get(unit=tree.province)
    assert target.value == Decimal("95.00")
    # the commune's targets page shows the chain: Sơn La applies, national struck through
    page = signed_in(people.commune_official).get(page_url(tree.commune, "targets"))
    line = next(
        line
        for line in page.context["lines"]
        if line.indicator.code == HOUSEHOLDS and line.year == 2025
    )
    assert [link.set_by for link in line.chain] == ["Tỉnh Sơn La", "national"]
    assert line.chain[0].applies
    assert not line.chain[1].applies
    # and the commune's dashboard says who set it
    html = signed_in(people.commune_official).get(page_url(tree.commune)).content.decode()
    assert "95%, set by Tỉnh Sơn La" in html
    # a commune target overrides it in turn, and can be removed
    commune_client = signed_in(people.commune_official)
    assert set_target(commune_client, tree.commune, "97,5").status_code == 302
    html = commune_client.get(page_url(tree.commune)).content.decode()
    assert "97.5%, set by Xã Mường Giôn" in html
    own = Target.objects.get(unit=tree.commune)
    removed = commune_client.post(
        page_url(tree.commune, "targets"), {"action": "remove", "target": own.pk}
    )
    assert removed.status_code == 302
    assert not Target.objects.filter(unit=tree.commune).exists()


def test_a_target_above_100_is_refused_with_the_message(tree: Tree, people: People) -> None:
    client = signed_in(people.commune_official)
    response = set_target(client, tree.commune, "101")
    assert response.status_code == 422
    assert "A target is a percentage from 0 to 100." in response.content.decode()
    assert not Target.objects.filter(unit__isnull=False).exists()


def test_another_province_commune_is_refused_and_nothing_changes(
    tree: Tree, people: People
) -> None:
    before = list(Target.objects.values_list("pk", "value"))
    client = signed_in(people.province_official)
    assert set_target(client, tree.far_commune, "90").status_code == 404
    national = Target.objects.filter(unit__isnull=True, indicator=HOUSEHOLDS).first()
    assert national is not None
    removal = client.post(
        page_url(tree.province, "targets"), {"action": "remove", "target": national.pk}
    )
    assert removal.status_code == 404
    assert list(Target.objects.values_list("pk", "value")) == before


def test_who_sees_the_form(tree: Tree, people: People) -> None:
    assert (
        signed_in(people.commune_official).get(page_url(tree.commune, "targets")).context["may_set"]
    )
    collector = signed_in(people.collector)
    response = collector.get(page_url(tree.hamlet, "targets"))
    assert response.status_code == 200
    assert not response.context["may_set"]
    # a forged post from someone who may not set targets here looks like a missing page
    assert set_target(collector, tree.hamlet, "90").status_code == 404
    assert not Target.objects.filter(unit__isnull=False).exists()
