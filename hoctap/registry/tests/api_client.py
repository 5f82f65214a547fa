"""Real HTTP calls to the registry API on pytest-django's `live_server`, with a bearer token.

JSON requests go through the shared helper (hoctap/api/tests/http.py); this adds a client
bound to one user and the multipart upload the import endpoint needs.
"""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from typing import Any

from hoctap.accounts.models import User
from hoctap.accounts.services import api_token_create
from hoctap.api.tests.http import Response, call

PROBLEM_JSON = "application/problem+json"


def media_type(response: Response) -> str:
    """The Content-Type without its parameters."""
    return response.content_type.split(";")[0].strip()


class ApiClient:
    """Calls `<live_server>/api/v1<path>`, signed in with a bearer token when one is given."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/") + "/api/v1"
        self.token = token

    def call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        query: dict[str, Any] | None = None,
    ) -> Response:
        return call(
            self.base_url, method, path, params=query, json_body=json_body, token=self.token
        )

    def get(self, path: str, **query: Any) -> Response:
        return self.call("GET", path, query=query or None)

    def post(self, path: str, json_body: Any) -> Response:
        return self.call("POST", path, json_body=json_body)

    def put(self, path: str, json_body: Any) -> Response:
        return self.call("PUT", path, json_body=json_body)

    def upload(
        self, path: str, fields: dict[str, str], filename: str, data: bytes, field: str = "file"
    ) -> Response:
        """POST multipart/form-data with text fields and one file, as a browser form does."""
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
            for name, value in fields.items()
        ]
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(  # noqa: S310 - the live server's URL
            self.base_url + path, data=b"".join(parts), method="POST"
        )
        request.add_header("Accept", "application/json")
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - same
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read())


def token_for(user: User) -> str:
    """A fresh raw API token for the user."""
    _token, raw = api_token_create(actor=user, user=user, name="test")
    return raw


def client_for(base_url: str, user: User | None) -> ApiClient:
    """An API client signed in as the user (anonymous when None)."""
    return ApiClient(base_url, token_for(user) if user is not None else None)
