"""Users, their role assignments at units, and API tokens."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.core.models import TimeStampedModel


class User(AbstractUser):
    """A person who signs in: an official, a collector, an organisation head or a citizen."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The registry person this account belongs to, so a citizen can register, score and submit
    # their own (and, as an adult member, their household's) assessments. One account per
    # person; deleting the person keeps the account.
    person = models.OneToOneField(
        "registry.Person",
        verbose_name=_("person in the registry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    PROVINCE_OFFICIAL = "province_official", _("Province official")
    COMMUNE_OFFICIAL = "commune_official", _("Commune official")
    COLLECTOR = "collector", _("Hamlet or branch collector")
    ORGANISATION_HEAD = "organisation_head", _("Head of an organisation")
    CITIZEN = "citizen", _("Citizen")
    # Writes and publishes the portal pages of their unit (`hoctap.portal`).
    PORTAL_EDITOR = "portal_editor", _("Portal editor")


# The unit levels at which each role may be held. A system administrator holds
# no unit (it covers the whole country).
ROLE_LEVELS: dict[str, tuple[int, ...]] = {
    Role.SYSTEM_ADMIN: (),
    Role.PROVINCE_OFFICIAL: (Level.PROVINCE,),
    Role.COMMUNE_OFFICIAL: (Level.COMMUNE,),
    Role.COLLECTOR: (Level.COMMUNE, Level.HAMLET),
    Role.ORGANISATION_HEAD: (Level.PROVINCE, Level.COMMUNE),
    Role.CITIZEN: (Level.COMMUNE, Level.HAMLET),
    Role.PORTAL_EDITOR: (Level.PROVINCE, Level.COMMUNE),
}

# Which roles a holder of a role may hand out, inside their own scope.
ROLE_CAN_ASSIGN: dict[str, tuple[str, ...]] = {
    Role.SYSTEM_ADMIN: tuple(Role.values),
    Role.PROVINCE_OFFICIAL: (
        Role.PROVINCE_OFFICIAL,
        Role.COMMUNE_OFFICIAL,
        Role.COLLECTOR,
        Role.ORGANISATION_HEAD,
        Role.PORTAL_EDITOR,
    ),
    Role.COMMUNE_OFFICIAL: (
        Role.COLLECTOR,
        Role.ORGANISATION_HEAD,
        Role.CITIZEN,
        Role.PORTAL_EDITOR,
    ),
    Role.COLLECTOR: (),
    Role.ORGANISATION_HEAD: (),
    Role.CITIZEN: (),
    Role.PORTAL_EDITOR: (),
}

OFFICIAL_ROLES = (Role.SYSTEM_ADMIN, Role.PROVINCE_OFFICIAL, Role.COMMUNE_OFFICIAL)


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self) -> RoleAssignmentQuerySet:
        return self.filter(revoked_at__isnull=True)


class RoleAssignment(TimeStampedModel):
    """A user holds a role at a unit; the role covers the unit's whole subtree."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    created_by = models.ForeignKey(
        User,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(revoked_at__isnull=True),
                name="roleassignment_unique_active",
            ),
            models.CheckConstraint(
                condition=Q(role="system_admin", unit__isnull=True)
                | (~Q(role="system_admin") & Q(unit__isnull=False)),
                name="roleassignment_unit_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit or '—'}"


class ApiToken(TimeStampedModel):
    """A bearer token for scripts; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
