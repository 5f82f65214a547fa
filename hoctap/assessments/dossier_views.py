"""Downloads of an assessment's dossier: the self-assessment report and the summary table.

Scoped like every page: an assessment outside the user's scope is 404, like a missing one, and
every download is logged, since the documents carry names of people and households.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from hoctap.assessments import dossier, selectors
from hoctap.assessments.models import Assessment

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(
    request: HttpRequest,
    pk: int,
    document: str,
    build: Callable[[Assessment], bytes],
    content_type: str,
) -> HttpResponse:
    try:
        assessment = selectors.assessment_get(request.user, pk)
    except Assessment.DoesNotExist as error:
        raise Http404 from error
    content = build(assessment)
    dossier.dossier_download_record(actor=request.user, assessment=assessment, document=document)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=dossier.dossier_filename(assessment, document)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    return response


@require_safe
@login_required
def dossier_report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The self-assessment report (.docx)."""
    return _download(request, pk, "report.docx", dossier.self_assessment_report_docx, DOCX)


@require_safe
@login_required
def dossier_summary_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary table of criteria and indicators (.docx)."""
    return _download(request, pk, "summary.docx", dossier.summary_table_docx, DOCX)


@require_safe
@login_required
def dossier_summary_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary table of criteria and indicators (.xlsx)."""
    return _download(request, pk, "summary.xlsx", dossier.summary_table_xlsx, XLSX)
