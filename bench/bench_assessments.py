"""Bulk appraisal benchmark: a hamlet's learning-family assessments, 50 against 500.

Setup (bulk inserts, untimed): one province, one commune with two hamlets (the small and
the large one, so both sizes live in the same database and run), a commune official, and
N households per hamlet each with a learning-family assessment in state REVIEWED, complete
scores (the computed indicator included), one evidence row and a consistent result, as
`services` would have left them after submission and review.

Figures, each for N = 50 and N = 500 in the same run (the 500 one with the 50 one as its
baseline, so the ratio is printed):

1. the bulk-appraisal page (`assessments:bulk`, filtered to the hamlet, the title, the year
   and REVIEWED) through django.test.Client as the logged-in commune official: SQL queries per
   request (must not grow with N) and the median render time. Should the page not exist,
   a stand-in (the selector materialised and a plain table rendered) is measured and the
   figures say "stand_in": true.
2. `services.bulk_transition(action="appraise")` on all N, committed; the rows are put back
   to REVIEWED (untimed) before every call: median seconds and SQL queries.

Targets (issue "Assessments"): page < 300 ms and constant queries for 500 on PostgreSQL;
bulk appraisal of 500 < 2 s.

    .venv/bin/python bench/bench_assessments.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoctap_bench \\
        .venv/bin/python bench/run.py assessments
"""

from __future__ import annotations

import datetime
import hashlib
import os
import sys
from typing import Any

from support import emit, median_time, new_unit, throwaway_database

SIZES = tuple(int(n) for n in os.environ.get("BENCH_ASSESSMENT_SIZES", "50,500").split(","))
YEAR = 2026
ACTOR = "bench-xa"
PAGE_TARGET_SECONDS = 0.3
BULK_TARGET_SECONDS = 2.0


def create_units() -> tuple[Any, list[Any]]:
    """A province, a commune with one hamlet per size, and the commune's official."""
    from hoctap.accounts.models import Role, RoleAssignment, User
    from hoctap.adminunits.models import Kind, Level

    unit = new_unit

    province = unit("BENCH", "Tỉnh Thử Nghiệm", Level.PROVINCE, Kind.PROVINCE, None)
    commune = unit("BENCH-X", "Xã Thử Nghiệm", Level.COMMUNE, Kind.COMMUNE, province)
    hamlets = [
        unit(f"BENCH-X-{size}", f"Thôn {size} hộ", Level.HAMLET, Kind.VILLAGE, commune)
        for size in SIZES
    ]
    official = User.objects.create(username=ACTOR, full_name="Cán bộ xã Thử Nghiệm")
    RoleAssignment.objects.create(user=official, role=Role.COMMUNE_OFFICIAL, unit=commune)
    return official, hamlets


def add_reviewed_assessments(hamlet: Any, count: int, official: Any) -> None:
    """`count` households of the hamlet, each with a complete, reviewed learning-family
    assessment (benchmark setup: inserted in bulk, with the fields the services fill)."""
    from decimal import Decimal

    from hoctap.assessments.models import (
        TITLE_SUBJECTS,
        Assessment,
        Evidence,
        Score,
        State,
        Title,
        Transition,
    )
    from hoctap.core.text import search_key
    from hoctap.criteria.selectors import criteria_set_for
    from hoctap.registry.models import Household

    commune = hamlet.parent
    kind, code = TITLE_SUBJECTS[Title.LEARNING_FAMILY]
    criteria_set = criteria_set_for(code, commune, datetime.date(YEAR, 1, 1))
    households = Household.objects.bulk_create(
        Household(
            commune=commune,
            hamlet=hamlet,
            unit_path=hamlet.path,
            code=f"{hamlet.key}-HO-{number:04d}",
            search_name=search_key(f"{hamlet.key}-HO-{number:04d}"),
        )
        for number in range(count)
    )
    submitted = datetime.datetime(YEAR, 11, 20, 2, tzinfo=datetime.UTC)
    assessments = Assessment.objects.bulk_create(
        Assessment(
            title=Title.LEARNING_FAMILY,
            year=YEAR,
            household=household,
            subject_key=f"{kind}:{household.pk}",
            subject_name=household.code,
            commune=commune,
            unit_path=hamlet.path,
            criteria_code=criteria_set.code,
            criteria_version=criteria_set.version,
            state=State.REVIEWED,
            passed=True,
            total=Decimal(str(criteria_set.total_points or 100)),
            submitted_at=submitted,
            registered_by=official,
            version=4,
        )
        for household in households
    )
    scores = []
    for assessment in assessments:
        for indicator in criteria_set.indicators():
            if indicator.computed is not None:
                scores.append(
                    Score(assessment=assessment, indicator=indicator.code, computed_value=100)
                )
            else:
                scores.append(
                    Score(
                        assessment=assessment,
                        indicator=indicator.code,
                        points=Decimal(str(indicator.max_points)),
                    )
                )
    Score.objects.bulk_create(scores, batch_size=2000)
    evidence = []
    for assessment in assessments:
        digest = hashlib.sha256(f"evidence-{assessment.pk}".encode()).hexdigest()
        evidence.append(
            Evidence(
                assessment=assessment,
                indicator="TC1.1",
                file=f"evidence/{YEAR}/{digest[:2]}/{digest}.jpg",
                original_name="xac-nhan.jpg",
                content_type="image/jpeg",
                extension=".jpg",
                size=120_000,
                sha256=digest,
                uploaded_by=official,
            )
        )
    Evidence.objects.bulk_create(evidence, batch_size=2000)
    steps: list[tuple[str, str, str]] = [
        ("register", "", State.REGISTERED),
        ("submit", State.REGISTERED, State.SUBMITTED),
        ("review", State.SUBMITTED, State.REVIEWED),
    ]
    Transition.objects.bulk_create(
        (
            Transition(
                assessment=assessment,
                action=action,
                from_state=from_state,
                to_state=to_state,
                actor=official,
            )
            for assessment in assessments
            for action, from_state, to_state in steps
        ),
        batch_size=2000,
    )


def page_available() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("assessments:bulk")
    except NoReverseMatch:
        return False
    return True


def measure_page(official: Any, hamlet: Any, count: int) -> tuple[float, int, bool]:
    """(median seconds, queries per request, stand-in?) for the hamlet's bulk page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from hoctap.assessments.models import State, Title

    if not page_available():
        return (*measure_stand_in(official, hamlet, count), True)
    client = Client()
    client.force_login(official)
    url = reverse("assessments:bulk")
    query = {
        "hamlet": hamlet.key,
        "title": Title.LEARNING_FAMILY,
        "year": str(YEAR),
        "state": State.REVIEWED,
    }

    def request() -> Any:
        response = client.get(url, query)
        assert response.status_code == 200, response.status_code
        return response

    seconds, response = median_time(request)
    body = response.content.decode()
    shown = body.count(f"{hamlet.key}-HO-")
    assert shown >= count, f"the page shows {shown} of {count} households"
    with CaptureQueriesContext(connection) as captured:
        request()
    return seconds, len(captured.captured_queries), False


def measure_stand_in(official: Any, hamlet: Any, count: int) -> tuple[float, int]:
    """The selector materialised and a plain table rendered, while the page does not exist."""
    from django.db import connection
    from django.template import engines
    from django.test.utils import CaptureQueriesContext

    from hoctap.assessments import selectors
    from hoctap.assessments.models import State, Title

    template = engines["django"].from_string(
        "<table>{% for a in rows %}<tr><td>{{ a.subject_name }}</td><td>{{ a.commune.name }}"
        "</td><td>{{ a.total }}</td><td>{{ a.evidence_count }}</td>"
        "<td>{{ a.get_state_display }}</td></tr>{% endfor %}</table>"
    )
    filters = selectors.AssessmentFilter(
        title=Title.LEARNING_FAMILY, year=YEAR, state=State.REVIEWED, unit_path=hamlet.path
    )

    def render() -> str:
        rows = list(selectors.assessment_list(official, filters))
        assert len(rows) == count
        return template.render({"rows": rows})

    seconds, _ = median_time(render)
    with CaptureQueriesContext(connection) as captured:
        render()
    return seconds, len(captured.captured_queries)


def measure_bulk(official: Any, hamlet: Any, count: int) -> tuple[float, int]:
    """(median seconds, queries) of one committed bulk appraisal of the hamlet's N assessments."""
    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    from hoctap.assessments import services
    from hoctap.assessments.models import Assessment, State, Transition
    from hoctap.core.models import AuditEvent

    rows = Assessment.objects.filter(unit_path=hamlet.path)
    selected: list[Assessment] = []

    def reset() -> None:
        # Untimed: put the rows back to REVIEWED and forget the previous appraisal.
        Transition.objects.filter(assessment__in=rows, action="appraise").delete()
        AuditEvent.objects.filter(action="assessment.appraise").delete()
        rows.filter(state=State.APPRAISED).update(state=State.REVIEWED, version=F("version") + 1)
        # What the official's page would hold: the rows as shown, with the version seen.
        selected[:] = list(rows.all())

    def appraise() -> int:
        outcome = services.bulk_transition(actor=official, assessments=selected, action="appraise")
        return outcome.count

    seconds, moved = median_time(appraise, before=reset)
    assert moved == count, (moved, count)
    assert rows.filter(state=State.APPRAISED).count() == count
    assert Transition.objects.filter(assessment__in=rows, action="appraise").count() == count
    reset()
    with CaptureQueriesContext(connection) as captured:
        appraise()
    return seconds, len(captured.captured_queries)


def main() -> None:
    with throwaway_database():
        official, hamlets = create_units()
        for hamlet, size in zip(hamlets, SIZES, strict=True):
            add_reviewed_assessments(hamlet, size, official)
        page: dict[int, tuple[float, int, bool]] = {}
        bulk: dict[int, tuple[float, int]] = {}
        for hamlet, size in zip(hamlets, SIZES, strict=True):
            page[size] = measure_page(official, hamlet, size)
            print(f"# page {size}: {page[size]}", file=sys.stderr)
        for hamlet, size in zip(hamlets, SIZES, strict=True):
            bulk[size] = measure_bulk(official, hamlet, size)
            print(f"# bulk {size}: {bulk[size]}", file=sys.stderr)

        small, large = SIZES[0], SIZES[-1]
        for size in SIZES:
            seconds, queries, stand_in = page[size]
            baseline = None if size == small else page[small]
            extra: dict[str, Any] = {"stand_in": stand_in}
            if size == large:
                extra["target"] = PAGE_TARGET_SECONDS
            emit(
                "assessments.bulk_page.seconds",
                seconds,
                "s",
                size,
                baseline=None if baseline is None else baseline[0],
                **extra,
            )
            emit(
                "assessments.bulk_page.queries",
                queries,
                "queries",
                size,
                baseline=None if baseline is None else baseline[1],
                stand_in=stand_in,
                constant=queries == page[small][1],
            )
        for size in SIZES:
            emit(
                "assessments.bulk_appraise.seconds",
                bulk[size][0],
                "s",
                size,
                baseline=None if size == small else bulk[small][0],
                **({"target": BULK_TARGET_SECONDS} if size == large else {}),
            )
            emit(
                "assessments.bulk_appraise.queries",
                bulk[size][1],
                "queries",
                size,
                baseline=None if size == small else bulk[small][1],
                constant=bulk[size][1] == bulk[small][1],
            )


if __name__ == "__main__":
    main()
