"""Forms of the plan pages: a new plan, a task added to it, and a task's progress.

They parse and type the input only; the rules (who may keep the plan, a task's unit inside
the plan's area, progress from 0 to 100 %, a note, the evidence file's type) belong to
`services`, whose messages the pages show next to the field they are about. Progress and the
note are therefore not checked here: the service's own message is the one users should read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import AdminUnit, AdminUnitQuerySet, Level
from hoctap.assessments.forms import EVIDENCE_ACCEPT
from hoctap.reports.models import Plan
from hoctap.reports.permissions import PLAN_KEEPER_ROLES

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# The value of the unit choice that means a national plan (a unit key is never this).
NATIONAL = "national"
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class UnitChoice:
    """A unit a plan may belong to; `unit` None is a national plan."""

    value: str
    label: str
    unit: AdminUnit | None


def plan_unit_choices(user: Any) -> list[UnitChoice]:
    """The units the user keeps plans of: their provinces and communes (and a province
    official's communes); a system administrator: the country and the provinces.

    Administrators are not offered the three thousand communes: a commune's own official
    keeps its plans, and a select that long helps nobody.
    """
    paths = scope_paths(user, PLAN_KEEPER_ROLES)
    units = AdminUnit.objects.current().filter(level__in=[Level.PROVINCE, Level.COMMUNE])
    if paths is None:
        choices = [UnitChoice(NATIONAL, str(_("Whole country (national plan)")), None)]
        provinces = units.filter(level=Level.PROVINCE).order_by("search_name", "pk")
        return choices + [UnitChoice(unit.key, unit.name, unit) for unit in provinces]
    if not paths:
        return []
    condition = Q(path__in=paths)
    for path in paths:
        condition |= Q(path__startswith=path, level=Level.COMMUNE)
    found = units.filter(condition).order_by("level", "search_name", "pk")
    return [UnitChoice(unit.key, unit.name, unit) for unit in found]


def task_unit_choices(plan: Plan) -> AdminUnitQuerySet:
    """The units a task of the plan may be assigned to: the level below the plan's unit
    (provinces for a national plan, communes for a province's); none below a commune,
    whose tasks go to a named department or organisation."""
    units = AdminUnit.objects.current()
    if plan.unit is None:
        return units.filter(level=Level.PROVINCE).order_by("search_name", "pk")
    if plan.unit.level == Level.PROVINCE:
        return units.filter(path__startswith=plan.unit_path, level=Level.COMMUNE).order_by(
            "search_name", "pk"
        )
    return units.none()


def _text(label: Any, *, max_length: int, required: bool = True, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs={"class": "form-control", **attrs}),
    )


def _lines(label: Any, *, rows: int, required: bool = False, max_length: int = 4000) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": rows}),
    )


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    # A date picker sends yyyy-mm-dd; a typed dd/mm/yyyy is accepted too.
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d"),
    )


def _year(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )


class _CheckedByService(forms.CharField):
    """A required text whose emptiness the service refuses, in its own words: the page marks
    it required, but the form lets an empty value through to the service."""

    def validate(self, value: Any) -> None:
        if value not in self.empty_values:
            super().validate(value)


class _MarkedForm(forms.Form):
    """Fields with errors get Bootstrap's `is-invalid` look, however the error was added
    (the form's own checks or a service's refusal)."""

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                classes = widget.attrs.get("class", "")
                if "is-invalid" not in classes.split():
                    widget.attrs["class"] = f"{classes} is-invalid".strip()


class PlanForm(_MarkedForm):
    """A new plan: the unit it belongs to, its number, date, issuer, title and years."""

    unit = forms.ChoiceField(
        label=_("Plan of"), widget=forms.Select(attrs={"class": "form-select"})
    )
    number = _text(
        _("Number"), max_length=64, placeholder=_("For example: 35/KH-UBND"), autocomplete="off"
    )
    issued_on = _date(_("Issued on"))
    issuer = _text(pgettext_lazy("plan", "Issued by"), max_length=255)
    title = _text(pgettext_lazy("plan", "Title"), max_length=500)
    first_year = _year(_("From year"))
    last_year = _year(_("To year"))
    summary = _lines(_("Summary"), rows=3)

    def __init__(self, *args: Any, choices: list[UnitChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {choice.value: choice for choice in choices}
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(choice.value, choice.label) for choice in choices]
        if not self.is_bound:
            year = timezone.localdate().year
            self.initial.setdefault("first_year", year)
            self.initial.setdefault("last_year", year)

    def chosen_unit(self) -> AdminUnit | None:
        """The unit picked (None: national); call after `is_valid()`."""
        return self.units[self.cleaned_data["unit"]].unit


class TaskForm(_MarkedForm):
    """A task added to a plan: who is in charge (by name, or a unit below) and the deadline."""

    title = _text(_("Task"), max_length=500)
    assignee = _text(
        _("In charge (department or organisation)"),
        max_length=255,
        required=False,
        placeholder=_("For example: Sở Giáo dục và Đào tạo"),
    )
    assignee_unit = forms.ModelChoiceField(
        label=_("Unit in charge"),
        queryset=AdminUnit.objects.none(),
        required=False,
        to_field_name="key",
        empty_label=_("— none —"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    deadline = _date(_("Deadline"), required=False)
    description = _lines(_("Description"), rows=2)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = task_unit_choices(plan)
        field = self.fields["assignee_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
        # Below a commune no unit takes a task: the field would only offer "none".
        if plan.unit is not None and plan.unit.level != Level.PROVINCE:
            del self.fields["assignee_unit"]


class ProgressForm(_MarkedForm):
    """Progress on a task: the percentage done, what was done, and an optional file."""

    # The range and the note are the service's to check (see the module's docstring).
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        widget=forms.NumberInput(
            attrs={"class": "form-control", "inputmode": "numeric", "min": 0, "max": 100}
        ),
    )
    note = _CheckedByService(
        label=_("What was done"),
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    evidence = forms.FileField(
        label=_("Evidence (photo, PDF, Word or Excel)"),
        required=False,
        widget=forms.FileInput(attrs={"class": "form-control", "accept": EVIDENCE_ACCEPT}),
    )
