"""Background work of the registry: checking and saving imports."""

from __future__ import annotations

from django_tasks import task

from hoctap.registry import services


@task()
def validate_import(job_id: int) -> None:
    """Check an uploaded sheet and record its problems."""
    services.import_job_validate(job_id=job_id)


@task()
def commit_import(job_id: int) -> None:
    """Save a checked sheet, all rows or none."""
    services.import_job_commit(job_id=job_id)
