"""The OpenAPI schema served at /api/v1/openapi.json matches the committed snapshot.

A change to the API shows up as a diff of hoctap/api/openapi.json in review. After an
intended change, rewrite the snapshot with:

    UPDATE_OPENAPI_SNAPSHOT=1 .venv/bin/python -m pytest hoctap/api/tests/test_openapi.py
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

from django.test import Client

SNAPSHOT = Path(__file__).resolve().parent.parent / "openapi.json"
REGENERATE = "UPDATE_OPENAPI_SNAPSHOT=1 .venv/bin/python -m pytest hoctap/api/tests/test_openapi.py"


def as_text(schema: Any) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def test_openapi_schema_matches_the_committed_snapshot(client: Client) -> None:
    # given
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    live = as_text(response.json())
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT") == "1":
        SNAPSHOT.write_text(live, encoding="utf-8")
    # when
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    # then
    if live != committed:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                live.splitlines(keepends=True),
                fromfile="hoctap/api/openapi.json (committed)",
                tofile="/api/v1/openapi.json (live)",
                n=2,
            )
        )
        raise AssertionError(
            "The API's OpenAPI schema differs from the committed snapshot. If the change is "
            f"intended, regenerate the snapshot and commit it:\n\n    {REGENERATE}\n\n{diff[:6000]}"
        )


def test_openapi_schema_documents_the_token_authentication(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()
    assert {"type": "apiKey", "in": "header", "name": "X-API-Key"} in schemes.values()
