"""Issuing and revoking through the services: every refusal changes nothing, the authorities
follow the workflow rules, and what a certificate copies and the timeline record."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from hoctap.accounts.models import Role, User
from hoctap.accounts.tests.factories import UserFactory, user_with_role
from hoctap.assessments import permissions
from hoctap.assessments import services as assessment_services
from hoctap.assessments.models import Assessment, State, Title, Transition, WorkflowRule
from hoctap.assessments.tests.factories import make_assessment
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError
from hoctap.core.models import AuditEvent
from hoctap.recognition import services
from hoctap.recognition.models import Certificate, Decision, DecisionKind, SerialCounter
from hoctap.recognition.tests.factories import TITLE, YEAR, draft, proposed_families
from hoctap.registry.models import ManagingLevel, Relation, Sex
from hoctap.registry.services import NotPermitted
from hoctap.registry.tests.factories import HouseholdFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

NOT_PROPOSED = "It is not proposed for recognition"
ALREADY_RECOGNISED = "It has already been recognised."
NO_SUCH_ASSESSMENT = "No such assessment in your area."
NO_SUCH_CERTIFICATE = "No such certificate in your area."


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Refusal reasons are compared as the English msgids, whatever gets translated later."""
    with translation.override("en"):
        yield


@pytest.fixture
def superuser(db: Any) -> User:
    """Sees and may do everything, so the checks past scope and permission show."""
    user: User = UserFactory.create(username="sieu", is_superuser=True, is_staff=True)
    return user


# -- helpers ----------------------------------------------------------------------------------


def _snapshot() -> dict[str, Any]:
    """Everything a decision or a revocation writes."""
    return {
        "decisions": list(Decision.objects.order_by("pk").values_list("pk", "kind", "number")),
        "certificates": list(
            Certificate.objects.order_by("pk").values_list(
                "pk", "serial", "revoked_by_id", "revoked_on", "revoked_reason"
            )
        ),
        "transitions": Transition.objects.count(),
        "counters": list(
            SerialCounter.objects.order_by("pk").values_list("authority_id", "year", "last")
        ),
        "assessments": list(
            Assessment.objects.order_by("pk").values_list("pk", "state", "version")
        ),
        "audit": AuditEvent.objects.count(),
    }


def _refused(call: Callable[[], Any], error: type[Exception] = BusinessError) -> Any:
    """Run a call that must be refused and check it changed nothing."""
    before = _snapshot()
    with pytest.raises(error) as raised:
        call()
    assert _snapshot() == before
    return raised.value


def _issue(
    actor: Any,
    authority: Any,
    chosen: list[Assessment] | list[int],
    *,
    title: str = TITLE,
    year: int = YEAR,
    **draft_values: Any,
) -> Decision:
    ids = [item if isinstance(item, int) else item.pk for item in chosen]
    return services.decision_issue(
        actor=actor,
        authority=authority,
        title=title,
        year=year,
        assessment_ids=ids,
        draft=draft(**draft_values),
    )


def _revoke(
    actor: Any, authority: Any, certificates: list[Certificate] | list[int], **kw: Any
) -> Decision:
    ids = [item if isinstance(item, int) else item.pk for item in certificates]
    values: dict[str, Any] = {"number": 90, "reason": "Hồ sơ khai không đúng sự thật.", **kw}
    return services.certificates_revoke(
        actor=actor, authority=authority, certificate_ids=ids, draft=draft(**values)
    )


def _proposed_family(tree: Tree, **kwargs: Any) -> Assessment:
    return proposed_families(tree.hamlet, 1, **kwargs)[0]


def _recognised(tree: Tree, people: People, count: int = 1, number: int = 15) -> list[Certificate]:
    chosen = proposed_families(tree.hamlet, count)
    decision = _issue(people.commune_official, tree.commune, chosen, number=number)
    return list(decision.certificates.order_by("serial_number"))


# -- issuing: what is refused -----------------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [
        State.REGISTERED,
        State.SUBMITTED,
        State.REVIEWED,
        State.APPRAISED,
        State.RETURNED,
        State.REJECTED,
    ],
)
def test_an_assessment_not_proposed_is_refused_with_the_rest(
    tree: Tree, people: People, state: str
) -> None:
    # given two proposed families and one in another state
    proposed = proposed_families(tree.hamlet, 2)
    other = _proposed_family(tree)
    Assessment.objects.filter(pk=other.pk).update(state=state)

    # when the official chooses all three, then nothing at all is recognised
    refused = _refused(
        lambda: _issue(people.commune_official, tree.commune, [*proposed, other]),
        services.RecognitionRefused,
    )
    assert list(refused.refusals) == [other.pk]
    assert refused.refusals[other.pk].startswith(NOT_PROPOSED)
    assert refused.code == "refused"


@pytest.mark.parametrize("state", [State.RECOGNISED, State.REVOKED])
def test_an_assessment_recognised_or_revoked_before_is_refused(
    tree: Tree, people: People, state: str
) -> None:
    earlier = _proposed_family(tree)
    Assessment.objects.filter(pk=earlier.pk).update(state=state)
    refused = _refused(
        lambda: _issue(people.commune_official, tree.commune, [earlier]),
        services.RecognitionRefused,
    )
    assert refused.refusals == {earlier.pk: ALREADY_RECOGNISED}


def test_a_second_decision_over_recognised_assessments_is_refused(
    tree: Tree, people: People
) -> None:
    chosen = proposed_families(tree.hamlet, 2)
    _issue(people.commune_official, tree.commune, chosen)
    fresh = _proposed_family(tree)
    refused = _refused(
        lambda: _issue(people.commune_official, tree.commune, [*chosen, fresh], number=16),
        services.RecognitionRefused,
    )
    assert refused.refusals == {chosen[0].pk: ALREADY_RECOGNISED, chosen[1].pk: ALREADY_RECOGNISED}


def test_another_year_and_another_title_are_refused(tree: Tree, people: People) -> None:
    last_year = _proposed_family(tree, year=YEAR - 1)
    citizen = make_assessment(
        title=Title.LEARNING_CITIZEN,
        household=None,
        person=PersonFactory.create(hamlet=tree.hamlet),
        state=State.PROPOSED,
        passed=True,
    )
    this_year = _proposed_family(tree)
    refused = _refused(
        lambda: _issue(people.commune_official, tree.commune, [last_year, citizen, this_year]),
        services.RecognitionRefused,
    )
    assert set(refused.refusals) == {last_year.pk, citizen.pk}
    assert refused.refusals[last_year.pk] == f"It is for another year ({YEAR - 1})."
    assert refused.refusals[citizen.pk].startswith("It is for another title")


def test_an_assessment_outside_the_authority_is_refused(
    tree: Tree, people: People, superuser: User
) -> None:
    # given families of Mường Giôn and one of Tô Hiệu, all visible to a superuser
    ours = _proposed_family(tree)
    theirs = proposed_families(tree.other_commune_hamlet, 1)[0]

    # when a decision of Mường Giôn lists the family of Tô Hiệu, it is refused
    refused = _refused(
        lambda: _issue(superuser, tree.commune, [ours, theirs]), services.RecognitionRefused
    )
    assert refused.refusals == {theirs.pk: "It lies outside the area of Xã Mường Giôn."}

    # and the commune official, who cannot see it, is told there is no such assessment
    refused = _refused(
        lambda: _issue(people.commune_official, tree.commune, [ours, theirs]),
        services.RecognitionRefused,
    )
    assert refused.refusals == {theirs.pk: NO_SUCH_ASSESSMENT}


def test_another_communes_official_can_neither_see_nor_act(tree: Tree, people: People) -> None:
    ours = _proposed_family(tree)
    # as their own commune: our family does not exist for them
    refused = _refused(
        lambda: _issue(people.other_commune_official, tree.other_commune, [ours]),
        services.RecognitionRefused,
    )
    assert refused.refusals == {ours.pk: NO_SUCH_ASSESSMENT}
    # in the name of our commune: not permitted
    refusal = _refused(
        lambda: _issue(people.other_commune_official, tree.commune, [ours]), NotPermitted
    )
    assert refusal.code == "forbidden"


@pytest.mark.parametrize(
    "who",
    ["collector", "citizen", "organisation_head", "province_official", "other_province_official"],
)
def test_roles_without_the_right_to_recognise_families_are_not_permitted(
    tree: Tree, people: People, who: str
) -> None:
    chosen = proposed_families(tree.hamlet, 1)
    actor = getattr(people, who)
    authority = tree.province if "province" in who else tree.commune
    _refused(lambda: _issue(actor, authority, chosen), NotPermitted)


def test_anonymous_is_not_permitted(tree: Tree) -> None:
    from django.contrib.auth.models import AnonymousUser

    chosen = proposed_families(tree.hamlet, 1)
    _refused(lambda: _issue(AnonymousUser(), tree.commune, chosen), NotPermitted)


def test_a_hamlet_or_a_retired_unit_is_no_authority(tree: Tree, superuser: User) -> None:
    chosen = proposed_families(tree.hamlet, 1)
    error = _refused(lambda: _issue(superuser, tree.hamlet, chosen))
    assert error.code == "authority"
    tree.commune.valid_to = datetime.date(2025, 12, 31)
    tree.commune.save(update_fields=["valid_to"])
    error = _refused(lambda: _issue(superuser, tree.commune, chosen))
    assert error.code == "authority"


def test_an_empty_choice_and_unknown_ids_are_refused(tree: Tree, people: People) -> None:
    error = _refused(lambda: _issue(people.commune_official, tree.commune, []))
    assert error.code == "empty"
    chosen = _proposed_family(tree)
    refused = _refused(
        lambda: _issue(people.commune_official, tree.commune, [chosen.pk, 987654]),
        services.RecognitionRefused,
    )
    assert refused.refusals == {987654: NO_SUCH_ASSESSMENT}


def test_an_unknown_title_is_refused(tree: Tree, people: People) -> None:
    chosen = proposed_families(tree.hamlet, 1)
    error = _refused(lambda: _issue(people.commune_official, tree.commune, chosen, title="nope"))
    assert error.code == "title"


def test_a_decision_number_is_used_once_per_authority_and_year_of_issue(
    tree: Tree, people: People
) -> None:
    # Last year's assessments, so both years of issue lie in the past whatever the day.
    late_2025 = datetime.date(YEAR - 1, 12, 20)
    early_2026 = datetime.date(YEAR, 1, 15)
    first, second, third = proposed_families(tree.hamlet, 3, year=YEAR - 1)
    theirs = proposed_families(tree.other_commune_hamlet, 1, year=YEAR - 1)[0]
    _issue(people.commune_official, tree.commune, [first], year=YEAR - 1, issued_on=late_2025)

    # the same number again in the same year of issue is refused, naming it
    error = _refused(
        lambda: _issue(
            people.commune_official, tree.commune, [second], year=YEAR - 1, issued_on=late_2025
        )
    )
    assert error.code == "duplicate_number"
    assert str(error.message) == (
        f"Xã Mường Giôn already issued decision number 15/QĐ-UBND in {YEAR - 1}."
    )

    # another authority may use it in that year, and the same authority the year after
    _issue(
        people.other_commune_official,
        tree.other_commune,
        [theirs],
        year=YEAR - 1,
        issued_on=late_2025,
    )
    again = _issue(
        people.commune_official, tree.commune, [second], year=YEAR - 1, issued_on=early_2026
    )
    assert (again.number, again.issued_year) == (15, YEAR)
    # and a revocation decision draws on the same register of numbers
    certificate = Certificate.objects.get(assessment=first)
    error = _refused(
        lambda: _revoke(
            people.commune_official, tree.commune, [certificate], number=15, issued_on=early_2026
        )
    )
    assert error.code == "duplicate_number"
    assert Assessment.objects.get(pk=third.pk).state == State.PROPOSED


def test_a_date_before_the_assessed_year_or_far_ahead_is_refused(
    tree: Tree, people: People
) -> None:
    chosen = proposed_families(tree.hamlet, 1)
    error = _refused(
        lambda: _issue(
            people.commune_official, tree.commune, chosen, issued_on=datetime.date(YEAR - 1, 12, 31)
        )
    )
    assert error.code == "issued_on"
    far = timezone.localdate() + datetime.timedelta(days=400)
    error = _refused(lambda: _issue(people.commune_official, tree.commune, chosen, issued_on=far))
    assert error.code == "issued_on_future"


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"signer_name": ""}, "signer"),
        ({"signer_name": "   "}, "signer"),
        ({"number": 0}, "number"),
        ({"symbol": " "}, "symbol"),
    ],
)
def test_a_draft_without_signer_number_or_symbol_is_refused(
    tree: Tree, people: People, values: dict[str, Any], code: str
) -> None:
    chosen = proposed_families(tree.hamlet, 1)
    error = _refused(lambda: _issue(people.commune_official, tree.commune, chosen, **values))
    assert error.code == code


# -- revoking: what is refused ----------------------------------------------------------------


def test_revoking_what_is_already_revoked_is_refused(tree: Tree, people: People) -> None:
    first, second = _recognised(tree, people, 2)
    _revoke(people.commune_official, tree.commune, [first])
    refused = _refused(
        lambda: _revoke(people.commune_official, tree.commune, [first, second], number=91),
        services.RecognitionRefused,
    )
    assert refused.refusals == {first.pk: "It has already been revoked."}
    second.refresh_from_db()
    assert not second.is_revoked


def test_revoking_another_authoritys_certificate_is_refused(
    tree: Tree, people: People, superuser: User
) -> None:
    (ours,) = _recognised(tree, people)
    # a superuser sees it but Tô Hiệu did not issue it
    refused = _refused(
        lambda: _revoke(superuser, tree.other_commune, [ours]), services.RecognitionRefused
    )
    assert refused.refusals == {
        ours.pk: "It was issued by another authority; only that authority can revoke it."
    }
    # Tô Hiệu's official does not even see it
    refused = _refused(
        lambda: _revoke(people.other_commune_official, tree.other_commune, [ours]),
        services.RecognitionRefused,
    )
    assert refused.refusals == {ours.pk: NO_SUCH_CERTIFICATE}


def test_the_province_revokes_only_what_the_province_issued(tree: Tree, people: People) -> None:
    # given the province recognises families in Sơn La, after the commune recognised one
    (by_commune,) = _recognised(tree, people)
    WorkflowRule.objects.create(
        title=TITLE,
        action=permissions.RECOGNISE,
        role=Role.PROVINCE_OFFICIAL,
        province=tree.province,
    )
    refused = _refused(
        lambda: _revoke(people.province_official, tree.province, [by_commune]),
        services.RecognitionRefused,
    )
    assert list(refused.refusals) == [by_commune.pk]


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_revocation_needs_a_reason(tree: Tree, people: People, reason: str) -> None:
    (certificate,) = _recognised(tree, people)
    error = _refused(
        lambda: _revoke(people.commune_official, tree.commune, [certificate], reason=reason)
    )
    assert error.code == "reason"


def test_an_empty_or_unknown_revocation_is_refused(tree: Tree, people: People) -> None:
    (certificate,) = _recognised(tree, people)
    error = _refused(lambda: _revoke(people.commune_official, tree.commune, []))
    assert error.code == "empty"
    refused = _refused(
        lambda: _revoke(people.commune_official, tree.commune, [certificate.pk, 987654]),
        services.RecognitionRefused,
    )
    assert refused.refusals == {987654: NO_SUCH_CERTIFICATE}


def test_a_collector_may_not_revoke(tree: Tree, people: People) -> None:
    (certificate,) = _recognised(tree, people)
    _refused(lambda: _revoke(people.collector, tree.commune, [certificate]), NotPermitted)


def test_one_revocation_covers_one_title(tree: Tree, people: People) -> None:
    (family,) = _recognised(tree, people)
    citizen = make_assessment(
        title=Title.LEARNING_CITIZEN,
        household=None,
        person=PersonFactory.create(hamlet=tree.hamlet),
        state=State.PROPOSED,
        passed=True,
    )
    _issue(
        people.commune_official, tree.commune, [citizen], title=Title.LEARNING_CITIZEN, number=16
    )
    other = Certificate.objects.get(assessment=citizen)
    error = _refused(lambda: _revoke(people.commune_official, tree.commune, [family, other]))
    assert error.code == "titles"


def test_a_revocation_dated_before_the_certificate_is_refused(tree: Tree, people: People) -> None:
    (certificate,) = _recognised(tree, people)  # issued on 20/12 of the assessed year
    refused = _refused(
        lambda: _revoke(
            people.commune_official,
            tree.commune,
            [certificate],
            issued_on=certificate.issued_on - datetime.timedelta(days=1),
        ),
        services.RecognitionRefused,
    )
    assert list(refused.refusals) == [certificate.pk]


def test_a_revocation_with_a_bad_draft_changes_nothing(tree: Tree, people: People) -> None:
    (certificate,) = _recognised(tree, people)
    error = _refused(
        lambda: _revoke(people.commune_official, tree.commune, [certificate], signer_name=" ")
    )
    assert error.code == "signer"


# -- who the authority is ---------------------------------------------------------------------


def test_the_province_recognises_province_managed_units(tree: Tree, people: People) -> None:
    # given two province-managed units of Mường Giôn proposed for recognition
    units = [
        make_assessment(
            title=Title.LEARNING_UNIT_PROVINCE,
            household=None,
            organisation=OrganisationFactory.create(
                commune=tree.commune, managing_level=ManagingLevel.PROVINCE
            ),
            state=State.PROPOSED,
            passed=True,
            level="1",
        )
        for _ in range(2)
    ]
    # the commune may not recognise them, nor may the province speak as the commune
    _refused(
        lambda: _issue(
            people.commune_official, tree.commune, units, title=Title.LEARNING_UNIT_PROVINCE
        ),
        NotPermitted,
    )
    _refused(
        lambda: _issue(
            people.province_official, tree.commune, units, title=Title.LEARNING_UNIT_PROVINCE
        ),
        NotPermitted,
    )
    # another province's official may not either
    _refused(
        lambda: _issue(
            people.other_province_official,
            tree.province,
            units,
            title=Title.LEARNING_UNIT_PROVINCE,
        ),
        NotPermitted,
    )

    # when the province issues
    decision = _issue(
        people.province_official, tree.province, units, title=Title.LEARNING_UNIT_PROVINCE
    )

    # then the province's committee is the issuer and numbers the certificates itself
    assert decision.issuing_body == "ỦY BAN NHÂN DÂN TỈNH SƠN LA"
    assert decision.place == "Sơn La"
    assert decision.unit_path == tree.province.path
    certificates = list(decision.certificates.order_by("serial_number"))
    assert [c.serial for c in certificates] == [
        f"{tree.province.code}-{YEAR}-000001",
        f"{tree.province.code}-{YEAR}-000002",
    ]
    first = certificates[0]
    assert (first.authority, first.commune, first.level) == (tree.province, tree.commune, "1")
    assert units[0].organisation is not None
    assert first.holder_name == units[0].organisation.name
    assert first.holder_place == "Xã Mường Giôn, Tỉnh Sơn La"
    assert SerialCounter.objects.get(authority=tree.province, year=YEAR).last == 2


def test_the_province_recognises_commune_communities(tree: Tree, people: People) -> None:
    community = make_assessment(
        title=Title.LEARNING_COMMUNITY_COMMUNE,
        household=None,
        unit=tree.commune,
        state=State.PROPOSED,
        passed=True,
        level="2",
    )
    title = Title.LEARNING_COMMUNITY_COMMUNE
    _refused(
        lambda: _issue(people.commune_official, tree.commune, [community], title=title),
        NotPermitted,
    )
    decision = _issue(people.province_official, tree.province, [community], title=title)
    certificate = decision.certificates.get()
    assert (certificate.holder_name, certificate.hamlet_name) == ("Xã Mường Giôn", "")
    assert certificate.holder_place == "Tỉnh Sơn La"
    assert certificate.level == "2"
    assert certificate.unit_path == tree.commune.path


def test_a_workflow_rule_moves_the_authority_to_the_province(tree: Tree, people: People) -> None:
    # given Sơn La has the province recognise learning families
    WorkflowRule.objects.create(
        title=TITLE,
        action=permissions.RECOGNISE,
        role=Role.PROVINCE_OFFICIAL,
        province=tree.province,
    )
    chosen = proposed_families(tree.hamlet, 2)

    # then the commune official is refused, in the commune's name or the province's
    _refused(lambda: _issue(people.commune_official, tree.commune, chosen), NotPermitted)
    _refused(lambda: _issue(people.commune_official, tree.province, chosen), NotPermitted)
    # and the province official issues in the province's name
    decision = _issue(people.province_official, tree.province, chosen)
    assert decision.authority == tree.province
    assert set(decision.certificates.values_list("authority", flat=True)) == {tree.province.pk}

    # while Thanh Hóa, without such a rule, keeps the commune as the authority
    far_official = user_with_role(Role.COMMUNE_OFFICIAL, tree.far_commune, "xa.nongcong")
    far = proposed_families(tree.far_hamlet, 1)
    _refused(lambda: _issue(people.other_province_official, tree.other_province, far), NotPermitted)
    assert _issue(far_official, tree.far_commune, far).authority == tree.far_commune


# -- what an issue writes ---------------------------------------------------------------------


def test_the_timeline_and_the_audit_trail_record_recognition_and_revocation(
    tree: Tree, people: People
) -> None:
    chosen = proposed_families(tree.hamlet, 2)
    decision = _issue(people.commune_official, tree.commune, chosen)

    steps = Transition.objects.filter(assessment__in=chosen, action=permissions.RECOGNISE)
    assert steps.count() == 2
    for step in steps:
        assert (step.from_state, step.to_state) == (State.PROPOSED, State.RECOGNISED)
        assert step.actor == people.commune_official
        assert step.reason == "15/QĐ-UBND"
    for assessment in chosen:
        before = assessment.version
        assessment.refresh_from_db()
        assert (assessment.state, assessment.version) == (State.RECOGNISED, before + 1)
    issued = AuditEvent.objects.get(action="recognition.decision_issue")
    assert (issued.object_type, issued.object_id) == ("recognition.decision", str(decision.pk))
    assert issued.actor == people.commune_official
    assert issued.unit_path == tree.commune.path
    assert issued.data["reference"] == "15/QĐ-UBND"
    assert issued.data["assessments"] == sorted(a.pk for a in chosen)
    moved = AuditEvent.objects.filter(action="assessment.recognise").order_by("object_id")
    assert [event.object_id for event in moved] == [
        str(a.pk) for a in sorted(chosen, key=lambda a: a.pk)
    ]
    assert moved[0].data == {"from": State.PROPOSED, "to": State.RECOGNISED, "reason": "15/QĐ-UBND"}

    # when one certificate is revoked
    certificate = Certificate.objects.get(assessment=chosen[0])
    revocation = _revoke(
        people.commune_official, tree.commune, [certificate], reason="  Hồ sơ khai sai.  "
    )

    # then the decision, the certificate, the assessment and the timeline all say so
    assert revocation.kind == DecisionKind.REVOCATION
    assert revocation.reason == "Hồ sơ khai sai."
    assert revocation.subject_line == "Về việc thu hồi danh hiệu “Gia đình học tập”"
    certificate.refresh_from_db()
    assert certificate.revoked_by == revocation
    assert certificate.revoked_on == revocation.issued_on
    assert certificate.revoked_reason == "Hồ sơ khai sai."
    step = Transition.objects.get(assessment=chosen[0], action=services.REVOKE_ACTION)
    assert (step.from_state, step.to_state) == (State.RECOGNISED, State.REVOKED)
    assert step.reason == "90/QĐ-UBND: Hồ sơ khai sai."
    assert Assessment.objects.get(pk=chosen[1].pk).state == State.RECOGNISED
    revoked = AuditEvent.objects.get(action="recognition.certificates_revoke")
    assert revoked.object_id == str(revocation.pk)
    assert revoked.data == {
        "reference": "90/QĐ-UBND",
        "serials": [certificate.serial],
        "reason": "Hồ sơ khai sai.",
    }
    assert (
        AuditEvent.objects.filter(action="assessment.revoke", object_id=str(chosen[0].pk)).count()
        == 1
    )


def test_a_decision_fills_its_defaults_from_the_authority(tree: Tree, people: People) -> None:
    decision = _issue(
        people.commune_official,
        tree.commune,
        proposed_families(tree.hamlet, 1),
        signer_name="  Lò Văn Pọm ",
        recipients="Như Điều 3;\nLưu: VT.",
    )
    assert decision.kind == DecisionKind.RECOGNITION
    assert decision.issuing_body == "ỦY BAN NHÂN DÂN XÃ MƯỜNG GIÔN"
    assert decision.place == "Mường Giôn"
    assert decision.signer_name == "Lò Văn Pọm"
    # Official papers are Vietnamese whatever the language of the page.
    assert decision.subject_line == f"Về việc công nhận danh hiệu “Gia đình học tập” năm {YEAR}"
    assert decision.issued_by == people.commune_official
    assert decision.recipients == "Như Điều 3;\nLưu: VT."


def test_a_certificate_copies_the_holder_and_the_place(tree: Tree, people: People) -> None:
    # given a family, a learning citizen and a hamlet community of Bản Hày
    household = HouseholdFactory.create(hamlet=tree.hamlet, code="H01-007")
    head = PersonFactory.create(
        household=household, relation=Relation.HEAD, full_name="Lò Văn Ún", sex=Sex.MALE
    )
    family = assessment_services.assessment_register(
        actor=people.collector, title=TITLE, year=YEAR, subject=household
    )
    citizen = make_assessment(
        title=Title.LEARNING_CITIZEN, household=None, person=head, level="", total=Decimal("92.00")
    )
    hamlet = make_assessment(
        title=Title.LEARNING_COMMUNITY_HAMLET, household=None, unit=tree.hamlet
    )
    Assessment.objects.filter(pk__in=[family.pk, citizen.pk, hamlet.pk]).update(
        state=State.PROPOSED, passed=True, total=Decimal("92.00")
    )

    _issue(people.commune_official, tree.commune, [family])
    _issue(
        people.commune_official, tree.commune, [citizen], title=Title.LEARNING_CITIZEN, number=16
    )
    _issue(
        people.commune_official,
        tree.commune,
        [hamlet],
        title=Title.LEARNING_COMMUNITY_HAMLET,
        number=17,
    )

    of_family = Certificate.objects.get(assessment=family)
    # made out to the family by its head's name: the registry code means nothing on a wall
    assert of_family.holder_name == "Gia đình ông Lò Văn Ún"
    assert of_family.hamlet_name == "Bản Hày"
    assert of_family.holder_place == "Bản Hày, Xã Mường Giôn, Tỉnh Sơn La"
    assert (of_family.title, of_family.year, of_family.total) == (TITLE, YEAR, Decimal("92.00"))
    assert of_family.unit_path == tree.hamlet.path
    assert of_family.commune == tree.commune
    assert of_family.issued_on == of_family.decision.issued_on
    of_citizen = Certificate.objects.get(assessment=citizen)
    assert (of_citizen.holder_name, of_citizen.hamlet_name) == ("Lò Văn Ún", "Bản Hày")
    assert of_citizen.holder_place == "Bản Hày, Xã Mường Giôn, Tỉnh Sơn La"
    of_hamlet = Certificate.objects.get(assessment=hamlet)
    assert (of_hamlet.holder_name, of_hamlet.hamlet_name) == ("Bản Hày", "")
    assert of_hamlet.holder_place == "Xã Mường Giôn, Tỉnh Sơn La"
    # serials run on across the three decisions of the commune and year
    assert [of_family.serial_number, of_citizen.serial_number, of_hamlet.serial_number] == [1, 2, 3]

    # when the person and the hamlet are renamed later, the certificates keep what they said
    head.full_name = "Lò Văn Khác"
    head.save(update_fields=["full_name"])
    tree.hamlet.name = "Bản Mới"
    tree.hamlet.save(update_fields=["name"])
    of_citizen.refresh_from_db()
    assert (of_citizen.holder_name, of_citizen.hamlet_name) == ("Lò Văn Ún", "Bản Hày")


def test_a_recognised_citizen_counts_for_the_family_and_a_revoked_one_does_not(
    tree: Tree, people: People
) -> None:
    # given a household whose one adult is proposed as a learning citizen
    household = HouseholdFactory.create(hamlet=tree.hamlet)
    head = PersonFactory.create(household=household, relation=Relation.HEAD)
    PersonFactory.create(household=household, relation=Relation.CHILD, birth_year=YEAR - 8)
    citizen = make_assessment(
        title=Title.LEARNING_CITIZEN,
        household=None,
        person=head,
        state=State.PROPOSED,
        passed=True,
        criteria_version="2023",
    )
    family = make_assessment(household=household)
    assert assessment_services.computed_values(family) == {"TC2.1": 100.0}

    # when the citizen is recognised, the family's indicator still counts them
    decision = _issue(
        people.commune_official, tree.commune, [citizen], title=Title.LEARNING_CITIZEN
    )
    assert State.RECOGNISED in assessment_services.HOLDING_STATES
    assert assessment_services.computed_values(family) == {"TC2.1": 100.0}

    # and once the title is revoked it no longer does
    _revoke(people.commune_official, tree.commune, list(decision.certificates.all()))
    assert Assessment.objects.get(pk=citizen.pk).state == State.REVOKED
    assert assessment_services.computed_values(family) == {"TC2.1": 0.0}


def test_the_next_number_suggested_follows_the_highest_of_the_year(
    tree: Tree, people: People
) -> None:
    assert services.next_decision_number(tree.commune, datetime.date(YEAR, 12, 1)) == 1
    _issue(people.commune_official, tree.commune, proposed_families(tree.hamlet, 1), number=7)
    assert services.next_decision_number(tree.commune, datetime.date(YEAR, 12, 1)) == 8
    assert services.next_decision_number(tree.other_commune, datetime.date(YEAR, 12, 1)) == 1
    assert services.next_decision_number(tree.commune, datetime.date(YEAR + 1, 1, 2)) == 1
