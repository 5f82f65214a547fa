"""The public check of a certificate keeps its answer for visitors until the register changes:
a crowd scanning one QR code costs one lookup, and an issue or a revocation shows at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoctap.conftest import People, Tree
from hoctap.recognition import services
from hoctap.recognition.models import Certificate
from hoctap.recognition.tests.factories import ISSUED_ON, TITLE, YEAR, draft, proposed_families

pytestmark = pytest.mark.django_db


def _issue(tree: Tree, people: People, count: int = 2, number: int = 15) -> list[str]:
    chosen = proposed_families(tree.hamlet, count)
    decision = services.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=TITLE,
        year=YEAR,
        assessment_ids=[a.pk for a in chosen],
        draft=draft(number),
    )
    return list(decision.certificates.order_by("serial_number").values_list("serial", flat=True))


def _status(client: Client, serial: str) -> str:
    response = client.get(reverse("public:verify", args=[serial]))
    marker = 'data-status="'
    text = response.content.decode()
    return text[text.index(marker) + len(marker) :].split('"', 1)[0]


def test_a_kept_answer_costs_no_query_and_a_revocation_shows_at_once(
    tree: Tree, people: People
) -> None:
    first, _second = _issue(tree, people)
    visitor = Client()
    assert _status(visitor, first) == "valid"
    with CaptureQueriesContext(connection) as captured:
        assert _status(visitor, first) == "valid"
    assert captured.captured_queries == []

    certificate = Certificate.objects.get(serial=first)
    services.certificates_revoke(
        actor=people.commune_official,
        authority=tree.commune,
        certificate_ids=[certificate.pk],
        draft=draft(16, reason="Khai sai"),
    )

    assert _status(visitor, first) == "revoked"


def test_a_serial_unknown_before_an_issue_is_known_after_it(tree: Tree, people: People) -> None:
    coming = services.serial_of(tree.commune, ISSUED_ON.year, 1)
    visitor = Client()
    unknown = visitor.get(reverse("public:verify", args=[coming]))
    assert unknown.status_code == 404

    serials = _issue(tree, people, count=1)

    assert serials == [coming]
    assert _status(visitor, serials[0]) == "valid"


def test_signed_in_users_always_get_a_fresh_answer(tree: Tree, people: People) -> None:
    (serial,) = _issue(tree, people, count=1)
    official = Client()
    official.force_login(people.commune_official)
    official.get(reverse("public:verify", args=[serial]))
    with CaptureQueriesContext(connection) as captured:
        official.get(reverse("public:verify", args=[serial]))
    assert captured.captured_queries
