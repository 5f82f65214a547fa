"""Issuing and revoking through the services: the happy path and the first refusals."""

from __future__ import annotations

import pytest

from hoctap.assessments.models import State, Transition
from hoctap.core.exceptions import BusinessError
from hoctap.recognition import services, signing
from hoctap.recognition.models import Certificate, Decision
from hoctap.recognition.tests.factories import TITLE, YEAR, draft, proposed_families

pytestmark = pytest.mark.django_db


def test_a_decision_recognises_and_numbers_certificates_without_gaps(tree, people) -> None:
    chosen = proposed_families(tree.hamlet, 3)
    decision = services.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=TITLE,
        year=YEAR,
        assessment_ids=[a.pk for a in chosen],
        draft=draft(),
    )
    assert decision.reference == "15/QĐ-UBND"
    assert decision.issuing_body == "ỦY BAN NHÂN DÂN XÃ MƯỜNG GIÔN"
    serials = list(Certificate.objects.order_by("serial_number").values_list("serial", flat=True))
    assert serials == [f"{tree.commune.code}-{YEAR}-{n:06d}" for n in (1, 2, 3)]
    for assessment in chosen:
        assessment.refresh_from_db()
        assert assessment.state == State.RECOGNISED
    certificate = Certificate.objects.first()
    assert certificate is not None
    check = signing.check_token(signing.token_of(certificate))
    assert check.valid
    assert check.payload is not None
    assert check.payload["s"] == certificate.serial

    more = proposed_families(tree.hamlet, 2)
    services.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=TITLE,
        year=YEAR,
        assessment_ids=[a.pk for a in more],
        draft=draft(16),
    )
    numbers = sorted(Certificate.objects.values_list("serial_number", flat=True))
    assert numbers == [1, 2, 3, 4, 5]

    revocation = services.certificates_revoke(
        actor=people.commune_official,
        authority=tree.commune,
        certificate_ids=[certificate.pk],
        draft=draft(17, reason="Hồ sơ khai không đúng sự thật"),
    )
    certificate.refresh_from_db()
    assert certificate.revoked_by == revocation
    assert Transition.objects.filter(action="revoke").count() == 1
    with pytest.raises(services.RecognitionRefused):
        services.certificates_revoke(
            actor=people.commune_official,
            authority=tree.commune,
            certificate_ids=[certificate.pk],
            draft=draft(18, reason="lần nữa"),
        )


def test_refusals_change_nothing(tree, people) -> None:
    chosen = proposed_families(tree.hamlet, 2)
    registered = proposed_families(tree.hamlet, 1)[0]
    registered.state = State.REGISTERED
    registered.save()
    with pytest.raises(services.RecognitionRefused) as refused:
        services.decision_issue(
            actor=people.commune_official,
            authority=tree.commune,
            title=TITLE,
            year=YEAR,
            assessment_ids=[a.pk for a in chosen] + [registered.pk],
            draft=draft(),
        )
    assert list(refused.value.refusals) == [registered.pk]
    assert not Decision.objects.exists()
    services.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=TITLE,
        year=YEAR,
        assessment_ids=[chosen[0].pk],
        draft=draft(),
    )
    with pytest.raises(BusinessError) as duplicate:
        services.decision_issue(
            actor=people.commune_official,
            authority=tree.commune,
            title=TITLE,
            year=YEAR,
            assessment_ids=[chosen[1].pk],
            draft=draft(),
        )
    assert duplicate.value.code == "duplicate_number"
    with pytest.raises(BusinessError):
        services.decision_issue(
            actor=people.other_commune_official,
            authority=tree.other_commune,
            title=TITLE,
            year=YEAR,
            assessment_ids=[chosen[1].pk],
            draft=draft(40),
        )
    assert Certificate.objects.count() == 1


def test_the_open_badge_credential_verifies_and_a_change_breaks_it(tree, people) -> None:
    from hoctap.recognition import badges

    chosen = proposed_families(tree.hamlet, 1)
    services.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=TITLE,
        year=YEAR,
        assessment_ids=[chosen[0].pk],
        draft=draft(),
    )
    certificate = Certificate.objects.get()
    credential = badges.credential_of(certificate)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badges.verify_credential(credential)
    credential["credentialSubject"]["name"] = "Someone else"
    assert not badges.verify_credential(credential)
    assert badges.base58btc_decode(badges.base58btc(b"\0\0abc")) == b"\0\0abc"
