"""The recognition demo: last year's proposed assessments get January decisions of their commune
and certificates, one certificate is revoked, and seeding again adds nothing."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from hoctap.accounts.models import Role
from hoctap.accounts.tests.factories import user_with_role
from hoctap.assessments.models import Assessment, State, Title
from hoctap.assessments.tests.factories import make_assessment
from hoctap.conftest import Tree
from hoctap.recognition import demo, signing, verification
from hoctap.recognition.models import Certificate, Decision, DecisionKind
from hoctap.recognition.tests.factories import proposed_families
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return (
        Decision.objects.count(),
        Certificate.objects.count(),
        Certificate.objects.filter(revoked_by__isnull=False).count(),
    )


def test_the_demo_recognises_last_years_proposals_and_revokes_one(tree: Tree) -> None:
    # given the two demo officials and last year's assessments of their communes
    last_year = timezone.localdate().year - 1
    user_with_role(Role.COMMUNE_OFFICIAL, tree.far_commune, "xa.nongcong")
    user_with_role(Role.COMMUNE_OFFICIAL, tree.other_commune, "xa.tohieu")
    families = proposed_families(tree.far_hamlet, 3, year=last_year)
    citizens = [
        make_assessment(
            title=Title.LEARNING_CITIZEN,
            household=None,
            person=PersonFactory.create(hamlet=tree.far_hamlet),
            state=State.PROPOSED,
            passed=True,
            total=Decimal("88.00"),
            year=last_year,
        )
        for _ in range(2)
    ]
    ward_families = proposed_families(tree.other_commune_hamlet, 2, year=last_year)
    # and what must stay as it is: this year's proposal, a failed one, a family still under
    # review, and Mường Giôn, which has no demo official
    this_year = proposed_families(tree.far_hamlet, 1)[0]
    failed = make_assessment(
        household=HouseholdFactory.create(hamlet=tree.far_hamlet),
        state=State.PROPOSED,
        passed=False,
        year=last_year,
    )
    reviewed = make_assessment(
        household=HouseholdFactory.create(hamlet=tree.far_hamlet),
        state=State.REVIEWED,
        passed=True,
        year=last_year,
    )
    elsewhere = proposed_families(tree.hamlet, 1, year=last_year)[0]

    # when the demo is seeded
    out = io.StringIO()
    demo.seed(stdout=out)

    # then each commune issued one decision per title, dated in January, numbered in order
    recognitions = Decision.objects.filter(kind=DecisionKind.RECOGNITION)
    assert sorted(recognitions.values_list("authority__key", "title", "number")) == [
        ("03646", Title.LEARNING_FAMILY, 9),
        ("16279", Title.LEARNING_CITIZEN, 14),
        ("16279", Title.LEARNING_FAMILY, 15),
    ]
    for decision in recognitions:
        assert decision.issued_on.year == last_year + 1
        assert decision.issued_on.month == 1
        assert decision.year == last_year
        assert decision.signer_name in {"Lê Đình Tuấn", "Lò Văn Hải"}
        assert decision.legal_bases.startswith("Căn cứ Luật Tổ chức chính quyền địa phương")
        assert decision.subject_line.startswith("Về việc công nhận danh hiệu")
        assert decision.issued_by is not None
        assert decision.issued_by.username in {"xa.nongcong", "xa.tohieu"}
    recognised = [*families, *citizens, *ward_families]
    assert sorted(Certificate.objects.values_list("assessment_id", flat=True)) == sorted(
        a.pk for a in recognised
    )
    for assessment in (this_year, failed, reviewed, elsewhere):
        before = assessment.state
        assessment.refresh_from_db()
        assert assessment.state == before

    # and exactly one family's certificate was revoked, by a later decision, with a reason
    revoked = Certificate.objects.get(revoked_by__isnull=False)
    revocation = Decision.objects.get(kind=DecisionKind.REVOCATION)
    assert revoked.revoked_by == revocation
    assert revoked.title == Title.LEARNING_FAMILY
    assert revoked.revoked_reason == demo.REVOCATION_REASON
    assert revocation.issued_on >= revoked.issued_on
    assert revocation.number == 16
    assert Assessment.objects.get(pk=revoked.assessment_id).state == State.REVOKED
    assert verification.verify(revoked.serial, signing.token_of(revoked)).status == "revoked"
    assert "Thu hồi giấy chứng nhận" in out.getvalue()

    # when it is seeded again, nothing is added
    seeded = _counts()
    demo.seed(stdout=io.StringIO())
    assert _counts() == seeded == (4, 7, 1)


def test_an_early_january_demo_dates_the_revocation_after_the_recognition(tree: Tree) -> None:
    user_with_role(Role.COMMUNE_OFFICIAL, tree.far_commune, "xa.nongcong")
    today = timezone.localdate()
    proposed_families(tree.far_hamlet, 2, year=today.year - 1)
    early = datetime.date(today.year, 1, 3)
    demo.seed(stdout=io.StringIO(), today=early)
    revocation = Decision.objects.get(kind=DecisionKind.REVOCATION)
    assert revocation.issued_on == datetime.date(today.year, 1, 12)


def test_seed_demo_issues_decisions_and_certificates_and_revokes_one() -> None:
    """The whole `hoctap seed-demo`, on the real unit tree: slow, but it is what people run."""
    call_command("load_admin_units", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    decisions, certificates, revoked = _counts()
    assert decisions >= 5  # two communes, two titles each, and the revocation
    assert certificates > 20
    assert revoked == 1
    last_year = timezone.localdate().year - 1
    # every passed proposal of last year in the demo communes was recognised
    assert not Assessment.objects.filter(
        year=last_year, state=State.PROPOSED, passed=True, commune__key__in=["16279", "03646"]
    ).exists()
    assert set(Decision.objects.values_list("authority__key", flat=True)) == {"16279", "03646"}
    assert "Quyết định công nhận" in out.getvalue()

    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == (decisions, certificates, revoked)
