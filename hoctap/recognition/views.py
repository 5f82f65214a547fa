"""Pages of recognition: decisions (list, new, detail, documents, the signed copy, the print
batch), certificates (detail, PDF, Open Badges credential, revocation), and the public pages
anyone may open without signing in (verification by serial or QR, the public key, the list of
a commune's recognised subjects).

Private pages fetch through the selectors (out of scope looks missing: 404), offer a step only
to whoever may take it (a forged one answers 404) and write only through the services. A
refused write changes nothing and re-renders the page with every reason: 409 when the state
does not allow it any more (already recognised, already revoked, already uploaded), 422
otherwise. The public pages show what a printed certificate shows and nothing else, and are
rate-limited per address.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Max, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.assessments.models import Assessment, State, Title
from hoctap.assessments.permissions import RECOGNISE, can_act_at
from hoctap.core import ratelimit
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.rendering import render_page
from hoctap.recognition import (
    badges,
    batches,
    documents,
    selectors,
    services,
    signed_copies,
    signing,
    verification,
)
from hoctap.recognition.forms import (
    SIGNED_ACCEPT,
    DecisionChoiceForm,
    DecisionFilterForm,
    DecisionForm,
    RevokeForm,
    SignedCopyForm,
    VerifyForm,
)
from hoctap.recognition.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    Decision,
    DecisionKind,
)
from hoctap.registry.services import NotPermitted

T = TypeVar("T")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Which field of the decision form a refusal of the service concerns.
DECISION_ERROR_FIELDS = {
    "number": "number",
    "duplicate_number": "number",
    "signer": "signer_name",
    "symbol": "symbol",
    "issued_on": "issued_on",
    "issued_on_future": "issued_on",
    "empty": "picked",
}
REVOKE_ERROR_FIELDS = {
    "number": "number",
    "duplicate_number": "number",
    "signer": "signer_name",
    "symbol": "symbol",
    "issued_on": "issued_on",
    "issued_on_future": "issued_on",
    "reason": "reason",
}
# A QR token is a few hundred characters; anything much longer is not one of ours.
TOKEN_MAX_LENGTH = 2000
BATCH_RUNNING = (BatchStatus.QUEUED, BatchStatus.RUNNING)


def _found(fetch: Callable[[], T]) -> T:
    """Fetch through a selector: missing and out of scope both answer 404."""
    try:
        return fetch()
    except ObjectDoesNotExist as error:
        raise Http404 from error


def _field_error(form: Any, error: BusinessError, fields: dict[str, str]) -> None:
    field = fields.get(error.code or "")
    form.add_error(field if field in form.fields else None, error)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Scoped content: a browser may keep it, a shared proxy may not.
    response["Cache-Control"] = "private, max-age=0"
    return response


def _decision_file_name(decision: Decision, extension: str) -> str:
    """“quyet-dinh-15-2026-03694.docx”, in ASCII so every browser keeps the name."""
    code = decision.authority.code or decision.authority.key
    return f"quyet-dinh-{decision.number}-{decision.issued_year}-{code}.{extension}"


def _may_issue(user: Any, decision: Decision) -> bool:
    """Whoever may recognise the decision's title at its authority acts on the decision."""
    return can_act_at(user, decision.title, RECOGNISE, decision.unit_path)


# -- decisions ----------------------------------------------------------------------------------


@login_required
@require_safe
def decision_list(request: HttpRequest) -> HttpResponse:
    """Decisions the user may see, newest first, filtered by assessed year and title."""
    form = DecisionFilterForm(request.GET)
    form.is_valid()  # an unknown value is dropped: the list is shown without that filter
    decisions = selectors.decision_list(
        request.user,
        year=form.cleaned_data.get("year"),
        title=form.cleaned_data.get("title") or "",
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": Paginator(decisions, settings.HOCTAP_PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "can_issue": bool(selectors.recognising_titles(request.user)),
    }
    return render_page(
        request, "recognition/decision_list.html", context, partial="decision-results"
    )


def _default_year(request: HttpRequest, authority: AdminUnit, title: str) -> int:
    """The latest year with assessments proposed there, else this year."""
    latest = (
        Assessment.objects.visible_to(request.user)
        .filter(title=title, state=State.PROPOSED, unit_path__startswith=authority.path)
        .aggregate(latest=Max("year"))["latest"]
    )
    return int(latest) if latest else timezone.localdate().year


def _default_title(request: HttpRequest, titles: dict[str, list[AdminUnit]]) -> str:
    """The first title with assessments waiting for the user's decision, else the first one."""
    proposed = Assessment.objects.visible_to(request.user).filter(state=State.PROPOSED)
    for title, authorities in titles.items():
        places = Q(pk__in=[])
        for unit in authorities:
            places |= Q(unit_path__startswith=unit.path)
        if proposed.filter(places, title=title).exists():
            return title
    return next(iter(titles))


def _choice_of(
    request: HttpRequest, titles: dict[str, list[AdminUnit]]
) -> tuple[str, int, AdminUnit, dict[str, str]]:
    """The title, year and authority a GET asks for (defaults when absent); 404 for an
    authority where the user may not recognise that title."""
    params: dict[str, str] = {key: str(value) for key, value in request.GET.items() if value}
    title = params.get("title", "")
    if title not in titles:
        title = _default_title(request, titles)
    authorities = {unit.key: unit for unit in titles[title]}
    key = params.get("authority")
    if key is not None and key not in authorities:
        raise Http404
    authority = authorities[key] if key is not None else titles[title][0]
    year_text = params.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    if year is None:
        year = _default_year(request, authority, title)
    return title, year, authority, {"title": title, "year": str(year), "authority": authority.key}


@dataclasses.dataclass(frozen=True)
class Refused:
    """What the page says about a refused choice of assessments."""

    rows: list[tuple[int, str, str]]  # (assessment id, subject name, reason)
    earlier: list[Decision]  # decisions that already recognised some of them
    all_recognised: bool  # every one was recognised already: the form was sent twice


def _refused(request: HttpRequest, refusals: dict[int, str]) -> Refused:
    names = dict(
        Assessment.objects.visible_to(request.user)
        .filter(pk__in=refusals)
        .values_list("pk", "subject_name")
    )
    rows = [(pk, names.get(pk, str(pk)), why) for pk, why in sorted(refusals.items())]
    recognised = dict(
        Certificate.objects.filter(assessment_id__in=refusals).values_list(
            "assessment_id", "decision_id"
        )
    )
    earlier = list(
        Decision.objects.visible_to(request.user)
        .filter(pk__in=set(recognised.values()))
        .order_by("-issued_on", "-number")
    )
    return Refused(rows=rows, earlier=earlier, all_recognised=set(recognised) == set(refusals))


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request: HttpRequest) -> HttpResponse:
    """Prepare a decision: the proposed assessments of a title and year under the authority,
    all ticked, and the decision's text pre-filled; issuing saves all or nothing."""
    titles = selectors.recognising_titles(request.user)
    if not titles:
        raise Http404
    refusals: list[tuple[int, str, str]] = []
    earlier: list[Decision] = []
    status = 200
    if request.method == "POST":
        posted_title = request.POST.get("title", "")
        choice = DecisionChoiceForm(
            request.POST,
            titles=list(titles),
            authorities=titles.get(posted_title, []),
        )
        if not choice.is_valid():
            raise Http404  # hidden fields of the page: only a tampered form gets here
        title = choice.cleaned_data["title"]
        year = choice.cleaned_data["year"]
        authority = choice.cleaned_data["authority"]
        chosen = {"title": title, "year": str(year), "authority": authority.key}
        form = DecisionForm(request.POST)
        status = 422
        if form.is_valid():
            picked = form.cleaned_data["picked"]
            visible = Assessment.objects.visible_to(request.user).filter(pk__in=picked).count()
            if visible != len(picked):
                raise Http404  # a row outside the user's area only comes from a tampered form
            try:
                decision = services.decision_issue(
                    actor=request.user,
                    authority=authority,
                    title=title,
                    year=year,
                    assessment_ids=picked,
                    draft=form.draft(),
                )
            except NotPermitted as error:
                raise Http404 from error
            except services.RecognitionRefused as error:
                refused = _refused(request, error.refusals)
                refusals, earlier = refused.rows, refused.earlier
                form.add_error(None, error)
                if refused.all_recognised:
                    status = 409
            except BusinessError as error:
                _field_error(form, error, DECISION_ERROR_FIELDS)
                status = 409 if isinstance(error, ConflictError) else 422
            else:
                messages.success(
                    request,
                    _("Decision %(reference)s issued: %(count)d certificates.")
                    % {"reference": decision.reference, "count": len(picked)},
                )
                return redirect("recognition:decision_detail", pk=decision.pk)
    else:
        title, year, authority, chosen = _choice_of(request, titles)
        defaults = selectors.decision_defaults(authority, title, year, timezone.localdate())
        form = DecisionForm(initial=defaults)
        choice = DecisionChoiceForm(initial=chosen, titles=list(titles), authorities=titles[title])
    candidates = selectors.recognisable_assessments(request.user, authority, title, year)
    if request.method == "POST":
        ticked = {int(value) for value in request.POST.getlist("picked") if value.isdigit()}
    else:
        ticked = {candidate.assessment.pk for candidate in candidates}
    context = {
        "choice": choice,
        "chosen": chosen,
        "title_name": Title(title).label,
        "year": year,
        "authority": authority,
        "authorities": titles[title],
        "candidates": candidates,
        "ticked": ticked,
        "form": form,
        "refusals": refusals,
        "refused_ids": {pk for pk, _name, _why in refusals},
        "earlier": earlier,
    }
    return render_page(request, "recognition/decision_new.html", context, status=status)


def _detail_context(
    request: HttpRequest,
    decision: Decision,
    *,
    signed_form: SignedCopyForm | None = None,
) -> dict[str, Any]:
    annex = list(selectors.decision_annex(decision))
    may_issue = _may_issue(request.user, decision)
    is_recognition = decision.kind == DecisionKind.RECOGNITION
    return {
        "decision": decision,
        "annex": annex,
        "openable": selectors.visible_certificate_ids(request.user, annex),
        "legal_bases": decision.legal_bases.splitlines(),
        "recipients": decision.recipients.splitlines(),
        "batches": list(selectors.batch_list(decision)[:5]),
        "can_print": may_issue and is_recognition and bool(annex),
        "can_upload": may_issue and not decision.signed_file,
        "signed_form": signed_form or SignedCopyForm(),
        "accept": SIGNED_ACCEPT,
        "public_list": decision.authority if decision.authority.level == Level.COMMUNE else None,
    }


@login_required
@require_safe
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A decision: its text, the annex of certificates, documents, printing, the signed copy."""
    decision = _found(lambda: selectors.decision_get(request.user, pk))
    return render_page(
        request, "recognition/decision_detail.html", _detail_context(request, decision)
    )


@login_required
@require_safe
def decision_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision as .docx (Decree 30/2020 layout) to print and sign."""
    decision = _found(lambda: selectors.decision_get(request.user, pk))
    return _attachment(
        documents.decision_docx(decision), DOCX, _decision_file_name(decision, "docx")
    )


@login_required
@require_safe
def decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision as PDF."""
    decision = _found(lambda: selectors.decision_get(request.user, pk))
    return _attachment(documents.decision_pdf(decision), PDF, _decision_file_name(decision, "pdf"))


@login_required
@require_POST
def decision_signed_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the scan of the signed decision, once."""
    decision = _found(lambda: selectors.decision_get(request.user, pk))
    if not signed_copies.can_attach(request.user, decision):
        raise Http404
    form = SignedCopyForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        try:
            signed_copies.decision_signed_copy_attach(
                actor=request.user, decision=decision, upload=form.cleaned_data["file"]
            )
        except NotPermitted as error:
            raise Http404 from error
        except BusinessError as error:
            form.add_error("file" if error.code != "signed_exists" else None, error)
            status = 409 if isinstance(error, ConflictError) else 422
            decision.refresh_from_db()
        else:
            messages.success(request, _("The signed copy is stored."))
            return redirect("recognition:decision_detail", pk=decision.pk)
    context = _detail_context(request, decision, signed_form=form)
    return render_page(request, "recognition/decision_detail.html", context, status=status)


@login_required
@require_safe
def decision_signed(request: HttpRequest, pk: int) -> FileResponse:
    """Send the signed copy to a user who sees the decision."""
    decision = _found(lambda: selectors.decision_get(request.user, pk))
    if not decision.signed_file:
        raise Http404
    try:
        stored = decision.signed_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    content_type = signed_copies.signed_copy_content_type(decision)
    extension = decision.signed_file.name.rsplit(".", 1)[-1] if decision.signed_file.name else ""
    response = FileResponse(
        stored,
        content_type=content_type,
        as_attachment=True,
        filename=_decision_file_name(decision, f"ky.{extension}"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, max-age=0"
    return response


# -- the print batch ----------------------------------------------------------------------------


@login_required
@require_POST
def batch_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Build every certificate of a decision as one PDF in the background."""
    decision = _found(lambda: selectors.decision_get(request.user, pk))
    if not _may_issue(request.user, decision) or decision.kind != DecisionKind.RECOGNITION:
        raise Http404
    try:
        batch = batches.batch_request(actor=request.user, decision=decision)
    except NotPermitted as error:
        raise Http404 from error
    except BusinessError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("recognition:decision_detail", pk=decision.pk)
    return redirect("recognition:batch_status", pk=batch.pk)


@login_required
@require_safe
def batch_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of a print batch (polled every second while it runs), then its download."""
    batch = _found(lambda: selectors.batch_get(request.user, pk))
    context = {"batch": batch, "decision": batch.decision, "running": batch.status in BATCH_RUNNING}
    return render_page(request, "recognition/batch.html", context, partial="batch-status")


@login_required
@require_safe
def batch_download(request: HttpRequest, pk: int) -> FileResponse:
    """The batch's PDF, to users who see its decision."""
    batch: CertificateBatch = _found(lambda: selectors.batch_get(request.user, pk))
    if batch.status != BatchStatus.DONE or not batch.file:
        raise Http404
    try:
        stored = batch.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    decision = batch.decision
    response = FileResponse(
        stored,
        content_type=PDF,
        as_attachment=True,
        filename=batches.batch_filename(decision),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    return response


# -- certificates -------------------------------------------------------------------------------


def _may_revoke(user: Any, certificate: Certificate) -> bool:
    return not certificate.is_revoked and can_act_at(
        user, certificate.title, RECOGNISE, certificate.authority.path
    )


def _certificate_page(
    request: HttpRequest,
    certificate: Certificate,
    *,
    revoke_form: RevokeForm | None = None,
    refusals: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_revoke = _may_revoke(request.user, certificate)
    if revoke_form is None and can_revoke:
        number = services.next_decision_number(certificate.authority, timezone.localdate())
        revoke_form = RevokeForm(initial=RevokeForm.initial_for(number))
    context = {
        "certificate": certificate,
        "decision": certificate.decision,
        "decision_visible": Decision.objects.visible_to(request.user)
        .filter(pk=certificate.decision_id)
        .exists(),
        "qr_svg": documents.qr_svg(certificate),
        "verify_url": verification.verify_url(certificate),
        "can_revoke": can_revoke,
        "revoke_form": revoke_form,
        "refusals": refusals or [],
    }
    return render_page(request, "recognition/certificate_detail.html", context, status=status)


@login_required
@require_safe
def certificate_detail(request: HttpRequest, serial: str) -> HttpResponse:
    """A certificate: what it shows, its QR code, downloads, and the revocation form."""
    certificate = _found(lambda: selectors.certificate_get(request.user, serial))
    return _certificate_page(request, certificate)


@login_required
@require_safe
def certificate_pdf(request: HttpRequest, serial: str) -> HttpResponse:
    """The certificate as a one-page PDF."""
    certificate = _found(lambda: selectors.certificate_get(request.user, serial))
    return _attachment(
        documents.certificate_pdf(certificate), PDF, f"chung-nhan-{certificate.serial}.pdf"
    )


@login_required
@require_safe
def certificate_credential(request: HttpRequest, serial: str) -> HttpResponse:
    """The certificate as an Open Badges 3.0 credential (JSON) to carry elsewhere."""
    certificate = _found(lambda: selectors.certificate_get(request.user, serial))
    content = json.dumps(badges.credential_of(certificate), ensure_ascii=False, indent=2)
    return _attachment(
        content.encode(), "application/json", f"chung-nhan-{certificate.serial}.json"
    )


@login_required
@require_POST
def certificate_revoke(request: HttpRequest, serial: str) -> HttpResponse:
    """Revoke a certificate by a decision of the authority that issued it; a reason is due."""
    certificate = _found(lambda: selectors.certificate_get(request.user, serial))
    if not can_act_at(request.user, certificate.title, RECOGNISE, certificate.authority.path):
        raise Http404
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _certificate_page(request, certificate, revoke_form=form, status=422)
    defaults = selectors.decision_defaults(
        certificate.authority, certificate.title, certificate.year, timezone.localdate()
    )
    # A revocation cites the same bases and goes to the same people as the recognition.
    draft = dataclasses.replace(
        form.draft(), legal_bases=defaults["legal_bases"], recipients=defaults["recipients"]
    )
    try:
        decision = services.certificates_revoke(
            actor=request.user,
            authority=certificate.authority,
            certificate_ids=[certificate.pk],
            draft=draft,
        )
    except NotPermitted as error:
        raise Http404 from error
    except services.RecognitionRefused as error:
        certificate.refresh_from_db()
        return _certificate_page(
            request,
            certificate,
            revoke_form=form,
            refusals=list(error.refusals.values()),
            status=409,
        )
    except BusinessError as error:
        _field_error(form, error, REVOKE_ERROR_FIELDS)
        return _certificate_page(
            request,
            certificate,
            revoke_form=form,
            status=409 if isinstance(error, ConflictError) else 422,
        )
    messages.success(
        request,
        _("Certificate %(serial)s revoked by decision %(reference)s.")
        % {"serial": certificate.serial, "reference": decision.reference},
    )
    return redirect("recognition:certificate_detail", serial=certificate.serial)


# -- public pages -------------------------------------------------------------------------------


def _rate_limited(request: HttpRequest) -> HttpResponse | None:
    """The 429 page once the address used up its checks for the minute; None while it may go on."""
    if ratelimit.allow(request, "verify", settings.HOCTAP_VERIFY_RATE_PER_MINUTE):
        return None
    response = render(request, "recognition/public/rate_limited.html", status=429)
    response["Retry-After"] = str(ratelimit.WINDOW_SECONDS)
    return response


def _public(response: HttpResponse) -> HttpResponse:
    # A revocation must show at once: no cache may keep an answer.
    response["Cache-Control"] = "no-cache"
    return response


def _well_formed(serial: str) -> bool:
    return 0 < len(serial) <= 40 and all(char.isalnum() or char == "-" for char in serial)


@require_safe
def verify_form(request: HttpRequest) -> HttpResponse:
    """Type a certificate's serial to check it."""
    limited = _rate_limited(request)
    if limited is not None:
        return limited
    if "serial" in request.GET:
        form = VerifyForm(request.GET)
        if form.is_valid():
            return redirect("public:verify", serial=form.cleaned_data["serial"])
        status = 422
    else:
        form = VerifyForm()
        status = 200
    return _public(
        render(request, "recognition/public/verify_form.html", {"form": form}, status=status)
    )


@require_safe
def verify(request: HttpRequest, serial: str) -> HttpResponse:
    """Valid, revoked, unknown, or invalid (an altered QR code): only what the certificate shows."""
    limited = _rate_limited(request)
    if limited is not None:
        return limited
    token = request.GET.get("c", "")
    # A visitor's answer is kept until the register next changes (see verification): a QR
    # code scanned by a crowd costs one lookup, and a revocation still shows at once.
    key = None
    if not request.user.is_authenticated:
        key = verification.answer_key(serial, token, get_language() or "")
        kept = cache.get(key)
        if kept is not None:
            content, kept_status = kept
            return _public(HttpResponse(content, status=kept_status))
    if not _well_formed(serial.strip()):
        result = verification.Verification(verification.UNKNOWN, serial[:40])
    elif len(token) > TOKEN_MAX_LENGTH:
        result = verification.Verification(verification.INVALID, serial, None, "malformed")
    else:
        result = verification.verify(serial, token)
    facts = result.public_facts()
    status = 404 if result.status == verification.UNKNOWN else 200
    context = {"facts": facts, "status": result.status, "form": VerifyForm()}
    response = render(request, "recognition/public/verify.html", context, status=status)
    if key is not None and not response.cookies:
        cache.set(key, (response.content, status), verification.ANSWER_SECONDS)
    return _public(response)


@require_safe
def verify_key(request: HttpRequest) -> HttpResponse:
    """The public key that checks every certificate's signature, and how to check offline."""
    limited = _rate_limited(request)
    if limited is not None:
        return limited
    context = {
        "pem": signing.public_key_pem(),
        "key_id": signing.key_id(),
        "did": badges.did_key(),
    }
    return _public(render(request, "recognition/public/verify_key.html", context))


@require_safe
def verify_key_jwk(request: HttpRequest) -> HttpResponse:
    """The public key as a JSON Web Key."""
    limited = _rate_limited(request)
    if limited is not None:
        return limited
    return _public(JsonResponse(signing.public_key_jwk()))


def _public_list(request: HttpRequest, commune_key: str, year: int) -> tuple[AdminUnit, list[Any]]:
    if not 2000 <= year <= 2100:
        raise Http404
    commune = _found(lambda: selectors.public_commune_get(commune_key))
    return commune, selectors.public_recognised(commune, year)


@require_safe
def recognised_list(request: HttpRequest, commune_key: str, year: int) -> HttpResponse:
    """A commune's recognised subjects of a year, per title: name and hamlet only."""
    limited = _rate_limited(request)
    if limited is not None:
        return limited
    commune, groups = _public_list(request, commune_key, year)
    context = {
        "commune": commune,
        "year": year,
        "groups": groups,
        "total": sum(len(group.rows) for group in groups),
    }
    return _public(render(request, "recognition/public/recognised_list.html", context))


@require_safe
def recognised_xlsx(request: HttpRequest, commune_key: str, year: int) -> HttpResponse:
    """The same list as .xlsx."""
    limited = _rate_limited(request)
    if limited is not None:
        return limited
    commune, groups = _public_list(request, commune_key, year)
    content = _recognised_workbook(commune, year, groups)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"danh-sach-cong-nhan-{commune.key}-{year}.xlsx"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return _public(response)


def _recognised_workbook(commune: AdminUnit, year: int, groups: list[Any]) -> bytes:
    """One sheet: a heading, then number, title, name and hamlet per row."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Recognised")[:31])
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheet.write_string(
        0,
        0,
        _("Recognised in %(commune)s, %(year)d") % {"commune": commune.name, "year": year},
        bold,
    )
    headings = [_("No."), _("Title"), _("Name"), _("Hamlet")]
    for column, label in enumerate(headings):
        sheet.write_string(2, column, label, header)
    row_index = 3
    for group in groups:
        for number, row in enumerate(group.rows, start=1):
            # write_string never turns text into a formula, so "=…" stays text.
            sheet.write_number(row_index, 0, number)
            sheet.write_string(row_index, 1, group.title_name)
            sheet.write_string(row_index, 2, row["holder_name"])
            sheet.write_string(row_index, 3, row["hamlet_name"])
            row_index += 1
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 2, 36)
    sheet.set_column(3, 3, 24)
    sheet.freeze_panes(3, 0)
    workbook.close()
    return buffer.getvalue()
