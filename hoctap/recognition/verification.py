"""Checking a certificate by its serial, and the signed payload its QR code carries.

Shared by the public page `/verify/<serial>` and `GET /api/v1/verify/{serial}`: both show only
what the printed certificate shows (holder, place, title, year, level, issuer, decision) and
never a CCCD, a birth date or a phone number.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings

from hoctap.recognition import signing
from hoctap.recognition.models import Certificate

VALID = "valid"
REVOKED = "revoked"
UNKNOWN = "unknown"
INVALID = "invalid"  # a QR payload that does not verify or does not match the register


@dataclasses.dataclass(frozen=True)
class Verification:
    status: str
    serial: str
    certificate: Certificate | None = None
    # Why a QR payload was refused: malformed, unknown_key, bad_signature, mismatch.
    reason: str = ""

    def public_facts(self) -> dict[str, Any]:
        """What anyone may read about the certificate: what is printed on it."""
        certificate = self.certificate
        if certificate is None:
            return {"status": self.status, "serial": self.serial, "reason": self.reason}
        return {
            "status": self.status,
            "serial": certificate.serial,
            "reason": self.reason,
            "holder": certificate.holder_name,
            "place": certificate.holder_place,
            "title": certificate.title,
            "title_name": certificate.get_title_display(),
            "year": certificate.year,
            "level": certificate.level,
            "issued_on": certificate.issued_on,
            "issuer": certificate.decision.issuing_body,
            "decision": certificate.decision.reference,
            "revoked_on": certificate.revoked_on,
            "revoked_reason": certificate.revoked_reason if certificate.is_revoked else "",
            "revoked_by": certificate.revoked_by.reference if certificate.revoked_by else "",
        }


def verify(serial: str, token: str = "") -> Verification:
    """valid / revoked / unknown for a serial; with the QR's token, invalid when it was altered."""
    serial = serial.strip().upper()
    certificate = (
        Certificate.objects.select_related("decision", "revoked_by").filter(serial=serial).first()
    )
    if token:
        check = signing.check_token(token)
        if not check.valid:
            return Verification(INVALID, serial, None, check.reason)
        expected = signing.payload_of(certificate) if certificate is not None else None
        if check.payload != expected:
            # Signed by us but not what the register holds for this serial (or another serial's
            # QR pasted onto this one): refuse rather than show either.
            return Verification(INVALID, serial, None, "mismatch")
    if certificate is None:
        return Verification(UNKNOWN, serial)
    if certificate.is_revoked:
        return Verification(REVOKED, serial, certificate)
    return Verification(VALID, serial, certificate)


def verify_url(certificate: Certificate) -> str:
    """The address in the certificate's QR code, with its signed payload."""
    token = signing.token_of(certificate)
    return f"{settings.HOCTAP_PUBLIC_URL}/verify/{certificate.serial}?c={token}"
