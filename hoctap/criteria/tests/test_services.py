"""Uploading a province's version of a criteria set."""

from __future__ import annotations

import datetime

import pytest

from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError
from hoctap.core.models import AuditEvent
from hoctap.criteria import loader
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.selectors import criteria_set_for
from hoctap.criteria.services import CriteriaFileRefused, NotPermitted, criteria_set_upload

pytestmark = pytest.mark.django_db

SHIPPED_TEXT = (loader.SETS_DIR / "cong-dan-hoc-tap-2023.yaml").read_text(encoding="utf-8")
OWN_TEXT = SHIPPED_TEXT.replace('version: "2023"', 'version: "son-la-2025"')
JAN_2025 = datetime.date(2025, 1, 1)


def test_a_province_official_adds_a_version_for_their_province(people: People, tree: Tree) -> None:
    version = criteria_set_upload(
        actor=people.province_official,
        province=tree.province,
        yaml_text=OWN_TEXT,
        valid_from=JAN_2025,
    )
    assert (version.code, version.version, version.province) == (
        "cong-dan-hoc-tap",
        "son-la-2025",
        tree.province,
    )
    assert version.uploaded_by == people.province_official
    assert criteria_set_for("cong-dan-hoc-tap", tree.hamlet, JAN_2025).version == "son-la-2025"
    event = AuditEvent.objects.get(action="criteria_set.upload")
    assert event.object_id == str(version.pk)
    assert event.unit_path == tree.province.path


def test_a_system_admin_adds_a_version_anywhere_and_nationwide(people: People, tree: Tree) -> None:
    criteria_set_upload(
        actor=people.admin, province=tree.other_province, yaml_text=OWN_TEXT, valid_from=JAN_2025
    )
    criteria_set_upload(actor=people.admin, province=None, yaml_text=OWN_TEXT, valid_from=JAN_2025)
    assert CriteriaSetVersion.objects.count() == 2


@pytest.mark.parametrize(
    "who",
    [
        "other_province_official",
        "commune_official",
        "collector",
        "citizen",
        "organisation_head",
    ],
)
def test_others_may_not_add_a_version_for_the_province(
    people: People, tree: Tree, who: str
) -> None:
    with pytest.raises(NotPermitted):
        criteria_set_upload(
            actor=getattr(people, who),
            province=tree.province,
            yaml_text=OWN_TEXT,
            valid_from=JAN_2025,
        )
    assert not CriteriaSetVersion.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_province_official_may_not_replace_the_national_set(people: People) -> None:
    with pytest.raises(NotPermitted):
        criteria_set_upload(
            actor=people.province_official, province=None, yaml_text=OWN_TEXT, valid_from=JAN_2025
        )


def test_the_unit_must_be_a_province(people: People, tree: Tree) -> None:
    with pytest.raises(BusinessError):
        criteria_set_upload(
            actor=people.admin, province=tree.commune, yaml_text=OWN_TEXT, valid_from=JAN_2025
        )


def test_a_bad_file_is_refused_with_file_path_and_reason(people: People, tree: Tree) -> None:
    bad = OWN_TEXT.replace("max_points: 10", "max_points: 11", 1)
    with pytest.raises(CriteriaFileRefused) as refused:
        criteria_set_upload(
            actor=people.province_official,
            province=tree.province,
            yaml_text=bad,
            valid_from=JAN_2025,
            file_name="son-la.yaml",
        )
    paths = {(p.file, p.path) for p in refused.value.problems}
    assert ("son-la.yaml", "total_points") in paths
    assert ("son-la.yaml", "criteria[0].max_points") in paths
    assert any("son-la.yaml: total_points: tổng điểm" in m for m in refused.value.messages)
    assert not CriteriaSetVersion.objects.exists()


def test_the_same_version_twice_is_refused(people: People, tree: Tree) -> None:
    criteria_set_upload(
        actor=people.province_official,
        province=tree.province,
        yaml_text=OWN_TEXT,
        valid_from=JAN_2025,
    )
    with pytest.raises(BusinessError) as refused:
        criteria_set_upload(
            actor=people.province_official,
            province=tree.province,
            yaml_text=OWN_TEXT,
            valid_from=datetime.date(2026, 1, 1),
        )
    assert refused.value.code == "duplicate"
    assert CriteriaSetVersion.objects.count() == 1
