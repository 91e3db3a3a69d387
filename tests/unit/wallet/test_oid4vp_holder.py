"""The wallet's reading of a request of a verifier outside the city's registry (by value, ``redirect_uri:`` client
id) and the guard on where the server posts an answer (public HTTPS only)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from citizen_app.core.errors import DomainError
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import oid4vp_holder

URI = "https://bank.example/openid4vp/response"
DCQL = {"credentials": [{"id": "q", "format": "dc+sd-jwt", "meta": {"vct_values": [cr.TYPES["age18"].vct]},
                         "claims": [{"path": ["age_over_18"]}]}]}


def _link(**changes) -> str:
    params = {"response_type": "vp_token", "client_id": f"redirect_uri:{URI}", "response_uri": URI,
              "response_mode": "direct_post", "nonce": "n-0123456789", "state": "s-1", "dcql_query": json.dumps(DCQL)}
    params.update(changes)
    return "openid4vp://?" + urlencode({k: v for k, v in params.items() if v is not None})


def test_an_unknown_verifier_is_shown_as_such_with_its_address_and_claims(db) -> None:
    view = oid4vp_holder.read_request(db, _link())
    assert not view.known and view.host == "bank.example" and view.claims == ["age_over_18"]
    assert view.name["en"] == "A verifier not registered with the city (bank.example)"
    assert view.name["vi"].endswith("(bank.example)") and view.purpose["en"].startswith("This party has registered")
    assert view.encryption is None and (view.kind, view.query_id) == ("age18", "q")


@pytest.mark.parametrize(("changes", "code"), [
    ({"client_id": "redirect_uri:https://other.example/cb"}, "foreign_request"),
    ({"client_id": "bank"}, "foreign_request"),
    ({"response_uri": "http://bank.example/r", "client_id": "redirect_uri:http://bank.example/r"}, "foreign_request"),
    ({"request_uri": "https://bank.example/request"}, "foreign_request"),
    ({"response_uri": "https://tphcm.gov.vn@bank.example/r", "client_id": "redirect_uri:https://tphcm.gov.vn@bank.example/r"},
     "foreign_request"),
    ({"response_mode": "fragment"}, "bad_request"),
    ({"nonce": "short"}, "bad_request"),
    ({"dcql_query": json.dumps({"credentials": [{**DCQL["credentials"][0], "claims": [{"path": ["password"]}]}]})},
     "unsupported_query"),
    ({"dcql_query": "{not json"}, "bad_request"),
    ({"response_mode": "direct_post.jwt"}, "bad_request"),  # encrypted, but no key to encrypt to
])
def test_a_malformed_or_unsafe_request_is_refused_in_words(db, changes, code) -> None:
    with pytest.raises(DomainError) as refused:
        oid4vp_holder.read_request(db, _link(**changes))
    assert refused.value.code == f"identity.oid4vp.{code}"


def test_an_encrypted_request_names_the_key_and_a_content_encryption_we_support(db) -> None:
    key = {"kty": "EC", "crv": "P-256", "x": "x", "y": "y", "kid": "k1", "use": "enc", "alg": "ECDH-ES"}
    meta = json.dumps({"jwks": {"keys": [key]}, "encrypted_response_enc_values_supported": ["A192GCM", "A256GCM"]})
    view = oid4vp_holder.read_request(db, _link(response_mode="direct_post.jwt", client_metadata=meta))
    assert view.encryption == {"jwk": {k: key[k] for k in ("kty", "crv", "x", "y", "kid")}, "enc": "A256GCM"}


@pytest.mark.parametrize(("uri", "code"), [
    ("https://10.1.2.3/cb", "foreign_address"),
    ("https://127.0.0.1:8443/cb", "foreign_address"),
    ("https://[::1]/cb", "foreign_address"),
    ("https://169.254.169.254/latest", "foreign_address"),
    ("http://93.184.216.34/cb", "foreign_request"),
])
def test_the_server_posts_answers_only_to_public_https_addresses(uri, code) -> None:
    with pytest.raises(DomainError) as refused:
        oid4vp_holder.post_answer(uri, {"vp_token": "{}"})
    assert refused.value.code == f"identity.oid4vp.{code}"
