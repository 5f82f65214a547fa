"""A certificate as an Open Badges 3.0 credential (a W3C Verifiable Credential), for holders who
want to carry it into other systems.

The proof is a Data Integrity proof with the `eddsa-jcs-2022` cryptosuite: the credential and the
proof options are canonicalised with JCS (RFC 8785), hashed with SHA-256, and the two hashes
(options first) are signed with the same Ed25519 key as the QR payloads. The verification method
is a `did:key` made from that public key, so any verifier can check it without our server.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings

from hoctap.recognition import signing
from hoctap.recognition.models import Certificate

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ED25519_MULTICODEC = b"\xed\x01"


def base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = _BASE58[remainder] + encoded
    leading = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading + encoded


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _BASE58.index(char)
    leading = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading + body


def did_key() -> str:
    """`did:key:z6Mk…`: the public key as a self-describing identifier."""
    return "did:key:z" + base58btc(_ED25519_MULTICODEC + signing.public_key_raw())


def jcs(data: Any) -> bytes:
    """JSON Canonicalization Scheme for the values a credential holds (strings, integers,
    lists, objects): sorted keys, no whitespace, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _hash_data(document: dict[str, Any], options: dict[str, Any]) -> bytes:
    return hashlib.sha256(jcs(options)).digest() + hashlib.sha256(jcs(document)).digest()


def credential_of(certificate: Certificate) -> dict[str, Any]:
    """The signed OpenBadgeCredential of a certificate."""
    base = settings.HOCTAP_PUBLIC_URL
    decision = certificate.decision
    title = certificate.get_title_display()
    document: dict[str, Any] = {
        "@context": CONTEXTS,
        "id": f"{base}/verify/{certificate.serial}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{title} {certificate.year}",
        "issuer": {
            "id": f"{base}/verify/issuer/{certificate.authority.code}",
            "type": ["Profile"],
            "name": decision.issuing_body,
        },
        "validFrom": f"{certificate.issued_on.isoformat()}T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": certificate.holder_name,
            "achievement": {
                "id": f"{base}/verify/achievement/{certificate.title}/{certificate.year}",
                "type": ["Achievement"],
                "name": f"{title} {certificate.year}",
                "description": f"{title} — {certificate.holder_place}",
                "criteria": {
                    "narrative": f"Quyết định số {decision.reference} ngày "
                    f"{decision.issued_on:%d/%m/%Y} của {decision.issuing_body}."
                },
            },
        },
    }
    if certificate.level:
        document["credentialSubject"]["achievement"]["tag"] = [certificate.level]
    options: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": f"{certificate.issued_on.isoformat()}T00:00:00Z",
        "verificationMethod": f"{did_key()}#{did_key().removeprefix('did:key:')}",
        "proofPurpose": "assertionMethod",
        "@context": CONTEXTS,
    }
    signature = signing.sign(_hash_data(document, options))
    proof = {key: value for key, value in options.items() if key != "@context"}
    proof["proofValue"] = "z" + base58btc(signature)
    return {**document, "proof": proof}


def verify_credential(credential: dict[str, Any]) -> bool:
    """Check a credential's eddsa-jcs-2022 proof with our public key."""
    proof = dict(credential.get("proof") or {})
    value = str(proof.pop("proofValue", ""))
    if not value.startswith("z"):
        return False
    document = {key: item for key, item in credential.items() if key != "proof"}
    options = {**proof, "@context": document.get("@context")}
    try:
        signature = base58btc_decode(value[1:])
    except ValueError:
        return False
    return len(signature) == 64 and signing.verify_signature(
        _hash_data(document, options), signature
    )
