"""Checking a certificate by its serial, and the signed payload its QR code carries.

Shared by the public page `/verify/<serial>` and `GET /api/v1/verify/{serial}`: both show only
what the printed certificate shows (holder, place, title, year, level, issuer, decision) and
never a CCCD, a birth date or a phone number.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

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


# -- answers kept between changes of the register -----------------------------------------------

# The register's generation: a new value whenever certificates are issued or revoked. A kept
# answer is filed under the generation it was worked out in, so a change makes every earlier
# answer unreachable at once (in every process, when the cache is shared: REDIS_URL).
_GENERATION_KEY = "verify:generation"
ANSWER_SECONDS = 300


def register_changed() -> None:
    """Call in the transaction that issues or revokes certificates: from now on, and again once
    it commits (an answer worked out meanwhile saw the register as it was), no kept answer is
    served again."""

    def renew() -> None:
        cache.set(_GENERATION_KEY, uuid.uuid4().hex, None)

    renew()
    transaction.on_commit(renew)


def answer_key(*parts: str) -> str:
    """The cache key of an answer made of `parts` (serial, token, language…) in the register's
    current generation."""
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        # add(): two processes starting at once agree on the first value.
        if not cache.add(_GENERATION_KEY, generation, None):
            generation = cache.get(_GENERATION_KEY, generation)
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]
    return f"verify:answer:{generation}:{digest}"
