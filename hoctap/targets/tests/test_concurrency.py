"""Officials of one commune moving different assessments at the same moment, each on a real
connection: every increment lands (none read a stale count and wrote it back), and none of
them deadlocks on the shared commune, province and country rows."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from hoctap.accounts.models import User
from hoctap.accounts.tests.factories import UserFactory
from hoctap.assessments import services
from hoctap.assessments.models import Assessment, State
from hoctap.assessments.tests.factories import YEAR, make_assessment
from hoctap.conftest import Tree
from hoctap.registry.tests.factories import HouseholdFactory
from hoctap.targets import rollups
from hoctap.targets.tests.factories import FAMILY, counts_at

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has one writer at a time, so nothing runs in parallel",
    ),
]

WON = "won"


def _race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at the same moment, one thread and connection each; WON or the error."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(position: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=20)
            call()
            outcomes[position] = WON
        except Exception as error:
            outcomes[position] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a transition hung"
    return outcomes


def _reviewed(tree: Tree, count: int) -> list[Assessment]:
    """Reviewed families of the commune's two hamlets, counted by a rebuild."""
    rows = [
        make_assessment(
            household=HouseholdFactory(hamlet=hamlet, commune=tree.commune),
            state=State.REVIEWED,
            passed=True,
        )
        for hamlet in [tree.hamlet, tree.other_hamlet] * (count // 2)
    ]
    rollups.rebuild()
    return rows


def _step(actor_pk: int, assessment: Assessment, action: str) -> Callable[[], Any]:
    def call() -> Any:
        return services.transition(
            actor=User.objects.get(pk=actor_pk),
            assessment=Assessment(pk=assessment.pk),
            action=action,
            version=assessment.version,
            reason="Thiếu minh chứng.",
        )

    return call


@pytest.mark.django_db(transaction=True)
def test_parallel_steps_in_one_commune_lose_no_count(tree: Tree) -> None:
    # given twelve reviewed families of one commune and an official for each
    actor: User = UserFactory.create(username="sieu", is_superuser=True, is_staff=True)
    rows = _reviewed(tree, 12)

    # when twelve officials act at once: eight appraise, four return, each on their own family
    actions = ["appraise", "appraise", "return"] * 4
    outcomes = _race(
        [_step(actor.pk, row, action) for row, action in zip(rows, actions, strict=True)]
    )

    # then all succeed and every count moved
    assert outcomes == [WON] * 12, outcomes
    assert counts_at(tree.commune) == {
        (FAMILY, State.APPRAISED, ""): 8,
        (FAMILY, State.RETURNED, ""): 4,
    }
    assert counts_at(tree.hamlet) == {
        (FAMILY, State.APPRAISED, ""): 4,
        (FAMILY, State.RETURNED, ""): 2,
    }
    assert counts_at(None)[(FAMILY, State.APPRAISED, "")] == 8
    assert rollups.counts_kept() == rollups.counts_expected()


@pytest.mark.django_db(transaction=True)
def test_parallel_bulk_steps_and_registrations_lose_no_count(tree: Tree) -> None:
    # given reviewed families split in four batches, and households not registered yet
    actor: User = UserFactory.create(username="sieu", is_superuser=True, is_staff=True)
    rows = _reviewed(tree, 16)
    for _ in range(5):
        HouseholdFactory.create(hamlet=tree.far_hamlet, commune=tree.far_commune)

    def bulk(batch: list[Assessment], action: str) -> Callable[[], Any]:
        def call() -> Any:
            return services.bulk_transition(
                actor=User.objects.get(pk=actor.pk),
                assessments=[Assessment.objects.get(pk=row.pk) for row in batch],
                action=action,
                reason="Thiếu minh chứng.",
            )

        return call

    def register_all() -> Any:
        return services.assessment_bulk_register(
            actor=User.objects.get(pk=actor.pk), title=FAMILY, year=YEAR, hamlet=tree.far_hamlet
        )

    # when four bulk actions and a bulk registration run at once
    outcomes = _race(
        [
            bulk(rows[0:4], "appraise"),
            bulk(rows[4:8], "reject"),
            bulk(rows[8:12], "appraise"),
            bulk(rows[12:16], "return"),
            register_all,
        ]
    )

    # then every one of them counted
    assert outcomes == [WON] * 5, outcomes
    assert counts_at(tree.commune) == {
        (FAMILY, State.APPRAISED, ""): 8,
        (FAMILY, State.REJECTED, ""): 4,
        (FAMILY, State.RETURNED, ""): 4,
    }
    assert counts_at(None) == {
        (FAMILY, State.APPRAISED, ""): 8,
        (FAMILY, State.REJECTED, ""): 4,
        (FAMILY, State.RETURNED, ""): 4,
        (FAMILY, State.REGISTERED, ""): 5,
    }
    assert rollups.counts_kept() == rollups.counts_expected()


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_during_transitions_loses_no_count(tree: Tree) -> None:
    # given reviewed families, when officials appraise them while the table is rebuilt
    actor: User = UserFactory.create(username="sieu", is_superuser=True, is_staff=True)
    rows = _reviewed(tree, 8)
    calls: list[Callable[[], Any]] = [_step(actor.pk, row, "appraise") for row in rows]
    outcomes = _race([*calls, rollups.rebuild])

    # then the table ends equal to the assessments whichever came first
    assert outcomes == [WON] * 9, outcomes
    assert counts_at(tree.commune) == {(FAMILY, State.APPRAISED, ""): 8}
    assert rollups.counts_kept() == rollups.counts_expected()
