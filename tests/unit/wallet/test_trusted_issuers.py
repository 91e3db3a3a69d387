"""The trust list of issuers (data) and the wallet's reading of credential offers against it: only listed issuers,
only the configurations listed for them, only pre-authorized offers, and only public HTTPS addresses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from citizen_app.core.errors import DomainError
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import oid4vci_holder
from citizen_app.wallet import trusted_issuers as ti
from citizen_app.wallet.issuer import issuer_id, issuer_jwks
from citizen_app.wallet.oid4vci import PRE_AUTHORIZED_GRANT

SCHOOL = "https://school.example"
AGE = {"id": "age", "vct": "urn:cds:a18", "name": {"vi": "Trên 18 tuổi", "en": "Over 18"}}


def _listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *entries: dict[str, Any]) -> None:
    path = tmp_path / "trusted.json"
    path.write_text(json.dumps({"trusted_issuers": list(entries)}))
    monkeypatch.setenv(ti.FILE_ENV, str(path))


def _school(issuer: str = SCHOOL, **extra: Any) -> dict[str, Any]:
    return {"issuer": issuer, "name": {"vi": "Trường", "en": "School"}, "configurations": [AGE], **extra}


def _link(issuer: str = SCHOOL, ids: list[str] | None = None, grants: dict | None = None) -> str:
    offer = {"credential_issuer": issuer, "credential_configuration_ids": ids or ["age"],
             "grants": grants if grants is not None else {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": "c0de"}}}
    return "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer))


def test_the_shipped_list_trusts_the_city_itself_for_every_type_it_issues() -> None:
    issuers = ti.trusted_issuers()
    city = issuers[issuer_id()]
    assert city.own and city.jwks == issuer_jwks()
    assert city.vcts == {t.vct for t in cr.TYPES.values()}
    assert city.configurations["cds_age18"].vct == "urn:cds:a18"


@pytest.mark.parametrize("entry", [
    _school("http://school.example"), _school("https://school.example/"), _school(configurations=[]),
    {"issuer": SCHOOL, "name": {"vi": "Trường"}, "configurations": [AGE]},
])
def test_a_list_with_a_bad_entry_is_refused(tmp_path, monkeypatch, entry) -> None:
    _listed(tmp_path, monkeypatch, entry)
    with pytest.raises(ValueError):
        ti.trusted_issuers()


@pytest.mark.parametrize(("link", "code"), [
    (_link("https://other.example"), "untrusted_issuer"),
    (_link(ids=["age", "identity"]), "not_accepted"),
    (_link(grants={"authorization_code": {"issuer_state": "x"}}), "no_pre_authorized_code"),
    ("openid4vp://?client_id=x", "bad_offer"),
    ("openid-credential-offer://?credential_offer=%7Bnot-json", "bad_offer"),
    ("openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fevil.example%2Fo", "untrusted_issuer"),
])
def test_offers_are_read_only_from_listed_issuers_for_listed_configurations(tmp_path, monkeypatch, link,
                                                                            code) -> None:
    _listed(tmp_path, monkeypatch, _school())
    with pytest.raises(DomainError) as refused:
        oid4vci_holder.parse_offer(link)
    assert refused.value.code == f"identity.foreign.{code}"


@pytest.mark.parametrize("host", ["10.1.2.3", "127.0.0.1", "169.254.169.254", "[::1]"])
def test_a_listed_issuer_on_a_private_address_is_never_called(tmp_path, monkeypatch, host) -> None:
    _listed(tmp_path, monkeypatch, _school(f"https://{host}"))
    with pytest.raises(DomainError) as refused:
        oid4vci_holder.read_offer(_link(f"https://{host}"))
    assert refused.value.code == "identity.foreign.foreign_address"


def test_the_verifier_trusts_a_listed_issuer_only_for_its_types(tmp_path, monkeypatch) -> None:
    _listed(tmp_path, monkeypatch, _school(jwks={"keys": []}))
    issuers = ti.trusted_issuers()
    keys = ti.TrustedKeys(issuers)
    assert keys.get(SCHOOL) == {"keys": []} and keys.get("https://other.example") is None
    assert issuers[SCHOOL].vcts == {"urn:cds:a18"}


def test_an_issuer_whose_keys_cannot_be_fetched_fails_closed_and_is_not_called_again_at_once(
        tmp_path, monkeypatch) -> None:
    _listed(tmp_path, monkeypatch, _school())
    ti._KEYS.clear()
    calls: list[str] = []

    def unreachable(method: str, url: str, prefix: str, **_: Any):
        calls.append(url)
        raise DomainError(f"{prefix}.unreachable")

    monkeypatch.setattr(ti.outbound, "call", unreachable)
    keys = ti.TrustedKeys(ti.trusted_issuers())
    assert keys.get(SCHOOL) is None and keys.get(SCHOOL) is None
    assert calls == [f"{SCHOOL}/.well-known/jwt-vc-issuer"]
    ti._KEYS.clear()
