"""The signed QR payload: it verifies offline with the published key alone, one changed byte
breaks it, and the verification answers valid / revoked / unknown / invalid without leaking
personal data or raising on garbage."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from hoctap.assessments.models import Assessment, State, Title
from hoctap.assessments.tests.factories import make_assessment
from hoctap.conftest import People, Tree
from hoctap.recognition import services, signing, verification
from hoctap.recognition.models import Certificate, Decision
from hoctap.recognition.tests.factories import TITLE, YEAR, draft, proposed_families
from hoctap.registry.tests.factories import PersonFactory

CCCD = "014080001234"
PHONE = "0912345678"
BIRTH_DATE = datetime.date(1980, 5, 17)


def _unsaved_certificate(
    serial: str = "03694-2026-000015", holder: str = "Lò Văn Ún"
) -> Certificate:
    """A certificate as issuance builds it, signed, without touching the database."""
    decision = Decision(number=15, symbol="QĐ-UBND")
    certificate = Certificate(
        decision=decision,
        serial=serial,
        title=Title.LEARNING_CITIZEN,
        year=YEAR,
        holder_name=holder,
        holder_place="Bản Hày, Xã Mường Giôn, Tỉnh Sơn La",
        hamlet_name="Bản Hày",
        level="",
        total=Decimal("92.00"),
        issued_on=datetime.date(YEAR, 12, 20),
    )
    signing.sign_certificate(certificate)
    return certificate


def _parts(token: str) -> tuple[bytes, bytes]:
    payload_part, signature_part = token.split(".")
    return signing.b64url_decode(payload_part), signing.b64url_decode(signature_part)


def _token(payload: bytes, signature: bytes) -> str:
    return f"{signing.b64url_encode(payload)}.{signing.b64url_encode(signature)}"


# -- the signature ----------------------------------------------------------------------------


def test_the_payload_verifies_with_the_public_key_loaded_from_pem_alone() -> None:
    # given a signed certificate and nothing but the published PEM
    certificate = _unsaved_certificate()
    token = signing.token_of(certificate)
    published = signing.public_key_pem()
    assert published.startswith("-----BEGIN PUBLIC KEY-----")

    # when an offline checker loads the key and checks the QR token
    key = serialization.load_pem_public_key(published.encode("ascii"))
    assert isinstance(key, Ed25519PublicKey)
    payload, signature = _parts(token)
    key.verify(signature, payload)  # raises InvalidSignature when it does not hold

    # then the payload is the canonical JSON of what the certificate shows, naming the key
    facts = json.loads(payload)
    assert payload == signing.canonical_json(facts)
    assert facts == {
        "v": signing.PAYLOAD_VERSION,
        "s": "03694-2026-000015",
        "h": "Lò Văn Ún",
        "p": "Bản Hày, Xã Mường Giôn, Tỉnh Sơn La",
        "t": Title.LEARNING_CITIZEN,
        "y": YEAR,
        "l": "",
        "d": "15/QĐ-UBND",
        "i": f"{YEAR}-12-20",
        "k": signing.key_id(key),
    }
    # the JWK publishes the same key
    jwk = signing.public_key_jwk()
    assert signing.b64url_decode(jwk["x"]) == signing.public_key_raw(key)
    assert jwk["kid"] == certificate.key_id == signing.key_id()
    assert signing.check_token(token).valid


def test_changing_any_byte_of_the_payload_or_the_signature_breaks_the_token() -> None:
    certificate = _unsaved_certificate()
    payload, signature = _parts(signing.token_of(certificate))
    assert signing.check_token(_token(payload, signature)).valid
    for mask in (0x01, 0x80, 0xFF):
        for position in range(len(payload)):
            changed = bytearray(payload)
            changed[position] ^= mask
            check = signing.check_token(_token(bytes(changed), signature))
            assert not check.valid, (position, mask)
        for position in range(len(signature)):
            changed = bytearray(signature)
            changed[position] ^= mask
            check = signing.check_token(_token(payload, bytes(changed)))
            assert not check.valid, (position, mask)
            assert check.reason == "bad_signature"


@given(
    where=st.sampled_from(["payload", "signature"]),
    position=st.integers(min_value=0, max_value=10_000),
    value=st.integers(min_value=0, max_value=255),
)
def test_any_replaced_byte_breaks_the_token(where: str, position: int, value: int) -> None:
    payload, signature = _parts(signing.token_of(_unsaved_certificate()))
    target = bytearray(payload if where == "payload" else signature)
    position %= len(target)
    if target[position] == value:
        value ^= 0x01
    target[position] = value
    if where == "payload":
        token = _token(bytes(target), signature)
    else:
        token = _token(payload, bytes(target))
    assert not signing.check_token(token).valid


@given(position=st.integers(min_value=0, max_value=10_000), char=st.characters())
def test_a_changed_character_of_the_token_never_passes_as_other_facts(
    position: int, char: str
) -> None:
    """Whatever a character of the QR text is changed to, the token is refused or still says
    exactly the signed bytes (base64 leaves some bits unused); it never raises."""
    token = signing.token_of(_unsaved_certificate())
    position %= len(token)
    tampered = token[:position] + char + token[position + 1 :]
    check = signing.check_token(tampered)
    if check.valid:
        assert _parts(tampered.strip()) == _parts(token)


def test_a_token_signed_by_another_key_is_refused() -> None:
    certificate = _unsaved_certificate()
    payload, _signature = _parts(signing.token_of(certificate))
    stranger = Ed25519PrivateKey.generate()

    # a payload naming the stranger's key
    facts = {**json.loads(payload), "k": signing.key_id(stranger.public_key())}
    foreign = signing.canonical_json(facts)
    check = signing.check_token(_token(foreign, stranger.sign(foreign)))
    assert (check.valid, check.reason) == (False, "unknown_key")

    # our payload, naming our key, but signed by the stranger
    check = signing.check_token(_token(payload, stranger.sign(payload)))
    assert (check.valid, check.reason) == (False, "bad_signature")


MALFORMED = [
    "",
    " ",
    ".",
    "no-dot-at-all",
    "a.b",  # one base64 character cannot hold a byte
    "!!!!.!!!!",
    "é.é",
    "Zm9v.YmFy.YmF6",  # three parts
    signing.b64url_encode(b"not json") + ".AAAA",
    signing.b64url_encode(b"\xff\xfe\xfd") + ".AAAA",  # not UTF-8
    signing.b64url_encode(b"[1,2,3]") + ".AAAA",  # JSON, not an object
    signing.b64url_encode(b"null") + ".AAAA",
    signing.b64url_encode(b'"text"') + ".AAAA",
    signing.b64url_encode(b"[" * 5000) + ".AAAA",  # nested beyond the parser's depth
    signing.b64url_encode(b'{"k":' * 3000) + ".AAAA",
]


@pytest.mark.parametrize("token", MALFORMED)
def test_a_malformed_token_is_invalid_never_an_exception(token: str) -> None:
    check = signing.check_token(token)
    assert not check.valid


@pytest.mark.django_db
@pytest.mark.parametrize("token", [t for t in MALFORMED if t.strip()])
def test_verifying_with_a_malformed_token_says_invalid(
    tree: Tree, people: People, token: str
) -> None:
    certificate = _issued(tree, people)[0]
    result = verification.verify(certificate.serial, token)
    assert (result.status, result.certificate) == (verification.INVALID, None)
    assert result.public_facts() == {
        "status": verification.INVALID,
        "serial": certificate.serial,
        "reason": result.reason,
    }


# -- verification against the register --------------------------------------------------------


def _issued(tree: Tree, people: People, count: int = 1) -> list[Certificate]:
    chosen = proposed_families(tree.hamlet, count)
    decision = services.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=TITLE,
        year=YEAR,
        assessment_ids=[a.pk for a in chosen],
        draft=draft(),
    )
    return list(decision.certificates.order_by("serial_number"))


@pytest.mark.django_db
def test_verify_says_valid_revoked_or_unknown(tree: Tree, people: People) -> None:
    first, second = _issued(tree, people, 2)

    valid = verification.verify(first.serial)
    assert (valid.status, valid.certificate) == (verification.VALID, first)
    # typed by hand: spaces and lower case are forgiven
    assert verification.verify(f"  {first.serial.lower()} ").status == verification.VALID
    # scanned: the QR's own token confirms it
    assert verification.verify(first.serial, signing.token_of(first)).status == verification.VALID

    services.certificates_revoke(
        actor=people.commune_official,
        authority=tree.commune,
        certificate_ids=[second.pk],
        draft=draft(16, reason="Hồ sơ khai không đúng sự thật."),
    )
    second.refresh_from_db()
    revoked = verification.verify(second.serial, signing.token_of(second))
    assert revoked.status == verification.REVOKED
    facts = revoked.public_facts()
    assert facts["revoked_reason"] == "Hồ sơ khai không đúng sự thật."
    assert facts["revoked_by"] == "16/QĐ-UBND"
    assert facts["revoked_on"] == second.revoked_on
    assert verification.verify(second.serial).status == verification.REVOKED
    assert valid.public_facts()["revoked_reason"] == ""

    unknown = verification.verify(f"{tree.commune.code}-{YEAR}-999999")
    assert (unknown.status, unknown.certificate) == (verification.UNKNOWN, None)
    assert unknown.public_facts() == {
        "status": verification.UNKNOWN,
        "serial": f"{tree.commune.code}-{YEAR}-999999",
        "reason": "",
    }


@pytest.mark.django_db
def test_another_certificates_token_on_a_serial_is_invalid(tree: Tree, people: People) -> None:
    first, second = _issued(tree, people, 2)
    pasted = verification.verify(first.serial, signing.token_of(second))
    assert (pasted.status, pasted.reason, pasted.certificate) == (
        verification.INVALID,
        "mismatch",
        None,
    )
    # a genuine token for a serial the register does not hold is no proof either
    ghost = verification.verify(f"{tree.commune.code}-{YEAR}-000099", signing.token_of(first))
    assert (ghost.status, ghost.reason) == (verification.INVALID, "mismatch")


@pytest.mark.django_db
def test_a_tampered_token_on_its_own_serial_is_invalid(tree: Tree, people: People) -> None:
    (certificate,) = _issued(tree, people)
    payload, signature = _parts(signing.token_of(certificate))
    facts = {**json.loads(payload), "h": "Người Khác"}
    tampered = _token(signing.canonical_json(facts), signature)
    result = verification.verify(certificate.serial, tampered)
    assert (result.status, result.reason) == (verification.INVALID, "bad_signature")


@pytest.mark.django_db
def test_what_anyone_reads_holds_no_personal_data(tree: Tree, people: People) -> None:
    # given a learning citizen whose registry row has a CCCD, a birth date and a phone
    person = PersonFactory.create(
        hamlet=tree.hamlet,
        full_name="Lò Thị Xuân",
        cccd=CCCD,
        birth_date=BIRTH_DATE,
        phone=PHONE,
    )
    citizen = make_assessment(
        title=Title.LEARNING_CITIZEN,
        household=None,
        person=person,
        state=State.PROPOSED,
        passed=True,
        total=Decimal("93.00"),
    )
    services.decision_issue(
        actor=people.commune_official,
        authority=tree.commune,
        title=Title.LEARNING_CITIZEN,
        year=YEAR,
        assessment_ids=[citizen.pk],
        draft=draft(),
    )
    certificate = Certificate.objects.get(assessment=citizen)

    # when anyone verifies it, by the serial or by the QR
    for result in (
        verification.verify(certificate.serial),
        verification.verify(certificate.serial, signing.token_of(certificate)),
    ):
        facts = result.public_facts()
        assert result.status == verification.VALID
        assert facts["holder"] == "Lò Thị Xuân"
        assert facts["place"] == "Bản Hày, Xã Mường Giôn, Tỉnh Sơn La"
        assert facts["issuer"] == "ỦY BAN NHÂN DÂN XÃ MƯỜNG GIÔN"
        _assert_no_personal_data(facts)
    # nor does the QR code itself carry any
    _assert_no_personal_data(signing.payload_of(certificate))
    assert Assessment.objects.get(pk=citizen.pk).state == State.RECOGNISED


def _assert_no_personal_data(facts: dict[str, Any]) -> None:
    keys = " ".join(facts).lower()
    for word in ("cccd", "birth", "phone", "identity", "dob"):
        assert word not in keys
    text = " ".join(str(value) for value in facts.values())
    for secret in (
        CCCD,
        PHONE,
        BIRTH_DATE.isoformat(),
        BIRTH_DATE.strftime("%d/%m/%Y"),
        str(BIRTH_DATE.year),
    ):
        assert secret not in text


# -- the key file -----------------------------------------------------------------------------


@pytest.fixture
def key_path(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """A key file of the test's own; the cached key is dropped before and after."""
    path = tmp_path / "keys" / "certificate-signing.pem"
    settings.HOCTAP_SIGNING_KEY_FILE = str(path)
    signing._private_key.cache_clear()
    yield path
    signing._private_key.cache_clear()


def test_production_never_makes_a_new_key(settings: Any, key_path: Path) -> None:
    settings.ENVIRONMENT = "production"
    with pytest.raises(ImproperlyConfigured):
        signing.sign(b"payload")
    with pytest.raises(ImproperlyConfigured):
        signing.public_key_pem()
    assert not key_path.exists()
    assert not key_path.parent.exists()


@pytest.mark.django_db
def test_production_without_a_key_issues_nothing(
    settings: Any, key_path: Path, tree: Tree, people: People
) -> None:
    settings.ENVIRONMENT = "production"
    chosen = proposed_families(tree.hamlet, 1)
    with pytest.raises(ImproperlyConfigured):
        services.decision_issue(
            actor=people.commune_official,
            authority=tree.commune,
            title=TITLE,
            year=YEAR,
            assessment_ids=[chosen[0].pk],
            draft=draft(),
        )
    assert not Decision.objects.exists()
    assert not Certificate.objects.exists()
    assert Assessment.objects.get(pk=chosen[0].pk).state == State.PROPOSED
    assert not key_path.exists()


def test_development_makes_one_private_key_and_keeps_it(settings: Any, key_path: Path) -> None:
    settings.ENVIRONMENT = "development"
    first = signing.public_key_pem()
    assert key_path.exists()
    assert key_path.stat().st_mode & 0o777 == 0o600
    signing._private_key.cache_clear()
    assert signing.public_key_pem() == first  # read back, not made again


def test_production_uses_the_key_it_is_given(settings: Any, key_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    key_path.parent.mkdir(parents=True)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.ENVIRONMENT = "production"
    assert signing.key_id() == signing.key_id(key.public_key())
    assert signing.verify_signature(b"x", key.sign(b"x"))


def test_a_key_file_of_another_kind_is_refused(settings: Any, key_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    key_path.parent.mkdir(parents=True)
    key_path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(ImproperlyConfigured):
        signing.sign(b"payload")
