"""All certificates of a decision as one PDF to print, built in the background.

`batch_request` is what a page or the API calls: it checks the official may print for the
decision's authority, and queues the build after commit. A second click while a batch of the
same decision is queued or running gets that batch back, not a second one: the decision row is
locked while the question is asked, so two requests at the same moment cannot both create one.
`batch_build` runs in the task worker; it saves `done` after every chunk, which is what the
progress bar shows.
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from hoctap.assessments.permissions import RECOGNISE, can_act_at
from hoctap.core.exceptions import BusinessError
from hoctap.core.services import audit_event_record
from hoctap.core.text import search_key
from hoctap.recognition import documents
from hoctap.recognition.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    Decision,
    DecisionKind,
)
from hoctap.registry.services import NotPermitted

logger = logging.getLogger(__name__)

ACTIVE = (BatchStatus.QUEUED, BatchStatus.RUNNING)


def batch_certificates(decision: Decision) -> Any:
    """The certificates a batch prints: the decision's, still valid, in serial order."""
    return (
        Certificate.objects.filter(decision=decision, revoked_by__isnull=True)
        .select_related("decision__authority")
        .order_by("serial_year", "serial_number")
    )


@transaction.atomic
def batch_request(*, actor: Any, decision: Decision) -> CertificateBatch:
    """Queue the PDF of a decision's certificates, or return the one already on its way."""
    if not Decision.objects.visible_to(actor).filter(pk=decision.pk).exists():
        raise NotPermitted(
            _("You may not print the certificates of this decision."), code="forbidden"
        )
    # Locked so that a double click waits here and then finds the first click's batch.
    decision = Decision.objects.select_for_update().select_related("authority").get(pk=decision.pk)
    if not can_act_at(actor, decision.title, RECOGNISE, decision.authority.path):
        raise NotPermitted(
            _("You may not print the certificates of this decision."), code="forbidden"
        )
    if decision.kind != DecisionKind.RECOGNITION:
        raise BusinessError(
            _("A revocation decision has no certificates to print."), code="revocation"
        )
    pending = (
        CertificateBatch.objects.filter(decision=decision, status__in=ACTIVE)
        .order_by("-created_at", "-id")
        .first()
    )
    if pending is not None:
        return pending
    total = batch_certificates(decision).count()
    if total == 0:
        raise BusinessError(
            _("Every certificate of this decision has been revoked; there is nothing to print."),
            code="empty",
        )
    batch = CertificateBatch(
        decision=decision,
        unit_path=decision.unit_path,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        status=BatchStatus.QUEUED,
        total=total,
    )
    batch.full_clean()
    batch.save()
    audit_event_record(
        actor=actor,
        action="recognition.batch_request",
        obj=batch,
        unit_path=batch.unit_path,
        data={"decision": decision.reference, "certificates": total},
    )
    from hoctap.recognition.tasks import build_certificate_batch

    transaction.on_commit(lambda: build_certificate_batch.enqueue(batch.pk))
    return batch


def batch_filename(decision: Decision) -> str:
    """'giay-chung-nhan-15-qd-ubnd-2026.pdf'."""
    slug = re.sub(r"[^a-z0-9]+", "-", search_key(decision.reference)).strip("-")
    return f"giay-chung-nhan-{slug}-{decision.issued_year}.pdf"


def batch_build(batch_id: int) -> CertificateBatch:
    """Render the batch's PDF (run by the task), saving progress after every chunk.

    Not one transaction: each progress save commits at once so the page polling it sees it.
    A failure is recorded on the batch with its message rather than raised.
    """
    batch = CertificateBatch.objects.select_related("decision__authority", "requested_by").get(
        pk=batch_id
    )
    if batch.status == BatchStatus.DONE:
        return batch  # a task delivered twice: the file is already there
    decision = batch.decision
    certificates = batch_certificates(decision)
    batch.status = BatchStatus.RUNNING
    batch.total = certificates.count()
    batch.done = 0
    batch.message = ""
    batch.save(update_fields=["status", "total", "done", "message", "updated_at"])

    def progress(done: int) -> None:
        batch.done = done
        batch.save(update_fields=["done", "updated_at"])

    try:
        with tempfile.TemporaryDirectory(prefix="hoctap-batch-") as folder:
            path = Path(folder) / "batch.pdf"
            written = documents.certificates_pdf_to(
                path,
                certificates.iterator(chunk_size=documents.CHUNK),
                progress,
                documents.CHUNK,
            )
            with path.open("rb") as handle:
                batch.file.save(batch_filename(decision), File(handle), save=False)
    except Exception as error:
        logger.exception("Certificate batch %s failed", batch.pk)
        batch.status = BatchStatus.FAILED
        batch.message = (_("The certificates could not be built: %(error)s") % {"error": error})[
            :500
        ]
        batch.save(update_fields=["status", "message", "updated_at"])
        audit_event_record(
            actor=batch.requested_by,
            action="recognition.batch_fail",
            obj=batch,
            unit_path=batch.unit_path,
            data={"decision": decision.reference, "error": str(error)[:500]},
        )
        return batch
    batch.status = BatchStatus.DONE
    batch.total = written
    batch.done = written
    batch.save(update_fields=["file", "status", "total", "done", "updated_at"])
    audit_event_record(
        actor=batch.requested_by,
        action="recognition.batch_build",
        obj=batch,
        unit_path=batch.unit_path,
        data={"decision": decision.reference, "certificates": written, "file": batch.file.name},
    )
    return batch
