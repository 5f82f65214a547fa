"""Background work of recognition: printing a decision's certificates as one PDF."""

from __future__ import annotations

from django_tasks import task

from hoctap.recognition import batches


@task()
def build_certificate_batch(batch_id: int) -> None:
    """Render all certificates of a batch's decision into its PDF, with progress."""
    batches.batch_build(batch_id)
