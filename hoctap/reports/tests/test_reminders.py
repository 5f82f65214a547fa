"""Reminders about reports not yet submitted, with the time passed in: none before 7 days ahead,
each kind once in its window (7 days and 1 day before, 1 and 7 days after the deadline, 08:00
local time), none for a submitted report or a closed period, none sent late for a missed window;
in the application for the commune's officials and by e-mail to those with an address."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from hoctap.accounts.models import Role
from hoctap.accounts.tests.factories import user_with_role
from hoctap.conftest import People, Tree
from hoctap.core.models import Notification
from hoctap.registry.models import ManagingLevel
from hoctap.registry.tests.factories import OrganisationFactory
from hoctap.reports import reminders, services
from hoctap.reports.models import ReminderKind, ReminderSent, ReportingPeriod
from hoctap.reports.tests.factories import report_of, submitted, yearly

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 12, 5)


def at(day: datetime.date, hour: int = 8, minute: int = 0) -> datetime.datetime:
    """A moment in local time (Asia/Ho_Chi_Minh), as the reminders' 08:00 is."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def days(n: int) -> datetime.date:
    """The day `n` days from the deadline."""
    return DEADLINE + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def period(tree: Tree, people: People) -> ReportingPeriod:
    """Sơn La's 2026 yearly report due 05/12/2026, asking Mường Giôn and Tô Hiệu."""
    return yearly(
        people,
        tree,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 11, 30),
        deadline=DEADLINE,
    )


def sent_kinds() -> list[tuple[str, str]]:
    return sorted(ReminderSent.objects.values_list("report__unit__name", "kind"))


def test_nothing_is_sent_before_seven_days_ahead(period: ReportingPeriod) -> None:
    Notification.objects.all().delete()  # those of the opening

    assert reminders.send_due(at(days(-20))) == []
    assert reminders.send_due(at(days(-8), 23, 59)) == []
    assert reminders.send_due(at(days(-7), 7, 59)) == []

    assert not ReminderSent.objects.exists()
    assert not Notification.objects.exists()


def test_the_seven_day_reminder_goes_at_eight_once(
    tree: Tree, people: People, period: ReportingPeriod
) -> None:
    # when the hourly run reaches deadline − 7 days, 08:00
    sent = reminders.send_due(at(days(-7)))

    # then each unsubmitted report is reminded, with the 7-day kind
    assert {record.kind for record in sent} == {ReminderKind.BEFORE_7}
    assert {record.report.unit for record in sent} == {tree.commune, tree.other_commune}
    assert all(record.sent_at == at(days(-7)) for record in sent)
    # and the next runs in the same window send nothing
    assert reminders.send_due(at(days(-7), 9)) == []
    assert reminders.send_due(at(days(-2), 20)) == []
    assert ReminderSent.objects.count() == 2


def test_the_one_day_reminder_follows_the_seven_day_one(period: ReportingPeriod) -> None:
    reminders.send_due(at(days(-7)))

    assert reminders.send_due(at(days(-1), 7, 59)) == []  # still the 7-day window
    sent = reminders.send_due(at(days(-1)))
    assert {record.kind for record in sent} == {ReminderKind.BEFORE_1}
    assert len(sent) == 2
    assert reminders.send_due(at(days(-1), 18)) == []
    assert reminders.send_due(at(days(0), 23)) == []  # the deadline day itself: no new one


def test_after_the_deadline_the_overdue_reminders_go_out_then_stop(
    tree: Tree, people: People, period: ReportingPeriod
) -> None:
    after_1 = reminders.send_due(at(days(1)))
    assert {record.kind for record in after_1} == {ReminderKind.AFTER_1}
    assert reminders.send_due(at(days(6), 23)) == []

    after_7 = reminders.send_due(at(days(7)))
    assert {record.kind for record in after_7} == {ReminderKind.AFTER_7}
    assert len(after_7) == 2

    # a week after the last one, nothing more (nor ever again)
    assert reminders.send_due(at(days(14))) == []
    assert reminders.send_due(at(days(40))) == []
    message = Notification.objects.filter(user=people.commune_official).first()
    assert message is not None
    assert message.message.startswith("Overdue")
    assert "05/12/2026" in message.message


def test_a_missed_window_is_not_sent_late(period: ReportingPeriod) -> None:
    # the job did not run between deadline − 7 days and deadline − 1 day 08:00
    sent = reminders.send_due(at(days(-1), 8, 30))

    assert {record.kind for record in sent} == {ReminderKind.BEFORE_1}
    assert reminders.send_due(at(days(-1), 9)) == []
    assert not ReminderSent.objects.filter(kind=ReminderKind.BEFORE_7).exists()


def test_a_late_run_inside_the_window_still_sends_it(period: ReportingPeriod) -> None:
    sent = reminders.send_due(at(days(-3), 14))

    assert {record.kind for record in sent} == {ReminderKind.BEFORE_7}


def test_a_submitted_report_gets_no_reminder(
    tree: Tree, people: People, period: ReportingPeriod
) -> None:
    submitted(people.commune_official, report_of(period, tree.commune))

    for moment in (at(days(-7)), at(days(-1)), at(days(1)), at(days(7))):
        reminders.send_due(moment)

    assert set(ReminderSent.objects.values_list("report__unit", "kind")) == {
        (tree.other_commune.pk, kind) for kind in ReminderKind.values
    }
    assert not ReminderSent.objects.filter(report__unit=tree.commune).exists()


def test_a_returned_report_is_reminded_again(
    tree: Tree, people: People, period: ReportingPeriod
) -> None:
    report = submitted(people.commune_official, report_of(period, tree.commune))
    services.report_return(
        people.province_official, report, revision=report.revision, reason="Thiếu số liệu quỹ."
    )

    sent = reminders.send_due(at(days(-1)))

    assert tree.commune in {record.report.unit for record in sent}


def test_a_closed_period_gets_no_reminder(people: People, period: ReportingPeriod) -> None:
    services.period_close(people.province_official, period)

    for moment in (at(days(-7)), at(days(-1)), at(days(1)), at(days(7))):
        assert reminders.send_due(moment) == []
    assert not ReminderSent.objects.exists()


def test_the_reminder_goes_to_the_communes_officials_in_the_application(
    tree: Tree, people: People, period: ReportingPeriod
) -> None:
    second = user_with_role(Role.COMMUNE_OFFICIAL, tree.commune, "xa2")
    gone = user_with_role(Role.COMMUNE_OFFICIAL, tree.commune, "xacu")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    Notification.objects.all().delete()  # those of the opening

    sent = reminders.send_due(at(days(-7)))

    told = Notification.objects.all()
    assert {n.user for n in told} == {
        people.commune_official,
        second,
        people.other_commune_official,
    }
    mine = told.get(user=people.commune_official)
    report = report_of(period, tree.commune)
    assert mine.url == services.report_url(report)
    assert mine.message.startswith("Reminder")
    assert tree.commune.name in mine.message
    assert "05/12/2026" in mine.message
    assert period.name in mine.message
    assert mine.read_at is None
    recipients = {record.report.unit: record.recipients for record in sent}
    assert recipients == {tree.commune: 2, tree.other_commune: 1}
    # nobody else: not the province, the collector, the citizen or the organisation head
    for user in (
        people.province_official,
        people.collector,
        people.citizen,
        people.organisation_head,
        people.admin,
    ):
        assert not Notification.objects.filter(user=user).exists()


def test_the_reminder_is_mailed_to_officials_with_an_address(
    tree: Tree,
    people: People,
    period: ReportingPeriod,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.HOCTAP_PUBLIC_URL = "https://hoctap.example.vn"
    people.commune_official.email = "xa.muonggion@example.vn"
    people.commune_official.save(update_fields=["email"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_due(at(days(-1)))

    # one mail, to the official with an address; the one without has only the in-app message
    assert [message.to for message in mail.outbox] == [["xa.muonggion@example.vn"]]
    body = mail.outbox[0].body
    report = report_of(period, tree.commune)
    assert f"https://hoctap.example.vn{services.report_url(report)}" in body
    assert "05/12/2026" in body
    assert Notification.objects.filter(
        user=people.other_commune_official, message__startswith="Reminder"
    ).exists()


def test_a_second_run_mails_nobody_again(
    people: People, period: ReportingPeriod, django_capture_on_commit_callbacks: Any
) -> None:
    people.commune_official.email = "xa@example.vn"
    people.commune_official.save(update_fields=["email"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_due(at(days(-7)))
        reminders.send_due(at(days(-7), 10))

    assert len(mail.outbox) == 1


def test_an_agencys_report_reminds_the_heads_of_its_units_organisations(
    tree: Tree, people: People
) -> None:
    agency = OrganisationFactory.create(
        commune=tree.commune, name="Sở Giáo dục và Đào tạo", managing_level=ManagingLevel.PROVINCE
    )
    period = yearly(
        people,
        tree,
        units=[],
        organisations=[agency],
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 11, 30),
        deadline=DEADLINE,
    )
    Notification.objects.all().delete()

    sent = reminders.send_due(at(days(-7)))

    assert [record.report.organisation for record in sent] == [agency]
    assert list(Notification.objects.values_list("user", flat=True)) == [
        people.organisation_head.pk
    ]
    assert period.reports.get(organisation=agency).reminders.count() == 1


def test_reports_of_other_periods_are_left_alone(
    tree: Tree, people: People, period: ReportingPeriod
) -> None:
    later = yearly(
        people,
        tree,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        deadline=datetime.date(2027, 1, 15),
    )

    sent = reminders.send_due(at(days(-7)))

    assert {record.report.period for record in sent} == {period}
    assert not ReminderSent.objects.filter(report__period=later).exists()


@pytest.mark.parametrize(
    ("offset", "hour", "minute", "kind"),
    [
        (-7, 7, 59, None),
        (-7, 8, 0, ReminderKind.BEFORE_7),
        (-1, 7, 59, ReminderKind.BEFORE_7),
        (-1, 8, 0, ReminderKind.BEFORE_1),
        (0, 23, 59, ReminderKind.BEFORE_1),
        (1, 8, 0, ReminderKind.AFTER_1),
        (7, 8, 0, ReminderKind.AFTER_7),
        (14, 7, 59, ReminderKind.AFTER_7),
        (14, 8, 0, None),
    ],
)
def test_each_reminder_has_its_window(
    offset: int, hour: int, minute: int, kind: str | None
) -> None:
    assert reminders.due_kind(DEADLINE, at(days(offset), hour, minute)) == kind


# -- the management command -------------------------------------------------------------------


def test_the_command_sends_the_reminders_due_and_prints_the_count(
    tree: Tree, period: ReportingPeriod
) -> None:
    out = io.StringIO()

    call_command("send_report_reminders", "--now", "2026-12-04T08:30", stdout=out)

    assert out.getvalue().strip() == "Đã gửi 2 lời nhắc."
    assert sent_kinds() == sorted(
        [
            (tree.commune.name, ReminderKind.BEFORE_1),
            (tree.other_commune.name, ReminderKind.BEFORE_1),
        ]
    )
    # run again within the hour: nothing more
    again = io.StringIO()
    call_command("send_report_reminders", "--now", "2026-12-04T09:30", stdout=again)
    assert again.getvalue().strip() == "Đã gửi 0 lời nhắc."


def test_the_command_reads_a_time_without_zone_as_local_time(period: ReportingPeriod) -> None:
    out = io.StringIO()

    # 07:59 in Hà Nội is before the 08:00 moment (it would be 14:59 if read as UTC)
    call_command("send_report_reminders", "--now", "2026-12-04T07:59", stdout=out)

    assert {kind for _, kind in sent_kinds()} == {ReminderKind.BEFORE_7}


def test_the_command_refuses_a_bad_time(period: ReportingPeriod) -> None:
    with pytest.raises(CommandError, match="--now"):
        call_command("send_report_reminders", "--now", "4/12/2026", stdout=io.StringIO())
    assert not ReminderSent.objects.exists()
