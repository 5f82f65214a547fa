"""Writes to the registry. Pages, the API, imports and the demo all come through here."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar, cast

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.services import audit_event_record
from hoctap.core.text import normalize_text, search_key
from hoctap.registry import importing
from hoctap.registry.cccd import cccd_problems
from hoctap.registry.models import (
    CentreActivity,
    Clan,
    DeclaredStatistic,
    Household,
    ImportJob,
    ImportStatus,
    LearningCentre,
    Organisation,
    Person,
)
from hoctap.registry.permissions import can_edit, can_edit_at, can_import_into
from hoctap.targets import registry_counts

T = TypeVar("T")
SAVE_BATCH = 2000


class NotPermitted(BusinessError):
    """The actor may not write here; views answer 404 so scope does not leak."""


def _place(commune: AdminUnit, hamlet: AdminUnit | None) -> str:
    if commune.level != Level.COMMUNE:
        raise BusinessError(_("Choose a commune."), code="commune")
    if hamlet is not None and hamlet.parent_id != commune.pk:
        raise BusinessError(_("The hamlet does not belong to this commune."), code="hamlet")
    return hamlet.path if hamlet is not None else commune.path


def _check_version(obj: Any, version: int | None) -> None:
    if version is not None and obj.version != version:
        raise ConflictError(
            _("Someone else changed this record after you opened it. Reload and try again."),
            code="stale",
        )


# -- households -----------------------------------------------------------------------------


@transaction.atomic
def household_create(
    *,
    actor: Any,
    commune: AdminUnit,
    hamlet: AdminUnit | None,
    code: str,
    address: str = "",
    phone: str = "",
) -> Household:
    """Register a household in a hamlet."""
    unit_path = _place(commune, hamlet)
    if not can_edit_at(actor, hamlet or commune):
        raise NotPermitted(_("You may not add households here."), code="forbidden")
    code = normalize_text(code)
    if not code:
        raise BusinessError(_("The household code is missing."), code="code")
    household = Household(
        commune=commune,
        hamlet=hamlet,
        unit_path=unit_path,
        code=code,
        search_name=search_key(code),
        address=normalize_text(address),
        phone=normalize_text(phone),
    )
    household.full_clean(exclude=["head"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError as error:
        raise BusinessError(
            _("This household code already exists in the commune."), code="duplicate"
        ) from error
    audit_event_record(actor=actor, action="household.create", obj=household, unit_path=unit_path)
    registry_counts.refresh_communes([commune], kinds=registry_counts.HOUSEHOLD_KINDS)
    return household


@transaction.atomic
def household_update(
    *,
    actor: Any,
    household: Household,
    version: int | None,
    hamlet: AdminUnit | None,
    code: str,
    address: str,
    phone: str,
    head: Person | None,
) -> Household:
    """Change a household; members move with it to its new hamlet."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if not can_edit(actor, household):
        raise NotPermitted(_("You may not change this household."), code="forbidden")
    _check_version(household, version)
    unit_path = _place(household.commune, hamlet)
    # Without a hamlet the household sits at the commune: a hamlet's collector may not.
    if not can_edit_at(actor, hamlet or household.commune):
        raise NotPermitted(_("You may not move households there."), code="forbidden")
    if head is not None and head.household_id != household.pk:
        raise BusinessError(_("The head must be a member of the household."), code="head")
    before = {"code": household.code, "hamlet": household.hamlet_id, "head": household.head_id}
    household.hamlet = hamlet
    household.unit_path = unit_path
    household.code = normalize_text(code)
    household.search_name = search_key(household.code)
    household.address = normalize_text(address)
    household.phone = normalize_text(phone)
    household.head = head
    household.version = F("version") + 1
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError as error:
        raise BusinessError(
            _("This household code already exists in the commune."), code="duplicate"
        ) from error
    household.refresh_from_db()
    Person.objects.filter(household=household).update(hamlet=hamlet, unit_path=unit_path)
    audit_event_record(
        actor=actor,
        action="household.update",
        obj=household,
        unit_path=unit_path,
        data={"before": before},
    )
    registry_counts.refresh_communes(
        [household.commune_id], kinds=registry_counts.HOUSEHOLD_AND_PEOPLE_KINDS
    )
    return household


# -- people ---------------------------------------------------------------------------------

PERSON_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "birth_year",
    "ethnicity",
    "cccd",
    "phone",
    "relation",
    "organisation",
    "target_group",
    "is_worker",
    "is_adult",
    "digital_skill",
)


def _clean_person(person: Person, today: datetime.date) -> None:
    person.full_name = normalize_text(person.full_name)
    person.search_name = search_key(person.full_name)
    if person.birth_date is not None:
        person.birth_year = person.birth_date.year
    if person.cccd:
        person.cccd = person.cccd.strip()
        problems = cccd_problems(person.cccd, birth_year=person.birth_year, sex=person.sex)
        if problems:
            raise BusinessError(
                _("The CCCD is not valid for this person's sex and year of birth."), code="cccd"
            )
    else:
        person.cccd = None
    if person.birth_year and person.birth_year > today.year:
        raise BusinessError(_("The date of birth is not plausible."), code="birth")


@transaction.atomic
def person_create(
    *,
    actor: Any,
    household: Household | None,
    commune: AdminUnit,
    hamlet: AdminUnit | None,
    **fields: Any,
) -> Person:
    """Add a person, usually as a member of a household."""
    if household is not None:
        commune, hamlet = household.commune, household.hamlet
    unit_path = _place(commune, hamlet)
    if not can_edit_at(actor, hamlet or commune):
        raise NotPermitted(_("You may not add people here."), code="forbidden")
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    person = Person(
        commune=commune, hamlet=hamlet, unit_path=unit_path, household=household, **fields
    )
    _clean_person(person, timezone.localdate())
    # Uniqueness is left to the database, whose refusal becomes the service's own message.
    person.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as error:
        raise BusinessError(
            _("A person with this CCCD is already registered."), code="duplicate_cccd"
        ) from error
    if household is not None and person.relation == "head" and household.head_id is None:
        Household.objects.filter(pk=household.pk).update(head=person)
    audit_event_record(actor=actor, action="person.create", obj=person, unit_path=unit_path)
    registry_counts.refresh_communes([commune], kinds=registry_counts.PEOPLE_KINDS)
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, version: int | None, **fields: Any) -> Person:
    """Change a person's details; a stale form is refused."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not can_edit(actor, person):
        raise NotPermitted(_("You may not change this person."), code="forbidden")
    _check_version(person, version)
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    before = {f: str(getattr(person, f)) for f in fields}
    for name, value in fields.items():
        setattr(person, name, value)
    _clean_person(person, timezone.localdate())
    # Uniqueness is left to the database, whose refusal becomes the service's own message.
    person.full_clean(validate_unique=False, validate_constraints=False)
    person.version = F("version") + 1
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as error:
        raise BusinessError(
            _("A person with this CCCD is already registered."), code="duplicate_cccd"
        ) from error
    person.refresh_from_db()
    changed = {f: v for f, v in before.items() if str(getattr(person, f)) != v}
    audit_event_record(
        actor=actor,
        action="person.update",
        obj=person,
        unit_path=person.unit_path,
        data={"before": changed},
    )
    registry_counts.refresh_communes([person.commune_id], kinds=registry_counts.PEOPLE_KINDS)
    return person


# -- declared statistics --------------------------------------------------------------------


@transaction.atomic
def declared_statistic_set(
    *, actor: Any, unit: AdminUnit, year: int, kind: str, value: int, source: str
) -> DeclaredStatistic:
    """Declare (or correct) a count for a unit and year, with its source."""
    if not can_edit_at(actor, unit):
        raise NotPermitted(_("You may not declare statistics for this unit."), code="forbidden")
    if value < 0:
        raise BusinessError(_("The value cannot be negative."), code="value")
    if not normalize_text(source):
        raise BusinessError(_("Say where the figure comes from."), code="source")
    statistic, _created = DeclaredStatistic.objects.update_or_create(
        unit=unit,
        year=year,
        kind=kind,
        defaults={
            "value": value,
            "source": normalize_text(source),
            "unit_path": unit.path,
            "declared_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    # Uniqueness is left to the database, whose refusal becomes the service's own message.
    statistic.full_clean(validate_unique=False, validate_constraints=False)
    audit_event_record(
        actor=actor,
        action="statistic.set",
        obj=statistic,
        unit_path=unit.path,
        data={"year": year, "kind": kind, "value": value},
    )
    return statistic


# -- imports --------------------------------------------------------------------------------


def import_job_create(*, actor: Any, commune: AdminUnit, filename: str, data: bytes) -> ImportJob:
    """Store an uploaded sheet and queue its check; the file is refused early if it is not .xlsx."""
    if commune.level != Level.COMMUNE or not can_import_into(actor, commune):
        raise NotPermitted(_("You may not import into this commune."), code="forbidden")
    try:
        importing.check_file_bytes(data[: 1024 * 1024], len(data))
    except importing.SheetError as error:
        raise BusinessError(str(error), code="file") from error
    with transaction.atomic():
        job = ImportJob(
            commune=commune,
            unit_path=commune.path,
            created_by=actor,
            original_name=normalize_text(filename)[:255] or "import.xlsx",
        )
        job.file.save("upload.xlsx", ContentFile(data), save=False)
        job.save()
        audit_event_record(
            actor=actor,
            action="import.upload",
            obj=job,
            unit_path=commune.path,
            data={"file": job.original_name, "bytes": len(data)},
        )
        from hoctap.registry.tasks import validate_import

        transaction.on_commit(lambda: validate_import.enqueue(job.pk))
    return job


def _allowed_hamlets(actor: Any, commune: AdminUnit) -> set[str] | None:
    from hoctap.registry.permissions import editable_paths

    paths = editable_paths(actor)
    if paths is None or any(commune.path.startswith(p) for p in paths):
        return None
    return set(
        AdminUnit.objects.filter(parent=commune, level=Level.HAMLET)
        .filter(path__in=[p for p in paths if p.startswith(commune.path)])
        .values_list("key", flat=True)
    )


def _chunks(values: Iterable[T], size: int = 900) -> Iterable[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _parse_context(job: ImportJob) -> importing.ParseContext:
    commune = job.commune
    hamlets = {
        importing._key(name): key
        for name, key in AdminUnit.objects.current()
        .filter(parent=commune, level=Level.HAMLET)
        .values_list("name", "key")
    }

    def existing_cccds(values: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for batch in _chunks(values):
            found.update(
                cccd
                for cccd in Person.objects.filter(cccd__in=batch).values_list("cccd", flat=True)
                if cccd
            )
        return found

    def existing_codes(values: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for batch in _chunks(values):
            found.update(
                Household.objects.filter(commune=commune, code__in=batch).values_list(
                    "code", flat=True
                )
            )
        return found

    organisations = {
        importing._key(name): name
        for name in Organisation.objects.filter(commune=commune).values_list("name", flat=True)
    }
    return importing.ParseContext(
        hamlets=hamlets,
        allowed_hamlets=_allowed_hamlets(job.created_by, commune),
        existing_cccds=existing_cccds,
        existing_household_codes=existing_codes,
        organisations=organisations,
        today=timezone.localdate(),
    )


def _parse_job(
    job: ImportJob, progress: Callable[[int, int], None] | None = None
) -> importing.ParseResult:
    with job.file.open("rb") as handle:
        data = handle.read()
    rows = importing.read_rows(data)
    return importing.parse_people_sheet(rows, _parse_context(job), progress=progress)


def import_job_validate(*, job_id: int) -> ImportJob:
    """Check an uploaded sheet (run by the task): record every problem, or mark it ready."""
    job = ImportJob.objects.select_related("commune", "created_by").get(pk=job_id)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    try:
        result = _parse_job(job, progress)
    except importing.SheetError as error:
        job.status = ImportStatus.FAILED
        job.message = str(error)[:500]
        job.save(update_fields=["status", "message", "updated_at"])
        return job
    job.total_rows = result.total_rows
    job.processed_rows = result.total_rows
    job.errors = [issue.as_dict() for issue in result.errors]
    job.warnings = [issue.as_dict() for issue in result.warnings]
    job.fixes = [issue.as_dict() for issue in result.fixes]
    job.summary = {
        "people": len(result.rows),
        "households": result.households,
        "header_row": result.header_row,
    }
    job.status = ImportStatus.INVALID if result.errors else ImportStatus.READY
    job.message = ""
    job.save(
        update_fields=[
            "total_rows",
            "processed_rows",
            "errors",
            "warnings",
            "fixes",
            "summary",
            "status",
            "message",
            "updated_at",
        ]
    )
    return job


def import_job_request_commit(*, actor: Any, job: ImportJob, accept_warnings: bool) -> ImportJob:
    """Ask for a checked import to be saved; a second click finds it already on its way."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not can_import_into(actor, job.commune):
            raise NotPermitted(_("You may not import into this commune."), code="forbidden")
        if job.status != ImportStatus.READY:
            raise ConflictError(
                _("This import cannot be saved now (status: %(status)s).")
                % {"status": job.get_status_display()},
                code="state",
            )
        if job.warnings and not accept_warnings:
            raise BusinessError(
                _("Tick that you have checked the warnings before saving."), code="warnings"
            )
        job.status = ImportStatus.COMMITTING
        job.processed_rows = 0
        job.save(update_fields=["status", "processed_rows", "updated_at"])
        from hoctap.registry.tasks import commit_import

        transaction.on_commit(lambda: commit_import.enqueue(job.pk))
    return job


def import_job_commit(*, job_id: int) -> ImportJob:
    """Save every row of a checked import in one transaction, or none (run by the task)."""
    job = ImportJob.objects.select_related("commune", "created_by").get(pk=job_id)
    if job.status != ImportStatus.COMMITTING:
        return job
    try:
        result = _parse_job(job)
    except importing.SheetError as error:
        job.status = ImportStatus.FAILED
        job.message = str(error)[:500]
        job.save(update_fields=["status", "message", "updated_at"])
        return job
    if result.errors:
        # The database changed since the check (e.g. someone registered the same CCCD).
        job.errors = [issue.as_dict() for issue in result.errors]
        job.status = ImportStatus.INVALID
        job.save(update_fields=["errors", "status", "updated_at"])
        return job
    try:
        saved = _save_rows(job, result.rows)
    except IntegrityError:
        job.status = ImportStatus.INVALID
        job.message = _(
            "Some households or CCCDs were registered by someone else while saving. "
            "Nothing was saved; upload the file again to see which."
        )
        job.save(update_fields=["status", "message", "updated_at"])
        return job
    job.status = ImportStatus.DONE
    job.processed_rows = job.total_rows
    job.committed_at = timezone.now()
    job.summary = {**job.summary, **saved}
    job.save(update_fields=["status", "processed_rows", "committed_at", "summary", "updated_at"])
    return job


_COPY_AS_IS = frozenset(
    {
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def _insert_people(people: Iterable[Person]) -> int:
    """Insert new people without signals or per-row checks (the import checked every row).

    On PostgreSQL this is one COPY, about three times faster than batched INSERTs for
    100,000 rows (bench/bench_registry_import.py); other databases get batched INSERTs.
    """
    if connection.vendor != "postgresql":
        count = 0
        for batch in _chunks(people, SAVE_BATCH):
            Person.objects.bulk_create(batch, batch_size=SAVE_BATCH)
            count += len(batch)
        return count
    fields = [field for field in Person._meta.concrete_fields if not field.primary_key]
    # Django's per-value conversion costs more than the COPY itself; psycopg adapts these
    # types as they are, and any other field still goes through Django.
    convert = [field.get_internal_type() not in _COPY_AS_IS for field in fields]
    table = connection.ops.quote_name(Person._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(cast("str", field.column)) for field in fields)
    count = 0
    # Django's error wrapper turns a unique violation into IntegrityError, as for INSERT.
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for person in people:
            values = [field.pre_save(person, add=True) for field in fields]
            for index, field in enumerate(fields):
                if convert[index]:
                    values[index] = field.get_db_prep_save(values[index], connection)
            copy.write_row(values)
            count += 1
    return count


@transaction.atomic
def _save_rows(job: ImportJob, rows: list[importing.PersonRow]) -> dict[str, int]:
    commune = job.commune
    hamlets = {
        unit.key: unit for unit in AdminUnit.objects.filter(parent=commune, level=Level.HAMLET)
    }
    organisations = {
        importing._key(org.name): org for org in Organisation.objects.filter(commune=commune)
    }
    households: dict[str, Household] = {}
    for row in rows:
        if row.household_code not in households:
            hamlet = hamlets[row.hamlet_key]
            households[row.household_code] = Household(
                commune=commune,
                hamlet=hamlet,
                unit_path=hamlet.path,
                code=row.household_code,
                search_name=search_key(row.household_code),
                address=row.address,
                phone=row.phone if row.relation == "head" else "",
            )
        elif row.relation == "head" and row.phone:
            households[row.household_code].phone = row.phone
    Household.objects.bulk_create(households.values(), batch_size=SAVE_BATCH)
    today = timezone.localdate()

    # People are built one at a time as they are inserted, so 100,000 model instances are
    # never held at once; ids rather than instances skip the related-object descriptors.
    def people() -> Iterator[Person]:
        for row in rows:
            household = households[row.household_code]
            organisation = (
                organisations.get(importing._key(row.organisation)) if row.organisation else None
            )
            yield Person(
                commune_id=commune.pk,
                hamlet_id=household.hamlet_id,
                unit_path=household.unit_path,
                household_id=household.pk,
                full_name=row.full_name,
                search_name=row.search_name or search_key(row.full_name),
                sex=row.sex,
                birth_date=row.birth_date,
                birth_year=row.birth_year,
                ethnicity=row.ethnicity,
                cccd=row.cccd,
                phone=row.phone,
                relation=row.relation,
                organisation_id=organisation.pk if organisation else None,
                target_group=row.target_group,
                is_worker=row.is_worker,
                is_adult=today.year - row.birth_year >= 18,
                digital_skill=row.digital_skill,
            )

    saved_people = _insert_people(people())
    # Each household's head is its member marked "head" (the check allows exactly one):
    # one UPDATE per batch of households instead of a CASE per household.
    head_of = Person.objects.filter(household=OuterRef("pk"), relation="head").values("pk")[:1]
    for ids in _chunks([household.pk for household in households.values()]):
        Household.objects.filter(pk__in=ids).update(head=Subquery(head_of))
    audit_event_record(
        actor=job.created_by,
        action="import.commit",
        obj=job,
        unit_path=job.unit_path,
        data={"households": len(households), "people": saved_people},
    )
    registry_counts.refresh_communes([commune], kinds=registry_counts.HOUSEHOLD_AND_PEOPLE_KINDS)
    return {"saved_households": len(households), "saved_people": saved_people}


# -- organisations, clans, learning centres -------------------------------------------------


@transaction.atomic
def organisation_save(
    *,
    actor: Any,
    organisation: Organisation | None,
    commune: AdminUnit,
    name: str,
    kind: str,
    managing_level: str,
    head: Person | None = None,
    member_count: int | None = None,
    version: int | None = None,
) -> Organisation:
    """Create an organisation, or update one (a stale form is refused)."""
    unit_path = _place(commune, None)
    if not can_edit_at(actor, commune):
        raise NotPermitted(_("You may not add organisations here."), code="forbidden")
    moved_from = None
    if organisation is None:
        organisation = Organisation(commune=commune)
        action = "organisation.create"
    else:
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        moved_from = organisation.commune_id  # counted again below if the organisation moves
        if not can_edit(actor, organisation):
            raise NotPermitted(_("You may not change this organisation."), code="forbidden")
        _check_version(organisation, version)
        organisation.version += 1
        action = "organisation.update"
    if head is not None and not head.unit_path.startswith(commune.path):
        raise BusinessError(_("The head must be a person of this commune."), code="head")
    organisation.commune = commune
    organisation.unit_path = unit_path
    organisation.name = normalize_text(name)
    organisation.search_name = search_key(organisation.name)
    organisation.kind = kind
    organisation.managing_level = managing_level
    organisation.head = head
    organisation.member_count = member_count
    # Uniqueness is left to the database, whose refusal becomes the service's own message.
    organisation.full_clean(validate_unique=False, validate_constraints=False)
    organisation.save()
    audit_event_record(actor=actor, action=action, obj=organisation, unit_path=unit_path)
    registry_counts.refresh_communes(
        [commune, moved_from], kinds=registry_counts.ORGANISATION_KINDS
    )
    return organisation


@transaction.atomic
def clan_save(
    *,
    actor: Any,
    clan: Clan | None,
    commune: AdminUnit,
    name: str,
    representative: Person | None = None,
    households: list[Household] | None = None,
    promotion_board: str = "",
    fund_amount: int = 0,
    version: int | None = None,
) -> Clan:
    """Create or update a clan; member households may live in other hamlets or communes."""
    unit_path = _place(commune, None)
    if not can_edit_at(actor, commune):
        raise NotPermitted(_("You may not add clans here."), code="forbidden")
    moved_from = None
    if clan is None:
        clan = Clan(commune=commune)
        action = "clan.create"
    else:
        clan = Clan.objects.select_for_update().get(pk=clan.pk)
        moved_from = clan.commune_id  # counted again below if the clan moves
        if not can_edit(actor, clan):
            raise NotPermitted(_("You may not change this clan."), code="forbidden")
        _check_version(clan, version)
        clan.version += 1
        action = "clan.update"
    if fund_amount < 0:
        raise BusinessError(_("The fund cannot be negative."), code="fund")
    clan.commune = commune
    clan.unit_path = unit_path
    clan.name = normalize_text(name)
    clan.search_name = search_key(clan.name)
    clan.representative = representative
    clan.promotion_board = promotion_board.strip()
    clan.fund_amount = fund_amount
    # Uniqueness is left to the database, whose refusal becomes the service's own message.
    clan.full_clean(validate_unique=False, validate_constraints=False)
    clan.save()
    if households is not None:
        clan.households.set(households)
    audit_event_record(actor=actor, action=action, obj=clan, unit_path=unit_path)
    registry_counts.refresh_communes([commune, moved_from], kinds=registry_counts.CLAN_KINDS)
    return clan


@transaction.atomic
def learning_centre_save(
    *,
    actor: Any,
    commune: AdminUnit,
    name: str,
    director: str = "",
    staff_count: int = 0,
    association_leader_manages: bool = False,
    uses_it: bool = False,
    has_own_room: bool = False,
    has_internet: bool = False,
    version: int | None = None,
) -> LearningCentre:
    """Create or update the commune's community learning centre (one per commune)."""
    unit_path = _place(commune, None)
    if not can_edit_at(actor, commune):
        raise NotPermitted(_("You may not change this learning centre."), code="forbidden")
    centre = LearningCentre.objects.select_for_update().filter(commune=commune).first()
    action = "centre.update" if centre else "centre.create"
    if centre is not None:
        _check_version(centre, version)
        centre.version += 1
    centre = centre or LearningCentre(commune=commune, unit_path=unit_path)
    centre.name = normalize_text(name)
    centre.search_name = search_key(centre.name)
    centre.director = normalize_text(director)
    centre.staff_count = staff_count
    centre.association_leader_manages = association_leader_manages
    centre.uses_it = uses_it
    centre.has_own_room = has_own_room
    centre.has_internet = has_internet
    # Uniqueness is left to the database, whose refusal becomes the service's own message.
    centre.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            centre.save()
    except IntegrityError as error:
        # Two officials created the commune's centre at the same moment: one wins.
        raise ConflictError(
            _("The commune's learning centre was just created by someone else. Reload the page."),
            code="centre_exists",
        ) from error
    audit_event_record(actor=actor, action=action, obj=centre, unit_path=unit_path)
    registry_counts.refresh_communes([commune], kinds=registry_counts.CENTRE_KINDS)
    return centre


@transaction.atomic
def centre_activity_set(
    *,
    actor: Any,
    centre: LearningCentre,
    year: int,
    activity_count: int,
    attendance: int,
    note: str = "",
) -> CentreActivity:
    """Record what a learning centre ran in a year."""
    if not can_edit(actor, centre):
        raise NotPermitted(_("You may not change this learning centre."), code="forbidden")
    activity, _created = CentreActivity.objects.update_or_create(
        centre=centre,
        year=year,
        defaults={
            "activity_count": activity_count,
            "attendance": attendance,
            "note": normalize_text(note),
        },
    )
    # Uniqueness is left to the database, whose refusal becomes the service's own message.
    activity.full_clean(validate_unique=False, validate_constraints=False)
    audit_event_record(
        actor=actor,
        action="centre.activity",
        obj=centre,
        unit_path=centre.unit_path,
        data={"year": year, "activities": activity_count, "attendance": attendance},
    )
    return activity


def people_export_record(
    *, actor: Any, unit: AdminUnit | None, filters: dict[str, Any], file_format: str
) -> None:
    """Log who exported which list of people (personal data access is logged, Decree 13/2023)."""
    audit_event_record(
        actor=actor,
        action="registry.export",
        obj=unit if unit is not None else actor,
        unit_path=unit.path if unit is not None else "",
        data={"format": file_format, "filters": filters},
    )
