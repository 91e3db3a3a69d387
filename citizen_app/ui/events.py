"""The websocket side of the text boundary (``core.text``), and the check of ``/_upload``'s handler name.

Why an app middleware: Reflex runs every event through ``App._preprocess`` (each middleware's
``preprocess(app, state, event)``) right before it calls the handler with ``event.payload`` as its
arguments — events from the socket, file uploads (``/_upload`` enqueues an event too) and events chained
by handlers alike, foreground or background. It is Reflex's public hook (``App.add_middleware``), so one
place cleans the arguments of every handler of every pillar, and no form can forget. (Wrapping the socket's
``on_event`` would miss uploads and chained events; patching ``BaseState`` internals would break on upgrade.)
"""

from __future__ import annotations

from typing import Any

from reflex.middleware import Middleware

from citizen_app.core.text import clean_value


class CleanTextMiddleware(Middleware):
    """Removes lone surrogates and control characters from every string argument, and NFC-normalizes."""

    async def preprocess(self, app: Any, state: Any, event: Any) -> None:
        cleaned = clean_value(event.payload)
        if cleaned != event.payload:
            event.payload.clear()  # the event is frozen, its payload dict is not: the handler reads this one
            event.payload.update(cleaned)


def is_upload_handler(name: str) -> bool:
    """Whether ``name`` is a registered handler that takes files (what ``/_upload`` will call)."""
    from reflex_base.event import resolve_upload_chunk_handler_param, resolve_upload_handler_param
    from reflex_base.registry import RegistrationContext
    from reflex_base.utils.exceptions import UploadTypeError, UploadValueError

    registered = RegistrationContext.get().event_handlers.get(name)
    if registered is None:
        return False
    resolvers = (resolve_upload_chunk_handler_param,) if registered.handler.is_background else ()
    for resolve in (*resolvers, resolve_upload_handler_param):
        try:
            resolve(registered.handler)
            return True
        except (UploadTypeError, UploadValueError):
            continue
    return False
