"""The report forms: which figures a report carries and which sections are typed in.

Defined in code, like the indicators, so a form and the figures it pre-fills never disagree.
A figure is keyed by a string; a report keeps its figures per year (`{year: {key: value}}`):
one year for a 6-monthly, yearly or ad hoc report, every year of the period for a review.

Figures:
- `registered.<title>` / `recognised.<title>`: assessments of the title in the year, and those
  recognised (the pair the association's statistical forms count), from the roll-ups;
- `numerator.<indicator>` / `denominator.<indicator>`: the indicator's two figures as the
  dashboard shows them (declared statistic, registry count, or counted);
- `fund`: the learning promotion fund raised in the year (đồng), typed in by the unit.
Pre-filled figures may be corrected only with a note; typed-in ones need none.
"""

from __future__ import annotations

import dataclasses

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hoctap.assessments.models import Title
from hoctap.targets.indicators import INDICATORS


@dataclasses.dataclass(frozen=True)
class Section:
    """A narrative section typed in by the unit."""

    code: str
    title: str | Promise
    help: str | Promise = ""
    required: bool = True


@dataclasses.dataclass(frozen=True)
class FigureDef:
    """One figure of a report."""

    key: str
    # The label, with "%(name)s" standing for `name` (both translated when shown).
    template: str | Promise
    group: str  # "titles", "indicators" or "fund"
    name: str | Promise = ""
    # Typed in by the unit (no pre-filled value, no note needed).
    entered: bool = False
    unit: str = ""  # "đồng" for money; counts have none

    @property
    def label(self) -> str:
        return str(self.template) % {"name": self.name} if self.name else str(self.template)


@dataclasses.dataclass(frozen=True)
class ReportForm:
    code: str
    name: str | Promise
    sections: tuple[Section, ...]
    groups: tuple[str, ...]
    # Whether agencies (departments) use it rather than units.
    for_agencies: bool = False

    @property
    def figures(self) -> tuple[FigureDef, ...]:
        return tuple(figure for figure in FIGURES if figure.group in self.groups)

    def section(self, code: str) -> Section | None:
        return next((section for section in self.sections if section.code == code), None)


RESULTS = Section(
    "results",
    _("Results"),
    _("What was done in the period: communication, registration, assessment, recognition."),
)
DIFFICULTIES = Section("difficulties", _("Difficulties and limitations"))
PROPOSALS = Section("proposals", _("Proposals and recommendations"))
LESSONS = Section("lessons", _("Lessons learned"))
PLANS_AHEAD = Section("plans_ahead", _("Tasks for the next period"), required=False)


def _figures() -> tuple[FigureDef, ...]:
    figures: list[FigureDef] = []
    for title in Title:
        for state, template in (
            ("registered", _("%(name)s: registered")),
            ("recognised", _("%(name)s: recognised")),
        ):
            figures.append(FigureDef(f"{state}.{title.value}", template, "titles", title.label))
    for indicator in INDICATORS:
        for part, template in (
            ("numerator", _("%(name)s: numerator")),
            ("denominator", _("%(name)s: denominator")),
        ):
            figures.append(
                FigureDef(f"{part}.{indicator.code}", template, "indicators", indicator.name)
            )
    figures.append(
        FigureDef("fund", _("Learning promotion fund raised"), "fund", entered=True, unit="đồng")
    )
    return tuple(figures)


FIGURES: tuple[FigureDef, ...] = _figures()
FIGURE_BY_KEY = {figure.key: figure for figure in FIGURES}

FORMS: tuple[ReportForm, ...] = (
    ReportForm(
        code="commune",
        name=_("Results of building the learning society (unit report)"),
        sections=(RESULTS, DIFFICULTIES, PROPOSALS, PLANS_AHEAD),
        groups=("titles", "indicators", "fund"),
    ),
    ReportForm(
        code="agency",
        name=_("Report of a department or agency"),
        sections=(RESULTS, DIFFICULTIES, PROPOSALS, PLANS_AHEAD),
        groups=("fund",),
        for_agencies=True,
    ),
    ReportForm(
        code="review",
        name=_("Five- or ten-year review, year by year"),
        sections=(RESULTS, LESSONS, DIFFICULTIES, PROPOSALS, PLANS_AHEAD),
        groups=("titles", "indicators", "fund"),
    ),
)
FORM_BY_CODE = {form.code: form for form in FORMS}


def form_get(code: str) -> ReportForm | None:
    return FORM_BY_CODE.get(code)


def form_for_organisations(form: ReportForm) -> ReportForm:
    """The form an agency fills in a period of `form` (agencies count no titles)."""
    return FORM_BY_CODE["agency"] if not form.for_agencies else form
