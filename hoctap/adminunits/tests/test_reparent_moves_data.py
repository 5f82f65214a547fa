"""Moving a hamlet to another commune takes everything placed in it along: registry rows,
assessments, certificates and their counts, so scope, dashboards and counts keep agreeing."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoctap.accounts.models import User
from hoctap.accounts.scope import forget_scope
from hoctap.accounts.tests.factories import UserFactory
from hoctap.adminunits.models import LAST_LEGACY_DAY, AdminUnit
from hoctap.adminunits.services import (
    KEPT_WHEN_HAMLET_MOVES,
    MOVED_WITH_HAMLET,
    hamlet_retire,
    unit_reparent,
)
from hoctap.adminunits.tests import factories as units
from hoctap.assessments import services as assessment_services
from hoctap.assessments.models import Assessment, State, Title
from hoctap.assessments.services import criteria_set_of
from hoctap.assessments.tests.factories import YEAR, AssessmentFactory, make_assessment
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.models import AuditEvent
from hoctap.recognition import services as recognition
from hoctap.recognition import verification
from hoctap.recognition.models import Certificate, Decision
from hoctap.recognition.tests.factories import draft
from hoctap.registry.models import DeclaredStatistic, Household, Person, StatisticKind
from hoctap.registry.tests.factories import (
    HouseholdFactory,
    LearningCentreFactory,
    PersonFactory,
)
from hoctap.targets import registry_counts, rollups
from hoctap.targets.models import RegistryCount, TitleCount


@dataclasses.dataclass
class Hamlet:
    """What Bản Hày holds before it moves, and a neighbour's rows that must stay put."""

    households: list[Household]
    people: list[Person]
    family: Assessment  # registered, in the subject's hands
    community: Assessment  # the hamlet's own candidacy, submitted
    certificate: Certificate  # a learning citizen recognised by Xã Mường Giôn
    statistic: DeclaredStatistic
    neighbour: Household  # in Bản Cọ, which stays in Xã Mường Giôn
    neighbour_assessment: Assessment


def _household(tree: Tree, code: str, members: int) -> tuple[Household, list[Person]]:
    household = HouseholdFactory.create(hamlet=tree.hamlet, commune=tree.commune, code=code)
    people = [
        PersonFactory.create(household=household, relation="head" if n == 0 else "child")
        for n in range(members)
    ]
    return household, people


@pytest.fixture
def hamlet(tree: Tree, people: People) -> Hamlet:
    first, first_people = _household(tree, "BH-001", 3)
    second, second_people = _household(tree, "BH-002", 2)
    family = AssessmentFactory.create(household=first)
    community = AssessmentFactory.create(
        title=Title.LEARNING_COMMUNITY_HAMLET,
        unit=tree.hamlet,
        household=None,
        state=State.SUBMITTED,
    )
    citizen = AssessmentFactory.create(
        title=Title.LEARNING_CITIZEN,
        person=first_people[0],
        household=None,
        state=State.PROPOSED,
        passed=True,
        total=Decimal("90"),
    )
    statistic = DeclaredStatistic.objects.create(
        unit=tree.hamlet,
        unit_path=tree.hamlet.path,
        year=YEAR,
        kind=StatisticKind.HOUSEHOLDS,
        value=120,
        source="Thống kê của thôn",
    )
    neighbour = HouseholdFactory.create(
        hamlet=tree.other_hamlet, commune=tree.commune, code="BC-001"
    )
    neighbour_assessment = AssessmentFactory.create(household=neighbour, state=State.SUBMITTED)
    # The factories write rows around the services: count them once, then keep counting.
    rollups.rebuild()
    registry_counts.rebuild()
    recognition.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=Title.LEARNING_CITIZEN,
        year=YEAR,
        assessment_ids=[citizen.pk],
        draft=draft(),
    )
    assert rollups.differences() == {}
    assert registry_counts.differences() == {}
    return Hamlet(
        households=[first, second],
        people=first_people + second_people,
        family=family,
        community=community,
        certificate=Certificate.objects.get(assessment=citizen),
        statistic=statistic,
        neighbour=neighbour,
        neighbour_assessment=neighbour_assessment,
    )


def _placed_rows(hamlet: Hamlet) -> list[Any]:
    rows: list[Any] = [
        *hamlet.households,
        *hamlet.people,
        hamlet.family,
        hamlet.community,
        hamlet.certificate,
        hamlet.certificate.assessment,
    ]
    for row in rows:
        row.refresh_from_db()
    return rows


def _snapshot() -> dict[str, Any]:
    """Everything a refused move must leave as it was."""
    return {
        "units": list(AdminUnit.objects.values_list("pk", "parent_id", "path")),
        "paths": {
            label: sorted(apps.get_model(label)._default_manager.values_list("pk", "unit_path"))
            for label, _ in MOVED_WITH_HAMLET
        },
        "communes": sorted(Household.objects.values_list("pk", "commune_id")),
        "assessments": sorted(
            Assessment.objects.values_list("pk", "commune_id", "criteria_version")
        ),
        "counts": sorted(TitleCount.objects.values_list("unit_path", "state", "count")),
        "registry_counts": sorted(RegistryCount.objects.values_list("unit_path", "kind", "count")),
        "audit": AuditEvent.objects.count(),
    }


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- what moves ---------------------------------------------------------------------------------


def test_every_row_of_the_hamlet_moves_to_the_new_path_and_commune(
    tree: Tree, people: People, hamlet: Hamlet
) -> None:
    # given
    old_path = tree.hamlet.path

    # when
    moved = unit_reparent(
        actor=people.province_official, unit=tree.hamlet, parent=tree.other_commune
    )

    # then
    assert moved.path.startswith(tree.other_commune.path)
    for label, _ in MOVED_WITH_HAMLET:
        left = apps.get_model(label)._default_manager.filter(unit_path__startswith=old_path)
        assert not left.exists(), label
    for row in _placed_rows(hamlet):
        assert row.unit_path.startswith(moved.path), row
        assert row.commune_id == tree.other_commune.pk, row
    for household in hamlet.households:
        assert household.hamlet_id == tree.hamlet.pk
    hamlet.statistic.refresh_from_db()
    assert hamlet.statistic.unit_path == moved.path
    # Nothing of the commune's other hamlet goes along.
    for row in (hamlet.neighbour, hamlet.neighbour_assessment):
        row.refresh_from_db()
        assert row.unit_path == tree.other_hamlet.path
        assert row.commune_id == tree.commune.pk


def test_the_move_is_audited_with_the_rows_moved(
    tree: Tree, people: People, hamlet: Hamlet
) -> None:
    unit_reparent(actor=people.province_official, unit=tree.hamlet, parent=tree.other_commune)

    event = AuditEvent.objects.get(action="unit.reparent")
    assert event.data["moved"] == {
        "household": 2,
        "person": 5,
        "clan": 0,
        "organisation": 0,
        "learningcentre": 0,
        "importjob": 0,
        "declaredstatistic": 1,
        "assessment": 3,
        "certificate": 1,
        "target": 0,
        "report": 0,
        "interest": 0,
    }


def test_roll_ups_count_the_hamlet_under_its_new_commune(
    tree: Tree, people: People, hamlet: Hamlet
) -> None:
    # given
    hamlet_before = rollups.unit_counts(tree.hamlet, YEAR).counts
    old_commune_before = rollups.unit_counts(tree.commune, YEAR).total(Title.LEARNING_CITIZEN)
    province_before = rollups.unit_counts(tree.province, YEAR).counts
    assert old_commune_before == 1

    # when
    moved = unit_reparent(
        actor=people.province_official, unit=tree.hamlet, parent=tree.other_commune
    )

    # then
    assert rollups.differences() == {}
    assert rollups.unit_counts(moved, YEAR).counts == hamlet_before
    assert rollups.unit_counts(tree.commune, YEAR).total(Title.LEARNING_CITIZEN) == 0
    assert rollups.unit_counts(tree.commune, YEAR).total(Title.LEARNING_FAMILY) == 1  # Bản Cọ
    new_commune = rollups.unit_counts(tree.other_commune, YEAR)
    assert new_commune.total(Title.LEARNING_CITIZEN, [State.RECOGNISED]) == 1
    assert new_commune.total(Title.LEARNING_COMMUNITY_HAMLET, [State.SUBMITTED]) == 1
    assert rollups.unit_counts(tree.province, YEAR).counts == province_before
    # The drill-down of each commune lists the hamlet once, under the new one.
    assert tree.hamlet.pk not in _children_counted(tree.commune)
    assert tree.hamlet.pk in _children_counted(tree.other_commune)


def test_registry_counts_follow_the_hamlet(tree: Tree, people: People, hamlet: Hamlet) -> None:
    # given
    def households(*units: AdminUnit) -> list[int]:
        counts = registry_counts.counts_at([unit.path for unit in units])
        return [counts[unit.path].get(StatisticKind.HOUSEHOLDS, 0) for unit in units]

    def hamlets(commune: AdminUnit) -> int:
        return registry_counts.counts_at([commune.path])[commune.path].get(StatisticKind.HAMLETS, 0)

    assert households(tree.hamlet, tree.commune, tree.other_commune, tree.province) == [
        2,
        3,
        0,
        3,
    ]
    assert (hamlets(tree.commune), hamlets(tree.other_commune)) == (2, 1)

    # when
    moved = unit_reparent(
        actor=people.province_official, unit=tree.hamlet, parent=tree.other_commune
    )

    # then
    assert registry_counts.differences() == {}
    assert households(moved, tree.commune, tree.other_commune, tree.province) == [2, 1, 2, 3]
    assert (hamlets(tree.commune), hamlets(tree.other_commune)) == (1, 2)


def _children_counted(commune: AdminUnit) -> set[int]:
    return {
        child.unit.pk
        for child in rollups.children_counts(commune, YEAR)
        if child.unit is not None and child.counts
    }


def test_moving_back_again_leaves_the_counts_as_they_were(
    tree: Tree, people: People, hamlet: Hamlet
) -> None:
    before = (rollups.counts_kept(), registry_counts.counts_kept())

    unit_reparent(actor=people.province_official, unit=tree.hamlet, parent=tree.other_commune)
    unit_reparent(actor=people.province_official, unit=tree.hamlet, parent=tree.commune)

    assert rollups.differences() == {}
    assert registry_counts.differences() == {}
    assert (rollups.counts_kept(), registry_counts.counts_kept()) == before


def test_the_new_commune_sees_the_hamlet_and_the_old_one_no_longer_does(
    tree: Tree, people: People, hamlet: Hamlet
) -> None:
    # given
    household = hamlet.households[0]
    pages = [
        reverse("registry:household_detail", args=[household.pk]),
        reverse("registry:person_detail", args=[hamlet.people[0].pk]),
        reverse("assessments:detail", args=[hamlet.family.pk]),
        reverse("recognition:certificate_detail", args=[hamlet.certificate.serial]),
    ]
    old, new = _signed_in(people.commune_official), _signed_in(people.other_commune_official)
    assert [old.get(page).status_code for page in pages] == [200] * len(pages)
    assert [new.get(page).status_code for page in pages] == [404] * len(pages)

    # when
    unit_reparent(actor=people.province_official, unit=tree.hamlet, parent=tree.other_commune)

    # then
    assert [new.get(page).status_code for page in pages] == [200] * len(pages)
    assert [old.get(page).status_code for page in pages] == [404] * len(pages)
    # The province above still sees everything, and lists follow the same scope.
    province = _signed_in(people.province_official)
    assert [province.get(page).status_code for page in pages] == [200] * len(pages)
    assert not Household.objects.visible_to(people.commune_official).filter(pk=household.pk)
    assert Household.objects.visible_to(people.other_commune_official).filter(pk=household.pk)
    assert not Assessment.objects.visible_to(people.commune_official).filter(pk=hamlet.community.pk)
    # The old commune keeps its own other hamlet.
    assert Household.objects.visible_to(people.commune_official).filter(pk=hamlet.neighbour.pk)


def test_the_certificate_keeps_what_was_printed_and_still_verifies(
    tree: Tree, people: People, hamlet: Hamlet, settings: Any
) -> None:
    # given
    cache.clear()
    settings.HOCTAP_VERIFY_RATE_PER_MINUTE = 1000
    certificate = hamlet.certificate
    printed = (certificate.holder_place, certificate.hamlet_name, certificate.signature)
    qr = urlsplit(verification.verify_url(certificate))
    decision = (certificate.decision.authority_id, certificate.decision.unit_path)

    # when
    unit_reparent(actor=people.province_official, unit=tree.hamlet, parent=tree.other_commune)

    # then
    certificate.refresh_from_db()
    assert printed == (certificate.holder_place, certificate.hamlet_name, certificate.signature)
    assert certificate.holder_place == "Bản Hày, Xã Mường Giôn, Tỉnh Sơn La"
    assert certificate.authority_id == tree.commune.pk
    issued = Decision.objects.get(pk=certificate.decision_id)
    assert (issued.authority_id, issued.unit_path) == decision
    token = qr.query.removeprefix("c=")
    assert verification.verify(certificate.serial, token).status == verification.VALID
    response = Client().get(f"{qr.path}?{qr.query}")
    assert response.status_code == 200
    assert 'data-status="valid"' in response.content.decode()


def test_moving_many_people_costs_the_same_queries_as_moving_a_few(
    tree: Tree, people: People
) -> None:
    """Set-based: the statements do not grow with the hamlet's rows."""

    def queries_to_move(hamlet: AdminUnit, households: int) -> int:
        for n in range(households):
            household = HouseholdFactory.create(hamlet=hamlet, commune=hamlet.parent)
            PersonFactory.create(household=household, relation="head")
            AssessmentFactory.create(
                household=household, state=[State.REGISTERED, State.RECOGNISED][n % 2]
            )
        rollups.rebuild()
        registry_counts.rebuild()
        forget_scope(people.province_official)  # the role query runs in both moves
        with CaptureQueriesContext(connection) as queries:
            unit_reparent(actor=people.province_official, unit=hamlet, parent=tree.other_commune)
        assert rollups.differences() == {}
        assert registry_counts.differences() == {}
        return len(queries.captured_queries)

    few = queries_to_move(tree.hamlet, 2)
    many = queries_to_move(tree.other_hamlet, 40)

    assert many == few


def test_moving_within_the_commune_changes_nothing(
    tree: Tree, people: People, hamlet: Hamlet
) -> None:
    before = _snapshot()

    unit_reparent(actor=people.commune_official, unit=tree.hamlet, parent=tree.commune)

    assert _snapshot() == before


# -- another province ---------------------------------------------------------------------------


def test_moving_to_another_province_with_assessments_under_appraisal_is_refused(
    tree: Tree, people: People, hamlet: Hamlet
) -> None:
    before = _snapshot()

    with pytest.raises(BusinessError) as refused:
        unit_reparent(actor=people.admin, unit=tree.hamlet, parent=tree.far_commune)

    assert refused.value.code == "assessments_under_appraisal"
    # The submitted learning-community candidacy; the registered and recognised ones do not count.
    assert "1" in " ".join(refused.value.messages)
    assert _snapshot() == before


def test_once_decided_or_returned_the_hamlet_moves_to_another_province(
    tree: Tree, people: People, hamlet: Hamlet
) -> None:
    # given: the submitted candidacy went back to the hamlet; all were judged by an old set
    Assessment.objects.filter(pk=hamlet.community.pk).update(state=State.RETURNED)
    Assessment.objects.update(criteria_version="cu")
    rollups.rebuild()

    # when
    moved = unit_reparent(actor=people.admin, unit=tree.hamlet, parent=tree.far_commune)

    # then
    assert moved.path.startswith(tree.other_province.path)
    for row in _placed_rows(hamlet):
        assert row.unit_path.startswith(moved.path), row
        assert row.commune_id == tree.far_commune.pk, row
    assert rollups.differences() == {}
    assert registry_counts.differences() == {}
    assert rollups.unit_counts(tree.province, YEAR).total(Title.LEARNING_CITIZEN) == 0
    assert rollups.unit_counts(tree.other_province, YEAR).total(Title.LEARNING_CITIZEN) == 1
    # Open candidacies now follow the criteria set in force in their new province.
    for open_one in (hamlet.family, hamlet.community):
        open_one.refresh_from_db()
        assert open_one.criteria_version == criteria_set_of(open_one).version != "cu"
    # The recognised one keeps the set it was judged by.
    assert hamlet.certificate.assessment.criteria_version == "cu"
    event = AuditEvent.objects.get(action="unit.reparent")
    assert event.data["moved"]["criteria_version"] == 2


# -- refusals -----------------------------------------------------------------------------------


def test_household_codes_taken_in_the_new_commune_refuse_the_move(
    tree: Tree, people: People, hamlet: Hamlet
) -> None:
    HouseholdFactory.create(
        hamlet=tree.other_commune_hamlet, commune=tree.other_commune, code="BH-002"
    )
    before = _snapshot()

    with pytest.raises(BusinessError) as refused:
        unit_reparent(actor=people.province_official, unit=tree.hamlet, parent=tree.other_commune)

    assert refused.value.code == "household_code_taken"
    assert "BH-002" in " ".join(refused.value.messages)
    assert "BH-001" not in " ".join(refused.value.messages)
    assert _snapshot() == before


def test_a_learning_centre_cannot_join_a_commune_that_has_one(
    tree: Tree, people: People, hamlet: Hamlet
) -> None:
    LearningCentreFactory.create(commune=tree.commune, hamlet=tree.hamlet)
    LearningCentreFactory.create(commune=tree.other_commune)
    before = _snapshot()

    with pytest.raises(BusinessError) as refused:
        unit_reparent(actor=people.province_official, unit=tree.hamlet, parent=tree.other_commune)

    assert refused.value.code == "learning_centre_taken"
    assert _snapshot() == before


def test_a_retired_hamlet_or_commune_is_refused(tree: Tree, people: People, hamlet: Hamlet) -> None:
    old_commune = units.commune(tree.province, "Xã Chiềng An", key="old-03700")
    AdminUnit.objects.filter(pk=old_commune.pk).update(valid_from=None, valid_to=LAST_LEGACY_DAY)
    old_commune.refresh_from_db()
    before = _snapshot()

    with pytest.raises(BusinessError) as to_retired:
        unit_reparent(actor=people.admin, unit=tree.hamlet, parent=old_commune)
    assert to_retired.value.code == "parent_retired"
    assert _snapshot() == before

    hamlet_retire(actor=people.commune_official, hamlet=tree.other_hamlet)
    before = _snapshot()
    with pytest.raises(ConflictError) as retired:
        unit_reparent(actor=people.admin, unit=tree.other_hamlet, parent=tree.other_commune)
    assert retired.value.code == "retired"
    assert _snapshot() == before


# -- nothing forgotten --------------------------------------------------------------------------


def test_every_model_placed_by_a_unit_path_either_moves_or_stays_on_purpose() -> None:
    placed = {
        model._meta.label
        for model in apps.get_models()
        if any(field.name == "unit_path" for field in model._meta.concrete_fields)
    }
    moved = {label for label, _ in MOVED_WITH_HAMLET}

    assert not moved & set(KEPT_WHEN_HAMLET_MOVES)
    assert placed == moved | set(KEPT_WHEN_HAMLET_MOVES)
    for label, has_commune in MOVED_WITH_HAMLET:
        fields = {field.name for field in apps.get_model(label)._meta.concrete_fields}
        assert ("commune" in fields) == has_commune, label


# -- at the same time as the workflow -----------------------------------------------------------


def _race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at the same moment, one thread and connection each: "won" or the error."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(position: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=20)
            call()
            outcomes[position] = "won"
        except Exception as error:
            outcomes[position] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a call hung"
    return outcomes


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has one writer at a time, so nothing runs in parallel",
)
@pytest.mark.django_db(transaction=True)
def test_steps_taken_while_the_hamlet_moves_count_where_it_ends_up(
    tree: Tree, people: People
) -> None:
    # given reviewed families in the moving hamlet and in the commune it moves to
    actor = UserFactory.create(username="sieu", is_superuser=True, is_staff=True)
    rows = [
        make_assessment(
            household=HouseholdFactory.create(hamlet=hamlet, commune=hamlet.parent),
            state=State.REVIEWED,
            passed=True,
        )
        for hamlet in [tree.hamlet] * 4 + [tree.other_commune_hamlet] * 2
    ]
    rollups.rebuild()
    registry_counts.rebuild()

    def appraise(row: Assessment) -> Callable[[], Any]:
        return lambda: assessment_services.transition(
            actor=User.objects.get(pk=actor.pk),
            assessment=Assessment(pk=row.pk),
            action="appraise",
            version=row.version,
        )

    def move() -> Any:
        return unit_reparent(
            actor=User.objects.get(pk=people.province_official.pk),
            unit=AdminUnit(pk=tree.hamlet.pk),
            parent=AdminUnit.objects.get(pk=tree.other_commune.pk),
        )

    # when the province moves the hamlet while officials appraise
    outcomes = _race([move, *(appraise(row) for row in rows)])

    # then nobody deadlocked, every step landed and every count is where its row is
    assert outcomes == ["won"] * len(outcomes), outcomes
    moved = AdminUnit.objects.get(pk=tree.hamlet.pk)
    assert moved.parent_id == tree.other_commune.pk
    assert set(Assessment.objects.values_list("state", flat=True)) == {State.APPRAISED}
    assert all(
        path.startswith(tree.other_commune.path)
        for path in Assessment.objects.values_list("unit_path", flat=True)
    )
    assert rollups.differences() == {}
    assert registry_counts.differences() == {}
    assert rollups.unit_counts(tree.other_commune, YEAR).total(
        Title.LEARNING_FAMILY, [State.APPRAISED]
    ) == len(rows)


def test_the_issuing_commune_can_still_revoke_after_the_hamlet_moved(
    tree: Tree, people: People, hamlet: Hamlet
) -> None:
    # given the hamlet moved: the old commune no longer sees the certificate it issued
    unit_reparent(actor=people.province_official, unit=tree.hamlet, parent=tree.other_commune)
    certificate = hamlet.certificate
    assert (
        not Certificate.objects.visible_to(people.commune_official)
        .filter(pk=certificate.pk)
        .exists()
    )

    # when the new commune tries, it is not the issuer; the issuing commune then revokes
    with pytest.raises(recognition.RecognitionRefused):
        recognition.certificates_revoke(
            actor=people.other_commune_official,
            authority=tree.other_commune,
            certificate_ids=[certificate.pk],
            draft=draft(31, reason="Khai sai"),
        )
    recognition.certificates_revoke(
        actor=people.commune_official,
        authority=tree.commune,
        certificate_ids=[certificate.pk],
        draft=draft(32, reason="Khai sai"),
    )

    # then
    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert rollups.differences() == {}
