"""Who may add criteria-set versions: a province's officials there, system admins anywhere."""

from __future__ import annotations

from typing import Any

from hoctap.accounts.models import Role
from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import AdminUnit

UPLOADER_ROLES = (Role.SYSTEM_ADMIN, Role.PROVINCE_OFFICIAL)


def can_upload(user: Any, province: AdminUnit | None) -> bool:
    """True when the user may add a version for this province (None: a national version)."""
    paths = scope_paths(user, roles=UPLOADER_ROLES)
    if paths is None:
        return True
    if province is None:
        return False  # only a system administrator replaces a set nationwide
    return any(province.path.startswith(path) for path in paths)
