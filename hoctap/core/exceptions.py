"""Business errors raised by services and shown to users in Vietnamese."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class BusinessError(ValidationError):
    """A refused operation with a message meant for the user."""


class ConflictError(BusinessError):
    """The object changed under the user (stale form, concurrent action)."""
