"""Forms for account management."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.models import Role
from hoctap.accounts.permissions import assignable_roles
from hoctap.adminunits.models import AdminUnit


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


class UserCreateForm(AssignmentForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"), widget=forms.PasswordInput(render_value=False)
    )

    field_order = ["username", "full_name", "phone", "email", "password", "role", "unit"]


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
