"""Forms of the recognition pages: the decision list's filters, a new decision, a revocation,
the signed copy, and the public verification form."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import AdminUnit
from hoctap.assessments.models import Title
from hoctap.recognition.services import DecisionDraft

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# What the phone's file picker offers for the signed scan; the server decides from the bytes.
SIGNED_ACCEPT = "application/pdf,image/jpeg,image/png"
SERIAL_MAX_LENGTH = 40


def _text(label: Any, *, max_length: int, required: bool = True, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs={"class": "form-control", **attrs}),
    )


def _lines(
    label: Any, *, rows: int, required: bool = False, help_text: Any = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": rows}),
    )


def _year_field(required: bool) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Assessed year"),
        required=required,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d"),
    )


def _number_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Number"),
        min_value=1,
        max_value=999_999,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )


class DecisionFilterForm(forms.Form):
    year = _year_field(required=False)
    title = forms.ChoiceField(
        label=_("Title"),
        required=False,
        choices=[("", _("All titles")), *Title.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class IdListField(forms.Field):
    """Ticked rows sent as repeated values of one name; each must be a positive id."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        ids = []
        for item in value if isinstance(value, list | tuple) else [value]:
            text = str(item).strip()
            if not text.isdigit() or int(text) < 1:
                raise ValidationError(_("The form is incomplete. Reload the page."), code="ids")
            ids.append(int(text))
        return sorted(set(ids))


class DecisionChoiceForm(forms.Form):
    """Which decision to prepare: the title, the assessed year and the issuing authority."""

    title = forms.ChoiceField(label=_("Title"), widget=forms.Select(attrs={"class": "form-select"}))
    year = _year_field(required=True)
    authority = forms.ChoiceField(
        label=_("Issuing authority"), widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(
        self,
        *args: Any,
        titles: list[str],
        authorities: list[AdminUnit],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.authorities = {unit.key: unit for unit in authorities}
        title_field = self.fields["title"]
        assert isinstance(title_field, forms.ChoiceField)
        title_field.choices = [(value, label) for value, label in Title.choices if value in titles]
        authority_field = self.fields["authority"]
        assert isinstance(authority_field, forms.ChoiceField)
        authority_field.choices = [(unit.key, unit.name) for unit in authorities]

    def clean_authority(self) -> AdminUnit:
        return self.authorities[self.cleaned_data["authority"]]


class DecisionForm(forms.Form):
    """The decision's own text; the rest (the annex) comes from the ticked assessments."""

    picked = IdListField(required=True)
    number = _number_field()
    symbol = _text(_("Symbol"), max_length=40)
    issued_on = _date_field(_("Issued on"))
    issuing_body = _text(_("Issuing body"), max_length=255)
    parent_body = _text(_("Body above (if any)"), max_length=255, required=False)
    place = _text(_("Place of issue"), max_length=120)
    subject_line = _text(_("About"), max_length=500)
    legal_bases = _lines(_("Legal bases"), rows=5, help_text=_("One per line."))
    body = _lines(_("Considering"), rows=2)
    signer_name = _text(_("Signer"), max_length=120, autocomplete="name")
    signer_position = _text(_("Signer's position"), max_length=120)
    signer_authority = _text(_("Signing on behalf of"), max_length=120, required=False)
    recipients = _lines(_("Recipients"), rows=3, help_text=_("One per line."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["picked"].error_messages["required"] = _(
            "Tick at least one assessment to recognise."
        )

    def draft(self) -> DecisionDraft:
        data = self.cleaned_data
        return DecisionDraft(
            number=data["number"],
            issued_on=data["issued_on"],
            signer_name=data["signer_name"],
            symbol=data["symbol"],
            signer_position=data["signer_position"],
            signer_authority=data["signer_authority"],
            issuing_body=data["issuing_body"],
            parent_body=data["parent_body"],
            place=data["place"],
            subject_line=data["subject_line"],
            legal_bases=_one_per_line(data["legal_bases"]),
            body=data["body"].strip(),
            recipients=_one_per_line(data["recipients"]),
        )


def _one_per_line(text: str) -> str:
    """Lines as typed, without blank ones or trailing spaces (Windows line ends too)."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


class RevokeForm(forms.Form):
    """A revocation decision over one certificate: why, its number, date and signer."""

    reason = _lines(_("Reason for revocation"), rows=2, required=True)
    number = _number_field()
    symbol = _text(_("Symbol"), max_length=40)
    issued_on = _date_field(_("Issued on"))
    signer_name = _text(_("Signer"), max_length=120, autocomplete="name")

    def draft(self) -> DecisionDraft:
        data = self.cleaned_data
        return DecisionDraft(
            number=data["number"],
            issued_on=data["issued_on"],
            signer_name=data["signer_name"],
            symbol=data["symbol"],
            reason=data["reason"].strip(),
        )

    @classmethod
    def initial_for(cls, number: int) -> dict[str, Any]:
        today: datetime.date = timezone.localdate()
        return {"number": number, "symbol": "QĐ-UBND", "issued_on": today}


class SignedCopyForm(forms.Form):
    file = forms.FileField(
        label=_("Signed copy (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": SIGNED_ACCEPT}),
    )


class VerifyForm(forms.Form):
    serial = forms.CharField(
        label=_("Certificate serial"),
        max_length=SERIAL_MAX_LENGTH,
        help_text=_("As printed on the certificate, e.g. 16279-2026-000015."),
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )

    def clean_serial(self) -> str:
        serial = "".join(self.cleaned_data["serial"].split()).upper()
        if not serial or not all(char.isalnum() or char == "-" for char in serial):
            raise ValidationError(_("A serial has only digits, letters and dashes."), code="serial")
        return serial
