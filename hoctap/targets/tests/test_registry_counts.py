"""The registry counts (the indicators' denominators) kept in step by every registry service:
after each call the table equals one rebuilt from the registry, in the hamlet, the commune,
the province and the country."""

from __future__ import annotations

import importlib
import io
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from hoctap.adminunits import services as hamlets
from hoctap.adminunits.models import Kind
from hoctap.adminunits.tests import factories as units
from hoctap.conftest import People, Tree
from hoctap.registry import services
from hoctap.registry.models import (
    ManagingLevel,
    OrganisationKind,
    Person,
    Sex,
    StatisticKind,
    TargetGroup,
)
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory
from hoctap.registry.tests.sheets import head, people_sheet, relative
from hoctap.targets import registry_counts
from hoctap.targets.models import RegistryCount

pytestmark = pytest.mark.django_db

HOUSEHOLDS = StatisticKind.HOUSEHOLDS
ADULTS = StatisticKind.ADULTS
WORKERS = StatisticKind.WORKERS
OFFICIALS = StatisticKind.OFFICIALS
Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def counted_from_the_start(tree: Tree) -> None:
    """The tree's hamlets were made by factories, around the services: count them first."""
    registry_counts.rebuild()


def counts(unit: Any) -> dict[str, int]:
    """The unit's (the country's when None) counts, without zero rows."""
    path = unit.path if unit is not None else ""
    return {k: n for k, n in registry_counts.counts_at([path])[path].items() if n}


def in_step() -> None:
    assert registry_counts.differences() == {}


def person(actor: Any, household: Any, **fields: Any) -> Person:
    values = {"full_name": "Lò Văn Thử", "sex": Sex.MALE, "birth_year": 1980, **fields}
    return services.person_create(
        actor=actor,
        household=household,
        commune=household.commune,
        hamlet=household.hamlet,
        **values,
    )


def test_households_and_people_count_where_they_live(tree: Tree, people: People) -> None:
    # given a household of Bản Hày with three people: an official, a worker and a child
    official = people.commune_official
    household = services.household_create(
        actor=official, commune=tree.commune, hamlet=tree.hamlet, code="HAY-01"
    )
    person(official, household, target_group=TargetGroup.OFFICIAL)
    person(
        official, household, full_name="Lò Thị Thử", sex=Sex.FEMALE, target_group=TargetGroup.WORKER
    )
    person(
        official,
        household,
        full_name="Lò Văn Bé",
        birth_year=2019,
        is_adult=False,
        target_group=TargetGroup.LEARNER,
    )

    # then each is counted in the hamlet, the commune, the province and the country
    expected = {HOUSEHOLDS: 1, ADULTS: 2, WORKERS: 1, OFFICIALS: 1}
    for unit in (tree.hamlet, tree.commune, tree.province):
        assert {k: counts(unit)[k] for k in expected} == expected
    assert {k: counts(None)[k] for k in expected} == expected
    assert HOUSEHOLDS not in counts(tree.other_hamlet)
    assert HOUSEHOLDS not in counts(tree.other_province)
    in_step()


def test_a_change_of_target_group_and_a_move_are_counted_again(tree: Tree, people: People) -> None:
    official = people.commune_official
    household = services.household_create(
        actor=official, commune=tree.commune, hamlet=tree.hamlet, code="HAY-02"
    )
    worker = person(official, household, target_group=TargetGroup.WORKER)

    # when the person becomes an official of the commune's school
    services.person_update(
        actor=official, person=worker, version=worker.version, target_group=TargetGroup.OFFICIAL
    )
    assert counts(tree.commune).get(WORKERS, 0) == 0
    assert counts(tree.commune)[OFFICIALS] == 1
    in_step()

    # when the household moves to Bản Cọ, its people go with it
    household.refresh_from_db()
    services.household_update(
        actor=official,
        household=household,
        version=household.version,
        hamlet=tree.other_hamlet,
        code=household.code,
        address="",
        phone="",
        head=None,
    )
    assert counts(tree.hamlet).get(HOUSEHOLDS, 0) == 0
    assert counts(tree.hamlet).get(OFFICIALS, 0) == 0
    assert counts(tree.other_hamlet)[HOUSEHOLDS] == 1
    assert counts(tree.other_hamlet)[OFFICIALS] == 1
    assert counts(tree.commune)[HOUSEHOLDS] == 1
    in_step()


def test_organisations_under_the_commune_and_their_moves(tree: Tree, people: People) -> None:
    admin = people.admin
    school = services.organisation_save(
        actor=admin,
        organisation=None,
        commune=tree.commune,
        name="Trường Tiểu học Mường Giôn",
        kind=OrganisationKind.SCHOOL,
        managing_level=ManagingLevel.COMMUNE,
    )
    services.organisation_save(
        actor=admin,
        organisation=None,
        commune=tree.commune,
        name="Trường THPT Quỳnh Nhai",
        kind=OrganisationKind.SCHOOL,
        managing_level=ManagingLevel.PROVINCE,  # not the commune's: not in its denominator
    )
    assert counts(tree.commune)[StatisticKind.ORGANISATIONS] == 1
    assert counts(tree.province)[StatisticKind.ORGANISATIONS] == 1

    # when the school is moved to the ward (a correction), both communes are counted again
    services.organisation_save(
        actor=admin,
        organisation=school,
        commune=tree.other_commune,
        name=school.name,
        kind=school.kind,
        managing_level=ManagingLevel.COMMUNE,
        version=school.version,
    )
    assert counts(tree.commune).get(StatisticKind.ORGANISATIONS, 0) == 0
    assert counts(tree.other_commune)[StatisticKind.ORGANISATIONS] == 1
    assert counts(tree.province)[StatisticKind.ORGANISATIONS] == 1
    in_step()


def test_clans_and_the_learning_centre(tree: Tree, people: People) -> None:
    official = people.commune_official
    clan = services.clan_save(actor=official, clan=None, commune=tree.commune, name="Dòng họ Lò")
    services.clan_save(actor=official, clan=None, commune=tree.commune, name="Dòng họ Cầm")
    services.learning_centre_save(
        actor=official, commune=tree.commune, name="TTHTCĐ Mường Giôn", uses_it=True
    )
    assert {
        k: counts(tree.commune).get(k, 0)
        for k in (
            StatisticKind.CLANS,
            StatisticKind.CENTRES,
            StatisticKind.CENTRES_USING_IT,
            StatisticKind.CENTRES_ASSOCIATION_MANAGED,
        )
    } == {"clans": 2, "centres": 1, "centres_using_it": 1, "centres_association_managed": 0}

    # when the association's chair joins the centre's management
    centre = services.learning_centre_save(
        actor=official,
        commune=tree.commune,
        name="TTHTCĐ Mường Giôn",
        uses_it=True,
        association_leader_manages=True,
        version=1,
    )
    assert centre.association_leader_manages
    assert counts(None)[StatisticKind.CENTRES_ASSOCIATION_MANAGED] == 1
    services.clan_save(
        actor=people.admin,
        clan=clan,
        commune=tree.far_commune,
        name=clan.name,
        version=clan.version,
    )
    assert counts(tree.commune)[StatisticKind.CLANS] == 1
    assert counts(tree.other_province)[StatisticKind.CLANS] == 1
    assert counts(None)[StatisticKind.CLANS] == 2
    in_step()


def test_live_hamlets_count_in_their_commune_and_above(tree: Tree) -> None:
    assert counts(tree.commune)[StatisticKind.HAMLETS] == 2
    assert counts(tree.hamlet)[StatisticKind.HAMLETS] == 1
    assert counts(tree.province)[StatisticKind.HAMLETS] == 3
    assert counts(None)[StatisticKind.HAMLETS] == 4


def test_hamlets_created_retired_or_merged_are_counted_again(tree: Tree, people: People) -> None:
    official = people.commune_official
    third = hamlets.hamlet_create(
        actor=official, commune=tree.commune, name="Bản Mòng", kind=Kind.HIGHLAND_VILLAGE
    )
    fourth = hamlets.hamlet_create(
        actor=official, commune=tree.commune, name="Bản Púng", kind=Kind.HIGHLAND_VILLAGE
    )
    assert counts(tree.commune)[StatisticKind.HAMLETS] == 4
    assert counts(third)[StatisticKind.HAMLETS] == 1
    hamlets.hamlet_retire(actor=official, hamlet=third, reason="Giải thể")
    hamlets.hamlet_merge(actor=official, hamlets=[fourth], into=tree.hamlet)
    assert counts(tree.commune)[StatisticKind.HAMLETS] == 2
    assert counts(tree.province)[StatisticKind.HAMLETS] == 3
    assert counts(fourth).get(StatisticKind.HAMLETS, 0) == 0
    in_step()


def test_an_import_is_counted_when_it_commits(
    tree: Tree,
    people: People,
    settings: Any,
    tmp_path: Any,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    data = people_sheet(
        head("HAY-01"), relative("HAY-01"), head("CO-01", "Bản Cọ", full_name="Cầm Văn Phong")
    )
    with translation.override("vi"):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.import_job_create(
                actor=people.commune_official, commune=tree.commune, filename="a.xlsx", data=data
            )
        job.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            services.import_job_request_commit(
                actor=people.commune_official, job=job, accept_warnings=True
            )
    assert counts(tree.hamlet)[HOUSEHOLDS] == 1
    assert counts(tree.other_hamlet)[HOUSEHOLDS] == 1
    assert counts(tree.commune)[HOUSEHOLDS] == 2
    assert counts(None)[ADULTS] == 3
    in_step()


def test_rows_written_around_the_services_are_repaired_by_the_next_write_there(
    tree: Tree, people: People
) -> None:
    # given households put in by a loader that bypassed the services, in two communes
    for _ in range(3):
        HouseholdFactory.create(hamlet=tree.hamlet)
    HouseholdFactory.create(hamlet=tree.far_hamlet)
    assert set(registry_counts.differences()) == {
        (path, HOUSEHOLDS)
        for path in (
            "",
            tree.province.path,
            tree.commune.path,
            tree.hamlet.path,
            tree.other_province.path,
            tree.far_commune.path,
            tree.far_hamlet.path,
        )
    }

    # when a household is added through the services in the first commune
    services.household_create(
        actor=people.commune_official, commune=tree.commune, hamlet=tree.other_hamlet, code="CO-9"
    )

    # then that commune is counted again in full; the other waits for its own next write
    assert counts(tree.commune)[HOUSEHOLDS] == 4
    assert counts(tree.province)[HOUSEHOLDS] == 4
    assert set(registry_counts.differences()) == {
        ("", HOUSEHOLDS),
        (tree.other_province.path, HOUSEHOLDS),
        (tree.far_commune.path, HOUSEHOLDS),
        (tree.far_hamlet.path, HOUSEHOLDS),
    }
    assert registry_counts.rebuild() == RegistryCount.objects.count()
    in_step()


def test_a_refresh_reads_the_same_queries_whatever_the_number_of_people(
    tree: Tree, people: People
) -> None:
    household = HouseholdFactory.create(hamlet=tree.hamlet)
    with CaptureQueriesContext(connection) as few:
        registry_counts.refresh_communes([tree.commune])
    for _ in range(40):
        PersonFactory.create(household=household, target_group=TargetGroup.WORKER)
    with CaptureQueriesContext(connection) as many:
        registry_counts.refresh_communes([tree.commune])
    # a savepoint, the lock, one count per registry table, the hamlets, the rows kept, the
    # units, one upsert, the release
    assert len(many.captured_queries) == len(few.captured_queries) <= 13
    assert counts(tree.commune)[WORKERS] == 40


def test_a_refresh_is_for_communes_and_known_kinds(tree: Tree) -> None:
    with pytest.raises(ValueError, match="per commune"):
        registry_counts.refresh_communes([tree.province])
    with pytest.raises(ValueError, match="does not count"):
        registry_counts.refresh_communes([tree.commune], kinds=[StatisticKind.ASSOCIATION_STAFF])


def test_a_hamlet_that_changed_path_leaves_no_row_behind(tree: Tree, people: People) -> None:
    # given a household of a hamlet, counted
    services.household_create(
        actor=people.commune_official, commune=tree.commune, hamlet=tree.hamlet, code="H-1"
    )
    old_path = tree.hamlet.path
    # when the hamlet's path changes under it (as a move to another commune does)
    moved = units.AdminUnitFactory.create(name="Xã Mới", parent=tree.province)
    tree.hamlet.parent = moved
    tree.hamlet.path = moved.path + old_path[-10:]
    tree.hamlet.save(update_fields=["parent", "path"])
    # then refreshing the old commune drops the rows of the path no unit has
    registry_counts.refresh_communes([tree.commune])
    assert not RegistryCount.objects.filter(unit_path=old_path).exists()
    assert counts(tree.commune).get(HOUSEHOLDS, 0) == 1  # the household still names the commune


def test_the_command_checks_and_rebuilds_the_registry_counts(tree: Tree) -> None:
    call_command("rebuild_rollups", "--check", stdout=io.StringIO())
    HouseholdFactory.create(hamlet=tree.hamlet)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="4 dòng của bảng đếm sổ hộ"):
        call_command("rebuild_rollups", "--check", stdout=io.StringIO(), stderr=errors)
    assert f"{tree.hamlet.path} households: bảng 0, đúng ra 1" in errors.getvalue()
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "bảng đếm sổ hộ" in out.getvalue()
    call_command("rebuild_rollups", "--check", stdout=io.StringIO())


def test_the_migration_counts_the_registry_that_existed_before(tree: Tree) -> None:
    household = HouseholdFactory.create(hamlet=tree.hamlet)
    PersonFactory.create(household=household, target_group=TargetGroup.OFFICIAL)
    expected = registry_counts.counts_expected()
    RegistryCount.objects.all().delete()
    migration = importlib.import_module("hoctap.targets.migrations.0005_fill_registry_counts")
    migration.fill(global_apps, None)
    assert registry_counts.counts_kept() == expected
    assert registry_counts.rebuild() == RegistryCount.objects.count()


# -- concurrency ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has one writer at a time, so nothing runs in parallel",
)
@pytest.mark.django_db(transaction=True)
def test_parallel_writes_in_one_commune_lose_no_count(tree: Tree, people: People) -> None:
    # given a household per clerk, counted
    registry_counts.rebuild()
    households = [HouseholdFactory.create(hamlet=tree.hamlet) for _ in range(8)]
    registry_counts.rebuild()
    barrier = threading.Barrier(len(households))
    outcomes: list[Any] = [None] * len(households)
    actor_pk = people.commune_official.pk

    def add(position: int, household_pk: int) -> None:
        from hoctap.accounts.models import User
        from hoctap.registry.models import Household

        try:
            actor = User.objects.get(pk=actor_pk)
            household = Household.objects.get(pk=household_pk)
            barrier.wait(timeout=20)
            person(actor, household, target_group=TargetGroup.WORKER)
            outcomes[position] = "won"
        except Exception as error:
            outcomes[position] = error
        finally:
            connections.close_all()

    # when eight clerks each add a worker at the same moment
    threads = [
        threading.Thread(target=add, args=(position, household.pk))
        for position, household in enumerate(households)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then every one is counted
    assert outcomes == ["won"] * 8, outcomes
    assert counts(tree.commune)[WORKERS] == 8
    assert counts(None)[WORKERS] == 8
    in_step()
