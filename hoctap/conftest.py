"""Fixtures shared by every app: a small two-province tree and one user per role and scope.

Tỉnh Sơn La ─┬─ Xã Mường Giôn ── Bản Hày, Bản Cọ      (commune, other hamlet)
             └─ Phường Tô Hiệu ── Tổ dân phố 1          (other_commune)
Tỉnh Thanh Hóa ── Xã Nông Cống ── Thôn Vạn Thắng        (other_province, far_commune)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from hoctap.accounts.models import Role, User
from hoctap.accounts.tests.factories import user_with_role
from hoctap.adminunits.models import AdminUnit
from hoctap.adminunits.tests import factories as units

pytest_plugins = ["hoctap.testing.browser"]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Every test starts with an empty cache: cached pages, kept verification answers and
    rate-limit counters of one test must not answer in the next (whose rolled-back data
    may reuse the same serials and addresses)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Real hashers cost seconds per user; tests check behaviour, not hashing strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Tree:
    province: AdminUnit
    commune: AdminUnit
    hamlet: AdminUnit
    other_hamlet: AdminUnit
    other_commune: AdminUnit
    other_commune_hamlet: AdminUnit
    other_province: AdminUnit
    far_commune: AdminUnit
    far_hamlet: AdminUnit


@dataclass
class People:
    admin: User
    province_official: User
    commune_official: User
    other_commune_official: User
    other_province_official: User
    collector: User
    citizen: User
    organisation_head: User


@pytest.fixture
def tree(db: Any) -> Tree:
    son_la = units.province("Tỉnh Sơn La", key="14")
    muong_gion = units.commune(son_la, "Xã Mường Giôn", key="03694")
    to_hieu = units.ward(son_la, "Phường Tô Hiệu", key="03646")
    thanh_hoa = units.province("Tỉnh Thanh Hóa", key="38")
    nong_cong = units.commune(thanh_hoa, "Xã Nông Cống", key="16279")
    return Tree(
        province=son_la,
        commune=muong_gion,
        hamlet=units.hamlet(muong_gion, "Bản Hày", key="03694-001"),
        other_hamlet=units.hamlet(muong_gion, "Bản Cọ", key="03694-002"),
        other_commune=to_hieu,
        other_commune_hamlet=units.hamlet(to_hieu, "Tổ dân phố 1", key="03646-001"),
        other_province=thanh_hoa,
        far_commune=nong_cong,
        far_hamlet=units.hamlet(nong_cong, "Thôn Vạn Thắng", key="16279-001"),
    )


@pytest.fixture
def people(tree: Tree) -> People:
    admin = user_with_role(Role.SYSTEM_ADMIN, None, "quantri")
    return People(
        admin=admin,
        province_official=user_with_role(Role.PROVINCE_OFFICIAL, tree.province, "tinh"),
        commune_official=user_with_role(Role.COMMUNE_OFFICIAL, tree.commune, "xa"),
        other_commune_official=user_with_role(Role.COMMUNE_OFFICIAL, tree.other_commune, "xakhac"),
        other_province_official=user_with_role(
            Role.PROVINCE_OFFICIAL, tree.other_province, "tinhkhac"
        ),
        collector=user_with_role(Role.COLLECTOR, tree.hamlet, "thon"),
        citizen=user_with_role(Role.CITIZEN, tree.hamlet, "congdan"),
        organisation_head=user_with_role(Role.ORGANISATION_HEAD, tree.commune, "donvi"),
    )
