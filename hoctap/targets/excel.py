"""The dashboard table as .xlsx: the unit's figures per indicator, registered vs recognised per
title, and every indicator of every unit below, from the same `Dashboard` the page shows."""

from __future__ import annotations

import io
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from hoctap.targets.selectors import Dashboard, IndicatorRow, TargetInfo, UnitRow

# Sheet names (Excel allows 31 characters).
SUMMARY_SHEET = "Tong hop"
CHILDREN_SHEET = "Don vi truc thuoc"
TITLES_SHEET = "Danh hieu"


def _text(value: Any) -> str:
    """Text a spreadsheet will not evaluate (write_string never makes a formula)."""
    return str(value) if value is not None else ""


def _target(target: TargetInfo | None) -> str:
    return str(target) if target is not None else ""


def indicator_cells(row: IndicatorRow) -> list[Any]:
    """The cells of one indicator in one unit, in the order of `indicator_headings`."""
    figure = row.figure
    return [
        _text(row.indicator.name),
        figure.numerator,
        _text(figure.numerator_origin),
        figure.denominator,
        _text(figure.denominator_origin),
        float(figure.percentage) if figure.percentage is not None else None,
        _target(row.target_2025),
        _target(row.target_2030),
        _text(row.status_label),
        "; ".join(figure.warning_messages),
    ]


def indicator_headings() -> list[str]:
    return [
        _("Indicator"),
        _("Numerator"),
        _("Numerator from"),
        _("Denominator"),
        _("Denominator from"),
        _("Percentage"),
        _("Target 2025"),
        _("Target 2030"),
        _("Status"),
        _("Warnings"),
    ]


def dashboard_xlsx(board: Dashboard) -> bytes:
    """Three sheets: the summary, the titles, the units below (one row per unit and indicator)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    percent = workbook.add_format({"num_format": "0.0"})
    name = board.summary.name
    as_of = formats.date_format(timezone.localtime(board.as_of), "d/m/Y H:i")
    hierarchy = _("units of today") if board.hierarchy == "current" else _("units of the time")

    def heading(sheet: Any, title: str) -> None:
        sheet.write_string(0, 0, title, bold)
        sheet.write_string(
            1,
            0,
            _("Year %(year)s, %(hierarchy)s; figures as of %(as_of)s")
            % {"year": board.year, "hierarchy": hierarchy, "as_of": as_of},
        )

    def write_row(sheet: Any, row_index: int, first: int, cells: list[Any]) -> None:
        for offset, value in enumerate(cells):
            column = first + offset
            if value is None:
                sheet.write_blank(row_index, column, None)
            elif isinstance(value, float):
                sheet.write_number(row_index, column, value, percent)
            elif isinstance(value, int):
                sheet.write_number(row_index, column, value)
            else:
                sheet.write_string(row_index, column, value)

    summary = workbook.add_worksheet(SUMMARY_SHEET)
    heading(summary, _("Indicators of %(unit)s") % {"unit": name})
    for column, label in enumerate(indicator_headings()):
        summary.write_string(3, column, label, header)
    for index, row in enumerate(board.summary.indicators, start=4):
        write_row(summary, index, 0, indicator_cells(row))
    summary.set_column(0, 0, 48)
    summary.set_column(1, 5, 14)
    summary.set_column(2, 2, 28)
    summary.set_column(4, 4, 28)
    summary.set_column(6, 7, 30)
    summary.set_column(8, 8, 14)
    summary.set_column(9, 9, 40)
    summary.freeze_panes(4, 1)
    for note_index, note in enumerate(board.notes):
        summary.write_string(5 + len(board.summary.indicators) + note_index, 0, note)

    titles = workbook.add_worksheet(TITLES_SHEET)
    heading(titles, _("Registered and recognised per title, %(unit)s") % {"unit": name})
    title_headings = [_("Unit"), _("Title"), _("Registered"), _("Recognised")]
    for column, label in enumerate(title_headings):
        titles.write_string(3, column, label, header)
    row_index = 4
    for unit_row in [board.summary, *board.children]:
        for pair in unit_row.titles:
            write_row(
                titles, row_index, 0, [unit_row.name, pair.label, pair.registered, pair.recognised]
            )
            row_index += 1
    titles.set_column(0, 1, 36)
    titles.set_column(2, 3, 14)
    titles.freeze_panes(4, 1)

    children = workbook.add_worksheet(CHILDREN_SHEET)
    heading(children, _("Units below %(unit)s") % {"unit": name})
    for column, label in enumerate([_("Unit"), _("Code"), *indicator_headings()]):
        children.write_string(3, column, label, header)
    row_index = 4
    for unit_row in board.children:
        for row in unit_row.indicators:
            write_row(children, row_index, 0, [unit_row.name, _unit_key(unit_row)])
            write_row(children, row_index, 2, indicator_cells(row))
            row_index += 1
    if not board.children:
        children.write_string(4, 0, _("No units below."))
    children.set_column(0, 0, 28)
    children.set_column(1, 1, 12)
    children.set_column(2, 2, 48)
    children.set_column(3, 11, 14)
    children.freeze_panes(4, 1)
    workbook.close()
    return buffer.getvalue()


def _unit_key(unit_row: UnitRow) -> str:
    return unit_row.unit.key if unit_row.unit is not None else ""
