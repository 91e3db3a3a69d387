"""Structured JSON logs with a request id, as an ASGI middleware for Reflex's ``api_transformer``.

Every HTTP request and websocket connection gets an id: the ``X-Request-ID`` sent by the trusted reverse
proxy when it is well formed, otherwise a new one. The id is returned in the ``X-Request-ID`` response
header and is attached to every log record written while the request runs (a context variable), so one
grep finds everything a request did. One access line is written per request, as JSON on stderr.

Privacy: no query strings, cookies, bodies or client addresses are logged, and path segments that look
like tokens (receipt codes, Open311 tokens, status-list ids) are masked.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import sys
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_TOKEN_LIKE = re.compile(r"^[A-Za-z0-9_-]{16,}(\.[a-z0-9]{1,5})?$")
_WORDLIKE = re.compile(r"^([a-z_-]+|[A-Z_-]+)(\.[a-z0-9]{1,5})?$")
_QUIET_PATHS = ("/api/health/", "/ping", "/_health")
ACCESS = logging.getLogger("citizen_app.access")
_configured = False


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, request_id, pid and any ``extra`` fields."""

    _STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,
        }
        if request_id := request_id_var.get():
            entry["request_id"] = request_id
        entry.update({k: v for k, v in record.__dict__.items() if k not in self._STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging() -> None:
    """JSON lines on stderr for the ``citizen_app`` loggers (idempotent). LOG_LEVEL sets the level."""
    global _configured
    if _configured:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("citizen_app")
    root.addHandler(handler)
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
    root.propagate = False
    _configured = True


def _is_token(part: str) -> bool:
    """Long segments are masked unless they read like a word (one letter case, no digits): random tokens
    without digits but in mixed case (``AbcdEfgh…``) are masked too, ``vapid-public-key`` is kept."""
    return bool(_TOKEN_LIKE.match(part)) and not _WORDLIKE.match(part)


def safe_path(path: str) -> str:
    return "/".join(":token" if _is_token(part) else part for part in path.split("/"))


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _INCOMING_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


def request_logging(inner: ASGIApp) -> ASGIApp:
    """Wrap the app: request id in and out, one JSON access line per request or websocket."""
    configure_logging()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await inner(scope, receive, send)
            return
        rid = _request_id(scope)
        token = request_id_var.set(rid)
        started = time.perf_counter()
        outcome: dict[str, int] = {"status": 0}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome["status"] = message["status"]
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", rid.encode())]}
            elif message["type"] == "websocket.accept":
                outcome["status"] = 101
            elif message["type"] == "websocket.close":
                outcome["close_code"] = message.get("code", 1000)
            await send(message)

        try:
            await inner(scope, receive, send_with_id)
        except Exception:
            outcome["status"] = outcome["status"] or 500
            raise
        finally:
            _log_access(scope, outcome, started)
            request_id_var.reset(token)

    return app


def _log_access(scope: Scope, outcome: dict[str, int], started: float) -> None:
    path = scope.get("path", "")
    status = outcome["status"]
    if path.startswith(_QUIET_PATHS) and status < 400:
        return
    level = logging.ERROR if status >= 500 else logging.INFO
    if not ACCESS.isEnabledFor(level):  # LOG_LEVEL=WARNING: no line, so no masking of the path for it either
        return
    ACCESS.log(level, "request", extra={
        "kind": scope["type"], "method": scope.get("method", "WS"), "path": safe_path(path), "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1), **{k: v for k, v in outcome.items()
                                                                              if k == "close_code"}})
