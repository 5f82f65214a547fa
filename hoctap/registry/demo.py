"""Demo registry for three communes: households with their members, organisations of every
kind, clans spanning hamlets, a community learning centre and declared statistics.

Xã Nông Cống (Thanh Hóa, which now holds old Xã Vạn Hòa) is Kinh; Phường Tô Hiệu (Sơn La)
is an urban ward of Kinh and Thái; Xã Mường Giôn (Sơn La) has Thái and Mông villages.
This is seed data, not a business write: rows go in with bulk_create for speed, with
`unit_path` and `search_name` computed exactly as `hoctap.registry.services` does, and one
audit event per commune seeded.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections import Counter, defaultdict
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from hoctap.adminunits.models import AdminUnit, Kind, Level
from hoctap.adminunits.selectors import unit_successors_now
from hoctap.core.services import audit_event_record
from hoctap.core.text import search_key
from hoctap.registry.cccd import cccd_problems, century_sex_digit
from hoctap.registry.models import (
    CentreActivity,
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

VAN_HOA_OLD_KEY = "old-16327"
TO_HIEU_KEY = "03646"
MUONG_GION_KEY = "03694"


@dataclasses.dataclass(frozen=True)
class People:
    """How one ethnic group names its sons and daughters."""

    ethnicity: str
    family_names: tuple[tuple[str, int], ...]  # name, weight
    male_middle: tuple[str, ...]
    female_middle: tuple[str, ...]
    male_given: tuple[str, ...]
    female_given: tuple[str, ...]
    # Kinh clans are told apart by the middle name too (họ Lê Đình, họ Lê Văn).
    clan_by_middle_name: bool = False


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _weighted_names(text: str) -> tuple[tuple[str, int], ...]:
    """Pairs of name and weight from text like "Nguyễn 30, Lê 20"."""
    pairs = (item.rsplit(" ", 1) for item in text.split(", "))
    return tuple((name, int(weight)) for name, weight in pairs)


KINH = People(
    ethnicity="Kinh",
    family_names=_weighted_names(
        "Nguyễn 30, Lê 20, Trịnh 9, Hoàng 6, Đỗ 6, Phạm 6, Trần 5, Mai 4, Vũ 4, Đặng 3, "
        "Bùi 3, Lại 2, Đinh 2"
    ),
    male_middle=_words("Văn Văn Văn Đức Minh Quang Xuân Hữu Công Đình"),
    female_middle=_words("Thị Thị Thị Thu Ngọc Thanh Minh Hồng Phương"),
    male_given=_words(
        "Hùng Dũng Thắng Minh Nam Long Phong Khánh Tuấn Sơn Hải Cường Trung Hiếu Đạt Tùng "
        "Bình Toàn Lâm Huy Kiên Thành Quân Vinh Tiến Hưng Lợi Chiến Hoàng Phúc"
    ),
    female_given=_words(
        "Lan Hoa Mai Hương Thảo Ngọc Hà Linh Trang Hằng Nga Yến Thủy Hạnh Dung Huyền Phương "
        "Loan Nhung Vân Liên Oanh Thơm Duyên Tâm Quyên Chi Anh"
    ),
    clan_by_middle_name=True,
)
THAI = People(
    ethnicity="Thái",
    family_names=_weighted_names(
        "Lò 20, Cầm 12, Quàng 12, Lường 12, Hà 8, Vì 8, Tòng 6, Điêu 5, Lèo 4, Bạc 4, Sa 3, Mè 3"
    ),
    male_middle=("Văn",),
    female_middle=("Thị",),
    male_given=_words(
        "Phanh Khăm Tính Xương Pọm Thoong Hặc Piệng Chựa Ngoan Duy Hùng Biên Hoàn Thiêm Inh "
        "Dũng Quyết Ban Xôm Tuấn"
    ),
    female_given=_words(
        "Ún Én Pâng Xuân Ỏm Thoa Nhung Hoa Mai Kim Lả Ngọc Tiên Ọi Thương Hươn Phương Lan Doan Bun"
    ),
)
MONG = People(
    ethnicity="Mông",
    family_names=_weighted_names(
        "Giàng 20, Sùng 15, Mùa 15, Vàng 12, Thào 10, Lầu 8, Lý 6, Hạng 5, Tráng 4, Lù 5"
    ),
    male_middle=("A",),
    female_middle=("Thị",),
    male_given=_words("Páo Dơ Chứ Tủa Lử Sình Pó Của Súa Dế Nhè Chông Tồng Lềnh Vàng Chía Xá Dính"),
    female_given=_words("Mỷ Sua Dở Pả Mai Say Dua Chá Súa Lan Mò Xúa Dợ Máy Sông"),
)


@dataclasses.dataclass(frozen=True)
class Profile:
    """Who lives in a demo commune and what it runs."""

    peoples: tuple[tuple[People, int], ...]  # people of a hamlet, weight
    cccd_province: str  # province of birth registration in CCCDs (038 Thanh Hóa, 014 Sơn La)
    households_per_hamlet: tuple[int, int]
    enterprise: str
    cooperative: str
    production: str
    statistics_office: str


NONG_CONG = Profile(
    peoples=((KINH, 1),),
    cccd_province="038",
    households_per_hamlet=(110, 170),
    enterprise="Công ty TNHH May mặc Vạn Hòa",
    cooperative="Hợp tác xã Dịch vụ nông nghiệp Vạn Hòa",
    production="Cơ sở sản xuất gạch không nung Vạn Thắng",
    statistics_office="Chi cục Thống kê tỉnh Thanh Hóa",
)
TO_HIEU = Profile(
    peoples=((KINH, 2), (THAI, 1)),
    cccd_province="014",
    households_per_hamlet=(70, 120),
    enterprise="Công ty Cổ phần Thương mại Tô Hiệu",
    cooperative="Hợp tác xã Dịch vụ tổng hợp Tô Hiệu",
    production="Cơ sở chế biến cà phê Chiềng Lề",
    statistics_office="Chi cục Thống kê tỉnh Sơn La",
)
MUONG_GION = Profile(
    peoples=((THAI, 5), (MONG, 2)),
    cccd_province="014",
    households_per_hamlet=(55, 95),
    enterprise="Công ty Cổ phần Thủy điện Nậm Giôn",
    cooperative="Hợp tác xã Chè Mường Giôn",
    production="Cơ sở dệt thổ cẩm Mường Giôn",
    statistics_office="Chi cục Thống kê tỉnh Sơn La",
)
HOUSEHOLD_SIZES = ((2, 20), (3, 25), (4, 28), (5, 17), (6, 10))
OFFICIAL_KINDS = (
    OrganisationKind.STATE_AGENCY,
    OrganisationKind.PUBLIC_SERVICE,
    OrganisationKind.SCHOOL,
    OrganisationKind.ARMED_FORCES,
)
WORKER_KINDS = (
    OrganisationKind.ENTERPRISE,
    OrganisationKind.COOPERATIVE,
    OrganisationKind.PRODUCTION,
)


def _weighted(rng: random.Random, choices: tuple[tuple[Any, int], ...]) -> Any:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


@dataclasses.dataclass
class Member:
    """One person of a generated household, before it becomes a Person row."""

    relation: str
    sex: str
    age: int
    family_name: str
    people: People
    full_name: str = ""


class _Household:
    def __init__(self, hamlet: AdminUnit, code: str, address: str, members: list[Member]) -> None:
        self.hamlet = hamlet
        self.code = code
        self.address = address
        self.members = members


def _name(rng: random.Random, member: Member, taken: set[str]) -> str:
    people = member.people
    male = member.sex == Sex.MALE
    for _attempt in range(10):
        name = " ".join(
            (
                member.family_name,
                rng.choice(people.male_middle if male else people.female_middle),
                rng.choice(people.male_given if male else people.female_given),
            )
        )
        if name not in taken:
            break
    taken.add(name)
    return name


def _members(rng: random.Random, people: People, size: int) -> list[Member]:
    """A household of `size`: a couple, their children, and parents or grandchildren."""

    def family() -> str:
        name: str = _weighted(rng, people.family_names)
        return name

    female_head = rng.random() < 0.12
    head_sex, spouse_sex = (Sex.FEMALE, Sex.MALE) if female_head else (Sex.MALE, Sex.FEMALE)
    lineage = family()  # the children's family name: the father's
    three_generations = size >= 5 and rng.random() < 0.5
    head_age = rng.randint(52, 74) if three_generations else rng.randint(24, 50)
    if size == 2 and rng.random() < 0.5:
        head_age = rng.randint(55, 82)  # an older couple whose children have left
    head_family = lineage if head_sex == Sex.MALE else family()
    spouse_family = family() if head_sex == Sex.MALE else lineage
    spouse_age = max(18, head_age + rng.randint(-6, 3))
    members = [
        Member(Relation.HEAD, head_sex, head_age, head_family, people),
        Member(Relation.SPOUSE, spouse_sex, spouse_age, spouse_family, people),
    ]
    if three_generations:
        son_age = head_age - rng.randint(22, 30)
        members.append(Member(Relation.CHILD, Sex.MALE, son_age, lineage, people))
        members.append(
            Member(Relation.CHILD_IN_LAW, Sex.FEMALE, son_age - rng.randint(0, 4), family(), people)
        )
        for _ in range(size - 4):
            age = rng.randint(0, max(0, son_age - 20))
            members.append(
                Member(Relation.GRANDCHILD, rng.choice(Sex.values), age, lineage, people)
            )
        return members
    young_parents = head_age < 50
    children = size - 2 - (1 if young_parents and size >= 5 else 0)
    oldest = min(head_age - 20, 30)
    for number in range(children):
        age = max(0, oldest - number * rng.randint(2, 5))
        members.append(Member(Relation.CHILD, rng.choice(Sex.values), age, lineage, people))
    if young_parents and size >= 5:
        # The head's widowed father or mother lives with them.
        sex = rng.choice(Sex.values)
        age = min(95, head_age + rng.randint(22, 32))
        members.append(
            Member(Relation.PARENT, sex, age, head_family if sex == Sex.MALE else family(), people)
        )
    return members


def _hamlet_households(
    rng: random.Random, hamlet: AdminUnit, number: int, profile: Profile, urban: bool
) -> list[_Household]:
    main_people: People = _weighted(rng, profile.peoples)
    count = rng.randint(*profile.households_per_hamlet)
    households = []
    for serial in range(1, count + 1):
        # A few households of another people live in most hamlets.
        people = main_people if rng.random() < 0.9 else _weighted(rng, profile.peoples)
        members = _members(rng, people, _weighted(rng, HOUSEHOLD_SIZES))
        taken: set[str] = set()
        for member in members:
            member.full_name = _name(rng, member, taken)
        if urban:
            address = f"Số {rng.randint(1, 180)}, {hamlet.name}"
        else:
            address = f"{hamlet.name}, xóm {serial % 7 + 1}"
        households.append(_Household(hamlet, f"H{number:02d}-{serial:03d}", address, members))
    return households


def _place_name(commune: AdminUnit) -> str:
    """The place without its kind: Nông Cống for Xã Nông Cống."""
    return commune.name.split(" ", 1)[1] if " " in commune.name else commune.name


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _organisations(commune: AdminUnit, profile: Profile, rng: random.Random) -> list[Organisation]:
    place = _place_name(commune)
    council = _lower_first(commune.name)
    commune_level, province_level = ManagingLevel.COMMUNE, ManagingLevel.PROVINCE
    specs: list[tuple[str, str, str, int | None]] = [
        (f"Ủy ban nhân dân {council}", OrganisationKind.STATE_AGENCY, commune_level, None),
        (f"Trạm Y tế {council}", OrganisationKind.PUBLIC_SERVICE, commune_level, None),
        (f"Trường Mầm non {place}", OrganisationKind.SCHOOL, commune_level, None),
        (f"Trường Tiểu học {place}", OrganisationKind.SCHOOL, commune_level, None),
        (f"Trường THCS {place}", OrganisationKind.SCHOOL, commune_level, None),
        (profile.enterprise, OrganisationKind.ENTERPRISE, province_level, rng.randint(120, 420)),
        (profile.cooperative, OrganisationKind.COOPERATIVE, commune_level, rng.randint(25, 90)),
        (profile.production, OrganisationKind.PRODUCTION, commune_level, rng.randint(8, 30)),
        (f"Ban Chỉ huy Quân sự {council}", OrganisationKind.ARMED_FORCES, commune_level, 18),
        (f"Công an {council}", OrganisationKind.ARMED_FORCES, province_level, rng.randint(10, 22)),
        (f"Hội Khuyến học {council}", OrganisationKind.OTHER, commune_level, rng.randint(300, 900)),
    ]
    return [
        Organisation(
            commune=commune,
            hamlet=None,
            unit_path=commune.path,
            name=name,
            search_name=search_key(name),
            kind=kind,
            managing_level=level,
            member_count=member_count,
        )
        for name, kind, level, member_count in specs
    ]


class _Seeder:
    """Seeds one commune; keeps the random source, today's date and CCCDs already used."""

    def __init__(
        self, rng: random.Random, today: datetime.date, taken_cccds: set[str], actor: Any
    ) -> None:
        self.rng = rng
        self.today = today
        self.taken_cccds = taken_cccds
        self.actor = actor

    def cccd(self, profile: Profile, birth_year: int, sex: str) -> str:
        while True:
            serial = self.rng.randint(0, 999_999)
            digit = century_sex_digit(birth_year, sex)
            number = f"{profile.cccd_province}{digit}{birth_year % 100:02d}{serial:06d}"
            if number not in self.taken_cccds:
                self.taken_cccds.add(number)
                assert not cccd_problems(number, birth_year=birth_year, sex=sex)
                return number

    def birth(self, age: int) -> tuple[datetime.date | None, int]:
        year = self.today.year - age
        if self.rng.random() < 0.3:
            return None, year  # only the year is known
        day = datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randint(0, 364))
        return min(day, self.today), year

    def person(
        self,
        member: Member,
        household: Household,
        profile: Profile,
        organisations: dict[str, list[Organisation]],
    ) -> Person:
        rng = self.rng
        birth_date, birth_year = self.birth(member.age)
        age = self.today.year - birth_year
        adult = age >= 18
        organisation: Organisation | None = None
        target_group = TargetGroup.RESIDENT
        is_worker = False
        if 3 <= age <= 14:
            target_group = TargetGroup.LEARNER
            school = 0 if age <= 5 else 1 if age <= 10 else 2
            organisation = organisations[OrganisationKind.SCHOOL][school]
        elif 15 <= age <= 22 and rng.random() < 0.6:
            target_group = TargetGroup.LEARNER  # upper secondary, college or university
        elif 18 <= age <= 60:
            is_worker = rng.random() < 0.75
            roll = rng.random()
            if roll < 0.05:
                target_group = TargetGroup.OFFICIAL
                organisation = rng.choice(
                    [org for kind in OFFICIAL_KINDS for org in organisations[kind]]
                )
            elif is_worker and roll < 0.2:
                target_group = TargetGroup.WORKER
                organisation = rng.choice(
                    [org for kind in WORKER_KINDS for org in organisations[kind]]
                )
        if age < 10:
            skill = DigitalSkill.NONE
        else:
            proficient, basic = (
                (0.15, 0.6) if age < 18 else
                (0.3, 0.5) if age <= 40 else
                (0.08, 0.4) if age <= 60 else
                (0.0, 0.12)
            )  # fmt: skip
            roll = rng.random()
            skill = (
                DigitalSkill.PROFICIENT
                if roll < proficient
                else DigitalSkill.BASIC
                if roll < proficient + basic
                else DigitalSkill.NONE
            )
        head = member.relation == Relation.HEAD
        phone = ""
        if adult and ((head and rng.random() < 0.85) or rng.random() < 0.35):
            phone = rng.choice(("09", "03", "08")) + f"{rng.randint(0, 99_999_999):08d}"
        return Person(
            commune_id=household.commune_id,
            hamlet_id=household.hamlet_id,
            unit_path=household.unit_path,
            household=household,
            full_name=member.full_name,
            search_name=search_key(member.full_name),
            sex=member.sex,
            birth_date=birth_date,
            birth_year=birth_year,
            ethnicity=member.people.ethnicity,
            cccd=self.cccd(profile, birth_year, member.sex)
            if adult and rng.random() < 0.5
            else None,
            phone=phone,
            relation=member.relation,
            organisation=organisation,
            target_group=target_group,
            is_worker=is_worker,
            is_adult=adult,
            digital_skill=skill,
        )

    def seed(self, commune: AdminUnit, profile: Profile) -> dict[str, int]:
        rng = self.rng
        hamlets = list(
            AdminUnit.objects.current().filter(parent=commune, level=Level.HAMLET).order_by("key")
        )
        urban = commune.kind == Kind.WARD
        created_organisations = Organisation.objects.bulk_create(
            _organisations(commune, profile, rng)
        )
        by_kind: dict[str, list[Organisation]] = defaultdict(list)
        for organisation in created_organisations:
            by_kind[organisation.kind].append(organisation)

        generated: list[_Household] = []
        for number, hamlet in enumerate(hamlets, start=1):
            generated.extend(_hamlet_households(rng, hamlet, number, profile, urban))
        households: list[Household] = []
        people: list[Person] = []
        for item in generated:
            household = Household(
                commune=commune,
                hamlet=item.hamlet,
                unit_path=item.hamlet.path,
                code=item.code,
                search_name=search_key(item.code),
                address=item.address,
            )
            members = [self.person(member, household, profile, by_kind) for member in item.members]
            household.phone = members[0].phone  # the head's
            households.append(household)
            people.extend(members)
        # People point at their household object; bulk_create copies its new id across.
        Household.objects.bulk_create(households, batch_size=1000)
        Person.objects.bulk_create(people, batch_size=1000)
        heads = {
            p.household_id: p
            for p in people
            if p.relation == Relation.HEAD and p.household_id is not None
        }
        Household.objects.filter(commune=commune).update(
            head=Subquery(
                Person.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD).values(
                    "pk"
                )[:1]
            )
        )

        # Each organisation's head is its oldest adult member, when it has one.
        staff: dict[int, list[Person]] = defaultdict(list)
        for person in people:
            if person.organisation_id and person.is_adult:
                staff[person.organisation_id].append(person)
        for organisation in created_organisations:
            if staff[organisation.pk]:
                oldest = min(staff[organisation.pk], key=lambda p: p.birth_year)
                Organisation.objects.filter(pk=organisation.pk).update(head=oldest)

        clans = self.clans(commune, generated, households, heads)
        centre = self.learning_centre(commune, people)
        counts = {
            "hamlets": len(hamlets),
            "households": len(households),
            "people": len(people),
            "adults": sum(1 for p in people if p.is_adult),
            "workers": sum(1 for p in people if p.is_worker),
            "officials": sum(1 for p in people if p.target_group == TargetGroup.OFFICIAL),
            "with_cccd": sum(1 for p in people if p.cccd),
            "organisations": len(created_organisations),
            "commune_organisations": sum(
                1 for o in created_organisations if o.managing_level == ManagingLevel.COMMUNE
            ),
            "clans": clans,
        }
        self.statistics(commune, hamlets, households, people, counts, profile)
        audit_event_record(
            actor=self.actor,
            action="registry.demo_seed",
            obj=commune,
            unit_path=commune.path,
            data={**counts, "centre": centre.pk},
        )
        return counts

    def clans(
        self,
        commune: AdminUnit,
        generated: list[_Household],
        households: list[Household],
        heads: dict[int, Person],
    ) -> int:
        """Clans of the commonest lineages; each takes most of its households, in any hamlet."""
        lineages: dict[str, list[Household]] = defaultdict(list)
        for item, household in zip(generated, households, strict=True):
            head = item.members[0]
            words = head.full_name.split()
            lineage = " ".join(words[:2]) if head.people.clan_by_middle_name else words[0]
            if head.sex == Sex.MALE:
                lineages[lineage].append(household)
        largest = sorted(lineages.items(), key=lambda pair: (-len(pair[1]), pair[0]))[:9]
        through = Clan.households.through
        memberships: list[Any] = []
        for lineage, members in largest:
            if len({household.hamlet_id for household in members}) < 2:
                continue
            chosen = [household for household in members if self.rng.random() < 0.8]
            elder = min((heads[h.pk] for h in chosen), key=lambda person: person.birth_year)
            name = f"Dòng họ {lineage}"
            clan = Clan.objects.create(
                commune=commune,
                unit_path=commune.path,
                name=name,
                search_name=search_key(name),
                representative=elder,
                promotion_board=(
                    f"Trưởng ban: {elder.full_name}; phó ban và {self.rng.randint(3, 7)} ủy viên "
                    "do các chi họ cử."
                ),
                fund_amount=self.rng.randint(5, 90) * 1_000_000,
            )
            memberships.extend(
                through(clan_id=clan.pk, household_id=household.pk) for household in chosen
            )
        through.objects.bulk_create(memberships, batch_size=1000)
        return len({membership.clan_id for membership in memberships})

    def learning_centre(self, commune: AdminUnit, people: list[Person]) -> LearningCentre:
        name = f"Trung tâm học tập cộng đồng {_lower_first(commune.name)}"
        # Usually a vice-chair of the commune's people's committee directs the centre.
        officials = [p for p in people if p.target_group == TargetGroup.OFFICIAL and p.is_adult]
        population = len(people)
        centre = LearningCentre.objects.create(
            commune=commune,
            unit_path=commune.path,
            name=name,
            search_name=search_key(name),
            director=self.rng.choice(officials).full_name if officials else "",
            staff_count=self.rng.randint(3, 6),
            association_leader_manages=True,
            uses_it=True,
            has_own_room=self.rng.random() < 0.6,
            has_internet=self.rng.random() < 0.8,
        )
        notes = {
            2023: "Lớp kỹ thuật trồng trọt, chăn nuôi; xóa mù chữ",
            2024: "Thêm lớp kỹ năng số cho người dân",
            2025: "Chuyển đổi số, an toàn thông tin, ứng dụng VNeID",
        }
        CentreActivity.objects.bulk_create(
            CentreActivity(
                centre=centre,
                year=year,
                activity_count=self.rng.randint(18, 30) + 6 * (year - 2023),
                attendance=int(
                    population * self.rng.uniform(0.12, 0.2) * (1 + 0.1 * (year - 2023))
                ),
                note=note,
            )
            for year, note in notes.items()
        )
        return centre

    def statistics(
        self,
        commune: AdminUnit,
        hamlets: list[AdminUnit],
        households: list[Household],
        people: list[Person],
        counts: dict[str, int],
        profile: Profile,
    ) -> None:
        """What the commune and its hamlets declared for 2024 and 2025, from statistics."""
        sources = {
            2024: f"{profile.statistics_office}, số liệu ngày 31/12/2024",
            2025: f"Báo cáo thống kê của UBND {_lower_first(commune.name)}, tháng 6/2025",
        }
        declared: dict[str, int] = {
            StatisticKind.HOUSEHOLDS: counts["households"] + self.rng.randint(0, 25),
            StatisticKind.CLANS: counts["clans"] + self.rng.randint(2, 6),
            StatisticKind.HAMLETS: counts["hamlets"],
            StatisticKind.ORGANISATIONS: counts["commune_organisations"],
            StatisticKind.WORKERS: counts["workers"] + self.rng.randint(0, 60),
            StatisticKind.ADULTS: counts["adults"] + self.rng.randint(0, 40),
            StatisticKind.OFFICIALS: counts["officials"] + self.rng.randint(20, 45),
            StatisticKind.ASSOCIATION_STAFF: self.rng.randint(5, 9),
            StatisticKind.CENTRES: 1,
        }
        per_hamlet: dict[int, Counter[str]] = defaultdict(Counter)
        for household in households:
            assert household.hamlet_id is not None
            per_hamlet[household.hamlet_id][StatisticKind.HOUSEHOLDS] += 1
        for person in people:
            if person.is_adult and person.hamlet_id is not None:
                per_hamlet[person.hamlet_id][StatisticKind.ADULTS] += 1
        rows = []
        for year, source in sources.items():
            # A year earlier the commune was a little smaller.
            shrink = 0.985 if year == 2024 else 1.0
            for kind, value in declared.items():
                growing = kind in (
                    StatisticKind.HOUSEHOLDS,
                    StatisticKind.WORKERS,
                    StatisticKind.ADULTS,
                )
                rows.append(
                    DeclaredStatistic(
                        unit=commune,
                        unit_path=commune.path,
                        year=year,
                        kind=kind,
                        value=round(value * shrink) if growing else value,
                        source=source,
                        declared_by=self.actor,
                    )
                )
            for hamlet in hamlets:
                for kind, value in per_hamlet[hamlet.pk].items():
                    rows.append(
                        DeclaredStatistic(
                            unit=hamlet,
                            unit_path=hamlet.path,
                            year=year,
                            kind=kind,
                            value=round(value * shrink),
                            source=source,
                            declared_by=self.actor,
                        )
                    )
        DeclaredStatistic.objects.bulk_create(rows, batch_size=1000)


def demo_communes() -> list[tuple[AdminUnit, Profile]]:
    """The three demo communes and who lives there."""
    nong_cong = unit_successors_now(unit=AdminUnit.objects.get(key=VAN_HOA_OLD_KEY))[0]
    to_hieu = AdminUnit.objects.get(key=TO_HIEU_KEY)
    muong_gion = AdminUnit.objects.get(key=MUONG_GION_KEY)
    return [(nong_cong, NONG_CONG), (to_hieu, TO_HIEU), (muong_gion, MUONG_GION)]


def seed(*, actor: Any, stdout: Any) -> None:
    """Add the demo registry to each demo commune that has no households yet."""
    rng = random.Random(2026)  # noqa: S311 - demo data, not secrets
    seeder = _Seeder(
        rng,
        timezone.localdate(),
        {cccd for cccd in Person.objects.values_list("cccd", flat=True) if cccd},
        actor,
    )
    stdout.write("")
    for commune, profile in demo_communes():
        if Household.objects.filter(commune=commune).exists():
            continue
        counts = seeder.seed(commune, profile)
        stdout.write(
            f"Sổ hộ {commune.name}: {counts['households']} hộ, {counts['people']} nhân khẩu "
            f"({counts['with_cccd']} có CCCD) ở {counts['hamlets']} thôn, tổ; "
            f"{counts['organisations']} đơn vị, {counts['clans']} dòng họ, 1 trung tâm học tập "
            "cộng đồng."
        )
