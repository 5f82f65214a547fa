"""Writes to the unit tree. Every business change to units goes through here."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
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
    return target


@transaction.atomic
def unit_reparent(*, actor: Any, unit: AdminUnit, parent: AdminUnit) -> AdminUnit:
    """Move a hamlet under another commune, refusing cycles and wrong levels."""
    unit = AdminUnit.objects.select_for_update().get(pk=unit.pk)
    if parent.path.startswith(unit.path):
        raise BusinessError(
            _("A unit cannot be placed under itself or one of its own units."), code="cycle"
        )
    if KIND_LEVEL.get(unit.kind) != Level.HAMLET or parent.level != Level.COMMUNE:
        raise BusinessError(
            _("Hamlets can only be created under a commune, ward or special zone."),
            code="parent_not_commune",
        )
    old_parent = unit.parent
    for commune in (old_parent, parent):
        if commune is None or not can_manage_hamlets(actor, commune):
            raise NotPermitted(
                _("You may not manage the hamlets of this commune."), code="forbidden"
            )
    _check_name_free(parent, unit.name, exclude=unit)
    old_path = unit.path
    unit.parent = parent
    unit.path = path_for(unit.pk, parent)
    unit.save(update_fields=["parent", "path", "updated_at"])
    audit_event_record(
        actor=actor,
        action="unit.reparent",
        obj=unit,
        unit_path=unit.path,
        data={
            "from": old_parent.key if old_parent else None,
            "to": parent.key,
            "old_path": old_path,
        },
    )
    return unit
