"""The project's URLs plus `/bench/hello/`, the baseline of `bench_portal.py`: a view that
does nothing but answer, through the same middleware as every page."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from config.urls import urlpatterns as project_urlpatterns

HELLO_PATH = "/bench/hello/"


def hello(request: HttpRequest) -> HttpResponse:
    """Django's plain "hello": what any page costs before it does anything."""
    return HttpResponse("Hello, world", content_type="text/plain; charset=utf-8")


urlpatterns: list[URLPattern | URLResolver] = [
    path(HELLO_PATH.lstrip("/"), hello, name="bench_hello"),
    *project_urlpatterns,
]
