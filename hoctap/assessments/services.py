"""Writes to assessments. Pages, the API, imports and the demo all come through here.

Every workflow write locks the assessment row, checks who acts, the version the actor saw and the
current state, then stamps the change, writes the timeline row and the audit event, and bumps the
version: two officials acting at once get one success and one `ConflictError`, never two rows.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.adminunits.models import PATH_STEP, AdminUnit, Level
from hoctap.assessments import permissions
from hoctap.assessments.models import (
    TITLE_SUBJECTS,
    Assessment,
    Deadline,
    Score,
    State,
    Title,
    Transition,
)
from hoctap.assessments.permissions import can_act, can_act_at
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.services import audit_event_record, audit_events_record
from hoctap.criteria import engine
from hoctap.criteria.selectors import criteria_set_for
from hoctap.registry.models import Clan, Household, Organisation, Person
from hoctap.registry.services import NotPermitted
from hoctap.targets import rollups

# Action -> (states it may start from, state it leads to).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    permissions.SUBMIT: ((State.REGISTERED, State.RETURNED), State.SUBMITTED),
    permissions.REVIEW: ((State.SUBMITTED,), State.REVIEWED),
    permissions.APPRAISE: ((State.REVIEWED,), State.APPRAISED),
    permissions.PROPOSE: ((State.APPRAISED,), State.PROPOSED),
    permissions.RETURN: ((State.SUBMITTED, State.REVIEWED, State.APPRAISED), State.RETURNED),
    permissions.REJECT: ((State.SUBMITTED, State.REVIEWED, State.APPRAISED), State.REJECTED),
}
EDITABLE_STATES = (State.REGISTERED, State.RETURNED)
REASON_REQUIRED = (permissions.RETURN, permissions.REJECT)

# A title counts as held, for other titles' computed indicators, once it is proposed for
# recognition: the decisions come months later (DOMAIN §5), and a family's or a unit's own
# assessment in the same year must be able to count its learning citizens. A revoked one does not.
HOLDING_STATES = (State.PROPOSED, State.RECOGNISED)

Subject = Person | Household | Clan | Organisation | AdminUnit


def clock() -> datetime.datetime:
    """The current time; tests pass `now=` to the services instead of waiting."""
    return timezone.now()


# -- helpers --------------------------------------------------------------------------------


def _subject_kind(subject: Subject) -> str:
    if isinstance(subject, AdminUnit):
        levels: dict[int, str] = {Level.HAMLET: "hamlet", Level.COMMUNE: "commune"}
        return levels.get(subject.level, "unit")
    return {
        Person: "person",
        Household: "household",
        Clan: "clan",
        Organisation: "organisation",
    }[type(subject)]


def _subject_name(subject: Subject) -> str:
    if isinstance(subject, Person):
        return subject.full_name
    if isinstance(subject, Household):
        head = subject.head
        return f"{subject.code} · {head.full_name}" if head is not None else subject.code
    if isinstance(subject, Clan | Organisation | AdminUnit):
        return subject.name
    raise TypeError(subject)


def _placement(subject: Subject) -> tuple[AdminUnit, str]:
    """The commune and the unit path an assessment of this subject is scoped by."""
    if isinstance(subject, AdminUnit):
        commune = subject if subject.level == Level.COMMUNE else subject.parent
        assert commune is not None
        return commune, subject.path
    return subject.commune, subject.unit_path


def criteria_set_of(assessment: Assessment) -> engine.CriteriaSet:
    """The criteria set the assessment was registered under (the one in force on 1 January)."""
    return criteria_set_for(
        assessment.criteria_code, assessment.commune, datetime.date(assessment.year, 1, 1)
    )


def _lock(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def _check_version(assessment: Assessment, version: int | None) -> None:
    if version is not None and assessment.version != version:
        raise ConflictError(
            _(
                "Someone else acted on this assessment after you opened it (it is now %(state)s)."
                " Reload and try again."
            )
            % {"state": assessment.get_state_display()},
            code="stale",
        )


def _answer_of(score: Score) -> engine.Answer:
    if score.computed_value is not None:
        return float(score.computed_value)
    if score.points is not None:
        return float(score.points)
    return score.met


def answers_of(assessment: Assessment) -> dict[str, engine.Answer]:
    """The stored answers, indicator code -> points, met or computed value."""
    return {score.indicator: _answer_of(score) for score in assessment.scores.all()}


def _answer_error(criteria_set: engine.CriteriaSet, error: engine.AnswerError) -> BusinessError:
    code = error.indicator_code
    if isinstance(error, engine.UnknownIndicator):
        message = _("Indicator %(indicator)s is not part of this criteria set.")
    elif isinstance(error, engine.ScoreOutOfRange):
        indicator = criteria_set.indicator(code)
        if indicator.max_points is not None and not indicator.is_numeric:
            return BusinessError(
                _("The score of indicator %(indicator)s must lie between 0 and %(maximum)s.")
                % {"indicator": code, "maximum": f"{indicator.max_points:g}"},
                code="score_range",
            )
        message = _("The value of indicator %(indicator)s must lie between 0 and 100.")
    elif criteria_set.indicator(code).is_numeric or criteria_set.mode == "points":
        message = _("Indicator %(indicator)s needs a number.")
    else:
        message = _("Indicator %(indicator)s needs “met” or “not met”.")
    return BusinessError(message % {"indicator": code}, code="answer")


def _decimal(value: float) -> Decimal:
    # Scores are kept to two decimals, as the columns are.
    return Decimal(str(round(value, 2)))


def _clean_answer(value: Any) -> engine.Answer:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return round(float(value), 2)
    raise BusinessError(_("An answer must be a number, yes or no, or empty."), code="answer")


# -- registration ---------------------------------------------------------------------------


def _new_assessment(
    *,
    actor: Any,
    title: str,
    year: int,
    subject: Subject,
    variant: str,
    criteria_set: engine.CriteriaSet | None = None,
) -> Assessment:
    """An unsaved assessment of the subject, after the checks every registration makes.

    A bulk registration passes the criteria set it looked up (and checked the permission for
    the whole hamlet) once, instead of once per household.
    """
    if title not in TITLE_SUBJECTS:
        raise BusinessError(_("Unknown title."), code="title")
    kind, criteria_code = TITLE_SUBJECTS[title]
    if _subject_kind(subject) != kind:
        raise BusinessError(
            _("The title %(title)s is not awarded to this kind of subject.")
            % {"title": Title(title).label},
            code="subject",
        )
    commune, unit_path = _placement(subject)
    if criteria_set is None:
        # The subject itself may register where the rules allow it (a citizen, an adult of
        # the household): can_register knows the subject, can_act_at only the place.
        if not permissions.can_register(actor, title, subject, unit_path):
            raise NotPermitted(_("You may not register this subject."), code="forbidden")
        criteria_set = criteria_set_for(criteria_code, commune, datetime.date(year, 1, 1))
    if isinstance(subject, Person) and not variant and criteria_set.variants:
        variant = subject.target_group
    if variant and variant not in {v.code for v in criteria_set.variants}:
        raise BusinessError(_("Unknown target group for this title."), code="variant")
    return Assessment(
        title=title,
        year=year,
        person=subject if isinstance(subject, Person) else None,
        household=subject if isinstance(subject, Household) else None,
        clan=subject if isinstance(subject, Clan) else None,
        organisation=subject if isinstance(subject, Organisation) else None,
        unit=subject if isinstance(subject, AdminUnit) else None,
        subject_key=f"{kind}:{subject.pk}",
        subject_name=_subject_name(subject)[:255],
        commune=commune,
        unit_path=unit_path,
        criteria_code=criteria_set.code,
        criteria_version=criteria_set.version,
        variant=variant,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _already_registered() -> BusinessError:
    return BusinessError(
        _("This subject is already registered for this title in this year."), code="duplicate"
    )


@transaction.atomic
def assessment_register(
    *, actor: Any, title: str, year: int, subject: Subject, variant: str = ""
) -> Assessment:
    """Register a subject for a title in a year; a second registration is refused."""
    assessment = _new_assessment(
        actor=actor, title=title, year=year, subject=subject, variant=variant
    )
    # The result fields stay empty until submission (null, not blank, on the model).
    assessment.full_clean(
        exclude=["passed", "total"], validate_unique=False, validate_constraints=False
    )
    try:
        # The unique constraint decides, so two clerks registering at once cannot both succeed.
        with transaction.atomic():
            assessment.save()
    except IntegrityError as error:
        raise _already_registered() from error
    rollups.assessment_changed(None, rollups.key_of(assessment))
    Transition.objects.create(
        assessment=assessment,
        action=permissions.REGISTER,
        from_state="",
        to_state=State.REGISTERED,
        actor=assessment.registered_by,
    )
    audit_event_record(
        actor=actor,
        action="assessment.register",
        obj=assessment,
        unit_path=assessment.unit_path,
        data={"title": title, "year": year, "subject": assessment.subject_key},
    )
    return assessment


@transaction.atomic
def assessment_bulk_register(*, actor: Any, title: str, year: int, hamlet: AdminUnit) -> int:
    """Register every household of a hamlet not registered yet; returns how many were added."""
    if TITLE_SUBJECTS.get(title, ("",))[0] != "household":
        raise BusinessError(_("Only households are registered by hamlet."), code="title")
    if hamlet.level != Level.HAMLET:
        raise BusinessError(_("Choose a hamlet."), code="hamlet")
    if not can_act_at(actor, title, permissions.REGISTER, hamlet.path):
        raise NotPermitted(_("You may not register households here."), code="forbidden")
    registered = Assessment.objects.filter(title=title, year=year, household__isnull=False)
    households = (
        Household.objects.filter(hamlet=hamlet)
        .exclude(pk__in=registered.values("household_id"))
        .select_related("head", "commune")
        .order_by("code")
    )
    criteria_set = criteria_set_for(
        TITLE_SUBJECTS[title][1], hamlet.parent, datetime.date(year, 1, 1)
    )
    new = [
        _new_assessment(
            actor=actor,
            title=title,
            year=year,
            subject=household,
            variant="",
            criteria_set=criteria_set,
        )
        for household in households
    ]
    if not new:
        return 0
    try:
        with transaction.atomic():
            created = Assessment.objects.bulk_create(new)
    except IntegrityError as error:
        # Someone registered one of them meanwhile: nothing was added, the actor tries again.
        raise _already_registered() from error
    rollups.assessments_changed((None, rollups.key_of(assessment)) for assessment in created)
    Transition.objects.bulk_create(
        Transition(
            assessment=assessment,
            action=permissions.REGISTER,
            from_state="",
            to_state=State.REGISTERED,
            actor=assessment.registered_by,
        )
        for assessment in created
    )
    audit_event_record(
        actor=actor,
        action="assessment.bulk_register",
        obj=hamlet,
        unit_path=hamlet.path,
        data={"title": title, "year": year, "count": len(created)},
    )
    return len(created)


# -- computed indicators --------------------------------------------------------------------


def _share(part: int, whole: int) -> float:
    # Nobody to count (no adults, no members listed) earns nothing rather than a division error.
    return round(100.0 * part / whole, 2) if whole else 0.0


def _holders(title: str, year: int) -> Any:
    return Assessment.objects.filter(title=title, year=year, state__in=HOLDING_STATES)


def _learning_citizen_share(people: Any, year: int, whole: int | None = None) -> float:
    holders = _holders(Title.LEARNING_CITIZEN, year).values("person_id")
    total = people.count() if whole is None else whole
    return _share(people.filter(pk__in=holders).count(), total)


def _learning_family_share(households: Any, year: int) -> float:
    holders = _holders(Title.LEARNING_FAMILY, year).values("household_id")
    return _share(households.filter(pk__in=holders).count(), households.count())


def _computed_value(source: str, assessment: Assessment) -> float | None:
    year = assessment.year
    if source == "household.adult_learning_citizen_share" and assessment.household_id:
        adults = Person.objects.filter(household_id=assessment.household_id, is_adult=True)
        return _learning_citizen_share(adults, year)
    if source == "organisation.learning_citizen_share" and assessment.organisation is not None:
        members = Person.objects.filter(organisation=assessment.organisation)
        # Where members are not listed one by one, the declared head count is the denominator.
        listed = members.count()
        whole = max(listed, assessment.organisation.member_count or 0)
        return _learning_citizen_share(members, year, whole)
    if source == "hamlet.learning_family_share" and assessment.unit_id:
        return _learning_family_share(Household.objects.filter(hamlet_id=assessment.unit_id), year)
    if source == "clan.learning_family_share" and assessment.clan is not None:
        return _learning_family_share(assessment.clan.households.all(), year)
    return None


def computed_values(assessment: Assessment) -> dict[str, float]:
    """Values of the set's computed indicators, worked out from the registry this moment."""
    values: dict[str, float] = {}
    for indicator in criteria_set_of(assessment).indicators():
        if indicator.computed is None:
            continue
        value = _computed_value(indicator.computed.source, assessment)
        if value is not None:
            values[indicator.code] = value
    return values


def _store_computed(assessment: Assessment, values: Mapping[str, float]) -> None:
    existing = {score.indicator: score for score in assessment.scores.all()}
    for code, value in values.items():
        score = existing.get(code) or Score(assessment=assessment, indicator=code)
        score.computed_value = _decimal(value)
        score.save()


# -- self-assessment ------------------------------------------------------------------------


@transaction.atomic
def scores_save(
    *,
    actor: Any,
    assessment: Assessment,
    version: int | None,
    answers: Mapping[str, Any],
    notes: Mapping[str, str] | None = None,
) -> Assessment:
    """Save scores (or met / not met) and notes of some indicators; None clears an answer."""
    assessment = _lock(assessment)
    if not can_act(actor, assessment, permissions.SCORE):
        raise NotPermitted(_("You may not score this assessment."), code="forbidden")
    _check_version(assessment, version)
    if assessment.state not in EDITABLE_STATES:
        raise ConflictError(
            _("Scores can no longer be changed: the assessment is %(state)s.")
            % {"state": assessment.get_state_display()},
            code="state",
        )
    criteria_set = criteria_set_of(assessment)
    notes = notes or {}
    cleaned: dict[str, engine.Answer] = {}
    for code in {*answers, *notes}:
        try:
            indicator = criteria_set.indicator(code)
        except engine.UnknownIndicator as error:
            raise _answer_error(criteria_set, error) from error
        if indicator.computed is not None and code in answers:
            raise BusinessError(
                _("Indicator %(indicator)s is computed by the system and cannot be typed in.")
                % {"indicator": code},
                code="computed",
            )
    for code, value in answers.items():
        cleaned[code] = _clean_answer(value)
    computed = computed_values(assessment)
    merged = {**answers_of(assessment), **cleaned, **computed}
    try:
        engine.score(criteria_set, merged)
    except engine.AnswerError as error:
        raise _answer_error(criteria_set, error) from error

    existing = {score.indicator: score for score in assessment.scores.all()}
    for code in {*cleaned, *notes}:
        score = existing.get(code) or Score(assessment=assessment, indicator=code)
        if code in cleaned:
            value = cleaned[code]
            score.met = value if isinstance(value, bool) else None
            score.points = (
                _decimal(value) if value is not None and not isinstance(value, bool) else None
            )
        if code in notes:
            score.note = notes[code].strip()[:500]
        score.full_clean(exclude=["assessment"], validate_unique=False)
        score.save()
    _store_computed(assessment, computed)
    assessment.version += 1
    assessment.save(update_fields=["version", "updated_at"])
    audit_event_record(
        actor=actor,
        action="assessment.scores_save",
        obj=assessment,
        unit_path=assessment.unit_path,
        data={"answers": {code: cleaned[code] for code in sorted(cleaned)}},
    )
    return assessment


# -- workflow -------------------------------------------------------------------------------


def deadline_for(assessment: Assessment, step: str) -> datetime.date | None:
    """The day a step is due for this assessment: its province's deadline, else the national one."""
    province_path = assessment.unit_path[:PATH_STEP]
    rows = Deadline.objects.filter(title=assessment.title, step=step).filter(
        Q(province__isnull=True) | Q(province__path=province_path)
    )
    chosen = sorted(rows, key=lambda row: row.province_id is None)
    if not chosen:
        return None
    row = chosen[0]
    return datetime.date(assessment.year + row.year_offset, row.month, row.day)


def _refusal(
    actor: Any,
    assessment: Assessment,
    action: str,
    version: int | None,
    reason: str,
    rules: permissions.RulesCache | None = None,
) -> None:
    """Raise why the actor may not take this action now; return when they may."""
    if action not in TRANSITIONS:
        raise BusinessError(_("Unknown action."), code="action")
    if not can_act(actor, assessment, action, cache=rules):
        raise NotPermitted(_("You may not take this step on this assessment."), code="forbidden")
    _check_version(assessment, version)
    from_states, _to = TRANSITIONS[action]
    if assessment.state not in from_states:
        raise ConflictError(
            _("This step is not possible: the assessment is %(state)s.")
            % {"state": assessment.get_state_display()},
            code="state",
        )
    if action in REASON_REQUIRED and not reason.strip():
        raise BusinessError(_("Give the reason."), code="reason")
    if action == permissions.PROPOSE and not assessment.passed:
        raise BusinessError(
            _("Only an assessment that meets the criteria can be proposed for recognition."),
            code="not_passed",
        )


def _snapshot(answers: Mapping[str, engine.Answer]) -> dict[str, engine.Answer]:
    return {code: answers[code] for code in sorted(answers)}


def _submit(assessment: Assessment, now: datetime.datetime) -> dict[str, Any]:
    """Score the assessment for submission; returns what the timeline keeps of it."""
    criteria_set = criteria_set_of(assessment)
    computed = computed_values(assessment)
    _store_computed(assessment, computed)
    answers = {**answers_of(assessment), **computed}
    try:
        result = engine.score(criteria_set, answers)
    except engine.AnswerError as error:
        raise _answer_error(criteria_set, error) from error
    if result.missing:
        raise BusinessError(
            _("Answer every indicator before submitting. Missing: %(codes)s.")
            % {"codes": ", ".join(result.missing)},
            code="missing",
        )
    assessment.passed = result.passed
    assessment.level = result.level or ""
    assessment.total = Decimal(str(round(result.total, 2))) if result.total is not None else None
    assessment.submitted_at = now
    due = deadline_for(assessment, State.SUBMITTED)
    assessment.is_late = due is not None and timezone.localdate(now) > due
    snapshot = _snapshot(answers)
    changes: dict[str, Any] = {"scores": snapshot}
    previous = (
        assessment.transitions.filter(action=permissions.SUBMIT)
        .order_by("-occurred_at", "-id")
        .first()
    )
    if previous is not None:
        before = previous.changes.get("scores", {})
        changes["changed"] = {
            code: {"before": before.get(code), "after": snapshot.get(code)}
            for code in sorted({*before, *snapshot})
            if before.get(code) != snapshot.get(code)
        }
    return changes


def _apply(
    actor: Any, assessment: Assessment, action: str, reason: str, now: datetime.datetime
) -> Assessment:
    """Move a locked, checked assessment on; write the timeline row and the audit event."""
    from_state = assessment.state
    counted_before = rollups.key_of(assessment)
    to_state = TRANSITIONS[action][1]
    changes = _submit(assessment, now) if action == permissions.SUBMIT else {}
    assessment.state = to_state
    assessment.version += 1
    assessment.save(
        update_fields=[
            "state",
            "version",
            "passed",
            "level",
            "total",
            "submitted_at",
            "is_late",
            "updated_at",
        ]
    )
    rollups.assessment_changed(counted_before, rollups.key_of(assessment))
    Transition.objects.create(
        assessment=assessment,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason.strip(),
        changes=changes,
    )
    audit_event_record(
        actor=actor,
        action=f"assessment.{action}",
        obj=assessment,
        unit_path=assessment.unit_path,
        data={"from": from_state, "to": to_state, "reason": reason.strip()},
    )
    return assessment


def _apply_many(actor: Any, locked: list[Assessment], action: str, reason: str) -> None:
    """`_apply` on many locked, checked assessments in a few queries instead of three per row.

    For every step but submission (which scores each assessment on its own) `_apply` changes
    only the state, the version and the time stamp, and writes one timeline row and one audit
    event: the same rows here, with one UPDATE, one INSERT of the timeline and one of the audit.
    Keep the two in step when `_apply` learns to do more.
    """
    assessments_move(actor, locked, action=action, to_state=TRANSITIONS[action][1], reason=reason)


def assessments_move(
    actor: Any, locked: list[Assessment], *, action: str, to_state: str, reason: str
) -> None:
    """Move locked, checked assessments to a state in one UPDATE, with their timeline rows,
    audit events and roll-up counts; the steps above and recognition decisions share it."""
    reason = reason.strip()
    by = actor if getattr(actor, "is_authenticated", False) else None
    stamp = timezone.now()
    from_states = {assessment.pk: assessment.state for assessment in locked}
    Assessment.objects.filter(pk__in=from_states).update(
        state=to_state, version=F("version") + 1, updated_at=stamp
    )
    rollups.assessments_moved(locked, from_states, to_state)
    for assessment in locked:
        assessment.state = to_state
        assessment.version += 1
        assessment.updated_at = stamp
    Transition.objects.bulk_create(
        Transition(
            assessment=assessment,
            action=action,
            from_state=from_states[assessment.pk],
            to_state=to_state,
            actor=by,
            reason=reason,
            changes={},
        )
        for assessment in locked
    )
    audit_events_record(
        actor=actor,
        action=f"assessment.{action}",
        events=(
            (
                assessment,
                assessment.unit_path,
                {"from": from_states[assessment.pk], "to": to_state, "reason": reason},
            )
            for assessment in locked
        ),
    )


@transaction.atomic
def transition(
    *,
    actor: Any,
    assessment: Assessment,
    action: str,
    version: int | None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Assessment:
    """Take one workflow step (submit, review, appraise, propose, return, reject)."""
    assessment = _lock(assessment)
    _refusal(actor, assessment, action, version, reason)
    return _apply(actor, assessment, action, reason, now or clock())


class BulkTransitionRefused(BusinessError):
    """Some assessments of a bulk action may not take the step; nothing was changed."""

    def __init__(self, refusals: dict[int, str]) -> None:
        super().__init__(
            _("%(count)d of the selected assessments cannot take this step; nothing was changed.")
            % {"count": len(refusals)},
            code="bulk_refused",
        )
        # Assessment id -> why it was refused.
        self.refusals = refusals


@dataclasses.dataclass(frozen=True)
class BulkOutcome:
    action: str
    count: int


@transaction.atomic
@rollups.deferred
def bulk_transition(
    *,
    actor: Any,
    assessments: Iterable[Assessment],
    action: str,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> BulkOutcome:
    """Take one step on many assessments at once: all of them, or none and the reasons why.

    Each assessment's `version` is the one the actor saw on the page, so a row someone else
    moved meanwhile is refused like a stale form.
    """
    seen = {assessment.pk: assessment.version for assessment in assessments}
    # Locked in id order, so two bulk actions over overlapping rows cannot deadlock.
    locked = list(Assessment.objects.select_for_update().filter(pk__in=seen).order_by("pk"))
    refusals: dict[int, str] = {}
    rules: permissions.RulesCache = {}
    for assessment in locked:
        try:
            _refusal(actor, assessment, action, seen[assessment.pk], reason, rules)
        except BusinessError as error:
            refusals[assessment.pk] = " ".join(error.messages)
    for missing in set(seen) - {assessment.pk for assessment in locked}:
        refusals[missing] = _("This assessment no longer exists.")
    if refusals:
        raise BulkTransitionRefused(refusals)
    if action != permissions.SUBMIT:
        # Nothing is scored: the same rows `_apply` writes, in three queries instead of 3 × N.
        _apply_many(actor, locked, action, reason)
        return BulkOutcome(action=action, count=len(locked))
    moment = now or clock()
    for assessment in locked:
        # A submission can still be refused while it is scored (an answer missing); the
        # others go on being tried so the actor sees every refusal, then all is rolled back.
        try:
            _apply(actor, assessment, action, reason, moment)
        except BusinessError as error:
            refusals[assessment.pk] = " ".join(error.messages)
    if refusals:
        raise BulkTransitionRefused(refusals)
    return BulkOutcome(action=action, count=len(locked))
