"""Two officials appraising the same assessment at the same moment, on two real connections."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from hoctap.accounts.models import Role
from hoctap.accounts.tests.factories import user_with_role
from hoctap.assessments import services
from hoctap.assessments.models import Assessment, State, Transition
from hoctap.assessments.tests.factories import make_assessment
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import ConflictError
from hoctap.registry.tests.factories import HouseholdFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (select_for_update) and one writer at a time",
)


@pytest.mark.django_db(transaction=True)
def test_two_officials_appraising_at_once_one_wins_the_other_is_told(
    tree: Tree, people: People
) -> None:
    # given a reviewed assessment both commune officials opened at the same version
    assessment = make_assessment(
        household=HouseholdFactory(hamlet=tree.hamlet), state=State.REVIEWED
    )
    second_official = user_with_role(Role.COMMUNE_OFFICIAL, tree.commune, "xa2")
    barrier = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def appraise(name: str, actor: Any) -> None:
        try:
            barrier.wait(timeout=10)
            services.transition(
                actor=actor,
                assessment=Assessment(pk=assessment.pk),
                action="appraise",
                version=assessment.version,
            )
            outcomes[name] = "won"
        except ConflictError as error:
            outcomes[name] = error
        except Exception as error:
            outcomes[name] = error
        finally:
            connections.close_all()

    # when both press "appraise" at once, each on its own connection
    threads = [
        threading.Thread(target=appraise, args=("first", people.commune_official)),
        threading.Thread(target=appraise, args=("second", second_official)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then exactly one wins, the other gets a conflict, and one timeline row is written
    results = sorted(outcomes.values(), key=lambda value: value != "won")
    assert results[0] == "won", outcomes
    assert isinstance(results[1], ConflictError), outcomes
    assert Transition.objects.filter(assessment_id=assessment.pk).count() == 1
    moved = Assessment.objects.get(pk=assessment.pk)
    assert (moved.state, moved.version) == (State.APPRAISED, assessment.version + 1)
