"""Open-data schemas: the open figures and the indicator definitions as JSON, for anyone.

The figures take the dashboard's shapes (`hoctap.targets.schemas`): a client that reads an
official's dashboard reads the open figures the same way. What differs is what is left out:
no hamlet (a count of a few households could point at a family), so a commune has no
drill-down, and no list of units furthest behind (the children already say it). Every answer
carries its licence and the time the figures were read.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field, Schema

from hoctap.adminunits.models import Level
from hoctap.portal.selectors import OPEN_LEVELS
from hoctap.targets import schemas as dashboards
from hoctap.targets.indicators import INDICATORS
from hoctap.targets.schemas import (
    IndicatorDefinitionOut,
    TrendPointOut,
    UnitRefOut,
    UnitRowOut,
)
from hoctap.targets.selectors import Dashboard, UnitRow

# The open figures may be reused by anyone, citing the source (the page's address).
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_DESCRIPTION = (
    "The licence of the open data: CC BY 4.0 (Creative Commons Attribution 4.0 "
    "International). Anyone may copy, share and adapt the figures, also commercially, citing "
    "the source (`page`)."
)


def open_children(board: Dashboard) -> list[UnitRow]:
    """The units below that are open: provinces of the country, communes of a province; never
    the hamlets of a commune."""
    return [
        row for row in board.children if row.unit is not None and row.unit.level != Level.HAMLET
    ]


class OpenFiguresQuery(Schema):
    unit: str = Field(
        "",
        description="Key of a province or commune (see /admin-units); empty: the whole "
        "country. A hamlet's figures are not open: 404.",
    )
    year: int | None = Field(None, description="The year shown (2000–2100); empty: this year.")


class OpenFiguresOut(Schema):
    licence: str = Field(..., description=LICENCE_DESCRIPTION)
    licence_url: str
    page: str = Field(..., description="The public page of these figures: the source to cite.")
    as_of: datetime.datetime = Field(..., description="When the figures were read.")
    unit: UnitRefOut | None = Field(..., description="null: the whole country.")
    name: str
    year: int
    hierarchy: Literal["current", "historical"] = Field(
        ...,
        description="current: today's units (results of units that ended are counted in the "
        "unit they became); historical for a unit that no longer exists.",
    )
    summary: UnitRowOut = Field(
        ...,
        description="Per indicator the numerator and denominator (and where they come from), "
        "the percentage (null: no data, never 0), the 2025 and 2030 targets and who set "
        "them, the status; registered vs recognised per title.",
    )
    children: list[UnitRowOut] = Field(
        ...,
        description="The units below: provinces of the country, communes of a province; empty "
        "for a commune (hamlets are not open).",
    )
    trend: list[TrendPointOut] = Field(..., description="The unit's figures from 2021 on.")
    units_of_the_time: list[UnitRefOut] = Field(
        ..., description="A unit that did not exist yet in the year: the units that held them."
    )
    notes: list[str]


def open_figures_out(board: Dashboard, *, page: str) -> dict[str, Any]:
    """The open figures as the API's JSON (see `OpenFiguresOut`)."""
    return {
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "page": page,
        "as_of": board.as_of,
        "unit": dashboards.unit_ref(board.unit),
        "name": board.summary.name,
        "year": board.year,
        "hierarchy": board.hierarchy,
        "summary": dashboards.unit_row_out(board.summary),
        "children": [dashboards.unit_row_out(row) for row in open_children(board)],
        "trend": [dashboards.trend_point_out(point) for point in board.trend],
        "units_of_the_time": [
            dashboards.unit_ref(unit)
            for unit in board.units_of_the_time
            if unit.level in OPEN_LEVELS
        ],
        "notes": list(board.notes),
    }


class OpenIndicatorsOut(Schema):
    licence: str = Field(..., description=LICENCE_DESCRIPTION)
    licence_url: str
    indicators: list[IndicatorDefinitionOut] = Field(
        ...,
        description="Every indicator of the open figures: what is counted over what, and the "
        "document that sets its national target.",
    )


def open_indicators_out() -> dict[str, Any]:
    return {
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "indicators": [dashboards.indicator_out(indicator) for indicator in INDICATORS],
    }
