"""The editors' pages: the dashboard of what they write, the article form, publishing and
withdrawing.

An editor (`Role.PORTAL_EDITOR`) writes for exactly the units of their assignments, a system
administrator for the country and any province or commune (`permissions.editor_units`).
Anything else — another unit's article, a unit picked by key that is not theirs — answers 404,
as a missing page would. Every write goes through `services` with the revision the page was
built from: a refused write changes nothing and the page shows why, next to the field where
there is one, with what the editor typed still in the form.

The dashboard is also where collectors and officials find the registrations of interest of
their area (`views_interest`); a user with no portal work at all gets 404.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hoctap.accounts.scope import scope_paths
from hoctap.adminunits.models import AdminUnit
from hoctap.core.exceptions import BusinessError, ConflictError
from hoctap.core.models import AuditEvent
from hoctap.portal import selectors, services
from hoctap.portal.forms_editor import ArticleForm, PublishForm, RevisionForm
from hoctap.portal.models import Article, ArticleKind, Publishable, Status
from hoctap.portal.permissions import INTEREST_ROLES, editor_units
from hoctap.portal.sanitising import clean_html

# The dashboard lists the most recently changed items; older ones are found on the public pages.
LIST_LIMIT = 100
# Refusals of an upload that can only concern a photo (see `evidence._reencode_photo`).
PHOTO_ERROR_CODES = frozenset({"unreadable", "too_many_pixels", "heic"})
DATETIME_SHOWN = "d/m/Y H:i"


# -- helpers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Where an article or material stands, as a word (never a colour alone)."""

    code: str  # draft | scheduled | published
    word: str
    at: datetime.datetime | None

    @property
    def at_text(self) -> str:
        if self.at is None:
            return ""
        return formats.date_format(timezone.localtime(self.at), DATETIME_SHOWN)


def standing(item: Publishable, now: datetime.datetime) -> Standing:
    """Draft, scheduled (published with its time still to come) or published."""
    if item.status != Status.PUBLISHED or item.publish_at is None:
        return Standing("draft", _("Draft"), None)
    if item.publish_at > now:
        return Standing("scheduled", _("Scheduled"), item.publish_at)
    return Standing("published", _("Published"), item.publish_at)


def _unit_name(unit: AdminUnit | None) -> str:
    return unit.name if unit is not None else _("Whole country")


def _with_unit(url: str, unit: AdminUnit | None) -> str:
    return f"{url}?{urlencode({'unit': unit.key})}" if unit is not None else url


def _writable_unit(user: Any, key: str | None) -> AdminUnit | None:
    """The unit an editor asked to write for (by key; none given: their only unit), or 404.

    A system administrator writes for the country (no key) or any province or commune."""
    units = editor_units(user)
    if not units:
        raise Http404
    key = (key or "").strip()
    if not key:
        if len(units) == 1:
            return units[0]
        raise Http404
    if units == [None]:
        try:
            return selectors.public_unit_get(key)
        except AdminUnit.DoesNotExist as error:
            raise Http404 from error
    for unit in units:
        if unit is not None and unit.key == key:
            return unit
    raise Http404


def _article_of_editor(request: HttpRequest, pk: int) -> Article:
    try:
        return selectors.editor_article_get(request.user, pk)
    except ObjectDoesNotExist as error:
        raise Http404 from error


def _edit_url(article: Article) -> str:
    return reverse("portal:article_edit", args=[article.pk])


def _is_repeat(
    user: Any,
    article: Article,
    revision: int,
    action: str,
    at: datetime.datetime | None = None,
) -> bool:
    """True when the revision is stale only because this user's same request went through
    just before (a double click, a resent form): the last write was theirs, that action, and
    the article is as the request wanted it."""
    current = Article.objects.filter(pk=article.pk).first()
    if current is None or current.revision != revision + 1:
        return False
    if action == "portal.publish":
        wanted = current.status == Status.PUBLISHED and (at is None or current.publish_at == at)
    else:
        wanted = current.status == Status.DRAFT
    last = (
        AuditEvent.objects.filter(object_type=Article._meta.label_lower, object_id=str(article.pk))
        .order_by("-occurred_at", "-pk")
        .values_list("action", "actor_id")
        .first()
    )
    return wanted and last == (action, user.pk)


def _upload_field(code: str | None, form: ArticleForm) -> str | None:
    """The upload a service refusal without a field concerns, when it can be told."""
    image = form.cleaned_data.get("image")
    attachment = form.cleaned_data.get("attachment")
    if code in PHOTO_ERROR_CODES or (image is not None and attachment is None):
        return "image" if image is not None else None
    if attachment is not None and image is None:
        return "attachment"
    return None


def _show_refusal(form: ArticleForm, error: BusinessError) -> None:
    """The service's messages next to their fields (on top when they concern no field)."""
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
        return
    form.add_error(_upload_field(getattr(error, "code", None), form), error.messages)


# -- the dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitEntry:
    """A unit the editor writes for, with the links to write for it."""

    unit: AdminUnit | None
    name: str
    new_article_url: str
    new_material_url: str
    public_url: str


@dataclass(frozen=True)
class Line:
    """One article or material in the dashboard's lists."""

    item: Publishable
    kind: str
    unit_name: str
    standing: Standing
    edit_url: str


def _entry(unit: AdminUnit | None) -> UnitEntry:
    return UnitEntry(
        unit=unit,
        name=_unit_name(unit),
        new_article_url=_with_unit(reverse("portal:article_new"), unit),
        new_material_url=_with_unit(reverse("portal:material_new"), unit),
        public_url=(
            reverse("portal:unit", args=[unit.key]) if unit is not None else reverse("portal:home")
        ),
    )


def _lines(items: QuerySet[Any], url_name: str, now: datetime.datetime) -> list[Line]:
    lines = []
    for item in items.order_by("-updated_at", "-pk")[:LIST_LIMIT]:
        kind = item.get_kind_display() if isinstance(item, Article) else item.get_format_display()
        lines.append(
            Line(
                item=item,
                kind=str(kind),
                unit_name=_unit_name(item.unit),
                standing=standing(item, now),
                edit_url=reverse(f"portal:{url_name}", args=[item.pk]),
            )
        )
    return lines


@require_safe
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """What the user does on the portal: their units' articles and materials (editors), the
    registrations of interest of their area (collectors and officials)."""
    user = request.user
    units = editor_units(user)
    interest_paths = scope_paths(user, INTEREST_ROLES)
    handles_interests = interest_paths is None or bool(interest_paths)
    if not units and not handles_interests:
        raise Http404
    is_admin = units == [None]
    key = request.GET.get("unit", "").strip()
    picked: AdminUnit | None = None
    picker_error = ""
    if key:
        if is_admin:
            try:
                picked = selectors.public_unit_get(key)
            except AdminUnit.DoesNotExist:
                picker_error = _("No province or commune with this code.")
        else:
            picked = next((u for u in units if u is not None and u.key == key), None)
            if picked is None:
                raise Http404
    shown: list[AdminUnit | None]
    if is_admin:
        shown = [None, picked] if picked is not None else [None]
    else:
        shown = [picked] if picked is not None else list(units)
    articles = selectors.editor_articles(user)
    materials = selectors.editor_materials(user)
    if is_admin or picked is not None:
        paths = [unit.path if unit is not None else "" for unit in shown]
        articles = articles.filter(unit_path__in=paths)
        materials = materials.filter(unit_path__in=paths)
    now = timezone.now()
    context = {
        "units": [_entry(unit) for unit in shown],
        "is_admin": is_admin,
        "is_editor": bool(units),
        "picked": picked,
        "picker_key": key,
        "picker_error": picker_error,
        "articles": _lines(articles, "article_edit", now) if units else [],
        "materials": _lines(materials, "material_edit", now) if units else [],
        "list_limit": LIST_LIMIT,
        "handles_interests": handles_interests,
        "new_interests": selectors.interest_list(user).count() if handles_interests else 0,
    }
    return render(request, "portal/manage.html", context)


# -- the article form ---------------------------------------------------------------------------


def _initial(article: Article) -> dict[str, Any]:
    fields = (
        "kind",
        "title",
        "summary",
        "body",
        "image_alt",
        "document_number",
        "issued_on",
        "issuer",
        "starts_on",
        "ends_on",
        "place",
        "revision",
    )
    return {name: getattr(article, name) for name in fields}


def _groups() -> list[tuple[str, str, tuple[str, ...]]]:
    """The form's fieldsets: (legend, note, field names); all shown, no script needed."""
    return [
        (_("The page"), "", ("kind", "title", "summary", "body")),
        (_("Image and attached file"), "", ("image", "image_alt", "attachment")),
        (
            _("Legal document"),
            _("Only for a legal document."),
            ("document_number", "issued_on", "issuer"),
        ),
        (_("Event"), _("Only for an event."), ("starts_on", "ends_on", "place")),
    ]


def _form_page(
    request: HttpRequest,
    *,
    form: ArticleForm,
    unit: AdminUnit | None,
    article: Article | None = None,
    publish_form: PublishForm | None = None,
    withdraw_form: RevisionForm | None = None,
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The new-article page, or the edit page with its preview and publishing forms."""
    if form.is_bound:
        body = str(form.data.get("body") or "")
    else:
        body = str(form.initial.get("body") or "")
    revision = article.revision if article is not None else 0
    form.mark_invalid()
    context = {
        "form": form,
        "groups": [
            (legend, note, [form[name] for name in names]) for legend, note, names in _groups()
        ],
        "article": article,
        "unit_name": _unit_name(unit),
        "unit": unit,
        "preview": clean_html(body),
        "conflict": conflict,
        # Browsers never send a file twice: after a refusal the editor chooses it again.
        "files_lost": form.is_bound and bool(request.FILES),
        "standing": standing(article, timezone.now()) if article is not None else None,
        "publish_later_form": publish_form
        or PublishForm(initial={"when": PublishForm.LATER, "revision": revision}),
        "withdraw_form": withdraw_form or RevisionForm(initial={"revision": revision}),
        "action_url": (
            _edit_url(article)
            if article is not None
            else _with_unit(reverse("portal:article_new"), unit)
        ),
    }
    return render(request, "portal/article_form.html", context, status=status)


def _save(
    request: HttpRequest, form: ArticleForm, *, article: Article | None, unit: AdminUnit | None
) -> tuple[Article | None, int, bool]:
    """Save through the service: (the article, 200, False), or (None, status, conflict)."""
    if not form.is_valid():
        return None, 422, False
    data = form.cleaned_data
    try:
        saved = services.article_save(
            request.user,
            article=article,
            unit=unit,
            revision=data.get("revision") if article is not None else None,
            values=form.values(),
            image=data.get("image"),
            attachment=data.get("attachment"),
        )
    except ConflictError as error:
        form.add_error(None, error.messages)
        return None, 409, True
    except BusinessError as error:
        if getattr(error, "code", None) == "scope":
            raise Http404 from error
        _show_refusal(form, error)
        return None, 422, False
    return saved, 200, False


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    """A new article (a draft) for the unit of `?unit=<key>`; an editor of several units
    without a key is asked which."""
    units = editor_units(request.user)
    key = request.GET.get("unit", "").strip()
    if not key and len(units) > 1 and request.method != "POST":
        choices = sorted((unit for unit in units if unit is not None), key=lambda u: u.path)
        return render(request, "portal/article_form.html", {"choose_units": choices})
    unit = _writable_unit(request.user, key)
    if request.method != "POST":
        kind = request.GET.get("kind", "")
        form = ArticleForm(initial={"kind": kind if kind in ArticleKind.values else "news"})
        return _form_page(request, form=form, unit=unit)
    form = ArticleForm(request.POST, request.FILES)
    saved, status, conflict = _save(request, form, article=None, unit=unit)
    if saved is not None:
        messages.success(request, _("Saved as a draft. Publish it when it is ready."))
        return redirect(_edit_url(saved))
    return _form_page(request, form=form, unit=unit, conflict=conflict, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an article; a published one changes on the public page at once."""
    article = _article_of_editor(request, pk)
    if request.method != "POST":
        form = ArticleForm(initial=_initial(article), editing=True)
        return _form_page(request, form=form, unit=article.unit, article=article)
    form = ArticleForm(request.POST, request.FILES, editing=True)
    saved, status, conflict = _save(request, form, article=article, unit=article.unit)
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(_edit_url(saved))
    return _form_page(
        request, form=form, unit=article.unit, article=article, conflict=conflict, status=status
    )


# -- publishing ---------------------------------------------------------------------------------


def _unbound_form(article: Article) -> ArticleForm:
    return ArticleForm(initial=_initial(article), editing=True)


@require_POST
@login_required
def article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish now, or schedule for a time; publishing again moves the time."""
    article = _article_of_editor(request, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _form_page(
            request,
            form=_unbound_form(article),
            unit=article.unit,
            article=article,
            publish_form=form,
            status=422,
        )
    revision = form.cleaned_data["revision"]
    at = form.cleaned_data["publish_at"]
    try:
        published = services.publish(request.user, article, revision=revision, at=at)
    except ConflictError as error:
        return _after_conflict(request, article, revision, "portal.publish", error, at)
    except BusinessError as error:
        code = getattr(error, "code", None)
        if code == "scope":
            raise Http404 from error
        form.add_error("publish_at" if code == "publish_at" else None, error.messages)
        return _form_page(
            request,
            form=_unbound_form(article),
            unit=article.unit,
            article=article,
            publish_form=form,
            status=422,
        )
    when = standing(published, timezone.now())
    if when.code == "scheduled":
        messages.success(
            request, _("The page will be published at %(time)s.") % {"time": when.at_text}
        )
    else:
        messages.success(request, _("The page is published."))
    return redirect(_edit_url(article))


def _after_conflict(
    request: HttpRequest,
    article: Article,
    revision: int,
    action: str,
    error: ConflictError,
    at: datetime.datetime | None = None,
) -> HttpResponse:
    """A stale publish or withdraw: harmless when it repeats the user's own request that just
    went through; otherwise the page is shown again as it now is, with the service's message."""
    if _is_repeat(request.user, article, revision, action, at):
        messages.info(request, _("Done already: your first click went through."))
    else:
        messages.error(request, " ".join(error.messages))
    return redirect(_edit_url(article))


@require_POST
@login_required
def article_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to draft: the page is no longer public (a scheduled one will not appear)."""
    article = _article_of_editor(request, pk)
    form = RevisionForm(request.POST)
    if form.is_valid():
        revision = form.cleaned_data["revision"]
        try:
            services.withdraw(request.user, article, revision=revision)
        except ConflictError as error:
            return _after_conflict(request, article, revision, "portal.withdraw", error)
        except BusinessError as error:
            if getattr(error, "code", None) == "scope":
                raise Http404 from error
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The page is withdrawn: it is a draft again."))
            return redirect(_edit_url(article))
    return _form_page(
        request,
        form=_unbound_form(article),
        unit=article.unit,
        article=article,
        withdraw_form=form,
        status=422,
    )
