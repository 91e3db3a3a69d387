"""Request-id JSON logs: id in and out, one access line, no query strings or tokens in the log."""

from __future__ import annotations

import json
import logging

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from citizen_app.ops.logging import JsonFormatter, request_logging, safe_path


def _app() -> TestClient:
    async def hello(_request):
        logging.getLogger("citizen_app.test").info("inside", extra={"answer": 42})
        return PlainTextResponse("hi")

    return TestClient(request_logging(Starlette(routes=[Route("/api/pay/receipt/{code}", hello)])))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:  # formatted inside the request, like stderr
        self.lines.append(self.format(record))


def test_request_id_is_kept_or_made_and_logged() -> None:
    client = _app()
    logger = logging.getLogger("citizen_app")
    collect = _Collect()
    logger.addHandler(collect)
    try:
        given = client.get("/api/pay/receipt/PAY-7Kq2xVb9TzLm1234?secret=1", headers={"x-request-id": "abc-12345"})
        made = client.get("/api/pay/receipt/x", headers={"x-request-id": "bad id!"})
    finally:
        logger.removeHandler(collect)
    assert given.headers["x-request-id"] == "abc-12345"
    assert len(made.headers["x-request-id"]) == 32 and made.headers["x-request-id"] != "bad id!"
    lines = [json.loads(line) for line in collect.lines]
    inside, access = lines[0], lines[1]
    assert inside["request_id"] == "abc-12345" and inside["answer"] == 42 and inside["msg"] == "inside"
    assert access["path"] == "/api/pay/receipt/:token" and access["status"] == 200 and "secret" not in str(access)


def test_safe_path_masks_token_like_segments() -> None:
    assert safe_path("/open311/v2/tokens/Zx81_kfj29dk3lq0.json") == "/open311/v2/tokens/:token"
    assert safe_path("/open311/v2/requests.json") == "/open311/v2/requests.json"
    assert safe_path("/api/feedback/photos/12/thumb") == "/api/feedback/photos/12/thumb"
    assert safe_path("/api/receipt/AbcdEfghIjklMnop") == "/api/receipt/:token"  # letters only, mixed case
    assert safe_path("/api/push/vapid-public-key") == "/api/push/vapid-public-key"


def test_no_access_line_is_built_when_the_level_hides_it(monkeypatch) -> None:
    """Issue 24: with LOG_LEVEL=WARNING the access line of a good request is not written, so its path is not
    masked for it either (a regular expression per path segment, on every request of the worker)."""
    import citizen_app.ops.logging as request_logs

    masked: list[str] = []
    monkeypatch.setattr(request_logs, "safe_path", lambda path: masked.append(path) or path)
    access = logging.getLogger("citizen_app.access")
    level = access.level
    try:
        access.setLevel(logging.WARNING)
        assert _app().get("/api/pay/receipt/AbcdEfghIjklMnop1234").status_code == 200
        assert masked == []
        access.setLevel(logging.INFO)
        assert _app().get("/api/pay/receipt/AbcdEfghIjklMnop1234").status_code == 200
        assert masked == ["/api/pay/receipt/AbcdEfghIjklMnop1234"]
    finally:
        access.setLevel(level)
