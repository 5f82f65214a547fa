"""Which criteria set applies: the province's own version, a national one, or the shipped file."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from hoctap.conftest import People, Tree
from hoctap.criteria import loader
from hoctap.criteria.models import CriteriaSetVersion, VersionStatus
from hoctap.criteria.selectors import criteria_set_for, criteria_set_shipped

pytestmark = pytest.mark.django_db

CODE = "cong-dan-hoc-tap"
SHIPPED_TEXT = (loader.SETS_DIR / "cong-dan-hoc-tap-2023.yaml").read_text(encoding="utf-8")
JAN_2025 = datetime.date(2025, 1, 1)


def own_version(version: str, min_total: int) -> str:
    return SHIPPED_TEXT.replace('version: "2023"', f'version: "{version}"').replace(
        "min_total: 80", f"min_total: {min_total}"
    )


def store(
    province: Any, version: str, min_total: int, valid_from: datetime.date, **extra: Any
) -> CriteriaSetVersion:
    return CriteriaSetVersion.objects.create(
        code=CODE,
        version=version,
        province=province,
        valid_from=valid_from,
        yaml_text=own_version(version, min_total),
        **extra,
    )


def test_without_versions_the_shipped_set_applies(tree: Tree) -> None:
    applied = criteria_set_for(CODE, tree.hamlet, JAN_2025)
    assert applied == criteria_set_shipped(CODE, JAN_2025)
    assert applied.version == "2023"


def test_the_provinces_version_applies_in_its_area_from_its_date(tree: Tree) -> None:
    # given Sơn La's own version from 1/1/2025
    store(tree.province, "son-la-2025", 85, JAN_2025)
    # then it applies to Sơn La's units from that date
    for unit in (tree.province, tree.commune, tree.hamlet, tree.other_commune_hamlet):
        assert criteria_set_for(CODE, unit, JAN_2025).version == "son-la-2025"
    assert criteria_set_for(CODE, tree.hamlet, JAN_2025).pass_rule.min_total == 85
    # but not the day before, nor in another province
    assert (
        criteria_set_for(CODE, tree.hamlet, JAN_2025 - datetime.timedelta(days=1)).version == "2023"
    )
    assert criteria_set_for(CODE, tree.far_hamlet, JAN_2025).version == "2023"


def test_the_latest_province_version_in_force_wins(tree: Tree) -> None:
    store(tree.province, "son-la-2024", 82, datetime.date(2024, 1, 1))
    store(tree.province, "son-la-2026", 90, datetime.date(2026, 1, 1))
    assert criteria_set_for(CODE, tree.hamlet, datetime.date(2023, 12, 31)).version == "2023"
    assert criteria_set_for(CODE, tree.hamlet, JAN_2025).version == "son-la-2024"
    assert criteria_set_for(CODE, tree.hamlet, datetime.date(2026, 1, 1)).version == "son-la-2026"


def test_a_national_version_applies_where_the_province_has_none(tree: Tree) -> None:
    store(None, "toan-quoc-2025", 81, JAN_2025)
    store(tree.province, "son-la-2025", 85, datetime.date(2025, 6, 1))
    assert criteria_set_for(CODE, tree.far_hamlet, JAN_2025).version == "toan-quoc-2025"
    assert criteria_set_for(CODE, tree.hamlet, JAN_2025).version == "toan-quoc-2025"
    assert criteria_set_for(CODE, tree.hamlet, datetime.date(2025, 6, 1)).version == "son-la-2025"
    assert criteria_set_for(CODE, None, JAN_2025).version == "toan-quoc-2025"


def test_a_withdrawn_version_no_longer_applies(tree: Tree) -> None:
    store(tree.province, "son-la-2025", 85, JAN_2025, status=VersionStatus.WITHDRAWN)
    assert criteria_set_for(CODE, tree.hamlet, JAN_2025).version == "2023"


def test_an_unknown_code_raises(tree: Tree) -> None:
    with pytest.raises(LookupError):
        criteria_set_for("khong-co", tree.hamlet, JAN_2025)


def test_before_the_shipped_set_the_earliest_shipped_one_applies(
    people: People, tree: Tree
) -> None:
    assert criteria_set_for(CODE, tree.hamlet, datetime.date(2022, 1, 1)).version == "2023"
