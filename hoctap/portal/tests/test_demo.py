"""The portal demo: the editors of Sơn La and Nông Cống, national guidance, legal texts and
events, local news with one scheduled and one draft article, learning materials (PDF files
and links, one offered by Nông Cống's learning centre); and seeding again adds nothing."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.core.management.base import OutputWrapper
from django.utils import timezone

from hoctap.accounts import demo as accounts_demo
from hoctap.accounts.models import Role, User
from hoctap.conftest import Tree
from hoctap.core.models import AuditEvent
from hoctap.portal import demo, selectors
from hoctap.portal.models import (
    Article,
    ArticleKind,
    Licence,
    Material,
    MaterialFormat,
    Status,
)
from hoctap.portal.permissions import can_edit_for
from hoctap.registry.models import LearningCentre
from hoctap.registry.tests.factories import LearningCentreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def centre(tree: Tree) -> LearningCentre:
    """Nông Cống's community learning centre (the registry demo makes one per demo commune)."""
    return LearningCentreFactory.create(
        commune=tree.far_commune, name="Trung tâm học tập cộng đồng xã Nông Cống"
    )


def _run(tree: Tree, now: datetime.datetime | None = None) -> str:
    """The demo as `seed-demo` runs it (its stdout ends each line)."""
    out = io.StringIO()
    demo.seed(
        actor=accounts_demo.demo_admin(),
        stdout=OutputWrapper(out),
        van_hoa_now=tree.far_commune,
        now=now,
    )
    return out.getvalue()


def _counts() -> tuple[int, ...]:
    return (
        Article.objects.count(),
        Material.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_demo_makes_an_editor_for_son_la_and_one_for_nong_cong(tree: Tree) -> None:
    out = _run(tree)

    son_la = User.objects.get(username=demo.SON_LA_EDITOR)
    nong_cong = User.objects.get(username=demo.NONG_CONG_EDITOR)
    assert son_la.assignments.get().role == Role.PORTAL_EDITOR
    assert son_la.assignments.get().unit == tree.province
    assert nong_cong.assignments.get().unit == tree.far_commune
    assert son_la.check_password(accounts_demo.DEMO_PASSWORD)
    # each writes for their own unit only
    assert can_edit_for(son_la, tree.province)
    assert not can_edit_for(son_la, tree.commune)
    assert not can_edit_for(nong_cong, tree.province)
    assert f"mật khẩu chung: {accounts_demo.DEMO_PASSWORD}" in out
    assert "bientap.sonla" in out
    assert "bientap.nongcong" in out


def test_the_national_pages_cover_the_five_titles_and_the_legal_texts(tree: Tree) -> None:
    _run(tree)

    national = Article.objects.filter(unit=None)
    guidance = national.filter(kind=ArticleKind.GUIDANCE)
    assert guidance.count() == 5
    for title in ("Gia đình", "Dòng họ", "Cộng đồng", "Đơn vị", "Công dân"):
        assert guidance.filter(title__contains=f"“{title} học tập”").exists()
    legal = {a.document_number: a for a in national.filter(kind=ArticleKind.LEGAL)}
    assert set(legal) >= {
        "1373/QĐ-TTg",
        "387/QĐ-TTg",
        "677/QĐ-TTg",
        "24/2023/TT-BGDĐT",
        "25/2023/TT-BGDĐT",
    }
    assert legal["1373/QĐ-TTg"].issued_on == datetime.date(2021, 7, 30)
    assert legal["387/QĐ-TTg"].issued_on == datetime.date(2022, 3, 25)
    assert legal["677/QĐ-TTg"].issued_on == datetime.date(2022, 6, 3)
    assert legal["24/2023/TT-BGDĐT"].issued_on == datetime.date(2023, 12, 11)
    assert legal["387/QĐ-TTg"].issuer == "Thủ tướng Chính phủ"
    assert legal["25/2023/TT-BGDĐT"].issuer == "Bộ Giáo dục và Đào tạo"
    assert "12/02/2024" in legal["25/2023/TT-BGDĐT"].body
    # the 2025/2030 targets of QĐ 387, as a table the sanitiser kept
    assert "<table>" in legal["387/QĐ-TTg"].body
    assert "<td>70%</td><td>80%</td>" in legal["387/QĐ-TTg"].body
    assert all(article.created_by == accounts_demo.demo_admin() for article in national)


def test_the_events_are_this_years_week_and_day_and_the_two_reviews(tree: Tree) -> None:
    _run(tree)

    year = timezone.localdate().year
    events = {
        (e.unit_path, e.starts_on, e.ends_on)
        for e in Article.objects.filter(kind=ArticleKind.EVENT)
    }
    assert events == {
        ("", datetime.date(year, 10, 1), datetime.date(year, 10, 7)),
        ("", datetime.date(year, 10, 2), datetime.date(year, 10, 2)),
        ("", datetime.date(2030, 10, 1), datetime.date(2030, 12, 31)),
        (tree.province.path, datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)),
    }
    week = Article.objects.get(kind=ArticleKind.EVENT, starts_on__day=1, starts_on__year=year)
    assert week.title == f"Tuần lễ hưởng ứng học tập suốt đời năm {year}"
    # the 10-year review is ahead, and the public sees it among the upcoming events
    upcoming = selectors.events_upcoming(today=datetime.date(year, 12, 31))
    assert "Tổng kết 10 năm" in " ".join(upcoming.values_list("title", flat=True))


def test_the_local_news_are_written_by_their_editors_with_one_scheduled_and_one_draft(
    tree: Tree,
) -> None:
    now = timezone.now()
    out = _run(tree, now=now)

    son_la = Article.objects.filter(unit=tree.province, kind=ArticleKind.NEWS)
    nong_cong = Article.objects.filter(unit=tree.far_commune, kind=ArticleKind.NEWS)
    assert son_la.count() == 3
    assert nong_cong.count() == 2
    assert {a.created_by.username for a in son_la if a.created_by} == {demo.SON_LA_EDITOR}
    assert {a.created_by.username for a in nong_cong if a.created_by} == {demo.NONG_CONG_EDITOR}
    # a past event's news keeps its day
    review = son_la.get(title__startswith="Sơn La sơ kết 5 năm")
    assert timezone.localtime(review.publish_at).date() == datetime.date(2025, 12, 23)
    assert review.is_public()
    # scheduled: published, from a week ahead, not public yet
    scheduled = son_la.get(publish_at__gt=now)
    assert scheduled.status == Status.PUBLISHED
    assert timezone.localdate(scheduled.publish_at) == timezone.localdate(now) + datetime.timedelta(
        days=7
    )
    assert not scheduled.is_public()
    assert "hẹn đăng" in out
    # the draft is seen by nobody but its editors
    draft = Article.objects.get(status=Status.DRAFT)
    assert draft.unit == tree.far_commune
    assert not draft.is_public()
    public = set(selectors.article_list())
    assert scheduled not in public
    assert draft not in public
    assert set(Article.objects.exclude(pk__in=[scheduled.pk, draft.pk])) == public
    assert "bản nháp" in out


def test_the_materials_are_files_and_links_of_every_kind_with_their_licence(
    tree: Tree, centre: LearningCentre
) -> None:
    out = _run(tree)

    materials = list(Material.objects.all())
    assert 6 <= len(materials) <= 10
    assert all(m.is_public() for m in materials)
    assert set(selectors.material_list()) == set(materials)
    assert {m.format for m in materials} >= {
        MaterialFormat.DOCUMENT,
        MaterialFormat.SLIDES,
        MaterialFormat.VIDEO,
        MaterialFormat.LINK,
    }
    assert len({m.topic for m in materials}) >= 4
    assert len({m.audience for m in materials}) >= 4
    assert len({m.licence for m in materials}) >= 4
    assert {m.unit_path for m in materials} == {"", tree.province.path, tree.far_commune.path}
    # files: real PDFs kept under a generated name, with the name people download
    files = [m for m in materials if m.file]
    assert len(files) >= 4
    for material in files:
        assert material.file_type == "application/pdf"
        assert material.file_name.endswith(".pdf")
        with material.file.open("rb") as stored:
            data = stored.read()
        assert material.file_size == len(data)
        text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert material.title.split(":")[0][:20] in " ".join(text.split())
    # links: http(s) only, their licence says they are published elsewhere
    links = [m for m in materials if not m.file]
    assert all(m.url.startswith("https://") for m in links)
    assert all(m.licence == Licence.LINKED for m in links)
    assert any(m.format == MaterialFormat.VIDEO and "vtv.vn" in m.url for m in links)
    # Nông Cống's learning centre offers courses on some of them
    offered = [m for m in materials if m.centre == centre]
    assert offered
    assert all(m.unit == tree.far_commune for m in offered)
    assert centre.name in out


def test_without_a_learning_centre_the_materials_are_still_there(tree: Tree) -> None:
    _run(tree)

    assert Material.objects.filter(unit=tree.far_commune).count() == 3
    assert not Material.objects.filter(centre__isnull=False).exists()


def test_the_demo_prints_one_line_per_thing_it_creates(tree: Tree) -> None:
    out = _run(tree)

    words = ("Văn bản", "Hướng dẫn", "Sự kiện", "Tin", "Học liệu")
    content_lines = [line for line in out.splitlines() if line.lstrip().startswith(words)]
    assert len(content_lines) == Article.objects.count() + Material.objects.count()
    assert "  Văn bản: Quyết định số 387/QĐ-TTg phê duyệt Chương trình" in out
    assert f" — {tree.far_commune.name}, bản nháp" in out


def test_a_unit_missing_from_the_tree_is_skipped_and_said_so(tree: Tree) -> None:
    out = io.StringIO()
    demo.seed(actor=accounts_demo.demo_admin(), stdout=OutputWrapper(out))

    assert not User.objects.filter(username=demo.NONG_CONG_EDITOR).exists()
    assert not Article.objects.filter(unit=tree.far_commune).exists()
    assert Article.objects.filter(unit=tree.province).exists()
    assert "Bỏ qua" in out.getvalue()


def test_seeding_again_adds_nothing(tree: Tree, centre: LearningCentre) -> None:
    _run(tree)
    seeded = _counts()

    out = _run(tree)

    assert _counts() == seeded
    assert "không thêm gì" in out
    assert "Học liệu" not in out
