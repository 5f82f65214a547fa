"""Assessments in the JSON API: registration, scores, evidence and one endpoint per workflow
step.

Every read goes through `hoctap.assessments.selectors`, so an assessment outside the caller's
area answers 404 exactly like a missing one; writes go through the services. A caller who may
see an assessment but not take the step gets 403; a step the state does not allow, or a stale
`version`, gets 409.
"""

# No `from __future__ import annotations` here: Ninja's @paginate wrapper resolves the
# view's string annotations in ninja.pagination's namespace, where `Query[...]` is unknown,
# so a paginated view with a Query schema would fail (500, and no OpenAPI schema).

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from hoctap.adminunits import selectors as unit_selectors
from hoctap.adminunits.models import Level
from hoctap.assessments import permissions, selectors, services
from hoctap.assessments.evidence import download_name, evidence_attach, evidence_remove
from hoctap.assessments.models import Assessment, Evidence
from hoctap.assessments.schemas import (
    AssessmentDetailOut,
    AssessmentFilter,
    AssessmentIn,
    AssessmentListOut,
    EvidenceOut,
    ScoresIn,
    TransitionIn,
)
from hoctap.core.exceptions import BusinessError
from hoctap.registry import selectors as registry_selectors
from hoctap.registry.services import NotPermitted

router = Router(tags=["assessments"])

PAGE_SIZE = 50


@contextmanager
def _forbidden_when_not_permitted() -> Iterator[None]:
    """Inside the caller's area a refused write is 403; outside it the lookup already gave 404."""
    try:
        yield
    except NotPermitted as error:
        raise HttpError(403, " ".join(error.messages)) from error


def _subject(request: HttpRequest, kind: str, key: str) -> services.Subject:
    """The subject to register, looked up in the caller's area (404 otherwise)."""
    user = request.user
    if kind in ("hamlet", "commune"):
        unit = unit_selectors.unit_get(user=user, key=key)
        if unit.level != (Level.HAMLET if kind == "hamlet" else Level.COMMUNE):
            raise Http404
        return unit
    if not key.isdigit():
        raise Http404
    pk = int(key)
    if kind == "person":
        return registry_selectors.person_get(user=user, pk=pk)
    if kind == "household":
        return registry_selectors.household_get(user=user, pk=pk)
    if kind == "clan":
        return registry_selectors.clan_get(user=user, pk=pk)
    if kind == "organisation":
        return registry_selectors.organisation_get(user=user, pk=pk)
    raise BusinessError(_("Unknown kind of subject."), code="subject")


def _available_actions(user: Any, assessment: Assessment) -> list[str]:
    rules: permissions.RulesCache = {}
    return [
        action
        for action in permissions.TRANSITION_ACTIONS
        if assessment.state in services.TRANSITIONS[action][0]
        and permissions.can_act(user, assessment, action, cache=rules)
    ]


def _detail(request: HttpRequest, assessment_id: int) -> Assessment:
    """The assessment with its scores, evidence, timeline and the steps the caller may take."""
    assessment = selectors.assessment_get(user=request.user, pk=assessment_id)
    assessment.timeline = list(selectors.timeline(assessment))  # type: ignore[attr-defined]
    assessment.actions = _available_actions(request.user, assessment)  # type: ignore[attr-defined]
    return assessment


def _evidence(request: HttpRequest, assessment_id: int, evidence_id: int) -> Evidence:
    assessment = selectors.assessment_get(user=request.user, pk=assessment_id)
    return Evidence.objects.select_related("assessment").get(pk=evidence_id, assessment=assessment)


# -- assessments ----------------------------------------------------------------------------


@router.get("/assessments", response=list[AssessmentListOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_assessments(
    request: HttpRequest, filters: Query[AssessmentFilter]
) -> QuerySet[Assessment]:
    """Assessments in the caller's area; `hamlet` narrows to a hamlet's (or commune's) subtree."""
    unit_path = ""
    if filters.hamlet:
        unit_path = unit_selectors.unit_get(user=request.user, key=filters.hamlet).path
    return selectors.assessment_list(
        user=request.user,
        filters=selectors.AssessmentFilter(
            title=filters.title or "",
            year=filters.year,
            state=filters.state,
            unit_path=unit_path,
        ),
    )


@router.post("/assessments", response={201: AssessmentDetailOut})
def register_assessment(request: HttpRequest, payload: AssessmentIn) -> Any:
    """Register a subject for a title in a year; a second registration is refused (422)."""
    subject = _subject(request, payload.subject_kind, str(payload.subject_id))
    with _forbidden_when_not_permitted():
        assessment = services.assessment_register(
            actor=request.user,
            title=payload.title,
            year=payload.year,
            subject=subject,
            variant=payload.variant,
        )
    return Status(201, _detail(request, assessment.pk))


@router.get("/assessments/{assessment_id}", response=AssessmentDetailOut)
def get_assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    """One assessment with its scores, result, evidence and timeline."""
    return _detail(request, assessment_id)


@router.put("/assessments/{assessment_id}/scores", response=AssessmentDetailOut)
def save_scores(request: HttpRequest, assessment_id: int, payload: ScoresIn) -> Assessment:
    """Save answers (and notes) of some indicators while the assessment is registered or
    returned; send the `version` you read (a stale one, or another state, gives 409)."""
    assessment = selectors.assessment_get(user=request.user, pk=assessment_id)
    with _forbidden_when_not_permitted():
        services.scores_save(
            actor=request.user,
            assessment=assessment,
            version=payload.version,
            answers=payload.answers,
            notes=payload.notes,
        )
    return _detail(request, assessment_id)


# -- evidence -------------------------------------------------------------------------------


@router.post("/assessments/{assessment_id}/evidence", response={201: EvidenceOut})
def attach_evidence(
    request: HttpRequest, assessment_id: int, indicator: Form[str], file: File[UploadedFile]
) -> Any:
    """Attach a file to an indicator: a photo (cleaned of its metadata), PDF, .docx or .xlsx.

    The type is read from the file's bytes; another type, or a file over the size limit,
    gives 422.
    """
    assessment = selectors.assessment_get(user=request.user, pk=assessment_id)
    with _forbidden_when_not_permitted():
        evidence = evidence_attach(
            actor=request.user,
            assessment=assessment,
            indicator=indicator,
            upload=file,
            name=file.name,
        )
    return Status(201, evidence)


@router.get(
    "/assessments/{assessment_id}/evidence/{evidence_id}",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment (photos inline).",
                "content": {"application/octet-stream": {}},
            }
        }
    },
)
def download_evidence(request: HttpRequest, assessment_id: int, evidence_id: int) -> FileResponse:
    """Download one evidence file of an assessment in the caller's area."""
    evidence = _evidence(request, assessment_id, evidence_id)
    try:
        stored = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    is_photo = evidence.content_type.startswith("image/")
    response = FileResponse(
        stored,
        content_type=evidence.content_type,
        as_attachment=not is_photo,
        filename=download_name(evidence),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, max-age=0"
    return response


@router.delete("/assessments/{assessment_id}/evidence/{evidence_id}", response={204: None})
def remove_evidence(request: HttpRequest, assessment_id: int, evidence_id: int) -> Any:
    """Remove a file while the assessment is registered or returned (409 otherwise)."""
    evidence = _evidence(request, assessment_id, evidence_id)
    with _forbidden_when_not_permitted():
        evidence_remove(actor=request.user, evidence=evidence)
    return Status(204, None)


# -- workflow -------------------------------------------------------------------------------


def _transition(
    request: HttpRequest, assessment_id: int, action: str, payload: TransitionIn
) -> Assessment:
    assessment = selectors.assessment_get(user=request.user, pk=assessment_id)
    with _forbidden_when_not_permitted():
        services.transition(
            actor=request.user,
            assessment=assessment,
            action=action,
            version=payload.version,
            reason=payload.reason,
        )
    return _detail(request, assessment_id)


@router.post("/assessments/{assessment_id}/submit", response=AssessmentDetailOut)
def submit_assessment(
    request: HttpRequest, assessment_id: int, payload: TransitionIn
) -> Assessment:
    """Submit a complete self-assessment (registered or returned → submitted); the result is
    computed now. A missing answer gives 422."""
    return _transition(request, assessment_id, permissions.SUBMIT, payload)


@router.post("/assessments/{assessment_id}/review", response=AssessmentDetailOut)
def review_assessment(
    request: HttpRequest, assessment_id: int, payload: TransitionIn
) -> Assessment:
    """Review a submitted assessment (submitted → reviewed)."""
    return _transition(request, assessment_id, permissions.REVIEW, payload)


@router.post("/assessments/{assessment_id}/appraise", response=AssessmentDetailOut)
def appraise_assessment(
    request: HttpRequest, assessment_id: int, payload: TransitionIn
) -> Assessment:
    """Appraise a reviewed assessment (reviewed → appraised)."""
    return _transition(request, assessment_id, permissions.APPRAISE, payload)


@router.post("/assessments/{assessment_id}/propose", response=AssessmentDetailOut)
def propose_assessment(
    request: HttpRequest, assessment_id: int, payload: TransitionIn
) -> Assessment:
    """Propose an appraised assessment that meets the criteria for recognition."""
    return _transition(request, assessment_id, permissions.PROPOSE, payload)


@router.post("/assessments/{assessment_id}/return", response=AssessmentDetailOut)
def return_assessment(
    request: HttpRequest, assessment_id: int, payload: TransitionIn
) -> Assessment:
    """Return an assessment for changes, with the `reason` (missing: 422)."""
    return _transition(request, assessment_id, permissions.RETURN, payload)


@router.post("/assessments/{assessment_id}/reject", response=AssessmentDetailOut)
def reject_assessment(
    request: HttpRequest, assessment_id: int, payload: TransitionIn
) -> Assessment:
    """Reject an assessment, with the `reason` (missing: 422)."""
    return _transition(request, assessment_id, permissions.REJECT, payload)
