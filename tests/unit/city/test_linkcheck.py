"""Table-driven tests of the link checker (tests/unit/city/linkcheck_cases.py): government portals, banks and
e-wallets, brands, look-alikes of each kind, registered shops, reported scams and phone numbers, against the
shipped lists. Nothing touches the network."""

from __future__ import annotations

import socket

import pytest

from citizen_app.city import linkcheck, trustlists
from citizen_app.core.errors import DomainError
from citizen_app.i18n.catalog import catalog
from tests.unit.city.linkcheck_cases import BAD_INPUTS, CASES


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("the link checker must not use the network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def _check(raw: str) -> linkcheck.CheckResult:
    return linkcheck.check(raw, trustlists.shipped_rules())


def test_the_table_has_every_kind_of_input() -> None:
    verdicts = {verdict for _, verdict, _, _ in CASES}
    assert len(CASES) >= 60 and verdicts == set(linkcheck.VERDICTS)
    kinds = {code for _, _, present, _ in CASES for code in present}
    assert {"lookalike", "similar_name", "brand_elsewhere", "other_suffix", "subdomain_trick", "gov_impersonation",
            "phone_lookalike", "verified_gov", "reported_site", "reported_phone", "sample_entry"} <= kinds


@pytest.mark.parametrize(("raw", "verdict", "present", "absent"), CASES, ids=[c[0][:60] for c in CASES])
def test_verdicts(raw: str, verdict: str, present: set[str], absent: set[str]) -> None:
    result = _check(raw)
    codes = {r.code for r in result.reasons}
    assert result.verdict == verdict, (raw, result)
    assert present <= codes, (raw, codes)
    assert not (absent & codes), (raw, codes)


@pytest.mark.parametrize("raw", BAD_INPUTS)
def test_bad_input_is_a_clear_error(raw: str) -> None:
    with pytest.raises(DomainError) as info:
        _check(raw)
    assert info.value.code in catalog()


def test_every_verdict_says_what_to_do_next() -> None:
    for raw, verdict, *_ in CASES:
        advice = [a.code for a in _check(raw).advice]
        assert advice, raw
        if verdict in ("reported", "danger"):
            assert "report_it" in advice and "verified_ok" not in advice, raw
        if verdict == "verified":
            assert advice == ["verified_ok"], raw


def test_a_fake_bank_site_or_number_shows_the_real_hotline() -> None:
    for raw in ("https://vietc0mbank.com.vn", "https://vietcombank-hotro.com", "1900545414"):
        call = next(a for a in _check(raw).advice if a.code == "call_hotline")
        assert call.params == {"merchant": "Vietcombank", "hotline": "1900 545413"}, raw
    assert _check("https://vietc0mbank.com.vn").advice[1].params == {"real": "vietcombank.com.vn"}


def test_a_government_fake_names_the_portal() -> None:
    result = _check("http://dichvucong.gov.vn.login-secure.top/")
    assert result.site == "login-secure.top"
    impersonation = next(r for r in result.reasons if r.code == "gov_impersonation")
    assert impersonation.params == {"real": "dichvucong.gov.vn"}
    verified = _check("https://dichvucong.gov.vn/")
    assert verified.merchant == "Cổng Dịch vụ công quốc gia" and verified.lists == (linkcheck.GOVERNMENT,)


def test_verified_names_the_list_it_comes_from() -> None:
    result = _check("https://momo.vn")
    reason = result.reasons[0]
    assert reason.code == "verified_site" and reason.params["merchant"] == "Ví MoMo"
    assert "Ngân hàng Nhà nước" in reason.params["list_vi"] and result.lists == ("sbv_payments",)


def test_unicode_and_punycode_are_the_same_site() -> None:
    a, b = _check("https://chợbàncờ.example"), _check("https://xn--chbnc-tqa5584ciba.example")
    assert a.ascii_form == b.ascii_form == "xn--chbnc-tqa5584ciba.example"
    assert a.site == b.site == "chợbàncờ.example"


def test_subdomain_trick_names_the_real_site() -> None:
    result = _check("https://shopee.vn.evil.com/")
    assert result.site == "evil.com"
    trick = next(r for r in result.reasons if r.code == "subdomain_trick")
    assert trick.params == {"real": "shopee.vn", "site": "evil.com"}


def test_ip_forms_normalise() -> None:
    assert linkcheck.ip_host("3232235777") == "192.168.1.1"
    assert linkcheck.ip_host("0x7f.1") == "127.0.0.1"
    assert linkcheck.ip_host("shopee.vn") is None
    assert linkcheck.ip_host("1.2.3.4.5") is None


def test_phone_parsing() -> None:
    assert linkcheck.parse_phone("(+84) 903.123.456") == "0903123456"
    assert linkcheck.parse_phone("028 3829 1234") == "02838291234"
    assert linkcheck.parse_phone("shopee.vn") is None
    assert linkcheck.phone_display("1900545413") == "1900 545413"


def test_every_reason_advice_and_verdict_is_translated() -> None:
    messages = catalog()
    for raw, *_ in CASES:
        result = _check(raw)
        assert f"city.verdict.{result.verdict}" in messages
        for reason in result.reasons:
            assert f"city.reason.{reason.code}" in messages, reason.code
        for step in result.advice:
            assert f"city.advice.{step.code}" in messages, step.code
