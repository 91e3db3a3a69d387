"""Table-driven tests of the link checker: look-alikes, mixed scripts, http vs https, trailing dots, IP hosts,
shorteners, Unicode Vietnamese domains and phone numbers in many formats. Nothing touches the network."""

from __future__ import annotations

import socket

import pytest

from citizen_app.city import linkcheck
from citizen_app.core.errors import DomainError
from citizen_app.i18n.catalog import catalog

CASES = [
    # (input, verdict, reason codes that must be present, reason codes that must be absent)
    ("https://shopee.vn/product/123", "verified", {"verified_site"}, {"not_https"}),
    ("shopee.vn", "verified", {"verified_site"}, set()),
    ("HTTPS://SHOPEE.VN/", "verified", {"verified_site"}, set()),
    ("https://shopee.vn:443/x", "verified", {"verified_site"}, {"unusual_port"}),
    ("https://mall.shopee.vn/", "verified", {"verified_site"}, set()),
    ("http://shopee.vn", "unknown", {"not_https", "merchant_but_tricky"}, {"verified_site"}),
    ("http://shopee.vn:80/", "unknown", {"not_https"}, {"unusual_port"}),
    ("https://shopee.vn:8443/", "unknown", {"unusual_port"}, {"verified_site"}),
    ("https://shopee.vn./sale", "verified", {"verified_site", "trailing_dot"}, set()),
    ("https://tiki.vn../", "verified", {"trailing_dot"}, set()),
    # look-alikes: Cyrillic 'а', 'о', 'е', 'ѕ' in a Latin name
    ("https://shopee.vn".replace("o", "\u043e"), "unknown", {"mixed_scripts", "lookalike"}, {"verified_site"}),
    ("https://\u0455hopee.vn", "unknown", {"mixed_scripts", "lookalike", "punycode"}, set()),
    ("https://l\u0430zada.vn", "unknown", {"mixed_scripts", "lookalike"}, set()),
    ("https://xn--hopee-g2e.vn", "unknown", {"mixed_scripts", "lookalike", "punycode"}, set()),
    ("https://\u0442\u0456\u043a\u0456.vn", "unknown", {"punycode"}, {"verified_site"}),  # all-Cyrillic тікі
    ("https://shopee.vn".replace("ee", "\u0435\u0435"), "unknown", {"mixed_scripts", "lookalike"}, set()),
    ("https://sh0pee.vn", "unknown", {"lookalike"}, {"mixed_scripts"}),
    ("https://shoppe.vn", "unknown", {"similar_name"}, set()),
    ("https://lazada.com.vn", "unknown", {"other_suffix"}, set()),
    ("https://tlki.vn", "unknown", set(), {"verified_site"}),
    # subdomain and userinfo tricks
    ("https://shopee.vn.evil.com/login", "unknown", {"subdomain_trick", "lure_words"}, {"verified_site"}),
    ("https://shopee.vn@evil.com/", "unknown", {"userinfo"}, {"verified_site"}),
    ("https://evil.com@shopee.vn/", "unknown", {"userinfo", "merchant_but_tricky"}, {"verified_site"}),
    ("https://evil.com\\@shopee.vn", "unknown", {"backslash"}, {"verified_site"}),
    ("https://shopee.vn%40evil.com/", "unknown", {"encoded_host", "userinfo"}, {"verified_site"}),
    ("https://shopee-khuyenmai.xyz/nhan-qua", "reported", {"reported_site"}, set()),
    ("https://www.shopee-khuyenmai.xyz", "reported", {"reported_site"}, set()),
    ("https://shopee-qua-tang.top", "unknown", {"brand_elsewhere", "risky_tld", "odd_name"}, set()),
    ("https://example-shop.com", "unknown", {"not_in_lists"}, set()),
    # IP addresses in every notation browsers accept
    ("http://192.168.1.1/shop", "unknown", {"ip_host", "not_https"}, set()),
    ("http://3232235777/", "unknown", {"ip_host"}, set()),
    ("http://0xC0.0xA8.1.1/", "unknown", {"ip_host"}, set()),
    ("http://0300.0250.01.01/", "unknown", {"ip_host"}, set()),
    ("http://127.1/", "unknown", {"ip_host"}, set()),
    ("https://[2001:db8::1]/", "unknown", {"ip_host"}, set()),
    # shorteners are flagged, not followed
    ("https://bit.ly/3abcDEF", "unknown", {"shortener"}, set()),
    ("tinyurl.com/xyz", "unknown", {"shortener"}, set()),
    ("https://shope.ee/AbC123", "unknown", {"shortener"}, {"verified_site"}),
    # Unicode Vietnamese domains, both ways
    ("https://chợbàncờ.vn/", "verified", {"verified_site", "punycode"}, {"mixed_scripts", "odd_name"}),
    ("https://xn--chbnc-tqa5584ciba.vn/", "verified", {"verified_site"}, set()),
    ("https://CHỢBÀNCỜ.VN", "verified", {"verified_site"}, set()),
    ("https://chobanco.vn/", "unknown", {"lookalike"}, {"verified_site"}),
    ("https://bánhmì.vn", "unknown", {"punycode", "not_in_lists"}, {"mixed_scripts"}),
    # phone numbers in many formats
    ("0899 000 111", "reported", {"reported_phone", "never_share_otp"}, set()),
    ("+84 899 000 111", "reported", {"reported_phone"}, set()),
    ("(+84) 899.000.111", "reported", {"reported_phone"}, set()),
    ("84899000111", "reported", {"reported_phone"}, set()),
    ("0084-899-000-111", "reported", {"reported_phone"}, set()),
    ("tel:0588-000-222", "reported", {"reported_phone"}, set()),
    ("０８９９０００１１１", "reported", {"reported_phone"}, set()),  # full-width digits
    ("0900 000 111", "verified", {"verified_phone"}, set()),
    ("0903 123 456", "unknown", {"phone_not_in_lists"}, set()),
    ("1900 1234", "unknown", {"premium_phone"}, set()),
    ("+1 415 555 0100", "unknown", {"foreign_phone"}, set()),
]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the link checker must not use the network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize(("raw", "verdict", "present", "absent"), CASES, ids=[c[0] for c in CASES])
def test_tricky_inputs(raw: str, verdict: str, present: set[str], absent: set[str]) -> None:
    result = linkcheck.check(raw)
    codes = {r.code for r in result.reasons}
    assert result.verdict == verdict, (raw, result)
    assert present <= codes, (raw, codes)
    assert not (absent & codes), (raw, codes)


@pytest.mark.parametrize("raw", ["", "   ", "javascript:alert(1)", "data:text/html,hi", "shopee", "12345",
                                 "https://shop..vn", "abc\x00def", "x" * 2500, "ftp://shopee.vn"])
def test_bad_input_is_a_clear_error(raw: str) -> None:
    with pytest.raises(DomainError) as info:
        linkcheck.check(raw)
    assert info.value.code in catalog()


def test_unicode_and_punycode_are_the_same_site() -> None:
    a, b = linkcheck.check("https://chợbàncờ.vn"), linkcheck.check("https://xn--chbnc-tqa5584ciba.vn")
    assert a.ascii_form == b.ascii_form == "xn--chbnc-tqa5584ciba.vn"
    assert a.site == b.site == "chợbàncờ.vn"


def test_subdomain_trick_names_the_real_site() -> None:
    result = linkcheck.check("https://shopee.vn.evil.com/")
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


def test_every_reason_and_verdict_is_translated() -> None:
    messages = catalog()
    for raw, *_ in CASES:
        result = linkcheck.check(raw)
        assert f"city.verdict.{result.verdict}" in messages
        for reason in result.reasons:
            assert f"city.reason.{reason.code}" in messages, reason.code
