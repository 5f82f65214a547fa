"""Who may act on an assessment: workflow rules per title and action, overridable per province.

The 2025 reform moved the recognising authorities and provinces differ, so the rules are data:
`DEFAULT_RULES` below is what applies when nobody configured anything; `WorkflowRule` rows
replace it for a title and action, nationally (province empty) or in one province. For a given
title and action the first of these that has any row wins, whole: the province's rows, else the
national rows, else the code defaults. A role listed for an action covers the subtree of the unit
where the user holds it, so a commune official acts on every hamlet of the commune.

Besides the roles of `hoctap.accounts`, a rule may list the pseudo-role `SUBJECT`: the subject
itself, through the registry person its account is linked to (`User.person`). Nobody is assigned
it; it is worked out from the assessment (or, when registering, from the subject), so it is
checked by `can_act` and `can_register`, never by `can_act_at`, which knows only a place.
"""

from __future__ import annotations

from typing import Any

from hoctap.accounts.models import Role
from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import PATH_STEP
from hoctap.assessments.models import Assessment, Title, WorkflowRule
from hoctap.registry.models import Household, Person

REGISTER = "register"
SCORE = "score"  # edit scores (and evidence) while REGISTERED or RETURNED
SUBMIT = "submit"
REVIEW = "review"
APPRAISE = "appraise"
PROPOSE = "propose"
RETURN = "return"
REJECT = "reject"
# Issue a recognition decision over proposed assessments, or a decision revoking a recognition;
# the role holding it at a unit makes that unit the issuing authority (hoctap.recognition).
RECOGNISE = "recognise"

ACTIONS = (REGISTER, SCORE, SUBMIT, REVIEW, APPRAISE, PROPOSE, RETURN, REJECT, RECOGNISE)
TRANSITION_ACTIONS = (SUBMIT, REVIEW, APPRAISE, PROPOSE, RETURN, REJECT)

# "The subject itself" (issue 4): a citizen registering as a learning citizen, or an adult member
# of a household registering it as a learning family, then scoring and submitting. It needs an
# active account linked to the registry person; the citizen role is not required (it only places
# the account), so an official linked to their own person may register themselves too. A
# province switches self-registration off by configuring the rules without it.
SUBJECT = "subject"
SUBJECT_ACTIONS = (REGISTER, SCORE, SUBMIT)

# Titles whose subject lives in a hamlet: the hamlet's collector (the association branch) and the
# commune's officials register and score them; province officials may stand in above them.
_LOCAL_ENTRY = (Role.COLLECTOR, Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL)
# The hamlet branch reviews (DOMAIN §5 step 3), the commune appraises and proposes (step 4).
_LOCAL_RULES: dict[str, tuple[str, ...]] = {
    REGISTER: _LOCAL_ENTRY,
    SCORE: _LOCAL_ENTRY,
    SUBMIT: _LOCAL_ENTRY,
    REVIEW: (Role.COLLECTOR,),
    APPRAISE: (Role.COMMUNE_OFFICIAL,),
    PROPOSE: (Role.COMMUNE_OFFICIAL,),
    RETURN: (Role.COMMUNE_OFFICIAL,),
    REJECT: (Role.COMMUNE_OFFICIAL,),
    RECOGNISE: (Role.COMMUNE_OFFICIAL,),
}


def _organisation_rules(appraiser: str) -> dict[str, tuple[str, ...]]:
    """Learning units: the head registers, scores and submits, and reviews as the evaluation
    team the head appoints (TT 24 *tổ đánh giá*); the appraising level does the rest."""
    return {
        REGISTER: (Role.ORGANISATION_HEAD,),
        SCORE: (Role.ORGANISATION_HEAD,),
        SUBMIT: (Role.ORGANISATION_HEAD,),
        REVIEW: (Role.ORGANISATION_HEAD,),
        APPRAISE: (appraiser,),
        PROPOSE: (appraiser,),
        RETURN: (appraiser,),
        REJECT: (appraiser,),
        RECOGNISE: (appraiser,),
    }


def _with_subject(rules: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """A copy of the rules where the subject itself also registers, scores and submits."""
    return {
        action: (*roles, SUBJECT) if action in SUBJECT_ACTIONS else roles
        for action, roles in rules.items()
    }


# Title -> action -> roles allowed when no WorkflowRule row says otherwise.
DEFAULT_RULES: dict[str, dict[str, tuple[str, ...]]] = {
    Title.LEARNING_CITIZEN: _with_subject(_LOCAL_RULES),
    Title.LEARNING_FAMILY: _with_subject(_LOCAL_RULES),
    Title.LEARNING_CLAN: _LOCAL_RULES,
    Title.LEARNING_COMMUNITY_HAMLET: _LOCAL_RULES,
    Title.LEARNING_UNIT_COMMUNE: _organisation_rules(Role.COMMUNE_OFFICIAL),
    Title.LEARNING_UNIT_PROVINCE: _organisation_rules(Role.PROVINCE_OFFICIAL),
    # TT 25: the commune prepares its own dossier (its steering committee reviews it) and the
    # level above appraises; since 7/2025 that is the province unless a province says otherwise.
    Title.LEARNING_COMMUNITY_COMMUNE: {
        REGISTER: (Role.COMMUNE_OFFICIAL,),
        SCORE: (Role.COMMUNE_OFFICIAL,),
        SUBMIT: (Role.COMMUNE_OFFICIAL,),
        REVIEW: (Role.COMMUNE_OFFICIAL,),
        APPRAISE: (Role.PROVINCE_OFFICIAL,),
        PROPOSE: (Role.PROVINCE_OFFICIAL,),
        RETURN: (Role.PROVINCE_OFFICIAL,),
        REJECT: (Role.PROVINCE_OFFICIAL,),
        RECOGNISE: (Role.PROVINCE_OFFICIAL,),
    },
}


def allowed_roles(title: str, action: str, unit_path: str) -> tuple[str, ...]:
    """Roles that may take `action` on `title` at a unit: province rows, national rows, defaults."""
    rows = list(
        WorkflowRule.objects.filter(title=title, action=action).values_list(
            "role", "province__path"
        )
    )
    province_path = unit_path[:PATH_STEP]
    own = tuple(role for role, path in rows if path is not None and path == province_path)
    if own:
        return own
    national = tuple(role for role, path in rows if path is None)
    if national:
        return national
    return DEFAULT_RULES.get(title, {}).get(action, ())


# (title, action, province path) -> roles, kept by a caller checking many assessments at once.
RulesCache = dict[tuple[str, str, str], tuple[str, ...]]


def _roles(title: str, action: str, unit_path: str, cache: RulesCache | None) -> tuple[str, ...]:
    if cache is None:
        return allowed_roles(title, action, unit_path)
    key = (title, action, unit_path[:PATH_STEP])
    if key not in cache:
        cache[key] = allowed_roles(title, action, unit_path)
    return cache[key]


def _holds_at(user: Any, roles: tuple[str, ...], unit_path: str) -> bool:
    paths = scope_paths(user, roles)
    return paths is None or any(unit_path.startswith(path) for path in paths)


def can_act_at(
    user: Any, title: str, action: str, unit_path: str, *, cache: RulesCache | None = None
) -> bool:
    """True when the user holds an allowed role at the unit or one of its ancestors.

    A superuser passes everywhere, as everywhere else in Django; a system administrator who is
    not a superuser takes part only where a rule lists the role. The subject itself is not
    known here: `can_act` and `can_register` add it.
    """
    return _holds_at(user, _roles(title, action, unit_path, cache), unit_path)


def linked_person(user: Any) -> Person | None:
    """The registry person of an active, signed-in account; None when it is not linked."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if getattr(user, "person_id", None) is None:
        return None
    # Django keeps the loaded person on the user object, so a page asks the database once.
    person: Person | None = user.person
    return person


def is_subject(user: Any, *, person_id: int | None, household_id: int | None) -> bool:
    """True when the user is the subject itself: the person, or an adult of the household."""
    person = linked_person(user)
    if person is None:
        return False
    if person_id is not None:
        return person.pk == person_id
    if household_id is not None:
        # A minor belongs to the family but does not speak for it (DOMAIN: families register).
        return person.is_adult and person.household_id == household_id
    return False


def _can_act_on(
    user: Any,
    title: str,
    action: str,
    unit_path: str,
    *,
    person_id: int | None,
    household_id: int | None,
    cache: RulesCache | None,
) -> bool:
    roles = _roles(title, action, unit_path, cache)
    if _holds_at(user, roles, unit_path):
        return True
    return SUBJECT in roles and is_subject(user, person_id=person_id, household_id=household_id)


def can_act(
    user: Any, assessment: Assessment, action: str, *, cache: RulesCache | None = None
) -> bool:
    """True when the user may take this workflow action on this assessment."""
    return _can_act_on(
        user,
        assessment.title,
        action,
        assessment.unit_path,
        person_id=assessment.person_id,
        household_id=assessment.household_id,
        cache=cache,
    )


def can_register(
    user: Any, title: str, subject: Any, unit_path: str, *, cache: RulesCache | None = None
) -> bool:
    """True when the user may register this subject (placed at `unit_path`) for the title."""
    return _can_act_on(
        user,
        title,
        REGISTER,
        unit_path,
        person_id=subject.pk if isinstance(subject, Person) else None,
        household_id=subject.pk if isinstance(subject, Household) else None,
        cache=cache,
    )
