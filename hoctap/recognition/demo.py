"""Demo recognition: last year's citizens and families of Xã Nông Cống and Phường Tô Hiệu that
were proposed for recognition are recognised by their commune in January, one decision per
title, and one family's certificate is revoked afterwards.

Like the assessments demo this goes through the services as the commune officials, so the
decisions, serials, signatures, timelines and audit trail are exactly what the pages show.
Running it again adds nothing: a commune that already issued decisions is left alone.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.utils import timezone

from hoctap.accounts.models import Role, User
from hoctap.adminunits.models import AdminUnit
from hoctap.assessments.models import Assessment, State, Title
from hoctap.recognition import services
from hoctap.recognition.models import Certificate, Decision


@dataclasses.dataclass(frozen=True)
class Committee:
    """How a demo commune's people's committee signs and numbers its January decisions."""

    official: str  # the demo account that enters the decisions
    signer_name: str  # the chair (invented, like every demo name)
    day: int  # the day of January the decisions are dated
    first_number: int  # numbers restart each year; a few went to other business first


COMMITTEES = [
    Committee(official="xa.nongcong", signer_name="Lê Đình Tuấn", day=12, first_number=14),
    Committee(official="xa.tohieu", signer_name="Lò Văn Hải", day=15, first_number=9),
]

SHARED_BASES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
    "Căn cứ Quyết định số 1373/QĐ-TTg ngày 30 tháng 7 năm 2021 của Thủ tướng Chính phủ phê "
    "duyệt Đề án “Xây dựng xã hội học tập giai đoạn 2021 - 2030”;",
]
TITLE_BASES: dict[str, str] = {
    Title.LEARNING_CITIZEN: "Căn cứ Quyết định số 324/QĐ-KHVN ngày 25 tháng 10 năm 2023 của "
    "Trung ương Hội Khuyến học Việt Nam ban hành Bộ tiêu chí đánh giá, công nhận "
    "“Công dân học tập”;",
    Title.LEARNING_FAMILY: "Căn cứ hướng dẫn của Trung ương Hội Khuyến học Việt Nam về đánh "
    "giá, công nhận danh hiệu “Gia đình học tập” giai đoạn 2021 - 2030;",
}
REVOCATION_REASON = (
    "Qua kiểm tra sau công nhận, gia đình có con trong độ tuổi đi học đã bỏ học từ tháng 9 năm "
    "trước, không đáp ứng tiêu chí về việc học tập của trẻ em trong gia đình."
)


def _lower_first(name: str) -> str:
    """“xã Nông Cống” for “Xã Nông Cống”, as it reads inside a sentence."""
    return name[:1].lower() + name[1:]


def _draft(
    committee: Committee,
    commune: AdminUnit,
    title: str,
    year: int,
    number: int,
    issued_on: datetime.date,
) -> services.DecisionDraft:
    bases = [*SHARED_BASES]
    if title in TITLE_BASES:
        bases.append(TITLE_BASES[title])
    place = _lower_first(commune.name)
    return services.DecisionDraft(
        number=number,
        issued_on=issued_on,
        signer_name=committee.signer_name,
        # Written out in Vietnamese: a decision is a Vietnamese document whatever the UI says.
        subject_line=f"Về việc công nhận danh hiệu “{Title(title).label}” năm {year}",
        legal_bases="\n".join(bases),
        body=f"Theo đề nghị của Chủ tịch Hội Khuyến học {place}.",
        recipients="\n".join(
            [
                "Như Điều 3;",
                f"Thường trực Đảng ủy, HĐND {place};",
                "Hội Khuyến học tỉnh;",
                "Lưu: VT.",
            ]
        ),
    )


def _commune_of(official: User) -> AdminUnit | None:
    assignment = (
        official.assignments.active()
        .filter(role=Role.COMMUNE_OFFICIAL)
        .select_related("unit")
        .first()
    )
    return assignment.unit if assignment is not None else None


def _recognise(
    committee: Committee, official: User, commune: AdminUnit, today: datetime.date
) -> list[Decision]:
    """One decision per title over the commune's passed assessments proposed last year."""
    year = today.year - 1
    issued_on = datetime.date(today.year, 1, committee.day)
    proposed = Assessment.objects.filter(
        commune=commune, year=year, state=State.PROPOSED, passed=True
    )
    decisions = []
    number = committee.first_number
    for title in Title.values:
        ids = list(proposed.filter(title=title).values_list("pk", flat=True))
        if not ids:
            continue
        decisions.append(
            services.decision_issue(
                actor=official,
                authority=commune,
                title=title,
                year=year,
                assessment_ids=ids,
                draft=_draft(committee, commune, title, year, number, issued_on),
            )
        )
        number += 1
    return decisions


def _revoke_one(
    committee: Committee,
    official: User,
    commune: AdminUnit,
    decisions: list[Decision],
    today: datetime.date,
) -> Decision | None:
    """Revoke the first family's certificate, in March (or as soon as the demo date allows)."""
    families = [d for d in decisions if d.title == Title.LEARNING_FAMILY]
    if not families:
        return None
    certificate = Certificate.objects.filter(decision=families[0]).order_by("serial_number").first()
    if certificate is None:
        return None
    on = max(certificate.issued_on, min(datetime.date(today.year, 3, 10), today))
    draft = dataclasses.replace(
        _draft(
            committee,
            commune,
            certificate.title,
            certificate.year,
            services.next_decision_number(commune, on),
            on,
        ),
        reason=REVOCATION_REASON,
        subject_line=f"Về việc thu hồi danh hiệu “{Title(certificate.title).label}” năm "
        f"{certificate.year}",
        body=f"Theo đề nghị của Chủ tịch Hội Khuyến học {_lower_first(commune.name)} "
        "sau kiểm tra hồ sơ.",
    )
    return services.certificates_revoke(
        actor=official, authority=commune, certificate_ids=[certificate.pk], draft=draft
    )


def seed(*, stdout: Any, today: datetime.date | None = None) -> None:
    """Issue last year's recognition decisions of the demo communes unless they already have."""
    today = today or timezone.localdate()
    revoked = Certificate.objects.filter(revoked_by__isnull=False).exists()
    for committee in COMMITTEES:
        official = User.objects.filter(username=committee.official).first()
        commune = _commune_of(official) if official is not None else None
        if official is None or commune is None:
            continue
        if Decision.objects.filter(authority=commune).exists():
            continue
        decisions = _recognise(committee, official, commune, today)
        if not decisions:
            continue
        summary = ", ".join(
            f"số {d.reference} ({d.certificates.count()} {d.get_title_display()})"
            for d in decisions
        )
        stdout.write(
            f"Quyết định công nhận năm {today.year - 1} của {commune.name}, ngày "
            f"{decisions[0].issued_on:%d/%m/%Y}: {summary}."
        )
        if revoked:
            continue
        revocation = _revoke_one(committee, official, commune, decisions, today)
        if revocation is not None:
            revoked = True
            certificate = revocation.revoked_certificates.get()
            stdout.write(
                f"  Thu hồi giấy chứng nhận {certificate.serial} ({certificate.holder_name}) "
                f"theo quyết định số {revocation.reference} ngày "
                f"{revocation.issued_on:%d/%m/%Y}."
            )
