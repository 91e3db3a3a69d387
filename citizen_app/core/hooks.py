"""One way for a package to let others react to what it does, without importing them: a named ``Hook``.

The package that owns an event declares the hook beside its rules (``feedback.service.REPORT_CLOSED``) and calls
it; another package connects a handler in its ``wiring.py``, whose ``install()`` the registry runs once per process
(``registry.install_wiring``: at app start, for the background jobs, in the demo seeding and in the tests). Nothing
is imported only for its side effects.

Handlers run in the caller's transaction, in the order they were connected; a handler that raises undoes the
action, so a handler that must never do that (a notification) catches its own errors. Connecting the same handler
twice keeps one. Tests swap the handlers with ``hook.replaced(recorder)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Handler = Callable[..., Any]


class Hook:
    def __init__(self, name: str, doc: str = "") -> None:
        self.name, self.__doc__ = name, doc
        self._handlers: list[Handler] = []

    def __repr__(self) -> str:
        return f"Hook({self.name!r}, {len(self._handlers)} handlers)"

    @property
    def handlers(self) -> tuple[Handler, ...]:
        return tuple(self._handlers)

    def connect(self, handler: Handler) -> Handler:
        """Add ``handler`` (once); returns it, so it can decorate a function."""
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    def disconnect(self, handler: Handler) -> None:
        if handler in self._handlers:
            self._handlers.remove(handler)

    def __call__(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Run every handler; their results in connection order."""
        return [handler(*args, **kwargs) for handler in tuple(self._handlers)]

    @contextmanager
    def replaced(self, *handlers: Handler) -> Iterator[Hook]:
        """Only ``handlers`` while the block runs (tests record what a service emitted)."""
        saved, self._handlers = self._handlers, list(handlers)
        try:
            yield self
        finally:
            self._handlers = saved
