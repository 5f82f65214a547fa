"""Writes to the unit tree. Every business change to units goes through here."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.adminunits.models import (
    HAMLET_KINDS,
    KIND_LEVEL,
    PATH_STEP,
    AdminUnit,
    AdminUnitLineage,
    Level,
    LineageKind,
)
from hoctap.adminunits.permissions import can_manage_hamlets
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.services import audit_event_record
from hoctap.core.text import normalize_text, search_key


class NotPermitted(BusinessError):
    """The actor may not do this; views turn it into 404 so scope does not leak."""


def path_for(pk: int, parent: AdminUnit | None) -> str:
    """The materialized path of a unit with this primary key under this parent."""
    step = str(pk).zfill(PATH_STEP)
    return (parent.path if parent else "") + step


def _save_new_unit(unit: AdminUnit) -> AdminUnit:
    """Insert a unit, then give it its path (which needs the primary key)."""
    unit.path = f"new-{unit.key}"
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = path_for(unit.pk, unit.parent)
    unit.save(update_fields=["path"])
    return unit


def _next_hamlet_key(commune: AdminUnit) -> str:
    prefix = f"{commune.key}-"
    suffixes = AdminUnit.objects.filter(parent=commune, key__startswith=prefix).values_list(
        "key", flat=True
    )
    # Compare numbers, not text: "-1000" sorts before "-999" as text.
    numbers = [int(key[len(prefix) :]) for key in suffixes if key[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _clean_hamlet_name(name: str) -> str:
    cleaned = normalize_text(name)
    if not cleaned:
        raise BusinessError(_("Enter the hamlet's name."), code="name_required")
    if len(cleaned) > 120:
        raise BusinessError(_("The name is too long (at most 120 characters)."), code="name_long")
    return cleaned


def _check_name_free(commune: AdminUnit, name: str, *, exclude: AdminUnit | None = None) -> None:
    clashes = AdminUnit.objects.current().filter(
        parent=commune, level=Level.HAMLET, search_name=search_key(name)
    )
    if exclude is not None:
        clashes = clashes.exclude(pk=exclude.pk)
    if clashes.exists():
        raise BusinessError(
            _("%(commune)s already has a hamlet named “%(name)s”.")
            % {"commune": commune.name, "name": name},
            code="duplicate_name",
        )


def _lock_live_hamlet(hamlet: AdminUnit) -> AdminUnit:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the parent.
    locked = (
        AdminUnit.objects.select_for_update(of=("self",)).select_related("parent").get(pk=hamlet.pk)
    )
    if locked.level != Level.HAMLET:
        raise BusinessError(_("Only hamlets can be changed here."), code="not_hamlet")
    if not locked.is_current:
        raise ConflictError(
            _("“%(name)s” was retired on %(date)s and can no longer be changed.")
            % {
                "name": locked.name,
                "date": locked.valid_to.strftime("%d/%m/%Y") if locked.valid_to else "",
            },
            code="retired",
        )
    return locked


def _recount_hamlets(commune: AdminUnit) -> None:
    """The commune's live hamlets are a denominator (hoctap.targets.registry_counts)."""
    from hoctap.targets import registry_counts

    registry_counts.refresh_communes([commune], kinds=registry_counts.HAMLET_KINDS)


@transaction.atomic
def hamlet_create(*, actor: Any, commune: AdminUnit, name: str, kind: str) -> AdminUnit:
    """Add a hamlet (thôn, bản, ấp, tổ dân phố) to a commune."""
    if commune.level != Level.COMMUNE:
        raise BusinessError(
            _("Hamlets can only be created under a commune, ward or special zone."),
            code="parent_not_commune",
        )
    if not commune.is_current:
        raise BusinessError(
            _("%(commune)s no longer exists since the 2025 reform; add hamlets to the new commune.")
            % {"commune": commune.name},
            code="parent_retired",
        )
    if not can_manage_hamlets(actor, commune):
        raise NotPermitted(_("You may not manage the hamlets of this commune."), code="forbidden")
    if kind not in HAMLET_KINDS:
        raise BusinessError(_("Choose the hamlet's kind."), code="kind")
    name = _clean_hamlet_name(name)
    # Serialise hamlet creation per commune so two clicks cannot make twins.
    AdminUnit.objects.select_for_update().filter(pk=commune.pk).first()
    _check_name_free(commune, name)
    hamlet = AdminUnit(
        key=_next_hamlet_key(commune),
        name=name,
        search_name=search_key(name),
        level=Level.HAMLET,
        kind=kind,
        parent=commune,
        valid_from=timezone.localdate(),
    )
    try:
        with transaction.atomic():
            _save_new_unit(hamlet)
    except IntegrityError as error:
        raise ConflictError(
            _("%(commune)s already has a hamlet named “%(name)s”.")
            % {"commune": commune.name, "name": name},
            code="duplicate_name",
        ) from error
    audit_event_record(
        actor=actor,
        action="hamlet.create",
        obj=hamlet,
        unit_path=hamlet.path,
        data={"name": name, "kind": kind},
    )
    _recount_hamlets(commune)
    return hamlet


@transaction.atomic
def hamlet_rename(
    *, actor: Any, hamlet: AdminUnit, name: str, kind: str | None = None
) -> AdminUnit:
    """Rename a hamlet (and optionally change its kind); the old name stays in the audit trail."""
    hamlet = _lock_live_hamlet(hamlet)
    commune = hamlet.parent
    assert commune is not None
    if not can_manage_hamlets(actor, commune):
        raise NotPermitted(_("You may not manage the hamlets of this commune."), code="forbidden")
    name = _clean_hamlet_name(name)
    kind = kind or hamlet.kind
    if kind not in HAMLET_KINDS:
        raise BusinessError(_("Choose the hamlet's kind."), code="kind")
    _check_name_free(commune, name, exclude=hamlet)
    old = {"name": hamlet.name, "kind": hamlet.kind}
    hamlet.name = name
    hamlet.search_name = search_key(name)
    hamlet.kind = kind
    hamlet.full_clean()
    hamlet.save(update_fields=["name", "search_name", "kind", "updated_at"])
    audit_event_record(
        actor=actor,
        action="hamlet.rename",
        obj=hamlet,
        unit_path=hamlet.path,
        data={"from": old, "to": {"name": name, "kind": kind}},
    )
    return hamlet


def _check_end_date(hamlet: AdminUnit, on: datetime.date) -> None:
    if hamlet.valid_from and on < hamlet.valid_from:
        raise BusinessError(
            _("The date cannot be before the hamlet was created (%(date)s).")
            % {"date": hamlet.valid_from.strftime("%d/%m/%Y")},
            code="date",
        )


@transaction.atomic
def hamlet_retire(
    *, actor: Any, hamlet: AdminUnit, on: datetime.date | None = None, reason: str = ""
) -> AdminUnit:
    """Retire a hamlet from a date; it stays in the tree as history."""
    hamlet = _lock_live_hamlet(hamlet)
    assert hamlet.parent is not None
    if not can_manage_hamlets(actor, hamlet.parent):
        raise NotPermitted(_("You may not manage the hamlets of this commune."), code="forbidden")
    on = on or timezone.localdate()
    _check_end_date(hamlet, on)
    hamlet.valid_to = on
    hamlet.note = normalize_text(reason)[:255]
    hamlet.save(update_fields=["valid_to", "note", "updated_at"])
    audit_event_record(
        actor=actor,
        action="hamlet.retire",
        obj=hamlet,
        unit_path=hamlet.path,
        data={"on": on.isoformat(), "reason": hamlet.note},
    )
    _recount_hamlets(hamlet.parent)
    return hamlet


@transaction.atomic
def hamlet_merge(
    *,
    actor: Any,
    hamlets: list[AdminUnit],
    into: AdminUnit,
    on: datetime.date | None = None,
) -> AdminUnit:
    """Merge hamlets into another hamlet of the same commune, recording the lineage."""
    on = on or timezone.localdate()
    target = _lock_live_hamlet(into)
    assert target.parent is not None
    if not can_manage_hamlets(actor, target.parent):
        raise NotPermitted(_("You may not manage the hamlets of this commune."), code="forbidden")
    # The same hamlet listed twice is merged once (a second lineage row would clash).
    unique = {h.pk: h for h in hamlets if h.pk != target.pk}
    sources = [_lock_live_hamlet(h) for h in unique.values()]
    if not sources:
        raise BusinessError(_("Choose at least one hamlet to merge."), code="empty")
    for source in sources:
        if source.parent_id != target.parent_id:
            raise BusinessError(
                _("Only hamlets of the same commune can be merged."), code="other_commune"
            )
        _check_end_date(source, on)
    for source in sources:
        source.valid_to = on
        source.note = (_("Merged into %(name)s") % {"name": target.name})[:255]
        source.save(update_fields=["valid_to", "note", "updated_at"])
        AdminUnitLineage.objects.create(
            predecessor=source,
            successor=target,
            kind=LineageKind.MERGED,
            effective_date=on,
            source=_("Merged by the commune"),
        )
        audit_event_record(
            actor=actor,
            action="hamlet.merge",
            obj=source,
            unit_path=source.path,
            data={"into": target.key, "on": on.isoformat()},
        )
    _recount_hamlets(target.parent)
    return target


# -- moving a hamlet to another commune -------------------------------------------------------

# Rows placed by a unit path that go with a hamlet when it moves: (model label, whether the row
# also names its commune). Every model with a `unit_path` is here or in the list below it; a
# test holds the two lists to the models, so a new model cannot be forgotten.
MOVED_WITH_HAMLET: tuple[tuple[str, bool], ...] = (
    ("registry.Household", True),
    ("registry.Person", True),
    ("registry.Clan", True),
    ("registry.Organisation", True),
    ("registry.LearningCentre", True),
    ("registry.ImportJob", True),
    ("registry.DeclaredStatistic", False),
    ("assessments.Assessment", True),
    ("recognition.Certificate", True),
    ("targets.Target", False),
    # An agency's report sits where the agency does; scope follows it, the content never moves.
    ("reports.Report", False),
    # A visitor's registration of interest waits for the hamlet's collector, wherever it goes.
    ("portal.Interest", False),
)
# Rows with a `unit_path` that stay where they are, and why.
KEPT_WHEN_HAMLET_MOVES: dict[str, str] = {
    # What happened, where it happened: the trail is never rewritten.
    "core.AuditEvent": "history",
    # Placed at the issuing authority, which does not move; issued decisions never change.
    "recognition.Decision": "issued by an authority",
    "recognition.CertificateBatch": "follows its decision",
    # Derived: brought in step through `hoctap.targets.rollups` and `.registry_counts`.
    "targets.TitleCount": "roll-up of the assessments",
    "targets.TitleTotal": "roll-up of the assessments",
    "targets.RegistryCount": "roll-up of the registry",
    # Placed at a province or a commune (never a hamlet), which a hamlet's move leaves alone.
    "reports.ReportingPeriod": "owned by a province",
    "reports.Plan": "issued by a province or commune",
    "portal.Article": "published by a province or commune",
    "portal.Material": "published by a province or commune",
}

# Assessments in the hands of the old province's reviewers and authorities.
_UNDER_APPRAISAL = ("submitted", "reviewed", "appraised", "proposed")
# Assessments still in the subject's hands (`hoctap.assessments.services.EDITABLE_STATES`).
_EDITABLE = ("registered", "returned")


def _moved_prefix(old_path: str, new_path: str) -> Concat:
    """`unit_path` with its leading `old_path` replaced by `new_path`, in SQL."""
    return Concat(
        Value(new_path),
        Substr("unit_path", len(old_path) + 1),
        output_field=models.CharField(),
    )


def _check_household_codes(hamlet: AdminUnit, old_path: str, commune: AdminUnit) -> None:
    """Household codes are unique per commune: the hamlet's must be free in the new one."""
    from hoctap.registry.models import Household

    clashes = sorted(
        Household.objects.filter(
            commune=commune,
            code__in=Household.objects.filter(unit_path__startswith=old_path).values("code"),
        ).values_list("code", flat=True)[:6]
    )
    if clashes:
        shown = ", ".join(clashes[:5]) + (", …" if len(clashes) > 5 else "")
        raise BusinessError(
            _(
                "%(commune)s already has households with the same codes as households of"
                " %(hamlet)s: %(codes)s. Change these codes before moving the hamlet."
            )
            % {"commune": commune.name, "hamlet": hamlet.name, "codes": shown},
            code="household_code_taken",
        )


def _check_learning_centre(hamlet: AdminUnit, old_path: str, commune: AdminUnit) -> None:
    """A commune has one learning centre: one placed in the hamlet cannot join another's."""
    from hoctap.registry.models import LearningCentre

    if (
        LearningCentre.objects.filter(unit_path__startswith=old_path).exists()
        and LearningCentre.objects.filter(commune=commune).exists()
    ):
        raise BusinessError(
            _(
                "%(hamlet)s holds a community learning centre and %(commune)s already has one;"
                " a commune has only one."
            )
            % {"hamlet": hamlet.name, "commune": commune.name},
            code="learning_centre_taken",
        )


def _check_province_change(hamlet: AdminUnit, states: Counter[str]) -> None:
    under_appraisal = sum(n for state, n in states.items() if state in _UNDER_APPRAISAL)
    if under_appraisal:
        raise BusinessError(
            _(
                "%(hamlet)s has %(count)d assessments under review or awaiting a decision."
                " Criteria and workflow differ between provinces: return them or decide on"
                " them before moving the hamlet to another province."
            )
            % {"hamlet": hamlet.name, "count": under_appraisal},
            code="assessments_under_appraisal",
        )


def _repin_criteria(path: str, commune: AdminUnit) -> int:
    """Open assessments moved to another province follow that province's criteria sets (the
    ones in force on 1 January of their year), as a new registration there would."""
    from hoctap.assessments.models import Assessment
    from hoctap.criteria.selectors import criteria_set_for

    editable = Assessment.objects.filter(unit_path__startswith=path, state__in=_EDITABLE)
    changed = 0
    pairs = editable.order_by().values_list("criteria_code", "year").distinct()
    for code, year in pairs:
        version = criteria_set_for(code, commune, datetime.date(year, 1, 1)).version
        changed += (
            editable.filter(criteria_code=code, year=year)
            .exclude(criteria_version=version)
            .update(criteria_version=version)
        )
    return changed


def _move_rows(old_path: str, new_path: str, commune: AdminUnit) -> dict[str, int]:
    """Move every row placed under `old_path` to `new_path` (and the new commune): one UPDATE
    per model, whatever the number of rows. Returns the rows moved per model."""
    stamp = timezone.now()
    moved: dict[str, int] = {}
    for label, has_commune in MOVED_WITH_HAMLET:
        model = apps.get_model(label)
        values: dict[str, Any] = {"unit_path": _moved_prefix(old_path, new_path)}
        if has_commune:
            values["commune"] = commune
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            values["updated_at"] = stamp
        moved[model._meta.model_name or label] = model._default_manager.filter(
            unit_path__startswith=old_path
        ).update(**values)
    return moved


@transaction.atomic
def unit_reparent(*, actor: Any, unit: AdminUnit, parent: AdminUnit) -> AdminUnit:
    """Move a hamlet under another commune, with everything placed in it.

    What moves, in this transaction, by set-based UPDATEs: the hamlet's path, and every row
    placed under it (`MOVED_WITH_HAMLET`: households, people, clans, organisations, declared
    statistics, imports, assessments, certificates and targets) gets the new path prefix
    and, where it names one, the new commune. So scope follows the hamlet: the new commune's
    officials see and act on its people and files, the old commune's no longer do, and the
    roll-ups count the hamlet's assessments (past years included) and its registry under the
    new commune (DOMAIN §3: old results live on under today's units). Open assessments go on
    in the new commune, which appraises, proposes and recognises what the old one had not
    finished.

    What stays (`KEPT_WHEN_HAMLET_MOVES`): issued decisions (immutable, placed at the
    authority that issued them); what a certificate shows (holder_place and hamlet_name are
    a copy of what was printed, and the signed QR payload holds nothing else), so
    certificates keep verifying; the audit trail; the communes' declared statistics, which
    their officials declare again with a source.

    Refused, with nothing changed: cycles, a unit other than a hamlet or a parent other than
    a commune, a retired hamlet or commune, a live hamlet of the same name in the new
    commune, household codes already used there (unique per commune), a learning centre
    where the new commune has one, and a move to another province while any of the hamlet's
    assessments is submitted, reviewed, appraised or proposed: criteria sets and workflow
    rules are chosen per province, so a dossier judged under one province's cannot finish
    under another's (return it or decide on it first). Registered and returned ones move and
    follow the new province's criteria set from then on (`criteria_version` says which).
    """
    from hoctap.assessments.models import Assessment
    from hoctap.targets import registry_counts, rollups

    # FOR NO KEY UPDATE, here and on the commune: it serialises with every other change to
    # these units, yet lets a concurrent workflow step insert roll-up rows that reference them
    # (a foreign-key check takes KEY SHARE), which would otherwise deadlock with the locks below.
    unit = AdminUnit.objects.select_for_update(no_key=True).get(pk=unit.pk)
    if parent.path.startswith(unit.path):
        raise BusinessError(
            _("A unit cannot be placed under itself or one of its own units."), code="cycle"
        )
    if KIND_LEVEL.get(unit.kind) != Level.HAMLET or parent.level != Level.COMMUNE:
        raise BusinessError(
            _("Hamlets can only be created under a commune, ward or special zone."),
            code="parent_not_commune",
        )
    if not parent.is_current:
        raise BusinessError(
            _("%(commune)s no longer exists since the 2025 reform; add hamlets to the new commune.")
            % {"commune": parent.name},
            code="parent_retired",
        )
    old_parent = unit.parent
    for commune in (old_parent, parent):
        if commune is None or not can_manage_hamlets(actor, commune):
            raise NotPermitted(
                _("You may not manage the hamlets of this commune."), code="forbidden"
            )
    assert old_parent is not None
    if parent.pk == old_parent.pk:
        return unit
    if not unit.is_current:
        raise ConflictError(
            _("“%(name)s” was retired on %(date)s and can no longer be changed.")
            % {
                "name": unit.name,
                "date": unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "",
            },
            code="retired",
        )
    # Serialised with hamlet creation in the commune (hamlet_create locks it too).
    parent = AdminUnit.objects.select_for_update(no_key=True).get(pk=parent.pk)
    _check_name_free(parent, unit.name, exclude=unit)
    old_path = unit.path
    new_path = path_for(unit.pk, parent)

    # Where the hamlet's assessments count now. Locking them first means no workflow step
    # can move one between this count and the UPDATE below; a step waiting for the lock then
    # reads the new path and counts there.
    placed: Counter[rollups.Key] = Counter(
        Assessment.objects.select_for_update()
        .filter(unit_path__startswith=old_path)
        .order_by()
        .values_list(*rollups.KEY_FIELDS)
    )
    other_province = old_parent.path[:PATH_STEP] != parent.path[:PATH_STEP]
    if other_province:
        states: Counter[str] = Counter()
        for key, count in placed.items():
            states[key[3]] += count  # (unit path, title, year, state, …)
        _check_province_change(unit, states)
    _check_household_codes(unit, old_path, parent)
    _check_learning_centre(unit, old_path, parent)

    try:
        with transaction.atomic():
            moved = _move_rows(old_path, new_path, parent)
    except IntegrityError as error:
        # A household code or a centre added in the new commune since the checks above.
        raise ConflictError(
            _("%(commune)s changed while the hamlet was being moved. Try again.")
            % {"commune": parent.name},
            code="changed",
        ) from error
    if other_province:
        moved["criteria_version"] = _repin_criteria(new_path, parent)

    # Taken off the old units while the old path still names the hamlet (the roll-up resolves
    # a path to its unit), then added to the new ones: `rollups.differences()` stays empty.
    rollups.apply_deltas({key: -count for key, count in placed.items()})
    unit.parent = parent
    unit.path = new_path
    try:
        with transaction.atomic():
            unit.save(update_fields=["parent", "path", "updated_at"])
    except IntegrityError as error:
        raise ConflictError(
            _("%(commune)s already has a hamlet named “%(name)s”.")
            % {"commune": parent.name, "name": unit.name},
            code="duplicate_name",
        ) from error
    rollups.apply_deltas(
        {(new_path + key[0][len(old_path) :], *key[1:]): count for key, count in placed.items()}
    )
    # The registry's counts: both communes recounted, the hamlet's rows at its old path dropped.
    registry_counts.refresh_communes([old_parent, parent])
    audit_event_record(
        actor=actor,
        action="unit.reparent",
        obj=unit,
        unit_path=unit.path,
        data={
            "from": old_parent.key,
            "to": parent.key,
            "old_path": old_path,
            "moved": moved,
        },
    )
    return unit
