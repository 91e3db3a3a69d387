"""Safe-shopping link checker: normalise a pasted shop link or phone number and answer from data.

Nothing here touches the network: short links are flagged, never followed. The answer is one of
``verified`` ("đã xác minh"), ``reported`` ("bị báo cáo lừa đảo") or ``unknown`` ("chưa rõ — cẩn thận"),
with the reasons as message keys (``city.reason.<code>``) and parameters.

Normalisation follows the WHATWG URL rules where they matter for tricks: backslashes count as slashes,
``user@host`` hides the real host, trailing dots and default ports are dropped, numeric hosts in any
IPv4 notation are addresses. Host names go through UTS #46 / IDNA 2008 both ways (Unicode <-> punycode);
look-alikes are found with a small UTS #39-style skeleton (Cyrillic/Greek letters that look Latin,
``rn``→``m``, ``0``→``o``…) and a mixed-script test per label.
"""

from __future__ import annotations

import ipaddress
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

import idna

from citizen_app.city.text import fold
from citizen_app.core.config import ROOT
from citizen_app.core.errors import DomainError

DATA = ROOT / "data" / "city"
MAX_INPUT = 2000
VERDICTS = ("verified", "reported", "unknown")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_PHONE_SHAPE = re.compile(r"^[+\d\s().\-]{6,24}$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|\d+)$")
# UTS #39 confusables that matter for shop names (subset): Cyrillic, Greek and Latin look-alikes.
_CONFUSABLES = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
    "ԁ": "d", "һ": "h", "ӏ": "l", "к": "k", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ı": "i", "ȷ": "j",
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k", "υ": "u", "χ": "x", "τ": "t", "ε": "e",
    "0": "o", "1": "l", "|": "l",
})
_SEQUENCES = (("rn", "m"), ("vv", "w"), ("cl", "d"))


@dataclass(frozen=True)
class Reason:
    code: str  # message key suffix: city.reason.<code>
    level: str  # "danger", "warn", "info" or "ok"
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    kind: str  # "url" or "phone"
    verdict: str  # one of VERDICTS
    display: str  # what we understood, readable (Unicode host, national phone format)
    ascii_form: str  # the punycode host, or the phone in +84 form
    site: str  # registrable domain (Unicode) or the phone number
    merchant: str = ""
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Rules:
    suffixes: frozenset[str]
    shorteners: frozenset[str]
    risky_tlds: frozenset[str]
    lure_words: tuple[str, ...]
    merchants: dict[str, str]  # ascii registrable domain -> merchant name
    brands: dict[str, str]  # brand keyword -> the merchant's first ascii domain
    merchant_phones: dict[str, str]
    reported_domains: dict[str, dict[str, str]]
    reported_phones: dict[str, dict[str, str]]


# --- data -----------------------------------------------------------------------------------------


def _load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def to_ascii(host: str) -> str:
    """Unicode or punycode host -> lower-case punycode (UTS #46, non-transitional). Raises DomainError."""
    try:
        return idna.encode(host, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise DomainError("city.link.invalid_host") from exc


def to_unicode(ascii_host: str) -> str:
    try:
        return idna.decode(ascii_host)
    except (idna.IDNAError, UnicodeError):
        return ascii_host


@lru_cache(maxsize=1)
def rules() -> Rules:
    """Load and validate the three data files once (a bad entry fails at start-up, not at request time)."""
    raw = _load("linkcheck_rules.json")
    merchants_raw, scams_raw = _load("verified_merchants.json"), _load("reported_scams.json")
    merchants: dict[str, str] = {}
    brands: dict[str, str] = {}
    phones: dict[str, str] = {}
    for item in merchants_raw["merchants"]:
        domains = [to_ascii(d) for d in item["domains"]]
        merchants.update({d: item["name"] for d in domains})
        brands[fold(item["brand"])] = domains[0]
        phones.update({_national(p): item["name"] for p in item.get("phones", [])})
    reported = {to_ascii(d["domain"]): d for d in scams_raw["domains"]}
    reported_phones = {_national(p["phone"]): p for p in scams_raw["phones"]}
    return Rules(frozenset(raw["public_suffixes"]), frozenset(to_ascii(s) for s in raw["shorteners"]),
                 frozenset(raw["risky_tlds"]), tuple(raw["lure_words"]), merchants, brands, phones, reported,
                 reported_phones)


# --- phone numbers --------------------------------------------------------------------------------


def _national(raw: str) -> str:
    value = parse_phone(raw)
    if value is None:
        raise ValueError(f"not a phone number in city data: {raw!r}")
    return value


def parse_phone(raw: str) -> str | None:
    """'+84 903 123 456', '(+84)903.123.456', '84903123456', 'tel:0903-123-456' -> '0903123456'.

    Returns None when the text is not shaped like a phone number; foreign numbers keep their '+'.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if text.lower().startswith("tel:"):
        text = text[4:].strip()
    if not _PHONE_SHAPE.match(text) or text.count("+") > 1 or text.replace("(", "").lstrip().find("+") > 0:
        return None
    digits = re.sub(r"\D", "", text)
    if "+" in text or digits.startswith("00"):
        digits = digits[2:] if digits.startswith("00") else digits
        if not digits.startswith("84"):
            return "+" + digits if 8 <= len(digits) <= 15 else None
        digits = "0" + digits[2:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if re.fullmatch(r"0[1-9]\d{8,9}", digits) or re.fullmatch(r"1[89]00\d{4,6}", digits):
        return digits
    return None


def _phone_display(national: str) -> str:
    if national.startswith("0") and len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return national


def check_phone(national: str) -> CheckResult:
    data = rules()
    intl = national if national.startswith("+") else "+84" + national[1:] if national.startswith("0") else national
    reasons: list[Reason] = []
    verdict, merchant = "unknown", ""
    if national in data.reported_phones:
        entry = data.reported_phones[national]
        verdict = "reported"
        reasons.append(Reason("reported_phone", "danger", {"since": entry.get("since", ""),
                                                           "note_vi": entry["note_vi"], "note_en": entry["note_en"]}))
    elif national in data.merchant_phones:
        verdict, merchant = "verified", data.merchant_phones[national]
        reasons.append(Reason("verified_phone", "ok", {"merchant": merchant}))
    if national.startswith("+"):
        reasons.append(Reason("foreign_phone", "warn"))
    if national.startswith("1900"):
        reasons.append(Reason("premium_phone", "warn"))
    if verdict == "unknown":
        reasons.append(Reason("phone_not_in_lists", "info"))
    reasons.append(Reason("never_share_otp", "info"))
    return CheckResult("phone", verdict, _phone_display(national), intl, national, merchant, tuple(reasons))


# --- URLs -----------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    scheme: str
    userinfo: str
    host: str
    port: str
    path: str


def _split_url(text: str) -> _Parsed:
    text = text.replace("\\", "/")  # WHATWG: a backslash is a slash in http(s) URLs
    lowered = text.lower()
    if re.match(r"^[a-z][a-z0-9+.\-]*:", lowered) and not re.match(r"^[^/:]+:\d", lowered) and "://" not in text:
        scheme = lowered.split(":", 1)[0]
        if scheme not in ("http", "https"):
            raise DomainError("city.link.bad_scheme", scheme=scheme[:20])
        text = scheme + "://" + text.split(":", 1)[1].lstrip("/")
    if "://" not in text:
        text = "//" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("", "http", "https"):
        raise DomainError("city.link.bad_scheme", scheme=scheme[:20])
    userinfo, _, hostport = parts.netloc.rpartition("@")
    host, port = _split_port(hostport)
    return _Parsed(scheme, userinfo, host, port, parts.path + (("?" + parts.query) if parts.query else ""))


def _split_port(hostport: str) -> tuple[str, str]:
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            raise DomainError("city.link.invalid_host")
        rest = hostport[end + 1:]
        return hostport[: end + 1], rest[1:] if rest.startswith(":") else ""
    if ":" in hostport:
        host, port = hostport.rsplit(":", 1)
        if port and not port.isdigit():
            raise DomainError("city.link.invalid_host")
        return host, port
    return hostport, ""


def _ipv4_number(label: str) -> int:
    if label.startswith("0x"):
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        return int(label, 8)
    return int(label)


def ip_host(host: str) -> str | None:
    """The address when the host is an IP in any notation browsers accept ('3232235777', '0x7f.1')."""
    if host.startswith("[") and host.endswith("]"):
        try:
            return str(ipaddress.IPv6Address(host[1:-1]))
        except ValueError:
            return None
    labels = host.split(".")
    if not labels or not all(_NUMERIC_LABEL.match(label) for label in labels) or len(labels) > 4:
        return None
    try:
        numbers = [_ipv4_number(label) for label in labels]
    except ValueError:
        return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = sum(n << (8 * (3 - i)) for i, n in enumerate(head)) + last
    return str(ipaddress.IPv4Address(value))


def registrable(ascii_host: str, suffixes: frozenset[str]) -> str:
    """The shop's own domain: one label more than the longest known public suffix."""
    labels = ascii_host.split(".")
    for size in range(len(labels) - 1, 0, -1):
        if ".".join(labels[-size:]) in suffixes:
            return ".".join(labels[-size - 1:])
    return ".".join(labels[-2:])


def scripts_of(label: str) -> set[str]:
    found = set()
    for ch in label:
        if ch.isalpha():
            found.add(unicodedata.name(ch, "UNKNOWN").split(" ")[0])
    return found


def skeleton(text: str) -> str:
    """Look-alike form: strip accents, map confusable letters and sequences ('shopее' -> 'shopee')."""
    base = "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))
    base = base.replace("đ", "d").translate(_CONFUSABLES)
    for seq, repl in _SEQUENCES:
        base = base.replace(seq, repl)
    return base


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, for typo-squatting."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _clean_host(raw_host: str) -> tuple[str, list[Reason]]:
    reasons: list[Reason] = []
    host = raw_host
    if "%" in host:
        host = unquote(host)
        reasons.append(Reason("encoded_host", "danger"))
        if "@" in host:
            shown, _, host = host.rpartition("@")
            reasons.append(Reason("userinfo", "danger", {"shown": shown[:60]}))
    host = unicodedata.normalize("NFC", host).strip()
    if host.endswith("."):
        host = host.rstrip(".")
        reasons.append(Reason("trailing_dot", "info"))
    if not host or ".." in host or any(ch.isspace() or ch in "@/?#" for ch in host):
        raise DomainError("city.link.invalid_host")
    return host, reasons


def _name_reasons(ascii_host: str, unicode_host: str, site: str, data: Rules) -> tuple[list[Reason], bool]:
    """Reasons about the host name itself; the flag says whether it may still count as verified."""
    reasons: list[Reason] = []
    clean = True
    for label in unicode_host.split("."):
        found = scripts_of(label)
        if len(found) > 1:
            reasons.append(Reason("mixed_scripts", "danger", {"label": label, "scripts": ", ".join(sorted(found))}))
            clean = False
    if any(label.startswith("xn--") for label in ascii_host.split(".")):
        reasons.append(Reason("punycode", "info", {"ascii": ascii_host, "unicode": unicode_host}))
    site_label = site.split(".")[0]
    for domain in sorted(set(data.merchants)):
        if domain == site:
            continue
        if skeleton(to_unicode(domain)) == skeleton(to_unicode(site)):
            reasons.append(Reason("lookalike", "danger", {"real": to_unicode(domain)}))
            clean = False
        elif ascii_host.startswith(domain + "."):
            reasons.append(Reason("subdomain_trick", "danger", {"real": to_unicode(domain), "site": to_unicode(site)}))
        elif domain.split(".")[0] == site_label:
            reasons.append(Reason("other_suffix", "warn", {"real": to_unicode(domain)}))
        elif len(site_label) >= 4 and _distance(skeleton(to_unicode(site_label)), skeleton(domain.split(".")[0])) == 1:
            reasons.append(Reason("similar_name", "danger", {"real": to_unicode(domain)}))
    if site not in data.merchants and not any("real" in r.params for r in reasons):
        folded_host = skeleton(unicode_host)
        for brand, domain in data.brands.items():
            if len(brand) >= 4 and brand in folded_host:
                reasons.append(Reason("brand_elsewhere", "danger", {"real": to_unicode(domain),
                                                                    "site": to_unicode(site)}))
                break
    return reasons, clean


def _heuristics(parsed: _Parsed, ascii_host: str, site: str, data: Rules) -> list[Reason]:
    reasons: list[Reason] = []
    tld = ascii_host.rsplit(".", 1)[-1]
    if tld in data.risky_tlds:
        reasons.append(Reason("risky_tld", "warn", {"tld": "." + tld}))
    folded = fold(unquote(ascii_host + parsed.path))
    lure = next((w for w in data.lure_words if w in folded), None)
    if lure:
        reasons.append(Reason("lure_words", "warn", {"word": lure}))
    label = to_unicode(site).split(".")[0]
    if label.count("-") >= 2 or re.search(r"\d{4,}", label):
        reasons.append(Reason("odd_name", "warn"))
    return reasons


def check_url(text: str) -> CheckResult:
    data = rules()
    parsed = _split_url(text)
    reasons: list[Reason] = []
    trusted_shape = "\\" not in text
    if not trusted_shape:
        reasons.append(Reason("backslash", "warn"))
    if parsed.userinfo:
        reasons.append(Reason("userinfo", "danger", {"shown": parsed.userinfo[:60]}))
        trusted_shape = False
    host, host_reasons = _clean_host(parsed.host)
    reasons += host_reasons
    if any(r.code == "encoded_host" for r in host_reasons):
        trusted_shape = False
    if parsed.scheme == "http":
        reasons.append(Reason("not_https", "warn"))
        trusted_shape = False
    if parsed.port and parsed.port != _DEFAULT_PORTS.get(parsed.scheme or "https"):
        reasons.append(Reason("unusual_port", "warn", {"port": parsed.port}))
        trusted_shape = False
    address = ip_host(host.lower())
    if address is not None:
        reasons.append(Reason("ip_host", "danger", {"ip": address}))
        return CheckResult("url", "unknown", address, address, address, "", tuple(reasons))
    if "." not in host:
        raise DomainError("city.link.not_a_link")
    ascii_host = to_ascii(host)
    unicode_host = to_unicode(ascii_host)
    site = registrable(ascii_host, data.suffixes)
    display = (parsed.scheme + "://" if parsed.scheme else "") + unicode_host
    base = CheckResult("url", "unknown", display, ascii_host, to_unicode(site))
    if site in data.reported_domains or ascii_host in data.reported_domains:
        entry = data.reported_domains.get(ascii_host) or data.reported_domains[site]
        params = {"since": entry.get("since", ""), "note_vi": entry["note_vi"], "note_en": entry["note_en"]}
        reasons.insert(0, Reason("reported_site", "danger", params))
        return _with(base, "reported", "", reasons)
    if ascii_host in data.shorteners or site in data.shorteners:
        reasons.append(Reason("shortener", "danger"))
        return _with(base, "unknown", "", reasons)
    name_reasons, clean_name = _name_reasons(ascii_host, unicode_host, site, data)
    reasons += name_reasons + _heuristics(parsed, ascii_host, site, data)
    merchant = data.merchants.get(site, "")
    if merchant and trusted_shape and clean_name:
        return _with(base, "verified", merchant, [Reason("verified_site", "ok", {"merchant": merchant}), *reasons])
    if merchant:
        reasons.append(Reason("merchant_but_tricky", "warn", {"merchant": merchant}))
    elif not any(r.level == "danger" for r in reasons):
        reasons.append(Reason("not_in_lists", "info"))
    return _with(base, "unknown", "", reasons)


def _with(base: CheckResult, verdict: str, merchant: str, reasons: list[Reason]) -> CheckResult:
    return CheckResult(base.kind, verdict, base.display, base.ascii_form, base.site, merchant, tuple(reasons))


def check(raw: str) -> CheckResult:
    """Check a pasted link or phone number. Bad input raises DomainError (nothing is fetched)."""
    text = (raw or "").strip().strip("<>\"'").strip()
    if not text:
        raise DomainError("city.link.empty")
    if len(text) > MAX_INPUT or any(unicodedata.category(ch) == "Cc" for ch in text):
        raise DomainError("city.link.too_long")
    phone = parse_phone(text)
    if phone is not None:
        return check_phone(phone)
    if re.fullmatch(r"[+\d\s().\-]+", text) and ("." not in text or not re.fullmatch(r"[\d.]+", text)):
        raise DomainError("city.link.phone_invalid")
    return check_url(text)
