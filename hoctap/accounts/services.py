"""Writes to accounts: users, role assignments and API tokens."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.models import ApiToken, Role, RoleAssignment, User
from hoctap.accounts.permissions import can_assign
from hoctap.accounts.scope import forget_scope
from hoctap.adminunits.models import AdminUnit
from hoctap.core.exceptions import BusinessError
from hoctap.core.services import audit_event_record
from hoctap.core.text import normalize_text
from hoctap.registry.models import Person

TOKEN_PREFIX = "hct_"  # noqa: S105 - a public marker, not a secret


def _person_taken() -> BusinessError:
    return BusinessError(
        _("This person already has an account: one account per person."), code="person_taken"
    )


def _check_person(actor: Any, person: Person | None, *, user: User | None = None) -> None:
    """A person may be linked by whoever keeps their registry row, to one account only."""
    from hoctap.registry.permissions import can_edit

    if person is None:
        return
    if not can_edit(actor, person):
        raise BusinessError(_("This person is not in your area."), code="person_out_of_scope")
    others = User.objects.filter(person=person)
    if user is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise _person_taken()


def _refuse_assignment(role: str) -> BusinessError:
    return BusinessError(
        _("You may not give the role “%(role)s” at this unit.") % {"role": Role(role).label},
        code="assignment_out_of_scope",
    )


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    full_name: str,
    role: str,
    unit: AdminUnit | None,
    phone: str = "",
    email: str = "",
    person: Person | None = None,
) -> User:
    """Create an account holding one role at one unit, inside the actor's scope.

    With `person`, the account belongs to that registry person (a citizen), who may then
    register, score and submit their own assessments where the workflow rules allow it.
    """
    if role not in Role.values:
        raise BusinessError(_("Choose a role."), code="role")
    if not can_assign(actor, role, unit):
        raise _refuse_assignment(role)
    _check_person(actor, person)
    username = normalize_text(username).lower()
    if not username:
        raise BusinessError(_("Enter a user name."), code="username")
    if User.objects.filter(username__iexact=username).exists():
        raise BusinessError(
            _("The user name “%(username)s” is already taken.") % {"username": username},
            code="username_taken",
        )
    user = User(
        username=username,
        full_name=normalize_text(full_name),
        phone=normalize_text(phone),
        email=normalize_text(email),
        person=person,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise BusinessError(error.messages, code="password") from error
    user.set_password(password)
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        # Someone took the user name, or linked the person, since the checks above.
        if person is not None and User.objects.filter(person=person).exists():
            raise _person_taken() from error
        raise BusinessError(
            _("The user name “%(username)s” is already taken.") % {"username": username},
            code="username_taken",
        ) from error
    assignment = RoleAssignment.objects.create(user=user, role=role, unit=unit, created_by=actor)
    data: dict[str, Any] = {"username": username, "role": role, "unit": unit.key if unit else None}
    if person is not None:
        data["person"] = person.pk
    audit_event_record(
        actor=actor,
        action="user.create",
        obj=user,
        unit_path=unit.path if unit else "",
        data=data,
    )
    audit_event_record(
        actor=actor,
        action="assignment.create",
        obj=assignment,
        unit_path=unit.path if unit else "",
        data={"user": username, "role": role},
    )
    return user


@transaction.atomic
def assignment_create(
    *, actor: Any, user: User, role: str, unit: AdminUnit | None
) -> RoleAssignment:
    """Give an existing user another role at a unit."""
    if role not in Role.values or not can_assign(actor, role, unit):
        raise _refuse_assignment(role)
    if RoleAssignment.objects.active().filter(user=user, role=role, unit=unit).exists():
        raise BusinessError(_("The user already holds this role at this unit."), code="duplicate")
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user, role=role, unit=unit, created_by=actor
            )
    except IntegrityError as error:
        raise BusinessError(
            _("The user already holds this role at this unit."), code="duplicate"
        ) from error
    forget_scope(user)
    audit_event_record(
        actor=actor,
        action="assignment.create",
        obj=assignment,
        unit_path=unit.path if unit else "",
        data={"user": user.username, "role": role},
    )
    return assignment


@transaction.atomic
def assignment_revoke(*, actor: Any, assignment: RoleAssignment) -> RoleAssignment:
    """End a role assignment; the row stays for the record."""
    assignment = (
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the unit.
        RoleAssignment.objects.select_for_update(of=("self",))
        .select_related("unit", "user")
        .get(pk=assignment.pk)
    )
    if not can_assign(actor, assignment.role, assignment.unit):
        raise _refuse_assignment(assignment.role)
    if assignment.revoked_at is not None:
        raise BusinessError(_("This role was already revoked."), code="already_revoked")
    assignment.revoked_at = timezone.now()
    assignment.save(update_fields=["revoked_at", "updated_at"])
    forget_scope(assignment.user)
    audit_event_record(
        actor=actor,
        action="assignment.revoke",
        obj=assignment,
        unit_path=assignment.unit.path if assignment.unit else "",
        data={"user": assignment.user.username, "role": assignment.role},
    )
    return assignment


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool) -> User:
    """Lock or unlock an account (officials manage the accounts below them)."""
    from hoctap.accounts.permissions import can_manage_user

    if not can_manage_user(actor, user):
        raise BusinessError(_("You may not manage this account."), code="forbidden")
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_event_record(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        obj=user,
    )
    return user


@transaction.atomic
def user_person_link(*, actor: Any, user: User, person: Person | None) -> User:
    """Link an account to its registry person, or unlink it (`person=None`)."""
    from hoctap.accounts.permissions import can_manage_user

    if not can_manage_user(actor, user):
        raise BusinessError(_("You may not manage this account."), code="forbidden")
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_person(actor, person, user=user)
    previous = user.person_id
    user.person = person
    try:
        with transaction.atomic():
            user.save(update_fields=["person"])
    except IntegrityError as error:
        raise _person_taken() from error
    audit_event_record(
        actor=actor,
        action="user.link_person" if person is not None else "user.unlink_person",
        obj=user,
        unit_path=person.unit_path if person is not None else "",
        data={"person": person.pk if person is not None else None, "previous": previous},
    )
    return user


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for scripts; the raw value is returned once and never stored."""
    if actor.pk != user.pk:
        raise BusinessError(_("You can only create tokens for yourself."), code="forbidden")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=normalize_text(name) or _("Script"),
        digest=ApiToken.digest_of(raw),
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
    )
    audit_event_record(actor=actor, action="api_token.create", obj=token, data={"name": token.name})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens."""
    if token.user_id != actor.pk:
        raise BusinessError(_("You can only revoke your own tokens."), code="forbidden")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit_event_record(actor=actor, action="api_token.revoke", obj=token)
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user owning an unrevoked token, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
