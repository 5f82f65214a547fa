"""API schemas for criteria sets (read only)."""

from __future__ import annotations

import datetime

from ninja import Field, Schema


class SourceOut(Schema):
    number: str
    date: datetime.date | None
    issuer: str


class CriteriaSetOut(Schema):
    code: str
    version: str
    title: str
    subject_kind: str = Field(..., description="person, household, clan, hamlet, commune, …")
    status: str = Field(..., description="`official`, or `illustrative` (not a legal text).")
    mode: str = Field(..., description="`points` or `checklist`.")
    source: SourceOut
    valid_from: datetime.date | None
    origin: str = Field(
        ..., description="`shipped` with the application, or `stored` (uploaded version)."
    )
    province: str | None = Field(
        None, description="Key of the province a stored version applies to; null: nationwide."
    )


class ComputedOut(Schema):
    source: str = Field(..., description="The registry quantity the system computes.")
    description: str
    unit: str


class IndicatorOut(Schema):
    code: str
    text: str
    max_points: float | None
    evidence_hint: str
    not_public: bool = Field(
        ..., description="The wording is not public: the province supplies it."
    )
    computed: ComputedOut | None = Field(
        None, description="Set when the system computes the value; it cannot be typed in."
    )
    levels: list[str]
    thresholds: dict[str, float]
    variant_texts: dict[str, str]


class CriterionOut(Schema):
    code: str
    name: str
    max_points: float | None
    indicators: list[IndicatorOut]


class LevelOut(Schema):
    code: str
    name: str
    min_total: float | None


class VariantOut(Schema):
    code: str
    name: str


class PassRuleOut(Schema):
    min_total: float | None
    min_each: float | None


class CriteriaSetDetailOut(Schema):
    code: str
    version: str
    title: str
    subject_kind: str
    status: str
    mode: str
    source: SourceOut
    valid_from: datetime.date | None
    total_points: float | None
    pass_rule: PassRuleOut
    levels: list[LevelOut]
    variants: list[VariantOut]
    criteria: list[CriterionOut]


class CriteriaSetQuery(Schema):
    year: int | None = Field(
        None, description="The set in force on 1 January of this year (default: today's)."
    )
