"""URL configuration: pages per app, the JSON API under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from hoctap.api.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("hoctap.core.urls")),
    path("accounts/", include("hoctap.accounts.urls")),
    path("units/", include("hoctap.adminunits.urls")),
    path("registry/", include("hoctap.registry.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:  # pragma: no cover - development only
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
