"""Product kinds and the receiving account, loaded from ``data/payments/`` and validated once (``CatalogError``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from citizen_app.core.catalog import CatalogModel, Text, load_file, require_unique
from citizen_app.core.config import ROOT
from citizen_app.core.errors import DomainError

DATA_DIR = ROOT / "data" / "payments"
PER_ORDER = "per_order"  # the selling pillar names the owning agency of each order


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
    momo_sandbox_partner_code: str
    seller_name: str  # the e-invoice seller: who collects the money
    tax_code: str  # the seller's tax code (mã số thuế), printed on receipts and kept for e-invoices
    address: str


class ProductKindSpec(CatalogModel):
    kind: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,31}$")]
    label_vi: Text
    label_en: Text
    refund: Literal["none", "full", "partial"]
    ttl_minutes: int = Field(ge=1, le=24 * 60)
    max_amount_vnd: int = Field(gt=0)
    agency: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")] | None = None


class ProductsFile(CatalogModel):
    """``products.json``: the kinds of thing that may be paid for."""

    kinds: list[ProductKindSpec]

    @model_validator(mode="after")
    def _unique_kinds(self) -> ProductsFile:
        require_unique(self.kinds, "kind", "kinds")
        return self


class MerchantFile(CatalogModel):
    """``merchant.json``: the receiving account shown in VietQR codes."""

    merchant_name: Text
    bank_bin: Annotated[str, Field(pattern=r"^\d{6}$")]
    bank_name_vi: Text
    bank_name_en: Text
    account_no: Annotated[str, Field(pattern=r"^[0-9A-Za-z]{1,19}$")]
    sandbox_tmn_code: Annotated[str, Field(pattern=r"^[0-9A-Z]{8}$")]
    momo_sandbox_partner_code: Annotated[str, Field(pattern=r"^[0-9A-Z]{4,20}$")]
    seller_name: Text
    tax_code: Annotated[str, Field(pattern=r"^\d{10}(-\d{3})?$")]  # 10 digits, or 13 for a dependent unit
    address: Text


def load_products(path: Path | None = None) -> dict[str, ProductKind]:
    checked = load_file(path or DATA_DIR / "products.json", ProductsFile)
    return {item.kind: ProductKind(**item.model_dump()) for item in checked.kinds}


def load_merchant(path: Path | None = None) -> Merchant:
    return Merchant(**load_file(path or DATA_DIR / "merchant.json", MerchantFile).model_dump())


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
