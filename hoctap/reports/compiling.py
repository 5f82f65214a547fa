"""A period's compiled report: the latest submitted version of every respondent, summed.

`compile_period(period)` reads the submissions only (frozen figures), never the live data, so
the compiled figures are exactly the sum of what the units sent: the province's report is
what its communes reported, and a commune that has not reported is listed as missing, not
counted as 0. Three queries whatever the number of reports.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hoctap.reports.figures import Figures, percentages, summed
from hoctap.reports.models import Report, ReportingPeriod, ReportState, ReportSubmission


@dataclasses.dataclass(frozen=True)
class CompiledRow:
    """One respondent in the compiled report."""

    report: Report
    submission: ReportSubmission | None

    @property
    def name(self) -> str:
        return self.report.respondent_name

    @property
    def figures(self) -> Figures:
        return self.submission.figures if self.submission is not None else {}


@dataclasses.dataclass(frozen=True)
class Compiled:
    period: ReportingPeriod
    rows: list[CompiledRow]
    # {year: {key: sum}} over the submitted reports.
    totals: Figures
    # {year: {key: how many reports gave it}}.
    given: dict[str, dict[str, int]]
    # The owner's own report (its narrative), if any.
    own: Report | None

    @property
    def submitted(self) -> list[CompiledRow]:
        return [row for row in self.rows if row.submission is not None]

    @property
    def missing(self) -> list[CompiledRow]:
        return [row for row in self.rows if row.submission is None]

    @property
    def years(self) -> list[str]:
        return [str(year) for year in self.period.years]

    def percentages(self, year: str) -> dict[str, Decimal | None]:
        return percentages(self.totals.get(year, {}))


def compile_period(period: ReportingPeriod) -> Compiled:
    """The compiled figures of the period (see the module's docstring)."""
    reports = list(
        period.reports.select_related("unit", "organisation").order_by("unit_path", "pk")
    )
    respondents = [report for report in reports if not report.is_compiled]
    own = next((report for report in reports if report.is_compiled), None)
    # The latest version of every submitted report. A returned report was judged wrong by the
    # owner: it counts again only once resubmitted.
    counted_ids = [report.pk for report in respondents if report.state == ReportState.SUBMITTED]
    latest: dict[int, ReportSubmission] = {}
    for submission in ReportSubmission.objects.filter(report_id__in=counted_ids).order_by(
        "report_id", "number"
    ):
        latest[submission.report_id] = submission
    rows = [CompiledRow(report=report, submission=latest.get(report.pk)) for report in respondents]
    totals, given = summed(row.submission.figures for row in rows if row.submission is not None)
    for year in (str(year) for year in period.years):
        totals.setdefault(year, {})
        given.setdefault(year, {})
    return Compiled(period=period, rows=rows, totals=totals, given=given, own=own)
