"""Text messages (SMS) and e-mail to a person: one-time codes and account security alerts.

Like the payment providers (``payments/providers.py``), a provider is a gateway adapter behind a small contract,
kept in a registry. The one built in is ``dev_outbox``: it sends nothing and keeps every message in the
``notify_dev_message`` table, shown at ``/dev/outbox``. It exists only when ``CDS_DEV_OUTBOX=1`` (set by
``make run`` and the tests' ``prod_app``), never by default.

Which provider sends: the registered id in ``MESSAGING_PROVIDER``, else ``dev_outbox`` when it is enabled, else
none. With none, ``require_provider`` raises ``notify.messaging.unavailable``: a feature that must prove a phone
number or e-mail address (registration) then refuses clearly instead of going on without the proof.

A real gateway adapter subclasses ``MessageProvider``: ``channels`` it can reach, ``send`` (called inside the
user's request: hand the message to the gateway's queue API with a short timeout, or to an outbox of the
adapter's own; never wait long on the network) and ``check_config``; it registers with
``@message_providers("<id>")`` in a module imported at start-up, and the deployment sets ``MESSAGING_PROVIDER``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError
from citizen_app.i18n.catalog import translate
from citizen_app.notify.models import NotifyDevMessage

log = logging.getLogger(__name__)

SMS = "sms"
EMAIL = "email"
CHANNELS = (SMS, EMAIL)
MAX_PROVIDER_ID = 32
DEV_OUTBOX_ENV = "CDS_DEV_OUTBOX"
PROVIDER_ENV = "MESSAGING_PROVIDER"


@dataclass(frozen=True)
class OutgoingMessage:
    channel: str  # SMS or EMAIL
    recipient: str  # a normalised mobile number (0…) or e-mail address
    purpose: str  # e.g. "registration_code", "security_alert": for the gateway's reports, never shown
    subject: str  # e-mail only
    body: str  # already in the recipient's language


class MessageProvider:
    """Base class = contract. Override ``send``; ``check_config`` raises when the provider cannot work."""

    id: ClassVar[str] = ""
    is_dev: ClassVar[bool] = False
    channels: ClassVar[frozenset[str]] = frozenset()

    def send(self, db: Session, message: OutgoingMessage) -> None:
        raise NotImplementedError

    def check_config(self) -> None:
        """Raise if the provider cannot work (missing API key, sender id)."""


def dev_outbox_enabled() -> bool:
    return os.environ.get(DEV_OUTBOX_ENV, "").lower() in ("1", "true", "yes")


class MessagingRegistry:
    """``@registry("id")`` registers one instance per class; development providers only when enabled."""

    def __init__(self, dev_enabled: Callable[[], bool] = dev_outbox_enabled) -> None:
        self._providers: dict[str, MessageProvider] = {}
        self._dev_enabled = dev_enabled

    def __call__(self, provider_id: str) -> Callable[[type[MessageProvider]], type[MessageProvider]]:
        def decorator(cls: type[MessageProvider]) -> type[MessageProvider]:
            self.register(provider_id, cls())
            return cls

        return decorator

    def register(self, provider_id: str, provider: MessageProvider) -> None:
        if not provider_id or len(provider_id) > MAX_PROVIDER_ID or not provider_id.isidentifier():
            raise ValueError(f"bad provider id {provider_id!r}")
        if provider_id in self._providers:
            raise ValueError(f"provider {provider_id!r} already registered")
        if not provider.channels or not provider.channels <= set(CHANNELS):
            raise ValueError(f"provider {provider_id!r} needs channels among {CHANNELS}")
        provider.id = provider_id
        self._providers[provider_id] = provider

    def _enabled(self, provider: MessageProvider) -> bool:
        return not provider.is_dev or self._dev_enabled()

    def get(self, provider_id: str) -> MessageProvider | None:
        provider = self._providers.get(provider_id)
        return provider if provider is not None and self._enabled(provider) else None

    def __iter__(self) -> Iterator[MessageProvider]:
        return (p for p in self._providers.values() if self._enabled(p))

    def active(self) -> MessageProvider | None:
        """The provider that sends: ``MESSAGING_PROVIDER``, else the dev outbox when enabled, else None."""
        chosen = os.environ.get(PROVIDER_ENV, "").strip()
        if not chosen:
            return self.get("dev_outbox") if self._dev_enabled() else None
        provider = self.get(chosen)
        if provider is None:
            log.warning("MESSAGING_PROVIDER=%r is not a registered, enabled provider: nothing can be sent", chosen)
        return provider


message_providers = MessagingRegistry()


@message_providers("dev_outbox")
class DevOutboxProvider(MessageProvider):
    """Development only: the message is stored for ``/dev/outbox`` instead of being sent."""

    is_dev = True
    channels = frozenset(CHANNELS)

    def send(self, db: Session, message: OutgoingMessage) -> None:
        db.add(NotifyDevMessage(channel=message.channel, recipient=message.recipient[:254],
                                purpose=message.purpose[:40], subject=message.subject[:200], body=message.body))


def channel_of(recipient: str) -> str:
    return EMAIL if "@" in recipient else SMS


def require_provider(channel: str, registry: MessagingRegistry = message_providers) -> MessageProvider:
    """The provider that can reach ``channel`` now; ``notify.messaging.unavailable`` when there is none."""
    provider = registry.active()
    if provider is None or channel not in provider.channels:
        raise DomainError("notify.messaging.unavailable")
    return provider


def send_message(db: Session, recipient: str, purpose: str, body_key: str, params: Mapping[str, Any] | None = None,
                 lang: str | None = "vi", registry: MessagingRegistry = message_providers) -> None:
    """Render ``body_key`` in ``lang`` and hand it to the provider for the recipient's channel.

    Raises ``notify.messaging.unavailable`` when nothing can reach that channel. Does not commit.
    """
    channel = channel_of(recipient)
    provider = require_provider(channel, registry)
    provider.send(db, OutgoingMessage(channel, recipient, purpose, translate("notify.messaging.subject", lang),
                                      translate(body_key, lang, **dict(params or {}))))


def send_to_addresses(db: Session, addresses: list[str], purpose: str, body_key: str,
                      params: Mapping[str, Any] | None = None, lang: str | None = "vi") -> int:
    """Send to each address that a provider can reach; returns how many were handed over. Used for alerts,
    which also go in-app and by push, so an address no provider can reach is skipped (and logged)."""
    sent = 0
    for address in addresses:
        try:
            send_message(db, address, purpose, body_key, params, lang)
        except DomainError:
            log.warning("no messaging provider for a %s alert (%s)", channel_of(address), purpose)
            continue
        sent += 1
    return sent


def dev_messages(db: Session, recipient: str = "", limit: int = 50) -> list[NotifyDevMessage]:
    """The development outbox, newest first (optionally for one recipient)."""
    query = select(NotifyDevMessage)
    if recipient:
        query = query.where(NotifyDevMessage.recipient == recipient)
    return list(db.exec(query.order_by(col(NotifyDevMessage.id).desc()).limit(max(1, min(limit, 200)))).all())
