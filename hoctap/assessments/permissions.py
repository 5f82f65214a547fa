"""Who may act on an assessment: workflow rules per title and action, overridable per province.

The 2025 reform moved the recognising authorities and provinces differ, so the rules are data:
`DEFAULT_RULES` below is what applies when nobody configured anything; `WorkflowRule` rows
replace it for a title and action, nationally (province empty) or in one province. For a given
title and action the first of these that has any row wins, whole: the province's rows, else the
national rows, else the code defaults. A role listed for an action covers the subtree of the unit
where the user holds it, so a commune official acts on every hamlet of the commune.
"""

from __future__ import annotations

from typing import Any

from hoctap.accounts.models import Role
from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import PATH_STEP
from hoctap.assessments.models import Assessment, Title, WorkflowRule

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


# Title -> action -> roles allowed when no WorkflowRule row says otherwise.
DEFAULT_RULES: dict[str, dict[str, tuple[str, ...]]] = {
    Title.LEARNING_CITIZEN: _LOCAL_RULES,
    Title.LEARNING_FAMILY: _LOCAL_RULES,
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


def can_act_at(
    user: Any, title: str, action: str, unit_path: str, *, cache: RulesCache | None = None
) -> bool:
    """True when the user holds an allowed role at the unit or one of its ancestors.

    A superuser passes everywhere, as everywhere else in Django; a system administrator who is
    not a superuser takes part only where a rule lists the role.
    """
    if cache is None:
        roles = allowed_roles(title, action, unit_path)
    else:
        key = (title, action, unit_path[:PATH_STEP])
        if key not in cache:
            cache[key] = allowed_roles(title, action, unit_path)
        roles = cache[key]
    paths = scope_paths(user, roles)
    return paths is None or any(unit_path.startswith(path) for path in paths)


def can_act(
    user: Any, assessment: Assessment, action: str, *, cache: RulesCache | None = None
) -> bool:
    """True when the user may take this workflow action on this assessment."""
    return can_act_at(user, assessment.title, action, assessment.unit_path, cache=cache)
