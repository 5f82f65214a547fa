"""Every workflow action by every role from every state: allowed, forbidden, or not possible now."""

from __future__ import annotations

import pytest

from hoctap.assessments import services
from hoctap.assessments.models import Assessment, State, Transition
from hoctap.assessments.permissions import TRANSITION_ACTIONS
from hoctap.assessments.tests.factories import full_scores, make_assessment
from hoctap.assessments.tests.test_permissions import EVERYONE, LOCAL
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import ConflictError
from hoctap.core.models import AuditEvent
from hoctap.registry.services import NotPermitted
from hoctap.registry.tests.factories import HouseholdFactory


@pytest.mark.parametrize("state", State.values)
@pytest.mark.parametrize("action", TRANSITION_ACTIONS)
@pytest.mark.parametrize("who", EVERYONE)
def test_transition_matrix(who: str, action: str, state: str, tree: Tree, people: People) -> None:
    # given a learning-family assessment of a household in the collector's hamlet
    assessment = make_assessment(
        household=HouseholdFactory(hamlet=tree.hamlet), state=state, passed=True
    )
    full_scores(assessment)
    actor = getattr(people, who)
    from_states, to_state = services.TRANSITIONS[action]

    def act() -> Assessment:
        return services.transition(
            actor=actor,
            assessment=assessment,
            action=action,
            version=assessment.version,
            reason="Thiếu minh chứng cho chỉ số TC1.2",
        )

    # when / then
    if who not in LOCAL[action]:
        with pytest.raises(NotPermitted):
            act()
    elif state not in from_states:
        with pytest.raises(ConflictError) as refused:
            act()
        assert refused.value.code == "state"
    else:
        moved = act()
        assert moved.state == to_state
        assert moved.version == assessment.version + 1
        step = Transition.objects.get(assessment=assessment)
        assert (step.action, step.from_state, step.to_state, step.actor) == (
            action,
            state,
            to_state,
            actor,
        )
        assert AuditEvent.objects.filter(action=f"assessment.{action}").count() == 1
        return
    # a refused step changes nothing
    assessment.refresh_from_db()
    assert assessment.state == state
    assert not Transition.objects.filter(assessment=assessment).exists()
