"""JWS ES256 and JWKs through joserfc, with our strict checks on top; checked against tokens, signatures and
thumbprints made here by hand with ``cryptography`` and ``hashlib`` (not through crypto.py)."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from citizen_app.identity.crypto import (
    JoseError,
    jwk_thumbprint,
    jwk_to_public_key,
    jws_encode,
    jws_parse,
    jws_verify,
    new_p256_key,
    public_jwk,
    verify_es256,
)

TYP = "cds-test"
HEADER = {"alg": "ES256", "typ": TYP, "kid": "k1"}
PAYLOAD = {"sub": 7, "nam": "Nguyễn Minh Khoa", "exp": 1_900_000_000}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(obj: object) -> str:
    """The JSON the hand-written helpers produced: compact separators, non-ASCII kept as UTF-8."""
    return _b64(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode())


def _by_hand(header: dict, payload: dict, key: ec.EllipticCurvePrivateKey) -> str:
    signing_input = f"{_segment(header)}.{_segment(payload)}"
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return f"{signing_input}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def _hs256(header: dict, payload: dict, secret: bytes) -> str:
    signing_input = f"{_segment(header)}.{_segment(payload)}"
    mac = hmac.HMAC(secret, hashes.SHA256())
    mac.update(signing_input.encode())
    return f"{signing_input}.{_b64(mac.finalize())}"


def test_tokens_keep_their_bytes_and_verify_both_ways() -> None:
    key = new_p256_key()
    token = jws_encode(HEADER, PAYLOAD, key)
    assert token.split(".")[:2] == [_segment(HEADER), _segment(PAYLOAD)]
    header_b64, payload_b64, sig_b64 = token.split(".")
    raw = base64.urlsafe_b64decode(sig_b64 + "==")
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.public_key().verify(der, f"{header_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    assert jws_verify(token, key.public_key(), TYP) == (HEADER, PAYLOAD)
    made_before = _by_hand(HEADER, PAYLOAD, key)
    assert jws_verify(made_before, key.public_key(), TYP) == (HEADER, PAYLOAD)
    header, payload, signing_input, signature = jws_parse(made_before)
    assert (header, payload) == (HEADER, PAYLOAD) and verify_es256(key.public_key(), signing_input, signature)


@pytest.mark.parametrize("alg", ["none", "HS256", "ES384", "ES256K", "EdDSA", None])
def test_any_alg_but_es256_is_refused(alg: str | None) -> None:
    """Even with a genuine ES256 signature of our key under it: the header must say what was done."""
    key = new_p256_key()
    header = {"typ": TYP} if alg is None else {"alg": alg, "typ": TYP}
    with pytest.raises(JoseError):
        jws_verify(_by_hand(header, PAYLOAD, key), key.public_key(), TYP)
    unsigned = f"{_segment(header)}.{_segment(PAYLOAD)}."
    with pytest.raises(JoseError):
        jws_verify(unsigned, key.public_key(), TYP)


def test_hs256_keyed_with_the_public_key_is_refused() -> None:
    """The classic confusion: an HMAC whose secret is the verifier's public key."""
    key = new_p256_key()
    secret = json.dumps(public_jwk(key)).encode()
    for header in ({"alg": "HS256", "typ": TYP}, {"alg": "HS256", "typ": TYP, "kid": "k1"}):
        with pytest.raises(JoseError):
            jws_verify(_hs256(header, PAYLOAD, secret), key.public_key(), TYP)


def test_another_key_a_tampered_payload_or_signature_and_another_typ_are_refused() -> None:
    key, rogue = new_p256_key(), new_p256_key()
    with pytest.raises(JoseError, match="bad_signature"):
        jws_verify(jws_encode(HEADER, PAYLOAD, rogue), key.public_key(), TYP)
    header_b64, _, sig_b64 = jws_encode(HEADER, PAYLOAD, key).split(".")
    tampered = f"{header_b64}.{_segment({**PAYLOAD, 'sub': 8})}.{sig_b64}"
    with pytest.raises(JoseError, match="bad_signature"):
        jws_verify(tampered, key.public_key(), TYP)
    good = jws_encode(HEADER, PAYLOAD, key)
    for broken in (good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB"), good + "AA", good[:-10]):
        with pytest.raises(JoseError):
            jws_verify(broken, key.public_key(), TYP)
    with pytest.raises(JoseError):
        jws_verify(good, key.public_key(), "other")
    header, payload, signing_input, signature = jws_parse(tampered)
    assert not verify_es256(key.public_key(), signing_input, signature)
    assert not verify_es256(key.public_key(), signing_input, signature[:63])


def test_crit_and_unencoded_payload_headers_are_refused() -> None:
    key = new_p256_key()
    for extra in ({"crit": ["exp"], "exp": 1}, {"b64": False, "crit": ["b64"]}, {"x-unknown": 1}):
        with pytest.raises(JoseError):
            jws_verify(_by_hand({**HEADER, **extra}, PAYLOAD, key), key.public_key(), TYP)


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c.d", ".e30.", "e30..", "!!!.e30.AA", "W10.e30.AA",
                                   f"{_segment(HEADER)}.{_b64(b'not json')}.AA", f"{_segment(HEADER)}.W10.AA"])
def test_malformed_tokens_are_joseerrors(token: str) -> None:
    with pytest.raises(JoseError, match="malformed"):
        jws_parse(token)


def test_public_jwk_is_p256_in_our_member_order_with_padded_coordinates() -> None:
    key = new_p256_key()
    numbers = key.public_key().public_numbers()
    jwk = public_jwk(key)
    assert list(jwk) == ["kty", "crv", "x", "y"]
    assert jwk == {"kty": "EC", "crv": "P-256", "x": _b64(numbers.x.to_bytes(32, "big")),
                   "y": _b64(numbers.y.to_bytes(32, "big"))}
    assert jwk_to_public_key(jwk).public_numbers() == numbers
    with pytest.raises(ValueError):
        public_jwk(ec.generate_private_key(ec.SECP384R1()))


def _p384_jwk() -> dict[str, str]:
    numbers = ec.generate_private_key(ec.SECP384R1()).public_key().public_numbers()
    return {"kty": "EC", "crv": "P-384", "x": _b64(numbers.x.to_bytes(48, "big")),
            "y": _b64(numbers.y.to_bytes(48, "big"))}


def test_jwks_on_another_curve_or_malformed_are_refused() -> None:
    good = public_jwk(new_p256_key())
    p384 = _p384_jwk()
    bad = [p384, {**p384, "crv": "P-256"}, {**good, "crv": "P-384"}, {**good, "crv": "secp256k1"},
           {**good, "kty": "RSA"}, {**good, "kty": "OKP", "crv": "Ed25519"}, {**good, "d": good["x"]},
           {**good, "x": good["x"][:-2]}, {**good, "y": good["x"]}, {**good, "x": 5}, {"kty": "EC", "crv": "P-256"},
           {**good, "x": "*" * 43}, "not a dict", None]
    for jwk in bad:
        with pytest.raises(JoseError, match="bad_key"):
            jwk_to_public_key(jwk)
        with pytest.raises(JoseError, match="bad_key"):
            jwk_thumbprint(jwk)  # type: ignore[arg-type]


def test_thumbprint_is_rfc7638_computed_by_hand() -> None:
    """RFC 7638 §3: SHA-256 over the required members in lexicographic order, no whitespace."""
    numbers = ec.derive_private_key(0x1234567890ABCDEF, ec.SECP256R1()).public_key().public_numbers()
    x, y = _b64(numbers.x.to_bytes(32, "big")), _b64(numbers.y.to_bytes(32, "big"))
    canonical = '{"crv":"P-256","kty":"EC","x":"' + x + '","y":"' + y + '"}'
    expected = _b64(hashlib.sha256(canonical.encode()).digest())
    jwk = {"y": y, "x": x, "kty": "EC", "crv": "P-256", "kid": "ignored", "use": "sig"}
    assert jwk_thumbprint(jwk) == expected
    assert jwk_thumbprint(public_jwk(ec.derive_private_key(0x1234567890ABCDEF, ec.SECP256R1()))) == expected
