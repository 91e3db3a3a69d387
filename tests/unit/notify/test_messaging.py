"""The SMS/e-mail provider registry: the development outbox only when explicitly enabled, a real adapter chosen by
MESSAGING_PROVIDER, and a clear refusal when nothing can send."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from citizen_app.core.errors import DomainError
from citizen_app.notify import messaging
from citizen_app.notify.models import NotifyDevMessage


class RecordingGateway(messaging.MessageProvider):
    channels = frozenset({messaging.SMS})

    def __init__(self) -> None:
        self.sent: list[messaging.OutgoingMessage] = []

    def send(self, db: Session, message: messaging.OutgoingMessage) -> None:
        self.sent.append(message)


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("CDS_DEV_OUTBOX", raising=False)
    monkeypatch.delenv("MESSAGING_PROVIDER", raising=False)
    return monkeypatch


def test_dev_outbox_is_off_by_default(db: Session, clean_env: pytest.MonkeyPatch) -> None:
    assert messaging.message_providers.active() is None
    with pytest.raises(DomainError) as err:
        messaging.send_message(db, "0903123456", "test", "identity.alert.verified_body")
    assert err.value.code == "notify.messaging.unavailable"
    clean_env.setenv("CDS_DEV_OUTBOX", "1")
    messaging.send_message(db, "an@example.vn", "test", "identity.alert.verified_body", lang="en")
    row = db.exec(select(NotifyDevMessage)).one()
    assert (row.channel, row.recipient, row.subject) == ("email", "an@example.vn", "Công dân số")
    assert row.body.startswith("Công dân số: a ward official checked the ID card")


def test_messaging_provider_picks_a_registered_gateway(db: Session, clean_env: pytest.MonkeyPatch) -> None:
    registry = messaging.MessagingRegistry(dev_enabled=lambda: False)
    gateway = RecordingGateway()
    registry.register("vendor_sms", gateway)
    assert registry.active() is None  # registered is not chosen
    clean_env.setenv("MESSAGING_PROVIDER", "vendor_sms")
    messaging.send_message(db, "0903123456", "registration_code", "identity.register.msg_code",
                           {"code": "123456", "minutes": 10}, "vi", registry=registry)
    assert [m.channel for m in gateway.sent] == ["sms"] and "123456" in gateway.sent[0].body
    with pytest.raises(DomainError):  # this gateway cannot send e-mail
        messaging.send_message(db, "an@example.vn", "test", "identity.alert.verified_body", registry=registry)
    clean_env.setenv("MESSAGING_PROVIDER", "nobody")
    assert registry.active() is None


def test_registry_refuses_bad_providers() -> None:
    registry = messaging.MessagingRegistry()
    with pytest.raises(ValueError):
        registry.register("bad id", RecordingGateway())
    registry.register("one", RecordingGateway())
    with pytest.raises(ValueError):
        registry.register("one", RecordingGateway())
    with pytest.raises(ValueError):
        registry.register("fax", type("Fax", (messaging.MessageProvider,), {"channels": frozenset({"fax"})})())
