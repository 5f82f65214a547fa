"""The roll-up table on hand-built cases: every service that moves an assessment moves its count
in the hamlet, the commune, the province and the country, and nothing else."""

from __future__ import annotations

import datetime
import importlib
import io
import logging
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoctap.accounts.models import User
from hoctap.accounts.tests.factories import UserFactory
from hoctap.adminunits.models import Kind, Level
from hoctap.adminunits.tests import factories as units
from hoctap.assessments import services
from hoctap.assessments.models import Assessment, State, Title
from hoctap.assessments.tests.factories import YEAR, answers_for, make_assessment
from hoctap.conftest import People, Tree
from hoctap.recognition import services as recognition
from hoctap.recognition.tests.factories import draft
from hoctap.registry.models import TargetGroup
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory
from hoctap.targets import registry_counts, rollups
from hoctap.targets.models import TitleCount
from hoctap.targets.tests.factories import (
    COMMUNITY,
    FAMILY,
    counts_at,
    passing_family,
    registered_family,
    step,
    submitted,
)

pytestmark = pytest.mark.django_db

REGISTERED = (FAMILY, State.REGISTERED, "")


@pytest.fixture
def superuser(db: Any) -> User:
    """Acts everywhere: for cases spread over several hamlets and communes."""
    user: User = UserFactory.create(username="sieu", is_superuser=True, is_staff=True)
    return user


def _rollup_statements(captured: CaptureQueriesContext) -> list[str]:
    table = TitleCount._meta.db_table
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("INSERT") and table in query["sql"]
    ]


def _in_step() -> None:
    """The kept table equals a count from scratch (the property every test ends on)."""
    assert rollups.counts_kept() == rollups.counts_expected()


# -- registration ---------------------------------------------------------------------------


def test_a_registration_counts_in_its_hamlet_commune_province_and_the_country(
    tree: Tree, people: People
) -> None:
    # when a collector registers a family of Bản Hày
    registered_family(people.collector, tree.hamlet)

    # then one row at each level counts it, placed under its parent for the drill-down
    rows = set(
        TitleCount.objects.values_list(
            "unit_id", "unit_path", "parent_path", "unit_level", "state", "level", "count"
        )
    )
    assert rows == {
        (None, "", "", 0, State.REGISTERED, "", 1),
        (tree.province.pk, tree.province.path, "", Level.PROVINCE, State.REGISTERED, "", 1),
        (
            tree.commune.pk,
            tree.commune.path,
            tree.province.path,
            Level.COMMUNE,
            State.REGISTERED,
            "",
            1,
        ),
        (
            tree.hamlet.pk,
            tree.hamlet.path,
            tree.commune.path,
            Level.HAMLET,
            State.REGISTERED,
            "",
            1,
        ),
    }
    assert set(TitleCount.objects.values_list("title", "year")) == {(FAMILY, YEAR)}


def test_a_commune_title_counts_in_the_commune_province_and_country_only(
    tree: Tree, people: People
) -> None:
    services.assessment_register(
        actor=people.commune_official, title=COMMUNITY, year=YEAR, subject=tree.commune
    )
    assert set(TitleCount.objects.values_list("unit_path", "count")) == {
        ("", 1),
        (tree.province.path, 1),
        (tree.commune.path, 1),
    }


def test_a_refused_registration_counts_nothing(tree: Tree, people: People) -> None:
    family = registered_family(people.collector, tree.hamlet)
    with pytest.raises(services.BusinessError):
        services.assessment_register(
            actor=people.collector, title=FAMILY, year=YEAR, subject=family.subject
        )
    assert counts_at(tree.hamlet) == {REGISTERED: 1}
    _in_step()


def test_bulk_registration_counts_every_household_in_one_statement(
    tree: Tree, people: People
) -> None:
    for _ in range(5):
        HouseholdFactory.create(hamlet=tree.hamlet, commune=tree.commune)
    with CaptureQueriesContext(connection) as captured:
        added = services.assessment_bulk_register(
            actor=people.collector, title=FAMILY, year=YEAR, hamlet=tree.hamlet
        )
    assert added == 5
    assert len(_rollup_statements(captured)) == 1
    for unit in (tree.hamlet, tree.commune, tree.province, None):
        assert counts_at(unit) == {REGISTERED: 5}
    assert counts_at(tree.other_hamlet) == {}
    _in_step()


# -- the workflow ---------------------------------------------------------------------------


def test_each_step_moves_the_count_from_the_old_state_to_the_new(
    tree: Tree, people: People
) -> None:
    family = passing_family(people.collector, people.commune_official, tree.hamlet)
    assert counts_at(tree.hamlet)[REGISTERED] == 1

    family = submitted(people.collector, family)
    level = family.level
    assert family.passed
    expected = {(FAMILY, State.SUBMITTED, level): 1}
    assert {k: v for k, v in counts_at(tree.hamlet).items() if k[0] == FAMILY} == expected

    for actor, action, state in (
        (people.collector, "review", State.REVIEWED),
        (people.commune_official, "appraise", State.APPRAISED),
        (people.commune_official, "propose", State.PROPOSED),
    ):
        family = step(actor, family, action)
        for unit in (tree.hamlet, tree.commune, tree.province, None):
            family_counts = {k: v for k, v in counts_at(unit).items() if k[0] == FAMILY}
            assert family_counts == {(FAMILY, state, level): 1}, (action, unit)
    _in_step()

    # a decision recognises it, a later decision revokes it
    decision = recognition.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=FAMILY,
        year=YEAR,
        assessment_ids=[family.pk],
        draft=draft(15),
    )
    assert counts_at(tree.hamlet)[(FAMILY, State.RECOGNISED, level)] == 1
    assert (FAMILY, State.PROPOSED, level) not in counts_at(tree.hamlet)
    recognition.certificates_revoke(
        actor=people.commune_official,
        authority=tree.commune,
        certificate_ids=list(decision.certificates.values_list("pk", flat=True)),
        draft=draft(16, reason="Hồ sơ khai không đúng sự thật."),
    )
    for unit in (tree.hamlet, tree.commune, tree.province, None):
        family_counts = {k: v for k, v in counts_at(unit).items() if k[0] == FAMILY}
        assert family_counts == {(FAMILY, State.REVOKED, level): 1}
    # the other commune and province never saw any of it
    assert counts_at(tree.other_commune) == {}
    assert counts_at(tree.other_province) == {}
    _in_step()


def test_returned_and_rejected_assessments_are_counted_where_they_stand(
    tree: Tree, people: People
) -> None:
    collector = people.collector
    returned = submitted(collector, registered_family(collector, tree.hamlet))
    returned = step(collector, returned, "review")
    rejected = submitted(collector, registered_family(collector, tree.hamlet))
    level = returned.level
    step(people.commune_official, returned, "return", reason="Thiếu ảnh minh chứng.")
    step(people.commune_official, rejected, "reject", reason="Chuyển đi nơi khác.")
    assert counts_at(tree.commune) == {
        (FAMILY, State.RETURNED, level): 1,
        (FAMILY, State.REJECTED, rejected.level): 1,
    }

    # resubmitted, it leaves "returned" (with the level it had) for "submitted"
    returned.refresh_from_db()
    again = submitted(people.collector, returned, weak=True)
    assert counts_at(tree.commune) == {
        (FAMILY, State.SUBMITTED, again.level): 1,
        (FAMILY, State.REJECTED, rejected.level): 1,
    }
    _in_step()


def test_submission_counts_the_level_reached(tree: Tree, people: People) -> None:
    assessment = services.assessment_register(
        actor=people.commune_official, title=COMMUNITY, year=YEAR, subject=tree.commune
    )
    assessment = submitted(people.commune_official, assessment)
    assert assessment.level == "2"
    assert counts_at(tree.province) == {(COMMUNITY, State.SUBMITTED, "2"): 1}
    assert counts_at(None) == {(COMMUNITY, State.SUBMITTED, "2"): 1}
    _in_step()


def test_a_refused_step_counts_nothing(tree: Tree, people: People) -> None:
    family = registered_family(people.collector, tree.hamlet)
    with pytest.raises(services.BusinessError):
        services.transition(
            actor=people.collector, assessment=family, action="submit", version=family.version
        )  # nothing scored yet
    with pytest.raises(services.BusinessError):
        step(people.commune_official, family, "appraise")  # not reviewed
    assert counts_at(tree.hamlet) == {REGISTERED: 1}
    _in_step()


def test_a_bulk_step_moves_every_count_in_one_statement(tree: Tree, superuser: User) -> None:
    chosen = [
        step(superuser, submitted(superuser, registered_family(superuser, hamlet)), "review")
        for hamlet in (tree.hamlet, tree.hamlet, tree.other_hamlet)
    ]
    level = chosen[0].level
    with CaptureQueriesContext(connection) as captured:
        services.bulk_transition(actor=superuser, assessments=chosen, action="appraise")
    assert len(_rollup_statements(captured)) == 1
    assert counts_at(tree.hamlet) == {(FAMILY, State.APPRAISED, level): 2}
    assert counts_at(tree.other_hamlet) == {(FAMILY, State.APPRAISED, level): 1}
    assert counts_at(tree.commune) == {(FAMILY, State.APPRAISED, level): 3}
    _in_step()


def test_a_bulk_submission_applies_its_counts_once_at_the_end(tree: Tree, people: People) -> None:
    chosen = [registered_family(people.collector, tree.hamlet) for _ in range(3)]
    chosen = [
        services.scores_save(
            actor=people.collector,
            assessment=family,
            version=family.version,
            answers=answers_for(family.criteria_code),
        )
        for family in chosen
    ]
    with CaptureQueriesContext(connection) as captured:
        services.bulk_transition(actor=people.collector, assessments=chosen, action="submit")
    # each submission is scored and saved on its own, the counts move in one statement
    assert len(_rollup_statements(captured)) == 1
    moved = Assessment.objects.get(pk=chosen[0].pk)
    assert counts_at(tree.hamlet) == {(FAMILY, State.SUBMITTED, moved.level): 3}
    _in_step()


def test_a_refused_bulk_submission_counts_nothing(tree: Tree, people: People) -> None:
    ready = registered_family(people.collector, tree.hamlet)
    ready = services.scores_save(
        actor=people.collector,
        assessment=ready,
        version=ready.version,
        answers=answers_for(ready.criteria_code),
    )
    unscored = registered_family(people.collector, tree.hamlet)
    with pytest.raises(services.BulkTransitionRefused):
        services.bulk_transition(
            actor=people.collector, assessments=[ready, unscored], action="submit"
        )
    assert counts_at(tree.hamlet) == {REGISTERED: 2}
    # and the next operation in the same thread is not deferred any more
    step(people.collector, submitted(people.collector, unscored), "review")
    _in_step()


# -- units of before the reform, stray paths, zero rows -------------------------------------


def test_a_pre_2025_commune_counts_in_its_district_and_old_province(db: Any) -> None:
    old_province = units.AdminUnitFactory.create(
        name="Tỉnh Hà Tây",
        level=Level.PROVINCE,
        kind=Kind.PROVINCE,
        valid_from=None,
        valid_to=datetime.date(2008, 7, 31),
    )
    district = units.AdminUnitFactory.create(
        name="Huyện Ba Vì",
        level=Level.DISTRICT,
        kind=Kind.RURAL_DISTRICT,
        parent=old_province,
        valid_from=None,
        valid_to=datetime.date(2025, 6, 30),
    )
    old_commune = units.AdminUnitFactory.create(
        name="Xã Ba Trại", parent=district, valid_from=None, valid_to=datetime.date(2025, 6, 30)
    )
    hamlet = units.hamlet(old_commune, "Thôn 1")  # fmt: skip
    rollups.apply_deltas({(hamlet.path, FAMILY, 2022, State.RECOGNISED, "", ""): 2})
    rows = dict(TitleCount.objects.values_list("unit_path", "unit_level"))
    assert rows == {
        "": 0,
        old_province.path: Level.PROVINCE,
        district.path: Level.DISTRICT,
        old_commune.path: Level.COMMUNE,
        hamlet.path: Level.HAMLET,
    }
    assert set(TitleCount.objects.values_list("count", flat=True)) == {2}
    children = rollups.children_counts(old_province, 2022)
    assert [(c.unit, c.total(FAMILY)) for c in children] == [(district, 2)]


def test_a_path_no_unit_has_is_left_out_and_logged(
    tree: Tree, caplog: pytest.LogCaptureFixture
) -> None:
    stray = tree.commune.path + "9" * 10
    with caplog.at_level(logging.WARNING, logger="hoctap.targets.rollups"):
        rollups.apply_deltas({(stray, FAMILY, YEAR, State.REGISTERED, "", ""): 1})
    assert set(TitleCount.objects.values_list("unit_path", flat=True)) == {
        "",
        tree.province.path,
        tree.commune.path,
    }
    assert stray in caplog.text


def test_a_count_back_to_zero_keeps_its_row_but_is_not_read(tree: Tree, people: People) -> None:
    submitted(people.collector, registered_family(people.collector, tree.hamlet))
    assert TitleCount.objects.filter(state=State.REGISTERED, count=0).count() == 4
    assert REGISTERED not in counts_at(tree.hamlet)
    assert all(REGISTERED not in c.counts for c in rollups.children_counts(tree.commune, YEAR))
    _in_step()


def test_deltas_that_cancel_out_write_nothing(tree: Tree) -> None:
    key = (tree.hamlet.path, FAMILY, YEAR, State.REGISTERED, "", "")
    with CaptureQueriesContext(connection) as captured:
        rollups.assessments_changed([(None, key), (key, None)])
        rollups.assessment_changed(key, key)
    assert captured.captured_queries == []


# -- rebuilding -----------------------------------------------------------------------------


def test_rebuild_repairs_rows_written_around_the_services(tree: Tree, people: People) -> None:
    # given a registration through the services and two rows put in by hand (as factories do)
    registered_family(people.collector, tree.hamlet)
    make_assessment(household=HouseholdFactory(hamlet=tree.hamlet), state=State.PROPOSED)
    make_assessment(household=HouseholdFactory(hamlet=tree.far_hamlet), year=YEAR - 1)
    assert rollups.differences()

    # when the table is rebuilt
    written = rollups.rebuild()

    # then it counts all three, and the increments go on from there
    assert written == TitleCount.objects.count() == 4 + 4 + 4
    assert rollups.differences() == {}
    assert counts_at(tree.hamlet) == {REGISTERED: 1, (FAMILY, State.PROPOSED, ""): 1}
    assert counts_at(None, YEAR - 1) == {REGISTERED: 1}
    registered_family(people.collector, tree.hamlet)
    assert counts_at(tree.commune)[REGISTERED] == 2
    _in_step()


def test_the_command_checks_and_rebuilds(tree: Tree, people: People) -> None:
    registered_family(people.collector, tree.hamlet)
    registry_counts.rebuild()  # the factory's household was written around the services
    call_command("rebuild_rollups", "--check", stdout=io.StringIO())

    make_assessment(household=HouseholdFactory(hamlet=tree.hamlet))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="4 dòng"):
        call_command("rebuild_rollups", "--check", stdout=io.StringIO(), stderr=errors)
    line = f"{tree.hamlet.path} {FAMILY} {YEAR} registered -: bảng 1, đúng ra 2"
    assert line in errors.getvalue()

    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "4 dòng" in out.getvalue()
    call_command("rebuild_rollups", "--check", stdout=io.StringIO())


def test_the_migration_counts_the_assessments_that_existed_before(
    tree: Tree, people: People
) -> None:
    registered_family(people.collector, tree.hamlet)
    make_assessment(household=HouseholdFactory(hamlet=tree.far_hamlet), state=State.REVIEWED)
    expected = rollups.counts_expected()
    TitleCount.objects.all().delete()
    migration = importlib.import_module("hoctap.targets.migrations.0002_fill_from_assessments")
    migration.fill(global_apps, None)
    assert rollups.counts_kept() == expected
    assert rollups.rebuild() == TitleCount.objects.count()  # the same rows, unit ids and all


def test_the_variant_migration_recounts_learning_citizens_by_target_group(
    tree: Tree, people: People
) -> None:
    # given learning citizens of two target groups and a family, and rows counted without
    # the target group (as the table held them before the variant joined the key)
    for group in (TargetGroup.WORKER, TargetGroup.WORKER, TargetGroup.OFFICIAL):
        services.assessment_register(
            actor=people.collector,
            title=Title.LEARNING_CITIZEN,
            year=YEAR,
            subject=PersonFactory.create(hamlet=tree.hamlet, target_group=group),
        )
    registered_family(people.collector, tree.hamlet)
    expected = rollups.counts_expected()
    TitleCount.objects.all().delete()
    before = importlib.import_module("hoctap.targets.migrations.0002_fill_from_assessments")
    before.fill(global_apps, None)
    assert set(TitleCount.objects.values_list("variant", flat=True)) == {""}

    # when the migration's step runs
    migration = importlib.import_module("hoctap.targets.migrations.0003_titlecount_variant")
    migration.refill(global_apps, None)

    # then each group has its own rows again
    assert rollups.counts_kept() == expected
    commune = rollups.unit_counts(tree.commune, YEAR)
    assert commune.total(Title.LEARNING_CITIZEN, variants=[TargetGroup.WORKER]) == 2
    assert commune.total(Title.LEARNING_CITIZEN, variants=[TargetGroup.OFFICIAL]) == 1
    assert commune.counts[(Title.LEARNING_CITIZEN, State.REGISTERED, "")] == 3


def test_a_key_without_the_target_group_is_refused(tree: Tree) -> None:
    with pytest.raises(ValueError, match="variant"):
        rollups.apply_deltas({(tree.hamlet.path, FAMILY, YEAR, State.REGISTERED, ""): 1})  # type: ignore[dict-item]
    assert not TitleCount.objects.exists()


# -- reading --------------------------------------------------------------------------------


def test_children_counts_drill_from_the_country_to_the_hamlets(tree: Tree, superuser: User) -> None:
    for hamlet in (tree.hamlet, tree.hamlet, tree.other_hamlet, tree.far_hamlet):
        registered_family(superuser, hamlet)

    def totals(parent: Any) -> dict[str, int]:
        return {str(c.unit): c.total(FAMILY) for c in rollups.children_counts(parent, YEAR)}

    assert totals(None) == {"Tỉnh Sơn La": 3, "Tỉnh Thanh Hóa": 1}
    # a commune without any assessment is listed with nothing counted
    assert totals(tree.province) == {"Xã Mường Giôn": 3, "Phường Tô Hiệu": 0}
    assert totals(tree.commune) == {"Bản Hày": 2, "Bản Cọ": 1}
    assert rollups.children_counts(tree.hamlet, YEAR) == []
    # another year has no counts, and says so by an empty mapping, not by zero rows
    assert all(not c.counts for c in rollups.children_counts(None, YEAR - 1))
    assert rollups.unit_counts(tree.province, YEAR).total(FAMILY, [State.REGISTERED]) == 3
    assert rollups.unit_counts(None, YEAR).total(FAMILY, [State.SUBMITTED]) == 0


def test_children_counts_list_a_unit_that_ended_only_in_its_years(tree: Tree) -> None:
    old = units.AdminUnitFactory.create(
        name="Xã Cũ", parent=tree.province, valid_from=None, valid_to=datetime.date(2025, 6, 30)
    )
    rollups.apply_deltas({(old.path, FAMILY, 2023, State.RECOGNISED, "", ""): 4})
    assert old in [c.unit for c in rollups.children_counts(tree.province, 2023)]
    assert old in [c.unit for c in rollups.children_counts(tree.province, 2025)]
    assert old not in [c.unit for c in rollups.children_counts(tree.province, YEAR)]


def test_children_counts_read_the_same_queries_whatever_the_number_of_assessments(
    tree: Tree, superuser: User, django_assert_num_queries: Any
) -> None:
    registered_family(superuser, tree.hamlet)
    with CaptureQueriesContext(connection) as few:
        rollups.children_counts(tree.province, YEAR)
    for hamlet in (tree.hamlet, tree.other_hamlet, tree.other_commune_hamlet) * 8:
        registered_family(superuser, hamlet)
    with django_assert_num_queries(len(few.captured_queries)):
        children = rollups.children_counts(tree.province, YEAR)
    assert len(few.captured_queries) == 2
    assert {str(c.unit): c.total(FAMILY) for c in children} == {
        "Xã Mường Giôn": 17,
        "Phường Tô Hiệu": 8,
    }


def test_the_rebuild_in_sql_writes_the_rows_the_increments_would(
    tree: Tree, people: People
) -> None:
    # given assessments at hamlets, at a commune and in another year, counted by hand
    registered_family(people.collector, tree.hamlet)
    make_assessment(household=HouseholdFactory(hamlet=tree.far_hamlet), state=State.REVIEWED)
    make_assessment(household=HouseholdFactory(hamlet=tree.hamlet), year=YEAR - 1)

    # when the table is rebuilt in the database
    rollups.rebuild()

    # then every column matches the rows the Python path works out (unit, parent, level)
    fields = ("unit_id", "unit_path", "parent_path", "unit_level", "title", "year", "state")
    expected = sorted(
        rollups._rows(rollups.counts_expected(), rollups._units_by_path(None)), key=repr
    )
    kept = sorted(
        TitleCount.objects.values_list(*fields, "level", "variant", "count").order_by(), key=repr
    )
    assert kept == expected
    assert {row[0] for row in kept} >= {None, tree.hamlet.pk, tree.commune.pk}
    assert TitleCount.objects.get(unit=None, year=YEAR - 1, title=FAMILY).count == 1
