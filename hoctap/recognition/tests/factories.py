"""Factories for recognition: proposed assessments ready for a decision, and a decision draft."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from hoctap.adminunits.models import AdminUnit
from hoctap.assessments.models import Assessment, State, Title
from hoctap.assessments.tests.factories import YEAR, AssessmentFactory
from hoctap.recognition.services import DecisionDraft
from hoctap.registry.tests.factories import HouseholdFactory

# Within the assessed year, so the date is never "too far in the future" whatever the day.
ISSUED_ON = datetime.date(YEAR, 12, 20)


def proposed_families(hamlet: AdminUnit, count: int, **kwargs: Any) -> list[Assessment]:
    """Learning-family assessments of new households in the hamlet, proposed for recognition."""
    return [
        AssessmentFactory.create(
            household=HouseholdFactory(hamlet=hamlet, commune=hamlet.parent),
            state=State.PROPOSED,
            passed=True,
            total=Decimal("91.50"),
            **kwargs,
        )
        for _ in range(count)
    ]


def draft(number: int = 15, **kwargs: Any) -> DecisionDraft:
    values: dict[str, Any] = {
        "number": number,
        "issued_on": ISSUED_ON,
        "signer_name": "Lò Văn Pọm",
        "legal_bases": "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
        **kwargs,
    }
    return DecisionDraft(**values)


TITLE = Title.LEARNING_FAMILY
