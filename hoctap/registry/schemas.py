"""API schemas for the registry: what a client may send (…In) and what it gets back (…Out)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Schema

from hoctap.registry.models import (
    Clan,
    DigitalSkill,
    Household,
    ImportJob,
    LearningCentre,
    ManagingLevel,
    Organisation,
    OrganisationKind,
    Person,
    Relation,
    Sex,
    StatisticKind,
    TargetGroup,
)
from hoctap.registry.permissions import can_edit

_CAN_EDIT_CACHE = "_hoctap_registry_can_edit"


def may_edit(context: dict[str, Any] | None, obj: Any) -> bool:
    """`permissions.can_edit` for the request being answered, asked once per unit path.

    A page of 50 people spans a few hamlets, so this costs a few queries, not fifty.
    """
    request: HttpRequest | None = (context or {}).get("request")
    if request is None:
        return False
    cache: dict[str, bool] = request.__dict__.setdefault(_CAN_EDIT_CACHE, {})
    if obj.unit_path not in cache:
        cache[obj.unit_path] = can_edit(request.user, obj)
    return cache[obj.unit_path]


def forget_may_edit(request: HttpRequest) -> None:
    """Drop the cached answers (after a write that moved rows)."""
    request.__dict__.pop(_CAN_EDIT_CACHE, None)


# -- shared ---------------------------------------------------------------------------------


class PersonRefOut(Schema):
    id: int
    full_name: str


class HouseholdRefOut(Schema):
    id: int
    code: str


class ClanRefOut(Schema):
    id: int
    name: str


# -- households -----------------------------------------------------------------------------


class HouseholdFilter(Schema):
    q: str = Field(
        "", description="Household code or a member's name; diacritics and case are ignored."
    )
    hamlet: str = Field("", description="Key of a hamlet.")


class HouseholdIn(Schema):
    commune: str | None = Field(
        None, description="Key of the commune; may be left out when `hamlet` is given."
    )
    hamlet: str | None = Field(None, description="Key of the hamlet.")
    code: str = Field(..., description="Household code, unique within the commune.")
    address: str = ""
    phone: str = ""


class HouseholdUpdateIn(Schema):
    version: int = Field(
        ..., description="The `version` you read; a stale one is refused with 409."
    )
    hamlet: str | None = Field(None, description="Key of the hamlet (same commune).")
    code: str
    address: str = ""
    phone: str = ""
    head: int | None = Field(None, description="Id of the member who heads the household.")


class HouseholdOut(Schema):
    """A household. The phone is sent only to users who may edit it (Decree 13/2023)."""

    id: int
    code: str
    commune: str
    hamlet: str | None
    hamlet_name: str | None
    address: str
    phone: str | None = Field(None, description="Null unless you may edit this household.")
    head: PersonRefOut | None
    member_count: int
    version: int

    @staticmethod
    def resolve_commune(obj: Household) -> str:
        return obj.commune.key

    @staticmethod
    def resolve_hamlet(obj: Household) -> str | None:
        return obj.hamlet.key if obj.hamlet else None

    @staticmethod
    def resolve_hamlet_name(obj: Household) -> str | None:
        return obj.hamlet.name if obj.hamlet else None

    @staticmethod
    def resolve_phone(obj: Household, context: dict[str, Any]) -> str | None:
        return obj.phone if may_edit(context, obj) else None

    @staticmethod
    def resolve_member_count(obj: Household) -> int:
        annotated: int | None = getattr(obj, "member_count", None)
        return annotated if annotated is not None else len(obj.members.all())


class HouseholdMemberOut(Schema):
    id: int
    full_name: str
    relation: str
    sex: str
    birth_year: int


class HouseholdDetailOut(HouseholdOut):
    members: list[HouseholdMemberOut]
    clans: list[ClanRefOut]

    @staticmethod
    def resolve_members(obj: Household) -> list[Person]:
        return list(obj.members.all())

    @staticmethod
    def resolve_clans(obj: Household) -> list[Clan]:
        return list(obj.clans.all())


# -- people ---------------------------------------------------------------------------------


class PersonFilter(Schema):
    q: str = Field(
        "",
        description=(
            "Words of the name (diacritics and case ignored), a household code or a CCCD."
        ),
    )
    hamlet: str = Field("", description="Key of a hamlet.")
    target_group: TargetGroup | Literal[""] = ""
    age_band: Literal["", "0-14", "15-17", "18-35", "36-60", "60+"] = ""
    is_worker: bool | None = None
    digital_skill: DigitalSkill | Literal[""] = ""


class PersonFields(Schema):
    full_name: str
    sex: Sex
    birth_date: datetime.date | None = None
    birth_year: int | None = Field(
        None, description="Needed when `birth_date` is unknown; taken from it otherwise."
    )
    ethnicity: str = ""
    cccd: str | None = Field(
        None, description="12-digit citizen ID; optional, unique across the system."
    )
    phone: str = ""
    relation: Relation | Literal[""] = ""
    organisation: int | None = Field(None, description="Id of the organisation.")
    target_group: TargetGroup = TargetGroup.RESIDENT
    is_worker: bool = False
    is_adult: bool = True
    digital_skill: DigitalSkill = DigitalSkill.NONE


class PersonIn(PersonFields):
    household: int | None = Field(
        None, description="Id of the household; the person is placed in its hamlet."
    )
    commune: str | None = Field(None, description="Key of the commune, without a household.")
    hamlet: str | None = Field(None, description="Key of the hamlet, without a household.")


class PersonUpdateIn(PersonFields):
    """Replaces every field below (send back what you read, changed)."""

    version: int = Field(
        ..., description="The `version` you read; a stale one is refused with 409."
    )


class PersonOut(Schema):
    """A person, minimised as Decree 13/2023 on personal data protection asks.

    The CCCD, phone and exact date of birth are sent only to users who may edit this
    person (the commune's officials and the hamlet's collectors); everyone else who may
    see the person gets null there. The year of birth is enough for the titles.
    """

    id: int
    full_name: str
    sex: str
    birth_year: int
    birth_date: datetime.date | None = Field(
        None, description="Null unless you may edit this person."
    )
    ethnicity: str
    cccd: str | None = Field(None, description="Null unless you may edit this person.")
    phone: str | None = Field(None, description="Null unless you may edit this person.")
    commune: str
    hamlet: str | None
    household: int | None
    household_code: str | None
    relation: str
    organisation: int | None
    organisation_name: str | None
    target_group: str
    is_worker: bool
    is_adult: bool
    digital_skill: str
    version: int

    @staticmethod
    def resolve_birth_date(obj: Person, context: dict[str, Any]) -> datetime.date | None:
        return obj.birth_date if may_edit(context, obj) else None

    @staticmethod
    def resolve_cccd(obj: Person, context: dict[str, Any]) -> str | None:
        return obj.cccd if may_edit(context, obj) else None

    @staticmethod
    def resolve_phone(obj: Person, context: dict[str, Any]) -> str | None:
        return obj.phone if may_edit(context, obj) else None

    @staticmethod
    def resolve_commune(obj: Person) -> str:
        return obj.commune.key

    @staticmethod
    def resolve_hamlet(obj: Person) -> str | None:
        return obj.hamlet.key if obj.hamlet else None

    @staticmethod
    def resolve_household(obj: Person) -> int | None:
        return obj.household_id

    @staticmethod
    def resolve_household_code(obj: Person) -> str | None:
        return obj.household.code if obj.household else None

    @staticmethod
    def resolve_organisation(obj: Person) -> int | None:
        return obj.organisation_id

    @staticmethod
    def resolve_organisation_name(obj: Person) -> str | None:
        return obj.organisation.name if obj.organisation else None


# -- clans ----------------------------------------------------------------------------------


class ClanFilter(Schema):
    q: str = Field("", description="Words of the name; diacritics and case are ignored.")


class ClanIn(Schema):
    commune: str = Field(..., description="Key of the clan's home commune.")
    name: str
    representative: int | None = Field(None, description="Id of the representative.")
    households: list[int] = Field(
        default_factory=list,
        description="Ids of member households; they may lie in other hamlets or communes.",
    )
    promotion_board: str = ""
    fund_amount: int = Field(0, ge=0, description="Learning promotion fund, in VND.")


class ClanUpdateIn(Schema):
    version: int = Field(
        ..., description="The `version` you read; a stale one is refused with 409."
    )
    name: str
    representative: int | None = None
    households: list[int] | None = Field(
        None,
        description=(
            "Ids of the member households you see; left out keeps them. Members outside "
            "your area are kept either way."
        ),
    )
    promotion_board: str = ""
    fund_amount: int = Field(0, ge=0)


class ClanOut(Schema):
    id: int
    commune: str
    name: str
    representative: PersonRefOut | None
    promotion_board: str
    fund_amount: int
    household_count: int
    version: int

    @staticmethod
    def resolve_commune(obj: Clan) -> str:
        return obj.commune.key

    @staticmethod
    def resolve_fund_amount(obj: Clan) -> int:
        return int(obj.fund_amount)


class ClanDetailOut(ClanOut):
    households: list[HouseholdRefOut] = Field(
        ..., description="Member households in your area (others are counted, not listed)."
    )

    @staticmethod
    def resolve_households(obj: Clan) -> list[Household]:
        visible: list[Household] = getattr(obj, "visible_households", [])
        return visible


# -- organisations --------------------------------------------------------------------------


class OrganisationFilter(Schema):
    q: str = Field("", description="Words of the name; diacritics and case are ignored.")


class OrganisationFields(Schema):
    name: str
    kind: OrganisationKind
    managing_level: ManagingLevel = ManagingLevel.COMMUNE
    head: int | None = Field(None, description="Id of the head, a person of the commune.")
    member_count: int | None = Field(
        None, ge=0, description="Number of members when they are not listed one by one."
    )


class OrganisationIn(OrganisationFields):
    commune: str = Field(..., description="Key of the commune.")


class OrganisationUpdateIn(OrganisationFields):
    version: int = Field(
        ..., description="The `version` you read; a stale one is refused with 409."
    )


class OrganisationOut(Schema):
    id: int
    commune: str
    name: str
    kind: str
    kind_label: str
    managing_level: str
    head: PersonRefOut | None
    member_count: int | None
    listed_members: int = Field(..., description="People registered as members.")
    version: int

    @staticmethod
    def resolve_commune(obj: Organisation) -> str:
        return obj.commune.key

    @staticmethod
    def resolve_kind_label(obj: Organisation) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_listed_members(obj: Organisation) -> int:
        annotated: int | None = getattr(obj, "listed_members", None)
        return annotated if annotated is not None else obj.members.count()


# -- learning centres -----------------------------------------------------------------------


class LearningCentreFields(Schema):
    name: str
    director: str = ""
    staff_count: int = Field(0, ge=0)
    association_leader_manages: bool = False
    uses_it: bool = False
    has_own_room: bool = False
    has_internet: bool = False


class LearningCentreIn(LearningCentreFields):
    commune: str = Field(..., description="Key of the commune (one centre per commune).")


class LearningCentreUpdateIn(LearningCentreFields):
    version: int = Field(
        ..., description="The `version` you read; a stale one is refused with 409."
    )


class CentreActivityIn(Schema):
    activity_count: int = Field(..., ge=0)
    attendance: int = Field(..., ge=0)
    note: str = ""


class CentreActivityOut(Schema):
    year: int
    activity_count: int
    attendance: int
    note: str


class LearningCentreOut(Schema):
    id: int
    commune: str
    commune_name: str
    name: str
    director: str
    staff_count: int
    association_leader_manages: bool
    uses_it: bool
    has_own_room: bool
    has_internet: bool
    version: int
    activities: list[CentreActivityOut] = Field(..., description="By year, newest first.")

    @staticmethod
    def resolve_commune(obj: LearningCentre) -> str:
        return obj.commune.key

    @staticmethod
    def resolve_commune_name(obj: LearningCentre) -> str:
        return obj.commune.name

    @staticmethod
    def resolve_activities(obj: LearningCentre) -> list[Any]:
        return list(obj.activities.all())


# -- declared statistics --------------------------------------------------------------------


class DeclaredStatisticFilter(Schema):
    year: int | None = None
    unit: str = Field("", description="Key of a unit.")
    kind: StatisticKind | Literal[""] = ""


class DeclaredStatisticIn(Schema):
    unit: str = Field(..., description="Key of the unit (commune, hamlet or province).")
    year: int = Field(..., ge=1945, le=2100)
    kind: StatisticKind
    value: int = Field(..., ge=0)
    source: str = Field(..., description="Where the figure comes from.")


class DeclaredStatisticUpdateIn(Schema):
    value: int = Field(..., ge=0)
    source: str


class DeclaredStatisticOut(Schema):
    id: int
    unit: str
    unit_name: str
    year: int
    kind: str
    kind_label: str
    value: int
    source: str
    updated_at: datetime.datetime

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.unit.key)

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj.unit.name)

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


# -- imports --------------------------------------------------------------------------------


class ImportIssueOut(Schema):
    row: int = Field(..., description="Row number as Excel shows it.")
    column: str
    value: str
    message: str


class ImportJobOut(Schema):
    id: int
    commune: str
    commune_name: str
    original_name: str
    status: str = Field(
        ...,
        description=(
            "queued → validating → ready (or invalid / failed) → committing → done. "
            "Poll until it is no longer queued, validating or committing."
        ),
    )
    status_label: str
    message: str = Field(..., description="Why the whole file was refused, if it was.")
    total_rows: int
    processed_rows: int
    progress_percent: int
    created_at: datetime.datetime
    committed_at: datetime.datetime | None

    @staticmethod
    def resolve_commune(obj: ImportJob) -> str:
        return obj.commune.key

    @staticmethod
    def resolve_commune_name(obj: ImportJob) -> str:
        return obj.commune.name

    @staticmethod
    def resolve_status_label(obj: ImportJob) -> str:
        return str(obj.get_status_display())


class ImportJobDetailOut(ImportJobOut):
    errors: list[ImportIssueOut] = Field(..., description="Every problem, by row and column.")
    warnings: list[ImportIssueOut] = Field(
        ..., description="Accept them with `accept_warnings` when committing."
    )
    fixes: list[ImportIssueOut] = Field(
        ..., description="Values a rule changed (e.g. a CCCD's lost leading zero restored)."
    )
    summary: dict[str, Any]


class ImportCommitIn(Schema):
    accept_warnings: bool = Field(
        False, description="Say you have read the warnings; needed when there are any."
    )
