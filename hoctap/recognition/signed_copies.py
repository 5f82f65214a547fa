"""The scan of a printed and signed decision, uploaded once by the issuing authority.

Kept apart from `services.py` like `hoctap.assessments.evidence`, so the upload rules live in
one module: the type comes from the bytes (PDF, JPEG or PNG only, whatever the name says), the
size is capped, the stored name is generated, and the file is served only through the scoped
view of the decision.
"""

from __future__ import annotations

import hashlib
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.assessments.evidence import JPEG, PDF, PNG, FileKind, read_limited, sniff
from hoctap.assessments.permissions import RECOGNISE, can_act_at
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.services import audit_event_record
from hoctap.recognition.models import Decision
from hoctap.registry.services import NotPermitted

# A scanned A4 page or two at 300 dpi; settings may change it.
SIGNED_COPY_MAX_BYTES = 20 * 1024 * 1024
SIGNED_COPY_KINDS = frozenset({PDF, JPEG, PNG})


def max_bytes() -> int:
    """The size limit of a signed copy in bytes."""
    return int(getattr(settings, "HOCTAP_SIGNED_COPY_MAX_BYTES", SIGNED_COPY_MAX_BYTES))


def can_attach(user: Any, decision: Decision) -> bool:
    """True when the user may upload the decision's signed copy: whoever may issue it there."""
    return can_act_at(user, decision.title, RECOGNISE, decision.unit_path)


def _kind_of(data: bytes) -> FileKind:
    kind = sniff(data)
    if kind not in SIGNED_COPY_KINDS:
        raise BusinessError(_("Send the signed decision as a PDF, JPEG or PNG file."), code="type")
    assert kind is not None
    return kind


@transaction.atomic
def decision_signed_copy_attach(*, actor: Any, decision: Decision, upload: IO[bytes]) -> Decision:
    """Store the signed scan of a decision; a second upload is refused (the first one stays)."""
    if not can_attach(actor, decision):
        raise NotPermitted(
            _("You may not upload the signed copy of this decision."), code="forbidden"
        )
    data = read_limited(upload, max_bytes())
    kind = _kind_of(data)
    locked = Decision.objects.select_for_update().select_related("authority").get(pk=decision.pk)
    if locked.signed_file:
        raise ConflictError(
            _("The signed copy of this decision was uploaded already."), code="signed_exists"
        )
    digest = hashlib.sha256(data).hexdigest()
    code = locked.authority.code or locked.authority.key
    name = f"{code}-{locked.issued_year}-{locked.number}-{digest[:16]}{kind.extension}"
    locked.signed_file.save(name, ContentFile(data), save=False)
    locked.signed_uploaded_at = timezone.now()
    locked.save(update_fields=["signed_file", "signed_uploaded_at", "updated_at"])
    audit_event_record(
        actor=actor,
        action="recognition.decision_signed_copy_attach",
        obj=locked,
        unit_path=locked.unit_path,
        data={"reference": locked.reference, "type": kind.content_type, "sha256": digest},
    )
    return locked


def signed_copy_content_type(decision: Decision) -> str:
    """The stored copy's type, from its generated name's extension."""
    name = decision.signed_file.name or ""
    for kind in SIGNED_COPY_KINDS:
        if name.endswith(kind.extension):
            return kind.content_type
    return "application/octet-stream"
