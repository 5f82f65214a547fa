"""Forms of the registry pages: they check input as the import does; the services decide."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.core.forms import StyledForm
from hoctap.core.text import normalize_text
from hoctap.registry import importing
from hoctap.registry.cccd import cccd_problems, restore_leading_zeros
from hoctap.registry.ethnicities import ETHNICITIES
from hoctap.registry.models import (
    DigitalSkill,
    Household,
    ManagingLevel,
    Organisation,
    OrganisationKind,
    Person,
    Relation,
    Sex,
    StatisticKind,
    TargetGroup,
)
from hoctap.registry.selectors import AGE_BANDS

BLANK = ("", "—")
# The same messages as the import, so a sheet and a form explain a bad CCCD alike.
CCCD_MESSAGES = {
    "format": _("A CCCD has exactly 12 digits."),
    "province": _("The first three digits are not a province code."),
    "century_sex": _("The fourth digit does not match the sex and century of birth."),
    "year": _("Digits 5–6 do not match the year of birth."),
}


def unit_label(unit: AdminUnit) -> str:
    """A hamlet with its commune, so two "Thôn 1" of different communes can be told apart."""
    if unit.level == Level.HAMLET and unit.parent is not None:
        return f"{unit.name} ({unit.parent.name})"
    return unit.name


class UnitChoiceField(forms.ModelChoiceField[AdminUnit]):
    def label_from_instance(self, obj: AdminUnit) -> str:
        return unit_label(obj)


def clean_phone(value: str) -> str:
    """The import's phone rule: a Vietnamese number; a lost leading zero is put back."""
    phone = normalize_text(value)
    if not phone:
        return ""
    digits = re.sub(r"[\s.\-]", "", phone)
    if digits.isdigit() and len(digits) == 9:
        digits = "0" + digits
    if not re.fullmatch(r"(\+84|0)\d{9,10}", digits):
        raise forms.ValidationError(_("Not a Vietnamese phone number."), code="phone")
    return digits


# -- search and filters ---------------------------------------------------------------------


class PeopleFilterForm(StyledForm):
    """The people list's search and filters; an unknown value is ignored, not an error page."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(
            attrs={"autocomplete": "off", "placeholder": _("e.g. nguyen van an")}
        ),
    )
    hamlet = forms.ChoiceField(label=_("Hamlet"), required=False)
    target_group = forms.ChoiceField(
        label=_("Target group"), required=False, choices=[BLANK, *TargetGroup.choices]
    )
    age_band = forms.ChoiceField(
        label=_("Age"), required=False, choices=[BLANK, *[(band, band) for band in AGE_BANDS]]
    )
    worker = forms.ChoiceField(
        label=_("Worker"),
        required=False,
        choices=[BLANK, ("yes", _("Workers")), ("no", _("Not workers"))],
    )
    digital_skill = forms.ChoiceField(
        label=_("Digital skills"), required=False, choices=[BLANK, *DigitalSkill.choices]
    )

    def __init__(self, *args: Any, hamlets: list[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["hamlet"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = hamlet_choices(hamlets)


def hamlet_choices(hamlets: list[AdminUnit]) -> list[Any]:
    """Hamlets for a drop-down, grouped by commune when the user sees several communes."""
    communes: dict[str, list[tuple[str, str]]] = {}
    for hamlet in hamlets:
        commune = hamlet.parent.name if hamlet.parent else ""
        communes.setdefault(commune, []).append((hamlet.key, hamlet.name))
    if len(communes) <= 1:
        return [BLANK, *[choice for group in communes.values() for choice in group]]
    return [BLANK, *communes.items()]


class HouseholdFilterForm(StyledForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    hamlet = forms.ChoiceField(label=_("Hamlet"), required=False)

    def __init__(self, *args: Any, hamlets: list[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["hamlet"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = hamlet_choices(hamlets)


# -- households and people ------------------------------------------------------------------


class HouseholdForm(StyledForm):
    hamlet = UnitChoiceField(
        label=_("Hamlet"), queryset=AdminUnit.objects.none(), to_field_name="key"
    )
    code = forms.CharField(label=_("Household code"), max_length=32)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, widget=forms.TelInput)

    def __init__(self, *args: Any, hamlets: QuerySet[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["hamlet"]
        assert isinstance(field, forms.ModelChoiceField)
        # Only hamlets the user may write to: a tampered key is "not a valid choice".
        field.queryset = hamlets

    def clean_code(self) -> str:
        return normalize_text(self.cleaned_data["code"])

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])


class HouseholdEditForm(HouseholdForm):
    head = forms.ModelChoiceField(
        label=_("Head of household"), queryset=Person.objects.none(), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["head"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Person.objects.filter(household=household).order_by("birth_year", "id")


class PersonForm(StyledForm):
    """A person's details, checked with the import's rules (dates, CCCD, phone)."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=[BLANK, *Sex.choices])
    birth = forms.CharField(
        label=_("Date of birth"),
        max_length=20,
        help_text=_("dd/mm/yyyy, or the year alone"),
    )
    relation = forms.ChoiceField(
        label=_("Relation to the head"), choices=[BLANK, *Relation.choices], required=False
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnicity"), choices=[BLANK, *[(n, n) for n in ETHNICITIES]], required=False
    )
    cccd = forms.CharField(
        label=_("Citizen ID (CCCD)"),
        max_length=20,
        required=False,
        help_text=_("12 digits; may be left empty"),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, widget=forms.TelInput)
    organisation = forms.ModelChoiceField(
        label=_("Works or studies at"), queryset=Organisation.objects.none(), required=False
    )
    target_group = forms.ChoiceField(
        label=_("Target group"), choices=TargetGroup.choices, initial=TargetGroup.RESIDENT
    )
    is_worker = forms.BooleanField(label=_("Counts as a worker"), required=False)
    is_adult = forms.BooleanField(label=_("Counts as an adult"), required=False, initial=True)
    digital_skill = forms.ChoiceField(
        label=_("Digital skills"), choices=DigitalSkill.choices, initial=DigitalSkill.NONE
    )

    # Set by clean_birth: the date (when known) and the year the birth field was read as.
    birth_date: datetime.date | None = None
    birth_year: int | None = None

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        relation_required: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        # A member of a household needs a relation to its head, as in the import.
        self.fields["relation"].required = relation_required

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        birth = (
            person.birth_date.strftime("%d/%m/%Y") if person.birth_date else str(person.birth_year)
        )
        initial = {name: getattr(person, name) for name in PERSON_FORM_FIELDS}
        return {
            **initial,
            "birth": birth,
            "cccd": person.cccd or "",
            "organisation": person.organisation_id,
            "version": person.version,
        }

    def clean_full_name(self) -> str:
        return normalize_text(self.cleaned_data["full_name"])

    def clean_birth(self) -> str:
        raw = normalize_text(self.cleaned_data["birth"])
        birth_date, birth_year, _fix = importing.parse_birth(raw)
        if birth_year is None:
            raise forms.ValidationError(
                _("Unreadable date of birth; write dd/mm/yyyy or the year alone."), code="birth"
            )
        today = timezone.localdate()
        if birth_year < 1900 or (birth_date or datetime.date(birth_year, 1, 1)) > today:
            raise forms.ValidationError(_("The date of birth is not plausible."), code="birth")
        self.birth_date, self.birth_year = birth_date, birth_year
        return raw

    def clean_cccd(self) -> str:
        raw = normalize_text(self.cleaned_data["cccd"])
        return restore_leading_zeros(re.sub(r"[\s.\-]", "", raw)) if raw else ""

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        cccd, sex = data.get("cccd"), data.get("sex")
        if cccd and "birth" in data:
            for problem in cccd_problems(cccd, birth_year=self.birth_year, sex=sex or None):
                self.add_error("cccd", forms.ValidationError(CCCD_MESSAGES[problem], code=problem))
        return data

    def person_fields(self) -> dict[str, Any]:
        """The cleaned data as the services' keyword arguments."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in PERSON_FORM_FIELDS},
            "birth_date": self.birth_date,
            "birth_year": self.birth_year,
            "cccd": data["cccd"] or None,
            "organisation": data["organisation"],
        }


PERSON_FORM_FIELDS = (
    "full_name",
    "sex",
    "relation",
    "ethnicity",
    "phone",
    "target_group",
    "is_worker",
    "is_adult",
    "digital_skill",
)


class PersonEditForm(PersonForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# -- organisations, clans, learning centres, statistics -------------------------------------


class CommuneFieldMixin(StyledForm):
    """A commune picker that is hidden when the user works in one commune only."""

    commune = UnitChoiceField(
        label=_("Commune"), queryset=AdminUnit.objects.none(), to_field_name="key"
    )

    def set_communes(self, communes: QuerySet[AdminUnit]) -> None:
        field = self.fields["commune"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = communes
        only = list(communes[:2])
        if len(only) == 1:
            field.widget = forms.HiddenInput()
            field.initial = only[0].key


class OrganisationForm(CommuneFieldMixin):
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    managing_level = forms.ChoiceField(
        label=_("Managed at"), choices=ManagingLevel.choices, initial=ManagingLevel.COMMUNE
    )
    head = forms.ModelChoiceField(
        label=_("Head"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Chosen among the people listed as working or studying here."),
    )
    member_count = forms.IntegerField(
        label=_("Number of members"),
        min_value=0,
        required=False,
        help_text=_("When the members are not listed one by one."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(
        self,
        *args: Any,
        communes: QuerySet[AdminUnit],
        members: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_communes(communes)
        field = self.fields["head"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members


class HouseholdChoiceField(forms.ModelMultipleChoiceField[Household]):
    def label_from_instance(self, obj: Household) -> str:
        head = obj.head.full_name if obj.head else "—"
        hamlet = obj.hamlet.name if obj.hamlet else ""
        return f"{obj.code} · {head} · {hamlet}"


class ClanForm(CommuneFieldMixin):
    name = forms.CharField(label=_("Name"), max_length=150)
    households = HouseholdChoiceField(
        label=_("Member households"),
        queryset=Household.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    representative = forms.ModelChoiceField(
        label=_("Representative"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Chosen among the members of the clan's households."),
    )
    promotion_board = forms.CharField(
        label=_("Learning promotion board"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    fund_amount = forms.IntegerField(
        label=_("Learning promotion fund (VND)"), min_value=0, initial=0
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(
        self,
        *args: Any,
        communes: QuerySet[AdminUnit],
        households: QuerySet[Household],
        representatives: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_communes(communes)
        field = self.fields["households"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        # Every household the user sees is a valid choice; the page lists only some of them.
        field.queryset = households
        field = self.fields["representative"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = representatives


class LearningCentreForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=255)
    director = forms.CharField(label=_("Director"), max_length=150, required=False)
    staff_count = forms.IntegerField(label=_("Staff"), min_value=0, initial=0)
    association_leader_manages = forms.BooleanField(
        label=_("The association chair or vice-chair takes part in managing it"), required=False
    )
    uses_it = forms.BooleanField(label=_("Uses IT"), required=False)
    has_own_room = forms.BooleanField(label=_("Has its own room"), required=False)
    has_internet = forms.BooleanField(label=_("Has internet"), required=False)


def year_field(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, **kwargs)


class CentreActivityForm(StyledForm):
    year = year_field()
    activity_count = forms.IntegerField(label=_("Activities"), min_value=0)
    attendance = forms.IntegerField(label=_("Attendance"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class DeclaredStatisticForm(StyledForm):
    unit = UnitChoiceField(label=_("Unit"), queryset=AdminUnit.objects.none(), to_field_name="key")
    year = year_field()
    kind = forms.ChoiceField(label=_("What is counted"), choices=StatisticKind.choices)
    value = forms.IntegerField(label=_("Value"), min_value=0)
    source = forms.CharField(
        label=_("Source"),
        max_length=255,
        help_text=_("Where the figure comes from, e.g. the commune's statistics report 2025."),
    )

    def __init__(self, *args: Any, units: QuerySet[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


# -- imports --------------------------------------------------------------------------------


class TemplateForm(CommuneFieldMixin):
    def __init__(self, *args: Any, communes: QuerySet[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_communes(communes)


class ImportUploadForm(CommuneFieldMixin):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Fill in the template, or upload your own sheet with the same columns."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args: Any, communes: QuerySet[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_communes(communes)

    filename = ""

    def clean_file(self) -> bytes:
        """The file's bytes; too large, empty or not an .xlsx is refused before it is stored."""
        upload = self.cleaned_data["file"]
        self.filename = upload.name or ""
        try:
            return importing.open_upload(upload)
        except importing.SheetError as error:
            raise forms.ValidationError(str(error), code="file") from error


class ImportCommitForm(StyledForm):
    accept_warnings = forms.BooleanField(label=_("I have checked the warnings"), required=False)
