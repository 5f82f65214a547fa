"""API schemas for assessments: what a client may send (…In) and what it gets back (…Out)."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema

from hoctap.assessments.models import TITLE_SUBJECTS, Assessment, Evidence, Title, Transition

SUBJECT_FIELDS = ("person", "household", "clan", "organisation", "unit")


def subject_kind(assessment: Assessment) -> str:
    return TITLE_SUBJECTS[assessment.title][0]


def subject_id(assessment: Assessment) -> str:
    """The subject's id, or the unit's key for a hamlet or commune."""
    if assessment.unit_id is not None:
        unit = assessment.unit
        assert unit is not None
        return unit.key
    return str(
        next(
            getattr(assessment, f"{field}_id")
            for field in SUBJECT_FIELDS[:-1]
            if getattr(assessment, f"{field}_id") is not None
        )
    )


# -- filters and input ----------------------------------------------------------------------


class AssessmentFilter(Schema):
    title: Title | None = Field(None, description="Only this title.")
    year: int | None = Field(None, description="Only this year.")
    state: str = Field("", description="Only this state (registered, submitted, …).")
    hamlet: str = Field("", description="Key of a hamlet (or commune): only its subtree.")


class AssessmentIn(Schema):
    title: Title
    year: int = Field(..., ge=2000, le=2100)
    subject_kind: str = Field(
        ...,
        description="person, household, clan, organisation, hamlet or commune "
        "(must match the title).",
    )
    subject_id: int | str = Field(
        ...,
        description="Id of the person, household, clan or organisation; key of the hamlet "
        "or commune.",
    )
    variant: str = Field("", description="Target group, for titles that have them.")


class ScoresIn(Schema):
    version: int = Field(..., description="The `version` you read; a stale one gives 409.")
    answers: dict[str, bool | float | None] = Field(
        default_factory=dict,
        description="Indicator code -> points, true/false (met), or null to clear.",
    )
    notes: dict[str, str] = Field(default_factory=dict, description="Indicator code -> note.")


class TransitionIn(Schema):
    version: int = Field(..., description="The `version` you read; a stale one gives 409.")
    reason: str = Field("", description="Required to return or reject.")


# -- output ---------------------------------------------------------------------------------


class AssessmentOut(Schema):
    id: int
    title: str
    title_label: str
    year: int
    subject_kind: str
    subject_id: str
    subject_name: str
    commune: str = Field(..., description="Key of the commune.")
    criteria_code: str
    criteria_version: str
    variant: str
    state: str
    state_label: str
    version: int
    passed: bool | None
    level: str
    total: float | None
    submitted_at: datetime.datetime | None
    is_late: bool

    @staticmethod
    def resolve_title_label(obj: Assessment) -> str:
        return str(obj.get_title_display())

    @staticmethod
    def resolve_state_label(obj: Assessment) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_subject_kind(obj: Assessment) -> str:
        return subject_kind(obj)

    @staticmethod
    def resolve_subject_id(obj: Assessment) -> str:
        return subject_id(obj)

    @staticmethod
    def resolve_commune(obj: Assessment) -> str:
        return obj.commune.key


class AssessmentListOut(AssessmentOut):
    evidence_count: int = 0


class ScoreOut(Schema):
    indicator: str
    points: float | None
    met: bool | None
    computed_value: float | None
    note: str


class EvidenceOut(Schema):
    id: int
    indicator: str
    original_name: str
    content_type: str
    size: int
    created_at: datetime.datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj: Evidence) -> str:
        return f"/api/v1/assessments/{obj.assessment_id}/evidence/{obj.pk}"


class TransitionOut(Schema):
    action: str
    from_state: str
    to_state: str
    actor: str | None
    occurred_at: datetime.datetime
    reason: str
    changes: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: Transition) -> str | None:
        return obj.actor.get_username() if obj.actor is not None else None


class AssessmentDetailOut(AssessmentOut):
    scores: list[ScoreOut]
    evidence: list[EvidenceOut]
    timeline: list[TransitionOut]
    actions: list[str] = Field(
        ..., description="Workflow steps the caller may take now (one endpoint each)."
    )
