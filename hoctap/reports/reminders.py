"""Reminders about reports not yet submitted, before and after the deadline.

`send_due(now)` is run by `hoctap send-report-reminders` (every hour from cron or a systemd
timer); the time is passed in, so tests move it instead of waiting. Each reminder has a moment
(08:00 local time, 7 days and 1 day before the deadline, 1 and 7 days after) and is sent from
that moment until the next one's, at most once per report (`ReminderSent` is unique): a run
that missed a moment does not send a stale "due in 7 days" the day before.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.core.services import notify
from hoctap.reports.models import (
    PeriodStatus,
    ReminderKind,
    ReminderSent,
    Report,
    ReportState,
)
from hoctap.reports.services import report_url, respondents_of

SEND_AT = datetime.time(8, 0)
# (kind, days from the deadline), in time order.
SCHEDULE: tuple[tuple[str, int], ...] = (
    (ReminderKind.BEFORE_7, -7),
    (ReminderKind.BEFORE_1, -1),
    (ReminderKind.AFTER_1, 1),
    (ReminderKind.AFTER_7, 7),
)
# The last reminder is sent until this many days after its moment.
LAST_WINDOW = datetime.timedelta(days=7)


def moment(deadline: datetime.date, days: int) -> datetime.datetime:
    """When the reminder `days` from the deadline is due, in the current time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(deadline + datetime.timedelta(days=days), SEND_AT)
    )


def due_kind(deadline: datetime.date, now: datetime.datetime) -> str | None:
    """The reminder whose window holds `now`, if any."""
    moments = [(kind, moment(deadline, days)) for kind, days in SCHEDULE]
    for position, (kind, start) in enumerate(moments):
        end = moments[position + 1][1] if position + 1 < len(moments) else start + LAST_WINDOW
        if start <= now < end:
            return kind
    return None


def _message(report: Report, kind: str) -> str:
    values = {
        "period": report.period.name,
        "deadline": report.period.deadline.strftime("%d/%m/%Y"),
        "unit": report.respondent_name,
    }
    if kind in (ReminderKind.BEFORE_7, ReminderKind.BEFORE_1):
        return _("Reminder: the report “%(period)s” of %(unit)s is due on %(deadline)s.") % values
    return _("Overdue: the report “%(period)s” of %(unit)s was due on %(deadline)s.") % values


def send_due(now: datetime.datetime | None = None) -> list[ReminderSent]:
    """Send the reminders due at `now` (see the module's docstring); returns those sent."""
    now = now or timezone.now()
    sent: list[ReminderSent] = []
    reports = (
        Report.objects.respondents()
        .filter(period__status=PeriodStatus.OPEN)
        .exclude(state=ReportState.SUBMITTED)
        .select_related("period", "unit", "organisation")
        .order_by("pk")
    )
    earliest = (now - datetime.timedelta(days=15)).date()
    latest = (now + datetime.timedelta(days=8)).date()
    for report in reports.filter(period__deadline__range=(earliest, latest)):
        kind = due_kind(report.period.deadline, now)
        if kind is None:
            continue
        try:
            with transaction.atomic():
                record = ReminderSent.objects.create(report=report, kind=kind, sent_at=now)
                record.recipients = notify(
                    respondents_of(report), _message(report, kind), url=report_url(report)
                )
                record.save(update_fields=["recipients"])
        except IntegrityError:
            continue  # sent already (by this run's predecessor, or a parallel one)
        sent.append(record)
    return sent
