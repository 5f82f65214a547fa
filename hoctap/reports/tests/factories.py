"""Reporting periods and reports for the tests: a yearly period of Sơn La asking its two
communes, with figures from families written by the assessment factories."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from hoctap.adminunits.models import AdminUnit
from hoctap.assessments.models import State
from hoctap.assessments.tests.factories import make_assessment
from hoctap.conftest import People, Tree
from hoctap.registry.tests.factories import HouseholdFactory
from hoctap.reports import services
from hoctap.reports.models import Cadence, Report, ReportingPeriod
from hoctap.targets import registry_counts, rollups

YEAR = 2025
STARTS = datetime.date(YEAR, 1, 1)
ENDS = datetime.date(YEAR, 12, 31)
DEADLINE = datetime.date(2026, 1, 5)
NARRATIVE = {
    "results": "Tổ chức đăng ký, đánh giá và công nhận danh hiệu.",
    "difficulties": "Kinh phí còn hạn chế.",
    "proposals": "Đề nghị tỉnh hỗ trợ tập huấn.",
}


def families(hamlet: AdminUnit, *, recognised: int, registered: int = 0, year: int = YEAR) -> None:
    """Families of new households of the hamlet, some recognised; the roll-ups rebuilt."""
    for count, state in ((recognised, State.RECOGNISED), (registered, State.REGISTERED)):
        for _ in range(count):
            make_assessment(
                household=HouseholdFactory(hamlet=hamlet, commune=hamlet.parent),
                state=state,
                year=year,
            )
    rollups.rebuild()
    registry_counts.rebuild()


def yearly(people: People, tree: Tree, **overrides: Any) -> ReportingPeriod:
    """Sơn La's yearly period asking Mường Giôn and Tô Hiệu (the province official opens it)."""
    values: dict[str, Any] = {
        "unit": tree.province,
        "cadence": Cadence.YEARLY,
        "form": "commune",
        "starts_on": STARTS,
        "ends_on": ENDS,
        "deadline": DEADLINE,
        "units": [tree.commune, tree.other_commune],
    }
    values.update(overrides)
    return services.period_open(people.province_official, **values)


def report_of(period: ReportingPeriod, unit: AdminUnit) -> Report:
    return period.reports.get(unit=unit, is_compiled=False, organisation=None)


def on_time() -> datetime.datetime:
    """A moment before the deadline (tests never depend on today's date)."""
    return datetime.datetime(2026, 1, 2, 9, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))


def submitted(actor: Any, report: Report, **kwargs: Any) -> Report:
    """The report pre-filled, its narrative typed and submitted (on time unless `now`)."""
    report = services.report_prepare(actor, report)
    report = services.report_save(actor, report, revision=report.revision, narrative=NARRATIVE)
    kwargs.setdefault("now", on_time())
    services.report_submit(actor, report, revision=report.revision, **kwargs)
    report.refresh_from_db()
    return report
