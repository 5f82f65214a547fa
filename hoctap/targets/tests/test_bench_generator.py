"""The benchmark's synthetic data set at a tiny scale: rows the app accepts, roll-ups that
rebuild to exactly the assessments, and a second batch that grows the same units."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db.models import Count

from hoctap.accounts.models import User
from hoctap.adminunits.models import (
    LAST_LEGACY_DAY,
    PATH_STEP,
    REFORM_DATE,
    AdminUnit,
    AdminUnitLineage,
    Level,
    LineageKind,
)
from hoctap.assessments.models import TITLE_SUBJECTS, Assessment, State, Title
from hoctap.registry.models import (
    Clan,
    DeclaredStatistic,
    Household,
    LearningCentre,
    Organisation,
    Person,
)
from hoctap.targets import registry_counts, rollups, selectors, synthetic
from hoctap.targets.models import COUNTRY_LEVEL, TitleCount

pytestmark = pytest.mark.django_db

# Two provinces (the first a city), three communes, one to three hamlets each.
TINY = synthetic.Shape("tiny", communes=(2, 1), hamlets=(1, 3), city_first=True)
SUBJECT_FIELDS = ("person", "household", "clan", "organisation", "unit")


@pytest.fixture
def generated(db: Any) -> tuple[synthetic.Tree, synthetic.Report]:
    tree, report = synthetic.generate(TINY, households=60, seed=7)
    rollups.rebuild()
    registry_counts.rebuild()
    return tree, report


def _total(counts: rollups.UnitCounts) -> int:
    return sum(counts.counts.values())


def test_the_tree_has_the_shape_with_paths_keys_levels_and_kinds_as_the_loader_makes_them(
    generated: tuple[synthetic.Tree, synthetic.Report],
) -> None:
    tree, _ = generated

    units = {unit.path: unit for unit in AdminUnit.objects.all()}
    today = [unit for unit in units.values() if unit.is_current]
    assert [c.province.key for c in tree.communes] == ["SYN01", "SYN01", "SYN02"]
    assert len(today) == 2 + 3 + sum(len(c.hamlets) for c in tree.communes)
    for path, unit in units.items():
        # ten digits of the unit's own id, under its parent's path
        assert path.endswith(str(unit.pk).zfill(PATH_STEP))
        parent = units.get(path[:-PATH_STEP])
        assert unit.parent_id == (parent.pk if parent else None)
        if unit.is_current:  # today: province, commune, hamlet, from the reform on
            levels = {1: Level.PROVINCE, 2: Level.COMMUNE, 3: Level.HAMLET}
            assert unit.valid_from == REFORM_DATE
        else:  # before: province, district, commune, hamlet, until the day before
            levels = {1: Level.PROVINCE, 2: Level.DISTRICT, 3: Level.COMMUNE, 4: Level.HAMLET}
            assert (unit.valid_from, unit.valid_to) == (None, LAST_LEGACY_DAY)
            assert parent is None or not parent.is_current
        assert unit.level == levels[unit.depth]
        unit.full_clean()
    assert LearningCentre.objects.count() == 3
    assert synthetic.load_tree() == tree


def test_todays_units_were_formed_from_those_of_before_the_reform_through_their_lineage(
    generated: tuple[synthetic.Tree, synthetic.Report],
) -> None:
    tree, _ = generated
    units = {unit.pk: unit for unit in AdminUnit.objects.all()}
    successors: dict[int, list[tuple[int, str]]] = {}
    for link in AdminUnitLineage.objects.all():
        assert link.effective_date == REFORM_DATE
        assert link.is_primary
        successors.setdefault(link.predecessor_id, []).append((link.successor_id, link.kind))
        link.full_clean()
    ended = [unit for unit in units.values() if not unit.is_current]
    # every province, commune and hamlet of before leads to exactly one of today's, of its level
    for unit in ended:
        if unit.level == Level.DISTRICT:  # districts were abolished
            assert unit.pk not in successors
            continue
        ((successor, kind),) = successors[unit.pk]
        assert units[successor].is_current
        assert units[successor].level == unit.level
        assert kind == (LineageKind.CONTINUED if unit.level == Level.HAMLET else LineageKind.MERGED)

    for commune in tree.communes:
        assert 1 <= len(commune.merged) <= 4
        assert [successors[old.id] for old in commune.merged] == [
            [(commune.place.id, LineageKind.MERGED)]
        ] * len(commune.merged)
        # the old communes lay in the provinces of before that today's province was formed from
        for old in commune.merged:
            old_province = units[int(old.path[:PATH_STEP])]
            assert successors[old_province.pk][0][0] == commune.province.id
        for position, hamlet in enumerate(commune.hamlets):
            old_commune, old_hamlet = commune.before(position)
            assert old_hamlet.path.startswith(old_commune.path)
            assert old_hamlet.name == hamlet.name
            assert successors[old_hamlet.id] == [(hamlet.id, LineageKind.CONTINUED)]
        # each old commune had some of the hamlets
        assert {index for _, index in commune.hamlets_before} == set(
            range(min(len(commune.merged), len(commune.hamlets)))
        )


def test_results_before_the_reform_name_the_units_of_the_time_and_roll_into_todays(
    generated: tuple[synthetic.Tree, synthetic.Report],
) -> None:
    tree, _ = generated
    current = dict(AdminUnit.objects.values_list("path", "valid_to"))
    for path, year in Assessment.objects.values_list("unit_path", "year"):
        assert (current[path] is None) == (year >= synthetic.REFORM_YEAR), (path, year)

    admin = User.objects.create(username="sieu", is_superuser=True)
    province = AdminUnit.objects.get(key=tree.provinces[0].key)
    board = selectors.dashboard(admin, province, 2023, selectors.HIERARCHY_CURRENT)
    communes = {c.place.key: c for c in tree.communes}
    assert board.children
    for row in board.children:
        assert row.unit is not None
        merged = communes[row.unit.key].merged
        # today's commune shows the results of the communes it was formed from
        assert [ref.pk for ref in row.rolled_in] == sorted(
            (old.id for old in merged), key=lambda pk: AdminUnit.objects.get(pk=pk).path
        )
        in_them = Assessment.objects.filter(year=2023, title=Title.LEARNING_FAMILY).filter(
            unit_path__regex=r"^(" + "|".join(old.path for old in merged) + ")"
        )
        family = next(pair for pair in row.titles if pair.title == Title.LEARNING_FAMILY)
        assert family.registered == in_them.count()
        assert family.recognised == in_them.filter(state=State.RECOGNISED).count()
    province_family = next(p for p in board.summary.titles if p.title == Title.LEARNING_FAMILY)
    assert province_family.registered == sum(
        next(p for p in row.titles if p.title == Title.LEARNING_FAMILY).registered
        for row in board.children
    )
    assert province_family.registered > 0


def test_every_row_is_valid_and_placed_in_its_hamlet_or_commune(
    generated: tuple[synthetic.Tree, synthetic.Report],
) -> None:
    _, report = generated
    hamlets = {unit.pk: unit for unit in AdminUnit.objects.filter(level=Level.HAMLET)}

    for model in (Household, Person, Clan):
        rows = list(model.objects.all())
        assert rows, model
        for row in rows:
            assert row.hamlet_id is not None
            hamlet = hamlets[row.hamlet_id]
            assert (row.unit_path, row.commune_id) == (hamlet.path, hamlet.parent_id)
            row.full_clean()
    for organisation in Organisation.objects.select_related("commune"):
        assert organisation.unit_path == organisation.commune.path
        organisation.full_clean()
    people = Person.objects.count()
    households = Household.objects.count()
    assert households == 60
    assert 2.8 < people / households < 3.8
    assert not Household.objects.filter(head__isnull=True).exists()
    assert not Person.objects.filter(household__isnull=True).exists()
    for statistic in DeclaredStatistic.objects.all():
        assert statistic.unit_path == statistic.unit.path
    assert report.rows["assessments.Assessment"] == Assessment.objects.count()


def test_assessments_name_their_subject_criteria_and_place_and_most_are_recognised(
    generated: tuple[synthetic.Tree, synthetic.Report],
) -> None:
    units = {unit.path: unit for unit in AdminUnit.objects.all()}
    kinds = {title: kind for title, (kind, _) in TITLE_SUBJECTS.items()}
    codes = {title: code for title, (_, code) in TITLE_SUBJECTS.items()}
    assessments = list(Assessment.objects.all())

    for assessment in assessments:
        subject = [f for f in SUBJECT_FIELDS if getattr(assessment, f"{f}_id") is not None]
        assert len(subject) == 1
        kind, pk = assessment.subject_key.split(":")
        assert kind == kinds[assessment.title]
        assert int(pk) == getattr(assessment, f"{subject[0]}_id")
        assert assessment.criteria_code == codes[assessment.title]
        unit = units[assessment.unit_path]
        commune = unit if unit.level == Level.COMMUNE else unit.parent
        assert commune is not None
        assert assessment.commune_id == commune.pk
        assert (assessment.passed is None) == (assessment.state == State.REGISTERED)
        assert assessment.year in synthetic.YEARS
    assert {a.title for a in assessments} >= {
        Title.LEARNING_CITIZEN,
        Title.LEARNING_FAMILY,
        Title.LEARNING_COMMUNITY_HAMLET,
        Title.LEARNING_COMMUNITY_COMMUNE,
    }
    for assessment in assessments[:200]:
        # as the services leave them: no result before scoring; no account behind the rows
        assessment.full_clean(exclude=["passed", "total", "registered_by"])

    closed = Counter(a.state for a in assessments if a.year < synthetic.OPEN_YEAR)
    assert closed.most_common(1)[0][0] == State.RECOGNISED
    assert closed[State.RECOGNISED] > 0.4 * closed.total()
    assert {State.REJECTED, State.REGISTERED} <= set(closed)


def test_the_rebuilt_roll_ups_equal_the_assessments_and_add_up_level_by_level(
    generated: tuple[synthetic.Tree, synthetic.Report],
) -> None:
    assert rollups.differences() == {}
    assessments = Assessment.objects.count()
    country_rows = TitleCount.objects.filter(unit_level=COUNTRY_LEVEL)
    assert sum(country_rows.values_list("count", flat=True)) == assessments
    for year in synthetic.YEARS:
        in_year = Assessment.objects.filter(year=year).count()
        provinces = rollups.children_counts(None, year)
        assert _total(rollups.unit_counts(None, year)) == in_year
        assert sum(_total(p) for p in provinces) == in_year
        for province in provinces:
            assert province.unit is not None
            communes = rollups.children_counts(province.unit, year)
            assert sum(_total(c) for c in communes) == _total(province)
    by_title = dict(
        Assessment.objects.filter(year=2025)
        .values_list("title")
        .annotate(number=Count("pk"))
        .order_by()
    )
    country = rollups.unit_counts(None, 2025)
    assert {title: country.total(title) for title in by_title} == by_title


def test_the_registry_counts_rebuild_to_the_registry_and_the_dashboard_reads_them(
    generated: tuple[synthetic.Tree, synthetic.Report],
) -> None:
    tree, _ = generated
    admin = User.objects.create(username="sieu2", is_superuser=True)
    province = AdminUnit.objects.get(key=tree.provinces[0].key)

    assert registry_counts.differences() == {}
    assert registry_counts.counts_at([""])[""]["households"] == Household.objects.count()
    board = selectors.dashboard(admin, province, 2025, selectors.HIERARCHY_CURRENT)
    assert [row.unit.key for row in board.children if row.unit is not None] == sorted(
        (c.place.key for c in tree.communes if c.province == tree.provinces[0]),
        key=lambda key: AdminUnit.objects.get(key=key).search_name,
    )
    assert [point.year for point in board.trend] == list(synthetic.YEARS)


def test_growing_adds_people_to_the_same_units_and_rebuilds_in_step(
    generated: tuple[synthetic.Tree, synthetic.Report],
) -> None:
    tree, _ = generated
    before = Assessment.objects.count()
    units = AdminUnit.objects.count()
    households = Household.objects.count()

    report = synthetic.grow(assessments=before * 3, seed=7)
    rollups.rebuild()

    after = Assessment.objects.count()
    assert report.rows["assessments.Assessment"] == after - before
    # the estimate lands within a fifth of the target at this size (much closer at scale)
    assert 0.8 * 3 * before < after < 1.2 * 3 * before
    assert AdminUnit.objects.count() == units
    assert Household.objects.count() > households
    assert Household.objects.values("commune", "code").distinct().count() == (
        Household.objects.count()
    )
    assert rollups.differences() == {}
    assert synthetic.load_tree() == tree
    # a target already reached adds nothing
    assert synthetic.grow(assessments=after, seed=7).rows == {}


def test_a_second_tree_in_the_same_database_is_refused(
    generated: tuple[synthetic.Tree, synthetic.Report],
) -> None:
    with pytest.raises(ValueError, match="already holds synthetic units"):
        synthetic.create_tree(TINY)


def test_the_households_needed_follow_the_rates() -> None:
    rates = synthetic.DEFAULT_RATES
    per_household = rates.assessments_per_household()

    # a family, 3.3 people, a hundredth of a clan, a thirtieth of an organisation, five years
    assert 12 < per_household < 13
    assert synthetic.households_for(1_000_000) == pytest.approx(1_000_000 / per_household, 1)
    assert synthetic.households_for(-5) == 0
    assert sum(synthetic.NATIONAL.communes) == 3321
    assert len(synthetic.NATIONAL.communes) == 34
