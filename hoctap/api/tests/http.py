"""A tiny HTTP client for the API tests: real requests to pytest-django's live server.

The Django test client skips CSRF checks and the WSGI server; these tests go through both,
as scripts and browsers do.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.test import Client


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    def json(self) -> Any:
        return json.loads(self.body)


def session_cookie(user: Any) -> str:
    """A signed-in session for `user`, as the browser's session cookie value."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def call(
    base_url: str,
    method: str,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    json_body: Any = None,
    token: str | None = None,
    api_key: str | None = None,
    session: str | None = None,
    csrf_token: str | None = None,
) -> Response:
    """Send one request; `token` goes as a bearer token, `api_key` as X-API-Key.

    `session` is a session cookie value; `csrf_token` is sent as both the CSRF cookie and the
    X-CSRFToken header, as a page's JavaScript would.
    """
    url = base_url + path + (f"?{urlencode(params)}" if params else "")
    data = json.dumps(json_body).encode() if json_body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - live server URL
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    if api_key is not None:
        request.add_header("X-API-Key", api_key)
    cookies = []
    if session is not None:
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session}")
    if csrf_token is not None:
        cookies.append(f"{settings.CSRF_COOKIE_NAME}={csrf_token}")
        request.add_header("X-CSRFToken", csrf_token)
    if cookies:
        request.add_header("Cookie", "; ".join(cookies))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - same
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


def get(base_url: str, path: str, **kwargs: Any) -> Response:
    return call(base_url, "GET", path, **kwargs)


def post(base_url: str, path: str, json_body: Any, **kwargs: Any) -> Response:
    return call(base_url, "POST", path, json_body=json_body, **kwargs)
