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


api_auth = [SessionAuth(), TokenAuth(), TokenHeaderAuth()]
