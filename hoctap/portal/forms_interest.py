"""Forms of the registrations of interest: the public form (the hamlet, the title, who is
asking, their consent, and a honeypot for bots), and the collectors' filter, confirm and
dismiss forms.

The forms only parse what was sent; what makes a registration valid (a current hamlet, a
title a visitor may ask for, a name, a plausible phone number) is decided by
`services.interest_submit`, whose field errors the view puts next to these fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import AdminUnit
from hoctap.assessments.models import Title
from hoctap.core.forms import StyledForm
from hoctap.portal.models import InterestStatus

# The honeypot: hidden from people (and from screen readers and the keyboard), filled by bots
# that fill every field. A name a bot wants to fill, unlike "leave_empty".
HONEYPOT = "website"
TITLES = [
    (Title.LEARNING_FAMILY.value, _("Learning family: for my household")),
    (Title.LEARNING_CITIZEN.value, _("Learning citizen: for myself")),
]
STATUS_ALL = "all"
BIRTH_YEAR_INVALID = _("The year of birth is not valid.")


class PlaceField(forms.ModelChoiceField[AdminUnit]):
    """A unit chosen by its key (the official code: stable, unlike database ids)."""

    def label_from_instance(self, obj: AdminUnit) -> str:
        return obj.name


class InterestForm(StyledForm):
    """The public registration: sent by POST once the hamlet can be chosen."""

    hamlet = PlaceField(
        label=_("Hamlet (thôn, bản, tổ dân phố)"),
        queryset=AdminUnit.objects.none(),
        to_field_name="key",
        empty_label=_("Choose your hamlet"),
        error_messages={
            "required": _("Choose your hamlet (thôn, bản, tổ dân phố)."),
            "invalid_choice": _("Choose your hamlet (thôn, bản, tổ dân phố)."),
        },
    )
    title = forms.ChoiceField(
        label=_("I want to take part as"),
        choices=TITLES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the title you want to take part in.")},
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Write your full name.")},
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth (optional)"),
        required=False,
        min_value=1900,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": BIRTH_YEAR_INVALID,
            "min_value": BIRTH_YEAR_INVALID,
            "max_value": BIRTH_YEAR_INVALID,
        },
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("So the collector can call you; without it they will visit you."),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example, when you are at home, or who else in your family takes part."),
    )
    consent = forms.BooleanField(
        label=_("I agree that the collector of my hamlet uses these details to contact me."),
        error_messages={
            "required": _("Tick the box to agree, otherwise the registration cannot be sent.")
        },
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, hamlets: QuerySet[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hamlet_field = self.fields["hamlet"]
        assert isinstance(hamlet_field, PlaceField)
        hamlet_field.queryset = hamlets
        birth_year = self.fields["birth_year"]
        assert isinstance(birth_year, forms.IntegerField)
        this_year = timezone.localdate().year
        # Set per form, not at import: a server running over New Year must accept the new year.
        birth_year.max_value = this_year
        birth_year.validators.append(MaxValueValidator(this_year))
        birth_year.widget.attrs["max"] = str(this_year)


def filled_honeypot(data: Any) -> bool:
    """True when the honeypot was filled: no person sees that field, so a bot sent the form."""
    return bool(str(data.get(HONEYPOT) or "").strip())


class InboxFilterForm(forms.Form):
    """The inbox's status filter (new ones by default); an unknown value shows the new ones."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[*InterestStatus.choices, (STATUS_ALL, _("All"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def chosen_status(self) -> str:
        """The status to list ("" for all of them)."""
        status = self.cleaned_data.get("status") if self.is_valid() else ""
        if status == STATUS_ALL:
            return ""
        return status or InterestStatus.NEW


class ConfirmForm(forms.Form):
    """The registry's household or person the collector matched (radio buttons drawn by the
    template from the search results; any subject of the hamlet the user sees is accepted)."""

    subject = forms.ModelChoiceField(queryset=AdminUnit.objects.none())

    def __init__(self, *args: Any, subjects: QuerySet[Any], refusal: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["subject"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = subjects
        field.error_messages = {"required": refusal, "invalid_choice": refusal}


class DismissForm(StyledForm):
    reason = forms.CharField(
        label=_("Why is it dismissed?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: a duplicate, not living in the hamlet, or asked to withdraw."),
        error_messages={"required": _("Say why the registration is dismissed.")},
    )
