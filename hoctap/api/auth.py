"""API authentication: the browser session, or a bearer token for scripts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from hoctap.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer hct_…`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


class TokenHeaderAuth(APIKeyHeader):
    """`X-API-Key: hct_…`, for tools that cannot set a bearer header."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = api_token_authenticate(key or "")
        if user is None:
            return None
        request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The browser's session; its CSRF check applies only when a session cookie is sent.

    Ninja's SessionAuth checks CSRF before looking at the cookie, so a script's POST with
    a bearer token and no cookie was refused (403) before the token was even read.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


api_auth = [BrowserSessionAuth(), TokenAuth(), TokenHeaderAuth()]
