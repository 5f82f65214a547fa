"""Forms for hamlet management; they validate input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import HAMLET_KINDS, AdminUnit, Kind

HAMLET_KIND_CHOICES = [(k, Kind(k).label) for k in HAMLET_KINDS]


class HamletForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=HAMLET_KIND_CHOICES, initial=Kind.VILLAGE)


class HamletRetireForm(forms.Form):
    on = forms.DateField(label=_("Retired from"), required=False, help_text=_("dd/mm/yyyy"))
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)


class HamletMergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=AdminUnit.objects.none())
    on = forms.DateField(label=_("Effective from"), required=False, help_text=_("dd/mm/yyyy"))

    def __init__(self, *args: Any, hamlet: AdminUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["into"]
        assert isinstance(field, forms.ModelChoiceField)
        # Choices come from the hamlet's own commune only: a tampered id is "not a valid choice".
        field.queryset = (
            AdminUnit.objects.current()
            .filter(parent_id=hamlet.parent_id, level=hamlet.level)
            .exclude(pk=hamlet.pk)
            .order_by("search_name")
        )
        field.to_field_name = "key"
