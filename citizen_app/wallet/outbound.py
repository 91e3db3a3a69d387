"""The server's calls to other parties' servers (an unknown verifier's ``response_uri``, another issuer's
endpoints): HTTPS only, to public addresses only (every resolved address must be global), no redirects followed,
a timeout and a size limit on what is read. No Reflex import.

The connection goes to the address that was checked (the host is resolved once): a name that resolves to a public
address for the check and to an internal one a moment later (DNS rebinding) cannot turn the call inwards. TLS still
checks the certificate against the host name.

Errors are ``DomainError``s with the caller's message prefix: ``<prefix>.unreachable``,
``<prefix>.foreign_address`` (a private, loopback or link-local address), ``<prefix>.not_https``,
``<prefix>.too_large``.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from citizen_app.core.errors import DomainError

MAX_BYTES = 256 * 1024


@dataclass
class Outbound:
    """How the server calls other servers. Tests on loopback swap in their CA and allow it."""

    verify: Any = True
    allow_loopback: bool = False
    timeout: float = 10.0


OUTBOUND = Outbound()


def public_address(host: str, port: int, prefix: str) -> str:
    """The host's first address; refused when any of its addresses is not a public Internet address."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise DomainError(f"{prefix}.unreachable") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not (address.is_global or (OUTBOUND.allow_loopback and address.is_loopback)):
            raise DomainError(f"{prefix}.foreign_address")
    if not infos:
        raise DomainError(f"{prefix}.unreachable")
    return str(infos[0][4][0])


def check_target(url: str, prefix: str) -> tuple[str, str]:
    """(host name, the checked address to connect to)."""
    target = urlsplit(url)
    if target.scheme != "https" or not target.hostname or "@" in target.netloc:
        raise DomainError(f"{prefix}.not_https")
    return target.hostname, public_address(target.hostname, target.port or 443, prefix)


class _PinnedBackend(httpcore.SyncBackend):
    """Connects to the checked address whatever the name resolves to now."""

    def __init__(self, host: str, address: str) -> None:
        self._host, self._address = host, address

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        if host != self._host:
            raise httpcore.ConnectError(f"unexpected host {host}")
        return super().connect_tcp(self._address, port, timeout, local_address, socket_options)


def _pinned_transport(host: str, address: str) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(verify=OUTBOUND.verify, trust_env=False)
    # httpx has no public hook for the connection's address: its pool is rebuilt with the pinned network backend.
    transport._pool = httpcore.ConnectionPool(  # noqa: SLF001
        ssl_context=httpx.create_ssl_context(verify=OUTBOUND.verify, trust_env=False),
        network_backend=_PinnedBackend(host, address))
    return transport


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self, prefix: str) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise DomainError(f"{prefix}.bad_answer") from exc


def call(method: str, url: str, prefix: str, *, max_bytes: int = MAX_BYTES, **kwargs: Any) -> Answer:
    """One request to a public HTTPS address; the body is read up to ``max_bytes``."""
    host, address = check_target(url, prefix)
    try:
        client = httpx.Client(transport=_pinned_transport(host, address), timeout=OUTBOUND.timeout,
                              follow_redirects=False, trust_env=False)
        with client, client.stream(method, url, **kwargs) as res:
            body = b""
            for chunk in res.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise DomainError(f"{prefix}.too_large")
            return Answer(res.status_code, body)
    except httpx.HTTPError as exc:
        raise DomainError(f"{prefix}.unreachable") from exc
