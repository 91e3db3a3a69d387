from __future__ import annotations

import pytest

from citizen_app.core.errors import DomainError
from citizen_app.i18n.catalog import translate
from citizen_app.notify.validation import validate_subscription
from tests.unit.notify.pushkit import FakeBrowser, b64u

FCM = "https://fcm.googleapis.com/fcm/send/abc:APA91bH"


def _sub(endpoint: str = FCM, **keys: str) -> dict:
    sub = FakeBrowser().subscription(endpoint)
    sub["keys"].update(keys)
    return sub


def _code(raw: object, allow_loopback: bool = False) -> str:
    with pytest.raises(DomainError) as info:
        validate_subscription(raw, allow_loopback)
    return info.value.code


@pytest.mark.parametrize("endpoint", [
    FCM, "https://updates.push.services.mozilla.com/wpush/v2/gAAAA", "https://web.push.apple.com/QGxY",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
])
def test_known_push_services_are_accepted(endpoint: str) -> None:
    valid = validate_subscription(_sub(endpoint), allow_loopback=False)
    assert valid.endpoint == endpoint and len(valid.p256dh) == 87 and len(valid.auth) == 22


def test_padded_base64_is_normalised() -> None:
    browser = FakeBrowser()
    sub = browser.subscription(FCM)
    sub["keys"]["auth"] += "=="
    assert validate_subscription(sub, False).auth == b64u(browser.auth)


@pytest.mark.parametrize(("endpoint", "code"), [
    ("http://fcm.googleapis.com/fcm/send/x", "notify.error.endpoint_not_https"),
    ("https://evil.example.com/push", "notify.error.endpoint_host"),
    ("https://fcm.googleapis.com.evil.com/x", "notify.error.endpoint_host"),
    ("https://10.0.0.5/push", "notify.error.endpoint_host"),
    ("https://user:pw@fcm.googleapis.com/x", "notify.error.endpoint_invalid"),
    ("https://fcm.googleapis.com:99999/x", "notify.error.endpoint_invalid"),
    ("ftp://fcm.googleapis.com/x", "notify.error.endpoint_not_https"),
    ("http://127.0.0.1:8080/push", "notify.error.endpoint_not_https"),
    ("", "notify.error.endpoint_invalid"),
])
def test_bad_endpoints_are_refused(endpoint: str, code: str) -> None:
    assert _code(_sub(endpoint)) == code


def test_loopback_only_when_allowed() -> None:
    sub = _sub("http://127.0.0.1:8080/push/1")
    assert _code(sub, allow_loopback=False) == "notify.error.endpoint_not_https"
    assert validate_subscription(sub, allow_loopback=True).endpoint == "http://127.0.0.1:8080/push/1"
    assert validate_subscription(_sub("http://localhost:9/x"), allow_loopback=True)
    assert _code(_sub("http://192.168.1.2:80/x"), allow_loopback=True) == "notify.error.endpoint_not_https"


def test_loopback_flag_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUSH_ALLOW_LOOPBACK", raising=False)
    assert _code(_sub("http://127.0.0.1:1/x"), allow_loopback=None) == "notify.error.endpoint_not_https"  # type: ignore[arg-type]
    monkeypatch.setenv("PUSH_ALLOW_LOOPBACK", "1")
    assert validate_subscription(_sub("http://127.0.0.1:1/x"))


def test_p256dh_must_be_a_p256_point() -> None:
    point = bytearray(65)
    point[0] = 4
    not_on_curve = b64u(bytes(point))
    compressed = b64u(b"\x02" + bytes(32))
    for bad in (not_on_curve, compressed, b64u(b"\x04" + bytes(63)), "***", "", b64u(b"\x05" + bytes(64))):
        assert _code(_sub(p256dh=bad)) == "notify.error.p256dh_invalid"


def test_auth_must_be_16_bytes() -> None:
    for bad in (b64u(bytes(15)), b64u(bytes(17)), "not base64!", ""):
        assert _code(_sub(auth=bad)) == "notify.error.auth_invalid"


@pytest.mark.parametrize("raw", [
    None, [], "x", {"endpoint": FCM}, {"endpoint": FCM, "keys": "x"},
    {**_sub(), "extra": 1}, {**_sub(), "expirationTime": "soon"}, {**_sub(), "expirationTime": True},
    {"endpoint": FCM, "keys": {"p256dh": FakeBrowser().p256dh}},
])
def test_malformed_shapes(raw: object) -> None:
    assert _code(raw) == "notify.error.subscription_shape"


def test_every_error_is_translated() -> None:
    for key in ("subscription_shape", "endpoint_invalid", "endpoint_not_https", "endpoint_host",
                "p256dh_invalid", "auth_invalid"):
        code = f"notify.error.{key}"
        assert translate(code, "vi") != code and translate(code, "en") != code
        assert translate(code, "vi") != translate(code, "en")
