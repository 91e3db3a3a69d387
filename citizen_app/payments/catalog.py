"""Product kinds and the receiving account, loaded from ``data/payments/`` and validated once."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from citizen_app.core.config import ROOT
from citizen_app.core.errors import DomainError

DATA_DIR = ROOT / "data" / "payments"
REFUND_POLICIES = ("none", "full", "partial")
PER_ORDER = "per_order"  # the selling pillar names the owning agency of each order
_KIND_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
_AGENCY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class ProductKind:
    kind: str
    label_vi: str
    label_en: str
    refund: str  # none | full | partial
    ttl_minutes: int
    max_amount_vnd: int
    agency: str | None = None  # owning agency's code, PER_ORDER, or None (only the payer and admins see)

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi


@dataclass(frozen=True)
class Merchant:
    merchant_name: str
    bank_bin: str
    bank_name_vi: str
    bank_name_en: str
    account_no: str
    sandbox_tmn_code: str


def _product(raw: dict) -> ProductKind:
    item = ProductKind(kind=raw["kind"], label_vi=raw["label_vi"], label_en=raw["label_en"],
                       refund=raw["refund"], ttl_minutes=int(raw["ttl_minutes"]),
                       max_amount_vnd=int(raw["max_amount_vnd"]), agency=raw.get("agency"))
    if not _KIND_RE.match(item.kind):
        raise ValueError(f"bad product kind {item.kind!r}")
    if item.refund not in REFUND_POLICIES:
        raise ValueError(f"bad refund policy {item.refund!r} for {item.kind}")
    if not 1 <= item.ttl_minutes <= 24 * 60 or item.max_amount_vnd <= 0:
        raise ValueError(f"bad limits for {item.kind}")
    if item.agency is not None and not _AGENCY_RE.match(item.agency):
        raise ValueError(f"bad agency {item.agency!r} for {item.kind}")
    return item


def load_products(path: Path | None = None) -> dict[str, ProductKind]:
    data = json.loads((path or DATA_DIR / "products.json").read_text(encoding="utf-8"))
    items = [_product(raw) for raw in data["kinds"]]
    kinds = {item.kind: item for item in items}
    if len(kinds) != len(items):
        raise ValueError("duplicate product kind")
    return kinds


def load_merchant(path: Path | None = None) -> Merchant:
    data = json.loads((path or DATA_DIR / "merchant.json").read_text(encoding="utf-8"))
    merchant = Merchant(**{k: v for k, v in data.items() if not k.startswith("_")})
    if not re.fullmatch(r"\d{6}", merchant.bank_bin):
        raise ValueError("bank_bin must be 6 digits")
    if not re.fullmatch(r"[0-9A-Za-z]{1,19}", merchant.account_no):
        raise ValueError("account_no must be 1-19 alphanumerics")
    if not re.fullmatch(r"[0-9A-Z]{8}", merchant.sandbox_tmn_code):
        raise ValueError("sandbox_tmn_code must be 8 upper-case alphanumerics")
    return merchant


@lru_cache(maxsize=1)
def products() -> dict[str, ProductKind]:
    return load_products()


@lru_cache(maxsize=1)
def merchant() -> Merchant:
    return load_merchant()


def product(kind: str) -> ProductKind:
    found = products().get(kind)
    if found is None:
        raise DomainError("payments.unknown_product", kind=kind)
    return found
