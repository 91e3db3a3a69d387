"""Domain errors carry a stable message key; the UI translates it. Over HTTP the class gives the status."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule was broken. ``code`` is an i18n message key, ``params`` fill its placeholders."""

    http_status = 400

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class NotAllowed(DomainError):
    """The acting user may not do this (role, agency or ownership)."""

    http_status = 403

    def __init__(self, code: str = "error.forbidden", **params: Any) -> None:
        super().__init__(code, **params)


class Unauthenticated(NotAllowed):
    """Nobody (or no valid gate) is logged in: HTTP 401."""

    http_status = 401

    def __init__(self, code: str = "error.login_required", **params: Any) -> None:
        super().__init__(code, **params)


class NotFound(DomainError):
    http_status = 404

    def __init__(self, code: str = "error.not_found", **params: Any) -> None:
        super().__init__(code, **params)


class TooManyAttempts(DomainError):
    """An attempt limit is reached: HTTP 429."""

    http_status = 429


class HttpError(DomainError):
    """A request the HTTP contract refuses before any service runs (media type, size, origin, JSON)."""

    def __init__(self, status: int, code: str, **params: Any) -> None:
        super().__init__(code, **params)
        self.http_status = status


class RecordedRefusal(NotFound):
    """A refusal whose transaction still commits (``session_scope``): it recorded the failed attempt that an
    attempt limit counts. Raise it only from read-only flows: anything else the transaction did is kept too."""
