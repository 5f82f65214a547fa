"""What the registry counts per unit (`RegistryCount`): the indicators' denominators where a
unit declared none, kept in step with every registry write so no dashboard counts people or
households while it is being read.

A registry row (household, person, clan, organisation, learning centre) is placed in a
commune and usually a hamlet; it counts in its hamlet's row, its commune's, every unit above
and the country's. Hamlets count themselves: a commune's "hamlets" is the number of its live
hamlets (`AdminUnit.valid_to` empty).

Every registry service that adds, moves or removes such rows ends with
`refresh_communes([commune], kinds=…)`: it recounts that commune's rows (one GROUP BY inside
one commune per registry table, on its indexed commune column) and applies the DIFFERENCE from
the rows kept to the commune, its hamlets, the units above and the country, with the same
ordered `INSERT … ON CONFLICT DO UPDATE SET count = count + excluded.count` as the
assessments' roll-ups. Recounting rather than adding +1 keeps the services simple (an update
that changes a person's target group needs no before/after bookkeeping) and repairs a commune
whose rows were written around the services the next time anything in it changes.

Concurrency: the commune's unit row is locked (FOR NO KEY UPDATE, so inserts referring to the
commune are not blocked) before counting, so two refreshes of one commune run one after the
other and the second counts what the first committed; refreshes of different communes only
meet in the increments of the rows above, which add up in the database.

The registry has no yearly history: these counts are the registry as of now. An indicator that
uses one for a past year says so (`hoctap.targets.indicators`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, Q

from hoctap.adminunits.models import PATH_STEP, AdminUnit, Level
from hoctap.core.queries import plain_rows
from hoctap.registry.models import (
    Clan,
    Household,
    LearningCentre,
    ManagingLevel,
    Organisation,
    Person,
    StatisticKind,
    TargetGroup,
)
from hoctap.targets.models import COUNTRY_LEVEL, RegistryCount

# What each registry table counts; a service passes the group its write can change.
HOUSEHOLD_KINDS: tuple[str, ...] = (StatisticKind.HOUSEHOLDS,)
# Adults (Person.is_adult); workers and officials by their learning-citizen target group
# (QĐ 324/QĐ-KHVN), the same groups the indicators' numerators count (Assessment.variant).
PEOPLE_KINDS: tuple[str, ...] = (
    StatisticKind.ADULTS,
    StatisticKind.WORKERS,
    StatisticKind.OFFICIALS,
)
CLAN_KINDS: tuple[str, ...] = (StatisticKind.CLANS,)
# Organisations the commune manages (Organisation.managing_level): the learning-unit target.
ORGANISATION_KINDS: tuple[str, ...] = (StatisticKind.ORGANISATIONS,)
CENTRE_KINDS: tuple[str, ...] = (
    StatisticKind.CENTRES,
    StatisticKind.CENTRES_USING_IT,
    StatisticKind.CENTRES_ASSOCIATION_MANAGED,
)
HAMLET_KINDS: tuple[str, ...] = (StatisticKind.HAMLETS,)
# Households and their members together: a household moving takes its people along.
HOUSEHOLD_AND_PEOPLE_KINDS = HOUSEHOLD_KINDS + PEOPLE_KINDS
COUNTED_KINDS: tuple[str, ...] = (
    HOUSEHOLD_KINDS + PEOPLE_KINDS + CLAN_KINDS + ORGANISATION_KINDS + CENTRE_KINDS + HAMLET_KINDS
)

# (path, kind): a RegistryCount row.
Key = tuple[str, str]
# (commune id, hamlet id or None): where registry rows are placed.
_Place = tuple[int, int | None]

_COLUMNS = ("unit", "unit_path", "parent_path", "unit_level", "kind", "count")
_CONFLICT = ("unit_path", "kind")
# Rows per statement: 6 parameters each stays far below every database's limit.
_CHUNK = 1000


# -- counting the registry ----------------------------------------------------------------------


def _count(
    commune_ids: Collection[int] | None, kinds: frozenset[str]
) -> dict[_Place, Counter[str]]:
    """The registry rows of these communes (all when None), by place and kind."""
    counted: dict[_Place, Counter[str]] = defaultdict(Counter)

    def placed(model: type[models.Model], **conditions: Any) -> Any:
        rows = model._default_manager.order_by().filter(**conditions)
        if commune_ids is not None:
            rows = rows.filter(commune_id__in=commune_ids)
        return rows.values_list("commune_id", "hamlet_id")

    def add(rows: Iterable[tuple[Any, ...]], names: tuple[str, ...]) -> None:
        for commune_id, hamlet_id, *numbers in rows:
            for name, number in zip(names, numbers, strict=True):
                if number:
                    counted[(commune_id, hamlet_id)][name] += number

    if StatisticKind.HOUSEHOLDS in kinds:
        add(placed(Household).annotate(n=Count("pk")), HOUSEHOLD_KINDS)
    if kinds.intersection(PEOPLE_KINDS):
        people = placed(Person).annotate(
            adults=Count("pk", filter=Q(is_adult=True)),
            workers=Count("pk", filter=Q(target_group=TargetGroup.WORKER)),
            officials=Count("pk", filter=Q(target_group=TargetGroup.OFFICIAL)),
        )
        add(people, PEOPLE_KINDS)
    if StatisticKind.CLANS in kinds:
        add(placed(Clan).annotate(n=Count("pk")), CLAN_KINDS)
    if StatisticKind.ORGANISATIONS in kinds:
        managed = placed(Organisation, managing_level=ManagingLevel.COMMUNE)
        add(managed.annotate(n=Count("pk")), ORGANISATION_KINDS)
    if kinds.intersection(CENTRE_KINDS):
        centres = placed(LearningCentre).annotate(
            n=Count("pk"),
            using_it=Count("pk", filter=Q(uses_it=True)),
            managed=Count("pk", filter=Q(association_leader_manages=True)),
        )
        add(centres, CENTRE_KINDS)
    if StatisticKind.HAMLETS in kinds:
        hamlets = AdminUnit.objects.order_by().filter(level=Level.HAMLET, valid_to__isnull=True)
        if commune_ids is not None:
            hamlets = hamlets.filter(parent_id__in=commune_ids)
        for commune_id, hamlet_id in hamlets.values_list("parent_id", "pk"):
            counted[(commune_id, hamlet_id)][StatisticKind.HAMLETS] += 1
    # A kind not asked for is not recounted (another query may have added it above).
    return {
        place: Counter({kind: n for kind, n in numbers.items() if kind in kinds})
        for place, numbers in counted.items()
    }


def _by_path(
    counted: Mapping[_Place, Counter[str]],
    communes: Mapping[int, str],
    hamlets: Mapping[int, tuple[str, int | None]],
) -> dict[Key, int]:
    """Counts by place -> counts of the communes' and their hamlets' rows."""
    rows: dict[Key, int] = defaultdict(int)
    for (commune_id, hamlet_id), numbers in counted.items():
        commune_path = communes.get(commune_id)
        if commune_path is None:
            continue  # rows whose commune is not a commune (never written by the services)
        hamlet = hamlets.get(hamlet_id) if hamlet_id is not None else None
        # A row in a hamlet of another commune counts in its commune only.
        hamlet_path = hamlet[0] if hamlet is not None and hamlet[1] == commune_id else None
        for kind, number in numbers.items():
            rows[(commune_path, kind)] += number
            if hamlet_path is not None:
                rows[(hamlet_path, kind)] += number
    return rows


def _ancestor_paths(path: str) -> list[str]:
    """The country ("") and every unit above the unit at `path`."""
    return ["", *(path[:end] for end in range(PATH_STEP, len(path), PATH_STEP))]


def _hamlets_of(commune_ids: Collection[int] | None) -> dict[int, tuple[str, int | None]]:
    hamlets = AdminUnit.objects.order_by().filter(level=Level.HAMLET)
    if commune_ids is not None:
        hamlets = hamlets.filter(parent_id__in=commune_ids)
    return {pk: (path, parent) for pk, path, parent in hamlets.values_list("pk", "path", "parent")}


# -- writing the rows ---------------------------------------------------------------------------


def _column(name: str) -> str:
    field = RegistryCount._meta.get_field(name)
    assert isinstance(field, models.Field)
    assert field.column is not None
    return connection.ops.quote_name(field.column)


def _upsert_sql(row_count: int) -> str:
    table = connection.ops.quote_name(RegistryCount._meta.db_table)
    columns = ", ".join(_column(name) for name in _COLUMNS)
    conflict = ", ".join(_column(name) for name in _CONFLICT)
    count = _column("count")
    row = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    values = ", ".join([row] * row_count)
    # Identifiers come from the model, every value is a parameter.
    return (
        f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({conflict}) DO UPDATE SET {count} = {table}.{count} + EXCLUDED.{count}"
    )


def _rows(counts: Mapping[Key, int], units: Mapping[str, tuple[int, int]]) -> list[tuple[Any, ...]]:
    """Row values in the unique key's order (path, kind), for the columns of `_COLUMNS`."""
    rows: list[tuple[Any, ...]] = []
    for path, kind in sorted(counts):
        number = counts[(path, kind)]
        if not path:
            rows.append((None, "", "", COUNTRY_LEVEL, kind, number))
            continue
        unit = units.get(path)
        if unit is None:
            continue  # a path no unit has any more (see refresh_communes)
        rows.append((unit[0], path, path[: len(path) - PATH_STEP], unit[1], kind, number))
    return rows


def _add(deltas: Mapping[Key, int], units: Mapping[str, tuple[int, int]]) -> None:
    rows = _rows({key: delta for key, delta in deltas.items() if delta}, units)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            cursor.execute(_upsert_sql(len(chunk)), [value for row in chunk for value in row])


def _units_by_path(paths: Iterable[str] | None) -> dict[str, tuple[int, int]]:
    """Path -> (unit id, unit level) of the given paths (of every unit when None)."""
    units = AdminUnit.objects.order_by()
    if paths is not None:
        units = units.filter(path__in=sorted({path for path in paths if path}))
    return {path: (pk, level) for path, pk, level in units.values_list("path", "pk", "level")}


def _kinds(kinds: Iterable[str] | None) -> frozenset[str]:
    wanted = frozenset(COUNTED_KINDS if kinds is None else kinds)
    unknown = wanted - set(COUNTED_KINDS)
    if unknown:
        raise ValueError(f"the registry does not count {sorted(unknown)}")
    return wanted


def refresh_communes(
    communes: Iterable[AdminUnit | int | None], kinds: Iterable[str] | None = None
) -> None:
    """Recount the communes' (units or ids) registry rows (only `kinds` when given) and add the
    difference to their rows, their hamlets', the units above them and the country's. Call it
    inside the transaction of the write, after the write; a None in `communes` is skipped."""
    ids = sorted(
        {
            commune if isinstance(commune, int) else commune.pk
            for commune in communes
            if commune is not None
        }
    )
    wanted_kinds = _kinds(kinds)
    if not ids or not wanted_kinds:
        return
    with transaction.atomic():
        # Serialises refreshes of one commune; see the module's docstring.
        locked = list(
            AdminUnit.objects.select_for_update(no_key=connection.vendor == "postgresql")
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "path", "level")
        )
        if any(level != Level.COMMUNE for _pk, _path, level in locked):
            raise ValueError("registry counts are refreshed per commune")
        communes_by_id = {pk: path for pk, path, _level in locked}
        paths = sorted(communes_by_id.values())
        commune_paths = set(paths)
        wanted = _by_path(_count(ids, wanted_kinds), communes_by_id, _hamlets_of(ids))
        kept: dict[Key, int] = {
            (path, kind): number
            for path, kind, number in RegistryCount.objects.filter(kind__in=wanted_kinds)
            .filter(Q(unit_path__in=paths) | Q(parent_path__in=paths))
            .values_list("unit_path", "kind", "count")
        }
        units = _units_by_path(
            [
                *(path for path, _kind in {*wanted, *kept}),
                *(ancestor for path in paths for ancestor in _ancestor_paths(path)),
            ]
        )
        # Rows of a hamlet that moved away keep its old path, which no unit has any more:
        # derived rows nobody else writes to, so they go.
        stale = sorted({path for path, _kind in kept if path and path not in units})
        if stale:
            RegistryCount.objects.filter(unit_path__in=stale).delete()
        deltas: dict[Key, int] = defaultdict(int)
        for key in {*wanted, *kept}:
            path, kind = key
            if path in stale:
                continue
            delta = wanted.get(key, 0) - kept.get(key, 0)
            if not delta:
                continue
            deltas[key] += delta
            if path in commune_paths:
                for ancestor in _ancestor_paths(path):
                    deltas[(ancestor, kind)] += delta
        _add(deltas, units)


# -- rebuilding and checking --------------------------------------------------------------------


def counts_expected() -> dict[Key, int]:
    """The counts worked out from the registry this moment (no zero rows)."""
    communes = dict(
        AdminUnit.objects.order_by().filter(level=Level.COMMUNE).values_list("pk", "path")
    )
    rows = _by_path(_count(None, frozenset(COUNTED_KINDS)), communes, _hamlets_of(None))
    commune_paths = set(communes.values())
    expected: dict[Key, int] = defaultdict(int)
    for (path, kind), number in rows.items():
        expected[(path, kind)] += number
        if path in commune_paths:
            for ancestor in _ancestor_paths(path):
                expected[(ancestor, kind)] += number
    return {key: number for key, number in expected.items() if number}


def counts_kept() -> dict[Key, int]:
    """The counts the table holds (no zero rows)."""
    rows = RegistryCount.objects.exclude(count=0).values_list("unit_path", "kind", "count")
    return {(path, kind): number for path, kind, number in rows}


def differences() -> dict[Key, tuple[int, int]]:
    """Rows where the table differs from the registry: key -> (kept, expected)."""
    kept, expected = counts_kept(), counts_expected()
    return {
        key: (kept.get(key, 0), expected.get(key, 0))
        for key in sorted({*kept, *expected})
        if kept.get(key, 0) != expected.get(key, 0)
    }


@transaction.atomic
def rebuild() -> int:
    """Recompute the whole table from the registry; returns the number of rows written."""
    if connection.vendor == "postgresql":
        # Refreshes wait until the new rows are committed; pages still read.
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {connection.ops.quote_name(RegistryCount._meta.db_table)}"
                " IN EXCLUSIVE MODE"
            )
    rows = _rows(counts_expected(), _units_by_path(None))
    RegistryCount.objects.all().delete()
    RegistryCount.objects.bulk_create(
        (RegistryCount(**dict(zip(("unit_id", *_COLUMNS[1:]), row, strict=True))) for row in rows),
        batch_size=2000,
    )
    return len(rows)


# -- reading ------------------------------------------------------------------------------------


def counts_at(paths: Iterable[str]) -> dict[str, dict[str, int]]:
    """The registry counts of the units at these paths ("" for the country): path -> kind ->
    count; one query. A unit without a row for a kind has none of it (0)."""
    wanted = sorted(set(paths))
    found: dict[str, dict[str, int]] = {path: {} for path in wanted}
    if not wanted:
        return found
    rows = (
        RegistryCount.objects.filter(unit_path__any=wanted)
        .order_by()  # grouped in Python: no sort
        .values_list("unit_path", "kind", "count")
    )
    # A province's page reads a thousand and more plain rows.
    for path, kind, number in plain_rows(rows):
        found[path][kind] = number
    return found
