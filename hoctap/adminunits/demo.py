"""Demo hamlets for Sơn La and Thanh Hóa, with names that look like the real ones."""

from __future__ import annotations

import random
from typing import Any

from hoctap.adminunits import services
from hoctap.adminunits.models import AdminUnit, Kind, Level

SON_LA = "14"
THANH_HOA = "38"
# Xã Vạn Hòa (huyện Nông Cống), the commune of seed 003, became part of Xã Nông Cống.
VAN_HOA_OLD_KEY = "old-16327"

THAI_VILLAGE_NAMES = [
    "Bản Hày",
    "Bản Cọ",
    "Bản Mòng",
    "Bản Púng",
    "Bản Nà Sản",
    "Bản Co Mạ",
    "Bản Pá Khoang",
    "Bản Huổi Hẹ",
    "Bản Nà Ngần",
    "Bản Phiêng Lanh",
    "Bản Co Lóng",
    "Bản Nậm Ét",
    "Bản Lả Mường",
    "Bản Hua Tát",
    "Bản Tà Số",
    "Bản Nà Cài",
    "Bản Pom Khốc",
    "Bản Xa Căn",
    "Bản Hin Phày",
    "Bản Kéo Ngà",
    "Bản Thẳm Hón",
    "Bản Tong Chinh",
    "Bản Nong Lào",
]
KINH_VILLAGE_NAMES = [
    "Thôn Vạn Thắng",
    "Thôn Vạn Thiện",
    "Thôn Đồng Tâm",
    "Thôn Hợp Nhất",
    "Thôn Yên Thịnh",
    "Thôn Phú Cường",
    "Thôn Tân Phúc",
    "Thôn Đông Hòa",
    "Thôn Trung Thành",
    "Thôn Minh Khôi",
    "Thôn Thượng Vạn",
    "Thôn Hạ Vạn",
    "Thôn Bắc Sơn",
    "Thôn Nam Tiến",
    "Thôn Quang Trung",
    "Thôn Xuân Thành",
    "Thôn Phúc Lộc",
    "Thôn Hòa Bình",
    "Thôn Đoài Thôn",
    "Thôn Cao Thắng",
]


def _hamlet_names(commune: AdminUnit, rng: random.Random) -> list[tuple[str, str]]:
    count = rng.randint(6, 12)
    if commune.kind == Kind.WARD:
        return [(f"Tổ dân phố {n}", Kind.RESIDENTIAL_GROUP) for n in range(1, count + 1)]
    assert commune.parent is not None
    if commune.parent.code == SON_LA:
        return [(name, Kind.HIGHLAND_VILLAGE) for name in rng.sample(THAI_VILLAGE_NAMES, count)]
    return [(name, Kind.VILLAGE) for name in rng.sample(KINH_VILLAGE_NAMES, count)]


def seed(*, actor: Any, stdout: Any) -> dict[str, Any]:
    """Add hamlets to every commune of the two demo provinces (once)."""
    rng = random.Random(2022)  # noqa: S311 - demo names, not secrets
    communes = (
        AdminUnit.objects.current()
        .filter(level=Level.COMMUNE, parent__code__in=[SON_LA, THANH_HOA], parent__valid_to=None)
        .select_related("parent")
        .order_by("key")
    )
    created = 0
    for commune in communes:
        if AdminUnit.objects.filter(parent=commune, level=Level.HAMLET).exists():
            continue
        for name, kind in _hamlet_names(commune, rng):
            services.hamlet_create(actor=actor, commune=commune, name=name, kind=kind)
            created += 1
    van_hoa = AdminUnit.objects.get(key=VAN_HOA_OLD_KEY)
    from hoctap.adminunits.selectors import unit_successors_now

    van_hoa_now = unit_successors_now(unit=van_hoa)[0]
    stdout.write(
        f"Thôn, bản, tổ dân phố: thêm {created}. Xã Vạn Hòa (huyện Nông Cống, kế hoạch "
        f"35/KH-UBND) nay thuộc {van_hoa_now.name}, {van_hoa_now.parent}."
    )
    return {"van_hoa_now": van_hoa_now}
