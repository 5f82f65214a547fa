"""One demo account per role, printed with its password."""

from __future__ import annotations

from typing import Any

from hoctap.accounts import services
from hoctap.accounts.models import Role, User
from hoctap.adminunits.models import AdminUnit, Level

DEMO_PASSWORD = "hoctap-demo-2026"  # noqa: S105 - printed on purpose for the demo


def demo_admin() -> User:
    """The demo's system administrator, created first since it creates the others."""
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"full_name": "Quản trị hệ thống", "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    return admin


def seed(*, actor: Any, stdout: Any, van_hoa_now: AdminUnit) -> None:
    """Create the demo accounts (once) and print them."""
    son_la = AdminUnit.objects.get(key="14")
    thanh_hoa = AdminUnit.objects.get(key="38")
    to_hieu = AdminUnit.objects.get(key="03646")
    other_thanh_hoa = (
        AdminUnit.objects.current()
        .filter(parent=thanh_hoa, level=Level.COMMUNE)
        .exclude(pk=van_hoa_now.pk)
        .order_by("key")
        .first()
    )
    assert other_thanh_hoa is not None
    hamlet = (
        AdminUnit.objects.current()
        .filter(parent=van_hoa_now, level=Level.HAMLET)
        .order_by("key")
        .first()
    )
    assert hamlet is not None
    accounts = [
        ("tinh.sonla", "Lò Văn Hùng", Role.PROVINCE_OFFICIAL, son_la),
        ("tinh.thanhhoa", "Lê Thị Thu Hà", Role.PROVINCE_OFFICIAL, thanh_hoa),
        ("xa.nongcong", "Nguyễn Văn Minh", Role.COMMUNE_OFFICIAL, van_hoa_now),
        ("xa.tohieu", "Cầm Thị Ngọc", Role.COMMUNE_OFFICIAL, to_hieu),
        ("xa.khac", "Trịnh Văn Long", Role.COMMUNE_OFFICIAL, other_thanh_hoa),
        ("thon.nongcong", "Lê Văn Thắng", Role.COLLECTOR, hamlet),
        ("donvi.nongcong", "Đỗ Thị Lan", Role.ORGANISATION_HEAD, van_hoa_now),
        ("congdan.nongcong", "Hoàng Văn Nam", Role.CITIZEN, hamlet),
    ]
    for username, full_name, role, unit in accounts:
        if not User.objects.filter(username=username).exists():
            services.user_create(
                actor=actor,
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                role=role,
                unit=unit,
            )
    stdout.write("")
    stdout.write(f"Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD}):")
    stdout.write(f"  {'admin':<18} Quản trị hệ thống")
    for username, full_name, role, unit in accounts:
        stdout.write(f"  {username:<18} {Role(role).label} · {unit.name} · {full_name}")


def link_citizen(*, actor: Any, stdout: Any) -> None:
    """Link the demo citizen's account to an adult of a household in their hamlet (issue 4).

    Runs after the registry and assessments demos: it picks a household the assessments demo
    left alone (only registered in bulk), so the citizen's “My titles” shows their family's
    candidacy to fill in and offers to register themself as a learning citizen.
    """
    from hoctap.registry.models import Household

    citizen = User.objects.filter(username="congdan.nongcong").first()
    if citizen is None:
        return
    if citizen.person_id is None:
        assignment = citizen.assignments.active().filter(role=Role.CITIZEN).first()
        if assignment is None or assignment.unit is None:
            return
        household = (
            Household.objects.filter(hamlet=assignment.unit, head__is_adult=True)
            .exclude(members__assessments__isnull=False)
            .select_related("head")
            .order_by("code")
            .first()
        )
        if household is None or household.head is None:
            return
        services.user_person_link(actor=actor, user=citizen, person=household.head)
        # The account was made before the registry existed; it takes the person's name.
        citizen.full_name = household.head.full_name
        citizen.save(update_fields=["full_name"])
        citizen.refresh_from_db()
    person = citizen.person
    assert person is not None
    stdout.write(
        f"  congdan.nongcong   là {person.full_name}"
        f"{f' (chủ hộ {person.household.code})' if person.household else ''}: "
        "mục “Danh hiệu của tôi” để tự đăng ký, tự chấm và nộp."
    )
