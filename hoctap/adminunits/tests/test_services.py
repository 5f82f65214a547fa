"""Writes to the unit tree: hamlets are created, renamed, retired, merged and moved."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.utils import timezone

from hoctap.adminunits.models import (
    LAST_LEGACY_DAY,
    AdminUnit,
    AdminUnitLineage,
    Kind,
    Level,
    LineageKind,
)
from hoctap.adminunits.services import (
    NotPermitted,
    hamlet_create,
    hamlet_merge,
    hamlet_rename,
    hamlet_retire,
    unit_reparent,
)
from hoctap.adminunits.tests import factories as units
from hoctap.conftest import People, Tree
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.models import AuditEvent


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 costs half a second per factory user; hash strength is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _counts() -> tuple[int, int, int]:
    return (
        AdminUnit.objects.count(),
        AdminUnitLineage.objects.count(),
        AuditEvent.objects.count(),
    )


@contextmanager
def nothing_saved() -> Iterator[None]:
    """Assert the block adds no unit, lineage or audit row."""
    before = _counts()
    yield
    assert _counts() == before


def _message(error: BusinessError) -> str:
    return " ".join(error.messages)


# hamlet_create


def test_commune_official_creates_a_hamlet_with_the_next_key(tree: Tree, people: People) -> None:
    # when
    hamlet = hamlet_create(
        actor=people.commune_official, commune=tree.commune, name="Bản Nà Ngựu", kind=Kind.VILLAGE
    )

    # then: the fixture already holds -001 and -002
    hamlet.refresh_from_db()
    assert hamlet.key == f"{tree.commune.key}-003"
    assert hamlet.name == "Bản Nà Ngựu"
    assert hamlet.search_name == "ban na nguu"
    assert hamlet.level == Level.HAMLET
    assert hamlet.kind == Kind.VILLAGE
    assert hamlet.parent_id == tree.commune.pk
    assert hamlet.path.startswith(tree.commune.path)
    assert hamlet.depth == tree.commune.depth + 1
    assert hamlet.valid_from == timezone.localdate()
    assert hamlet.is_current


def test_hamlet_keys_count_up_from_001_in_a_new_commune(tree: Tree, people: People) -> None:
    # given
    commune = units.commune(tree.province, "Xã Chiềng Lương", key="04000")

    # when
    first = hamlet_create(
        actor=people.province_official, commune=commune, name="Bản Một", kind=Kind.VILLAGE
    )
    second = hamlet_create(
        actor=people.province_official, commune=commune, name="Bản Hai", kind=Kind.VILLAGE
    )

    # then
    assert first.key == "04000-001"
    assert second.key == "04000-002"


def test_hamlet_create_writes_an_audit_event(tree: Tree, people: People) -> None:
    hamlet = hamlet_create(
        actor=people.commune_official,
        commune=tree.commune,
        name="Bản Nà Ngựu",
        kind=Kind.HIGHLAND_VILLAGE,
    )

    event = AuditEvent.objects.get(action="hamlet.create")
    assert event.actor == people.commune_official
    assert event.object_type == "adminunits.adminunit"
    assert event.object_id == str(hamlet.pk)
    assert event.unit_path == hamlet.path
    assert event.data == {"name": "Bản Nà Ngựu", "kind": Kind.HIGHLAND_VILLAGE}


def test_hamlet_name_is_cleaned_of_extra_spaces(tree: Tree, people: People) -> None:
    hamlet = hamlet_create(
        actor=people.commune_official, commune=tree.commune, name="  Bản   Nà  ", kind="ban"
    )

    assert hamlet.name == "Bản Nà"


@pytest.mark.parametrize("user", ["province_official", "admin"])
def test_officials_above_the_commune_create_hamlets(tree: Tree, people: People, user: str) -> None:
    hamlet = hamlet_create(
        actor=getattr(people, user), commune=tree.commune, name="Bản Mới", kind=Kind.VILLAGE
    )

    assert hamlet.parent_id == tree.commune.pk


def test_the_same_name_in_another_commune_is_fine(tree: Tree, people: People) -> None:
    hamlet = hamlet_create(
        actor=people.province_official, commune=tree.other_commune, name="Bản Hày", kind="ban"
    )

    assert hamlet.parent_id == tree.other_commune.pk
    assert AdminUnit.objects.filter(search_name="ban hay", valid_to__isnull=True).count() == 2


@pytest.mark.parametrize(
    "name", ["Bản Hày", "ban hay", "BẢN HÀY", "  Bản   Hày  ", "Ban Hay"], ids=repr
)
def test_duplicate_hamlet_name_in_the_commune_is_refused(
    tree: Tree, people: People, name: str
) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        hamlet_create(actor=people.commune_official, commune=tree.commune, name=name, kind="ban")

    assert refused.value.code == "duplicate_name"
    assert "Xã Mường Giôn" in _message(refused.value)


@pytest.mark.parametrize("parent", ["province", "hamlet"])
def test_hamlet_under_a_unit_other_than_a_commune_is_refused(
    tree: Tree, people: People, parent: str
) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        hamlet_create(actor=people.admin, commune=getattr(tree, parent), name="Bản Mới", kind="ban")

    assert refused.value.code == "parent_not_commune"
    assert _message(refused.value)


def test_hamlet_under_a_legacy_commune_is_refused(tree: Tree, people: People) -> None:
    # given: a commune that ended in the 2025 reform, in the official's province
    legacy = units.AdminUnitFactory.create(
        key="old-03700",
        name="Xã Chiềng Cọ",
        parent=tree.province,
        valid_from=None,
        valid_to=LAST_LEGACY_DAY,
    )

    with nothing_saved(), pytest.raises(BusinessError) as refused:
        hamlet_create(actor=people.province_official, commune=legacy, name="Bản Mới", kind="ban")

    assert refused.value.code == "parent_retired"
    assert "Xã Chiềng Cọ" in _message(refused.value)


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_hamlet_with_a_missing_or_overlong_name_is_refused(
    tree: Tree, people: People, name: str
) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        hamlet_create(actor=people.commune_official, commune=tree.commune, name=name, kind="ban")

    assert refused.value.code in {"name_required", "name_long"}


@pytest.mark.parametrize("kind", ["", "xa", "tinh", "nonsense"])
def test_hamlet_of_a_kind_that_is_not_a_hamlet_kind_is_refused(
    tree: Tree, people: People, kind: str
) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        hamlet_create(
            actor=people.commune_official, commune=tree.commune, name="Bản Mới", kind=kind
        )

    assert refused.value.code == "kind"


@pytest.mark.parametrize(
    "user",
    [
        "other_commune_official",
        "other_province_official",
        "collector",
        "citizen",
        "organisation_head",
    ],
)
def test_actor_who_does_not_manage_the_commune_may_not_create_hamlets(
    tree: Tree, people: People, user: str
) -> None:
    with nothing_saved(), pytest.raises(NotPermitted) as refused:
        hamlet_create(actor=getattr(people, user), commune=tree.commune, name="Bản Mới", kind="ban")

    assert refused.value.code == "forbidden"


def test_anonymous_may_not_create_hamlets(tree: Tree) -> None:
    from django.contrib.auth.models import AnonymousUser

    with nothing_saved(), pytest.raises(NotPermitted):
        hamlet_create(actor=AnonymousUser(), commune=tree.commune, name="Bản Mới", kind="ban")


def test_inactive_official_may_not_create_hamlets(tree: Tree, people: People) -> None:
    official = people.commune_official
    official.is_active = False
    official.save(update_fields=["is_active"])

    with nothing_saved(), pytest.raises(NotPermitted):
        hamlet_create(actor=official, commune=tree.commune, name="Bản Mới", kind="ban")


# hamlet_rename


def test_hamlet_rename_changes_name_kind_and_search_form(tree: Tree, people: People) -> None:
    # when
    hamlet_rename(
        actor=people.commune_official, hamlet=tree.hamlet, name="Bản Hày Mới", kind=Kind.VILLAGE
    )

    # then
    tree.hamlet.refresh_from_db()
    assert tree.hamlet.name == "Bản Hày Mới"
    assert tree.hamlet.search_name == "ban hay moi"
    assert tree.hamlet.kind == Kind.VILLAGE
    event = AuditEvent.objects.get(action="hamlet.rename")
    assert event.actor == people.commune_official
    assert event.object_id == str(tree.hamlet.pk)
    assert event.data == {
        "from": {"name": "Bản Hày", "kind": Kind.HIGHLAND_VILLAGE},
        "to": {"name": "Bản Hày Mới", "kind": Kind.VILLAGE},
    }


def test_hamlet_rename_keeps_the_kind_when_not_given(tree: Tree, people: People) -> None:
    hamlet_rename(actor=people.commune_official, hamlet=tree.hamlet, name="Bản Hày Mới")

    tree.hamlet.refresh_from_db()
    assert tree.hamlet.kind == Kind.HIGHLAND_VILLAGE


def test_hamlet_rename_to_a_spelling_of_its_own_name_is_allowed(tree: Tree, people: People) -> None:
    hamlet_rename(actor=people.commune_official, hamlet=tree.hamlet, name="BẢN HÀY")

    tree.hamlet.refresh_from_db()
    assert tree.hamlet.name == "BẢN HÀY"


@pytest.mark.parametrize("name", ["Bản Cọ", "ban co", "  BẢN  CỌ "], ids=repr)
def test_hamlet_rename_to_a_sibling_name_is_refused(tree: Tree, people: People, name: str) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        hamlet_rename(actor=people.commune_official, hamlet=tree.hamlet, name=name)

    assert refused.value.code == "duplicate_name"
    tree.hamlet.refresh_from_db()
    assert tree.hamlet.name == "Bản Hày"


@pytest.mark.parametrize("user", ["other_commune_official", "other_province_official", "collector"])
def test_hamlet_rename_outside_scope_is_not_permitted(
    tree: Tree, people: People, user: str
) -> None:
    with nothing_saved(), pytest.raises(NotPermitted):
        hamlet_rename(actor=getattr(people, user), hamlet=tree.hamlet, name="Bản Lạ")

    tree.hamlet.refresh_from_db()
    assert tree.hamlet.name == "Bản Hày"


def test_renaming_a_commune_through_the_hamlet_service_is_refused(
    tree: Tree, people: People
) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        hamlet_rename(actor=people.admin, hamlet=tree.commune, name="Xã Khác")

    assert refused.value.code == "not_hamlet"


def test_renaming_a_retired_hamlet_is_a_conflict(tree: Tree, people: People) -> None:
    # given
    hamlet_retire(actor=people.commune_official, hamlet=tree.hamlet, on=datetime.date(2025, 9, 1))

    with nothing_saved(), pytest.raises(ConflictError) as refused:
        hamlet_rename(actor=people.commune_official, hamlet=tree.hamlet, name="Bản Hày Mới")

    assert refused.value.code == "retired"
    assert "01/09/2025" in _message(refused.value)


# hamlet_retire


def test_retiring_keeps_the_row_and_sets_valid_to(tree: Tree, people: People) -> None:
    # given
    count = AdminUnit.objects.count()

    # when
    hamlet_retire(
        actor=people.commune_official,
        hamlet=tree.hamlet,
        on=datetime.date(2025, 9, 1),
        reason="  Sáp nhập   theo nghị quyết ",
    )

    # then
    assert AdminUnit.objects.count() == count
    tree.hamlet.refresh_from_db()
    assert tree.hamlet.valid_to == datetime.date(2025, 9, 1)
    assert not tree.hamlet.is_current
    assert tree.hamlet.note == "Sáp nhập theo nghị quyết"
    event = AuditEvent.objects.get(action="hamlet.retire")
    assert event.actor == people.commune_official
    assert event.data == {"on": "2025-09-01", "reason": "Sáp nhập theo nghị quyết"}


def test_retiring_defaults_to_today(tree: Tree, people: People) -> None:
    hamlet_retire(actor=people.commune_official, hamlet=tree.hamlet)

    tree.hamlet.refresh_from_db()
    assert tree.hamlet.valid_to == timezone.localdate()


def test_a_retired_hamlet_name_can_be_used_again(tree: Tree, people: People) -> None:
    # given
    hamlet_retire(actor=people.commune_official, hamlet=tree.hamlet)

    # when
    again = hamlet_create(
        actor=people.commune_official, commune=tree.commune, name="Bản Hày", kind="ban"
    )

    # then: a new row with a new key; the old one stays as history
    assert again.pk != tree.hamlet.pk
    assert again.key == f"{tree.commune.key}-003"
    assert AdminUnit.objects.filter(parent=tree.commune, search_name="ban hay").count() == 2


def test_retiring_before_the_hamlet_existed_is_refused(tree: Tree, people: People) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        hamlet_retire(
            actor=people.commune_official, hamlet=tree.hamlet, on=datetime.date(2025, 1, 1)
        )

    assert refused.value.code == "date"
    tree.hamlet.refresh_from_db()
    assert tree.hamlet.is_current


def test_retiring_twice_is_a_conflict(tree: Tree, people: People) -> None:
    hamlet_retire(actor=people.commune_official, hamlet=tree.hamlet)

    with nothing_saved(), pytest.raises(ConflictError):
        hamlet_retire(actor=people.commune_official, hamlet=tree.hamlet)


@pytest.mark.parametrize("user", ["other_commune_official", "other_province_official", "citizen"])
def test_retiring_outside_scope_is_not_permitted(tree: Tree, people: People, user: str) -> None:
    with nothing_saved(), pytest.raises(NotPermitted):
        hamlet_retire(actor=getattr(people, user), hamlet=tree.hamlet)

    tree.hamlet.refresh_from_db()
    assert tree.hamlet.is_current


# hamlet_merge


def test_merging_retires_the_sources_and_records_lineage(tree: Tree, people: People) -> None:
    # given
    third = units.hamlet(tree.commune, "Bản Phiêng", key=f"{tree.commune.key}-003")
    on = datetime.date(2025, 10, 1)

    # when
    target = hamlet_merge(
        actor=people.commune_official, hamlets=[tree.other_hamlet, third], into=tree.hamlet, on=on
    )

    # then
    assert target.pk == tree.hamlet.pk
    assert target.is_current
    for source in (tree.other_hamlet, third):
        source.refresh_from_db()
        assert source.valid_to == on
        assert "Bản Hày" in source.note
        link = AdminUnitLineage.objects.get(predecessor=source)
        assert link.successor_id == tree.hamlet.pk
        assert link.kind == LineageKind.MERGED
        assert link.effective_date == on
        assert link.is_primary
    events = AuditEvent.objects.filter(action="hamlet.merge")
    assert {event.object_id for event in events} == {str(tree.other_hamlet.pk), str(third.pk)}
    assert all(event.actor == people.commune_official for event in events)
    assert all(event.data == {"into": tree.hamlet.key, "on": "2025-10-01"} for event in events)


def test_merged_hamlet_resolves_to_its_target(tree: Tree, people: People) -> None:
    from hoctap.adminunits.selectors import unit_successors_now

    hamlet_merge(actor=people.commune_official, hamlets=[tree.other_hamlet], into=tree.hamlet)

    tree.other_hamlet.refresh_from_db()
    assert unit_successors_now(unit=tree.other_hamlet) == [tree.hamlet]


def test_merging_a_hamlet_into_itself_alone_is_refused(tree: Tree, people: People) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        hamlet_merge(actor=people.commune_official, hamlets=[tree.hamlet], into=tree.hamlet)

    assert refused.value.code == "empty"


def test_merging_the_same_hamlet_listed_twice_merges_it_once(tree: Tree, people: People) -> None:
    hamlet_merge(
        actor=people.commune_official,
        hamlets=[tree.other_hamlet, tree.other_hamlet],
        into=tree.hamlet,
    )

    assert AdminUnitLineage.objects.filter(predecessor=tree.other_hamlet).count() == 1
    assert AuditEvent.objects.filter(action="hamlet.merge").count() == 1


def test_merging_hamlets_of_another_commune_is_refused(tree: Tree, people: People) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        hamlet_merge(
            actor=people.province_official,
            hamlets=[tree.other_commune_hamlet],
            into=tree.hamlet,
        )

    assert refused.value.code == "other_commune"
    tree.other_commune_hamlet.refresh_from_db()
    assert tree.other_commune_hamlet.is_current


def test_merging_a_retired_hamlet_is_a_conflict(tree: Tree, people: People) -> None:
    hamlet_retire(actor=people.commune_official, hamlet=tree.other_hamlet)

    with nothing_saved(), pytest.raises(ConflictError):
        hamlet_merge(actor=people.commune_official, hamlets=[tree.other_hamlet], into=tree.hamlet)


def test_merging_before_a_source_existed_is_refused(tree: Tree, people: People) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        hamlet_merge(
            actor=people.commune_official,
            hamlets=[tree.other_hamlet],
            into=tree.hamlet,
            on=datetime.date(2025, 1, 1),
        )

    assert refused.value.code == "date"


@pytest.mark.parametrize("user", ["other_commune_official", "other_province_official", "collector"])
def test_merging_outside_scope_is_not_permitted(tree: Tree, people: People, user: str) -> None:
    with nothing_saved(), pytest.raises(NotPermitted):
        hamlet_merge(actor=getattr(people, user), hamlets=[tree.other_hamlet], into=tree.hamlet)

    tree.other_hamlet.refresh_from_db()
    assert tree.other_hamlet.is_current


# unit_reparent


def test_province_official_moves_a_hamlet_to_another_commune(tree: Tree, people: People) -> None:
    # given
    old_path = tree.hamlet.path

    # when
    moved = unit_reparent(
        actor=people.province_official, unit=tree.hamlet, parent=tree.other_commune
    )

    # then
    moved.refresh_from_db()
    assert moved.parent_id == tree.other_commune.pk
    assert moved.path.startswith(tree.other_commune.path)
    assert moved.path != old_path
    assert moved in AdminUnit.objects.subtree(tree.other_commune)
    assert moved not in AdminUnit.objects.subtree(tree.commune)
    event = AuditEvent.objects.get(action="unit.reparent")
    assert event.actor == people.province_official
    # The rows that moved with it are counted in "moved" (test_reparent_moves_data.py).
    assert {key: value for key, value in event.data.items() if key != "moved"} == {
        "from": tree.commune.key,
        "to": tree.other_commune.key,
        "old_path": old_path,
    }


def test_moving_a_hamlet_to_its_own_commune_changes_nothing_but_is_allowed(
    tree: Tree, people: People
) -> None:
    path = tree.hamlet.path

    moved = unit_reparent(actor=people.commune_official, unit=tree.hamlet, parent=tree.commune)

    moved.refresh_from_db()
    assert moved.parent_id == tree.commune.pk
    assert moved.path == path


@pytest.mark.parametrize(
    ("unit", "parent"),
    [("commune", "hamlet"), ("province", "commune"), ("hamlet", "hamlet")],
)
def test_moving_a_unit_under_itself_or_its_own_unit_is_refused(
    tree: Tree, people: People, unit: str, parent: str
) -> None:
    moving = getattr(tree, unit)
    path = moving.path

    with nothing_saved(), pytest.raises(BusinessError) as refused:
        unit_reparent(actor=people.admin, unit=moving, parent=getattr(tree, parent))

    assert refused.value.code == "cycle"
    moving.refresh_from_db()
    assert moving.path == path


@pytest.mark.parametrize(
    ("unit", "parent"), [("hamlet", "province"), ("commune", "other_province")]
)
def test_moving_other_than_a_hamlet_under_a_commune_is_refused(
    tree: Tree, people: People, unit: str, parent: str
) -> None:
    with nothing_saved(), pytest.raises(BusinessError) as refused:
        unit_reparent(actor=people.admin, unit=getattr(tree, unit), parent=getattr(tree, parent))

    assert refused.value.code == "parent_not_commune"


def test_moving_a_hamlet_next_to_one_of_the_same_name_is_refused(
    tree: Tree, people: People
) -> None:
    # given
    units.hamlet(tree.other_commune, "Bản Hày", key=f"{tree.other_commune.key}-002")

    with nothing_saved(), pytest.raises(BusinessError) as refused:
        unit_reparent(actor=people.province_official, unit=tree.hamlet, parent=tree.other_commune)

    assert refused.value.code == "duplicate_name"
    tree.hamlet.refresh_from_db()
    assert tree.hamlet.parent_id == tree.commune.pk


@pytest.mark.parametrize(
    ("user", "parent"),
    [
        # a commune official cannot take a hamlet to the neighbouring commune
        ("commune_official", "other_commune"),
        # nor can the neighbour pull it over
        ("other_commune_official", "other_commune"),
        ("other_province_official", "far_commune"),
        ("province_official", "far_commune"),
        ("collector", "commune"),
    ],
)
def test_moving_a_hamlet_outside_the_actor_scope_is_not_permitted(
    tree: Tree, people: People, user: str, parent: str
) -> None:
    with nothing_saved(), pytest.raises(NotPermitted):
        unit_reparent(actor=getattr(people, user), unit=tree.hamlet, parent=getattr(tree, parent))

    tree.hamlet.refresh_from_db()
    assert tree.hamlet.parent_id == tree.commune.pk
