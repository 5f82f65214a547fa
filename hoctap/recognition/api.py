"""Recognition in the JSON API: decisions (issue, read, documents), certificates (read, PDF,
Open Badges credential, revoke) and the public verification of a serial.

Reads go through the models' `visible_to`, so a decision or certificate outside the caller's
area answers 404 exactly like a missing one; writes go through `hoctap.recognition.services`.
Status codes, as in the rest of the API: a caller who may see the authority (or certificate)
but may not issue or revoke there gets 403; a refused choice of assessments gets 422 listing
every refused id with its reason; a decision number already used by the authority in that year
is a refused input like any other (422, `detail` names the number), not a state conflict;
revoking a certificate that is already revoked is a state conflict (409). Nothing is saved
when any of these is answered.
"""

# No `from __future__ import annotations` here: Ninja's @paginate wrapper resolves the
# view's string annotations in ninja.pagination's namespace, where `Query[...]` is unknown,
# so a paginated view with a Query schema would fail (500, and no OpenAPI schema).

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from hoctap.adminunits import selectors as unit_selectors
from hoctap.core import ratelimit
from hoctap.core.exceptions import ConflictError
from hoctap.recognition import badges, selectors, services, signing, verification
from hoctap.recognition.models import Certificate, Decision, DecisionKind
from hoctap.recognition.schemas import (
    CertificateFilter,
    CertificateOut,
    DecisionDetailOut,
    DecisionFilter,
    DecisionIn,
    DecisionOut,
    PublicKeyOut,
    RecognitionRefusedOut,
    RevocationIn,
    VerificationOut,
)
from hoctap.registry.services import NotPermitted

router = Router(tags=["recognition"])

PAGE_SIZE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
CREDENTIAL = "application/ld+json"


@contextmanager
def _forbidden_when_not_permitted() -> Iterator[None]:
    """Inside the caller's area a refused write is 403; outside it the lookup already gave 404."""
    try:
        yield
    except NotPermitted as error:
        raise HttpError(403, " ".join(error.messages)) from error


def _problem(request: HttpRequest, status: int, title: str, **extra: Any) -> HttpResponse:
    # Imported here: hoctap.api.api imports this module while it registers the routers.
    from hoctap.api.api import problem

    return problem(request, status, title, **extra)


def _refused(request: HttpRequest, refused: services.RecognitionRefused) -> HttpResponse:
    """422 listing every refused id with its reason, in id order."""
    return _problem(
        request,
        422,
        _("The request was refused."),
        detail=" ".join(refused.messages),
        refusals=[{"id": pk, "reason": reason} for pk, reason in sorted(refused.refusals.items())],
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    return response


def _file_response(description: str, content_type: str) -> dict[str, Any]:
    return {"responses": {200: {"description": description, "content": {content_type: {}}}}}


# -- lookups --------------------------------------------------------------------------------


def _certificates(user: Any) -> QuerySet[Certificate]:
    return Certificate.objects.visible_to(user).select_related(
        "decision", "revoked_by", "authority", "commune"
    )


def _decisions(user: Any) -> QuerySet[Decision]:
    """Decisions the user may see, each with how many certificates it issued or revoked."""
    issued = (
        Certificate.objects.filter(decision=OuterRef("pk"))
        .order_by()
        .values("decision")
        .annotate(count=Count("pk"))
        .values("count")
    )
    revoked = (
        Certificate.objects.filter(revoked_by=OuterRef("pk"))
        .order_by()
        .values("revoked_by")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        Decision.objects.visible_to(user)
        .select_related("authority")
        .annotate(
            certificate_count=Case(
                When(kind=DecisionKind.REVOCATION, then=Coalesce(Subquery(revoked), 0)),
                default=Coalesce(Subquery(issued), 0),
                output_field=IntegerField(),
            )
        )
    )


def _decision(request: HttpRequest, decision_id: int) -> Decision:
    decision: Decision = _decisions(request.user).get(pk=decision_id)
    return decision


def _decision_detail(request: HttpRequest, decision_id: int) -> Decision:
    """The decision with the certificates it issued (or revoked) that the caller may see."""
    decision = _decision(request, decision_id)
    certificates = _certificates(request.user)
    if decision.kind == DecisionKind.REVOCATION:
        certificates = certificates.filter(revoked_by=decision)
    else:
        certificates = certificates.filter(decision=decision)
    decision.certificates_shown = list(certificates)  # type: ignore[attr-defined]
    return decision


def _certificate(request: HttpRequest, serial: str) -> Certificate:
    certificate: Certificate = _certificates(request.user).get(serial=serial.strip().upper())
    return certificate


def _revocation_defaults(certificate: Certificate) -> dict[str, Any]:
    """A revocation cites the same bases and goes to the same people; it has no proposal."""
    defaults = selectors.decision_defaults(
        certificate.authority, certificate.title, certificate.year, timezone.localdate()
    )
    return {"legal_bases": defaults["legal_bases"], "recipients": defaults["recipients"]}


# -- decisions ------------------------------------------------------------------------------


@router.get("/decisions", response=list[DecisionOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_decisions(request: HttpRequest, filters: Query[DecisionFilter]) -> QuerySet[Decision]:
    """Decisions of authorities in the caller's area, and those recognising or revoking
    certificates of subjects in it; newest first."""
    decisions = _decisions(request.user)
    if filters.title:
        decisions = decisions.filter(title=filters.title)
    if filters.year is not None:
        decisions = decisions.filter(year=filters.year)
    if filters.kind:
        decisions = decisions.filter(kind=filters.kind)
    return decisions


@router.post("/decisions", response={201: DecisionDetailOut, 422: RecognitionRefusedOut})
def issue_decision(request: HttpRequest, payload: DecisionIn) -> Any:
    """Issue a recognition decision over assessments proposed for recognition; each subject
    gets its certificate (serials numbered per authority and year, without gaps).

    All or nothing: when any chosen assessment is not proposed, of another title or year,
    outside the authority, or already recognised, the answer is 422 with `refusals` listing
    every refused id and why, and nothing is saved. An empty choice, a bad date, or a number
    the authority already used in that year (`detail` names it) are 422 too. An authority
    outside the caller's area is 404; one in it where the caller may not recognise is 403.
    """
    authority = unit_selectors.unit_get(user=request.user, key=payload.authority)
    try:
        with _forbidden_when_not_permitted():
            decision = services.decision_issue(
                actor=request.user,
                authority=authority,
                title=payload.title,
                year=payload.year,
                assessment_ids=payload.assessment_ids,
                draft=payload.draft(
                    selectors.decision_defaults(
                        authority, payload.title, payload.year, timezone.localdate()
                    )
                ),
            )
    except services.RecognitionRefused as refused:
        return _refused(request, refused)
    return Status(201, _decision_detail(request, decision.pk))


@router.get("/decisions/{decision_id}", response=DecisionDetailOut)
def get_decision(request: HttpRequest, decision_id: int) -> Decision:
    """One decision with its certificates (those it revoked, for a revocation)."""
    return _decision_detail(request, decision_id)


@router.get(
    "/decisions/{decision_id}/document.docx",
    openapi_extra=_file_response("The decision as .docx (Decree 30/2020 layout).", DOCX),
)
def decision_docx(request: HttpRequest, decision_id: int) -> HttpResponse:
    """The decision as a Word document to print and sign, with its annex."""
    # Imported on use: building documents loads fonts and layout libraries no other call needs.
    from hoctap.recognition import documents

    decision = _decision(request, decision_id)
    return _download(
        documents.decision_docx(decision), DOCX, documents.decision_filename(decision, "docx")
    )


@router.get(
    "/decisions/{decision_id}/document.pdf",
    openapi_extra=_file_response("The decision as PDF (Decree 30/2020 layout).", PDF),
)
def decision_pdf(request: HttpRequest, decision_id: int) -> HttpResponse:
    """The decision as PDF, with its annex."""
    from hoctap.recognition import documents

    decision = _decision(request, decision_id)
    return _download(
        documents.decision_pdf(decision), PDF, documents.decision_filename(decision, "pdf")
    )


# -- certificates ---------------------------------------------------------------------------


@router.get("/certificates", response=list[CertificateOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_certificates(
    request: HttpRequest, filters: Query[CertificateFilter]
) -> QuerySet[Certificate]:
    """Certificates of subjects in the caller's area, by year, authority and serial."""
    certificates = _certificates(request.user)
    if filters.commune:
        commune = unit_selectors.unit_get(user=request.user, key=filters.commune)
        certificates = certificates.filter(commune=commune)
    if filters.title:
        certificates = certificates.filter(title=filters.title)
    if filters.year is not None:
        certificates = certificates.filter(year=filters.year)
    if filters.revoked is not None:
        certificates = certificates.filter(revoked_by__isnull=not filters.revoked)
    return certificates


@router.get("/certificates/{serial}", response=CertificateOut)
def get_certificate(request: HttpRequest, serial: str) -> Certificate:
    """One certificate by its serial."""
    return _certificate(request, serial)


@router.get(
    "/certificates/{serial}/certificate.pdf",
    openapi_extra=_file_response("The certificate as one A4 landscape page, with its QR.", PDF),
)
def certificate_pdf(request: HttpRequest, serial: str) -> HttpResponse:
    """The certificate to print, with the QR code leading to its verification."""
    from hoctap.recognition import documents

    certificate = _certificate(request, serial)
    return _download(
        documents.certificate_pdf(certificate), PDF, f"chung-nhan-{certificate.serial}.pdf"
    )


@router.get(
    "/certificates/{serial}/credential",
    openapi_extra=_file_response(
        "An Open Badges 3.0 credential with an eddsa-jcs-2022 proof.", CREDENTIAL
    ),
)
def certificate_credential(request: HttpRequest, serial: str) -> HttpResponse:
    """The certificate as an Open Badges 3.0 credential (a W3C Verifiable Credential), signed
    with the key published at /verify/key."""
    certificate = _certificate(request, serial)
    body = json.dumps(badges.credential_of(certificate), ensure_ascii=False, indent=2)
    response = HttpResponse(body.encode(), content_type=f"{CREDENTIAL}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{certificate.serial}.jsonld"'
    response["Cache-Control"] = "private, max-age=0"
    return response


@router.post("/certificates/{serial}/revoke", response={201: DecisionDetailOut})
def revoke_certificate(request: HttpRequest, serial: str, payload: RevocationIn) -> Any:
    """Revoke a certificate by a decision of the authority that issued it, with the reason;
    the answer is the revocation decision. Verification says "revoked" at once.

    A certificate already revoked gives 409 and nothing changes; a missing reason, a bad date
    or a decision number the authority already used in that year gives 422. A caller who sees
    the certificate but may not revoke for its authority gets 403.
    """
    certificate = _certificate(request, serial)
    try:
        with _forbidden_when_not_permitted():
            decision = services.certificates_revoke(
                actor=request.user,
                authority=certificate.authority,
                certificate_ids=[certificate.pk],
                draft=payload.draft(_revocation_defaults(certificate), reason=payload.reason),
            )
    except services.RecognitionRefused as refused:
        certificate = _certificate(request, serial)
        if certificate.revoked_by is not None:
            raise ConflictError(
                _(
                    "Certificate %(serial)s was already revoked on %(date)s by decision "
                    "%(decision)s; nothing was changed."
                )
                % {
                    "serial": certificate.serial,
                    "date": f"{certificate.revoked_on:%d/%m/%Y}",
                    "decision": certificate.revoked_by.reference,
                },
                code="already_revoked",
            ) from refused
        return _refused(request, refused)
    return Status(201, _decision_detail(request, decision.pk))


# -- public verification --------------------------------------------------------------------


@router.get("/verify/key", response=PublicKeyOut, auth=None)
def verify_key(request: HttpRequest) -> dict[str, Any]:
    """The public key that signs the certificates' QR tokens and credentials, to check them
    offline. No sign-in needed."""
    return {
        "key_id": signing.key_id(),
        "algorithm": "Ed25519",
        "pem": signing.public_key_pem(),
        "jwk": signing.public_key_jwk(),
        "did": badges.did_key(),
        "token_format": (
            "<payload>.<signature>, both unpadded base64url; the payload is canonical JSON "
            "(sorted keys, no spaces, UTF-8) and the signature is Ed25519 over its bytes."
        ),
    }


@router.get(
    "/verify/{serial}",
    response={200: VerificationOut},
    auth=None,
    openapi_extra={
        "responses": {
            429: {
                "description": "Too many checks from this address; try again in a minute.",
                "content": {"application/problem+json": {}},
            }
        }
    },
)
def verify_certificate(
    request: HttpRequest,
    serial: str,
    response: HttpResponse,
    c: str = Query("", description="The signed token after `?c=` in the QR code's address."),
) -> Any:
    """Check a certificate by its serial, and with `c` (the token in its QR code) whether the
    QR was altered. No sign-in needed; rate-limited per address.

    Always 200 with a `status`: valid, revoked (with date and reason), unknown (no such
    serial) or invalid (the token does not verify or does not match the register). Only what
    the printed certificate shows is returned: never a CCCD, a birth date or a phone number.
    """
    if not ratelimit.allow(request, "verify", settings.HOCTAP_VERIFY_RATE_PER_MINUTE):
        limited = _problem(
            request, 429, _("Too many checks from your address. Try again in a minute.")
        )
        limited["Retry-After"] = str(ratelimit.WINDOW_SECONDS)
        return limited
    # A revocation shows at once: nobody may keep an old answer.
    response["Cache-Control"] = "no-store"
    return verification.verify(serial, c).public_facts()
