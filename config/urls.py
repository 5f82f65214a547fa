"""URL configuration: pages per app, the JSON API under /api/v1/."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import URLPattern, URLResolver, include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from hoctap.api.api import api
from hoctap.portal import views_public
from hoctap.portal.caching import public_page
from hoctap.portal.sitemaps import SITEMAPS

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("hoctap.core.urls")),
    path("accounts/", include("hoctap.accounts.urls")),
    path("units/", include("hoctap.adminunits.urls")),
    path("registry/", include("hoctap.registry.urls")),
    path("assessments/", include("hoctap.assessments.urls")),
    path("criteria/", include("hoctap.criteria.urls")),
    path("recognition/", include("hoctap.recognition.urls")),
    path("dashboard/", include("hoctap.targets.urls")),
    path("reports/", include("hoctap.reports.urls")),
    path("portal/", include("hoctap.portal.urls")),
    # Public, no sign-in: /verify/… (printed in every certificate's QR code), /recognised/….
    path("", include("hoctap.recognition.public_urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The public portal's language switch: its pages are cached for anonymous visitors, so
    # they carry no CSRF token; choosing a language is harmless, so none is asked for.
    path("language/", csrf_exempt(set_language), name="public_language"),
    path(
        "sitemap.xml",
        public_page(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", views_public.robots_txt, name="robots_txt"),
    path("django-admin/", admin.site.urls),
]
# Uploaded files (imports, evidence) are never served from MEDIA_URL, not even in
# development: they hold personal data and go out only through scoped views.
