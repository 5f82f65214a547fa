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


def notify(
    users: Iterable[Any], message: str, *, url: str = "", subject: str = "", email: bool = True
) -> int:
    """Leave the message for each active user in the application and, when they have an
    address and `email`, send it by e-mail through Django's mail settings after the transaction
    commits (a rolled-back operation mails nobody); returns the number of users notified."""
    from django.conf import settings
    from django.core.mail import send_mass_mail
    from django.db import transaction

    from hoctap.core.models import Notification

    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    Notification.objects.bulk_create(
        Notification(user=user, message=message[:500], url=url) for user in recipients.values()
    )
    addresses = sorted({user.email for user in recipients.values() if user.email})
    if email and addresses:
        link = f"{settings.HOCTAP_PUBLIC_URL.rstrip('/')}{url}" if url else ""
        body = f"{message}\n\n{link}".strip()
        mails = [(subject or message[:120], body, None, [address]) for address in addresses]
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    return len(recipients)


def notifications_mark_read(*, user: Any, pk: int | None = None) -> int:
    """Mark the user's unread notification `pk` (all of them when None) read; returns how
    many changed. Only the user's own rows are touched, whatever `pk` names."""
    from django.utils import timezone

    from hoctap.core.models import Notification

    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
