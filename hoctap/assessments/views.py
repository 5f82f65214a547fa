"""Pages of the assessments app.

Evidence is served only from here: the row must belong to an assessment the user may see
(otherwise 404, like a missing one), and the response forbids the browser from guessing
another type or running anything in it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from hoctap.assessments.evidence import download_name
from hoctap.assessments.models import Assessment, Evidence


@require_safe
@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send one evidence file to a user whose scope covers its assessment."""
    evidence = (
        Evidence.objects.filter(assessment__in=Assessment.objects.visible_to(request.user))
        .filter(pk=pk)
        .first()
    )
    if evidence is None:
        raise Http404
    try:
        stored = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    # Cleaned photos may show in the page; documents are always downloaded, never rendered.
    is_photo = evidence.content_type.startswith("image/")
    response = FileResponse(
        stored,
        content_type=evidence.content_type,
        as_attachment=not is_photo,
        filename=download_name(evidence),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    # Scoped content: a browser may keep it, a shared proxy may not.
    response["Cache-Control"] = "private, max-age=0"
    return response
