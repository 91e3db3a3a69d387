"""The OpenAPI 3.1 document of every HTTP route, written from the route table itself (``GET /api/openapi.json``).

Each ``Endpoint`` carries its ``Operation``; this module only lays them out. The refusals the contract itself
gives (401/403 for the cookie, 413/415/400 for a body, 404 for a path id) are added here, so a declaration
lists only the statuses its handler adds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from http import HTTPStatus
from typing import Any

from starlette.routing import BaseRoute

from citizen_app.core.http import (
    ERROR_SCHEMA,
    FORM,
    JSON,
    MULTIPART,
    SAFE_METHODS,
    Call,
    DocumentedMount,
    Endpoint,
    Operation,
    Schema,
    json_content,
)

OPENAPI_PATH = "/api/openapi.json"
_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
_CONVERTER_SCHEMAS: dict[str, Schema] = {"int": {"type": "integer", "minimum": 0}, "float": {"type": "number"}}
_SECURITY = {"public": [], "session": [{}, {"session": []}], "cookie": [{"session": []}], "gate": [{"gate": []}]}
_AUTH_TEXT = {
    "public": "Public.",
    "session": "Reads the `cds_sid` session cookie when there is one; the service decides what a visitor may see.",
    "cookie": "Needs the `cds_sid` session cookie (401 without a live session).",
    "gate": "Needs a gate's `Authorization: Bearer` token.",
}

_ORIGIN_TEXT = "The `Origin` header must be the app's own origin (403 otherwise)."


def operations(routes: Iterable[BaseRoute]) -> Iterator[Operation]:
    for route in routes:
        if isinstance(route, Endpoint):
            yield route.op
        elif isinstance(route, DocumentedMount):
            yield from route.operations


def openapi_path(path: str) -> str:
    """``/a/{id:int}`` -> ``/a/{id}``."""
    return _PARAM.sub(lambda m: "{" + m.group(1) + "}", path)


def document(routes: Iterable[BaseRoute]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in operations(routes):
        item = paths.setdefault(openapi_path(op.path), {})
        for method in op.methods:
            item[method.lower()] = _operation(op, method)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Công dân số TP.HCM", "version": "1", "description": (
            "Every HTTP route of the app. Refusals are `{\"error\": code, \"message\": {\"vi\", \"en\"}}`, "
            "except under "
            "`/open311/v2/`, which answers GeoReport v2 errors (`[{\"code\", \"description\"}]` or `<errors>`). "
            "Non-GET routes that read the session cookie also need an `Origin` header of the app's own origin.")},
        "paths": dict(sorted(paths.items())),
        "components": {"securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "cds_sid"},
            "gate": {"type": "http", "scheme": "bearer"}}},
    }


def _operation(op: Operation, method: str) -> dict[str, Any]:
    safe = method in SAFE_METHODS
    checks_origin = not safe and op.auth in ("session", "cookie")
    parameters = [_path_parameter(op, name, converter) for name, converter in _PARAM.findall(op.path)]
    parameters += [{"name": name, "in": "query", "required": name in op.required_query, "schema": schema}
                   for name, schema in op.query.items()]
    result: dict[str, Any] = {
        "operationId": f"{method.lower()}{re.sub(r'[^A-Za-z0-9]+', '_', openapi_path(op.path))}".rstrip("_"),
        "summary": op.summary,
        "description": " ".join(filter(None, [_AUTH_TEXT[op.auth], _ORIGIN_TEXT if checks_origin else "", op.notes])),
        "tags": [op.tag] if op.tag else [],
        "security": _SECURITY[op.auth],
        "parameters": parameters,
        "responses": _responses(op, safe),
    }
    if not safe and op.body is not None:
        result["requestBody"] = {"required": True, "content": {JSON: op.body}}
    elif not safe and op.form is not None:
        result["requestBody"] = {"required": True, "content": {FORM: op.form}}
    elif not safe and op.upload is not None:
        result["requestBody"] = {"required": True, "content": {MULTIPART: {"schema": op.upload}}}
    return result


def _path_parameter(op: Operation, name: str, converter: str) -> dict[str, Any]:
    schema = op.path_params.get(name) or _CONVERTER_SCHEMAS.get(converter, {"type": "string"})
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _refusals(op: Operation, safe: bool) -> set[int]:
    statuses = set(op.errors)
    if op.auth in ("session", "cookie"):
        statuses |= {401, 403}
    if not safe and (op.body is not None or op.form is not None or op.upload is not None):
        statuses |= {400, 413, 415}
    if _PARAM.search(op.path):
        statuses.add(404)
    if op.query:
        statuses.add(400)
    return statuses


def _responses(op: Operation, safe: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status, content in op.responses.items():
        out[str(status)] = _response(status, content)
    error_content = op.error_content or json_content(ERROR_SCHEMA)
    for status in sorted(_refusals(op, safe) - set(op.responses)):
        out[str(status)] = _response(status, error_content)
    return dict(sorted(out.items()))


def _response(status: int, content: dict[str, Schema] | Any) -> dict[str, Any]:
    response: dict[str, Any] = {"description": HTTPStatus(status).phrase}
    if content:
        response["content"] = {media_type: {"schema": schema} if schema else {}
                               for media_type, schema in content.items()}
    if 300 <= status < 400:
        response["headers"] = {"Location": {"schema": {"type": "string"}, "required": True}}
    return response


def openapi_endpoint(routes: list[BaseRoute]) -> Endpoint:
    """The route serving the document of ``routes`` (which may include this route once appended)."""
    cached: dict[str, Any] = {}

    async def openapi_document(_call: Call) -> dict[str, Any]:
        if not cached:
            cached.update(document(routes))
        return cached

    return Endpoint(OPENAPI_PATH, openapi_document, summary="This document (OpenAPI 3.1)",
                    responses={200: json_content({"type": "object", "required": ["openapi", "paths"]})},
                    cache="public, max-age=300")
