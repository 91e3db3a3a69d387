"""Domain errors carry a stable message key; the UI translates it."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule was broken. ``code`` is an i18n message key, ``params`` fill its placeholders."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class NotAllowed(DomainError):
    """The acting user may not do this (role, agency or ownership)."""

    def __init__(self, code: str = "error.forbidden", **params: Any) -> None:
        super().__init__(code, **params)


class NotFound(DomainError):
    def __init__(self, code: str = "error.not_found", **params: Any) -> None:
        super().__init__(code, **params)


class RecordedRefusal(NotFound):
    """A refusal whose transaction still commits (``session_scope``): it recorded the failed attempt that an
    attempt limit counts. Raise it only from read-only flows: anything else the transaction did is kept too."""
