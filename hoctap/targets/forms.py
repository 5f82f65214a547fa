"""Forms of the dashboard pages: the year / hierarchy / indicator / sort choice (a GET form that
works without JS) and the local target an official sets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.targets.indicators import BASELINE_YEAR, INDICATORS
from hoctap.targets.models import TARGET_YEARS
from hoctap.targets.selectors import HIERARCHY_CURRENT, HIERARCHY_HISTORICAL

HIERARCHY_CHOICES = [
    (HIERARCHY_CURRENT, _("Units of today")),
    (HIERARCHY_HISTORICAL, _("Units of the time")),
]
# Columns of the drill-down table a `?sort=` may name ("-" in front: descending).
SORT_COLUMNS = (
    "name",
    "numerator",
    "denominator",
    "percentage",
    "target",
    "status",
    "gap",
)
DEFAULT_SORT = "name"


def year_choices() -> list[tuple[int, str]]:
    """2021 (the programmes' first year) to next year."""
    last = timezone.localdate().year + 1
    return [(year, str(year)) for year in range(BASELINE_YEAR, last + 1)]


def indicator_choices() -> list[tuple[str, Any]]:
    return [(indicator.code, indicator.name) for indicator in INDICATORS]


class DashboardFilterForm(forms.Form):
    """What the dashboard shows; every field has a default, so a bare URL is valid."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    hierarchy = forms.ChoiceField(label=_("Units"), choices=HIERARCHY_CHOICES, required=False)
    indicator = forms.ChoiceField(label=_("Indicator of the units below"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()  # type: ignore[attr-defined]
        self.fields["indicator"].choices = indicator_choices()  # type: ignore[attr-defined]

    def clean_year(self) -> int:
        return self.cleaned_data.get("year") or timezone.localdate().year

    def clean_hierarchy(self) -> str:
        return self.cleaned_data.get("hierarchy") or HIERARCHY_CURRENT

    def clean_indicator(self) -> str:
        return self.cleaned_data.get("indicator") or INDICATORS[0].code

    def clean_sort(self) -> str:
        sort = (self.cleaned_data.get("sort") or DEFAULT_SORT).strip()
        if sort.removeprefix("-") not in SORT_COLUMNS:
            raise forms.ValidationError(_("Unknown column to sort by."), code="sort")
        return sort

    def choice(self) -> dict[str, Any]:
        """The valid choices, the defaults in place of those that are not."""
        defaults = {
            "year": timezone.localdate().year,
            "hierarchy": HIERARCHY_CURRENT,
            "indicator": INDICATORS[0].code,
            "sort": DEFAULT_SORT,
        }
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name, default) for name, default in defaults.items()}


class TargetForm(forms.Form):
    """A local target: checked by `services.target_set`, whose messages the page shows."""

    indicator = forms.ChoiceField(label=_("Indicator"))
    year = forms.TypedChoiceField(
        label=_("Target year"),
        coerce=int,
        choices=[(year, str(year)) for year in TARGET_YEARS],
    )
    # Text, not a number field: "72,5" is how a Vietnamese official writes it, and the
    # service's own message ("from 0 to 100") is the one the page must show.
    value = forms.CharField(label=_("Target (%)"), max_length=20)
    source = forms.CharField(
        label=_("Source (plan or decision)"),
        max_length=255,
        help_text=_("For example: Kế hoạch số 12/KH-UBND ngày 10/3/2025."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicator_choices()  # type: ignore[attr-defined]
