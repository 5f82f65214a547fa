"""Learning materials: the public catalogue (search, filters, detail, download) and the editors'
pages (write, publish now or later, withdraw).

The public pages show only what `selectors.material_list` / `material_get` return (published,
time come); anything else is a 404, drafts included. Editors reach a material only through
`selectors.editor_material_get`, so a material of a unit they do not write for is a 404 as
well; every write goes through `services`, whose refusals are shown next to the field they
concern and change nothing.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hoctap.adminunits.models import AdminUnit
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.portal import selectors, services
from hoctap.portal.caching import public_page
from hoctap.portal.forms_materials import (
    MaterialFilterForm,
    MaterialForm,
    PublishForm,
    RevisionForm,
)
from hoctap.portal.models import Licence, Material, Status
from hoctap.portal.permissions import can_edit_for, editor_units
from hoctap.registry.models import LearningCentre

T = TypeVar("T")
PAGE_SIZE = 20
# The edit page holds three forms: their fields' ids must not collide.
PUBLISH_ID = "publish_%s"
# The Creative Commons deeds (the human-readable summary of each licence); the language is
# appended, since creativecommons.org has them in Vietnamese.
CC_DEEDS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}
# What a stored file is called on the page, and the extension its download must carry.
FILE_LABELS = {kind.content_type: kind.name.upper() for kind in services.MATERIAL_KINDS}
FILE_EXTENSIONS = {kind.content_type: kind.extension for kind in services.MATERIAL_KINDS}
# Refusals of the upload itself (`hoctap.assessments.evidence`): shown next to the file field.
FILE_ERROR_CODES = frozenset(
    {"type", "too_large", "empty", "old_office", "unreadable", "too_many_pixels", "heic"}
)


def _found(fetch: Callable[[], T]) -> T:
    """Fetch through a selector: missing, unpublished and out of scope all answer 404."""
    try:
        return fetch()
    except ObjectDoesNotExist as error:
        raise Http404 from error


def licence_url(licence: str) -> str:
    """The Creative Commons deed of the licence in the page's language ("" for others)."""
    deed = CC_DEEDS.get(Licence(licence)) if licence in Licence.values else None
    if deed is None:
        return ""
    language = "vi" if (get_language() or "vi").startswith("vi") else "en"
    return f"{deed}deed.{language}"


def link_domain(url: str) -> str:
    """The host a link leads to, shown so visitors know where they go."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def download_name(material: Material) -> str:
    """The editor's file name, with the extension of the stored type (a PNG named .pdf is a
    .png: the name never makes a browser open the file as something else)."""
    name = material.file_name or "hoc-lieu"
    extension = FILE_EXTENSIONS.get(material.file_type, "")
    stem, current = os.path.splitext(name)
    same = {extension, ".jpeg"} if extension == ".jpg" else {extension}
    if not extension or current.lower() in same:
        return name
    return f"{stem or 'hoc-lieu'}{extension}"


@dataclasses.dataclass(frozen=True)
class Shown:
    """A material with what its page shows beside the stored fields."""

    material: Material
    licence_url: str
    domain: str
    file_label: str


def _shown(material: Material) -> Shown:
    return Shown(
        material=material,
        licence_url=licence_url(material.licence),
        domain=link_domain(material.url) if material.url else "",
        file_label=FILE_LABELS.get(material.file_type, "") if material.file else "",
    )


# -- the public catalogue -----------------------------------------------------------------------


@public_page
@require_safe
def material_list(request: HttpRequest) -> HttpResponse:
    """Published materials, searched and filtered by a GET form, 20 a page."""
    form = MaterialFilterForm(request.GET)
    filters = form.filters()
    unit = _found(lambda: selectors.public_unit_get(filters["unit"]))
    materials = selectors.material_list(
        unit=unit,
        query=filters["q"],
        topic=filters["topic"],
        audience=filters["audience"],
        format=filters["format"],
    )
    page = Paginator(materials, PAGE_SIZE).get_page(request.GET.get("page"))
    chosen = {name: value for name, value in filters.items() if value}
    without_unit = {name: value for name, value in chosen.items() if name != "unit"}
    title = _("Learning materials")
    description = _(
        "Free learning materials: documents, slides, videos and web pages for farmers, "
        "workers, officials and pupils, with their licence."
    )
    if unit is not None:
        title = f"{title} · {unit.name}"
        description = _(
            "Free learning materials of %(unit)s: documents, slides, videos and web pages for "
            "farmers, workers, officials and pupils, with their licence."
        ) % {"unit": unit.name}
    if page.number > 1:
        title = f"{title} · " + _("page %(number)s") % {"number": page.number}
    # Searches and filters are not pages of their own for search engines: the canonical
    # address keeps the unit and the page only.
    canonical = {"unit": unit.key} if unit is not None else {}
    if page.number > 1:
        canonical["page"] = str(page.number)
    context = {
        "page_title": title,
        "canonical_query": urlencode(canonical),
        "page_description": description,
        "form": form,
        "unit": unit,
        "page": page,
        "items": [_shown(material) for material in page],
        "filtered": bool(without_unit),
        "query": urlencode(chosen),
        "query_without_unit": urlencode(without_unit),
    }
    return render(request, "portal/material_list.html", context)


@public_page
@require_safe
def material_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A published material: what it is, its licence, where to get it and who teaches it."""
    material = _found(lambda: selectors.material_get(pk))
    centre = (
        LearningCentre.objects.select_related("commune").filter(pk=material.centre_id).first()
        if material.centre_id
        else None
    )
    summary = material.description or _(
        "A free learning material: %(topic)s, for %(audience)s."
    ) % {
        "topic": material.get_topic_display(),
        "audience": material.get_audience_display().lower(),
    }
    context = {
        "page_title": material.title,
        "page_description": Truncator(summary).chars(200),
        "og_type": "article",
        "material": material,
        "shown": _shown(material),
        "centre": centre,
    }
    return render(request, "portal/material_detail.html", context)


@require_safe
def material_file(request: HttpRequest, pk: int) -> FileResponse:
    """The file of a published material, as an attachment; each GET counts one download.

    Not cached like the pages: every download must reach the counter."""
    material = _found(lambda: selectors.material_get(pk))
    if not material.file:
        raise Http404
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    if request.method == "GET":
        # One UPDATE adding one: simultaneous downloads cannot overwrite each other's count.
        # A counter, not a change of the material: no revision, no audit event.
        Material.objects.filter(pk=material.pk).update(downloads=F("downloads") + 1)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(material),
        content_type=material.file_type or "application/octet-stream",
    )


# -- editors ----------------------------------------------------------------------------------


def _centres(unit: AdminUnit | None) -> QuerySet[LearningCentre]:
    """The learning centres a material of the unit may name: those inside it."""
    centres = LearningCentre.objects.select_related("commune").order_by("name", "pk")
    return centres.filter(unit_path__startswith=unit.path) if unit is not None else centres


def _show_error(form: Any, error: BusinessError, fallback: str | None = None) -> None:
    """Put a refusal next to the field it concerns, or above the form."""
    if isinstance(error, ConflictError):
        form.add_error(None, error.messages)
        return
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
        return
    if error.code == "scope":
        # The page offers only the user's own units: this is a tampered or raced request.
        raise Http404 from error
    target = "file" if error.code in FILE_ERROR_CODES else fallback
    form.add_error(target if target in form.fields else None, error.messages)


def _material_form(
    request: HttpRequest, unit: AdminUnit | None, material: Material | None = None
) -> MaterialForm:
    initial: dict[str, Any] = {}
    if material is not None:
        names = ("title", "description", "topic", "audience", "format", "url", "licence")
        initial = {name: getattr(material, name) for name in names}
        initial.update(
            author=material.author, centre=material.centre_id, revision=material.revision
        )
    if request.method == "POST":
        return MaterialForm(request.POST, request.FILES, centres=_centres(unit), initial=initial)
    return MaterialForm(centres=_centres(unit), initial=initial)


def _save(
    request: HttpRequest, form: MaterialForm, unit: AdminUnit | None, material: Material | None
) -> Material | None:
    """Save through the service; None (with the errors on the form) when refused."""
    if not form.is_valid():
        return None
    try:
        return services.material_save(
            request.user,
            material=material,
            unit=unit,
            revision=form.cleaned_data["revision"] if material is not None else None,
            values=form.values(),
            file=form.cleaned_data["file"],
        )
    except BusinessError as error:
        _show_error(form, error)
        return None


def _new_unit(user: Any, key: str) -> AdminUnit | None:
    """The unit a new material is written for: one of the user's, named by `?unit=`; for a
    system administrator any province or commune, or the country when none is named."""
    units = editor_units(user)
    if units == [None]:
        return _found(lambda: selectors.public_unit_get(key))
    for unit in units:
        if unit is not None and (unit.key == key or (not key and len(units) == 1)):
            return unit
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def material_new(request: HttpRequest) -> HttpResponse:
    """Write a new material (a draft) for one of the editor's units."""
    units = editor_units(request.user)
    if not units:
        raise Http404
    key = (request.GET.get("unit") or "").strip()
    if not key and len(units) > 1 and None not in units:
        choices = sorted((unit for unit in units if unit is not None), key=lambda u: u.path)
        return render(request, "portal/material_form.html", {"choose_units": choices})
    unit = _new_unit(request.user, key)
    if not can_edit_for(request.user, unit):
        raise Http404
    form = _material_form(request, unit)
    if request.method == "POST":
        saved = _save(request, form, unit, None)
        if saved is not None:
            messages.success(request, _("Saved as a draft. Publish it when it is ready."))
            return redirect("portal:material_edit", pk=saved.pk)
    context = {"form": form, "unit": unit, "action": request.get_full_path()}
    return render(
        request,
        "portal/material_form.html",
        context,
        status=422 if request.method == "POST" else 200,
    )


def _edit_page(
    request: HttpRequest,
    material: Material,
    *,
    form: MaterialForm | None = None,
    publish_form: PublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    published = material.status == Status.PUBLISHED and material.publish_at is not None
    context = {
        "material": material,
        "unit": material.unit,
        "form": form or _material_form(request, material.unit, material),
        "publish_form": publish_form
        or PublishForm(initial={"revision": material.revision}, auto_id=PUBLISH_ID),
        "withdraw_form": RevisionForm(
            initial={"revision": material.revision}, auto_id="withdraw_%s"
        ),
        "is_public": published and material.publish_at is not None and material.publish_at <= now,
        "is_scheduled": published and material.publish_at is not None and material.publish_at > now,
        "shown": _shown(material),
        "action": reverse("portal:material_edit", args=[material.pk]),
    }
    return render(request, "portal/material_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def material_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a material of the editor's unit; a form older than the last change is refused."""
    material = _found(lambda: selectors.editor_material_get(request.user, pk))
    if request.method != "POST":
        return _edit_page(request, material)
    form = _material_form(request, material.unit, material)
    saved = _save(request, form, material.unit, material)
    if saved is None:
        return _edit_page(request, material, form=form, status=422)
    messages.success(request, _("Saved."))
    return redirect("portal:material_edit", pk=saved.pk)


@login_required
@require_POST
def material_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish now, or from the time given (scheduled)."""
    material = _found(lambda: selectors.editor_material_get(request.user, pk))
    form = PublishForm(request.POST, auto_id=PUBLISH_ID)
    if form.is_valid():
        try:
            published = services.publish(
                request.user,
                material,
                revision=form.cleaned_data["revision"],
                at=form.cleaned_data["at"],
            )
        except BusinessError as error:
            _show_error(form, error, fallback="at" if error.code == "publish_at" else None)
        else:
            assert published.publish_at is not None
            if published.publish_at > timezone.now():
                when = formats.localize(timezone.localtime(published.publish_at))
                messages.success(request, _("Scheduled: public from %(when)s.") % {"when": when})
            else:
                messages.success(request, _("Published."))
            return redirect("portal:material_edit", pk=material.pk)
    return _edit_page(request, material, publish_form=form, status=422)


@login_required
@require_POST
def material_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to draft: the material leaves the public catalogue."""
    material = _found(lambda: selectors.editor_material_get(request.user, pk))
    form = RevisionForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw(request.user, material, revision=form.cleaned_data["revision"])
        except BusinessError as error:
            if error.code == "scope":
                raise Http404 from error
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Withdrawn: it is a draft again."))
    return redirect("portal:material_edit", pk=material.pk)
