"""Demo targets: the national defaults, Sơn La's stricter learning-unit targets (its August 2022
plan for QĐ 387/QĐ-TTg) and Vạn Hòa's learning-citizen targets (plan 35/KH-UBND of 23/9/2022
for QĐ 677/QĐ-TTg), which now apply to the commune that holds Vạn Hòa since 1/7/2025.

Set through the services as the demo officials, so the audit trail and "set by" are what the
pages show. Running it again adds nothing and changes no target an official has edited since.
"""

from __future__ import annotations

from typing import Any

from hoctap.accounts.models import User
from hoctap.adminunits.models import AdminUnit
from hoctap.targets import services
from hoctap.targets.models import Target

SON_LA_KEY = "14"
SON_LA_SOURCE = (
    "Kế hoạch của UBND tỉnh Sơn La (tháng 8/2022) thực hiện Chương trình theo QĐ 387/QĐ-TTg"
)
SON_LA_TARGETS = [
    # "95% (2025) / 100% (2030) đơn vị … kể cả cấp xã quản lý được công nhận Đơn vị học tập"
    ("organisations_learning_unit", 2025, 95),
    ("organisations_learning_unit", 2030, 100),
]
VAN_HOA_SOURCE = "Kế hoạch số 35/KH-UBND ngày 23/9/2022 của UBND xã Vạn Hòa (huyện Nông Cống)"
VAN_HOA_TARGETS = [
    ("adults_learning_citizen", 2025, 50),
    ("adults_learning_citizen", 2030, 70),
    ("officials_learning_citizen", 2025, 70),
    ("officials_learning_citizen", 2030, 90),
    ("learning_citizens_digital", 2025, 80),
    ("learning_citizens_digital", 2030, 90),
    ("learning_citizens_digital_proficient", 2025, 70),
    ("learning_citizens_digital_proficient", 2030, 80),
]


def _set_missing(
    actor: Any, unit: AdminUnit, targets: list[tuple[str, int, int]], source: str
) -> int:
    added = 0
    for indicator, year, value in targets:
        if Target.objects.filter(indicator=indicator, unit=unit, year=year).exists():
            continue
        services.target_set(
            actor=actor, indicator=indicator, unit=unit, year=year, value=value, source=source
        )
        added += 1
    return added


def seed(*, actor: Any, stdout: Any, van_hoa_now: AdminUnit) -> None:
    """Load the national targets and the two local plans' targets (once)."""
    national = services.national_targets_load(actor=actor)
    son_la = AdminUnit.objects.get(key=SON_LA_KEY)
    province_official = User.objects.filter(username="tinh.sonla").first() or actor
    commune_official = User.objects.filter(username="xa.nongcong").first() or actor
    local = _set_missing(province_official, son_la, SON_LA_TARGETS, SON_LA_SOURCE)
    local += _set_missing(commune_official, van_hoa_now, VAN_HOA_TARGETS, VAN_HOA_SOURCE)
    stdout.write("")
    stdout.write(
        f"Chỉ tiêu: thêm {national} chỉ tiêu quốc gia và {local} chỉ tiêu địa phương "
        f"({son_la.name}: đơn vị học tập 95% năm 2025, 100% năm 2030; {van_hoa_now.name} theo "
        "kế hoạch 35/KH-UBND của xã Vạn Hòa: người lớn 50%/70%, cán bộ 70%/90%, kỹ năng số "
        "80%/90%, thành thạo 70%/80%)."
    )
