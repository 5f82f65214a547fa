"""Writes shared by every app."""

from __future__ import annotations

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
