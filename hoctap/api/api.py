"""The NinjaAPI root: /api/v1/, errors as application/problem+json."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from hoctap.api.auth import api_auth
from hoctap.core.exceptions import ConflictError

api = NinjaAPI(
    title="hoctap API",
    version="1",
    description=(
        "API của hệ thống học tập suốt đời: đơn vị hành chính, danh hiệu học tập. "
        "Xác thực bằng phiên đăng nhập hoặc `Authorization: Bearer <token>`."
    ),
    auth=api_auth,
    urls_namespace="api",
)


def problem(
    request: HttpRequest, status: int, title: str, detail: Any = None, **extra: Any
) -> HttpResponse:
    """An RFC 9457 problem document."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail is not None:
        body["detail"] = detail
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(request, 401, _("Sign in or send an API token."))
    response["WWW-Authenticate"] = 'Bearer realm="hoctap"'
    return response


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 404, _("Not found."))


@api.exception_handler(ObjectDoesNotExist)
def on_does_not_exist(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 404, _("Not found."))


@api.exception_handler(ConflictError)
def on_conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return problem(request, 409, _("Conflict."), detail=" ".join(exc.messages))


@api.exception_handler(ValidationError)
def on_business_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem(request, 422, _("The request was refused."), detail=" ".join(exc.messages))


@api.exception_handler(NinjaValidationError)
def on_invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problem(request, 422, _("Invalid input."), errors=exc.errors)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc))


api.add_router("/", "hoctap.adminunits.api.router")
api.add_router("/", "hoctap.accounts.api.router")
api.add_router("/", "hoctap.registry.api.router")
api.add_router("/", "hoctap.criteria.api.router")
api.add_router("/", "hoctap.assessments.api.router")
api.add_router("/", "hoctap.recognition.api.router")
api.add_router("/", "hoctap.targets.api.router")
api.add_router("/", "hoctap.reports.api.router")
api.add_router("/", "hoctap.portal.api.router")
