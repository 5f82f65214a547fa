"""Demo assessments for Xã Nông Cống and Phường Tô Hiệu, this year and last, in every state.

Unlike the registry demo this goes through the services, row by row, so the timeline, the
audit trail and the computed indicators are exactly what the pages will show. Each role's work
list gets something to do: households to score and submit (collector), submissions to review
(collector), reviews to appraise and appraisals to propose (commune official), a learning unit
(organisation head). Kept small so `seed-demo` stays fast; running it again adds nothing.
"""

from __future__ import annotations

import datetime
import io
import random
from typing import Any

from django.utils import timezone

from hoctap.accounts import services as accounts_services
from hoctap.accounts.demo import DEMO_PASSWORD
from hoctap.accounts.models import Role, User
from hoctap.adminunits.models import AdminUnit
from hoctap.assessments import services
from hoctap.assessments.models import Assessment, Deadline, State, Title
from hoctap.criteria import engine
from hoctap.registry.demo import TO_HIEU_KEY, demo_communes
from hoctap.registry.models import Household, ManagingLevel, Organisation, Person

# Illustrative deadlines (pre-2025 practice, DOMAIN §5): provinces replace them with their own.
DEADLINES = [
    (Title.LEARNING_CITIZEN, State.SUBMITTED, 11, 30, 0),
    (Title.LEARNING_FAMILY, State.SUBMITTED, 11, 30, 0),
    (Title.LEARNING_FAMILY, State.APPRAISED, 12, 20, 0),
    (Title.LEARNING_UNIT_COMMUNE, State.SUBMITTED, 12, 15, 0),
    (Title.LEARNING_COMMUNITY_COMMUNE, State.SUBMITTED, 2, 28, 1),
]
DEADLINE_SOURCE = "Minh họa theo thông lệ trước 2025 (TT 24, TT 25): tỉnh thay bằng mốc của mình"

# Where each demo family ends up this year; the rest of the hamlet stays registered.
CURRENT_PLAN = [
    State.SUBMITTED,
    State.SUBMITTED,
    State.REVIEWED,
    State.REVIEWED,
    State.REVIEWED,
    State.APPRAISED,
    State.APPRAISED,
    State.PROPOSED,
    State.RETURNED,
    State.REJECTED,
]
PREVIOUS_PLAN = [*[State.PROPOSED] * 7, State.REJECTED]
# Steps that lead to each state from a submitted self-assessment.
PATH_TO: dict[str, list[str]] = {
    State.REGISTERED: [],
    State.SUBMITTED: ["submit"],
    State.REVIEWED: ["submit", "review"],
    State.APPRAISED: ["submit", "review", "appraise"],
    State.PROPOSED: ["submit", "review", "appraise", "propose"],
    State.RETURNED: ["submit", "review", "return"],
    State.REJECTED: ["submit", "review", "reject"],
}
REASONS = {
    "return": "Chưa có ảnh minh chứng cho chỉ số về điều kiện học tập; đề nghị bổ sung.",
    "reject": "Gia đình chuyển đi nơi khác trong năm, không đủ điều kiện bình xét.",
}


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _collector_for(actor: Any, commune: AdminUnit, hamlet: AdminUnit, stdout: Any) -> User:
    """The hamlet's collector: the accounts demo made one for Nông Cống; Tô Hiệu gets one here."""
    existing = User.objects.filter(
        assignments__role=Role.COLLECTOR,
        assignments__unit=hamlet,
        assignments__revoked_at__isnull=True,
    ).first()
    if existing is not None:
        return existing
    collector = accounts_services.user_create(
        actor=actor,
        username="thon.tohieu" if commune.key == TO_HIEU_KEY else f"thon.{commune.key}",
        password=DEMO_PASSWORD,
        full_name="Quàng Văn Tính",
        role=Role.COLLECTOR,
        unit=hamlet,
    )
    stdout.write(
        f"  {collector.username:<18} {Role(Role.COLLECTOR).label} · {hamlet.name} · "
        f"{collector.full_name} (tài khoản thêm cho phần đánh giá)"
    )
    return collector


class _Seeder:
    def __init__(self, rng: random.Random, today: datetime.date, stdout: Any) -> None:
        self.rng = rng
        self.today = today
        self.stdout = stdout

    def moment(self, year: int, step: int) -> datetime.datetime:
        """When a step happened: last year's from 20/10 a week apart, this year's lately."""
        if year < self.today.year:
            day = datetime.date(year, 10, 20) + datetime.timedelta(days=7 * step)
        else:
            day = self.today - datetime.timedelta(days=max(0, 12 - 3 * step))
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))

    def answers(self, assessment: Assessment, *, weak: bool) -> dict[str, engine.Answer]:
        criteria_set = services.criteria_set_of(assessment)
        answers: dict[str, engine.Answer] = {}
        for indicator in criteria_set.indicators():
            if indicator.computed is not None:
                continue
            if criteria_set.mode == "points":
                top = int(indicator.max_points or 0)
                answers[indicator.code] = self.rng.randint(max(0, top - 2), top)
            else:
                answers[indicator.code] = True
        if weak:
            answers[next(iter(answers))] = 4 if criteria_set.mode == "points" else False
        return answers

    def drive(
        self,
        assessment: Assessment,
        target: str,
        *,
        entry: User,
        reviewer: User,
        appraiser: User,
        weak: bool = False,
        reason: str = "",
        late: bool = False,
    ) -> Assessment:
        """Score the assessment and take it through the steps to the target state."""
        assessment = services.scores_save(
            actor=entry,
            assessment=assessment,
            version=assessment.version,
            answers=self.answers(assessment, weak=weak),
            notes={},
        )
        if assessment.household_id is not None:
            self.attach_photo(assessment, entry)
        for step, action in enumerate(PATH_TO[target]):
            actor = {"submit": entry, "review": reviewer}.get(action, appraiser)
            assessment = services.transition(
                actor=actor,
                assessment=assessment,
                action=action,
                version=assessment.version,
                reason=reason or REASONS.get(action, ""),
                now=self.moment(assessment.year, step + (6 if late else 0)),
            )
        return assessment

    def attach_photo(self, assessment: Assessment, actor: User) -> None:
        """A small generated photo as evidence of the first indicator, as a phone would send."""
        from PIL import Image, ImageDraw

        from hoctap.assessments.evidence import evidence_attach

        image = Image.new("RGB", (640, 480), (230, 240, 250))
        draw = ImageDraw.Draw(image)
        shade = self.rng.randint(60, 180)
        draw.rectangle((40, 60, 600, 420), outline=(20, 60, shade), width=6)
        draw.text((60, 80), f"Minh chung {assessment.pk}", fill=(20, 40, 80))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
        buffer.seek(0)
        indicator = next(iter(services.criteria_set_of(assessment).indicators())).code
        evidence_attach(
            actor=actor,
            assessment=assessment,
            indicator=indicator,
            upload=buffer,
            name=f"anh-minh-chung-{assessment.pk}.jpg",
        )

    def commune(self, commune: AdminUnit, official: User, head: User | None) -> dict[str, int]:
        hamlet = _first_hamlet_with_households(commune)
        collector = _collector_for(official, commune, hamlet, self.stdout)
        counts = {"citizens": 0, "families": 0}
        for year, plan in ((self.today.year - 1, PREVIOUS_PLAN), (self.today.year, CURRENT_PLAN)):
            families = list(
                Household.objects.filter(hamlet=hamlet)
                .select_related("head")
                .order_by("code")[: len(plan)]
            )
            # Adults of the families that will pass are learning citizens first (proposed), so
            # the families' computed indicator has something to count.
            for household, target in zip(families, plan, strict=True):
                for person in Person.objects.filter(household=household, is_adult=True):
                    citizen = services.assessment_register(
                        actor=collector, title=Title.LEARNING_CITIZEN, year=year, subject=person
                    )
                    citizen_target = State.PROPOSED if target != State.REJECTED else State.SUBMITTED
                    self.drive(
                        citizen,
                        citizen_target,
                        entry=collector,
                        reviewer=collector,
                        appraiser=official,
                    )
                    counts["citizens"] += 1
            if year == self.today.year:
                # This year the whole hamlet registered at the start of the year.
                services.assessment_bulk_register(
                    actor=collector, title=Title.LEARNING_FAMILY, year=year, hamlet=hamlet
                )
            for household, target in zip(families, plan, strict=True):
                family = Assessment.objects.filter(
                    title=Title.LEARNING_FAMILY, year=year, household=household
                ).first() or services.assessment_register(
                    actor=collector, title=Title.LEARNING_FAMILY, year=year, subject=household
                )
                rejected = target == State.REJECTED
                self.drive(
                    family,
                    target,
                    entry=collector,
                    reviewer=collector,
                    appraiser=official,
                    weak=rejected,
                    # Last year's rejected family had also submitted after the deadline.
                    late=rejected and year < self.today.year,
                )
                counts["families"] += 1
            if head is not None:
                self.organisation(commune, year, head, official)
        return counts

    def organisation(self, commune: AdminUnit, year: int, head: User, official: User) -> None:
        organisation = (
            Organisation.objects.filter(commune=commune, managing_level=ManagingLevel.COMMUNE)
            .order_by("search_name")
            .first()
        )
        if organisation is None:
            return
        unit = services.assessment_register(
            actor=head, title=Title.LEARNING_UNIT_COMMUNE, year=year, subject=organisation
        )
        # Its members are not learning citizens in the demo, so last year's dossier was rejected
        # on the computed indicator; this year's waits for the unit's evaluation team (its head).
        target = State.REJECTED if year < self.today.year else State.SUBMITTED
        self.drive(
            unit,
            target,
            entry=head,
            reviewer=head,
            appraiser=official,
            reason="Tỷ lệ thành viên đạt danh hiệu Công dân học tập dưới 70%.",
        )


def _first_hamlet_with_households(commune: AdminUnit) -> AdminUnit:
    hamlet_id = (
        Household.objects.filter(commune=commune, hamlet__isnull=False)
        .order_by("hamlet__key")
        .values_list("hamlet_id", flat=True)
        .first()
    )
    assert hamlet_id is not None, "the registry demo runs first"
    return AdminUnit.objects.get(pk=hamlet_id)


def seed(*, actor: Any, stdout: Any) -> None:
    """Add demo assessments to Xã Nông Cống and Phường Tô Hiệu unless they already have some."""
    for title, step, month, day, offset in DEADLINES:
        Deadline.objects.get_or_create(
            title=title,
            step=step,
            province=None,
            defaults={"month": month, "day": day, "year_offset": offset, "source": DEADLINE_SOURCE},
        )
    seeder = _Seeder(random.Random(2026), timezone.localdate(), stdout)  # noqa: S311 - demo data
    officials = {"xa.nongcong": "donvi.nongcong", "xa.tohieu": ""}
    communes = [commune for commune, _profile in demo_communes()][:2]
    for commune, (official_name, head_name) in zip(communes, officials.items(), strict=True):
        official = _user(official_name)
        if official is None or Assessment.objects.filter(commune=commune).exists():
            continue
        counts = seeder.commune(commune, official, _user(head_name) if head_name else None)
        stdout.write(
            f"Đánh giá {commune.name}: {counts['citizens']} công dân học tập, "
            f"{counts['families']} gia đình học tập qua các bước (năm nay và năm trước), "
            "các hộ còn lại của thôn đã đăng ký."
        )
