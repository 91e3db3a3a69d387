"""The one base64url and Base45 implementation: RFC vectors, round trips and the strictness callers rely on."""

from __future__ import annotations

import pytest

from citizen_app.core.encoding import b45decode, b45encode, b64url_decode, b64url_encode


@pytest.mark.parametrize("data_len", [0, 1, 2, 3, 59, 60, 192])
def test_base45_roundtrip(data_len: int) -> None:
    raw = bytes((i * 37) % 256 for i in range(data_len))
    assert b45decode(b45encode(raw)) == raw


def test_base45_rfc9285_vectors() -> None:
    assert b45encode(b"AB") == "BB8"
    assert b45encode(b"Hello!!") == "%69 VD92EX0"
    assert b45encode(b"ietf!") == "QED8WEX0"
    assert b45decode("FGW") == b"\xff\xff"


@pytest.mark.parametrize("text", ["GGX", "abc", "BB8\n", "A", "BB8A", 42])
def test_base45_refuses_what_is_not_canonical(text: object) -> None:
    with pytest.raises(ValueError):
        b45decode(text)  # type: ignore[arg-type]


def test_base64url_roundtrip_without_padding() -> None:
    for n in range(0, 40):
        raw = bytes(range(n))
        text = b64url_encode(raw)
        assert "=" not in text and "+" not in text and "/" not in text
        assert b64url_decode(text) == raw


@pytest.mark.parametrize("text", ["ab+c", "ab/c", "a", "abc=", "ab cd", None, "é"])
def test_base64url_refuses_other_alphabets_and_padding(text: object) -> None:
    with pytest.raises(ValueError):
        b64url_decode(text)  # type: ignore[arg-type]


def test_base64url_padding_only_when_the_caller_allows_it() -> None:
    assert b64url_decode("YWI=", allow_padding=True) == b"ab"
    with pytest.raises(ValueError):
        b64url_decode("YWI=")
