"""A report's figures: pre-filled from the dashboards, corrected with a note, summed when
compiled. Values are ints or None ("not known", never 0); years are JSON keys (strings).

`prefill(unit, years)` takes the figures of the dashboard of the unit (the same selector, so
a report and the dashboard cannot disagree) for each year, as they stand when called: the
roll-ups count by year, so "as of the end of the period" is the period's year as recorded
now; the report stores when it was taken, and the unit can take them again until it submits.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from hoctap.adminunits.models import AdminUnit
from hoctap.reports.report_forms import FIGURES, ReportForm
from hoctap.targets import selectors as dashboards
from hoctap.targets.indicators import INDICATORS, percentage_of

# Figures of one year, and of every year of a report.
YearFigures = dict[str, int | None]
Figures = dict[str, YearFigures]

# The dashboards check who reads them; pre-filling a report reads for the report's unit, whose
# access was checked when the report was opened.
_SYSTEM = types.SimpleNamespace(
    is_authenticated=True, is_active=True, is_superuser=True, pk=None, username="system"
)


def prefill(unit: AdminUnit | None, years: Iterable[int], form: ReportForm) -> dict[str, Any]:
    """{"figures": {year: {key: value}}, "targets": {year: {indicator: [value, set by]}}}: the
    dashboard's figures of the unit (the country when None) for each year, those the form
    carries; typed-in figures start empty."""
    keys = {figure.key for figure in form.figures}
    figures: Figures = {}
    targets: dict[str, dict[str, list[str]]] = {}
    for year in years:
        summary = dashboards.dashboard(_SYSTEM, unit, year).summary
        values: YearFigures = {}
        for pair in summary.titles:
            values[f"registered.{pair.title}"] = pair.registered
            values[f"recognised.{pair.title}"] = pair.recognised
        year_targets: dict[str, list[str]] = {}
        for row in summary.indicators:
            code = row.indicator.code
            values[f"numerator.{code}"] = row.figure.numerator
            values[f"denominator.{code}"] = row.figure.denominator
            if row.next_target is not None:
                value = format(row.next_target.value.normalize(), "f")
                # The unit that set it ("" national: named in the reader's language).
                unit = row.next_target.unit
                year_targets[code] = [value, unit.name if unit is not None else ""]
        figures[str(year)] = {
            figure.key: (None if figure.entered else values.get(figure.key))
            for figure in FIGURES
            if figure.key in keys
        }
        targets[str(year)] = year_targets
    return {"figures": figures, "targets": targets}


def setter_name(stored: str) -> str:
    """Who set a stored target: the unit's name, or "national" in the reader's language."""
    return stored or gettext("national")


def corrected(prefilled: Mapping[str, Any], corrections: Mapping[str, Any]) -> Figures:
    """The pre-filled figures with the unit's corrections (and typed-in values) applied."""
    result: Figures = {}
    for year, values in (prefilled.get("figures") or {}).items():
        changed = corrections.get(year, {})
        result[year] = {
            key: (changed[key]["value"] if key in changed else value)
            for key, value in values.items()
        }
    return result


def percentages(values: Mapping[str, int | None]) -> dict[str, Decimal | None]:
    """Indicator code -> percentage from a year's numerator and denominator."""
    return {
        indicator.code: percentage_of(
            values.get(f"numerator.{indicator.code}"), values.get(f"denominator.{indicator.code}")
        )
        for indicator in INDICATORS
    }


def summed(figure_sets: Iterable[Figures]) -> tuple[Figures, dict[str, dict[str, int]]]:
    """The sum of several reports' figures, year by year and key by key, and how many reports
    gave each (known) figure: a value unknown in one report is left out of the sum, not taken
    as 0; an indicator's numerator and denominator are summed over the reports that gave both,
    so the percentage of the sum compares like with like."""
    totals: Figures = {}
    given: dict[str, dict[str, int]] = {}
    for figures in figure_sets:
        for year, values in figures.items():
            into = totals.setdefault(year, {})
            counts = given.setdefault(year, {})
            paired = {
                indicator.code
                for indicator in INDICATORS
                if values.get(f"numerator.{indicator.code}") is not None
                and values.get(f"denominator.{indicator.code}") is not None
            }
            for key, value in values.items():
                into.setdefault(key, None)
                part, _dot, code = key.partition(".")
                if value is None or (part in ("numerator", "denominator") and code not in paired):
                    continue
                into[key] = (into[key] or 0) + value
                counts[key] = counts.get(key, 0) + 1
    return totals, given
