"""Reads of recognition: decisions, certificates and batches scoped to the acting user, what an
official may put in a decision, the public list of a commune, and a subject's titles by year.

Every private read goes through `visible_to`, so the pages, the downloads and the API cannot
drift apart; the public reads return only what a certificate shows (name and hamlet).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from hoctap.accounts.models import RoleAssignment
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.assessments import permissions
from hoctap.assessments.models import TITLE_SUBJECTS, Assessment, State, Title
from hoctap.criteria import engine
from hoctap.criteria.selectors import criteria_set_for
from hoctap.recognition.models import Certificate, CertificateBatch, Decision, DecisionKind
from hoctap.recognition.services import issuing_body_of, next_decision_number, place_name
from hoctap.registry.models import Clan, Household, Organisation, Person

# The legal bases every recognition decision starts from (DOMAIN §1; seeds 000 and 002 quote
# the programme's title). The criteria set's own source is added per title.
LAW_ON_LOCAL_GOVERNMENT = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"
PROGRAMME_387 = (
    "Căn cứ Quyết định số 387/QĐ-TTg ngày 25/3/2022 của Thủ tướng Chính phủ phê duyệt "
    "Chương trình “Đẩy mạnh phong trào học tập suốt đời trong gia đình, dòng họ, cộng đồng, "
    "đơn vị giai đoạn 2021 - 2030”;"
)
# How a document's symbol names its kind: “324/QĐ-KHVN” is a decision, “24/2023/TT-BGDĐT” a
# circular.
_DOCUMENT_KINDS = (("/QĐ-", "Quyết định"), ("/TT-", "Thông tư"), ("/NĐ-", "Nghị định"))


# -- decisions, certificates, batches ---------------------------------------------------------


def decision_list(user: Any, *, year: int | None = None, title: str = "") -> QuerySet[Decision]:
    """Decisions the user may see, newest first, with how many certificates each carries."""
    decisions: QuerySet[Decision] = Decision.objects.visible_to(user)
    if year is not None:
        decisions = decisions.filter(year=year)
    if title:
        decisions = decisions.filter(title=title)
    return (
        decisions.select_related("authority")
        .annotate(certificate_count=Count("certificates"))
        .order_by("-issued_on", "-number", "-id")
    )


def decision_get(user: Any, pk: int) -> Decision:
    """One decision the user may see; `Decision.DoesNotExist` otherwise (pages answer 404)."""
    decision: Decision = (
        Decision.objects.visible_to(user).select_related("authority", "issued_by").get(pk=pk)
    )
    return decision


def decision_annex(decision: Decision) -> QuerySet[Certificate]:
    """The certificates a recognition decision gave (or a revocation decision took back)."""
    if decision.kind == DecisionKind.REVOCATION:
        rows = decision.revoked_certificates.all()
    else:
        rows = decision.certificates.all()
    return rows.select_related("revoked_by", "decision").order_by("serial_year", "serial_number")


def certificate_get(user: Any, serial: str) -> Certificate:
    """One certificate the user may see, by serial; `Certificate.DoesNotExist` otherwise."""
    certificate: Certificate = (
        Certificate.objects.visible_to(user)
        .select_related("decision", "revoked_by", "authority", "commune", "assessment")
        .get(serial=serial.strip().upper())
    )
    return certificate


def visible_certificate_ids(user: Any, certificates: Iterable[Certificate]) -> set[int]:
    """Which of these certificates the user may open (an annex may list other hamlets')."""
    ids = [certificate.pk for certificate in certificates]
    return set(Certificate.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def batch_list(decision: Decision) -> QuerySet[CertificateBatch]:
    """The print batches of a decision, newest first."""
    return decision.batches.select_related("requested_by").order_by("-created_at", "-id")


def batch_get(user: Any, pk: int) -> CertificateBatch:
    """A batch of a decision the user may see; `CertificateBatch.DoesNotExist` otherwise."""
    batch: CertificateBatch = (
        CertificateBatch.objects.filter(decision__in=Decision.objects.visible_to(user))
        .select_related("decision")
        .get(pk=pk)
    )
    return batch


# -- who may issue, and over what ---------------------------------------------------------------


def recognising_authorities(
    user: Any, title: str, *, cache: permissions.RulesCache | None = None
) -> list[AdminUnit]:
    """Communes and provinces where the user holds a role that may recognise the title.

    The unit where the role is held is the issuing authority, so only the user's own
    assignments count (a system administrator without one issues nothing from the pages).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    units = {
        assignment.unit.pk: assignment.unit
        for assignment in RoleAssignment.objects.active()
        .filter(user=user, unit__level__in=[Level.COMMUNE, Level.PROVINCE])
        .select_related("unit")
        if assignment.unit is not None and assignment.unit.is_current
    }
    rules = cache if cache is not None else {}
    return sorted(
        (
            unit
            for unit in units.values()
            if permissions.can_act_at(user, title, permissions.RECOGNISE, unit.path, cache=rules)
        ),
        key=lambda unit: (unit.level, unit.path),
    )


def recognising_titles(user: Any) -> dict[str, list[AdminUnit]]:
    """Title -> the authorities where the user may recognise it (titles with none left out)."""
    rules: permissions.RulesCache = {}
    found = {title: recognising_authorities(user, title, cache=rules) for title in Title.values}
    return {title: units for title, units in found.items() if units}


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A proposed assessment the user may put in a decision, with where its subject lives."""

    assessment: Assessment
    hamlet_name: str


def _hamlet_name(assessment: Assessment) -> str:
    subject = assessment.subject
    if isinstance(subject, AdminUnit):
        return subject.name if subject.level == Level.HAMLET else ""
    hamlet = getattr(subject, "hamlet", None)
    return hamlet.name if hamlet is not None else ""


def recognisable_assessments(
    user: Any, authority: AdminUnit, title: str, year: int
) -> list[Candidate]:
    """The PROPOSED assessments of the title and year in the authority's area that the user
    may recognise, by hamlet and name."""
    rows = (
        Assessment.objects.visible_to(user)
        .filter(
            title=title,
            year=year,
            state=State.PROPOSED,
            unit_path__startswith=authority.path,
        )
        .select_related(
            "commune",
            "person__hamlet",
            "household__hamlet",
            "clan__hamlet",
            "organisation__hamlet",
            "unit",
        )
        .order_by("unit_path", "subject_name", "id")
    )
    rules: permissions.RulesCache = {}
    return [
        Candidate(assessment=assessment, hamlet_name=_hamlet_name(assessment))
        for assessment in rows
        if permissions.can_act(user, assessment, permissions.RECOGNISE, cache=rules)
    ]


def _lowered(unit_name: str) -> str:
    """“xã Mường Giôn” inside a sentence for “Xã Mường Giôn”."""
    return unit_name[:1].lower() + unit_name[1:]


def source_basis(criteria_set: engine.CriteriaSet) -> str:
    """The line citing the document a criteria set follows, or "" for an illustrative set
    (its source is a stand-in that a decision must not cite)."""
    if criteria_set.is_illustrative:
        return ""
    source = criteria_set.source
    kind = next((name for marker, name in _DOCUMENT_KINDS if marker in source.number), "")
    line = f"Căn cứ {kind} số {source.number}" if kind else f"Căn cứ văn bản số {source.number}"
    if source.date is not None:
        line += f" ngày {source.date:%d/%m/%Y}"
    if source.issuer:
        line += f" của {source.issuer}"
    return line + ";"


def legal_bases_of(authority: AdminUnit, title: str, year: int) -> list[str]:
    """The default legal bases: the law, the programme and the title's criteria set."""
    bases = [LAW_ON_LOCAL_GOVERNMENT, PROGRAMME_387]
    code = TITLE_SUBJECTS[title][1]
    try:
        criteria_set = criteria_set_for(code, authority, datetime.date(year, 1, 1))
    except LookupError:
        return bases
    line = source_basis(criteria_set)
    if line:
        bases.append(line)
    return bases


def decision_defaults(
    authority: AdminUnit, title: str, year: int, today: datetime.date
) -> dict[str, Any]:
    """What the new-decision form starts with; the official checks and completes it."""
    from django.utils.translation import gettext as _

    unit = _lowered(authority.name)
    if authority.level == Level.PROVINCE:
        proposer = "Xét đề nghị của Giám đốc Sở Giáo dục và Đào tạo."
    else:
        proposer = f"Xét đề nghị của Hội Khuyến học {unit}."
    return {
        "number": next_decision_number(authority, today),
        "symbol": "QĐ-UBND",
        "issued_on": today,
        "issuing_body": issuing_body_of(authority),
        "parent_body": "",
        "place": place_name(authority),
        "subject_line": _("On recognising the title “%(title)s” in %(year)d")
        % {"title": Title(title).label, "year": year},
        "legal_bases": "\n".join(legal_bases_of(authority, title, year)),
        "body": proposer,
        "signer_name": "",
        "signer_position": "CHỦ TỊCH",
        "signer_authority": "TM. ỦY BAN NHÂN DÂN",
        "recipients": "\n".join(["Như Điều 3;", f"Hội Khuyến học {unit};", "Lưu: VT."]),
    }


# -- public -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RecognisedGroup:
    """One title of a commune's public list: who holds it, by hamlet."""

    title: str
    title_name: str
    rows: list[dict[str, str]]


def public_recognised(commune: AdminUnit, year: int) -> list[RecognisedGroup]:
    """The commune's unrevoked certificates of an assessed year, per title: name and hamlet
    only (the public list carries nothing else about a person)."""
    rows = (
        Certificate.objects.filter(commune=commune, year=year, revoked_by__isnull=True)
        .order_by("title", "hamlet_name", "holder_name", "serial")
        .values("title", "holder_name", "hamlet_name")
    )
    groups: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(row["title"], []).append(
            {"holder_name": row["holder_name"], "hamlet_name": row["hamlet_name"]}
        )
    order = {value: index for index, value in enumerate(Title.values)}
    return [
        RecognisedGroup(title=title, title_name=str(Title(title).label), rows=items)
        for title, items in sorted(groups.items(), key=lambda item: order.get(item[0], 99))
    ]


def public_commune_get(key: str) -> AdminUnit:
    """A commune by its key for the public list; `AdminUnit.DoesNotExist` otherwise."""
    commune: AdminUnit = AdminUnit.objects.select_related("parent").get(
        key=key, level=Level.COMMUNE
    )
    return commune


# -- a subject's titles -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TitleRow:
    """One year's candidacy of a subject: its state, and the decision and certificate if any."""

    assessment: Assessment
    certificate: Certificate | None
    # Whether the viewer may open the certificate and its decision (links, or plain text).
    can_open: bool = False

    @property
    def decision(self) -> Decision | None:
        return self.certificate.decision if self.certificate is not None else None


def _subject_filter(subject: Any) -> Q:
    if isinstance(subject, Person):
        return Q(person=subject)
    if isinstance(subject, Household):
        return Q(household=subject)
    if isinstance(subject, Clan):
        return Q(clan=subject)
    if isinstance(subject, Organisation):
        return Q(organisation=subject)
    if isinstance(subject, AdminUnit):
        return Q(unit=subject)
    raise TypeError(f"not a subject of a title: {subject!r}")


def titles_of(subject: Any, user: Any = None) -> list[TitleRow]:
    """The subject's assessments, newest year first, each with its certificate and decision;
    with `user`, each row says whether that user may open the certificate."""
    assessments = list(
        Assessment.objects.filter(_subject_filter(subject)).order_by("-year", "title", "-id")
    )
    certificates = {
        certificate.assessment_id: certificate
        for certificate in Certificate.objects.filter(
            assessment__in=[assessment.pk for assessment in assessments]
        ).select_related("decision", "revoked_by")
    }
    openable = (
        visible_certificate_ids(user, certificates.values())
        if user is not None and certificates
        else set()
    )
    return [
        TitleRow(
            assessment=assessment,
            certificate=certificates.get(assessment.pk),
            can_open=assessment.pk in certificates and certificates[assessment.pk].pk in openable,
        )
        for assessment in assessments
    ]
