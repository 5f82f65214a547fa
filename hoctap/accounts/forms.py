"""Forms for account management."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.models import Role
from hoctap.accounts.permissions import assignable_roles
from hoctap.adminunits.models import AdminUnit
from hoctap.registry.models import Person

CCCD_LENGTH = 12


class UnitKeyField(forms.CharField):
    """A unit chosen by its key; the view resolves it through the scoped selector."""


class AssignmentForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    unit = UnitKeyField(
        label=_("Unit code"),
        required=False,
        help_text=_("The code of the province, commune or hamlet, e.g. 14001 or 14001-001."),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = assignable_roles(actor)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(r.value, r.label) for r in Role if r.value in allowed]


def _person_field() -> forms.CharField:
    return forms.CharField(
        label=_("Person in the registry"),
        required=False,
        max_length=150,
        help_text=_(
            "For a citizen's account: their citizen ID (CCCD), their number in the registry "
            "(e.g. #1234) or their full name. Only people of your area; one account per person."
        ),
    )


class UserCreateForm(AssignmentForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"), widget=forms.PasswordInput(render_value=False)
    )
    person = _person_field()

    field_order = ["username", "full_name", "phone", "email", "password", "role", "unit", "person"]


class PersonLinkForm(forms.Form):
    """Link an existing account to its registry person; empty unlinks it."""

    person = _person_field()


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


def resolve_unit(actor: Any, key: str) -> AdminUnit | None:
    """The unit with this key inside the actor's scope, None for a blank key.

    Raises AdminUnit.DoesNotExist for an unknown or out-of-scope key.
    """
    from hoctap.adminunits.selectors import unit_get

    key = key.strip()
    if not key:
        return None
    return unit_get(user=actor, key=key)


# How many matching people a name search lists in its message before asking for more.
PERSON_MATCHES_SHOWN = 5


def resolve_person(actor: Any, text: str) -> Person | None:
    """The registry person the official typed (CCCD, #number or full name) in their area.

    None for a blank field; a ValidationError saying why otherwise (nobody, or several people,
    listed so the official can type the number of the right one).
    """
    from hoctap.registry import selectors as registry_selectors

    text = text.strip()
    if not text:
        return None
    number = text.removeprefix("#")
    # A CCCD has 12 digits; anything shorter is a registry number.
    if number.isdigit() and len(number) < CCCD_LENGTH:
        try:
            return registry_selectors.person_get(user=actor, pk=int(number))
        except Person.DoesNotExist:
            raise forms.ValidationError(
                gettext("No person with this number in your area."), code="person"
            ) from None
    matches = list(
        registry_selectors.person_list(user=actor, filters=registry_selectors.PersonFilter(q=text))[
            : PERSON_MATCHES_SHOWN + 1
        ]
    )
    if not matches:
        raise forms.ValidationError(
            gettext("No person with this citizen ID or name in your area."), code="person"
        )
    if len(matches) > 1:
        listed = "; ".join(
            f"{person.full_name} ({person.birth_year}"
            f"{', ' + person.household.code if person.household else ''}) #{person.pk}"
            for person in matches[:PERSON_MATCHES_SHOWN]
        )
        raise forms.ValidationError(
            gettext("Several people match: %(people)s. Type the number (#) of the right one.")
            % {"people": listed + ("; …" if len(matches) > PERSON_MATCHES_SHOWN else "")},
            code="person_ambiguous",
        )
    return matches[0]
