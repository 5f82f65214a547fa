"""Configuring the workflow: who may take each action, and the yearly deadlines of each step.

Both are data a province may override (hoctap.assessments.permissions explains the precedence
of workflow rules; `services.deadline_for` that of deadlines). A province's officials configure
their own province; only a system administrator (or a superuser) configures the national rows
every province without its own falls back to. Every change writes an audit row with the values
before and after, scoped to the province so its officials can read their own history.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hoctap.accounts.models import Role
from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import AdminUnit, Level
from hoctap.assessments import permissions
from hoctap.assessments.models import TITLE_SUBJECTS, Deadline, State, Title, WorkflowRule
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.services import audit_event_record
from hoctap.registry.services import NotPermitted

# The pseudo-role "the subject itself" (see hoctap.assessments.permissions), re-exported for
# the configuration pages.
SUBJECT = permissions.SUBJECT
SUBJECT_ACTIONS = permissions.SUBJECT_ACTIONS
# Every value a rule may list, in the order pages show them.
RULE_ROLES: tuple[str, ...] = (*Role.values, SUBJECT)
# Only a title whose subject is one person or one household has somebody who signs in as it.
SUBJECT_KINDS = ("person", "household")

# Who configures: a province's officials their province, a system administrator everything.
CONFIGURER_ROLES = (Role.SYSTEM_ADMIN, Role.PROVINCE_OFFICIAL)

# The steps a deadline can be set for: those the work list dates (the state each forward
# step leads to) and the recognition decision.
DEADLINE_STEPS: tuple[str, ...] = (
    State.SUBMITTED,
    State.REVIEWED,
    State.APPRAISED,
    State.PROPOSED,
    State.RECOGNISED,
)
# A dossier is due at the latest early the following year (TT 25: 28/02 of year + 1).
MAX_YEAR_OFFSET = 1
SOURCE_MAX_LENGTH = 255  # Deadline.source

SOURCE_PROVINCE = "province"
SOURCE_NATIONAL = "national"
SOURCE_DEFAULT = "default"


# -- who may configure ----------------------------------------------------------------------


def can_configure(user: Any, province: AdminUnit | None) -> bool:
    """True when the user may change the rules and deadlines of the province (None: national)."""
    paths = scope_paths(user, roles=CONFIGURER_ROLES)
    if paths is None:
        return True
    if province is None:
        return False  # only a system administrator changes what applies nationwide
    return any(province.path.startswith(path) for path in paths)


def configurable_provinces(user: Any) -> tuple[QuerySet[AdminUnit], bool]:
    """The provinces the user may configure, and whether the national rows too."""
    provinces = AdminUnit.objects.current().filter(level=Level.PROVINCE).order_by("name")
    paths = scope_paths(user, roles=CONFIGURER_ROLES)
    if paths is None:
        return provinces, True
    return provinces.filter(path__in=paths), False


def can_configure_anything(user: Any) -> bool:
    """True when the user may configure at least one province or the national rows."""
    provinces, national = configurable_provinces(user)
    return national or provinces.exists()


# -- validation -----------------------------------------------------------------------------


def _check_title(title: str) -> None:
    if title not in Title.values:
        raise BusinessError(_("Unknown title: %(title)s.") % {"title": title}, code="title")


def offered_roles(title: str, action: str) -> tuple[str, ...]:
    """The values a rule for this title and action may list, in display order."""
    subject_allowed = action in SUBJECT_ACTIONS and TITLE_SUBJECTS[title][0] in SUBJECT_KINDS
    return tuple(role for role in RULE_ROLES if role != SUBJECT or subject_allowed)


def _ordered(roles: Iterable[str]) -> tuple[str, ...]:
    chosen = set(roles)
    known = tuple(role for role in RULE_ROLES if role in chosen)
    # Rows written before a role was retired still show, after the known ones.
    return known + tuple(sorted(chosen - set(known)))


def rule_check(title: str, action: str, roles: Iterable[str]) -> tuple[str, ...]:
    """The roles in display order, or a `BusinessError` saying what is wrong with the rule."""
    _check_title(title)
    if action not in permissions.ACTIONS:
        raise BusinessError(_("Unknown action: %(action)s.") % {"action": action}, code="action")
    chosen = list(roles)
    for role in chosen:
        if role not in RULE_ROLES:
            raise BusinessError(_("Unknown role: %(role)s.") % {"role": role}, code="role")
    if SUBJECT in chosen and SUBJECT not in offered_roles(title, action):
        raise BusinessError(
            _(
                "The subject themselves may only register, score and submit, and only for "
                "the learning citizen and learning family titles."
            ),
            code="role",
        )
    return _ordered(chosen)


def deadline_check(
    *, title: str, step: str, month: int, day: int, year_offset: int, source: str = ""
) -> None:
    """Raise a `BusinessError` saying what is wrong with the deadline; return when it is sound."""
    _check_title(title)
    if step not in DEADLINE_STEPS:
        raise BusinessError(_("A deadline cannot be set for this step."), code="step")
    if not 1 <= month <= 12:
        raise BusinessError(_("The month must be between 1 and 12."), code="month")
    if month == 2 and day == 29:
        raise BusinessError(
            _("29/02 does not exist every year: choose 28/02 or 01/03."), code="day"
        )
    try:
        # A year that is not a leap year: the day must exist every year.
        datetime.date(2001, month, day)
    except ValueError as error:
        raise BusinessError(
            _("%(day)s/%(month)02d is not a day of the year.") % {"day": day, "month": month},
            code="day",
        ) from error
    if year_offset < 0 or year_offset > MAX_YEAR_OFFSET:
        raise BusinessError(
            _(
                "A deadline falls in the assessed year or at the latest in the following year "
                "(0 or 1 year after)."
            ),
            code="year_offset",
        )
    if len(source) > SOURCE_MAX_LENGTH:
        raise BusinessError(
            _("The source is too long (at most %(count)d characters).")
            % {"count": SOURCE_MAX_LENGTH},
            code="source",
        )


def _check_scope(actor: Any, province: AdminUnit | None) -> None:
    if province is not None and (province.level != Level.PROVINCE or not province.is_current):
        raise BusinessError(_("Choose a province."), code="province")
    if can_configure(actor, province):
        return
    if province is None:
        raise NotPermitted(
            _("Only a system administrator may change what applies nationwide."),
            code="forbidden",
        )
    raise NotPermitted(
        _("You may only change the rules and deadlines of your own province."), code="forbidden"
    )


def _province_data(province: AdminUnit | None) -> tuple[str, str | None]:
    """The audit row's unit path and the province's key (None: national)."""
    if province is None:
        return "", None
    return province.path, province.key


def _concurrent_change() -> ConflictError:
    return ConflictError(
        _("Someone else changed this at the same time. Reload the page and try again."),
        code="concurrent",
    )


# -- workflow rules -------------------------------------------------------------------------


@transaction.atomic
def workflow_rule_set(
    *,
    actor: Any,
    title: str,
    action: str,
    roles: Iterable[str],
    province: AdminUnit | None = None,
) -> list[WorkflowRule]:
    """Replace who may take `action` on `title` in a province (None: nationwide).

    No roles removes the override, so the level above applies again (the national rows, then
    the code defaults). Returns the rows now in force at this level.
    """
    wanted = rule_check(title, action, roles)
    _check_scope(actor, province)
    rows = list(
        WorkflowRule.objects.select_for_update()
        .filter(title=title, action=action, province=province)
        .order_by("id")
    )
    before = _ordered(row.role for row in rows)
    if set(before) == set(wanted):
        return rows  # nothing changes, so nothing to record
    stale = [row for row in rows if row.role not in wanted]
    kept = [row for row in rows if row.role in wanted]
    added = [
        WorkflowRule(title=title, action=action, role=role, province=province)
        for role in wanted
        if role not in before
    ]
    # The unique constraints are the database's: a concurrent writer shows as IntegrityError.
    for row in added:
        row.full_clean(validate_constraints=False)
    # Recorded before the delete: the audit row names an object of this rule at this level.
    witness = (kept + stale)[0] if not added else None
    WorkflowRule.objects.filter(pk__in=[row.pk for row in stale]).delete()
    try:
        with transaction.atomic():
            for row in added:
                row.save()
    except IntegrityError as error:
        raise _concurrent_change() from error
    unit_path, province_key = _province_data(province)
    audit_event_record(
        actor=actor,
        action="workflow_rule.reset" if not wanted else "workflow_rule.set",
        obj=witness if witness is not None else added[0],
        unit_path=unit_path,
        data={
            "title": title,
            "action": action,
            "province": province_key,
            "before": list(before),
            "after": list(wanted),
        },
    )
    return sorted(kept + added, key=lambda row: RULE_ROLES.index(row.role))


@dataclasses.dataclass(frozen=True)
class EffectiveRule:
    """Who may take one action of a title in a province, and the levels that decided it."""

    action: str
    roles: tuple[str, ...]
    source: str  # SOURCE_PROVINCE, SOURCE_NATIONAL or SOURCE_DEFAULT
    province_roles: tuple[str, ...]
    national_roles: tuple[str, ...]
    default_roles: tuple[str, ...]

    @property
    def above_source(self) -> str:
        """Where the roles would come from without the province's rows (national, else default)."""
        return SOURCE_NATIONAL if self.national_roles else SOURCE_DEFAULT

    @property
    def above_roles(self) -> tuple[str, ...]:
        return self.national_roles or self.default_roles


def effective_rules(title: str, province: AdminUnit | None) -> list[EffectiveRule]:
    """Per action (in workflow order), the roles in force in a province (None: nationwide)
    and whether they come from the province's rows, the national rows or the code defaults."""
    _check_title(title)
    scope = Q(province__isnull=True)
    if province is not None:
        scope |= Q(province=province)
    rows = list(
        WorkflowRule.objects.filter(scope, title=title).values_list("action", "role", "province")
    )
    result: list[EffectiveRule] = []
    for action in permissions.ACTIONS:
        own = _ordered(
            role for row_action, role, where in rows if row_action == action and where is not None
        )
        national = _ordered(
            role for row_action, role, where in rows if row_action == action and where is None
        )
        default = _ordered(permissions.DEFAULT_RULES.get(title, {}).get(action, ()))
        if own:
            roles, source = own, SOURCE_PROVINCE
        elif national:
            roles, source = national, SOURCE_NATIONAL
        else:
            roles, source = default, SOURCE_DEFAULT
        result.append(
            EffectiveRule(
                action=action,
                roles=roles,
                source=source,
                province_roles=own,
                national_roles=national,
                default_roles=default,
            )
        )
    return result


# -- deadlines ------------------------------------------------------------------------------


def _deadline_data(row: Deadline | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "day": row.day,
        "month": row.month,
        "year_offset": row.year_offset,
        "source": row.source,
    }


@transaction.atomic
def deadline_set(
    *,
    actor: Any,
    title: str,
    step: str,
    month: int,
    day: int,
    year_offset: int,
    source: str = "",
    province: AdminUnit | None = None,
) -> Deadline:
    """Set the day a step of a title is due each year, in a province (None: nationwide)."""
    source = source.strip()
    deadline_check(
        title=title, step=step, month=month, day=day, year_offset=year_offset, source=source
    )
    _check_scope(actor, province)
    row = (
        Deadline.objects.select_for_update()
        .filter(title=title, step=step, province=province)
        .first()
    )
    before = _deadline_data(row)
    if row is None:
        row = Deadline(title=title, step=step, province=province)
    row.month, row.day, row.year_offset, row.source = month, day, year_offset, source
    after = _deadline_data(row)
    if before == after:
        return row
    row.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            if before is None:
                row.save()
            else:
                row.save(update_fields=["month", "day", "year_offset", "source"])
    except IntegrityError as error:  # a concurrent first setting of the same deadline
        raise _concurrent_change() from error
    unit_path, province_key = _province_data(province)
    audit_event_record(
        actor=actor,
        action="deadline.set",
        obj=row,
        unit_path=unit_path,
        data={
            "title": title,
            "step": step,
            "province": province_key,
            "before": before,
            "after": after,
        },
    )
    return row


@transaction.atomic
def deadline_remove(
    *, actor: Any, title: str, step: str, province: AdminUnit | None = None
) -> None:
    """Remove a province's (None: the national) deadline of a step, so the level above applies."""
    _check_title(title)
    _check_scope(actor, province)
    row = (
        Deadline.objects.select_for_update()
        .filter(title=title, step=step, province=province)
        .first()
    )
    if row is None:
        raise BusinessError(_("There is no such deadline to remove."), code="missing")
    unit_path, province_key = _province_data(province)
    audit_event_record(
        actor=actor,
        action="deadline.remove",
        obj=row,
        unit_path=unit_path,
        data={
            "title": title,
            "step": step,
            "province": province_key,
            "before": _deadline_data(row),
            "after": None,
        },
    )
    row.delete()


@dataclasses.dataclass(frozen=True)
class EffectiveDeadline:
    """One step's deadline in a province: its own, the national one, and which applies."""

    title: str
    step: str
    provincial: Deadline | None
    national: Deadline | None

    @property
    def applied(self) -> Deadline | None:
        return self.provincial or self.national

    @property
    def source(self) -> str:
        if self.provincial is not None:
            return SOURCE_PROVINCE
        return SOURCE_NATIONAL if self.national is not None else ""


def effective_deadlines(province: AdminUnit | None) -> dict[str, list[EffectiveDeadline]]:
    """Title -> the steps that have a deadline in the province (None: nationwide), in step order."""
    scope = Q(province__isnull=True)
    if province is not None:
        scope |= Q(province=province)
    rows = list(Deadline.objects.filter(scope).select_related("province"))
    steps = [*DEADLINE_STEPS, *sorted({row.step for row in rows} - set(DEADLINE_STEPS))]
    result: dict[str, list[EffectiveDeadline]] = {}
    for title in Title.values:
        entries = []
        for step in steps:
            mine = [row for row in rows if row.title == title and row.step == step]
            provincial = next((row for row in mine if row.province_id is not None), None)
            national = next((row for row in mine if row.province_id is None), None)
            if provincial is not None or national is not None:
                entries.append(
                    EffectiveDeadline(
                        title=title, step=step, provincial=provincial, national=national
                    )
                )
        result[title] = entries
    return result
