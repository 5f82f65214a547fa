"""The registry in the JSON API: households, people, clans, organisations, learning centres,
declared statistics and Excel imports.

Every read goes through the selectors' `visible_to`, so a record outside the caller's area
answers 404 exactly like a missing one; writes go through `hoctap.registry.services`. A
caller who may see a record but not change it gets 403. There is no DELETE: the registry
keeps the history behind every title, so records are corrected, never removed.
"""

# No `from __future__ import annotations` here: Ninja's @paginate wrapper resolves the
# view's string annotations in ninja.pagination's namespace, where `Query[...]` is unknown,
# so a paginated view with a Query schema would fail (500, and no OpenAPI schema).

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from hoctap.adminunits import selectors as unit_selectors
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.registry import importing, selectors, services
from hoctap.registry.models import (
    CentreActivity,
    Clan,
    DeclaredStatistic,
    Household,
    ImportJob,
    LearningCentre,
    Organisation,
    Person,
)
from hoctap.registry.permissions import editable_paths
from hoctap.registry.schemas import (
    CentreActivityIn,
    CentreActivityOut,
    ClanDetailOut,
    ClanFilter,
    ClanIn,
    ClanOut,
    ClanUpdateIn,
    DeclaredStatisticFilter,
    DeclaredStatisticIn,
    DeclaredStatisticOut,
    DeclaredStatisticUpdateIn,
    HouseholdDetailOut,
    HouseholdFilter,
    HouseholdIn,
    HouseholdOut,
    HouseholdUpdateIn,
    ImportCommitIn,
    ImportJobDetailOut,
    ImportJobOut,
    LearningCentreIn,
    LearningCentreOut,
    LearningCentreUpdateIn,
    OrganisationFilter,
    OrganisationIn,
    OrganisationOut,
    OrganisationUpdateIn,
    PersonFields,
    PersonFilter,
    PersonIn,
    PersonOut,
    PersonUpdateIn,
    forget_may_edit,
)

router = Router(tags=["registry"])

PAGE_SIZE = 50
CCCD_PATTERN = re.compile(r"\d{12}")


@contextmanager
def _forbidden_when_not_permitted() -> Iterator[None]:
    """Inside the caller's area a refused write is 403; outside it the lookup already gave 404."""
    try:
        yield
    except services.NotPermitted as error:
        raise HttpError(403, " ".join(error.messages)) from error


def _unit(request: HttpRequest, key: str) -> AdminUnit:
    return unit_selectors.unit_get(user=request.user, key=key)


def _place(
    request: HttpRequest, commune_key: str | None, hamlet_key: str | None
) -> tuple[AdminUnit, AdminUnit | None]:
    """The commune and hamlet a new record goes to; a collector names only their hamlet."""
    hamlet = _unit(request, hamlet_key) if hamlet_key else None
    if commune_key:
        commune: AdminUnit | None = _unit(request, commune_key)
    else:
        commune = hamlet.parent if hamlet is not None else None
    if commune is None or commune.level != Level.COMMUNE:
        raise BusinessError(_("Choose a commune."), code="commune")
    return commune, hamlet


def _person(request: HttpRequest, pk: int | None) -> Person | None:
    return selectors.person_get(user=request.user, pk=pk) if pk is not None else None


def _organisation(request: HttpRequest, pk: int | None) -> Organisation | None:
    return selectors.organisation_get(user=request.user, pk=pk) if pk is not None else None


def _person_fields(payload: PersonFields, request: HttpRequest) -> dict[str, Any]:
    fields = payload.dict(include=set(services.PERSON_FIELDS))
    fields["organisation"] = _organisation(request, payload.organisation)
    if fields["birth_year"] is None and payload.birth_date is not None:
        fields["birth_year"] = payload.birth_date.year
    return fields


# -- households -----------------------------------------------------------------------------


@router.get("/households", response=list[HouseholdOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_households(request: HttpRequest, filters: Query[HouseholdFilter]) -> Any:
    """Households in the caller's area; `q` ignores diacritics and case."""
    return selectors.household_list(
        user=request.user, q=filters.q, hamlet=filters.hamlet
    ).select_related("commune")


@router.post("/households", response={201: HouseholdOut})
def create_household(request: HttpRequest, payload: HouseholdIn) -> Any:
    """Register a household. A collector gives only their `hamlet`."""
    commune, hamlet = _place(request, payload.commune, payload.hamlet)
    with _forbidden_when_not_permitted():
        household = services.household_create(
            actor=request.user,
            commune=commune,
            hamlet=hamlet,
            code=payload.code,
            address=payload.address,
            phone=payload.phone,
        )
    return Status(201, selectors.household_get(user=request.user, pk=household.pk))


@router.get("/households/{household_id}", response=HouseholdDetailOut)
def get_household(request: HttpRequest, household_id: int) -> Household:
    """One household with its members and clans.

    There is no DELETE: a household's history (titles by year, changes) must be kept.
    """
    return selectors.household_get(user=request.user, pk=household_id)


@router.put("/households/{household_id}", response=HouseholdDetailOut)
def update_household(
    request: HttpRequest, household_id: int, payload: HouseholdUpdateIn
) -> Household:
    """Change a household; send the `version` you read (a stale one gives 409).

    Members move with the household to its new hamlet.
    """
    household = selectors.household_get(user=request.user, pk=household_id)
    hamlet = _unit(request, payload.hamlet) if payload.hamlet else None
    head = _person(request, payload.head)
    with _forbidden_when_not_permitted():
        services.household_update(
            actor=request.user,
            household=household,
            version=payload.version,
            hamlet=hamlet,
            code=payload.code,
            address=payload.address,
            phone=payload.phone,
            head=head,
        )
    forget_may_edit(request)
    return selectors.household_get(user=request.user, pk=household_id)


# -- people ---------------------------------------------------------------------------------


@router.get("/persons", response=list[PersonOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_persons(request: HttpRequest, filters: Query[PersonFilter]) -> Any:
    """People in the caller's area; `q` ignores diacritics and case ("nguyen van an").

    CCCD, phone and date of birth are null unless the caller may edit the person, and a
    search by CCCD finds only people the caller may edit.
    """
    people = selectors.person_list(
        user=request.user,
        filters=selectors.PersonFilter(
            q=filters.q,
            hamlet=filters.hamlet,
            target_group=filters.target_group,
            age_band=filters.age_band,
            is_worker=filters.is_worker,
            digital_skill=filters.digital_skill,
        ),
    ).select_related("commune")
    if any(CCCD_PATTERN.fullmatch(word) for word in filters.q.split()):
        # Otherwise a reader could learn who holds a number they are never shown.
        paths = editable_paths(request.user)
        if paths is not None:
            editable = Q(pk__in=[])
            for path in paths:
                editable |= Q(unit_path__startswith=path)
            people = people.filter(editable)
    return people


@router.post("/persons", response={201: PersonOut})
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    """Register a person, in a `household` or else at a `commune` / `hamlet`."""
    household = None
    if payload.household is not None:
        household = selectors.household_get(user=request.user, pk=payload.household)
        commune, hamlet = household.commune, household.hamlet
    else:
        commune, hamlet = _place(request, payload.commune, payload.hamlet)
    fields = _person_fields(payload, request)
    with _forbidden_when_not_permitted():
        person = services.person_create(
            actor=request.user, household=household, commune=commune, hamlet=hamlet, **fields
        )
    return Status(201, selectors.person_get(user=request.user, pk=person.pk))


@router.get("/persons/{person_id}", response=PersonOut)
def get_person(request: HttpRequest, person_id: int) -> Person:
    """One person. There is no DELETE: the titles a person earned must stay traceable."""
    return selectors.person_get(user=request.user, pk=person_id)


@router.put("/persons/{person_id}", response=PersonOut)
def update_person(request: HttpRequest, person_id: int, payload: PersonUpdateIn) -> Person:
    """Replace a person's details; send the `version` you read (a stale one gives 409)."""
    person = selectors.person_get(user=request.user, pk=person_id)
    fields = _person_fields(payload, request)
    with _forbidden_when_not_permitted():
        services.person_update(actor=request.user, person=person, version=payload.version, **fields)
    return selectors.person_get(user=request.user, pk=person_id)


# -- clans ----------------------------------------------------------------------------------


def _households(request: HttpRequest, ids: list[int]) -> list[Household]:
    """The named households, each in the caller's area (one missing is a 404)."""
    wanted = set(ids)
    found = list(Household.objects.visible_to(request.user).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise Household.DoesNotExist
    return found


def _clan_detail(request: HttpRequest, clan: Clan) -> Clan:
    """The clan with the member households the caller may see (the rest are only counted)."""
    visible = Household.objects.visible_to(request.user).filter(clans=clan).order_by("code")
    clan.visible_households = list(visible.only("id", "code"))  # type: ignore[attr-defined]
    return clan


@router.get("/clans", response=list[ClanOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_clans(request: HttpRequest, filters: Query[ClanFilter]) -> QuerySet[Clan]:
    """Clans whose home commune is in the caller's area."""
    return selectors.clan_list(user=request.user, q=filters.q)


@router.post("/clans", response={201: ClanDetailOut})
def create_clan(request: HttpRequest, payload: ClanIn) -> Any:
    """Register a clan; its member households may live in several hamlets or communes."""
    commune = _unit(request, payload.commune)
    representative = _person(request, payload.representative)
    households = _households(request, payload.households)
    with _forbidden_when_not_permitted():
        clan = services.clan_save(
            actor=request.user,
            clan=None,
            commune=commune,
            name=payload.name,
            representative=representative,
            households=households,
            promotion_board=payload.promotion_board,
            fund_amount=payload.fund_amount,
        )
    return Status(201, _clan_detail(request, selectors.clan_get(user=request.user, pk=clan.pk)))


@router.get("/clans/{clan_id}", response=ClanDetailOut)
def get_clan(request: HttpRequest, clan_id: int) -> Clan:
    """One clan with its member households in the caller's area. There is no DELETE."""
    return _clan_detail(request, selectors.clan_get(user=request.user, pk=clan_id))


@router.put("/clans/{clan_id}", response=ClanDetailOut)
def update_clan(request: HttpRequest, clan_id: int, payload: ClanUpdateIn) -> Clan:
    """Change a clan; send the `version` you read (a stale one gives 409)."""
    clan = selectors.clan_get(user=request.user, pk=clan_id)
    representative = _person(request, payload.representative)
    households = None
    if payload.households is not None:
        # Members the caller cannot see stay: they cannot be judged from here.
        hidden = clan.households.exclude(
            pk__in=Household.objects.visible_to(request.user).values("pk")
        )
        households = _households(request, payload.households) + list(hidden)
    with _forbidden_when_not_permitted():
        services.clan_save(
            actor=request.user,
            clan=clan,
            commune=clan.commune,
            name=payload.name,
            representative=representative,
            households=households,
            promotion_board=payload.promotion_board,
            fund_amount=payload.fund_amount,
            version=payload.version,
        )
    return _clan_detail(request, selectors.clan_get(user=request.user, pk=clan_id))


# -- organisations --------------------------------------------------------------------------


@router.get("/organisations", response=list[OrganisationOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_organisations(
    request: HttpRequest, filters: Query[OrganisationFilter]
) -> QuerySet[Organisation]:
    """Organisations in the caller's area."""
    return selectors.organisation_list(user=request.user, q=filters.q)


@router.post("/organisations", response={201: OrganisationOut})
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Any:
    """Register an organisation (agency, school, enterprise, …) under a commune."""
    commune = _unit(request, payload.commune)
    head = _person(request, payload.head)
    with _forbidden_when_not_permitted():
        organisation = services.organisation_save(
            actor=request.user,
            organisation=None,
            commune=commune,
            name=payload.name,
            kind=payload.kind,
            managing_level=payload.managing_level,
            head=head,
            member_count=payload.member_count,
        )
    return Status(201, selectors.organisation_get(user=request.user, pk=organisation.pk))


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def get_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    """One organisation. There is no DELETE."""
    return selectors.organisation_get(user=request.user, pk=organisation_id)


@router.put("/organisations/{organisation_id}", response=OrganisationOut)
def update_organisation(
    request: HttpRequest, organisation_id: int, payload: OrganisationUpdateIn
) -> Organisation:
    """Change an organisation; send the `version` you read (a stale one gives 409)."""
    organisation = selectors.organisation_get(user=request.user, pk=organisation_id)
    head = _person(request, payload.head)
    with _forbidden_when_not_permitted():
        services.organisation_save(
            actor=request.user,
            organisation=organisation,
            commune=organisation.commune,
            name=payload.name,
            kind=payload.kind,
            managing_level=payload.managing_level,
            head=head,
            member_count=payload.member_count,
            version=payload.version,
        )
    return selectors.organisation_get(user=request.user, pk=organisation_id)


# -- learning centres -----------------------------------------------------------------------


@router.get("/learning-centres", response=list[LearningCentreOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_learning_centres(request: HttpRequest) -> QuerySet[LearningCentre]:
    """Community learning centres in the caller's area, with their activities by year."""
    return selectors.learning_centre_list(user=request.user).prefetch_related("activities")


@router.post("/learning-centres", response={201: LearningCentreOut})
def create_learning_centre(request: HttpRequest, payload: LearningCentreIn) -> Any:
    """Register the commune's learning centre; a commune has one, so a second gives 409."""
    commune = _unit(request, payload.commune)
    if selectors.learning_centre_list(user=request.user).filter(commune=commune).exists():
        raise ConflictError(
            _("This commune already has a community learning centre; change that one instead."),
            code="exists",
        )
    with _forbidden_when_not_permitted():
        centre = services.learning_centre_save(
            actor=request.user, commune=commune, **payload.dict(exclude={"commune"})
        )
    return Status(201, selectors.learning_centre_get(user=request.user, pk=centre.pk))


@router.get("/learning-centres/{centre_id}", response=LearningCentreOut)
def get_learning_centre(request: HttpRequest, centre_id: int) -> LearningCentre:
    """One learning centre with its activities. There is no DELETE."""
    return selectors.learning_centre_get(user=request.user, pk=centre_id)


@router.put("/learning-centres/{centre_id}", response=LearningCentreOut)
def update_learning_centre(
    request: HttpRequest, centre_id: int, payload: LearningCentreUpdateIn
) -> LearningCentre:
    """Change a learning centre; send the `version` you read (a stale one gives 409)."""
    centre = selectors.learning_centre_get(user=request.user, pk=centre_id)
    with _forbidden_when_not_permitted():
        services.learning_centre_save(actor=request.user, commune=centre.commune, **payload.dict())
    return selectors.learning_centre_get(user=request.user, pk=centre_id)


@router.put("/learning-centres/{centre_id}/activities/{year}", response=CentreActivityOut)
def set_centre_activity(
    request: HttpRequest, centre_id: int, year: int, payload: CentreActivityIn
) -> CentreActivity:
    """Record (or correct) what the centre ran in a year and how many attended."""
    centre = selectors.learning_centre_get(user=request.user, pk=centre_id)
    with _forbidden_when_not_permitted():
        return services.centre_activity_set(
            actor=request.user,
            centre=centre,
            year=year,
            activity_count=payload.activity_count,
            attendance=payload.attendance,
            note=payload.note,
        )


# -- declared statistics --------------------------------------------------------------------


@router.get("/declared-statistics", response=list[DeclaredStatisticOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_declared_statistics(
    request: HttpRequest, filters: Query[DeclaredStatisticFilter]
) -> QuerySet[DeclaredStatistic]:
    """Counts units declared for a year (denominators of the targets)."""
    statistics = selectors.declared_statistic_list(user=request.user, year=filters.year)
    if filters.unit:
        statistics = statistics.filter(unit__key=filters.unit)
    if filters.kind:
        statistics = statistics.filter(kind=filters.kind)
    return statistics


@router.post(
    "/declared-statistics", response={200: DeclaredStatisticOut, 201: DeclaredStatisticOut}
)
def set_declared_statistic(request: HttpRequest, payload: DeclaredStatisticIn) -> Any:
    """Declare a count for a unit and year: 201 when new, 200 when it corrects the figure."""
    unit = _unit(request, payload.unit)
    existed = (
        selectors.declared_statistic_list(user=request.user, year=payload.year)
        .filter(unit=unit, kind=payload.kind)
        .exists()
    )
    with _forbidden_when_not_permitted():
        statistic = services.declared_statistic_set(
            actor=request.user,
            unit=unit,
            year=payload.year,
            kind=payload.kind,
            value=payload.value,
            source=payload.source,
        )
    return Status(200 if existed else 201, statistic)


@router.get("/declared-statistics/{statistic_id}", response=DeclaredStatisticOut)
def get_declared_statistic(request: HttpRequest, statistic_id: int) -> DeclaredStatistic:
    """One declared count. There is no DELETE: a correction replaces the value, audited."""
    return selectors.declared_statistic_get(user=request.user, pk=statistic_id)


@router.put("/declared-statistics/{statistic_id}", response=DeclaredStatisticOut)
def update_declared_statistic(
    request: HttpRequest, statistic_id: int, payload: DeclaredStatisticUpdateIn
) -> DeclaredStatistic:
    """Correct a declared count and its source."""
    statistic = selectors.declared_statistic_get(user=request.user, pk=statistic_id)
    with _forbidden_when_not_permitted():
        services.declared_statistic_set(
            actor=request.user,
            unit=statistic.unit,
            year=statistic.year,
            kind=statistic.kind,
            value=payload.value,
            source=payload.source,
        )
    return selectors.declared_statistic_get(user=request.user, pk=statistic_id)


# -- imports --------------------------------------------------------------------------------


@router.get("/imports", response=list[ImportJobOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_imports(request: HttpRequest) -> QuerySet[ImportJob]:
    """Uploaded sheets in the caller's area (and the caller's own), newest first."""
    return selectors.import_job_list(user=request.user)


@router.post("/imports", response={201: ImportJobDetailOut})
def create_import(request: HttpRequest, commune: Form[str], file: File[UploadedFile]) -> Any:
    """Upload a people-and-households sheet (.xlsx, the template's columns) for a commune.

    The file is checked in the background: poll `GET /imports/{id}` until its status is
    `ready` (commit it) or `invalid` (every problem is listed by row and column).
    """
    target = selectors.import_commune_get(user=request.user, key=commune)
    try:
        data = importing.open_upload(file)
    except importing.SheetError as error:
        raise BusinessError(str(error), code="file") from error
    with _forbidden_when_not_permitted():
        job = services.import_job_create(
            actor=request.user, commune=target, filename=file.name or "", data=data
        )
    return Status(201, selectors.import_job_get(user=request.user, pk=job.pk))


@router.get("/imports/{import_id}", response=ImportJobDetailOut)
def get_import(request: HttpRequest, import_id: int) -> ImportJob:
    """An import's status and progress, and every error, warning and fix by row and column."""
    return selectors.import_job_get(user=request.user, pk=import_id)


@router.post("/imports/{import_id}/commit", response={202: ImportJobDetailOut})
def commit_import(request: HttpRequest, import_id: int, payload: ImportCommitIn) -> Any:
    """Save a `ready` import, all rows or none; 409 when its status does not allow it.

    Saving runs in the background: poll `GET /imports/{id}` until the status is `done`.
    """
    job = selectors.import_job_get(user=request.user, pk=import_id)
    with _forbidden_when_not_permitted():
        services.import_job_request_commit(
            actor=request.user, job=job, accept_warnings=payload.accept_warnings
        )
    return Status(202, selectors.import_job_get(user=request.user, pk=import_id))
