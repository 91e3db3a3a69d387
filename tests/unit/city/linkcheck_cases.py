"""The link checker's table of addresses and phone numbers with the verdict each must get (shared by the Python
engine's test and the test that runs the offline JS twin on the same inputs).

Each row: (input, verdict, reason codes that must be present, reason codes that must be absent). The lists are
the shipped snapshots (data/city/lists/): real brands and banks from the city's compiled lists, government
portals by the .gov.vn rule, registered shops and reported scams from the clearly marked sample entries.
"""

from __future__ import annotations

CYRILLIC_O = "\u043e"

CASES: list[tuple[str, str, set[str], set[str]]] = [
    # government portals: verified by the .gov.vn rule, fakes are danger
    ("https://dichvucong.gov.vn/", "verified", {"verified_gov", "gov_suffix"}, {"not_in_lists"}),
    ("dichvucong.gov.vn/p/home/dvc-trang-chu.html", "verified", {"verified_gov"}, set()),
    ("https://hochiminhcity.gov.vn", "verified", {"verified_gov", "gov_suffix"}, set()),
    ("https://dichvucong.hochiminhcity.gov.vn/vi/", "verified", {"gov_suffix"}, set()),
    ("https://sotuphap.hochiminhcity.gov.vn", "verified", {"gov_suffix"}, set()),
    ("https://chinhphu.vn", "verified", {"verified_gov"}, {"gov_suffix"}),
    ("https://baochinhphu.vn/", "verified", {"verified_gov"}, {"brand_elsewhere"}),
    ("http://dichvucong.gov.vn", "unknown", {"not_https", "merchant_but_tricky"}, {"verified_gov"}),
    ("http://dichvucong.gov.vn.login-secure.top/", "danger", {"subdomain_trick", "gov_impersonation", "lure_words"},
     {"verified_gov"}),
    ("https://abc.gov.vn.xyz/", "danger", {"gov_impersonation"}, {"gov_suffix"}),
    ("https://dichvucong-gov-vn.com", "danger", {"gov_impersonation"}, set()),
    ("https://dichvucong-govvn.top/nop-phat", "danger", {"gov_impersonation"}, set()),
    ("https://dichvuc0ng.com", "danger", {"lookalike", "gov_impersonation"}, set()),
    ("https://dichvucongquocgia.online", "danger", {"brand_elsewhere", "gov_impersonation"}, set()),
    ("https://hochiminhcity-gov.top", "danger", {"brand_elsewhere", "gov_impersonation"}, set()),
    ("https://chinhphu.com", "danger", {"other_suffix", "gov_impersonation"}, set()),
    # banks and e-wallets licensed by the State Bank, and their fakes
    ("https://vietcombank.com.vn", "verified", {"verified_site"}, {"sample_entry"}),
    ("https://www.vietcombank.com.vn/vi-VN/Personal", "verified", {"verified_site"}, set()),
    ("https://vietc0mbank.com.vn", "danger", {"lookalike"}, {"verified_site"}),
    ("https://vietcombbank.com.vn", "danger", {"similar_name"}, set()),
    ("https://vietcmbank.com.vn/dang-nhap", "danger", {"similar_name", "lure_words"}, set()),
    ("https://vietcombank-hotro.com", "danger", {"brand_elsewhere", "lure_words"}, set()),
    ("https://vietcombankvn.online", "danger", {"brand_elsewhere", "risky_tld"}, set()),
    ("https://vietcombank.com", "danger", {"other_suffix"}, set()),
    ("https://vietcombank.com.vn.xac-minh.info", "danger", {"subdomain_trick"}, set()),
    ("https://techcombank.com", "verified", {"verified_site"}, set()),
    ("https://techc0mbank.com", "danger", {"lookalike"}, set()),
    ("https://mbbank.com.vn", "verified", {"verified_site"}, set()),
    ("https://mbbank-xacthuc.xyz", "danger", {"brand_elsewhere", "risky_tld"}, set()),
    ("https://bidv.com.vn", "verified", {"verified_site"}, set()),
    ("https://bidv-online.net", "danger", {"brand_elsewhere"}, set()),
    ("https://vietinbank.vn", "verified", {"verified_site"}, set()),
    ("https://viettinbank.vn", "danger", {"similar_name"}, set()),
    ("https://agrlbank.com.vn", "danger", {"lookalike"}, set()),
    ("https://acb.com.vn", "verified", {"verified_site"}, set()),
    ("https://momo.vn", "verified", {"verified_site"}, set()),
    ("https://m0m0.vn", "danger", {"lookalike"}, set()),
    ("https://momo-nhanqua.com", "danger", {"brand_elsewhere", "lure_words"}, set()),
    ("https://memo.vn", "unknown", {"not_in_lists"}, {"similar_name", "lookalike"}),
    ("https://zalopay.vn", "verified", {"verified_site"}, set()),
    ("https://zaIopay.vn", "danger", {"lookalike"}, set()),
    # well-known brands: news, platforms, shops
    ("https://vnexpress.net", "verified", {"verified_site"}, set()),
    ("https://vnexpresss.net", "danger", {"similar_name"}, set()),
    ("https://vnexpress.com", "unknown", {"other_suffix"}, {"verified_site"}),
    ("https://g00gle.com", "danger", {"lookalike"}, {"verified_site"}),
    ("https://gooogle.com", "danger", {"similar_name"}, set()),
    ("https://google.com.vn/search?q=x", "verified", {"verified_site"}, set()),
    ("https://faceb00k-login.com", "danger", {"brand_elsewhere", "lure_words"}, set()),
    ("https://youtube.com/watch?v=x", "verified", {"verified_site"}, set()),
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
    # look-alikes: Cyrillic letters, digits for letters, rn for m, doubled letters
    ("https://shopee.vn".replace("o", CYRILLIC_O), "danger", {"mixed_scripts", "lookalike"}, {"verified_site"}),
    ("https://\u0455hopee.vn", "danger", {"mixed_scripts", "lookalike", "punycode"}, set()),
    ("https://l\u0430zada.vn", "danger", {"mixed_scripts", "lookalike"}, set()),
    ("https://xn--hopee-g2e.vn", "danger", {"mixed_scripts", "lookalike", "punycode"}, set()),
    ("https://\u0442\u0456\u043a\u0456.vn", "unknown", {"punycode"}, {"verified_site"}),  # all-Cyrillic тікі
    ("https://sh0pee.vn", "danger", {"lookalike"}, {"mixed_scripts"}),
    ("https://shoppe.vn", "danger", {"similar_name"}, set()),
    ("https://rnomo.vn", "danger", {"lookalike"}, set()),
    ("https://tlki.vn", "danger", {"lookalike"}, {"verified_site"}),
    ("https://lazada.com.vn", "unknown", {"other_suffix"}, set()),
    ("https://shopee-qua-tang.top", "danger", {"brand_elsewhere", "risky_tld", "odd_name"}, set()),
    # subdomain, user@host and encoding tricks
    ("tiki.vn.khuyenmai.xyz", "danger", {"subdomain_trick", "lure_words", "risky_tld"}, {"verified_site"}),
    ("https://shopee.vn.evil.com/login", "danger", {"subdomain_trick", "lure_words"}, {"verified_site"}),
    ("https://shopee.vn@evil.com/", "danger", {"userinfo"}, {"verified_site"}),
    ("https://evil.com@shopee.vn/", "danger", {"userinfo", "merchant_but_tricky"}, {"verified_site"}),
    ("https://evil.com\\@shopee.vn", "unknown", {"backslash"}, {"verified_site"}),
    ("https://shopee.vn%40evil.com/", "danger", {"encoded_host", "userinfo"}, {"verified_site"}),
    # IP addresses in every notation browsers accept
    ("http://192.168.1.1/shop", "danger", {"ip_host", "not_https"}, set()),
    ("http://3232235777/", "danger", {"ip_host"}, set()),
    ("http://0xC0.0xA8.1.1/", "danger", {"ip_host"}, set()),
    ("http://0300.0250.01.01/", "danger", {"ip_host"}, set()),
    ("http://127.1/", "danger", {"ip_host"}, set()),
    ("https://[2001:db8::1]/", "danger", {"ip_host"}, set()),
    # shorteners are flagged, not followed
    ("https://bit.ly/3abcDEF", "unknown", {"shortener"}, set()),
    ("tinyurl.com/xyz", "unknown", {"shortener"}, set()),
    ("https://shope.ee/AbC123", "unknown", {"shortener"}, {"verified_site"}),
    # registered shops (Ministry of Industry and Trade) and trust-labelled sites (NCSC): sample entries
    ("https://chợbàncờ.example/", "verified", {"verified_site", "punycode", "sample_entry"},
     {"mixed_scripts", "odd_name"}),
    ("https://xn--chbnc-tqa5584ciba.example/", "verified", {"verified_site"}, set()),
    ("https://CHỢBÀNCỜ.EXAMPLE", "verified", {"verified_site"}, set()),
    ("https://chobanco.example/", "danger", {"lookalike"}, {"verified_site"}),
    ("https://banco-shop.example/gio-hang", "verified", {"verified_site", "sample_entry"}, set()),
    ("https://san-mau.example", "verified", {"verified_site"}, set()),
    ("https://da-huy-mau.example", "unknown", {"not_in_lists"}, {"verified_site"}),
    ("https://benhvien-mau.example", "verified", {"verified_site", "sample_entry"}, set()),
    ("https://het-han-mau.example", "unknown", {"not_in_lists"}, set()),
    ("https://example-shop.com", "unknown", {"not_in_lists"}, set()),
    ("https://bánhmì.vn", "unknown", {"punycode", "not_in_lists"}, {"mixed_scripts"}),
    # reported scams: the community blacklist and the city's own list
    ("https://shopee-khuyenmai.xyz/nhan-qua", "reported", {"reported_site", "sample_entry"}, set()),
    ("https://www.shopee-khuyenmai.xyz", "reported", {"reported_site"}, set()),
    ("http://lazada-sale.top/ctv", "reported", {"reported_site"}, set()),
    ("https://don-hang.tiki-vn.shop", "reported", {"reported_site"}, set()),
    ("https://hoan-tien-thue.online", "reported", {"reported_site"}, set()),
    # phone numbers: hotlines, their imitations, reported numbers, in many formats
    ("1900 545413", "verified", {"verified_phone"}, {"premium_phone"}),
    ("1900545414", "danger", {"phone_lookalike", "premium_phone"}, {"verified_phone"}),
    ("1900 54541", "danger", {"phone_lookalike"}, set()),  # a digit missing
    ("1900 545 431", "danger", {"phone_lookalike"}, set()),
    ("1800 588 822", "verified", {"verified_phone"}, set()),
    ("1800 588 823", "danger", {"phone_lookalike"}, set()),
    ("1900 9247", "verified", {"verified_phone"}, set()),
    ("1900 5454 41", "verified", {"verified_phone"}, set()),
    ("0899 000 111", "reported", {"reported_phone", "never_share_otp"}, set()),
    ("+84 899 000 111", "reported", {"reported_phone"}, set()),
    ("(+84) 899.000.111", "reported", {"reported_phone"}, set()),
    ("84899000111", "reported", {"reported_phone"}, set()),
    ("0084-899-000-111", "reported", {"reported_phone"}, set()),
    ("tel:0588-000-222", "reported", {"reported_phone"}, set()),
    ("０８９９０００１１１", "reported", {"reported_phone"}, set()),  # full-width digits
    ("0903 123 456", "unknown", {"phone_not_in_lists"}, set()),
    ("1900 1234", "unknown", {"premium_phone"}, set()),
    ("+1 415 555 0100", "unknown", {"foreign_phone"}, set()),
]

BAD_INPUTS = ["", "   ", "javascript:alert(1)", "data:text/html,hi", "shopee", "12345", "https://shop..vn",
              "abc\x00def", "x" * 2500, "ftp://shopee.vn", "https://-shop.vn", "https://sh_op.vn", "https://[::1/"]
