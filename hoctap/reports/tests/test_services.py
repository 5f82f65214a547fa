"""Reporting periods and reports through the services: opening, pre-filled figures equal to
the dashboard's, corrections with notes, submitting (complete, once, frozen), returning and
resubmitting, compiling, and the bad input each step refuses."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.models import Notification
from hoctap.reports import services
from hoctap.reports.compiling import compile_period
from hoctap.reports.models import Cadence, Report, ReportState, ReportSubmission
from hoctap.reports.tests.factories import (
    DEADLINE,
    ENDS,
    NARRATIVE,
    YEAR,
    families,
    report_of,
    submitted,
    yearly,
)
from hoctap.targets import services as target_services
from hoctap.targets.selectors import dashboard

pytestmark = pytest.mark.django_db

FAMILY = "learning_family"
HOUSEHOLDS = "households_learning_family"


@pytest.fixture(autouse=True)
def national(db: Any) -> None:
    target_services.national_targets_load()


# -- opening ----------------------------------------------------------------------------------


def test_opening_a_period_asks_each_unit_and_tells_their_officials(
    tree: Tree, people: People
) -> None:
    period = yearly(people, tree)

    assert {r.unit for r in period.reports.respondents()} == {tree.commune, tree.other_commune}
    assert period.reports.filter(is_compiled=True, unit=tree.province).count() == 1
    assert all(r.state == ReportState.DRAFT for r in period.reports.all())
    told = Notification.objects.filter(user=people.commune_official).get()
    assert "31/12" not in told.message
    assert "05/01/2026" in told.message
    assert told.url == f"/reports/{report_of(period, tree.commune).pk}/"
    assert not Notification.objects.filter(user=people.other_province_official).exists()


def test_the_mail_goes_out_with_the_transaction(
    tree: Tree, people: People, django_capture_on_commit_callbacks: Any
) -> None:
    people.commune_official.email = "xa@example.org"
    people.commune_official.save()
    with django_capture_on_commit_callbacks(execute=True):
        yearly(people, tree)
    assert [message.to for message in mail.outbox] == [["xa@example.org"]]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"deadline": datetime.date(YEAR, 12, 1)}, "deadline"),
        ({"ends_on": datetime.date(YEAR - 1, 12, 31)}, "ends_on"),
        ({"units": []}, "units"),
        ({"form": "nonsense"}, "form"),
        ({"cadence": Cadence.AD_HOC}, "subject"),
    ],
)
def test_a_bad_period_is_refused_and_nothing_is_written(
    tree: Tree, people: People, changes: dict[str, Any], code: str
) -> None:
    with pytest.raises(BusinessError) as refused:
        yearly(people, tree, **changes)
    assert refused.value.code == code
    assert not Report.objects.exists()


def test_units_outside_the_province_are_named_and_refused(tree: Tree, people: People) -> None:
    with pytest.raises(BusinessError, match="Nông Cống"):
        yearly(people, tree, units=[tree.commune, tree.far_commune])
    with pytest.raises(BusinessError):
        services.period_open(
            people.commune_official,
            unit=tree.province,
            cadence=Cadence.YEARLY,
            form="commune",
            starts_on=datetime.date(YEAR, 1, 1),
            ends_on=ENDS,
            deadline=DEADLINE,
            units=[tree.commune],
        )
    assert not Report.objects.exists()


# -- pre-filled figures -----------------------------------------------------------------------


def test_prefilled_figures_equal_the_dashboards(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=3, registered=2)
    period = yearly(people, tree)
    report = services.report_prepare(people.commune_official, report_of(period, tree.commune))

    shown = dashboard(people.commune_official, tree.commune, YEAR).summary
    figures = report.prefilled["figures"][str(YEAR)]
    for pair in shown.titles:
        assert figures[f"registered.{pair.title}"] == pair.registered
        assert figures[f"recognised.{pair.title}"] == pair.recognised
    for row in shown.indicators:
        assert figures[f"numerator.{row.indicator.code}"] == row.figure.numerator
        assert figures[f"denominator.{row.indicator.code}"] == row.figure.denominator
    assert figures[f"registered.{FAMILY}"] == 5
    assert figures[f"recognised.{FAMILY}"] == 3
    assert figures["fund"] is None  # typed in by the commune
    assert report.prefilled["targets"][str(YEAR)][HOUSEHOLDS][0] == "70"


def test_a_correction_needs_a_note_and_every_bad_figure_is_listed(
    tree: Tree, people: People
) -> None:
    families(tree.hamlet, recognised=3)
    period = yearly(people, tree)
    actor = people.commune_official
    report = services.report_prepare(actor, report_of(period, tree.commune))
    year = str(YEAR)

    with pytest.raises(BusinessError) as refused:
        services.report_save(
            actor,
            report,
            revision=report.revision,
            corrections={
                year: {
                    f"recognised.{FAMILY}": {"value": "4", "note": ""},
                    f"registered.{FAMILY}": {"value": "-1", "note": "x"},
                    "fund": {"value": "mười", "note": ""},
                }
            },
        )
    messages = refused.value.messages
    assert len(messages) == 3
    assert any("say why" in m.lower() or "lý do" in m.lower() for m in messages)

    report = services.report_save(
        actor,
        report,
        revision=report.revision,
        corrections={
            year: {
                f"recognised.{FAMILY}": {"value": "4", "note": "Một gia đình công nhận muộn"},
                "fund": {"value": "12.500.000", "note": ""},
            }
        },
    )
    assert report.corrections[year][f"recognised.{FAMILY}"]["value"] == 4
    assert report.corrections[year]["fund"]["value"] == 12_500_000


def test_a_stale_form_is_refused(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    actor = people.commune_official
    report = services.report_prepare(actor, report_of(period, tree.commune))
    stale = report.revision
    services.report_save(actor, report, revision=stale, narrative={"results": "Lần một"})
    with pytest.raises(ConflictError):
        services.report_save(actor, report, revision=stale, narrative={"results": "Lần hai"})
    report.refresh_from_db()
    assert report.narrative["results"] == "Lần một"


# -- submitting -------------------------------------------------------------------------------


def test_an_incomplete_report_names_the_missing_sections(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    actor = people.commune_official
    report = services.report_prepare(actor, report_of(period, tree.commune))
    report = services.report_save(
        actor, report, revision=report.revision, narrative={"results": "Đã làm"}
    )
    with pytest.raises(BusinessError) as refused:
        services.report_submit(actor, report, revision=report.revision)
    assert refused.value.code == "incomplete"
    assert "Difficulties" in str(refused.value) or "Khó khăn" in str(refused.value)
    assert not ReportSubmission.objects.exists()


def test_submitting_freezes_the_report_against_later_data(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=2)
    period = yearly(people, tree)
    report = submitted(people.commune_official, report_of(period, tree.commune))
    version = report.submissions.get()
    assert version.figures[str(YEAR)][f"recognised.{FAMILY}"] == 2
    assert version.on_time

    families(tree.hamlet, recognised=5)  # later decisions change the live data

    version.refresh_from_db()
    assert version.figures[str(YEAR)][f"recognised.{FAMILY}"] == 2
    assert compile_period(period).totals[str(YEAR)][f"recognised.{FAMILY}"] == 2


def test_submitting_twice_and_editing_after_are_refused(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    actor = people.commune_official
    report = submitted(actor, report_of(period, tree.commune))
    with pytest.raises(BusinessError, match="already"):
        services.report_submit(actor, report, revision=report.revision)
    with pytest.raises(BusinessError) as refused:
        services.report_save(actor, report, revision=report.revision, narrative={"results": "x"})
    assert refused.value.code == "submitted"
    assert report.submissions.count() == 1


def test_a_late_submission_is_marked_late(tree: Tree, people: People) -> None:
    period = yearly(people, tree)
    late = timezone.make_aware(datetime.datetime.combine(DEADLINE, datetime.time(9)))
    late += datetime.timedelta(days=1)
    report = submitted(people.commune_official, report_of(period, tree.commune), now=late)
    assert not report.submissions.get().on_time


def test_returned_and_resubmitted_unchanged_is_warned_then_versioned(
    tree: Tree, people: People
) -> None:
    period = yearly(people, tree)
    actor = people.commune_official
    report = submitted(actor, report_of(period, tree.commune))

    with pytest.raises(BusinessError):  # a commune cannot return its own report
        services.report_return(actor, report, revision=report.revision, reason="x")
    with pytest.raises(BusinessError, match=r"why|lý do"):
        services.report_return(
            people.province_official, report, revision=report.revision, reason=" "
        )
    report = services.report_return(
        people.province_official, report, revision=report.revision, reason="Thiếu số liệu quỹ"
    )
    assert report.state == ReportState.RETURNED
    assert Notification.objects.filter(
        user=people.commune_official, message__contains="Thiếu số liệu quỹ"
    ).exists()

    with pytest.raises(BusinessError) as warned:
        services.report_submit(actor, report, revision=report.revision)
    assert warned.value.code == "unchanged"
    services.report_submit(actor, report, revision=report.revision, confirm_unchanged=True)
    assert list(report.submissions.values_list("number", flat=True)) == [1, 2]


# -- compiling --------------------------------------------------------------------------------


def test_the_compiled_report_is_the_sum_of_the_submitted_ones(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=3, registered=1)
    families(tree.other_commune_hamlet, recognised=2)
    period = yearly(people, tree)
    first = submitted(people.commune_official, report_of(period, tree.commune))

    compiled = compile_period(period)
    assert [row.report for row in compiled.missing] == [report_of(period, tree.other_commune)]
    assert compiled.totals[str(YEAR)][f"recognised.{FAMILY}"] == 3

    second = submitted(people.other_commune_official, report_of(period, tree.other_commune))
    compiled = compile_period(period)
    year = str(YEAR)
    for key in compiled.totals[year]:
        parts = [
            report.submissions.get().figures[year][key]
            for report in (first, second)
            if report.submissions.get().figures[year][key] is not None
        ]
        if key.split(".")[0] not in ("numerator", "denominator"):
            assert compiled.totals[year][key] == (sum(parts) if parts else None), key
    assert compiled.totals[year][f"recognised.{FAMILY}"] == 5
    assert compiled.totals[year][f"registered.{FAMILY}"] == 6


def test_the_province_submits_its_compiled_report(tree: Tree, people: People) -> None:
    families(tree.hamlet, recognised=1)
    period = yearly(people, tree)
    submitted(people.commune_official, report_of(period, tree.commune))
    own = period.reports.get(is_compiled=True)
    with pytest.raises(BusinessError):
        services.report_save(
            people.commune_official, own, revision=own.revision, narrative=NARRATIVE
        )
    own = services.report_save(
        people.province_official, own, revision=own.revision, narrative=NARRATIVE
    )
    version = services.report_submit(people.province_official, own, revision=own.revision)
    assert version.figures == compile_period(period).totals
