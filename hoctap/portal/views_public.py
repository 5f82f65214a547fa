"""The portal's public pages: home, a province's or commune's page, articles, events, the
criteria sets, and robots.txt. No sign-in; anonymous visitors are served from the cache for a
minute (`caching.public_page`), so a page reads what the public sees and nothing about the
visitor.

Only published content whose time has come is shown (`selectors`); a draft, a scheduled or a
withdrawn article answers 404, its image and attachment too. Figures are the dashboards'
counts for the country, a province or a commune, never a hamlet's, and no page names a
registered person or household (the public lists of recognised subjects are linked, not
copied).
"""

from __future__ import annotations

import datetime
import mimetypes
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from hoctap.adminunits.models import AdminUnit, Level
from hoctap.assessments.models import TITLE_SUBJECTS, Title
from hoctap.criteria import engine, loader
from hoctap.criteria import selectors as criteria_selectors
from hoctap.portal import selectors
from hoctap.portal.caching import public_page
from hoctap.portal.models import Article, ArticleKind
from hoctap.registry.models import CentreActivity, LearningCentre
from hoctap.targets.indicators import BASELINE_YEAR

PAGE_SIZE = 20
HOME_ITEMS = 4
UNIT_ARTICLES = 10
UNIT_MATERIALS = 6
# Years of a commune's public lists of recognised subjects linked from its page.
RECOGNISED_YEARS = 5
CENTRE_ACTIVITY_YEARS = 5
# Files are served for a minute like the pages: a withdrawn article's image goes with it.
FILE_MAX_AGE = 60

KIND_HEADINGS = {
    ArticleKind.NEWS: gettext_lazy("News"),
    ArticleKind.GUIDANCE: gettext_lazy("Guidance"),
    ArticleKind.LEGAL: gettext_lazy("Legal documents"),
    ArticleKind.EVENT: gettext_lazy("Events"),
}
SUBJECT_KINDS = {
    "person": gettext_lazy("Citizens"),
    "household": gettext_lazy("Households"),
    "clan": gettext_lazy("Clans"),
    "hamlet": gettext_lazy("Hamlets and residential groups"),
    "commune": gettext_lazy("Communes and wards"),
    "organisation": gettext_lazy("Agencies, units and enterprises"),
}


def _not_found(error: Exception) -> Http404:
    return Http404(str(error))


def _unit_or_404(key: str) -> AdminUnit | None:
    """A province or commune by key ("" for the country); a hamlet or unknown key is 404."""
    try:
        return selectors.public_unit_get(key)
    except AdminUnit.DoesNotExist as error:
        raise _not_found(error) from error


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _upcoming(unit: AdminUnit | None, today: datetime.date) -> list[Article]:
    # Soonest first: an event next week matters more than one published last.
    events = selectors.events_upcoming(unit=unit, today=today)
    return list(events.order_by("starts_on", "pk")[:HOME_ITEMS])


# -- home and unit pages --------------------------------------------------------------------------


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    """The country's latest news and guidance, events, materials, figures and provinces."""
    today = timezone.localdate()
    figures = selectors.open_figures(None, today.year)
    context = {
        "news": list(selectors.article_list(kind=ArticleKind.NEWS)[:HOME_ITEMS]),
        "guidance": list(selectors.article_list(kind=ArticleKind.GUIDANCE)[:HOME_ITEMS]),
        "events": _upcoming(None, today),
        "materials": list(selectors.material_list()[:HOME_ITEMS]),
        "titles": figures.summary.titles,
        "year": today.year,
        "provinces": [row.unit for row in figures.children if row.unit is not None],
        "page_title": _("Lifelong learning portal"),
        "page_description": _(
            "News, guidance, legal documents and events of lifelong learning in Viet Nam, open "
            "learning materials, the learning titles' figures, certificate checks and "
            "registering to take part."
        ),
    }
    return render(request, "portal/home.html", context)


@dataclass(frozen=True)
class RecognisedLink:
    year: int
    url: str


@require_safe
@public_page
def unit_page(request: HttpRequest, key: str) -> HttpResponse:
    """A province's or commune's page: its content and that of the units below, its figures,
    its learning centre (a commune) or its communes (a province)."""
    unit = _unit_or_404(key)
    assert unit is not None  # the URL's key is never empty
    # The province above a commune (a district of before 2025 has no page).
    parent = unit.parent if unit.level == Level.COMMUNE else None
    if parent is not None and parent.level != Level.PROVINCE:
        parent = None
    today = timezone.localdate()
    figures = selectors.open_figures(unit, today.year)
    materials = selectors.material_list(unit=unit)
    context: dict[str, Any] = {
        "unit": unit,
        "is_commune": unit.level == Level.COMMUNE,
        "parent": parent,
        "articles": list(selectors.article_list(unit=unit)[:UNIT_ARTICLES]),
        "events": _upcoming(unit, today),
        "materials": list(materials[:UNIT_MATERIALS]),
        "titles": figures.summary.titles,
        "year": today.year,
        "unit_figures_url": reverse("portal:figures") + "?" + urlencode({"unit": unit.key}),
        "page_title": unit.name,
        "page_description": _(
            "Lifelong learning in %(unit)s: news, guidance, events, learning materials and figures."
        )
        % {"unit": unit.name},
    }
    if unit.level == Level.PROVINCE:
        context["communes"] = [row.unit for row in figures.children if row.unit is not None]
    else:
        centres = list(
            LearningCentre.objects.filter(commune=unit).prefetch_related(
                Prefetch(
                    "activities",
                    queryset=CentreActivity.objects.filter(
                        year__gt=today.year - CENTRE_ACTIVITY_YEARS
                    ).order_by("-year"),
                )
            )
        )
        context["centres"] = centres
        context["centre_materials"] = (
            list(materials.filter(centre__in=centres)[:UNIT_MATERIALS]) if centres else []
        )
        first = max(BASELINE_YEAR, today.year - RECOGNISED_YEARS + 1)
        context["recognised"] = [
            RecognisedLink(year, reverse("public:recognised_list", args=[unit.key, year]))
            for year in range(today.year, first - 1, -1)
        ]
    return render(request, "portal/unit.html", context)


# -- articles -------------------------------------------------------------------------------------


def _page_of(request: HttpRequest, items: Any) -> Page[Any]:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    """The list's filters, to carry into the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
@public_page
def article_list(request: HttpRequest) -> HttpResponse:
    """Published articles, by kind, unit and words (diacritics and case do not matter)."""
    kind = request.GET.get("kind", "")
    if kind not in ArticleKind.values:
        kind = ""
    query = request.GET.get("q", "").strip()[:200]
    unit = _unit_or_404(request.GET.get("unit", "").strip())
    page = _page_of(request, selectors.article_list(unit=unit, kind=kind or None, query=query))
    heading = str(KIND_HEADINGS[ArticleKind(kind)]) if kind else _("News and documents")
    if unit is not None:
        heading = _("%(what)s of %(unit)s") % {"what": heading, "unit": unit.name}
    # Search results are not a page of their own for search engines: the canonical address
    # keeps the kind, the unit and the page only.
    canonical = {
        name: value for name, value in (("kind", kind), ("unit", unit and unit.key)) if value
    }
    if page.number > 1:
        canonical["page"] = str(page.number)
    context = {
        "page": page,
        "kind": kind,
        "kinds": [(value, KIND_HEADINGS[ArticleKind(value)]) for value in ArticleKind.values],
        "query": query,
        "unit": unit,
        "filters": _query_without_page(request),
        "heading": heading,
        "canonical_url": _absolute(
            request, request.path + ("?" + urlencode(canonical) if canonical else "")
        ),
        "page_title": heading,
        "page_description": _(
            "News, guidance, legal documents and events about lifelong learning, newest first."
        ),
    }
    return render(request, "portal/article_list.html", context)


def _published_article(pk: int) -> Article:
    try:
        return selectors.article_get(pk)
    except Article.DoesNotExist as error:
        raise _not_found(error) from error


def article_url(article: Article) -> str:
    """The article's address, with its current slug."""
    return reverse("portal:article", args=[article.pk, article.slug])


@require_safe
@public_page
def article_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponseBase:
    """One published article; an old or mistyped slug moves permanently to the right one."""
    article = _published_article(pk)
    if slug != article.slug:
        return HttpResponsePermanentRedirect(article_url(article))
    more = selectors.article_list(unit=article.unit, within=False).exclude(pk=article.pk)
    context = {
        "article": article,
        "more": list(more[:HOME_ITEMS]),
        "kind_heading": KIND_HEADINGS[ArticleKind(article.kind)],
        "page_title": article.title,
        "page_description": article.summary or article.title,
        "og_type": "article",
        "og_image": (
            _absolute(request, reverse("portal:article_image", args=[article.pk]))
            if article.image
            else ""
        ),
    }
    return render(request, "portal/article_detail.html", context)


def _file_response(field: Any, *, as_attachment: bool, filename: str = "") -> FileResponse:
    """The stored file (type from its generated name, checked when uploaded)."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=filename or str(field.name).rsplit("/", 1)[-1],
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"public, max-age={FILE_MAX_AGE}"
    return response


@require_safe
def article_image(request: HttpRequest, pk: int) -> FileResponse:
    """The image of a published article."""
    article = _published_article(pk)
    return _file_response(article.image, as_attachment=False)


@require_safe
def article_file(request: HttpRequest, pk: int) -> FileResponse:
    """The attached file of a published article, downloaded under its original name."""
    article = _published_article(pk)
    return _file_response(article.attachment, as_attachment=True, filename=article.attachment_name)


# -- events ---------------------------------------------------------------------------------------


@require_safe
@public_page
def event_list(request: HttpRequest) -> HttpResponse:
    """Events to come (soonest first) and past ones (latest first, paginated)."""
    today = timezone.localdate()
    events = selectors.article_list(kind=ArticleKind.EVENT)
    upcoming = selectors.events_upcoming(today=today).order_by("starts_on", "pk")
    past = events.exclude(Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today))
    context = {
        "upcoming": list(upcoming),
        "page": _page_of(request, past.order_by("-starts_on", "-pk")),
        "filters": "",
        "page_title": _("Events"),
        "page_description": _(
            "Lifelong Learning Week, Learning Promotion Day (2 October), reviews and other events "
            "of lifelong learning: when and where."
        ),
    }
    return render(request, "portal/events.html", context)


# -- criteria sets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorView:
    """An indicator as the public page reads it."""

    indicator: engine.Indicator
    levels: list[str]
    thresholds: list[tuple[str, float]]
    bands: list[engine.PointsBand]
    variant_texts: list[tuple[str, str]]


@dataclass(frozen=True)
class CriterionView:
    criterion: engine.Criterion
    indicators: list[IndicatorView]


def readable_criteria(criteria_set: engine.CriteriaSet) -> list[CriterionView]:
    """The set's criteria and indicators with level and target-group codes named."""
    levels = {level.code: level.name for level in criteria_set.levels}
    variants = {variant.code: variant.name for variant in criteria_set.variants}
    return [
        CriterionView(
            criterion=criterion,
            indicators=[
                IndicatorView(
                    indicator=indicator,
                    levels=[levels.get(code, code) for code in indicator.levels],
                    thresholds=[
                        (levels.get(code, code), value)
                        for code, value in indicator.thresholds.items()
                    ],
                    bands=sorted(
                        indicator.computed.bands if indicator.computed else (),
                        key=lambda band: -band.min_value,
                    ),
                    variant_texts=[
                        (variants.get(code, code), text)
                        for code, text in indicator.variant_texts.items()
                    ],
                )
                for indicator in criterion.indicators
            ],
        )
        for criterion in criteria_set.criteria
    ]


def _titles_of(code: str) -> list[str]:
    return [
        str(Title(title).label)
        for title, (_kind, set_code) in TITLE_SUBJECTS.items()
        if set_code == code
    ]


@dataclass(frozen=True)
class SetSummary:
    """A set in force nationwide, as the list shows it."""

    set: engine.CriteriaSet
    titles: list[str]
    subject_kind: str


def _summary(criteria_set: engine.CriteriaSet) -> SetSummary:
    return SetSummary(
        set=criteria_set,
        titles=_titles_of(criteria_set.code),
        subject_kind=str(SUBJECT_KINDS.get(criteria_set.subject_kind, criteria_set.subject_kind)),
    )


def public_set_codes() -> list[str]:
    """The codes of the criteria sets (one page each), in the order the list shows them."""
    return sorted({criteria_set.code for criteria_set in loader.shipped_sets()})


@require_safe
@public_page
def criteria_list(request: HttpRequest) -> HttpResponse:
    """The criteria set of every title as it applies nationwide today, and the provinces' own
    versions in force."""
    today = timezone.localdate()
    sets = [
        _summary(criteria_selectors.criteria_set_for(code, None, today))
        for code in public_set_codes()
    ]
    # Newest first per code and province: the first one seen is the one in force.
    provincial: dict[tuple[str, int], tuple[Any, engine.CriteriaSet]] = {}
    for version in criteria_selectors.criteria_set_versions_in_force(None):
        if version.province_id is None or version.valid_from > today:
            continue
        provincial.setdefault(
            (version.code, version.province_id),
            (version, criteria_selectors.criteria_set_of_version(version)),
        )
    context = {
        "sets": sets,
        "provincial": list(provincial.values()),
        "page_title": _("Criteria of the learning titles"),
        "page_description": _(
            "What a learning citizen, family, clan, community or unit must meet: the criteria, "
            "indicators, points and levels the assessments apply."
        ),
    }
    return render(request, "portal/criteria_list.html", context)


@require_safe
@public_page
def criteria_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One set as the scoring applies it today, nationwide or in a province (?province=key)."""
    province = None
    province_key = request.GET.get("province", "").strip()
    if province_key:
        province = AdminUnit.objects.filter(key=province_key, level=Level.PROVINCE).first()
        if province is None:
            raise Http404
    today = timezone.localdate()
    try:
        criteria_set = criteria_selectors.criteria_set_for(code, province, today)
    except LookupError as error:
        raise _not_found(error) from error
    version = criteria_selectors.criteria_set_version_in_force(code, province, today)
    context = {
        "summary": _summary(criteria_set),
        "set": criteria_set,
        "version": version,
        "province": province if version is not None and version.province_id else None,
        "criteria": readable_criteria(criteria_set),
        "canonical_url": _absolute(request, request.get_full_path()),
        "page_title": criteria_set.title,
        "page_description": _(
            "The criteria of the title %(title)s (%(period)s): criteria, indicators, points and "
            "levels."
        )
        % {"title": criteria_set.title, "period": criteria_set.period},
    }
    return render(request, "portal/criteria_detail.html", context)


# -- robots.txt -----------------------------------------------------------------------------------

# The signed-in application and anything that is no page to index.
ROBOTS_DISALLOWED = (
    "/accounts/",
    "/api/",
    "/django-admin/",
    "/portal/manage/",
    "/portal/interest/places/",
    "/i18n/",
    "/language/",
    "/notifications/",
    "/units/",
    "/registry/",
    "/assessments/",
    "/criteria/",
    "/recognition/",
    "/dashboard/",
    "/reports/",
    # Lists of named people: public at the commune, but not for search engines to index.
    "/recognised/",
)


@require_safe
@public_page
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read the portal and certificate checks, not the application."""
    lines = [
        "User-agent: *",
        "Allow: /portal/",
        "Allow: /verify/",
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOWED),
        "",
        f"Sitemap: {_absolute(request, reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
