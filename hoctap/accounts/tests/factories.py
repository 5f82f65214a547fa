"""Factories for users and their role assignments."""

from __future__ import annotations

import factory

from hoctap.accounts.models import Role, RoleAssignment, User
from hoctap.adminunits.models import AdminUnit

PASSWORD = "mat-khau-thu-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: object = None) -> None:
        if create:
            instance.save()


def user_with_role(role: str, unit: AdminUnit | None, username: str | None = None) -> User:
    """A user holding one role at one unit."""
    user: User = UserFactory.create(**({"username": username} if username else {}))
    RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


__all__ = ["PASSWORD", "Role", "UserFactory", "user_with_role"]
