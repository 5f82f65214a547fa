"""Writes shared by every app."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from hoctap.core.models import AuditEvent


def audit_event_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    unit_path: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row; called inside the business operation's transaction."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        unit_path=unit_path,
        data=data or {},
    )


def audit_events_record(
    *,
    actor: Any,
    action: str,
    events: Iterable[tuple[models.Model, str, dict[str, Any]]],
) -> list[AuditEvent]:
    """Write one audit row per (object, unit path, data) in one insert, as a bulk action needs;
    each row is the one `audit_event_record` would have written."""
    by = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=by,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            unit_path=unit_path,
            data=data or {},
        )
        for obj, unit_path, data in events
    )
