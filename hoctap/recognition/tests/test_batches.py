"""Printing a decision's certificates as one PDF in the background: request, build, progress.

pytest-django wraps each test in a transaction, so the `transaction.on_commit` hook that
enqueues the build only runs inside `django_capture_on_commit_callbacks`; the immediate task
backend then runs it on the spot (as hoctap/registry/tests/records.py IMMEDIATE_TASKS does).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from pypdf import PdfReader

from hoctap.core.exceptions import BusinessError
from hoctap.core.models import AuditEvent
from hoctap.recognition import batches, documents, services
from hoctap.recognition.models import BatchStatus, CertificateBatch, Decision
from hoctap.recognition.tests.factories import TITLE, YEAR, draft, proposed_families
from hoctap.registry.services import NotPermitted
from hoctap.registry.tests.records import IMMEDIATE_TASKS

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: Any, tmp_path: Path) -> None:
    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def capture(django_capture_on_commit_callbacks: Capture) -> Capture:
    return django_capture_on_commit_callbacks


def _decision(tree: Any, people: Any, count: int, number: int = 15) -> Decision:
    chosen = proposed_families(tree.hamlet, count)
    return services.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=TITLE,
        year=YEAR,
        assessment_ids=[a.pk for a in chosen],
        draft=draft(number),
    )


def test_a_batch_of_25_builds_in_the_background_with_progress(
    tree, people, capture, monkeypatch
) -> None:
    # given a decision over 25 families, and chunks of 10 so progress is saved three times
    decision = _decision(tree, people, 25)
    monkeypatch.setattr(documents, "CHUNK", 10)
    seen: list[tuple[int, int, str]] = []
    render = documents.certificates_pdf_to

    def watched(path: Any, certificates: Any, on_progress: Any = None, chunk: int = 100) -> int:
        def progress(done: int) -> None:
            on_progress(done)
            # What the polling page reads, from the database, after each chunk.
            row = CertificateBatch.objects.get(decision=decision)
            seen.append((row.done, row.total, row.status))

        return render(path, certificates, progress, chunk)

    monkeypatch.setattr(documents, "certificates_pdf_to", watched)

    # when the official asks for it and the task runs
    with capture(execute=True):
        batch = batches.batch_request(actor=people.commune_official, decision=decision)
    assert batch.status == BatchStatus.QUEUED
    assert batch.total == 25
    batch.refresh_from_db()

    # then
    assert batch.status == BatchStatus.DONE, batch.message
    assert (batch.done, batch.total, batch.progress_percent) == (25, 25, 100)
    assert seen == [
        (10, 25, BatchStatus.RUNNING),
        (20, 25, BatchStatus.RUNNING),
        (25, 25, BatchStatus.RUNNING),
    ]
    name = batch.file.name or ""
    assert name.startswith("certificates/")
    assert name.endswith(".pdf")
    assert Path(batch.file.path).is_relative_to(Path(settings.MEDIA_ROOT))
    with batch.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert len(reader.pages) == 25
    serials = list(decision.certificates.order_by("serial_number").values_list("serial", flat=True))
    assert serials[0] in reader.pages[0].extract_text()
    assert serials[-1] in reader.pages[24].extract_text()
    actions = set(
        AuditEvent.objects.filter(
            object_type="recognition.certificatebatch", object_id=str(batch.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {"recognition.batch_request", "recognition.batch_build"}


def test_a_double_click_returns_the_batch_on_its_way(tree, people) -> None:
    decision = _decision(tree, people, 2)

    # The task is not run here (no commit), so the first batch stays queued.
    first = batches.batch_request(actor=people.commune_official, decision=decision)
    second = batches.batch_request(actor=people.commune_official, decision=decision)
    assert second.pk == first.pk
    CertificateBatch.objects.filter(pk=first.pk).update(status=BatchStatus.RUNNING)
    third = batches.batch_request(actor=people.commune_official, decision=decision)
    assert third.pk == first.pk
    assert CertificateBatch.objects.count() == 1
    assert AuditEvent.objects.filter(action="recognition.batch_request").count() == 1

    # Once it is built (or failed), asking again builds a fresh one.
    CertificateBatch.objects.filter(pk=first.pk).update(status=BatchStatus.DONE)
    fourth = batches.batch_request(actor=people.commune_official, decision=decision)
    assert fourth.pk != first.pk
    assert CertificateBatch.objects.count() == 2


@pytest.mark.parametrize(
    "who", ["other_commune_official", "other_province_official", "collector", "citizen"]
)
def test_someone_out_of_scope_or_not_recognising_is_refused_and_nothing_is_created(
    tree, people, capture, who
) -> None:
    decision = _decision(tree, people, 2)

    with pytest.raises(NotPermitted), capture(execute=True) as callbacks:
        batches.batch_request(actor=getattr(people, who), decision=decision)

    assert callbacks == []
    assert not CertificateBatch.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="recognition.batch").exists()


def test_an_anonymous_user_is_refused(tree, people) -> None:
    from django.contrib.auth.models import AnonymousUser

    decision = _decision(tree, people, 1)

    with pytest.raises(NotPermitted):
        batches.batch_request(actor=AnonymousUser(), decision=decision)
    assert not CertificateBatch.objects.exists()


def test_the_province_above_prints_when_its_official_recognises_there(tree, people) -> None:
    from hoctap.assessments.permissions import RECOGNISE, can_act_at

    decision = _decision(tree, people, 1)
    allowed = can_act_at(people.province_official, decision.title, RECOGNISE, tree.commune.path)

    if allowed:
        batch = batches.batch_request(actor=people.province_official, decision=decision)
        assert batch.pk is not None
    else:
        # The default rules leave the family title to the commune: the province sees the
        # decision but may not print for the commune's authority.
        assert Decision.objects.visible_to(people.province_official).filter(pk=decision.pk)
        with pytest.raises(NotPermitted):
            batches.batch_request(actor=people.province_official, decision=decision)
        assert not CertificateBatch.objects.exists()


def test_revoked_certificates_are_left_out_and_a_revocation_prints_nothing(
    tree, people, capture
) -> None:
    decision = _decision(tree, people, 3)
    first = decision.certificates.order_by("serial_number")[0]
    revocation = services.certificates_revoke(
        actor=people.commune_official,
        authority=tree.commune,
        certificate_ids=[first.pk],
        draft=draft(16, reason="Khai sai"),
    )

    with pytest.raises(BusinessError) as refused:
        batches.batch_request(actor=people.commune_official, decision=revocation)
    assert refused.value.code == "revocation"

    with capture(execute=True):
        batch = batches.batch_request(actor=people.commune_official, decision=decision)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert batch.total == 2
    with batch.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert len(reader.pages) == 2
    text = "".join(page.extract_text() for page in reader.pages)
    assert first.serial not in text


def test_a_decision_whose_certificates_are_all_revoked_has_nothing_to_print(tree, people) -> None:
    decision = _decision(tree, people, 1)
    services.certificates_revoke(
        actor=people.commune_official,
        authority=tree.commune,
        certificate_ids=list(decision.certificates.values_list("pk", flat=True)),
        draft=draft(16, reason="Khai sai"),
    )

    with pytest.raises(BusinessError) as refused:
        batches.batch_request(actor=people.commune_official, decision=decision)

    assert refused.value.code == "empty"
    assert not CertificateBatch.objects.exists()


def test_a_failed_build_is_recorded_on_the_batch(tree, people, capture, monkeypatch) -> None:
    decision = _decision(tree, people, 2)

    def broken(*args: Any, **kwargs: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(documents, "certificates_pdf_to", broken)
    with capture(execute=True):
        batch = batches.batch_request(actor=people.commune_official, decision=decision)
    batch.refresh_from_db()

    assert batch.status == BatchStatus.FAILED
    assert "disk full" in batch.message
    assert not batch.file
    assert AuditEvent.objects.filter(action="recognition.batch_fail").count() == 1


def test_a_batch_delivered_twice_is_built_once(tree, people, capture) -> None:
    decision = _decision(tree, people, 1)
    with capture(execute=True):
        batch = batches.batch_request(actor=people.commune_official, decision=decision)
    batch.refresh_from_db()
    name = batch.file.name

    again = batches.batch_build(batch.pk)

    assert again.file.name == name
    assert AuditEvent.objects.filter(action="recognition.batch_build").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_saves_progress_while_it_reads_certificates(
    tree, people, monkeypatch, settings
) -> None:
    # As in the task worker: no surrounding transaction, each progress save commits at once
    # while the certificates are still being read in chunks.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    decision = _decision(tree, people, 7)
    monkeypatch.setattr(documents, "CHUNK", 2)
    batch = batches.batch_request(actor=people.commune_official, decision=decision)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED  # committed and enqueued, not yet run

    built = batches.batch_build(batch.pk)

    assert (built.status, built.done, built.total) == (BatchStatus.DONE, 7, 7)
    with built.file.open("rb") as handle:
        assert len(PdfReader(io.BytesIO(handle.read())).pages) == 7
