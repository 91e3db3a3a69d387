"""Strict validation of a browser ``PushSubscription.toJSON()`` object.

The server later POSTs to the endpoint, so the endpoint is an SSRF surface: it must be HTTPS on a
known push service (``PUSH_SERVICE_HOSTS`` adds more, comma separated). Plain HTTP on 127.0.0.1 /
localhost is accepted only when loopback is allowed (``PUSH_ALLOW_LOOPBACK=1``; tests only).
Keys must be what RFC 8291 needs: p256dh a 65-byte uncompressed P-256 point, auth 16 bytes.
Any failure raises ``DomainError`` with a ``notify.error.*`` key; nothing is stored by the caller.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

from citizen_app.core.config import UnsafeConfiguration, env_flag, settings
from citizen_app.core.encoding import b64url_decode, b64url_encode
from citizen_app.core.errors import DomainError
from citizen_app.notify.models import ENDPOINT_MAX

DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "push.services.mozilla.com",
    "push.apple.com",
    "notify.windows.com",
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_SUB_KEYS = frozenset({"endpoint", "expirationTime", "keys"})


@dataclass(frozen=True)
class ValidSubscription:
    endpoint: str
    p256dh: str  # unpadded base64url, as browsers send it
    auth: str

    def as_webpush_info(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


LOOPBACK_ENV = "PUSH_ALLOW_LOOPBACK"


def loopback_allowed() -> bool:
    """Tests only: on a public (https) site it would let any account make the server call its own loopback."""
    return env_flag(LOOPBACK_ENV) and not settings().public_site


def check_loopback_off() -> None:
    if env_flag(LOOPBACK_ENV) and settings().public_site:
        raise UnsafeConfiguration(f"{LOOPBACK_ENV}=1 with PUBLIC_URL={settings().public_url}: push endpoints on "
                                  "the server's own loopback would be accepted from any account. Unset it.")


def push_hosts() -> tuple[str, ...]:
    extra = [h.strip().lower() for h in os.environ.get("PUSH_SERVICE_HOSTS", "").split(",") if h.strip()]
    return DEFAULT_PUSH_HOSTS + tuple(extra)


def _host_allowed(host: str) -> bool:
    return any(host == allowed or host.endswith("." + allowed) for allowed in push_hosts())


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def check_endpoint(endpoint: Any, allow_loopback: bool) -> str:
    if not isinstance(endpoint, str) or not 10 <= len(endpoint) <= ENDPOINT_MAX or endpoint != endpoint.strip():
        raise DomainError("notify.error.endpoint_invalid")
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        _ = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise DomainError("notify.error.endpoint_invalid") from exc
    if not host or parts.username or parts.password or parts.fragment or not endpoint.isascii():
        raise DomainError("notify.error.endpoint_invalid")
    if allow_loopback and host in LOOPBACK_HOSTS and parts.scheme in ("http", "https"):
        return endpoint
    if parts.scheme != "https":
        raise DomainError("notify.error.endpoint_not_https")
    if _is_ip_literal(host) or not _host_allowed(host):
        raise DomainError("notify.error.endpoint_host")
    return endpoint


def check_p256dh(value: Any) -> str:
    try:
        raw = b64url_decode(value, allow_padding=True)
    except ValueError as exc:
        raise DomainError("notify.error.p256dh_invalid") from exc
    if len(raw) != 65 or raw[0] != 0x04:
        raise DomainError("notify.error.p256dh_invalid")
    try:  # the point must really lie on P-256, or encryption would fail later
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError as exc:
        raise DomainError("notify.error.p256dh_invalid") from exc
    return b64url_encode(raw)


def check_auth(value: Any) -> str:
    try:
        raw = b64url_decode(value, allow_padding=True)
    except ValueError as exc:
        raise DomainError("notify.error.auth_invalid") from exc
    if len(raw) != 16:
        raise DomainError("notify.error.auth_invalid")
    return b64url_encode(raw)


def validate_subscription(raw: Any, allow_loopback: bool | None = None) -> ValidSubscription:
    """Return the normalised subscription or raise DomainError (nothing half-accepted)."""
    if allow_loopback is None:
        allow_loopback = loopback_allowed()
    if not isinstance(raw, dict) or not set(raw) <= _SUB_KEYS or not isinstance(raw.get("keys"), dict):
        raise DomainError("notify.error.subscription_shape")
    keys = raw["keys"]
    if set(keys) != {"p256dh", "auth"}:
        raise DomainError("notify.error.subscription_shape")
    expiration = raw.get("expirationTime")
    if expiration is not None and (isinstance(expiration, bool) or not isinstance(expiration, int | float)):
        raise DomainError("notify.error.subscription_shape")
    endpoint = check_endpoint(raw.get("endpoint"), allow_loopback)
    return ValidSubscription(endpoint, check_p256dh(keys["p256dh"]), check_auth(keys["auth"]))
