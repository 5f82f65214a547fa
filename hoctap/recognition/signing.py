"""Ed25519 signatures that let anyone check a certificate offline with the published public key.

The QR code on a certificate leads to `/verify/<serial>?c=<payload>.<signature>`: the payload is
the certificate's public facts as canonical JSON (sorted keys, no spaces, UTF-8), both parts in
unpadded base64url. A phone app holding the public key (`/verify/key`) can check the signature
without the network; the verification page checks it too and compares it with the register, so a
QR whose payload was changed by even one byte is reported as invalid.

The private key lives in a PEM file (`HOCTAP_SIGNING_KEY_FILE`). In development it is created on
first use under `var/`; in production a missing key is a configuration error, never a new key,
because every certificate already printed would stop verifying.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PAYLOAD_VERSION = 1


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def canonical_json(data: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the bytes that are signed."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_file() -> Path:
    return Path(settings.HOCTAP_SIGNING_KEY_FILE)


def _create_key(path: Path) -> None:
    if getattr(settings, "ENVIRONMENT", "development") == "production":
        raise ImproperlyConfigured(
            f"No certificate signing key at {path}. Set HOCTAP_SIGNING_KEY_FILE to the key's PEM "
            "file; a new key would make every printed certificate fail verification."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        # O_EXCL: two processes starting at once keep the first key, not one each.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


@functools.cache
def _private_key(path: str) -> Ed25519PrivateKey:
    file = Path(path)
    if not file.exists():
        _create_key(file)
    key = serialization.load_pem_private_key(file.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{file} does not hold an Ed25519 private key.")
    return key


def private_key() -> Ed25519PrivateKey:
    return _private_key(str(key_file()))


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_raw(key: Ed25519PublicKey | None = None) -> bytes:
    return (key or public_key()).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def public_key_pem() -> str:
    return (
        public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def key_id(key: Ed25519PublicKey | None = None) -> str:
    """A short name of the public key, carried in every payload so keys can be rotated."""
    return hashlib.sha256(public_key_raw(key)).hexdigest()[:16]


def public_key_jwk() -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(public_key_raw()), "kid": key_id()}


def sign(data: bytes) -> bytes:
    return private_key().sign(data)


def verify_signature(data: bytes, signature: bytes, key: Ed25519PublicKey | None = None) -> bool:
    try:
        (key or public_key()).verify(signature, data)
    except InvalidSignature:
        return False
    return True


def payload_of(certificate: Any) -> dict[str, Any]:
    """What a certificate's QR code carries: only what the printed certificate shows."""
    return {
        "v": PAYLOAD_VERSION,
        "s": certificate.serial,
        "h": certificate.holder_name,
        "p": certificate.holder_place,
        "t": certificate.title,
        "y": certificate.year,
        "l": certificate.level,
        "d": certificate.decision.reference,
        "i": certificate.issued_on.isoformat(),
        "k": certificate.key_id,
    }


def sign_certificate(certificate: Any) -> None:
    """Stamp the key id and the signature on an unsaved certificate."""
    certificate.key_id = key_id()
    certificate.signature = b64url_encode(sign(canonical_json(payload_of(certificate))))


def token_of(certificate: Any) -> str:
    """`<payload>.<signature>`, the part of the QR address after `?c=`."""
    return f"{b64url_encode(canonical_json(payload_of(certificate)))}.{certificate.signature}"


@dataclasses.dataclass(frozen=True)
class TokenCheck:
    """What a QR token says and whether its signature holds."""

    valid: bool
    payload: dict[str, Any] | None
    reason: str = ""


def check_token(token: str) -> TokenCheck:
    """Decode and verify a `<payload>.<signature>` token with the published key."""
    try:
        payload_part, signature_part = token.strip().split(".", 1)
        data = b64url_decode(payload_part)
        signature = b64url_decode(signature_part)
        payload = json.loads(data.decode("utf-8"))
    # RecursionError: JSON nested a few thousand deep, which fits in a QR address.
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        return TokenCheck(valid=False, payload=None, reason="malformed")
    if not isinstance(payload, dict):
        return TokenCheck(valid=False, payload=None, reason="malformed")
    if payload.get("k") != key_id():
        return TokenCheck(valid=False, payload=payload, reason="unknown_key")
    if len(signature) != 64 or not verify_signature(data, signature):
        return TokenCheck(valid=False, payload=payload, reason="bad_signature")
    return TokenCheck(valid=True, payload=payload)
