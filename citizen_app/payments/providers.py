"""The payment provider contract (base class) and the provider registry.

A provider is a gateway adapter. The service layer owns orders and their states; a provider only talks to
its gateway: it builds the redirect, checks signatures and reports what the gateway says, as dataclasses.
Gateway signing stays inside the provider (see ``signing.py`` and ``sandbox.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from sqlmodel import Session

from citizen_app.core.config import UnsafeConfiguration, env_flag, settings
from citizen_app.core.errors import DomainError
from citizen_app.payments.models import PayOrder

MAX_PROVIDER_ID = 32

# What a gateway says about a payment.
GW_PAID = "paid"
GW_FAILED = "failed"
GW_CANCELLED = "cancelled"  # the payer cancelled at the gateway, or the gateway closed the unpaid transaction
GW_PENDING = "pending"
GW_UNKNOWN = "unknown"

# How the payer paid, in the words a receipt uses (``payments.method.<code>``): providers map their codes here.
METHODS = ("card_domestic", "card_international", "ewallet", "momo_wallet", "bank_transfer")

# How a provider takes the money: the payer is sent to a hosted page, or transfers to the merchant's account.
REDIRECT = "redirect"
BANK_TRANSFER = "bank_transfer"

PROVIDER_ENV = "PAYMENTS_PROVIDER"
DEFAULT_PROVIDER = "sandbox"


@dataclass(frozen=True)
class PaymentStart:
    redirect_url: str
    order_code: str = ""  # the order being paid (a new one when another gateway replaced the old order)


@dataclass(frozen=True)
class GatewayResult:
    """A signature-checked statement from the gateway about one order."""

    order_code: str
    amount_vnd: int | None
    status: str  # GW_PAID | GW_FAILED | GW_PENDING | GW_UNKNOWN
    provider_txn: str = ""
    method: str = ""  # one of METHODS, or "" when the gateway did not say
    response_code: str = ""
    paid_at: datetime | None = None  # when the gateway took the money, as it reports it
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    ok: bool
    provider_ref: str = ""
    response_code: str = ""


@dataclass(frozen=True)
class Ack:
    """The HTTP answer a gateway expects to a notification (``body`` None: no content)."""

    status_code: int
    body: dict | None


@dataclass(frozen=True)
class SettlementEntry:
    """One money movement in the gateway's own report (what its merchant portal would export)."""

    at: datetime
    txn_ref: str  # the merchant's order code
    transaction_no: str
    kind: str  # "capture" | "refund"
    amount_vnd: int


class PaymentProvider:
    """Base class = contract. Override every method that raises ``NotImplementedError``."""

    id: ClassVar[str] = ""
    is_demo: bool = False  # served by the app itself: anyone can approve their own payment
    label_vi: ClassVar[str] = ""
    label_en: ClassVar[str] = ""
    flow: ClassVar[str] = REDIRECT
    notification_format: ClassVar[str] = "form"  # "form": query/form fields (VNPay); "json": a JSON body (MoMo)
    order_field: ClassVar[str] = ""  # the field naming the merchant's order code in the gateway's messages
    signature_field: ClassVar[str] = ""

    def create_payment(self, db: Session, order: PayOrder, *, base_url: str, lang: str,
                       client_ip: str) -> PaymentStart:
        """Return where to send the browser (the gateway's hosted page) for this order."""
        raise NotImplementedError

    def verify_return(self, params: Mapping[str, str]) -> GatewayResult | None:
        """Check the browser return; ``None`` if unsigned or tampered. Never used to mark an order paid."""
        raise NotImplementedError

    def parse_notification(self, params: Mapping[str, str]) -> GatewayResult | None:
        """Check a server-to-server notification; ``None`` if the signature is missing or wrong."""
        raise NotImplementedError

    def ack(self, outcome: str) -> Ack:
        """Translate a service outcome code (``NotificationOutcome``) into the gateway's expected answer."""
        raise NotImplementedError

    def query(self, db: Session, order: PayOrder) -> GatewayResult:
        """Ask the gateway (verified channel) what happened to this order."""
        raise NotImplementedError

    def refund(self, db: Session, order: PayOrder, amount_vnd: int, reason: str) -> RefundResult:
        raise NotImplementedError

    def cancel(self, db: Session, order: PayOrder) -> bool:
        """Ask the gateway to close an unpaid transaction (a newer order replaced it, or the payer cancelled).

        Returns whether the gateway closed it. Many gateways cannot: a payment that still arrives is then a
        late payment, refunded by the service; so a gateway without cancellation simply returns False."""
        return False

    def settlement(self, db: Session, start: datetime, end: datetime) -> list[SettlementEntry] | None:
        """The gateway's own report of captures and refunds between ``start`` and ``end`` (UTC), for
        reconciliation; None when the gateway offers none."""
        return None

    def order_code_of(self, params: Mapping[str, Any]) -> str:
        """The merchant's order code named in a (possibly forged) message, to find the order or for the log."""
        return str(params.get(self.order_field, ""))[:64]

    def is_signed(self, params: Mapping[str, Any]) -> bool:
        """The message carries a signature (forged or not): a return without one is a payer who left."""
        return bool(params.get(self.signature_field))

    def loggable(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """What of a notification may be kept in ``pay_notification`` (gateway fields, no personal data)."""
        return dict(params)

    def check_config(self) -> None:
        """Raise if the provider cannot work (missing secret, bad merchant code)."""

    # -- shared helpers ------------------------------------------------------------------------------
    def return_url(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/pay/return/{self.id}"

    def ipn_url(self, base_url: str) -> str:
        path = "notify" if self.notification_format == "json" else "ipn"
        return f"{base_url.rstrip('/')}/api/pay/{path}/{self.id}"

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi


SANDBOX_ENV = "PAYMENTS_SANDBOX"
SANDBOX_ON_HTTPS_ENV = "PAYMENTS_SANDBOX_ON_HTTPS_I_UNDERSTAND"


def sandbox_enabled() -> bool:
    """The sandbox gateway lets anyone approve their own payment: it is on only when ``PAYMENTS_SANDBOX=1``
    (``make run``, tests), and never on an https site without ``PAYMENTS_SANDBOX_ON_HTTPS_I_UNDERSTAND=1``."""
    return env_flag(SANDBOX_ENV) and (not settings().public_site or env_flag(SANDBOX_ON_HTTPS_ENV))


def check_sandbox_safety() -> None:
    """Start-up check: the sandbox on an https ``PUBLIC_URL`` (a real site) needs the explicit override."""
    if env_flag(SANDBOX_ENV) and settings().public_site and not env_flag(SANDBOX_ON_HTTPS_ENV):
        raise UnsafeConfiguration(
            f"{SANDBOX_ENV}=1 with PUBLIC_URL={settings().public_url}: the sandbox payment gateway lets every "
            f"citizen approve their own payments. Unset {SANDBOX_ENV} (and configure a real gateway), or, for a "
            f"public demonstration where no real money is due, also set {SANDBOX_ON_HTTPS_ENV}=1.")


class ProviderRegistry:
    """``@registry("id")`` registers one instance per class; demo providers only when enabled."""

    def __init__(self, demo_enabled: Callable[[], bool] = sandbox_enabled) -> None:
        self._providers: dict[str, PaymentProvider] = {}
        self._demo_enabled = demo_enabled

    def __call__(self, provider_id: str) -> Callable[[type[PaymentProvider]], type[PaymentProvider]]:
        def decorator(cls: type[PaymentProvider]) -> type[PaymentProvider]:
            self.register(provider_id, cls())
            return cls

        return decorator

    def register(self, provider_id: str, provider: PaymentProvider) -> None:
        if not provider_id or len(provider_id) > MAX_PROVIDER_ID or not provider_id.isidentifier():
            raise ValueError(f"bad provider id {provider_id!r}")
        if provider_id in self._providers:
            raise ValueError(f"provider {provider_id!r} already registered")
        provider.id = provider_id
        self._providers[provider_id] = provider

    def _enabled(self, provider: PaymentProvider) -> bool:
        return not provider.is_demo or self._demo_enabled()

    def get(self, provider_id: str) -> PaymentProvider:
        provider = self._providers.get(provider_id)
        if provider is None or not self._enabled(provider):
            raise DomainError("payments.unknown_provider", provider=provider_id)
        return provider

    def __iter__(self) -> Iterator[PaymentProvider]:
        return (p for p in self._providers.values() if self._enabled(p))

    def choices(self, lang: str = "vi") -> list[tuple[str, str]]:
        """The gateways a payer may pick on the order page, the configured default first (bank transfer
        has its own button)."""
        default = default_provider_id()
        found = [p for p in self if p.flow == REDIRECT]
        found.sort(key=lambda p: p.id != default)
        return [(p.id, p.label(lang)) for p in found]

    def default(self) -> PaymentProvider:
        """The configured provider every caller (metro, procedures, test orders) pays with."""
        return self.get(default_provider_id())


def default_provider_id() -> str:
    """``PAYMENTS_PROVIDER`` (e.g. ``sandbox``, ``momo``), else the sandbox gateway."""
    return os.environ.get(PROVIDER_ENV, "").strip() or DEFAULT_PROVIDER


payment_providers = ProviderRegistry()
