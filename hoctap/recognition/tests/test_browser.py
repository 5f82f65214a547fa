"""From proposed assessments to a verified certificate in a real browser: a commune official
opens a new decision, sees the proposed families ticked, issues it, opens a certificate, and
the QR code on the page — photographed and decoded like a phone would — leads to the public
verification page, which says the certificate is valid and names its holder. Selectors use ids,
names and data-* attributes, never interface wording.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from hoctap.conftest import People, Tree
from hoctap.recognition.models import Certificate, Decision
from hoctap.recognition.tests.factories import proposed_families
from hoctap.testing.browser import PHONE, log_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # The QR codes name the public site; the test follows them to the live server instead.
    settings.HOCTAP_PUBLIC_URL = "https://hoctap.example.vn"


def on_live_server(url: str, base: str) -> str:
    """The decoded address with the live server's scheme and host in place of the public one."""
    decoded, live = urlsplit(url), urlsplit(base)
    return urlunsplit((live.scheme, live.netloc, decoded.path, decoded.query, ""))


def test_issue_a_decision_then_scan_a_certificate_and_see_it_valid(
    live_server: Any, tree: Tree, people: People, open_page: Any
) -> None:
    base = live_server.url
    chosen = proposed_families(tree.hamlet, 2)

    # The commune official opens a new decision: both proposed families are there, ticked.
    page = open_page()
    log_in(page, base, people.commune_official.username)
    page.click("#nav-recognition")
    page.click("#decision-new")
    expect(page).to_have_url(re.compile(r"/recognition/new/"))
    rows = page.locator("#candidates tbody tr[data-assessment]")
    expect(rows).to_have_count(2)
    for assessment in chosen:
        expect(page.locator(f"#pick-{assessment.pk}")).to_be_checked()
    # "Tick all" clears and restores every row.
    page.uncheck("#tick-all")
    for assessment in chosen:
        expect(page.locator(f"#pick-{assessment.pk}")).not_to_be_checked()
    page.check("#tick-all")
    expect(page.locator("#id_number")).to_have_value("1")
    expect(page.locator("#id_legal_bases")).to_contain_text("387/QĐ-TTg")

    # Signs in the signer's name and issues.
    page.fill("#id_signer_name", "Lò Văn Pọm")
    _keep_screenshot(page, "decision-new.png")
    with page.expect_navigation():
        page.click("#decision-issue")
    expect(page).to_have_url(re.compile(r"/recognition/\d+/$"))
    decision = Decision.objects.get()
    assert decision.certificates.count() == 2
    expect(page.locator("#annex tbody tr[data-certificate]")).to_have_count(2)
    _keep_screenshot(page, "decision.png")

    # Opens the first certificate and photographs its QR code.
    certificate = Certificate.objects.order_by("serial_number").first()
    assert certificate is not None
    with page.expect_navigation():
        page.click(f"[data-certificate='{certificate.serial}'] a")
    expect(page.locator("#certificate")).to_have_attribute("data-serial", certificate.serial)
    _keep_screenshot(page, "certificate.png")
    shot = page.locator("#certificate-qr").screenshot()
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert len(codes) == 1
    decoded = codes[0].text
    assert decoded.startswith(f"https://hoctap.example.vn/verify/{certificate.serial}?c=")

    # A visitor who scans it — not signed in — reads that it is valid, and whose it is.
    visitor = open_page(**PHONE)
    visitor.goto(on_live_server(decoded, base))
    expect(visitor.locator("#verification")).to_have_attribute("data-status", "valid")
    expect(visitor.locator("#verify-holder")).to_have_text(certificate.holder_name)
    expect(visitor.locator("#verify-serial")).to_have_text(certificate.serial)
    width: int = visitor.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    _keep_screenshot(visitor, "verify-phone.png")


def _keep_screenshot(page: Any, name: str) -> None:
    """HOCTAP_SCREENSHOTS=1 keeps pages for a human look (test-artifacts/, gitignored)."""
    if os.environ.get("HOCTAP_SCREENSHOTS") == "1":
        directory = Path("test-artifacts")
        directory.mkdir(exist_ok=True)
        page.screenshot(path=str(directory / f"recognition-{name}"), full_page=True)
