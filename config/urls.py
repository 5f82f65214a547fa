"""URL configuration: pages per app, the JSON API under /api/v1/."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from hoctap.api.api import api

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
    # Public, no sign-in: /verify/… (printed in every certificate's QR code), /recognised/….
    path("", include("hoctap.recognition.public_urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]
# Uploaded files (imports, evidence) are never served from MEDIA_URL, not even in
# development: they hold personal data and go out only through scoped views.
