"""The public pages (no sign-in): verification by serial and by QR token, the public key, the
commune's list of recognised subjects as a page and as .xlsx, and the rate limit.

They show only what a certificate shows: the holder's CCCD, birth date, phone and address never
appear, whatever the registry holds.
"""

from __future__ import annotations

import datetime
import io
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from hoctap.assessments.models import State, Title
from hoctap.assessments.tests.factories import AssessmentFactory
from hoctap.conftest import People, Tree
from hoctap.recognition import services, signing, verification
from hoctap.recognition.models import Certificate
from hoctap.recognition.tests.factories import YEAR, draft
from hoctap.registry.models import Person
from hoctap.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

CCCD = "014190003456"
BIRTH_DATE = datetime.date(1990, 5, 17)
PHONE = "0912345678"
ADDRESS = "Số 12 đường Bản Hày"
PRIVATE = (CCCD, "17/05/1990", "1990-05-17", PHONE, "091 234 5678", ADDRESS)


@pytest.fixture(autouse=True)
def _fresh_rate_limit(settings: Any) -> None:
    cache.clear()
    settings.HOCTAP_VERIFY_RATE_PER_MINUTE = 1000


def citizen(tree: Tree, name: str = "Lò Thị Hoa", cccd: str = CCCD) -> Person:
    household = HouseholdFactory.create(
        hamlet=tree.hamlet, commune=tree.commune, phone=PHONE, address=ADDRESS
    )
    person: Person = PersonFactory.create(
        household=household,
        full_name=name,
        cccd=cccd,
        birth_date=BIRTH_DATE,
        phone=PHONE,
    )
    return person


def recognise(tree: Tree, people: People, persons: list[Person], number: int = 15) -> list[Any]:
    assessments = [
        AssessmentFactory.create(
            title=Title.LEARNING_CITIZEN,
            person=person,
            household=None,
            state=State.PROPOSED,
            passed=True,
            total=90,
        )
        for person in persons
    ]
    services.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=Title.LEARNING_CITIZEN,
        year=YEAR,
        assessment_ids=[a.pk for a in assessments],
        draft=draft(number),
    )
    return [Certificate.objects.get(assessment=a) for a in assessments]


def revoke(tree: Tree, people: People, certificate: Certificate, number: int = 30) -> None:
    services.certificates_revoke(
        actor=people.commune_official,
        authority=tree.commune,
        certificate_ids=[certificate.pk],
        draft=draft(number, reason="Khai không đúng sự thật"),
    )


def page_of(response: Any) -> str:
    return str(response.content.decode())


def qr_path(certificate: Certificate) -> str:
    """The QR code's address without the host (the test client has none)."""
    parts = urlsplit(verification.verify_url(certificate))
    return f"{parts.path}?{parts.query}"


def assert_private_data_absent(page: str) -> None:
    for value in PRIVATE:
        assert value not in page, value


# -- verification -------------------------------------------------------------------------------


def test_a_valid_certificate_shows_what_it_shows_and_nothing_private(tree, people) -> None:
    (certificate,) = recognise(tree, people, [citizen(tree)])
    client = Client()
    for url in (reverse("public:verify", args=[certificate.serial]), qr_path(certificate)):
        response = client.get(url)
        page = page_of(response)
        assert response.status_code == 200
        assert 'data-status="valid"' in page
        assert "Lò Thị Hoa" in page
        assert "Bản Hày, Xã Mường Giôn, Tỉnh Sơn La" in page
        assert certificate.decision.reference in page
        assert response["Cache-Control"] == "no-cache"
        assert_private_data_absent(page)
    # The serial may be typed in small letters and with spaces around it.
    lower = client.get(reverse("public:verify", args=[certificate.serial.lower()]))
    assert 'data-status="valid"' in page_of(lower)


def test_a_revoked_certificate_says_so_at_once_with_date_reason_and_decision(tree, people) -> None:
    (certificate,) = recognise(tree, people, [citizen(tree)])
    client = Client()
    url = qr_path(certificate)
    assert 'data-status="valid"' in page_of(client.get(url))
    revoke(tree, people, certificate)
    certificate.refresh_from_db()
    page = page_of(client.get(url))
    assert 'data-status="revoked"' in page
    assert "Khai không đúng sự thật" in page
    assert "30/QĐ-UBND" in page
    assert certificate.revoked_on is not None
    assert certificate.revoked_on.strftime("%d/%m/%Y") in page
    assert_private_data_absent(page)


def test_an_unknown_serial_and_a_malformed_one_are_unknown(tree, people) -> None:
    client = Client()
    response = client.get(reverse("public:verify", args=["03694-2026-999999"]))
    assert response.status_code == 404
    assert 'data-status="unknown"' in page_of(response)
    odd = client.get("/verify/%3Cscript%3E")
    assert odd.status_code == 404
    assert "<script>" not in page_of(odd)


def test_a_qr_token_changed_by_one_character_is_invalid_and_shows_no_facts(tree, people) -> None:
    (certificate,) = recognise(tree, people, [citizen(tree)])
    token = signing.token_of(certificate)
    payload, signature = token.split(".")
    # One character of the payload, then one of the signature.
    changed_payload = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    changed_signature = signature[:5] + ("A" if signature[5] != "A" else "B") + signature[6:]
    client = Client()
    url = reverse("public:verify", args=[certificate.serial])
    for bad in (f"{changed_payload}.{signature}", f"{payload}.{changed_signature}", "x" * 3000):
        response = client.get(url, {"c": bad})
        page = page_of(response)
        assert response.status_code == 200
        assert 'data-status="invalid"' in page
        assert "Lò Thị Hoa" not in page
    # Another certificate's genuine token pasted onto this serial is invalid too.
    (other,) = recognise(tree, people, [citizen(tree, "Lò Văn Khác", "014190001111")], number=16)
    response = client.get(url, {"c": signing.token_of(other)})
    assert 'data-status="invalid"' in page_of(response)


def test_the_serial_form_leads_to_the_check_and_refuses_nonsense(tree, people) -> None:
    (certificate,) = recognise(tree, people, [citizen(tree)])
    client = Client()
    page = page_of(client.get(reverse("public:verify_form")))
    assert '<label class="form-label" for="id_serial">' in page
    response = client.get(reverse("public:verify_form"), {"serial": f" {certificate.serial} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("public:verify", args=[certificate.serial])
    bad = client.get(reverse("public:verify_form"), {"serial": "abc/../x"})
    assert bad.status_code == 422
    assert 'id="id_serial_error"' in page_of(bad)


def test_the_public_key_page_and_its_jwk(tree, people) -> None:
    client = Client()
    page = page_of(client.get(reverse("public:verify_key")))
    assert "-----BEGIN PUBLIC KEY-----" in page
    assert signing.key_id() in page
    assert reverse("public:verify_key_jwk") in page
    jwk = json.loads(client.get(reverse("public:verify_key_jwk")).content)
    assert jwk == signing.public_key_jwk()
    assert jwk["kty"] == "OKP"
    assert jwk["crv"] == "Ed25519"


# -- the public list ----------------------------------------------------------------------------


def test_the_public_list_and_its_xlsx_show_names_and_hamlets_only(tree, people) -> None:
    hoa = citizen(tree)
    other = PersonFactory.create(
        hamlet=tree.other_hamlet,
        commune=tree.commune,
        full_name="Quàng Văn Xôm",
        cccd="014190009999",
    )
    hoa_certificate, _xom_certificate = recognise(tree, people, [hoa, other])
    client = Client()
    url = reverse("public:recognised_list", args=[tree.commune.key, YEAR])
    page = page_of(client.get(url))
    assert "Lò Thị Hoa" in page
    assert "Quàng Văn Xôm" in page
    assert "Bản Hày" in page
    assert "Bản Cọ" in page
    assert f'data-title="{Title.LEARNING_CITIZEN}"' in page
    assert "014190009999" not in page
    assert_private_data_absent(page)
    # Another commune's list and another year are empty.
    elsewhere = page_of(
        client.get(reverse("public:recognised_list", args=[tree.far_commune.key, YEAR]))
    )
    assert "Lò Thị Hoa" not in elsewhere
    assert 'id="recognised-empty"' in page_of(
        client.get(reverse("public:recognised_list", args=[tree.commune.key, YEAR - 1]))
    )

    response = client.get(reverse("public:recognised_xlsx", args=[tree.commune.key, YEAR]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [
        str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None
    ]
    assert "Lò Thị Hoa" in cells
    assert "Bản Hày" in cells
    assert "Quàng Văn Xôm" in cells
    assert not any(value in cell for cell in cells for value in (CCCD, "014190009999", PHONE))

    # A revoked certificate leaves both at once.
    revoke(tree, people, hoa_certificate)
    page = page_of(client.get(url))
    assert "Lò Thị Hoa" not in page
    assert "Quàng Văn Xôm" in page
    again = client.get(reverse("public:recognised_xlsx", args=[tree.commune.key, YEAR]))
    sheet = load_workbook(io.BytesIO(again.content)).active
    assert sheet is not None
    cells = [
        str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None
    ]
    assert "Lò Thị Hoa" not in cells
    assert "Quàng Văn Xôm" in cells


def test_an_unknown_commune_or_a_hamlet_key_has_no_list(tree) -> None:
    client = Client()
    assert client.get(reverse("public:recognised_list", args=["99999", YEAR])).status_code == 404
    hamlet = reverse("public:recognised_list", args=[tree.hamlet.key, YEAR])
    assert client.get(hamlet).status_code == 404
    assert (
        client.get(reverse("public:recognised_list", args=[tree.commune.key, 1900])).status_code
        == 404
    )


# -- the rate limit -----------------------------------------------------------------------------


def test_the_public_pages_answer_429_once_the_address_used_up_its_minute(
    tree, people, settings
) -> None:
    (certificate,) = recognise(tree, people, [citizen(tree)])
    settings.HOCTAP_VERIFY_RATE_PER_MINUTE = 3
    cache.clear()
    client = Client()
    url = reverse("public:verify", args=[certificate.serial])
    for _ in range(3):
        assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    page = page_of(refused)
    assert 'id="rate-limited"' in page
    assert "Lò Thị Hoa" not in page
    # Every public page counts against the same allowance; another address still gets through.
    for name, args in (
        ("public:verify_form", []),
        ("public:verify_key", []),
        ("public:recognised_list", [tree.commune.key, YEAR]),
        ("public:recognised_xlsx", [tree.commune.key, YEAR]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 429, name
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200
