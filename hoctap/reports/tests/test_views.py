"""The report pages through real requests: the scope matrix of every page, opening a period,
filling, correcting, submitting, returning and resubmitting a report, the versions compared,
the status board with its compiled figures and documents."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from hoctap.adminunits.models import AdminUnit
from hoctap.conftest import People, Tree
from hoctap.core.models import Notification
from hoctap.registry.models import ManagingLevel, Organisation
from hoctap.registry.tests.factories import OrganisationFactory
from hoctap.reports import services, views
from hoctap.reports.models import (
    PeriodStatus,
    ReminderKind,
    ReminderSent,
    Report,
    ReportingPeriod,
    ReportState,
    ReportSubmission,
)
from hoctap.reports.tests.factories import (
    DEADLINE,
    NARRATIVE,
    YEAR,
    families,
    report_of,
    submitted,
    yearly,
)
from hoctap.targets import services as target_services

pytestmark = pytest.mark.django_db

FAMILY_RECOGNISED = "recognised.learning_family"
FAMILY_REGISTERED = "registered.learning_family"
BEFORE_DEADLINE = datetime.date(2026, 1, 3)
AFTER_DEADLINE = datetime.date(2026, 1, 20)


@pytest.fixture(autouse=True)
def national(db: Any) -> Iterator[None]:
    """National targets, and pages read in English whatever the catalogue holds."""
    target_services.national_targets_load()
    with translation.override("en"):
        yield


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.date], None]:
    """Set the day the pages take as today (before the deadline unless set otherwise)."""

    def set_day(day: datetime.date) -> None:
        monkeypatch.setattr(views, "_today", lambda: day)

    set_day(BEFORE_DEADLINE)
    return set_day


def signed_in(user: Any) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def url(name: str, pk: int) -> str:
    return reverse(f"reports:{name}", args=[pk])


def page(response: Any) -> str:
    return response.content.decode()


def form_data(report: Report, **changes: Any) -> dict[str, Any]:
    """What the report's form sends: every figure as shown, the narrative, the revision."""
    report.refresh_from_db()
    data: dict[str, Any] = {"revision": str(report.revision)}
    values = services.submission_figures(report) if report.prefilled else {}
    for year, figures in values.items():
        for key, value in figures.items():
            data[f"fig-{year}-{key}"] = "" if value is None else str(value)
            note = report.corrections.get(year, {}).get(key, {}).get("note", "")
            data[f"note-{year}-{key}"] = note
    for code, text in report.narrative.items():
        data[f"section-{code}"] = text
    data.update(changes)
    return data


def narrative_fields(narrative: dict[str, str] = NARRATIVE) -> dict[str, str]:
    return {f"section-{code}": text for code, text in narrative.items()}


def agency_of(commune: AdminUnit, name: str, level: str = ManagingLevel.PROVINCE) -> Organisation:
    """An organisation of the commune, managed at `level`."""
    organisation: Organisation = OrganisationFactory.create(
        commune=commune, name=name, managing_level=level
    )
    return organisation


def prepared(client: Client, report: Report) -> Report:
    """The report opened once by its unit (which pre-fills it)."""
    assert client.get(url("report", report.pk)).status_code == 200
    report.refresh_from_db()
    return report


def snapshot(report: Report) -> tuple[Any, ...]:
    report.refresh_from_db()
    return (
        report.state,
        report.revision,
        report.narrative,
        report.corrections,
        report.submissions.count(),
    )


# -- scope matrix -----------------------------------------------------------------------------

REPORT_PAGES = ["report", "report_versions"]
REPORT_POSTS = ["report", "report_refresh", "report_submit", "report_return"]
PERIOD_PAGES = ["period", "compiled_docx", "compiled_xlsx"]


def test_anonymous_is_sent_to_sign_in_everywhere(
    client: Client, tree: Tree, people: People
) -> None:
    period = yearly(people, tree)
    report = report_of(period, tree.commune)
    before = snapshot(report)
    gets = [reverse("reports:index"), reverse("reports:period_new")]
    gets += [url(name, report.pk) for name in REPORT_PAGES]
    gets += [url(name, period.pk) for name in PERIOD_PAGES]
    for address in gets:
        response = client.get(address)
        assert response.status_code == 302, address
        assert "/accounts/login/" in response["Location"]
    posts = [url(name, report.pk) for name in REPORT_POSTS]
    posts += [url("period_close", period.pk), reverse("reports:period_new")]
    for address in posts:
        response = client.post(address, {"revision": "0", **narrative_fields()})
        assert response.status_code == 302, address
        assert "/accounts/login/" in response["Location"]
    assert snapshot(report) == before
    assert ReportingPeriod.objects.count() == 1
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN


def test_another_commune_official_gets_404_and_changes_nothing(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    report = prepared(signed_in(people.commune_official), report_of(period, tree.commune))
    before = snapshot(report)
    client = signed_in(people.other_commune_official)
    for name in REPORT_PAGES:
        assert client.get(url(name, report.pk)).status_code == 404, name
    for name in REPORT_POSTS:
        response = client.post(url(name, report.pk), form_data(report, reason="Sai"))
        assert response.status_code == 404, name
    for name in PERIOD_PAGES:
        assert client.get(url(name, period.pk)).status_code == 404, name
    assert client.post(url("period_close", period.pk)).status_code == 404
    assert client.get(reverse("reports:period_new")).status_code == 404
    assert snapshot(report) == before
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN
    # their own commune's report is theirs to open
    assert client.get(url("report", report_of(period, tree.other_commune).pk)).status_code == 200


def test_the_commune_official_fills_their_report(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    report = report_of(period, tree.commune)
    client = signed_in(people.commune_official)

    response = client.get(url("report", report.pk))

    assert response.status_code == 200
    assert 'id="report-form"' in page(response)
    report.refresh_from_db()
    assert report.prefilled["figures"][str(YEAR)]  # pre-filled on the first opening
    assert "Figures as of" in page(response)
    saved = client.post(url("report", report.pk), form_data(report, **narrative_fields()))
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.narrative["results"] == NARRATIVE["results"]
    assert report.state == ReportState.DRAFT


def test_the_province_reads_a_commune_report_but_cannot_change_it(
    tree: Tree, people: People
) -> None:
    period = yearly(people, tree)
    commune = signed_in(people.commune_official)
    report = prepared(commune, report_of(period, tree.commune))
    commune.post(url("report", report.pk), form_data(report, **narrative_fields()))
    before = snapshot(report)
    province = signed_in(people.province_official)

    response = province.get(url("report", report.pk))

    assert response.status_code == 200
    assert 'id="report-form"' not in page(response)
    assert NARRATIVE["difficulties"] in page(response)
    assert 'id="board-link"' in page(response)
    for name in ("report", "report_refresh", "report_submit"):
        refused = province.post(url(name, report.pk), form_data(report, **{"section-results": "X"}))
        assert refused.status_code == 404, name
    assert snapshot(report) == before
    # nothing to return yet: the report is a draft
    assert 'id="return-form"' not in page(response)


def test_another_province_official_gets_404(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    report = report_of(period, tree.commune)
    compiled = period.reports.get(is_compiled=True)
    client = signed_in(people.other_province_official)
    for pk in (report.pk, compiled.pk):
        for name in REPORT_PAGES:
            assert client.get(url(name, pk)).status_code == 404
    for name in PERIOD_PAGES:
        assert client.get(url(name, period.pk)).status_code == 404
    assert client.post(url("period_close", period.pk)).status_code == 404
    # and the province official below opens nothing of another province's form either
    response = client.post(
        reverse("reports:period_new"), {"unit": tree.province.key, "cadence": "yearly"}
    )
    assert response.status_code == 404
    assert ReportingPeriod.objects.count() == 1


def test_a_commune_official_sees_no_status_board(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    client = signed_in(people.commune_official)
    for name in PERIOD_PAGES:
        assert client.get(url(name, period.pk)).status_code == 404
    assert client.get(url("report", period.reports.get(is_compiled=True).pk)).status_code == 404
    assert client.post(url("period_close", period.pk)).status_code == 404
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN


# -- the work list ----------------------------------------------------------------------------


def test_the_work_list_of_a_commune_official(
    tree: Tree, people: People, today: Callable[[datetime.date], None]
) -> None:
    period = yearly(people, tree)
    report = report_of(period, tree.commune)
    client = signed_in(people.commune_official)

    response = client.get(reverse("reports:index"))

    assert response.status_code == 200
    text = page(response)
    assert f'data-report="{report.pk}"' in text
    assert f'data-report="{report_of(period, tree.other_commune).pk}"' not in text
    assert period.name in text
    assert "05/01/2026" in text
    assert "Draft" in text
    assert url("report", report.pk) in text
    assert 'data-overdue="1"' not in text
    assert reverse("reports:plans") in text
    assert 'id="period-new-link"' not in text
    # once the deadline has passed, the report is flagged
    today(AFTER_DEADLINE)
    late = page(client.get(reverse("reports:index")))
    assert 'data-overdue="1"' in late
    assert "Overdue" in late


def test_the_work_list_of_a_province_official(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    submitted(people.commune_official, report_of(period, tree.commune))
    client = signed_in(people.province_official)

    text = page(client.get(reverse("reports:index")))

    assert f'data-period="{period.pk}"' in text
    assert "1/2 submitted" in text
    assert 'id="period-new-link"' in text
    other = page(signed_in(people.other_province_official).get(reverse("reports:index")))
    assert f'data-period="{period.pk}"' not in other
    citizen = signed_in(people.citizen).get(reverse("reports:index"))
    assert citizen.status_code == 200
    assert 'id="no-reports"' in page(citizen)


def test_a_closed_period_leaves_the_work_list_unless_asked(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    services.period_close(people.province_official, period)
    client = signed_in(people.commune_official)
    report = report_of(period, tree.commune)
    assert f'data-report="{report.pk}"' not in page(client.get(reverse("reports:index")))
    everything = page(client.get(reverse("reports:index") + "?all=1"))
    assert f'data-report="{report.pk}"' in everything


# -- opening a period -------------------------------------------------------------------------


def period_post(tree: Tree, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": tree.province.key,
        "cadence": "yearly",
        "form": "commune",
        "subject": "",
        "starts_on": "01/01/2025",
        "ends_on": "2025-12-31",
        "deadline": "05/01/2026",
        "units": [tree.commune.pk, tree.other_commune.pk],
        "note": "Gửi trước ngày 05/01.",
        "once": "token-1",
    }
    data.update(changes)
    return data


def test_the_form_lists_the_province_communes_and_agencies(tree: Tree, people: People) -> None:
    agency = agency_of(tree.commune, "Sở Giáo dục và Đào tạo")
    school = agency_of(tree.commune, "Trường Tiểu học Mường Giôn", ManagingLevel.COMMUNE)
    far = agency_of(tree.far_commune, "Sở GD Thanh Hóa")
    client = signed_in(people.province_official)

    response = client.get(reverse("reports:period_new"))

    assert response.status_code == 200
    text = page(response)
    for commune in (tree.commune, tree.other_commune):
        assert f'value="{commune.pk}"' in text
        assert commune.name in text
    assert tree.far_commune.name not in text
    assert text.count("checked") == 3  # both communes and "all communes"
    assert 'id="tick-all-units" checked' in text
    assert agency.name in text
    assert school.name not in text
    assert far.name not in text


def test_the_province_official_opens_a_period(tree: Tree, people: People) -> None:
    agency = agency_of(tree.commune, "Sở Giáo dục và Đào tạo")
    client = signed_in(people.province_official)

    response = client.post(
        reverse("reports:period_new"), period_post(tree, organisations=[agency.pk])
    )

    period = ReportingPeriod.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("period", period.pk)
    assert period.unit == tree.province
    assert period.deadline == DEADLINE
    assert period.ends_on == datetime.date(YEAR, 12, 31)
    assert period.note == "Gửi trước ngày 05/01."
    assert {r.unit for r in period.reports.respondents().filter(organisation=None)} == {
        tree.commune,
        tree.other_commune,
    }
    assert period.reports.filter(organisation=agency).exists()
    assert Notification.objects.filter(user=people.commune_official).exists()
    board = client.get(response["Location"])
    assert board.status_code == 200
    assert "The period is open" in page(board)


def test_a_deadline_before_the_end_is_refused_and_nothing_saved(tree: Tree, people: People) -> None:
    client = signed_in(people.province_official)

    response = client.post(reverse("reports:period_new"), period_post(tree, deadline="01/12/2025"))

    assert response.status_code == 422
    assert "is before the end of the period" in page(response)
    assert 'data-error="deadline"' in page(response)
    assert not ReportingPeriod.objects.exists()
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cadence": "ad_hoc"}, "subject", "An ad hoc report needs a subject."),
        ({"units": []}, None, "Choose the units or agencies that must report."),
        ({"ends_on": "01/01/2024"}, "ends_on", "The period ends before it starts."),
        ({"deadline": "31/02/2026"}, "deadline", "Enter a valid date."),
    ],
)
def test_bad_periods_are_refused_with_a_message(
    tree: Tree, people: People, changes: dict[str, Any], field: str | None, message: str
) -> None:
    response = signed_in(people.province_official).post(
        reverse("reports:period_new"), period_post(tree, **changes)
    )
    assert response.status_code == 422
    assert message in page(response)
    if field:
        assert f'data-error="{field}"' in page(response)
    assert not ReportingPeriod.objects.exists()


def test_a_commune_of_another_province_cannot_be_asked(tree: Tree, people: People) -> None:
    response = signed_in(people.province_official).post(
        reverse("reports:period_new"), period_post(tree, units=[tree.far_commune.pk])
    )
    assert response.status_code == 422
    assert 'id="units-errors"' in page(response)
    assert 'id="tick-all-units" checked' not in page(response)
    assert not ReportingPeriod.objects.exists()


def test_the_same_form_sent_twice_opens_one_period(tree: Tree, people: People) -> None:
    client = signed_in(people.province_official)
    first = client.post(reverse("reports:period_new"), period_post(tree))
    second = client.post(reverse("reports:period_new"), period_post(tree))
    period = ReportingPeriod.objects.get()
    assert first["Location"] == second["Location"] == url("period", period.pk)
    assert "already sent" in page(client.get(second["Location"]))
    # a new form (a new token) opens another period, as asked
    client.post(reverse("reports:period_new"), period_post(tree, once="token-2"))
    assert ReportingPeriod.objects.count() == 2


def test_an_administrator_picks_the_province(tree: Tree, people: People) -> None:
    client = signed_in(people.admin)
    chooser = client.get(reverse("reports:period_new"))
    assert chooser.status_code == 200
    assert 'id="owner-choice"' in page(chooser)
    assert 'id="period-form"' not in page(chooser)
    form = client.get(reverse("reports:period_new") + f"?unit={tree.other_province.key}")
    assert tree.far_commune.name in page(form)
    assert tree.commune.name not in page(form)
    opened = client.post(
        reverse("reports:period_new"),
        period_post(tree, unit=tree.other_province.key, units=[tree.far_commune.pk]),
    )
    assert opened.status_code == 302
    assert ReportingPeriod.objects.get().unit == tree.other_province


def test_only_owners_open_periods(tree: Tree, people: People) -> None:
    for user in (people.commune_official, people.collector, people.organisation_head):
        client = signed_in(user)
        assert client.get(reverse("reports:period_new")).status_code == 404
        assert client.post(reverse("reports:period_new"), period_post(tree)).status_code == 404
    assert not ReportingPeriod.objects.exists()


# -- filling a report -------------------------------------------------------------------------


def test_the_page_shows_the_prefilled_figures_and_percentages(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=2, registered=1)
    period = yearly(people, tree)
    client = signed_in(people.commune_official)
    report = report_of(period, tree.commune)

    text = page(client.get(url("report", report.pk)))

    report.refresh_from_db()
    assert report.prefilled["figures"][str(YEAR)][FAMILY_RECOGNISED] == 2
    assert f'name="fig-{YEAR}-{FAMILY_RECOGNISED}"' in text
    assert f'name="note-{YEAR}-{FAMILY_RECOGNISED}"' in text
    assert f'name="fig-{YEAR}-fund"' in text
    assert f'name="note-{YEAR}-fund"' not in text  # a typed-in figure needs no note
    assert 'name="section-results"' in text
    assert 'name="section-plans_ahead"' in text
    assert "Learning family: recognised" in text
    assert 'data-table="percentages"' in text
    assert f'name="revision" value="{report.revision}"' in text


def test_a_correction_without_a_note_is_refused_and_nothing_saved(
    tree: Tree, people: People
) -> None:
    families(tree.hamlet, recognised=2)
    period = yearly(people, tree)
    client = signed_in(people.commune_official)
    report = prepared(client, report_of(period, tree.commune))
    before = snapshot(report)
    field = f"fig-{YEAR}-{FAMILY_RECOGNISED}"

    response = client.post(
        url("report", report.pk), form_data(report, **{field: "5"}, **narrative_fields())
    )

    assert response.status_code == 422
    text = page(response)
    assert "say why the figure differs from the data" in text
    assert 'aria-invalid="true"' in text
    assert f'name="{field}" id="id-{field}" value="5"' in text  # what was typed is kept
    assert NARRATIVE["results"] in text
    assert snapshot(report) == before
    # with a note it is saved
    note = f"note-{YEAR}-{FAMILY_RECOGNISED}"
    saved = client.post(
        url("report", report.pk), form_data(report, **{field: "5", note: "Thiếu 3 hộ"})
    )
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.corrections == {
        str(YEAR): {FAMILY_RECOGNISED: {"value": 5, "note": "Thiếu 3 hộ"}}
    }
    shown = page(client.get(url("report", report.pk)))
    assert 'value="Thiếu 3 hộ"' in shown


def test_a_stale_form_is_refused_with_the_fresh_report(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    client = signed_in(people.commune_official)
    report = prepared(client, report_of(period, tree.commune))
    stale = form_data(report, **{"section-results": "Bản của tôi"})
    # a colleague saves meanwhile
    services.report_save(
        people.commune_official, report, revision=report.revision, narrative={"results": "Bản khác"}
    )
    before = snapshot(report)

    response = client.post(url("report", report.pk), stale)

    assert response.status_code == 409
    text = page(response)
    assert "changed by someone else" in text
    assert "Nothing was saved" in text
    assert "Bản khác" in text  # the fresh report
    assert 'data-unsaved="results"' in text
    assert "Bản của tôi" in text
    assert f'name="revision" value="{before[1]}"' in text
    assert snapshot(report) == before


def test_fill_and_submit(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    client = signed_in(people.commune_official)
    report = prepared(client, report_of(period, tree.commune))

    response = client.post(
        url("report_submit", report.pk),
        form_data(report, **{f"fig-{YEAR}-fund": "1.500.000"}, **narrative_fields()),
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    submission = report.submissions.get()
    assert submission.number == 1
    assert submission.figures[str(YEAR)]["fund"] == 1_500_000
    assert submission.narrative["proposals"] == NARRATIVE["proposals"]
    shown = page(client.get(url("report", report.pk)))
    assert "The report is submitted (version 1)" in shown
    assert 'id="report-form"' not in shown  # read-only
    assert 'data-version="1"' in shown
    assert NARRATIVE["results"] in shown
    # editing after submission is refused, nothing changes
    before = snapshot(report)
    refused = client.post(url("report", report.pk), form_data(report, **{"section-results": "X"}))
    assert refused.status_code == 422
    assert "can no longer be changed" in page(refused)
    assert snapshot(report) == before


def test_the_same_submission_sent_twice_makes_one_version(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    client = signed_in(people.commune_official)
    report = prepared(client, report_of(period, tree.commune))
    data = form_data(report, **narrative_fields())

    client.post(url("report_submit", report.pk), data)
    again = client.post(url("report_submit", report.pk), data)

    assert again.status_code == 302
    assert "already been submitted" in page(client.get(again["Location"]))
    assert report.submissions.count() == 1


def test_an_incomplete_report_names_the_missing_sections(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    client = signed_in(people.commune_official)
    report = prepared(client, report_of(period, tree.commune))

    response = client.post(
        url("report_submit", report.pk),
        form_data(report, **{"section-results": "Đã làm.", "section-difficulties": ""}),
    )

    assert response.status_code == 422
    text = page(response)
    assert "Fill in before submitting" in text
    assert "Difficulties and limitations" in text
    assert "Proposals and recommendations" in text
    assert 'id="missing-sections"' in text
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert not report.submissions.exists()
    assert report.narrative["results"] == "Đã làm."  # the typed text is kept as a draft


def test_take_the_figures_again(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    client = signed_in(people.commune_official)
    report = prepared(client, report_of(period, tree.commune))
    assert not report.prefilled["figures"][str(YEAR)][FAMILY_RECOGNISED]
    families(tree.hamlet, recognised=1)

    response = client.post(url("report_refresh", report.pk), {"revision": report.revision})

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.prefilled["figures"][str(YEAR)][FAMILY_RECOGNISED] == 1
    # a stale one changes nothing and says why
    before = snapshot(report)
    stale = client.post(url("report_refresh", report.pk), {"revision": "0"}, follow=True)
    assert "changed by someone else" in page(stale)
    assert snapshot(report) == before


# -- returning and resubmitting ---------------------------------------------------------------


def test_the_province_returns_a_report_with_a_reason(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    report = submitted(people.commune_official, report_of(period, tree.commune))
    province = signed_in(people.province_official)
    shown = page(province.get(url("report", report.pk)))
    assert 'id="return-form"' in shown
    # the commune official is offered no return form and may not post one
    commune = signed_in(people.commune_official)
    assert 'id="return-form"' not in page(commune.get(url("report", report.pk)))
    refused = commune.post(url("report_return", report.pk), form_data(report, reason="Tự trả"))
    assert refused.status_code == 404

    empty = province.post(url("report_return", report.pk), form_data(report, reason="  "))
    assert empty.status_code == 422
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED

    response = province.post(
        url("report_return", report.pk), form_data(report, reason="Thiếu số liệu quỹ.")
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    assert report.return_reason == "Thiếu số liệu quỹ."
    text = page(commune.get(url("report", report.pk)))
    assert 'id="returned"' in text
    assert "Thiếu số liệu quỹ." in text
    assert 'id="report-form"' in text  # editable again


def test_a_returned_report_resubmitted_unchanged_warns_then_confirms(
    tree: Tree, people: People
) -> None:
    period = yearly(people, tree)
    report = submitted(people.commune_official, report_of(period, tree.commune))
    services.report_return(
        people.province_official, report, revision=report.revision, reason="Xem lại."
    )
    client = signed_in(people.commune_official)

    warned = client.post(url("report_submit", report.pk), form_data(report))

    assert warned.status_code == 422
    text = page(warned)
    assert "Nothing changed since the report was returned" in text
    assert 'name="confirm_unchanged"' in text
    assert report.submissions.count() == 1
    confirmed = client.post(
        url("report_submit", report.pk), form_data(report, confirm_unchanged="1")
    )
    assert confirmed.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.submissions.count() == 2


def test_the_versions_compare_shows_what_changed(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    report = submitted(people.commune_official, report_of(period, tree.commune))
    services.report_return(
        people.province_official, report, revision=report.revision, reason="Bổ sung quỹ."
    )
    client = signed_in(people.commune_official)
    client.post(
        url("report_submit", report.pk),
        form_data(
            report,
            **{f"fig-{YEAR}-fund": "2000000", "section-proposals": "Đề nghị tỉnh cấp kinh phí."},
        ),
    )
    assert report.submissions.count() == 2

    listing = client.get(url("report_versions", report.pk))
    compared = client.get(url("report_versions", report.pk) + "?a=1&b=2")

    assert listing.status_code == 200
    assert 'data-version="1"' in page(listing)
    assert 'data-version="2"' in page(listing)
    assert compared.status_code == 200
    text = page(compared)
    assert "Learning promotion fund raised" in text
    assert re.search(r"<ins[^>]*>2,000,000</ins>", text)  # English grouping
    assert "Proposals and recommendations" in text
    assert '<span class="visually-hidden">added: </span>cấp kinh phí.</ins>' in text
    assert '<span class="visually-hidden">removed: </span>hỗ trợ tập huấn.</del>' in text
    assert "Difficulties and limitations" not in text  # unchanged sections are left out
    assert client.get(url("report_versions", report.pk) + "?a=1&b=9").status_code == 404
    # the province reads the versions too; another commune does not
    province = signed_in(people.province_official)
    assert province.get(url("report_versions", report.pk) + "?a=1&b=2").status_code == 200
    other = signed_in(people.other_commune_official)
    assert other.get(url("report_versions", report.pk) + "?a=1&b=2").status_code == 404


# -- the status board -------------------------------------------------------------------------


def test_the_status_board_shows_on_time_late_missing(
    tree: Tree, people: People, today: Callable[[datetime.date], None]
) -> None:
    period = yearly(people, tree)
    submitted(people.commune_official, report_of(period, tree.commune))
    client = signed_in(people.province_official)

    pending = page(client.get(url("period", period.pk)))
    assert "On time" in pending
    assert "Pending" in pending
    assert "1/2 submitted (50%)" in pending
    assert "02/01/2026 09:00" in pending  # first submitted, local time

    today(AFTER_DEADLINE)
    missing = page(client.get(url("period", period.pk)))
    assert "Missing" in missing
    assert "Pending" not in missing

    late = datetime.datetime(2026, 1, 10, 8, 0, tzinfo=timezone.get_current_timezone())
    submitted(people.other_commune_official, report_of(period, tree.other_commune), now=late)
    ReminderSent.objects.create(
        report=report_of(period, tree.other_commune),
        kind=ReminderKind.AFTER_1,
        sent_at=late,
        recipients=1,
    )
    board = client.get(url("period", period.pk))
    text = page(board)
    assert 'data-timeliness="late"' in text
    assert ">Late<" in text
    assert 'data-timeliness="on_time"' in text
    assert "2/2 submitted (100%)" in text
    assert "On time: 50%" in text
    assert "1 reminder sent" in text


def test_the_status_board_compiles_the_submitted_reports(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=2, registered=1)
    period = yearly(people, tree)
    submitted(people.commune_official, report_of(period, tree.commune))
    client = signed_in(people.province_official)

    response = client.get(url("period", period.pk))

    text = page(response)
    compiled = response.context["compiled"]
    assert compiled.totals[str(YEAR)][FAMILY_RECOGNISED] == 2
    assert compiled.totals[str(YEAR)][FAMILY_REGISTERED] == 3
    assert 'data-table="titles"' in text
    assert "Learning family" in text
    assert f'data-missing="{report_of(period, tree.other_commune).pk}"' in text
    own = period.reports.get(is_compiled=True)
    assert url("report", own.pk) in text
    assert url("compiled_docx", period.pk) in text
    assert url("compiled_xlsx", period.pk) in text
    assert 'id="period-close"' in text


def test_the_status_board_costs_the_same_queries_for_more_reports(
    tree: Tree, people: People, django_assert_max_num_queries: Any
) -> None:
    period = yearly(people, tree)
    submitted(people.commune_official, report_of(period, tree.commune))
    submitted(people.other_commune_official, report_of(period, tree.other_commune))
    client = signed_in(people.province_official)
    client.get(url("period", period.pk))  # warm the session and the scope
    with django_assert_max_num_queries(20):
        assert client.get(url("period", period.pk)).status_code == 200


def test_closing_a_period(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    client = signed_in(people.province_official)

    response = client.post(url("period_close", period.pk), follow=True)

    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED
    assert "The period is closed" in page(response)
    assert 'id="period-close"' not in page(response)
    commune = signed_in(people.commune_official)
    report = report_of(period, tree.commune)
    shown = page(commune.get(url("report", report.pk)))
    assert 'id="report-form"' not in shown
    assert "The period is closed." in shown
    before = snapshot(report)
    refused = commune.post(url("report", report.pk), form_data(report, **narrative_fields()))
    assert refused.status_code == 422
    assert "This reporting period is closed." in page(refused)
    assert snapshot(report) == before


# -- the compiled report and its documents ----------------------------------------------------


def test_the_compiled_report_shows_the_sums_and_its_narrative(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=2)
    period = yearly(people, tree)
    submitted(people.commune_official, report_of(period, tree.commune))
    own = period.reports.get(is_compiled=True)
    client = signed_in(people.province_official)

    text = page(client.get(url("report", own.pk)))

    assert 'id="totals"' in text
    assert 'data-table="titles"' in text
    assert 'id="refresh-form"' not in text  # compiled, not pre-filled
    assert f'name="fig-{YEAR}-{FAMILY_RECOGNISED}"' not in text
    assert 'name="section-results"' in text
    response = client.post(url("report_submit", own.pk), form_data(own, **narrative_fields()))
    assert response.status_code == 302
    submission = ReportSubmission.objects.get(report=own)
    assert submission.figures[str(YEAR)][FAMILY_RECOGNISED] == 2


def test_the_compiled_documents_open(tree: Tree, people: People) -> None:
    from docx import Document
    from openpyxl import load_workbook

    families(tree.hamlet, recognised=2)
    period = yearly(people, tree)
    submitted(people.commune_official, report_of(period, tree.commune))
    client = signed_in(people.province_official)

    word = client.get(url("compiled_docx", period.pk))
    excel = client.get(url("compiled_xlsx", period.pk))

    assert word.status_code == 200
    assert word["Content-Type"] == views.DOCX
    assert "attachment" in word["Content-Disposition"]
    document = Document(io.BytesIO(word.content))
    assert any("BÁO CÁO" in paragraph.text for paragraph in document.paragraphs)
    assert excel.status_code == 200
    assert excel["Content-Type"] == views.XLSX
    workbook = load_workbook(io.BytesIO(excel.content))
    values = [cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row]
    assert 2 in values


# -- agencies ---------------------------------------------------------------------------------


def test_an_organisation_head_fills_the_agency_report(tree: Tree, people: People) -> None:
    agency = agency_of(tree.commune, "Sở Giáo dục và Đào tạo")
    period = yearly(people, tree, organisations=[agency])
    report = period.reports.get(organisation=agency)
    client = signed_in(people.organisation_head)

    assert f'data-report="{report.pk}"' in page(client.get(reverse("reports:index")))
    text = page(client.get(url("report", report.pk)))
    assert f'name="fig-{YEAR}-fund"' in text
    assert f'name="fig-{YEAR}-{FAMILY_RECOGNISED}"' not in text  # agencies count no titles
    response = client.post(
        url("report_submit", report.pk),
        form_data(report, **{f"fig-{YEAR}-fund": "300000"}, **narrative_fields()),
    )
    assert response.status_code == 302
    assert report.submissions.get().figures[str(YEAR)]["fund"] == 300_000
    # the commune's report is not theirs
    assert client.get(url("report", report_of(period, tree.commune).pk)).status_code == 404


def test_the_pages_in_vietnamese_write_dates_and_numbers_the_vietnamese_way(
    tree: Tree, people: People
) -> None:
    period = yearly(people, tree)
    client = signed_in(people.commune_official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    report = prepared(client, report_of(period, tree.commune))
    client.post(
        url("report_submit", report.pk),
        form_data(report, **{f"fig-{YEAR}-fund": "2.500.000"}, **narrative_fields()),
    )
    with translation.override("vi"):
        shown = page(client.get(url("report", report.pk)))
        board = signed_in(people.province_official)
        board.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
        status = page(board.get(url("period", period.pk)))

    assert "05/01/2026" in shown
    assert "2.500.000" in shown  # the fund, grouped with dots
    assert "2.500.000 đồng" in status  # the compiled fund
    assert report.submissions.get().figures[str(YEAR)]["fund"] == 2_500_000
