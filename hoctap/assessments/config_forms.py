"""Forms of the workflow configuration pages: they parse the input; `rules` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.models import Role
from hoctap.adminunits.models import AdminUnit
from hoctap.assessments import permissions, rules
from hoctap.assessments.models import State, Title
from hoctap.core.forms import StyledForm

# Every action a rule can be set for, as the configuration pages name it.
ACTION_NAMES: dict[str, Any] = {
    permissions.REGISTER: _("Register"),
    permissions.SCORE: _("Enter scores and evidence"),
    permissions.SUBMIT: _("Submit"),
    permissions.REVIEW: _("Review"),
    permissions.APPRAISE: _("Appraise"),
    permissions.PROPOSE: _("Propose for recognition"),
    permissions.RETURN: _("Return for changes"),
    permissions.REJECT: _("Reject"),
    permissions.RECOGNISE: _("Issue the recognition decision"),
}
ROLE_NAMES: dict[str, Any] = {
    **dict(Role.choices),
    rules.SUBJECT: _("The subject themselves (citizen or household)"),
}
# What each deadline step means: the state a step leads to names the step that must be done.
STEP_NAMES: dict[str, Any] = {
    State.SUBMITTED: _("Self-assessment submitted"),
    State.REVIEWED: _("Review done"),
    State.APPRAISED: _("Appraisal done"),
    State.PROPOSED: _("Proposed for recognition"),
    State.RECOGNISED: _("Recognition decision issued"),
}
YEAR_OFFSET_CHOICES = [
    (0, _("in the assessed year")),
    (1, _("in the following year")),
]
MONTH_CHOICES = [(month, f"{month:02d}") for month in range(1, 13)]


def role_name(role: str) -> str:
    return str(ROLE_NAMES.get(role, role))


def step_name(step: str) -> str:
    if step in STEP_NAMES:
        return str(STEP_NAMES[step])
    return str(dict(State.choices).get(step, step))


class ScopeForm(forms.Form):
    """Which level the pages configure: nationwide or one province the user may configure."""

    province = forms.ChoiceField(
        label=_("Configure for"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(
        self, *args: Any, provinces: QuerySet[AdminUnit], national: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("Nationwide"))] if national else []
        choices += [(province.key, province.name) for province in provinces]
        field = self.fields["province"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class RuleForm(forms.Form):
    """The roles allowed to take one action of one title at the chosen level."""

    roles = forms.MultipleChoiceField(
        label=_("Who may take this step"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, title: str, action: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["roles"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(role, role_name(role)) for role in rules.offered_roles(title, action)]


class DeadlineForm(StyledForm):
    """The day one step of one title is due each year at the chosen level."""

    title = forms.ChoiceField(label=_("Title"), choices=Title.choices)
    step = forms.ChoiceField(
        label=_("Step"), choices=[(step, STEP_NAMES[step]) for step in rules.DEADLINE_STEPS]
    )
    day = forms.IntegerField(
        label=_("Day"), widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1})
    )
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTH_CHOICES, coerce=int)
    # A plain number under a select, so an out-of-range value reaches the service's message.
    year_offset = forms.IntegerField(
        label=_("Year"), initial=0, widget=forms.Select(choices=YEAR_OFFSET_CHOICES)
    )
    source = forms.CharField(
        label=_("Source (document setting the deadline)"),
        required=False,
        max_length=rules.SOURCE_MAX_LENGTH,
    )


class DeadlineRemoveForm(forms.Form):
    title = forms.ChoiceField(choices=Title.choices)
    step = forms.CharField(max_length=16)
