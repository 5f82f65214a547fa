"""Officials issuing at the same moment, each on a real connection of their own: serials run
1…N without a gap or a duplicate, an assessment is recognised once, a decision number is used
once, and the loser leaves nothing behind."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import translation

from hoctap.accounts.models import User
from hoctap.assessments.models import Assessment, State, Transition
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError
from hoctap.core.models import AuditEvent
from hoctap.recognition import services
from hoctap.recognition.models import Certificate, Decision, SerialCounter
from hoctap.recognition.tests.factories import TITLE, YEAR, draft, proposed_families

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks (select_for_update) and one writer",
    ),
]

WON = "won"


def _race(calls: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run the calls at the same moment, one thread and connection each; name -> WON or error."""
    barrier = threading.Barrier(len(calls))
    outcomes: dict[str, Any] = {}

    def run(name: str, call: Callable[[], Any]) -> None:
        try:
            with translation.override("en"):
                barrier.wait(timeout=20)
                call()
            outcomes[name] = WON
        except Exception as error:
            outcomes[name] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "an issuance hung"
    return outcomes


def _issue_call(actor_pk: int, tree: Tree, ids: list[int], number: int) -> Callable[[], Any]:
    def call() -> Any:
        # Each thread reads its own user: the scope cache lives on the object.
        return services.decision_issue(
            actor=User.objects.get(pk=actor_pk),
            authority=tree.commune,
            title=TITLE,
            year=YEAR,
            assessment_ids=ids,
            draft=draft(number),
        )

    return call


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_number_certificates_without_gap_or_duplicate(
    tree: Tree, people: People
) -> None:
    # given six officials' worth of families, three each, and six decision numbers
    batches = {
        f"decision {number}": [a.pk for a in proposed_families(tree.hamlet, 3)]
        for number in range(1, 7)
    }

    # when the six decisions are issued at the same moment
    outcomes = _race(
        {
            name: _issue_call(people.commune_official.pk, tree, ids, int(name.split()[1]))
            for name, ids in batches.items()
        }
    )

    # then all succeed and the serials are exactly 1..18
    assert set(outcomes.values()) == {WON}, outcomes
    numbers = list(
        Certificate.objects.filter(authority=tree.commune, serial_year=YEAR)
        .order_by("serial_number")
        .values_list("serial_number", flat=True)
    )
    assert numbers == list(range(1, 19))
    serials = set(Certificate.objects.values_list("serial", flat=True))
    assert serials == {f"{tree.commune.code}-{YEAR}-{n:06d}" for n in range(1, 19)}
    assert SerialCounter.objects.get(authority=tree.commune, year=YEAR).last == 18
    # each decision holds one run of consecutive numbers, for exactly its own assessments
    for decision in Decision.objects.all():
        own = list(
            decision.certificates.order_by("serial_number").values_list(
                "serial_number", "assessment_id"
            )
        )
        drawn = [number for number, _ in own]
        assert drawn == list(range(drawn[0], drawn[0] + 3))
        assert sorted(assessment for _, assessment in own) == batches[f"decision {decision.number}"]
    assert Assessment.objects.filter(state=State.RECOGNISED).count() == 18


@pytest.mark.django_db(transaction=True)
def test_two_decisions_over_the_same_assessments_one_recognises_them(
    tree: Tree, people: People
) -> None:
    # given families both officials chose, in their own decisions
    ids = [a.pk for a in proposed_families(tree.hamlet, 4)]
    official = people.commune_official.pk

    # when both issue at the same moment
    outcomes = _race(
        {
            "first": _issue_call(official, tree, ids, 15),
            "second": _issue_call(official, tree, ids, 16),
        }
    )

    # then one wins and the other is told they are already recognised
    results = sorted(outcomes.values(), key=lambda value: value != WON)
    assert results[0] == WON, outcomes
    refused = results[1]
    assert isinstance(refused, services.RecognitionRefused), outcomes
    assert refused.refusals == dict.fromkeys(ids, "It has already been recognised.")

    # and each assessment has exactly one certificate, one step and one decision behind it
    assert Decision.objects.count() == 1
    assert sorted(Certificate.objects.values_list("assessment_id", flat=True)) == ids
    assert sorted(Certificate.objects.values_list("serial_number", flat=True)) == [1, 2, 3, 4]
    assert Transition.objects.filter(action="recognise").count() == 4
    assert SerialCounter.objects.get(authority=tree.commune, year=YEAR).last == 4
    assert AuditEvent.objects.filter(action="recognition.decision_issue").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_decisions_with_the_same_number_one_is_refused_and_leaves_nothing(
    tree: Tree, people: People
) -> None:
    # given two sets of families and one decision number typed by both officials
    first_ids = [a.pk for a in proposed_families(tree.hamlet, 2)]
    second_ids = [a.pk for a in proposed_families(tree.other_hamlet, 3)]
    official = people.commune_official.pk

    # when both issue number 15 at the same moment
    outcomes = _race(
        {
            "first": _issue_call(official, tree, first_ids, 15),
            "second": _issue_call(official, tree, second_ids, 15),
        }
    )

    # then one succeeds and the other gets the duplicate-number refusal
    assert list(outcomes.values()).count(WON) == 1, outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == WON)
    loser = "second" if winner == "first" else "first"
    error = outcomes[loser]
    assert isinstance(error, BusinessError), outcomes
    assert not isinstance(error, services.RecognitionRefused), outcomes
    assert error.code == "duplicate_number"

    # and the loser left no decision, certificate, step, serial or audit row behind
    won_ids, lost_ids = (first_ids, second_ids) if winner == "first" else (second_ids, first_ids)
    decision = Decision.objects.get()
    assert sorted(decision.certificates.values_list("assessment_id", flat=True)) == won_ids
    assert Certificate.objects.count() == len(won_ids)
    assert SerialCounter.objects.get(authority=tree.commune, year=YEAR).last == len(won_ids)
    assert not Transition.objects.filter(assessment_id__in=lost_ids).exists()
    assert set(Assessment.objects.filter(pk__in=lost_ids).values_list("state", "version")) == {
        (State.PROPOSED, 1)
    }
    assert not AuditEvent.objects.filter(
        object_type="assessments.assessment", object_id__in=[str(pk) for pk in lost_ids]
    ).exists()
    assert AuditEvent.objects.filter(action="recognition.decision_issue").count() == 1
