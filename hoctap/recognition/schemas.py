"""API schemas for recognition: what a client may send (…In) and what it gets back (…Out).

Legal bases and recipients are one per line in the decision; the API carries them as lists.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field, Schema

from hoctap.assessments.models import Title
from hoctap.recognition.models import Certificate, Decision, DecisionKind
from hoctap.recognition.services import DecisionDraft

API_PREFIX = "/api/v1"


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def text_of(lines: list[str]) -> str:
    return "\n".join(line.strip() for line in lines if line.strip())


# -- filters --------------------------------------------------------------------------------


class DecisionFilter(Schema):
    title: Title | None = Field(None, description="Only this title.")
    year: int | None = Field(None, description="Only this assessed year.")
    kind: DecisionKind | None = Field(None, description="recognition or revocation.")


class CertificateFilter(Schema):
    title: Title | None = Field(None, description="Only this title.")
    year: int | None = Field(None, description="Only this assessed year.")
    commune: str = Field("", description="Key of a commune: only its subjects' certificates.")
    revoked: bool | None = Field(None, description="true: only revoked; false: only in force.")


# -- input ----------------------------------------------------------------------------------


class DecisionDraftIn(Schema):
    """What the official types for a decision; the rest comes from the assessments."""

    number: int = Field(..., ge=1, description="The decision's number in its year of issue.")
    symbol: str = Field("QĐ-UBND", max_length=40, description="Cited after the number.")
    issued_on: datetime.date
    signer_name: str = Field(..., max_length=120)
    signer_position: str = Field("CHỦ TỊCH", max_length=120)
    signer_authority: str = Field(
        "TM. ỦY BAN NHÂN DÂN", max_length=120, description="“TM. ỦY BAN NHÂN DÂN”, “KT. …”."
    )
    issuing_body: str = Field(
        "", max_length=255, description="Empty: the people's committee of the authority."
    )
    parent_body: str = Field("", max_length=255, description="The body above, if printed.")
    place: str = Field("", max_length=120, description="Empty: the authority's name.")
    subject_line: str = Field("", max_length=500, description="Empty: a standard line.")
    legal_bases: list[str] | None = Field(
        None,
        description="One “Căn cứ …” each. Left out: the law on local government, the "
        "programme and the title's criteria set, as the page's form offers.",
    )
    body: str | None = Field(
        None,
        description="The considering paragraph. Left out: the form's default for a "
        "recognition, none for a revocation.",
    )
    recipients: list[str] | None = Field(
        None, description="“Nơi nhận”, one each. Left out: the form's default."
    )

    def draft(self, defaults: dict[str, Any], reason: str = "") -> DecisionDraft:
        """The service's draft; what was left out comes from `defaults` (the form's)."""
        legal_bases = self.legal_bases
        recipients = self.recipients
        return DecisionDraft(
            number=self.number,
            issued_on=self.issued_on,
            signer_name=self.signer_name,
            symbol=self.symbol,
            signer_position=self.signer_position,
            signer_authority=self.signer_authority,
            issuing_body=self.issuing_body,
            parent_body=self.parent_body,
            place=self.place,
            subject_line=self.subject_line,
            legal_bases=(
                text_of(legal_bases) if legal_bases is not None else defaults.get("legal_bases", "")
            ),
            body=self.body if self.body is not None else defaults.get("body", ""),
            recipients=(
                text_of(recipients) if recipients is not None else defaults.get("recipients", "")
            ),
            reason=reason,
        )


class DecisionIn(DecisionDraftIn):
    authority: str = Field(..., description="Key of the issuing commune or province.")
    title: Title
    year: int = Field(..., ge=2000, le=2100, description="The assessed year.")
    assessment_ids: list[int] = Field(
        ..., description="Ids of assessments proposed for recognition (at least one)."
    )


class RevocationIn(DecisionDraftIn):
    reason: str = Field(..., description="Why the certificate is revoked (required).")


# -- output ---------------------------------------------------------------------------------


class CertificateOut(Schema):
    serial: str
    title: str
    title_label: str
    year: int = Field(..., description="The assessed year.")
    holder_name: str
    holder_place: str = Field(..., description="Hamlet, commune, province.")
    hamlet_name: str
    level: str
    total: float | None
    issued_on: datetime.date
    commune: str = Field(..., description="Key of the subject's commune.")
    authority: str = Field(..., description="Key of the issuing authority.")
    decision_id: int
    decision: str = Field(..., description="The decision's reference, “15/QĐ-UBND”.")
    assessment_id: int
    key_id: str = Field(..., description="The signing key (see /verify/key).")
    is_revoked: bool
    revoked_on: datetime.date | None
    revoked_reason: str
    revoked_by_id: int | None
    revoked_by: str = Field(..., description="Reference of the revoking decision, or empty.")
    verify_url: str = Field(..., description="The address in the QR code, with its signed token.")
    pdf_url: str
    credential_url: str

    @staticmethod
    def resolve_title_label(obj: Certificate) -> str:
        return str(obj.get_title_display())

    @staticmethod
    def resolve_total(obj: Certificate) -> float | None:
        return float(obj.total) if obj.total is not None else None

    @staticmethod
    def resolve_commune(obj: Certificate) -> str:
        return obj.commune.key

    @staticmethod
    def resolve_authority(obj: Certificate) -> str:
        return obj.authority.key

    @staticmethod
    def resolve_decision(obj: Certificate) -> str:
        return obj.decision.reference

    @staticmethod
    def resolve_revoked_by(obj: Certificate) -> str:
        return obj.revoked_by.reference if obj.revoked_by is not None else ""

    @staticmethod
    def resolve_verify_url(obj: Certificate) -> str:
        from hoctap.recognition.verification import verify_url

        return verify_url(obj)

    @staticmethod
    def resolve_pdf_url(obj: Certificate) -> str:
        return f"{API_PREFIX}/certificates/{obj.serial}/certificate.pdf"

    @staticmethod
    def resolve_credential_url(obj: Certificate) -> str:
        return f"{API_PREFIX}/certificates/{obj.serial}/credential"


class DecisionOut(Schema):
    id: int
    kind: str
    kind_label: str
    reference: str = Field(..., description="“15/QĐ-UBND”, as the decision is cited.")
    number: int
    symbol: str
    authority: str = Field(..., description="Key of the issuing commune or province.")
    authority_name: str
    title: str
    title_label: str
    year: int = Field(..., description="The assessed year.")
    issued_on: datetime.date
    issuing_body: str
    parent_body: str
    place: str
    subject_line: str
    legal_bases: list[str]
    body: str
    signer_name: str
    signer_position: str
    signer_authority: str
    recipients: list[str]
    reason: str
    certificate_count: int = Field(..., description="Certificates it issued (or revoked).")
    has_signed_copy: bool
    docx_url: str
    pdf_url: str

    @staticmethod
    def resolve_kind_label(obj: Decision) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_authority(obj: Decision) -> str:
        return obj.authority.key

    @staticmethod
    def resolve_authority_name(obj: Decision) -> str:
        return obj.authority.name

    @staticmethod
    def resolve_title_label(obj: Decision) -> str:
        return str(obj.get_title_display())

    @staticmethod
    def resolve_legal_bases(obj: Decision) -> list[str]:
        return lines_of(obj.legal_bases)

    @staticmethod
    def resolve_recipients(obj: Decision) -> list[str]:
        return lines_of(obj.recipients)

    @staticmethod
    def resolve_certificate_count(obj: Decision) -> int:
        annotated = getattr(obj, "certificate_count", None)
        if annotated is not None:
            return int(annotated)
        if obj.kind == DecisionKind.REVOCATION:
            return obj.revoked_certificates.count()
        return obj.certificates.count()

    @staticmethod
    def resolve_has_signed_copy(obj: Decision) -> bool:
        return bool(obj.signed_file)

    @staticmethod
    def resolve_docx_url(obj: Decision) -> str:
        return f"{API_PREFIX}/decisions/{obj.pk}/document.docx"

    @staticmethod
    def resolve_pdf_url(obj: Decision) -> str:
        return f"{API_PREFIX}/decisions/{obj.pk}/document.pdf"


class DecisionDetailOut(DecisionOut):
    certificates: list[CertificateOut] = Field(
        ...,
        description="The certificates it issued (a recognition) or revoked (a revocation) "
        "that the caller may see.",
    )

    @staticmethod
    def resolve_certificates(obj: Decision) -> list[Certificate]:
        shown: list[Certificate] = obj.certificates_shown  # type: ignore[attr-defined]
        return shown


class RefusalOut(Schema):
    id: int = Field(..., description="The assessment (or certificate) refused.")
    reason: str


class RecognitionRefusedOut(Schema):
    """422 when any chosen assessment cannot be recognised; nothing was saved."""

    type: str
    title: str
    status: int
    detail: str
    refusals: list[RefusalOut]


class VerificationOut(Schema):
    """What anyone may read about a certificate: only what is printed on it."""

    status: Literal["valid", "revoked", "unknown", "invalid"] = Field(
        ...,
        description="valid; revoked (with date and reason); unknown (no such serial: still "
        "200); invalid (the QR token `c` does not verify or does not match the register).",
    )
    serial: str
    reason: str = Field(
        "",
        description="Why a token is invalid: malformed, unknown_key, bad_signature, mismatch.",
    )
    holder: str | None = None
    place: str | None = None
    title: str | None = None
    title_name: str | None = None
    year: int | None = None
    level: str | None = None
    issued_on: datetime.date | None = None
    issuer: str | None = None
    decision: str | None = None
    revoked_on: datetime.date | None = None
    revoked_reason: str | None = None
    revoked_by: str | None = None


class PublicKeyJwkOut(Schema):
    kty: str
    crv: str
    x: str
    kid: str


class PublicKeyOut(Schema):
    """The Ed25519 key that signs QR tokens and Open Badges credentials."""

    key_id: str
    algorithm: str
    pem: str
    jwk: PublicKeyJwkOut
    did: str = Field(..., description="The key as a did:key (credentials' proof method).")
    token_format: str
