"""Open data in the JSON API: the open figures and the indicator definitions, for anyone.

No sign-in and no CSRF token (only GET), and `Access-Control-Allow-Origin: *` on every answer,
errors included, so a provincial portal's page can read the figures from the browser. Each
address may ask `HOCTAP_OPEN_DATA_RATE_PER_MINUTE` times a minute (120 unless set); beyond
that the answer is 429 with a message and `Retry-After`. The figures are the dashboard's
(`hoctap.portal.selectors.open_figures`), under the licence CC BY 4.0.
"""

# No `from __future__ import annotations` here: Ninja resolves the views' annotations, and
# `Query[...]` must be evaluated where it is defined (as in the other routers).

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.decorators import decorate_view

from hoctap.core import ratelimit
from hoctap.portal import schemas, selectors
from hoctap.portal.schemas import OpenFiguresOut, OpenFiguresQuery, OpenIndicatorsOut

router = Router(tags=["open data"])

RATE_SCOPE = "open-data"
DEFAULT_RATE_PER_MINUTE = 120
# Figures change when a decision is issued; a minute's delay is fine for open data.
MAX_AGE_SECONDS = 60
TOO_MANY = {
    429: {
        "description": "Too many requests from this address; try again in a minute.",
        "content": {"application/problem+json": {}},
    }
}


def rate_per_minute() -> int:
    """The requests an address may send a minute (a setting, so tests and sites can change it)."""
    return int(getattr(settings, "HOCTAP_OPEN_DATA_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE))


def _problem(request: HttpRequest, status: int, title: str) -> HttpResponse:
    # Imported here: hoctap.api.api imports this module while it registers the routers.
    from hoctap.api.api import problem

    return problem(request, status, title)


def open_data(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Around the whole operation (errors included): the rate limit and the CORS header.

    Ninja's own error answers (404, 422) are made inside `run`, so wrapping it puts the header
    on them too; every request counts against the limit, a malformed one as well."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if ratelimit.allow(request, RATE_SCOPE, rate_per_minute()):
            response = run(request, *args, **kwargs)
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
        else:
            response = _problem(
                request, 429, _("Too many requests from your address. Try again in a minute.")
            )
            response["Retry-After"] = str(ratelimit.WINDOW_SECONDS)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def _page(request: HttpRequest, unit_key: str, year: int) -> str:
    query = urlencode({"unit": unit_key, "year": year} if unit_key else {"year": year})
    return request.build_absolute_uri(f"{reverse('portal:figures')}?{query}")


@router.get(
    "/open/figures", response=OpenFiguresOut, auth=None, openapi_extra={"responses": TOO_MANY}
)
@decorate_view(open_data)
def open_figures(request: HttpRequest, query: Query[OpenFiguresQuery]) -> dict[str, Any]:
    """The open figures of the whole country, a province or a commune in a year: the
    dashboard's public indicators (counts and percentages, never a name), their targets and
    status, registered vs recognised per title, the units below and the trend from 2021.

    Open data under the licence CC BY 4.0 (`licence`): reuse it freely, citing `page`. No
    sign-in needed; `Access-Control-Allow-Origin: *`; rate-limited per address (429 when
    exceeded). A hamlet, a district or an unknown key is 404; a year outside 2000–2100 is 422.
    """
    unit = selectors.public_unit_get(query.unit)
    year = query.year if query.year is not None else timezone.localdate().year
    board = selectors.open_figures(unit, year)
    return schemas.open_figures_out(board, page=_page(request, query.unit, year))


@router.get(
    "/open/indicators",
    response=OpenIndicatorsOut,
    auth=None,
    openapi_extra={"responses": TOO_MANY},
)
@decorate_view(open_data)
def open_indicators(request: HttpRequest) -> dict[str, Any]:
    """The indicators of the open figures: what is counted over what, how it is approximated,
    and the document that sets the national target. Names follow the request's language.
    Open data under the licence CC BY 4.0; no sign-in needed; rate-limited per address."""
    return schemas.open_indicators_out()
