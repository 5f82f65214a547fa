"""Forms of the report pages: opening a reporting period, returning a report, choosing two
versions to compare, and reading a report's posted figures and narrative.

The figures and sections of a report depend on its form and years, so they are not Django
form fields: `posted_corrections` and `posted_narrative` read them from the POST in the
format the services take, and the services validate them (their messages are the ones the
page shows).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.registry.models import ManagingLevel, Organisation
from hoctap.reports.models import Cadence
from hoctap.reports.report_forms import FORMS, ReportForm

# What a date field accepts: the browser's date picker sends ISO, a typed date is dd/mm/yyyy.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
NOTE_MAX_LENGTH = 1000


def figure_field_name(year: str, key: str) -> str:
    """“fig-2025-recognised.learning_family”: keys hold dots, which a field name may."""
    return f"fig-{year}-{key}"


def note_field_name(year: str, key: str) -> str:
    return f"note-{year}-{key}"


def section_field_name(code: str) -> str:
    return f"section-{code}"


def _date_field(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d"),
    )


def current_communes(owner: AdminUnit) -> QuerySet[AdminUnit]:
    """Today's communes (and wards) of the owner province: the units that may be asked."""
    return AdminUnit.objects.filter(
        path__startswith=owner.path, level=Level.COMMUNE, valid_to__isnull=True
    ).order_by("search_name", "pk")


def province_agencies(owner: AdminUnit) -> QuerySet[Organisation]:
    """Departments and agencies the province manages, located in it."""
    return Organisation.objects.filter(
        unit_path__startswith=owner.path, managing_level=ManagingLevel.PROVINCE
    ).order_by("search_name", "pk")


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MarksInvalid(forms.Form):
    """Bootstrap's `is-invalid` on the widgets of fields with errors (their messages show)."""

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class PeriodForm(MarksInvalid):
    """A reporting period of `owner`; the service checks the dates and the choice of units."""

    cadence = forms.ChoiceField(
        label=_("Kind of report"),
        choices=Cadence.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    form = forms.ChoiceField(
        label=_("Report form"),
        choices=[(form.code, form.name) for form in FORMS if not form.for_agencies],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    subject = forms.CharField(
        label=pgettext_lazy("report", "Subject"),
        required=False,
        max_length=255,
        help_text=_("Required for an ad hoc report: what it is about."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    starts_on = _date_field(_("Period starts"))
    ends_on = _date_field(_("Period ends"))
    deadline = _date_field(_("Deadline"), _("The units must submit by this day."))
    units = UnitChoiceField(
        label=_("Communes that must report"),
        queryset=AdminUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    organisations = UnitChoiceField(
        label=_("Departments and agencies that must report"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label=_("Note to the units"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    # A one-time token: the same form sent twice (back button, a second click) opens one period.
    once = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, owner: AdminUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = self.fields["units"]
        assert isinstance(units, forms.ModelMultipleChoiceField)
        units.queryset = current_communes(owner)
        organisations = self.fields["organisations"]
        assert isinstance(organisations, forms.ModelMultipleChoiceField)
        organisations.queryset = province_agencies(owner)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the report returned?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )


class CompareForm(forms.Form):
    """Two version numbers (`?a=1&b=2`)."""

    a = forms.IntegerField(label=_("Version"), min_value=1, max_value=32767)
    b = forms.IntegerField(label=_("with version"), min_value=1, max_value=32767)


def posted_corrections(
    data: Mapping[str, Any], prefilled: Mapping[str, Any]
) -> dict[str, dict[str, dict[str, str]]] | None:
    """{year: {key: {"value", "note"}}} of every figure of the report the POST carries; the
    service drops those equal to the pre-filled value and validates the rest. None when the
    POST carries no figure at all: the corrections already saved are then left alone (the
    service replaces them with whatever it is given)."""
    corrections: dict[str, dict[str, dict[str, str]]] = {}
    found = False
    for year, values in (prefilled.get("figures") or {}).items():
        for key in values:
            raw = data.get(figure_field_name(year, key))
            if raw is None:
                continue
            found = True
            note = str(data.get(note_field_name(year, key)) or "")[:NOTE_MAX_LENGTH]
            corrections.setdefault(year, {})[key] = {"value": str(raw).strip(), "note": note}
    return corrections if found else None


def posted_narrative(data: Mapping[str, Any], form: ReportForm) -> dict[str, str]:
    """{section code: text} of the sections the POST carries."""
    narrative: dict[str, str] = {}
    for section in form.sections:
        text = data.get(section_field_name(section.code))
        if text is not None:
            narrative[section.code] = str(text)
    return narrative
