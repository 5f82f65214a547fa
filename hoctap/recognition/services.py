"""Writes to recognition: issuing decisions with their certificates, and revoking certificates.

Both are all-or-nothing. The assessments (or certificates) are locked in id order, every one is
checked, and a refusal of any lists all of them and changes nothing. Serial numbers come from the
authority's `SerialCounter` row, locked for the rest of the transaction: a second official
issuing at the same moment waits, then continues from the first one's last number, so the
serials of an authority and year run 1, 2, 3… with no gap and no duplicate.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.assessments import permissions
from hoctap.assessments import services as assessment_services
from hoctap.assessments.dossier import TITLE_NAMES
from hoctap.assessments.models import Assessment, State, Title
from hoctap.assessments.permissions import can_act
from hoctap.core.exceptions import BusinessError
from hoctap.core.services import audit_event_record
from hoctap.recognition import signing, verification
from hoctap.recognition.models import Certificate, Decision, DecisionKind, SerialCounter
from hoctap.registry.models import Sex
from hoctap.registry.services import NotPermitted

RECOGNISE = permissions.RECOGNISE
REVOKE_ACTION = "revoke"  # the timeline's name for the step a revocation decision takes

_UNIT_PREFIXES = ("Thành phố ", "Đặc khu ", "Phường ", "Tỉnh ", "Xã ", "Thị trấn ")


def place_name(unit: AdminUnit) -> str:
    """“Nông Cống” for “Xã Nông Cống”: how the place line of a decision names the unit."""
    for prefix in _UNIT_PREFIXES:
        if unit.name.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


def issuing_body_of(authority: AdminUnit) -> str:
    """“ỦY BAN NHÂN DÂN XÃ NÔNG CỐNG”: the people's committee of the authority's unit."""
    return f"ỦY BAN NHÂN DÂN {authority.name.upper()}"


@dataclasses.dataclass(frozen=True)
class DecisionDraft:
    """What the official types for a decision; the rest comes from the assessments."""

    number: int
    issued_on: datetime.date
    signer_name: str
    symbol: str = "QĐ-UBND"
    signer_position: str = "CHỦ TỊCH"
    signer_authority: str = "TM. ỦY BAN NHÂN DÂN"
    issuing_body: str = ""
    parent_body: str = ""
    place: str = ""
    subject_line: str = ""
    legal_bases: str = ""
    body: str = ""
    recipients: str = ""
    reason: str = ""


class RecognitionRefused(BusinessError):
    """Some of the chosen assessments or certificates cannot be included; nothing changed."""

    def __init__(self, refusals: dict[int, str]) -> None:
        super().__init__(
            _("%(count)d of the selected items cannot be included; nothing was changed.")
            % {"count": len(refusals)},
            code="refused",
        )
        # Assessment (or certificate) id -> why.
        self.refusals = refusals


def _check_authority(actor: Any, authority: AdminUnit, title: str) -> None:
    if authority.level not in (Level.COMMUNE, Level.PROVINCE) or not authority.is_current:
        raise BusinessError(
            _("A decision is issued by a commune or a province of today."), code="authority"
        )
    # The unit where the actor holds the recognising role is the authority: an official above
    # it may not issue decisions (nor number certificates) in the name of a commune below.
    paths = scope_paths(actor, permissions.allowed_roles(title, RECOGNISE, authority.path))
    if paths is not None and authority.path not in paths:
        raise NotPermitted(
            _("You may not issue recognition decisions for this title here."), code="forbidden"
        )


def _clean_draft(draft: DecisionDraft, authority: AdminUnit, year: int) -> DecisionDraft:
    if draft.number < 1:
        raise BusinessError(_("The decision number must be a positive number."), code="number")
    if not draft.signer_name.strip():
        raise BusinessError(_("Give the name of the signer."), code="signer")
    if not draft.symbol.strip():
        raise BusinessError(_("Give the symbol of the decision, e.g. QĐ-UBND."), code="symbol")
    if draft.issued_on.year < year:
        raise BusinessError(
            _("The decision cannot be dated before the year it recognises (%(year)d).")
            % {"year": year},
            code="issued_on",
        )
    if draft.issued_on > timezone.localdate() + datetime.timedelta(days=60):
        raise BusinessError(
            _("The decision date is too far in the future."), code="issued_on_future"
        )
    return dataclasses.replace(
        draft,
        symbol=draft.symbol.strip(),
        signer_name=draft.signer_name.strip(),
        issuing_body=draft.issuing_body.strip() or issuing_body_of(authority),
        place=draft.place.strip() or place_name(authority),
    )


def _duplicate_number(authority: AdminUnit, draft: DecisionDraft) -> BusinessError:
    return BusinessError(
        _("%(authority)s already issued decision number %(number)s in %(year)d.")
        % {
            "authority": authority.name,
            "number": f"{draft.number}/{draft.symbol}",
            "year": draft.issued_on.year,
        },
        code="duplicate_number",
    )


def _save_decision(decision: Decision, draft: DecisionDraft) -> None:
    exists = Decision.objects.filter(
        authority=decision.authority,
        issued_year=draft.issued_on.year,
        number=draft.number,
        symbol=draft.symbol,
    ).exists()
    if exists:
        raise _duplicate_number(decision.authority, draft)
    try:
        # The unique constraint decides when two officials type the same number at once.
        with transaction.atomic():
            decision.save()
    except IntegrityError as error:
        raise _duplicate_number(decision.authority, draft) from error


def _decision_of(
    *, kind: str, actor: Any, authority: AdminUnit, title: str, year: int, draft: DecisionDraft
) -> Decision:
    return Decision(
        kind=kind,
        authority=authority,
        title=title,
        year=year,
        number=draft.number,
        symbol=draft.symbol,
        issued_on=draft.issued_on,
        issuing_body=draft.issuing_body,
        parent_body=draft.parent_body.strip(),
        place=draft.place,
        subject_line=draft.subject_line.strip(),
        legal_bases=draft.legal_bases.strip(),
        body=draft.body.strip(),
        signer_name=draft.signer_name,
        signer_position=draft.signer_position.strip(),
        signer_authority=draft.signer_authority.strip(),
        recipients=draft.recipients.strip(),
        reason=draft.reason.strip(),
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _draw_serials(authority: AdminUnit, year: int, count: int) -> range:
    """Reserve `count` consecutive numbers of the authority's year; the row stays locked."""
    counter = SerialCounter.objects.select_for_update().filter(authority=authority, year=year)
    row = counter.first()
    if row is None:
        try:
            with transaction.atomic():
                SerialCounter.objects.create(authority=authority, year=year)
        except IntegrityError:
            pass  # created by a concurrent issuance a moment ago; lock that row instead
        row = counter.get()
    first = row.last + 1
    row.last += count
    row.save(update_fields=["last"])
    return range(first, first + count)


def serial_of(authority: AdminUnit, year: int, number: int) -> str:
    """“16279-2026-000015”: the authority's code, the year of issue, the number in that year."""
    return f"{authority.code}-{year}-{number:06d}"


def _hamlet_and_place(assessment: Assessment) -> tuple[str, str]:
    """The hamlet's name and “hamlet, commune, province”, as the certificate prints them.

    A hamlet or a commune holding a community title is itself the holder, so its place starts
    one level up.
    """
    subject = assessment.subject
    commune = assessment.commune
    province = commune.parent
    while province is not None and province.level != Level.PROVINCE:
        province = province.parent
    if isinstance(subject, AdminUnit):
        above = [commune, province] if subject.level == Level.HAMLET else [province]
        return "", ", ".join(unit.name for unit in above if unit is not None)
    hamlet = subject.hamlet
    parts = [unit.name for unit in (hamlet, commune, province) if unit is not None]
    return (hamlet.name if hamlet is not None else ""), ", ".join(parts)


def _holder_name(assessment: Assessment) -> str:
    """The name a certificate is made out to: “Gia đình ông Lê Đức Kiên” for a household (its
    registry code means nothing on a wall), the subject's own name otherwise."""
    household = assessment.household
    head = household.head if household is not None else None
    if head is None:
        return assessment.subject_name
    honorifics: dict[str, str] = {Sex.MALE: "ông ", Sex.FEMALE: "bà "}
    honorific = honorifics.get(head.sex, "")
    return f"Gia đình {honorific}{head.full_name}"


def _refusal(
    actor: Any,
    assessment: Assessment,
    *,
    authority: AdminUnit,
    title: str,
    year: int,
    rules: permissions.RulesCache,
) -> str | None:
    if assessment.title != title:
        return _("It is for another title (%(title)s).") % {"title": assessment.get_title_display()}
    if assessment.year != year:
        return _("It is for another year (%(year)d).") % {"year": assessment.year}
    if not assessment.unit_path.startswith(authority.path):
        return _("It lies outside the area of %(authority)s.") % {"authority": authority.name}
    if not can_act(actor, assessment, RECOGNISE, cache=rules):
        return _("You may not recognise it.")
    if assessment.state in (State.RECOGNISED, State.REVOKED):
        return _("It has already been recognised.")
    if assessment.state != State.PROPOSED:
        return _("It is not proposed for recognition (it is %(state)s).") % {
            "state": assessment.get_state_display()
        }
    return None


@transaction.atomic
def decision_issue(
    *,
    actor: Any,
    authority: AdminUnit,
    title: str,
    year: int,
    assessment_ids: Iterable[int],
    draft: DecisionDraft,
) -> Decision:
    """Recognise proposed assessments in one decision and give each subject its certificate."""
    if title not in Title.values:
        raise BusinessError(_("Unknown title."), code="title")
    _check_authority(actor, authority, title)
    draft = _clean_draft(draft, authority, year)
    ids = sorted(set(assessment_ids))
    if not ids:
        raise BusinessError(_("Choose at least one assessment to recognise."), code="empty")
    visible = Assessment.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True)
    locked = list(
        Assessment.objects.select_for_update().filter(pk__in=list(visible)).order_by("pk")
    )
    refusals: dict[int, str] = {}
    found = {assessment.pk for assessment in locked}
    for missing in set(ids) - found:
        refusals[missing] = _("No such assessment in your area.")
    rules: permissions.RulesCache = {}
    for assessment in locked:
        reason = _refusal(
            actor, assessment, authority=authority, title=title, year=year, rules=rules
        )
        if reason is not None:
            refusals[assessment.pk] = reason
    if refusals:
        raise RecognitionRefused(refusals)

    if not draft.subject_line:
        draft = dataclasses.replace(
            draft,
            # Official papers are Vietnamese whatever language the official reads the site in.
            subject_line=f"Về việc công nhận danh hiệu “{TITLE_NAMES[title]}” năm {year}",
        )
    decision = _decision_of(
        kind=DecisionKind.RECOGNITION,
        actor=actor,
        authority=authority,
        title=title,
        year=year,
        draft=draft,
    )
    _save_decision(decision, draft)

    # Related rows for the printed place names, fetched once for all.
    subjects = {
        assessment.pk: assessment
        for assessment in Assessment.objects.filter(pk__in=found).select_related(
            "commune__parent__parent",
            "person__hamlet",
            "household__hamlet",
            "household__head",
            "clan__hamlet",
            "organisation__hamlet",
            "unit",
        )
    }
    numbers = _draw_serials(authority, decision.issued_year, len(locked))
    certificates = []
    for number, assessment in zip(numbers, locked, strict=True):
        hamlet_name, place = _hamlet_and_place(subjects[assessment.pk])
        certificate = Certificate(
            assessment=assessment,
            decision=decision,
            authority=authority,
            unit_path=assessment.unit_path,
            commune_id=assessment.commune_id,
            serial_year=decision.issued_year,
            serial_number=number,
            serial=serial_of(authority, decision.issued_year, number),
            title=title,
            year=year,
            holder_name=_holder_name(subjects[assessment.pk]),
            holder_place=place,
            hamlet_name=hamlet_name,
            level=assessment.level,
            total=assessment.total,
            issued_on=decision.issued_on,
        )
        signing.sign_certificate(certificate)
        certificates.append(certificate)
    Certificate.objects.bulk_create(certificates)
    verification.register_changed()

    _move(actor, locked, to_state=State.RECOGNISED, action=RECOGNISE, reason=decision.reference)
    audit_event_record(
        actor=actor,
        action="recognition.decision_issue",
        obj=decision,
        unit_path=decision.unit_path,
        data={
            "reference": decision.reference,
            "title": title,
            "year": year,
            "assessments": ids,
            "serials": [certificates[0].serial, certificates[-1].serial],
        },
    )
    return decision


def _move(
    actor: Any, assessments: list[Assessment], *, to_state: str, action: str, reason: str
) -> None:
    """Advance locked assessments and write their timeline rows and audit events."""
    assessment_services.assessments_move(
        actor, assessments, action=action, to_state=to_state, reason=reason
    )


@transaction.atomic
def certificates_revoke(
    *,
    actor: Any,
    authority: AdminUnit,
    certificate_ids: Iterable[int],
    draft: DecisionDraft,
) -> Decision:
    """Revoke certificates by a decision of the authority that issued them; a reason is due."""
    ids = sorted(set(certificate_ids))
    if not ids:
        raise BusinessError(_("Choose at least one certificate to revoke."), code="empty")
    if not draft.reason.strip():
        raise BusinessError(_("Give the reason for the revocation."), code="reason")
    visible = set(
        Certificate.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True)
    )
    # The issuing authority keeps the power to revoke what it issued even after the holder's
    # hamlet moved to another commune (the authority is checked below like any other).
    visible |= set(
        Certificate.objects.filter(pk__in=ids, authority=authority).values_list("pk", flat=True)
    )
    locked = list(
        Certificate.objects.select_for_update().filter(pk__in=sorted(visible)).order_by("pk")
    )
    refusals: dict[int, str] = {}
    for missing in set(ids) - {certificate.pk for certificate in locked}:
        refusals[missing] = _("No such certificate in your area.")
    titles = {certificate.title for certificate in locked}
    if len(titles) > 1:
        raise BusinessError(
            _("One revocation decision covers certificates of one title."), code="titles"
        )
    title = titles.pop() if titles else ""
    if title:
        _check_authority(actor, authority, title)
    for certificate in locked:
        if certificate.authority_id != authority.pk:
            refusals[certificate.pk] = _(
                "It was issued by another authority; only that authority can revoke it."
            )
        elif certificate.is_revoked:
            refusals[certificate.pk] = _("It has already been revoked.")
        elif draft.issued_on < certificate.issued_on:
            refusals[certificate.pk] = _("It was issued after the date of this decision.")
    if refusals:
        raise RecognitionRefused(refusals)
    years = {certificate.year for certificate in locked}
    year = min(years)
    draft = _clean_draft(draft, authority, year)
    if not draft.subject_line:
        draft = dataclasses.replace(
            draft,
            subject_line=f"Về việc thu hồi danh hiệu “{TITLE_NAMES[title]}”",
        )
    decision = _decision_of(
        kind=DecisionKind.REVOCATION,
        actor=actor,
        authority=authority,
        title=title,
        year=year,
        draft=draft,
    )
    _save_decision(decision, draft)
    verification.register_changed()
    Certificate.objects.filter(pk__in=[certificate.pk for certificate in locked]).update(
        revoked_by=decision,
        revoked_on=decision.issued_on,
        revoked_reason=decision.reason,
        updated_at=timezone.now(),
    )
    assessments = list(
        Assessment.objects.select_for_update()
        .filter(pk__in=[certificate.assessment_id for certificate in locked])
        .order_by("pk")
    )
    _move(
        actor,
        assessments,
        to_state=State.REVOKED,
        action=REVOKE_ACTION,
        reason=f"{decision.reference}: {decision.reason}",
    )
    audit_event_record(
        actor=actor,
        action="recognition.certificates_revoke",
        obj=decision,
        unit_path=decision.unit_path,
        data={
            "reference": decision.reference,
            "serials": [certificate.serial for certificate in locked],
            "reason": decision.reason,
        },
    )
    return decision


def next_decision_number(authority: AdminUnit, on: datetime.date) -> int:
    """A suggestion for the form: one more than the highest number this year."""
    last = (
        Decision.objects.filter(authority=authority, issued_year=on.year)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1
