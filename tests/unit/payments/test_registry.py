from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import utcnow
from citizen_app.payments import catalog, service
from citizen_app.payments.models import PayOrder
from citizen_app.payments.providers import GatewayResult, PaymentProvider, ProviderRegistry
from citizen_app.payments.sandbox import SandboxProvider
from tests.unit.payments.helpers import make_user, new_order


class BrokenProvider(PaymentProvider):
    def query(self, db: Session, order: PayOrder) -> GatewayResult:
        raise RuntimeError("gateway down")


def test_registry_rules() -> None:
    registry = ProviderRegistry(demo_enabled=lambda: False)
    registry.register("sandbox", SandboxProvider())
    with pytest.raises(ValueError):
        registry.register("sandbox", SandboxProvider())
    with pytest.raises(ValueError):
        registry.register("x" * 33, BrokenProvider())
    with pytest.raises(DomainError, match="unknown_provider"):
        registry.get("sandbox")  # demo providers hidden unless enabled
    assert list(registry) == []
    registry.register("broken", BrokenProvider())
    assert registry.choices() == [("broken", "")]


def test_base_class_is_the_contract() -> None:
    with pytest.raises(NotImplementedError):
        BrokenProvider().parse_notification({})


def test_reconcile_survives_a_failing_gateway(db: Session) -> None:
    registry = ProviderRegistry()
    registry.register("broken", BrokenProvider())
    registry.register("sandbox", SandboxProvider())
    user = make_user(db)
    t0 = utcnow()
    bad = new_order(db, user, now=t0)
    bad.provider = "broken"
    good = new_order(db, user, now=t0)
    db.commit()
    report = service.reconcile_pending(db, t0 + timedelta(hours=1), registry=registry)
    db.commit()
    assert (report.checked, report.errors, report.expired) == (2, 1, 1)
    db.refresh(bad)
    db.refresh(good)
    assert (bad.status, good.status) == ("pending", "expired")


def test_catalog_validation(tmp_path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"kinds": [{"kind": "x1", "label_vi": "a", "label_en": "a", "refund": "sometimes",'
                    ' "ttl_minutes": 5, "max_amount_vnd": 1}]}')
    with pytest.raises(ValueError):
        catalog.load_products(path)
    assert set(catalog.products()) >= {"metro_ticket", "procedure_fee"}
    assert catalog.merchant().bank_bin.isdigit()


def test_fulfilment_registry_refuses_duplicates() -> None:
    registry = service.FulfilmentRegistry()
    registry.on_paid("k")(lambda db, order: None)
    with pytest.raises(ValueError):
        registry.on_paid("k")(lambda db, order: None)
