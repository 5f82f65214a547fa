"""Reads of the registry, scoped to the acting user through `visible_to`."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.core.models import AuditEvent
from hoctap.core.text import search_key
from hoctap.registry.models import (
    Clan,
    DeclaredStatistic,
    Household,
    ImportJob,
    LearningCentre,
    Organisation,
    Person,
)
from hoctap.registry.permissions import editable_paths

AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "0-14": (0, 14),
    "15-17": (15, 17),
    "18-35": (18, 35),
    "36-60": (36, 60),
    "60+": (61, None),
}


@dataclasses.dataclass
class PersonFilter:
    q: str = ""
    hamlet: str = ""  # hamlet key
    target_group: str = ""
    age_band: str = ""
    is_worker: bool | None = None
    digital_skill: str = ""


def _words(queryset: QuerySet[Any], q: str, *extra: str) -> QuerySet[Any]:
    """Every word of `q` must appear in the search name (or a listed exact field)."""
    for word in search_key(q).split():
        condition = Q(search_name__contains=word)
        for field in extra:
            # The word is lower-cased by search_key; codes are stored as typed ("HH-002").
            condition |= Q(**{f"{field}__iexact": word})
        queryset = queryset.filter(condition)
    return queryset


def person_list(*, user: Any, filters: PersonFilter | None = None) -> QuerySet[Person]:
    """People the user may see, filtered; the name search ignores diacritics and case."""
    filters = filters or PersonFilter()
    people: QuerySet[Person] = Person.objects.visible_to(user).select_related(
        "household", "hamlet", "organisation"
    )
    if filters.q:
        people = _words(people, filters.q, "cccd", "household__code")
    if filters.hamlet:
        people = people.filter(hamlet__key=filters.hamlet)
    if filters.target_group:
        people = people.filter(target_group=filters.target_group)
    if filters.is_worker is not None:
        people = people.filter(is_worker=filters.is_worker)
    if filters.digital_skill:
        people = people.filter(digital_skill=filters.digital_skill)
    if filters.age_band in AGE_BANDS:
        low, high = AGE_BANDS[filters.age_band]
        year = timezone.localdate().year
        people = people.filter(birth_year__lte=year - low)
        if high is not None:
            people = people.filter(birth_year__gte=year - high)
    return people.order_by("unit_path", "household__code", "id")


def person_get(*, user: Any, pk: int) -> Person:
    """One person in scope, or Person.DoesNotExist."""
    return (
        Person.objects.visible_to(user)
        .select_related("household", "hamlet", "commune", "organisation")
        .get(pk=pk)
    )


def household_list(*, user: Any, q: str = "", hamlet: str = "") -> QuerySet[Household]:
    """Households the user may see, with member counts."""
    households = Household.objects.visible_to(user).select_related("head", "hamlet")
    if q:
        for word in search_key(q).split():
            households = households.filter(
                Q(search_name__contains=word) | Q(members__search_name__contains=word)
            )
        households = households.distinct()
    if hamlet:
        households = households.filter(hamlet__key=hamlet)
    return households.annotate(member_count=Count("members", distinct=True)).order_by(
        "unit_path", "code"
    )


def household_get(*, user: Any, pk: int) -> Household:
    """One household in scope with its members, or Household.DoesNotExist."""
    return (
        Household.objects.visible_to(user)
        .select_related("head", "hamlet", "commune")
        .prefetch_related(
            Prefetch("members", queryset=Person.objects.order_by("birth_year", "id")),
            "clans",
        )
        .get(pk=pk)
    )


def history(obj: Any, limit: int = 50) -> QuerySet[AuditEvent]:
    """The change history of one object (its audit events, newest first)."""
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")[:limit]


def organisation_list(*, user: Any, q: str = "") -> QuerySet[Organisation]:
    organisations: QuerySet[Organisation] = Organisation.objects.visible_to(user).select_related(
        "head", "commune"
    )
    if q:
        organisations = _words(organisations, q)
    return organisations.annotate(listed_members=Count("members")).order_by(
        "unit_path", "search_name"
    )


def clan_list(*, user: Any, q: str = "") -> QuerySet[Clan]:
    clans: QuerySet[Clan] = Clan.objects.visible_to(user).select_related(
        "representative", "commune"
    )
    if q:
        clans = _words(clans, q)
    return clans.annotate(household_count=Count("households")).order_by("unit_path", "search_name")


def learning_centre_list(*, user: Any) -> QuerySet[LearningCentre]:
    return LearningCentre.objects.visible_to(user).select_related("commune").order_by("unit_path")


def declared_statistic_list(*, user: Any, year: int | None = None) -> QuerySet[DeclaredStatistic]:
    statistics = DeclaredStatistic.objects.visible_to(user).select_related("unit")
    if year is not None:
        statistics = statistics.filter(year=year)
    return statistics


def organisation_get(*, user: Any, pk: int) -> Organisation:
    """One organisation in scope, or Organisation.DoesNotExist."""
    return (
        Organisation.objects.visible_to(user)
        .select_related("head", "commune")
        .annotate(listed_members=Count("members"))
        .get(pk=pk)
    )


def clan_get(*, user: Any, pk: int) -> Clan:
    """One clan in scope, or Clan.DoesNotExist."""
    return (
        Clan.objects.visible_to(user)
        .select_related("representative", "commune")
        .annotate(household_count=Count("households"))
        .get(pk=pk)
    )


def learning_centre_get(*, user: Any, pk: int) -> LearningCentre:
    """One learning centre in scope with its activities, or LearningCentre.DoesNotExist."""
    return (
        LearningCentre.objects.visible_to(user)
        .select_related("commune")
        .prefetch_related("activities")
        .get(pk=pk)
    )


def declared_statistic_get(*, user: Any, pk: int) -> DeclaredStatistic:
    """One declared statistic in scope, or DeclaredStatistic.DoesNotExist."""
    return DeclaredStatistic.objects.visible_to(user).select_related("unit").get(pk=pk)


def _import_jobs(user: Any) -> QuerySet[ImportJob]:
    # A hamlet collector imports into their commune, whose path lies above their scope:
    # they still see the jobs they uploaded.
    jobs = ImportJob.objects.visible_to(user)
    if getattr(user, "is_authenticated", False):
        jobs = jobs | ImportJob.objects.filter(created_by=user)
    return jobs.select_related("commune", "created_by")


def import_job_list(*, user: Any) -> QuerySet[ImportJob]:
    return _import_jobs(user)


def import_job_get(*, user: Any, pk: int) -> ImportJob:
    return _import_jobs(user).get(pk=pk)


def import_commune_get(*, user: Any, key: str) -> AdminUnit:
    """A current commune the user sees, or whose hamlets they see (collectors import into it).

    AdminUnit.DoesNotExist otherwise, so an out-of-scope commune looks like a missing one.
    """
    visible = AdminUnit.objects.visible_to(user)
    return (
        AdminUnit.objects.current()
        .filter(level=Level.COMMUNE, key=key)
        .filter(Q(pk__in=visible.values("pk")) | Q(pk__in=visible.values("parent_id")))
        .get()
    )


def _path_condition(paths: list[str]) -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return condition


def editable_unit_list(
    *, user: Any, level: int | None = None, commune: AdminUnit | None = None
) -> QuerySet[AdminUnit]:
    """Current communes and hamlets where the user may add or change registry rows."""
    paths = editable_paths(user)
    units = AdminUnit.objects.current().filter(level__in=[Level.COMMUNE, Level.HAMLET])
    if paths is not None:
        if not paths:
            return units.none()
        units = units.filter(_path_condition(paths))
    if level is not None:
        units = units.filter(level=level)
    if commune is not None:
        units = units.filter(parent=commune)
    return units.select_related("parent").order_by("path")


def import_commune_list(*, user: Any) -> QuerySet[AdminUnit]:
    """Current communes the user may import into: theirs, or those of their hamlets."""
    paths = editable_paths(user)
    communes = AdminUnit.objects.current().filter(level=Level.COMMUNE)
    if paths is None:
        return communes.order_by("search_name")
    if not paths:
        return communes.none()
    of_their_hamlets = Q(
        pk__in=AdminUnit.objects.filter(path__in=paths, level=Level.HAMLET).values("parent_id")
    )
    return communes.filter(_path_condition(paths) | of_their_hamlets).order_by("search_name")
