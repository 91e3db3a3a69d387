"""Calls to other parties' servers go to the address that was checked, not to whatever the name resolves to a
moment later (DNS rebinding)."""

from __future__ import annotations

import socket

import httpcore
import pytest

from citizen_app.core.errors import DomainError
from citizen_app.wallet import outbound

PUBLIC = "93.184.216.34"


def _resolving_public_then_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}

    def getaddrinfo(host, port, *args, **kwargs):
        calls["n"] += 1
        address = PUBLIC if calls["n"] == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_the_connection_goes_to_the_checked_address(monkeypatch: pytest.MonkeyPatch) -> None:
    _resolving_public_then_loopback(monkeypatch)
    connected: list[str] = []

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        connected.append(host)
        raise httpcore.ConnectError("no network in this test")

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", connect_tcp)
    with pytest.raises(DomainError, match="identity.foreign.unreachable"):
        outbound.call("GET", "https://issuer.example/.well-known/jwt-vc-issuer", "identity.foreign")
    assert connected == [PUBLIC]


def test_a_name_with_an_internal_address_is_refused_before_any_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (PUBLIC, port)),
        (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("10.0.0.7", port))])
    with pytest.raises(DomainError, match="identity.foreign.foreign_address"):
        outbound.call("GET", "https://issuer.example/x", "identity.foreign")
