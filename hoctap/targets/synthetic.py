"""A synthetic country or province for the dashboard benchmark: units, registry and five years
of assessments (2021–2025), written in bulk.

Rows are made in Python from a seeded random generator and streamed into the tables with
PostgreSQL's COPY (plain bulk INSERTs on other databases, which only the tests use); the ids are
handed out here, so households, people and their assessments can point at each other before
they are written, and the sequences are moved past them afterwards. Nothing goes through the
services: there are no transitions, scores, evidence, audit rows or recognition decisions, and
the roll-ups are out of step until `hoctap.targets.rollups.rebuild()` runs (callers time it).
Nothing else may write these tables while the generator runs.

Shapes: `PROVINCE` (one province, 150 communes, 5–15 hamlets each) and `NATIONAL` (34 provinces,
3,321 communes, the largest a dense city). The population is spread over the hamlets by fixed
weights, so adding households later (`add_population` on `load_tree()`) grows every unit in
proportion and keeps the shape: the benchmark grows the same units from 1 to 10 million
assessments.

The 2025 reform is in the data as it is in the country (DOMAIN §3): each of today's provinces
and communes was formed from one to three provinces and one to four communes of before
(`PROVINCES_MERGED`, `COMMUNES_MERGED`: 34 from about 63, 3,321 from about 10,000), the old
provinces had districts, every hamlet went on under the new commune, and those units ended on
30/6/2025 with their lineage (merged into, continued as). The people and households are
registered where they live today (the registry keeps no history), but the assessments of the
years before `REFORM_YEAR` name the communes and hamlets of the time, so a dashboard of today's
units rolls them in through the lineage, as it must with real data.

    from hoctap.targets import synthetic
    report = synthetic.generate(synthetic.NATIONAL, assessments=1_000_000)
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Count, Max

from hoctap.adminunits.models import (
    LAST_LEGACY_DAY,
    PATH_STEP,
    REFORM_DATE,
    AdminUnit,
    AdminUnitLineage,
    Kind,
    Level,
    LineageKind,
)
from hoctap.assessments.models import TITLE_SUBJECTS, Assessment, State, Title
from hoctap.core.text import search_key
from hoctap.criteria.selectors import criteria_set_for
from hoctap.registry.models import (
    Clan,
    DeclaredStatistic,
    DigitalSkill,
    Household,
    LearningCentre,
    ManagingLevel,
    Organisation,
    OrganisationKind,
    Person,
    Relation,
    Sex,
    StatisticKind,
    TargetGroup,
)

YEARS = tuple(range(2021, 2026))
# The results of the years before this one name the units of before the 2025 reform (DOMAIN §3).
REFORM_YEAR = REFORM_DATE.year
# How many units of before the reform one of today was formed from, with their weights: 63
# provinces became 34, about 10,000 communes 3,321.
PROVINCES_MERGED: tuple[tuple[int, float], ...] = ((1, 0.3), (2, 0.55), (3, 0.15))
COMMUNES_MERGED: tuple[tuple[int, float], ...] = ((1, 0.1), (2, 0.2), (3, 0.35), (4, 0.35))
# Communes per district before the reform.
COMMUNES_PER_DISTRICT = 14
LINEAGE_SOURCE = "Nghị quyết sáp nhập (mô phỏng)"
# The year whose cycle is still open: its dossiers are due early the next year.
OPEN_YEAR = YEARS[-1]
# (The random numbers here make up data; none is a secret, hence the S311 exemptions.)
# Every synthetic unit carries this note: `load_tree` finds them by it, `create_tree` refuses
# to run twice on one database.
NOTE = "synthetic (hoctap.targets.synthetic)"
KEY_PREFIX = "SYN"
DEFAULT_SEED = 2025
# Assessment rows gathered before they are written, in one transaction per batch: bounds the
# memory held and the deferred foreign-key checks PostgreSQL queues until the commit.
BATCH_ROWS = 200_000
REGISTERED_AT = datetime.datetime(2021, 1, 15, 2, tzinfo=datetime.UTC)


@dataclasses.dataclass(frozen=True)
class Shape:
    """How many provinces, communes per province and hamlets per commune."""

    name: str
    communes: tuple[int, ...]
    hamlets: tuple[int, int]
    # The first province is a city: more wards, three times the people per hamlet.
    city_first: bool = False


def _national_communes() -> tuple[int, ...]:
    """34 provinces holding 3,321 communes, the first with 168 (as Hồ Chí Minh City)."""
    rng = random.Random(34)  # noqa: S311 - made-up data, no secrets
    others = [rng.uniform(40, 150) for _ in range(33)]
    scale = (3321 - 168) / sum(others)
    counts = [max(20, round(value * scale)) for value in others]
    counts[-1] += 3321 - 168 - sum(counts)
    return (168, *counts)


PROVINCE = Shape("province", communes=(150,), hamlets=(5, 15))
NATIONAL = Shape("national", communes=_national_communes(), hamlets=(5, 15), city_first=True)
SHAPES = {shape.name: shape for shape in (PROVINCE, NATIONAL)}


@dataclasses.dataclass(frozen=True)
class Rates:
    """Sizes and shares that make the data look like the field reports (DOMAIN §7)."""

    # (people in the household, weight): a mean of 3.3, as 1,000,000 people in 300,000 households.
    household_sizes: tuple[tuple[int, float], ...] = (
        (1, 0.10),
        (2, 0.21),
        (3, 0.25),
        (4, 0.24),
        (5, 0.12),
        (6, 0.05),
        (7, 0.03),
    )
    households_per_clan: int = 100
    households_per_organisation: int = 30
    province_managed_share: float = 0.1
    # Share of the subjects registered for their title in a given year.
    take_part: Mapping[str, float] = dataclasses.field(
        default_factory=lambda: {
            Title.LEARNING_CITIZEN: 0.5,
            Title.LEARNING_FAMILY: 0.75,
            Title.LEARNING_CLAN: 0.85,
            Title.LEARNING_COMMUNITY_HAMLET: 0.9,
            Title.LEARNING_COMMUNITY_COMMUNE: 0.95,
            Title.LEARNING_UNIT_COMMUNE: 0.8,
            Title.LEARNING_UNIT_PROVINCE: 0.8,
        }
    )
    # Share of the scored assessments that pass, in 2021 (two points more each later year).
    # Learning citizens by target group: farmers 43%, workers 65%, officials 87% (Hải Dương 2023).
    passes: Mapping[str, float] = dataclasses.field(
        default_factory=lambda: {
            TargetGroup.RESIDENT: 0.43,
            TargetGroup.WORKER: 0.65,
            TargetGroup.OFFICIAL: 0.87,
            TargetGroup.LEARNER: 0.75,
            Title.LEARNING_FAMILY: 0.8,
            Title.LEARNING_CLAN: 0.85,
            Title.LEARNING_COMMUNITY_HAMLET: 0.8,
            Title.LEARNING_COMMUNITY_COMMUNE: 0.9,
            Title.LEARNING_UNIT_COMMUNE: 0.85,
            Title.LEARNING_UNIT_PROVINCE: 0.88,
        }
    )
    # Communes that declare statistics (the denominators that replace the registry's counts).
    declaring_share: float = 0.3

    @property
    def people_per_household(self) -> float:
        total = sum(weight for _, weight in self.household_sizes)
        return sum(size * weight for size, weight in self.household_sizes) / total

    def assessments_per_household(self) -> float:
        """Expected assessment rows per household added, over the five years: the family's,
        its members', and its share of a clan and an organisation."""
        yearly = (
            self.take_part[Title.LEARNING_FAMILY]
            + self.people_per_household * self.take_part[Title.LEARNING_CITIZEN]
            + self.take_part[Title.LEARNING_CLAN] / self.households_per_clan
            + self.take_part[Title.LEARNING_UNIT_COMMUNE] / self.households_per_organisation
        )
        return yearly * len(YEARS)


DEFAULT_RATES = Rates()


# -- the unit tree ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Place:
    """A unit as the generator needs it."""

    id: int
    key: str
    path: str
    name: str
    kind: str


@dataclasses.dataclass(frozen=True)
class Commune:
    place: Place
    province: Place
    hamlets: tuple[Place, ...]
    # Before the 2025 reform (the results of the years before `REFORM_YEAR`): the communes it
    # was formed from, and for each of its hamlets the hamlet of the time with the position of
    # that one's commune in `merged`.
    merged: tuple[Place, ...] = ()
    hamlets_before: tuple[tuple[Place, int], ...] = ()

    def before(self, hamlet: int) -> tuple[Place, Place]:
        """The commune and the hamlet of the time of the commune's `hamlet`-th hamlet."""
        place, commune = self.hamlets_before[hamlet]
        return self.merged[commune], place


@dataclasses.dataclass(frozen=True)
class Tree:
    provinces: tuple[Place, ...]
    communes: tuple[Commune, ...]

    @property
    def hamlets(self) -> Iterator[Place]:
        for commune in self.communes:
            yield from commune.hamlets

    def hamlet_weight(self, commune: Commune, hamlet: Place) -> float:
        """How many people a hamlet holds relative to the others: fixed by its key, so the
        population added later falls where the first one did."""
        weight = random.Random(f"hamlet:{hamlet.key}").uniform(0.5, 1.5)  # noqa: S311
        if commune.province.kind == Kind.CENTRAL_CITY:
            weight *= 3
        return weight


@dataclasses.dataclass
class Report:
    """Rows written per model, and the seconds it took."""

    rows: dict[str, int] = dataclasses.field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0

    def add(self, other: Report) -> None:
        for name, count in other.rows.items():
            self.rows[name] += count
        self.seconds += other.seconds

    def as_dict(self) -> dict[str, Any]:
        return {"rows": dict(self.rows), "seconds": round(self.seconds, 3)}


_PLACE_WORDS = (
    "An",
    "Bình",
    "Hòa",
    "Phú",
    "Tân",
    "Thạnh",
    "Long",
    "Mỹ",
    "Phước",
    "Thuận",
    "Hưng",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Trung",
    "Vĩnh",
    "Xuân",
    "Yên",
    "Quang",
)
_HAMLET_PREFIX = {
    Kind.VILLAGE: "Thôn",
    Kind.HIGHLAND_VILLAGE: "Bản",
    Kind.SOUTHERN_HAMLET: "Ấp",
    Kind.RESIDENTIAL_GROUP: "Tổ dân phố",
}


def create_tree(shape: Shape, *, seed: int = DEFAULT_SEED) -> tuple[Tree, Report]:
    """Write the shape's provinces, communes, hamlets and learning centres (one per commune),
    and the units of before the 2025 reform they were formed from (provinces, districts,
    communes and hamlets that ended on 30/6/2025, with their lineage); refuses when synthetic
    units exist already."""
    started = time.perf_counter()
    if AdminUnit.objects.filter(note=NOTE).exists():
        raise ValueError("this database already holds synthetic units: grow them instead")
    rng = random.Random(f"tree:{seed}")  # noqa: S311
    # The units of before the reform draw their own numbers: today's stay as they were.
    past = random.Random(f"reform:{seed}")  # noqa: S311
    ids = _Ids()
    writer = _Writer()
    units = writer.table(
        AdminUnit,
        "id created_at updated_at key code name short_name search_name level kind parent_id path"
        " valid_from valid_to note",
    )
    lineage = writer.table(
        AdminUnitLineage, "id predecessor_id successor_id kind effective_date is_primary source"
    )
    centres = writer.table(
        LearningCentre,
        "id created_at updated_at commune_id hamlet_id unit_path search_name version name"
        " director staff_count association_leader_manages uses_it has_own_room has_internet",
    )
    now = REGISTERED_AT
    provinces: list[Place] = []
    communes: list[Commune] = []

    def unit(
        key: str, name: str, level: int, kind: str, parent: Place | None, *, ended: bool = False
    ) -> Place:
        pk = ids.next(AdminUnit)
        path = (parent.path if parent else "") + str(pk).zfill(PATH_STEP)
        short = name.split(" ", 1)[1] if " " in name else name
        valid_from, valid_to = (None, LAST_LEGACY_DAY) if ended else (REFORM_DATE, None)
        units.add(
            (
                *(pk, now, now, key, "", name, short, search_key(name), level, kind),
                *(parent.id if parent else None, path, valid_from, valid_to, NOTE),
            )
        )
        return Place(id=pk, key=key, path=path, name=name, kind=kind)

    def link(predecessor: Place, successor: Place, kind: str) -> None:
        lineage.add(
            (
                *(ids.next(AdminUnitLineage), predecessor.id, successor.id, kind),
                *(REFORM_DATE, True, LINEAGE_SOURCE),
            )
        )

    def merged_from(table: tuple[tuple[int, float], ...]) -> int:
        return past.choices([n for n, _ in table], weights=[w for _, w in table])[0]

    for number, commune_count in enumerate(shape.communes, start=1):
        city = shape.city_first and number == 1
        province = unit(
            f"{KEY_PREFIX}{number:02d}",
            f"{'Thành phố' if city else 'Tỉnh'} Mô Phỏng {number:02d}",
            Level.PROVINCE,
            Kind.CENTRAL_CITY if city else Kind.PROVINCE,
            None,
        )
        provinces.append(province)
        # Before the reform: the provinces it was formed from, their districts, and how many
        # communes each of today's was formed from, each in one of those provinces.
        sizes = [merged_from(COMMUNES_MERGED) for _ in range(commune_count)]
        old_provinces = min(merged_from(PROVINCES_MERGED), sum(sizes))
        homes = [*range(old_provinces)]  # each holds one at least
        homes += [past.randrange(old_provinces) for _ in range(sum(sizes) - old_provinces)]
        past.shuffle(homes)
        districts: list[list[Place]] = []
        for old in range(old_provinces):
            old_province = unit(
                f"{province.key}T{old + 1}",
                f"Tỉnh Mô Phỏng {number:02d}{'ABC'[old]} (cũ)",
                Level.PROVINCE,
                Kind.PROVINCE,
                None,
                ended=True,
            )
            link(old_province, province, LineageKind.MERGED)
            count = max(1, round(homes.count(old) / COMMUNES_PER_DISTRICT))
            districts.append(
                [
                    unit(
                        f"{old_province.key}H{district + 1:02d}",
                        f"Huyện Mô Phỏng {number:02d}{'ABC'[old]}-{district + 1}",
                        Level.DISTRICT,
                        Kind.RURAL_DISTRICT,
                        old_province,
                        ended=True,
                    )
                    for district in range(count)
                ]
            )
        placed = iter(homes)
        for commune_number, size in zip(range(1, commune_count + 1), sizes, strict=True):
            ward = rng.random() < (0.7 if city else 0.2)
            words = " ".join(rng.sample(_PLACE_WORDS, 2))
            commune = unit(
                f"{province.key}{commune_number:03d}",
                f"{'Phường' if ward else 'Xã'} {words}",
                Level.COMMUNE,
                Kind.WARD if ward else Kind.COMMUNE,
                province,
            )
            if ward:
                hamlet_kind = Kind.RESIDENTIAL_GROUP
            else:
                hamlet_kind = rng.choice(
                    [Kind.VILLAGE, Kind.VILLAGE, Kind.HIGHLAND_VILLAGE, Kind.SOUTHERN_HAMLET]
                )
            hamlets = tuple(
                unit(
                    f"{commune.key}-{hamlet_number:03d}",
                    f"{_HAMLET_PREFIX[hamlet_kind]} {hamlet_number}",
                    Level.HAMLET,
                    hamlet_kind,
                    commune,
                )
                for hamlet_number in range(1, rng.randint(*shape.hamlets) + 1)
            )
            merged: list[Place] = []
            for old in range(size):
                old_commune = unit(
                    f"{commune.key}C{old + 1}",
                    f"{'Phường' if ward else 'Xã'} {words} {old + 1} (cũ)",
                    Level.COMMUNE,
                    Kind.WARD if ward else Kind.COMMUNE,
                    past.choice(districts[next(placed)]),
                    ended=True,
                )
                link(old_commune, commune, LineageKind.MERGED)
                merged.append(old_commune)
            # Every hamlet goes on under the new commune; each old commune had some of them.
            order = list(range(len(hamlets)))
            past.shuffle(order)
            hamlets_before: list[tuple[Place, int]] = [(hamlets[0], 0)] * len(hamlets)
            for position, hamlet_index in enumerate(order):
                hamlet = hamlets[hamlet_index]
                within = position % len(merged)
                old_hamlet = unit(
                    f"{hamlet.key}C",
                    hamlet.name,
                    Level.HAMLET,
                    hamlet_kind,
                    merged[within],
                    ended=True,
                )
                link(old_hamlet, hamlet, LineageKind.CONTINUED)
                hamlets_before[hamlet_index] = (old_hamlet, within)
            communes.append(
                Commune(
                    place=commune,
                    province=province,
                    hamlets=hamlets,
                    merged=tuple(merged),
                    hamlets_before=tuple(hamlets_before),
                )
            )
            centre_name = f"Trung tâm học tập cộng đồng {commune.name}"
            centres.add(
                (
                    *(ids.next(LearningCentre), now, now, commune.id, None, commune.path),
                    *(search_key(centre_name), 1, centre_name, "", rng.randint(3, 7)),
                    *(rng.random() < 0.7, rng.random() < 0.6, rng.random() < 0.5),
                    rng.random() < 0.8,
                )
            )
    writer.flush()
    _reset_sequences([AdminUnit, AdminUnitLineage, LearningCentre])
    report = Report(rows=writer.written, seconds=time.perf_counter() - started)
    return Tree(provinces=tuple(provinces), communes=tuple(communes)), report


def load_tree() -> Tree:
    """The synthetic units already in the database, as `create_tree` returned them."""
    units = list(
        AdminUnit.objects.filter(note=NOTE, valid_to__isnull=True)
        .order_by("path")
        .values_list("id", "key", "path", "name", "kind", "level")
    )
    if not units:
        raise ValueError("this database holds no synthetic units: create the tree first")
    # Before the reform: the communes and hamlets of the time of each of today's.
    before: dict[int, list[Place]] = defaultdict(list)
    links = (
        AdminUnitLineage.objects.filter(successor__note=NOTE)
        .order_by("predecessor_id")  # the order they were made in
        .values_list(
            "successor_id",
            "predecessor_id",
            "predecessor__key",
            "predecessor__path",
            "predecessor__name",
            "predecessor__kind",
        )
    )
    for successor, pk, key, path, name, kind in links:
        before[successor].append(Place(id=pk, key=key, path=path, name=name, kind=kind))
    provinces: dict[str, Place] = {}
    communes: dict[str, tuple[Place, list[Place]]] = {}
    for pk, key, path, name, kind, level in units:
        place = Place(id=pk, key=key, path=path, name=name, kind=kind)
        if level == Level.PROVINCE:
            provinces[path] = place
        elif level == Level.COMMUNE:
            communes[path] = (place, [])
        elif level == Level.HAMLET:
            communes[path[:-PATH_STEP]][1].append(place)
    found = []
    for path, (place, hamlets) in communes.items():
        merged = tuple(before[place.id])
        position = {commune.path: index for index, commune in enumerate(merged)}
        hamlets_before = tuple(
            (old, position[old.path[:-PATH_STEP]])
            for old in (before[hamlet.id][0] for hamlet in hamlets if before[hamlet.id])
        )
        found.append(
            Commune(
                place=place,
                province=provinces[path[:PATH_STEP]],
                hamlets=tuple(hamlets),
                merged=merged,
                hamlets_before=hamlets_before,
            )
        )
    return Tree(provinces=tuple(provinces.values()), communes=tuple(found))


# -- criteria sets and outcomes ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Criteria:
    """What an assessment row of a title and year takes from its criteria set."""

    code: str
    version: str
    points: bool
    min_total: int
    top: int
    # Points sets: (level, minimum total) in increasing order; checklist sets: the level codes.
    levels: tuple[tuple[str, float | None], ...]


def _criteria(title: str, year: int) -> _Criteria:
    """The set in force on 1 January of the year, nationwide (no province's own version)."""
    found = criteria_set_for(TITLE_SUBJECTS[title][1], None, datetime.date(year, 1, 1))
    return _Criteria(
        code=found.code,
        version=found.version,
        points=found.mode == "points",
        min_total=math.ceil(found.pass_rule.min_total or 0),
        top=math.floor(found.total_points or 100),
        levels=tuple((level.code, level.min_total) for level in found.levels),
    )


# (share, state): what becomes of the assessments that passed and those that failed, for the
# closed years (decided long ago) and for the open one (decisions still coming).
_Outcomes = tuple[tuple[float, str], ...]
_CLOSED_PASSED: _Outcomes = (
    (0.97, State.RECOGNISED),
    (0.01, State.REVOKED),
    (0.02, State.PROPOSED),
)
_CLOSED_FAILED: _Outcomes = ((0.85, State.REJECTED), (0.15, State.RETURNED))
_OPEN_PASSED: _Outcomes = (
    (0.6, State.RECOGNISED),
    (0.15, State.PROPOSED),
    (0.12, State.APPRAISED),
    (0.08, State.REVIEWED),
    (0.05, State.SUBMITTED),
)
_OPEN_FAILED: _Outcomes = (
    (0.5, State.REJECTED),
    (0.3, State.RETURNED),
    (0.1, State.REVIEWED),
    (0.1, State.SUBMITTED),
)
# Share left at "registered" (never submitted, so never scored).
_NOT_SUBMITTED = {True: 0.08, False: 0.04}
_VERSIONS: dict[str, int] = {
    State.REGISTERED: 1,
    State.SUBMITTED: 2,
    State.REVIEWED: 3,
    State.RETURNED: 3,
    State.APPRAISED: 4,
    State.REJECTED: 4,
    State.PROPOSED: 5,
    State.RECOGNISED: 6,
    State.REVOKED: 7,
}


def _pick(value: float, table: _Outcomes) -> str:
    for share, state in table:
        if value < share:
            return state
        value -= share
    return table[-1][1]


# -- people and their assessments -------------------------------------------------------------

_SURNAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lò",
    "Cầm",
)
_MIDDLE = (("Văn", Sex.MALE), ("Hữu", Sex.MALE), ("Đức", Sex.MALE), ("Minh", Sex.MALE))
_MIDDLE_F = (("Thị", Sex.FEMALE), ("Ngọc", Sex.FEMALE), ("Thu", Sex.FEMALE), ("Kim", Sex.FEMALE))
_GIVEN = (
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Giang",
    "Hà",
    "Hải",
    "Hương",
    "Khánh",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Phương",
    "Quân",
    "Sơn",
    "Thảo",
    "Trang",
    "Tuấn",
    "Yến",
)
# (full name, search form, sex), worked out once: search_key is too slow for millions of rows.
_NAMES = tuple(
    (name, search_key(name), sex)
    for surname in _SURNAMES
    for middle, sex in (*_MIDDLE, *_MIDDLE_F)
    for given in _GIVEN
    for name in (f"{surname} {middle} {given}",)
)
_ORGANISATION_KINDS = (
    (OrganisationKind.SCHOOL, "Trường học"),
    (OrganisationKind.STATE_AGENCY, "Cơ quan"),
    (OrganisationKind.PUBLIC_SERVICE, "Trạm y tế"),
    (OrganisationKind.ENTERPRISE, "Công ty"),
    (OrganisationKind.COOPERATIVE, "Hợp tác xã"),
    (OrganisationKind.PRODUCTION, "Cơ sở sản xuất"),
)
_RELATIONS = (Relation.SPOUSE, Relation.CHILD, Relation.CHILD, Relation.PARENT, Relation.GRANDCHILD)


class _Generator:
    """Makes the rows of one call, batch by batch."""

    def __init__(self, *, seed: str, rates: Rates) -> None:
        self.rng = random.Random(seed)  # noqa: S311
        self.rates = rates
        self.ids = _Ids()
        self.writer = _Writer()
        self.criteria: dict[tuple[str, int], _Criteria] = {
            (title, year): _criteria(title, year) for title in Title for year in YEARS
        }
        self.stamps = {
            year: datetime.datetime(year, 3, 1, 2, tzinfo=datetime.UTC) for year in YEARS
        }
        self.assessments = self.writer.table(
            Assessment,
            "id created_at updated_at title year person_id household_id clan_id organisation_id"
            " unit_id subject_key subject_name commune_id unit_path criteria_code"
            " criteria_version variant state passed level total submitted_at is_late"
            " registered_by_id version",
        )
        registry = "id created_at updated_at commune_id hamlet_id unit_path search_name version"
        self.households = self.writer.table(Household, f"{registry} code head_id address phone")
        self.people = self.writer.table(
            Person,
            f"{registry} full_name sex birth_date birth_year ethnicity cccd phone household_id"
            " relation organisation_id target_group is_worker is_adult digital_skill",
        )
        self.clans = self.writer.table(
            Clan, f"{registry} name representative_id promotion_board fund_amount"
        )
        self.organisations = self.writer.table(
            Organisation, f"{registry} name kind managing_level head_id member_count"
        )
        sizes = rates.household_sizes
        self.sizes = [size for size, _ in sizes]
        self.size_weights = list(_cumulative(weight for _, weight in sizes))

    # One assessment row per subject, title and year it takes part in; the years before the
    # reform name the commune and the hamlet or commune of the time (`before`: commune, path).
    def assess(
        self,
        *,
        title: str,
        subject: tuple[str, int],
        name: str,
        commune: Place,
        path: str,
        passing: float,
        variant: str = "",
        before: tuple[Place, str] | None = None,
        years: Sequence[int] = YEARS,
    ) -> None:
        rng = self.rng
        kind, pk = subject
        take_part = self.rates.take_part[title]
        for year in years:
            if rng.random() >= take_part:
                continue
            commune_id, unit_path = commune.id, path
            if before is not None and year < REFORM_YEAR:
                commune_id, unit_path = before[0].id, before[1]
            criteria = self.criteria[(title, year)]
            open_year = year == OPEN_YEAR
            if rng.random() < _NOT_SUBMITTED[open_year]:
                state: str = State.REGISTERED
                passed: bool | None = None
                total: int | None = None
                level = ""
                submitted_at = None
            else:
                passed = rng.random() < min(0.97, passing + 0.02 * (year - YEARS[0]))
                if passed:
                    table = _OPEN_PASSED if open_year else _CLOSED_PASSED
                else:
                    table = _OPEN_FAILED if open_year else _CLOSED_FAILED
                state = _pick(rng.random(), table)
                total, level = self._result(criteria, passed)
                submitted_at = datetime.datetime(
                    year, rng.randint(9, 11), rng.randint(1, 28), 3, tzinfo=datetime.UTC
                )
            stamp = self.stamps[year]
            self.assessments.add(
                (
                    *(self.ids.next(Assessment), stamp, stamp, title, year),
                    pk if kind == "person" else None,
                    pk if kind == "household" else None,
                    pk if kind == "clan" else None,
                    pk if kind == "organisation" else None,
                    pk if kind in ("hamlet", "commune") else None,
                    *(f"{kind}:{pk}", name, commune_id, unit_path, criteria.code),
                    criteria.version,
                    *(variant, state, passed, level, total, submitted_at, False, None),
                    _VERSIONS[state],
                )
            )

    def _result(self, criteria: _Criteria, passed: bool) -> tuple[int | None, str]:
        """(total, level) of a scored assessment."""
        rng = self.rng
        if not criteria.points:
            if not passed or not criteria.levels:
                return None, ""
            # Levels are cumulative: three in ten of those passing reach the second.
            reached = 1 if len(criteria.levels) > 1 and rng.random() < 0.3 else 0
            return None, criteria.levels[reached][0]
        if not passed:
            return rng.randint(max(0, criteria.min_total - 40), criteria.min_total - 1), ""
        total = rng.randint(criteria.min_total, criteria.top)
        level = ""
        for code, minimum in criteria.levels:
            if minimum is None or total >= minimum:
                level = code
        return total, level

    def unit_assessments(self, tree: Tree) -> None:
        """The learning-community assessments of every hamlet and commune: of today's from the
        reform's year, of those of the time before it."""
        since, until = _split_years(bool(tree.communes and tree.communes[0].merged))
        hamlet_title = Title.LEARNING_COMMUNITY_HAMLET
        commune_title = Title.LEARNING_COMMUNITY_COMMUNE
        for commune in tree.communes:
            place = commune.place
            # (title, subject, the unit, its commune, the years): today's, and those of the time
            units: list[tuple[str, str, Place, Place, Sequence[int]]] = []
            for position, today in enumerate(commune.hamlets):
                units.append((hamlet_title, "hamlet", today, place, since))
                if until:
                    old_commune, old_hamlet = commune.before(position)
                    units.append((hamlet_title, "hamlet", old_hamlet, old_commune, until))
            units.append((commune_title, "commune", place, place, since))
            units += [(commune_title, "commune", old, old, until) for old in commune.merged]
            for title, kind, unit, within, years in units:
                self.assess(
                    title=title,
                    subject=(kind, unit.id),
                    name=unit.name,
                    commune=within,
                    path=unit.path,
                    passing=self.rates.passes[title],
                    years=years,
                )
            self.flush_if_full()

    def commune_population(self, commune: Commune, households: Sequence[int]) -> None:
        """`households[i]` new households in the commune's i-th hamlet, with their people, a
        clan per hundred households and an organisation per thirty, all assessed."""
        rng, rates = self.rng, self.rates
        place = commune.place
        added = sum(households)
        organisations = [
            self.ids.next(Organisation)
            for _ in range(_share(rng, added / rates.households_per_organisation))
        ]
        officials: list[int] = []
        members: dict[int, int] = defaultdict(int)
        for position, (hamlet, count) in enumerate(zip(commune.hamlets, households, strict=True)):
            before = None
            if commune.hamlets_before:
                old_commune, old_hamlet = commune.before(position)
                before = (old_commune, old_hamlet.path)
            heads: list[int] = []
            for _ in range(count):
                heads.append(
                    self.household(place, hamlet, organisations, officials, members, before)
                )
            for _ in range(_share(rng, count / rates.households_per_clan)):
                self.clan(place, hamlet, rng.choice(heads), before)
        for pk in organisations:
            # An organisation of today was in one of the communes it was formed from.
            old = commune.merged[pk % len(commune.merged)] if commune.merged else None
            self.organisation(
                place, pk, officials, members[pk], (old, old.path) if old is not None else None
            )

    def household(
        self,
        commune: Place,
        hamlet: Place,
        organisations: list[int],
        officials: list[int],
        members: dict[int, int],
        before: tuple[Place, str] | None,
    ) -> int:
        """One household and its people, assessed; returns the head's id."""
        rng, now = self.rng, REGISTERED_AT
        pk = self.ids.next(Household)
        size = rng.choices(self.sizes, cum_weights=self.size_weights)[0]
        people = [self.ids.next(Person) for _ in range(size)]
        code = f"HO{pk:09d}"
        head_name = ""
        for position, person in enumerate(people):
            name, search, sex = rng.choice(_NAMES)
            if position == 0:
                head_name = name
                relation: str = Relation.HEAD
                birth_year = rng.randint(1945, 2000)
            else:
                relation = rng.choice(_RELATIONS)
                birth_year = rng.randint(1940, 2019)
            age = OPEN_YEAR - birth_year
            organisation = None
            if age < 23:
                group: str = TargetGroup.LEARNER
            else:
                draw = rng.random()
                group = (
                    TargetGroup.OFFICIAL
                    if draw < 0.08
                    else TargetGroup.WORKER
                    if draw < 0.33
                    else TargetGroup.RESIDENT
                )
                if organisations and group != TargetGroup.RESIDENT and rng.random() < 0.7:
                    organisation = rng.choice(organisations)
                    members[organisation] += 1
                if group == TargetGroup.OFFICIAL:
                    officials.append(person)
            is_worker = group == TargetGroup.WORKER or (
                group == TargetGroup.RESIDENT and age <= 60 and rng.random() < 0.6
            )
            skill = rng.random()
            digital = (
                DigitalSkill.PROFICIENT
                if skill < 0.2
                else DigitalSkill.BASIC
                if skill < 0.6
                else DigitalSkill.NONE
            )
            self.people.add(
                (
                    *(person, now, now, commune.id, hamlet.id, hamlet.path, search, 1, name, sex),
                    *(None, birth_year, "", None, "", pk, relation, organisation, group),
                    *(is_worker, age >= 15, digital),
                )
            )
            self.assess(
                title=Title.LEARNING_CITIZEN,
                subject=("person", person),
                name=name,
                commune=commune,
                path=hamlet.path,
                passing=self.rates.passes[group],
                variant=group,
                before=before,
            )
        self.households.add(
            (
                *(pk, now, now, commune.id, hamlet.id, hamlet.path, code.lower(), 1, code),
                *(people[0], "", ""),
            )
        )
        self.assess(
            title=Title.LEARNING_FAMILY,
            subject=("household", pk),
            name=f"{code} · {head_name}",
            commune=commune,
            path=hamlet.path,
            passing=self.rates.passes[Title.LEARNING_FAMILY],
            before=before,
        )
        return people[0]

    def clan(
        self,
        commune: Place,
        hamlet: Place,
        representative: int,
        before: tuple[Place, str] | None,
    ) -> None:
        pk = self.ids.next(Clan)
        name = f"Dòng họ {self.rng.choice(_SURNAMES)} chi {pk}"
        self.clans.add(
            (
                *(pk, REGISTERED_AT, REGISTERED_AT, commune.id, hamlet.id, hamlet.path),
                *(search_key(name), 1, name, representative, "", 0),
            )
        )
        self.assess(
            title=Title.LEARNING_CLAN,
            subject=("clan", pk),
            name=name,
            commune=commune,
            path=hamlet.path,
            passing=self.rates.passes[Title.LEARNING_CLAN],
            before=before,
        )

    def organisation(
        self,
        commune: Place,
        pk: int,
        officials: list[int],
        members: int,
        before: tuple[Place, str] | None,
    ) -> None:
        rng = self.rng
        kind, label = rng.choice(_ORGANISATION_KINDS)
        name = f"{label} số {pk}"
        by_province = rng.random() < self.rates.province_managed_share
        head = rng.choice(officials) if officials else None
        self.organisations.add(
            (
                *(pk, REGISTERED_AT, REGISTERED_AT, commune.id, None, commune.path),
                *(search_key(name), 1, name, kind),
                *(ManagingLevel.PROVINCE if by_province else ManagingLevel.COMMUNE, head, members),
            )
        )
        title = Title.LEARNING_UNIT_PROVINCE if by_province else Title.LEARNING_UNIT_COMMUNE
        self.assess(
            title=title,
            subject=("organisation", pk),
            name=name,
            commune=commune,
            path=commune.path,
            passing=self.rates.passes[title],
            before=before,
        )

    def flush_if_full(self) -> None:
        if len(self.assessments.rows) >= BATCH_ROWS:
            self.writer.flush()

    def finish(self) -> dict[str, int]:
        self.writer.flush()
        _reset_sequences([Assessment, Household, Person, Clan, Organisation])
        return self.writer.written


def _split_years(reformed: bool) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The years of today's units and those of the units of the time (none when the tree has
    no units of before the reform)."""
    if not reformed:
        return YEARS, ()
    return (
        tuple(year for year in YEARS if year >= REFORM_YEAR),
        tuple(year for year in YEARS if year < REFORM_YEAR),
    )


def _cumulative(values: Iterable[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


def _share(rng: random.Random, expected: float) -> int:
    """A whole number whose mean is `expected` (its fraction decides a last one at random)."""
    whole = math.floor(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def _spread(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split in proportion to the weights, in whole numbers adding up to it."""
    all_weights = sum(weights)
    if not all_weights:
        return [0] * len(weights)
    counts, before = [], 0
    for running in _cumulative(weights):
        upto = math.floor(total * running / all_weights + 0.5)
        counts.append(upto - before)
        before = upto
    counts[-1] += total - before
    return counts


# -- the steps --------------------------------------------------------------------------------


def add_unit_assessments(
    tree: Tree, *, seed: int = DEFAULT_SEED, rates: Rates = DEFAULT_RATES
) -> Report:
    """The five years of learning-community assessments of the tree's hamlets and communes."""
    started = time.perf_counter()
    generator = _Generator(seed=f"units:{seed}", rates=rates)
    generator.unit_assessments(tree)
    return Report(rows=generator.finish(), seconds=time.perf_counter() - started)


def add_population(
    tree: Tree, *, households: int, seed: int = DEFAULT_SEED, rates: Rates = DEFAULT_RATES
) -> Report:
    """`households` new households spread over the tree's hamlets by their weights, with their
    people, clans and organisations, each assessed over the five years."""
    started = time.perf_counter()
    # Every call draws its own numbers: growing twice with one seed still makes new people.
    start = Household.objects.aggregate(top=Max("pk"))["top"] or 0
    generator = _Generator(seed=f"people:{seed}:{start}", rates=rates)
    weights = [
        tree.hamlet_weight(commune, hamlet)
        for commune in tree.communes
        for hamlet in commune.hamlets
    ]
    counts = iter(_spread(households, weights))
    for commune in tree.communes:
        generator.commune_population(commune, [next(counts) for _ in commune.hamlets])
        generator.flush_if_full()
    return Report(rows=generator.finish(), seconds=time.perf_counter() - started)


def households_for(assessments: int, rates: Rates = DEFAULT_RATES) -> int:
    """Households to add for about this many more assessment rows."""
    return max(0, math.ceil(assessments / rates.assessments_per_household()))


def declare_statistics(
    tree: Tree, *, seed: int = DEFAULT_SEED, rates: Rates = DEFAULT_RATES
) -> Report:
    """Declared counts for a share of the communes, every year: the registry's count raised a
    little (registries are incomplete), replacing the earlier synthetic declarations."""
    started = time.perf_counter()
    rng = random.Random(f"statistics:{seed}")  # noqa: S311
    communes = {commune.place.id: commune for commune in tree.communes}
    counted: dict[str, dict[int, int]] = {
        StatisticKind.HOUSEHOLDS: _per_commune(Household),
        StatisticKind.CLANS: _per_commune(Clan),
        StatisticKind.ORGANISATIONS: _per_commune(Organisation),
        StatisticKind.HAMLETS: {pk: len(c.hamlets) for pk, c in communes.items()},
    }
    writer = _Writer()
    table = writer.table(
        DeclaredStatistic,
        "id created_at updated_at unit_id unit_path year kind value source declared_by_id",
    )
    ids = _Ids()
    with transaction.atomic():
        DeclaredStatistic.objects.filter(unit__note=NOTE).delete()
        for pk, commune in communes.items():
            if rng.random() >= rates.declaring_share:
                continue
            for year in YEARS:
                stamp = datetime.datetime(year + 1, 1, 20, 2, tzinfo=datetime.UTC)
                for kind, counts in counted.items():
                    value = math.ceil(counts.get(pk, 0) * rng.uniform(1.0, 1.15))
                    table.add(
                        (
                            *(ids.next(DeclaredStatistic), stamp, stamp, pk, commune.place.path),
                            *(year, kind, value, f"Báo cáo thống kê năm {year}", None),
                        )
                    )
        writer.flush()
    _reset_sequences([DeclaredStatistic])
    return Report(rows=writer.written, seconds=time.perf_counter() - started)


def _per_commune(model: type[models.Model]) -> dict[int, int]:
    rows = model._default_manager.order_by().values("commune_id").annotate(n=Count("pk"))
    return {row["commune_id"]: row["n"] for row in rows}


def generate(
    shape: Shape,
    *,
    assessments: int | None = None,
    households: int | None = None,
    seed: int = DEFAULT_SEED,
    rates: Rates = DEFAULT_RATES,
) -> tuple[Tree, Report]:
    """A whole data set: the tree, its unit assessments, and the households (given, or enough
    for about `assessments` assessment rows in all), then the declared statistics. The roll-ups
    are left to the caller."""
    tree, report = create_tree(shape, seed=seed)
    report.add(add_unit_assessments(tree, seed=seed, rates=rates))
    if households is None:
        if assessments is None:
            raise ValueError("give the number of households or of assessments")
        households = households_for(assessments - Assessment.objects.count(), rates)
    report.add(add_population(tree, households=households, seed=seed, rates=rates))
    report.add(declare_statistics(tree, seed=seed, rates=rates))
    return tree, report


def grow(*, assessments: int, seed: int = DEFAULT_SEED, rates: Rates = DEFAULT_RATES) -> Report:
    """Add households to the synthetic tree until there are about `assessments` assessment rows
    in all (nothing when there are that many already); the roll-ups are left to the caller."""
    tree = load_tree()
    missing = assessments - Assessment.objects.count()
    report = Report()
    if missing > 0:
        report.add(
            add_population(tree, households=households_for(missing, rates), seed=seed, rates=rates)
        )
        report.add(declare_statistics(tree, seed=seed, rates=rates))
    return report


def written_tables() -> list[str]:
    """The tables the generator and the roll-up rebuild write (to vacuum and analyze)."""
    from django.apps import apps

    written = [
        model._meta.db_table
        for model in (
            AdminUnit,
            AdminUnitLineage,
            LearningCentre,
            Household,
            Person,
            Clan,
            Organisation,
            Assessment,
            DeclaredStatistic,
        )
    ]
    # Every roll-up table of the targets app (the title counts, and any the app adds).
    written += [model._meta.db_table for model in apps.get_app_config("targets").get_models()]
    return written


# -- writing ----------------------------------------------------------------------------------


class _Ids:
    """The next free primary keys, handed out here so rows can point at each other."""

    def __init__(self) -> None:
        self.last: dict[type[models.Model], int] = {}

    def next(self, model: type[models.Model]) -> int:
        if model not in self.last:
            self.last[model] = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
        self.last[model] += 1
        return self.last[model]


@dataclasses.dataclass
class _Table:
    model: type[models.Model]
    fields: tuple[str, ...]
    rows: list[tuple[Any, ...]] = dataclasses.field(default_factory=list)

    def add(self, row: tuple[Any, ...]) -> None:
        assert len(row) == len(self.fields), (self.model, len(row), len(self.fields))
        self.rows.append(row)


class _Writer:
    """The pending rows of several tables, written together in one transaction per flush."""

    def __init__(self) -> None:
        self.tables: list[_Table] = []
        self.written: dict[str, int] = defaultdict(int)

    def table(self, model: type[models.Model], fields: str) -> _Table:
        table = _Table(model=model, fields=tuple(fields.split()))
        self.tables.append(table)
        return table

    def flush(self) -> None:
        with transaction.atomic():
            for table in self.tables:
                if table.rows:
                    _insert(table)
                    self.written[table.model._meta.label] += len(table.rows)
                    table.rows = []


def _insert(table: _Table) -> None:
    if connection.vendor == "postgresql":
        meta = table.model._meta
        columns = ", ".join(
            connection.ops.quote_name(_column(table.model, name)) for name in table.fields
        )
        statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in table.rows:
                copy.write_row(row)
        return
    # Other databases (the tests' SQLite): the ORM converts the values.
    table.model._default_manager.bulk_create(
        (table.model(**dict(zip(table.fields, row, strict=True))) for row in table.rows),
        batch_size=500,
    )


def _column(model: type[models.Model], name: str) -> str:
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname):
            assert field.column is not None
            return field.column
    raise LookupError(f"{model._meta.label} has no field {name!r}")


def _reset_sequences(changed: Iterable[type[models.Model]]) -> None:
    """Move the id sequences past the ids handed out here (a no-op on SQLite)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(changed))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
