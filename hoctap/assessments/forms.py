"""Forms of the assessments pages: filters, registration, workflow steps and evidence."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.assessments import permissions
from hoctap.assessments.models import TITLE_SUBJECTS, State, Title
from hoctap.assessments.permissions import TRANSITION_ACTIONS

# What a phone's file picker offers: photos (the camera included), PDF, Word and Excel. The
# server still decides from the bytes; this only spares the user a pointless upload.
EVIDENCE_ACCEPT = "image/*,application/pdf,.docx,.xlsx"
ACTION_LABELS: dict[str, Any] = {
    permissions.SUBMIT: _("Submit"),
    permissions.REVIEW: _("Mark as reviewed"),
    permissions.APPRAISE: _("Appraise"),
    permissions.PROPOSE: _("Propose for recognition"),
    permissions.RETURN: _("Return for changes"),
    permissions.REJECT: _("Reject"),
}
BULK_ACTIONS = (permissions.APPRAISE, permissions.PROPOSE, permissions.RETURN)
HOUSEHOLD_TITLES = [
    (value, label) for value, label in Title.choices if TITLE_SUBJECTS[value][0] == "household"
]


def _year_field(required: bool) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Year"),
        required=required,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )


class WorkFilterForm(forms.Form):
    title = forms.ChoiceField(
        label=_("Title"),
        required=False,
        choices=[("", _("All titles")), *Title.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = _year_field(required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *State.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class RegisterForm(forms.Form):
    """Register one subject: the title, the year and the subject's id of the title's kind."""

    title = forms.ChoiceField(
        label=_("Title"), choices=Title.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    year = _year_field(required=True)
    subject = forms.IntegerField(widget=forms.HiddenInput, required=False)
    q = forms.CharField(
        label=_("Search (diacritics optional)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class BulkRegisterForm(forms.Form):
    """Register every household of a hamlet the user may register in."""

    title = forms.ChoiceField(
        label=_("Title"),
        choices=HOUSEHOLD_TITLES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = _year_field(required=True)
    hamlet = forms.ChoiceField(
        label=_("Hamlet"), widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, hamlets: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.hamlets = {hamlet.key: hamlet for hamlet in hamlets}
        field = self.fields["hamlet"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (hamlet.key, f"{hamlet.name} ({hamlet.parent.name})" if hamlet.parent else hamlet.name)
            for hamlet in hamlets
        ]


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(action, action) for action in TRANSITION_ACTIONS])
    version = forms.IntegerField(min_value=1)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class EvidenceForm(forms.Form):
    indicator = forms.CharField(max_length=32)
    file = forms.FileField(label=_("File"))


class BulkFilterForm(forms.Form):
    hamlet = forms.ChoiceField(
        label=_("Hamlet"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    title = forms.ChoiceField(
        label=_("Title"),
        required=False,
        choices=[("", _("All titles")), *Title.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = _year_field(required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *State.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, hamlets: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hamlets = {hamlet.key: hamlet for hamlet in hamlets}
        field = self.fields["hamlet"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("All hamlets")),
            *[
                (
                    hamlet.key,
                    f"{hamlet.name} ({hamlet.parent.name})" if hamlet.parent else hamlet.name,
                )
                for hamlet in hamlets
            ],
        ]


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[(action, ACTION_LABELS[action]) for action in BULK_ACTIONS],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(
        label=_("Reason (required to return)"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    # Each ticked row as "<id>:<version>", the version the official saw.
    picked = forms.MultipleChoiceField(required=True, choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["picked"].error_messages["required"] = _("Tick at least one assessment.")

    def _picked_values(self) -> list[str]:
        getlist = getattr(self.data, "getlist", None)
        return [str(value) for value in getlist("picked")] if getlist else []

    def clean_picked(self) -> dict[int, int]:
        picked: dict[int, int] = {}
        for value in self._picked_values():
            pk, _sep, version = str(value).partition(":")
            if not (pk.isdigit() and version.isdigit()):
                raise forms.ValidationError(_("Invalid selection."))
            picked[int(pk)] = int(version)
        if not picked:
            raise forms.ValidationError(_("Tick at least one assessment."))
        return picked

    def full_clean(self) -> None:
        # The choices are the rows on the page, checked against the selector in the view.
        field = self.fields["picked"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(value, value) for value in self._picked_values()]
        super().full_clean()
