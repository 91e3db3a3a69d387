"""Safe-shopping link checker: normalise a pasted link or phone number and answer from the lists.

Nothing here touches the network or the database: the caller passes the lists as ``Rules`` (built by
``build_rules`` from the snapshot that ``citizen_app.city.trustlists`` assembles; the offline checker
``assets/safety-offline/linkcheck.js`` is this module's twin, fed the same snapshot, and a unit test runs
both on the same vectors). Short links are flagged, never followed.

The verdict is one of ``verified`` (in a trusted list, or a ``.gov.vn`` name), ``reported`` (in a
blacklist), ``danger`` (signs of a fake: look-alike, disguised address) or ``unknown``; the reasons and
the advice (what to do next) are message keys ``city.reason.<code>`` / ``city.advice.<code>`` with
parameters.

Normalisation follows the WHATWG URL rules where they matter for tricks: backslashes count as slashes,
``user@host`` hides the real host, trailing dots and default ports are dropped, numeric hosts in any
IPv4 notation are addresses. Host names go through UTS #46 / IDNA 2008 both ways (Unicode <-> punycode).
Look-alikes are found on a skeleton (accents stripped, confusable letters and digits from the rules'
table: Cyrillic 'о', '0' for 'o', '1' for 'l', 'rn' for 'm'…), then on doubled letters and one-letter
edits; the same edit distance finds phone numbers that imitate a bank's hotline.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import idna

from citizen_app.city.text import fold
from citizen_app.core.errors import DomainError

MAX_INPUT = 2000
VERDICTS = ("verified", "reported", "danger", "unknown")
GOVERNMENT = "government"  # pseudo list of the government portals and the .gov.vn rule
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_PHONE_SHAPE = re.compile(r"^[+\d\s().\-]{6,24}$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|\d+)$")
_SCRIPTS = (  # enough to tell a Latin name from one with Cyrillic or Greek letters in it
    ("LATIN", re.compile(r"[a-zA-Z\u00c0-\u024f\u0250-\u02af\u1e00-\u1eff]")),
    ("CYRILLIC", re.compile(r"[\u0400-\u052f]")),
    ("GREEK", re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")),
)
_MIN_BRAND = 4  # shorter brands (acb, mb) are protected only against exact look-alikes of the whole name
_MIN_EDIT = 5  # one-letter edits count only for names this long ('memo' is not a fake 'momo')
_MIN_INSIDE = 6  # a brand this long counts even inside a longer word ('vietcombankvn')
_GUARDED = ("bank", "wallet", "gov")


@dataclass(frozen=True)
class Reason:
    code: str  # message key suffix: city.reason.<code> (or city.advice.<code> for advice)
    level: str  # "danger", "warn", "info", "ok" (or "advice")
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
    advice: tuple[Reason, ...] = ()
    lists: tuple[str, ...] = ()  # codes of the lists that decided the verdict


@dataclass(frozen=True)
class Site:
    """A trusted domain or phone number."""

    name: str
    brand: str  # skeleton of the protected name ("" = not protected against look-alikes)
    lists: tuple[str, ...]
    category: str  # shop, bank, wallet, news, platform, gov…
    hotlines: tuple[str, ...] = ()
    sample: bool = False


@dataclass(frozen=True)
class Block:
    """A blacklisted domain or phone number."""

    list: str
    note_vi: str = ""
    note_en: str = ""
    since: str = ""
    report: str = ""  # feedback report number when a resident's report was confirmed
    sample: bool = False


@dataclass(frozen=True)
class Rules:
    suffixes: frozenset[str]
    shorteners: frozenset[str]
    risky_tlds: frozenset[str]
    lure_words: tuple[str, ...]
    confusables: dict[str, str]
    sequences: tuple[tuple[str, str], ...]
    gov_suffixes: tuple[str, ...]
    sites: dict[str, Site]  # ascii domain -> entry
    brands: dict[str, str]  # brand skeleton -> its first ascii domain
    skeletons: dict[str, str]  # skeleton of a whole trusted domain -> that domain
    phones: dict[str, Site]  # national number -> entry
    blocked: dict[str, Block]
    blocked_phones: dict[str, Block]
    lists: dict[str, dict[str, Any]]  # list code -> names, dates, sample flag
    version: str = ""


# --- host names -----------------------------------------------------------------------------------


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


def skeleton(text: str, data: Rules) -> str:
    """Look-alike form: strip accents, map confusable letters, digits and sequences ('sh0pее' -> 'shopee')."""
    base = "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))
    base = "".join(data.confusables.get(ch, ch) for ch in base)
    for seq, repl in data.sequences:
        base = base.replace(seq, repl)
    return base


def squeeze(text: str) -> str:
    """Doubled letters count once: 'shoppee' and 'shopee' -> 'shope'."""
    return re.sub(r"(.)\1+", r"\1", text)


def distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance: one missing, extra, changed or swapped letter is 1."""
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


def imitates(candidate: str, protected: str) -> bool:
    """Two skeletons that differ only by doubled letters or (for long names) by one edit."""
    if candidate == protected:
        return True
    if squeeze(candidate) == squeeze(protected):
        return True
    return len(protected) >= _MIN_EDIT and abs(len(candidate) - len(protected)) <= 1 \
        and distance(candidate, protected) == 1


def registrable(ascii_host: str, suffixes: frozenset[str]) -> str:
    """The site's own domain: one label more than the longest known public suffix."""
    labels = ascii_host.split(".")
    for size in range(len(labels) - 1, 0, -1):
        if ".".join(labels[-size:]) in suffixes:
            return ".".join(labels[-size - 1:])
    return ".".join(labels[-2:])


def scripts_of(label: str) -> set[str]:
    found = set()
    for ch in label:
        if ch.isalpha():
            found.add(next((name for name, pattern in _SCRIPTS if pattern.match(ch)), "OTHER"))
    return found


# --- the lists --------------------------------------------------------------------------------------


def _site(raw: dict[str, Any], base: Rules) -> Site:
    brand = raw.get("brand") or ""
    return Site(raw.get("name", ""), skeleton(brand, base) if brand else "", tuple(raw.get("lists", ())),
                raw.get("category", ""), tuple(raw.get("hotlines", ())), bool(raw.get("sample")))


def _block(raw: dict[str, Any]) -> Block:
    return Block(raw["list"], raw.get("note_vi", ""), raw.get("note_en", ""), raw.get("since", ""),
                 str(raw.get("report", "") or ""), bool(raw.get("sample")))


def build_rules(snapshot: dict[str, Any]) -> Rules:
    """Rules from the snapshot dict (the same JSON the offline checker gets). Entries are already normalised:
    ascii hosts and national phone numbers. The government portals come from the rules themselves."""
    raw = snapshot["rules"]
    gov = raw.get("government", {})
    base = Rules(frozenset(raw["public_suffixes"]), frozenset(raw["shorteners"]), frozenset(raw["risky_tlds"]),
                 tuple(raw["lure_words"]), dict(raw.get("confusables", {})),
                 tuple((a, b) for a, b in raw.get("sequences", ())), tuple(gov.get("suffixes", ())),
                 {}, {}, {}, {}, {}, {}, dict(snapshot.get("lists", {})), str(snapshot.get("version", "")))
    sites = {domain: _site(entry, base) for domain, entry in snapshot["sites"].items()}
    for portal in gov.get("portals", ()):
        domain = to_ascii(portal["domain"])
        sites.setdefault(domain, Site(portal["name"], skeleton(domain.split(".")[0], base), (GOVERNMENT,), "gov"))
    brands: dict[str, str] = {}
    skeletons: dict[str, str] = {}
    for domain in sorted(sites):
        if sites[domain].brand:
            brands.setdefault(sites[domain].brand, domain)
        skeletons.setdefault(skeleton(to_unicode(domain), base), domain)
    return Rules(base.suffixes, base.shorteners, base.risky_tlds, base.lure_words, base.confusables, base.sequences,
                 base.gov_suffixes, sites, brands, skeletons,
                 {number: _site(entry, base) for number, entry in snapshot["phones"].items()},
                 {d: _block(e) for d, e in snapshot["blocked"].items()},
                 {p: _block(e) for p, e in snapshot["blocked_phones"].items()}, base.lists, base.version)


def _list_params(data: Rules, code: str) -> dict[str, str]:
    info = data.lists.get(code, {})
    return {"list_vi": str(info.get("name_vi", code)), "list_en": str(info.get("name_en", code))}


# --- phone numbers --------------------------------------------------------------------------------


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


def phone_display(national: str) -> str:
    if re.fullmatch(r"1[89]00\d+", national):
        return f"{national[:4]} {national[4:]}"
    if national.startswith("0") and len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return national


def _hotline_params(site: Site | None, number: str = "") -> dict[str, str]:
    """The official hotline to call instead: the imitated number, or the imitated site's first hotline."""
    number = number or (site.hotlines[0] if site is not None and site.hotlines else "")
    return {"merchant": site.name, "hotline": phone_display(number)} if site is not None and number else {}


def _blocked_reason(entry: Block, data: Rules, code: str) -> Reason:
    if entry.report:
        return Reason("confirmed_report", "danger", {"report": entry.report, "since": entry.since})
    return Reason(code, "danger", {"since": entry.since, "note_vi": entry.note_vi, "note_en": entry.note_en,
                                   **_list_params(data, entry.list)})


def _imitated_phone(national: str, data: Rules) -> str | None:
    if national.startswith("+") or len(national) < 8:
        return None
    return next((number for number in sorted(data.phones)
                 if abs(len(number) - len(national)) <= 1 and distance(national, number) == 1), None)


def check_phone(national: str, data: Rules) -> CheckResult:
    intl = national if national.startswith("+") else "+84" + national[1:] if national.startswith("0") else national
    reasons: list[Reason] = []
    verdict, merchant, hotline, lists = "unknown", "", {}, ()
    if national in data.blocked_phones:
        entry = data.blocked_phones[national]
        verdict, lists = "reported", (entry.list,)
        reasons.append(_blocked_reason(entry, data, "reported_phone"))
        reasons += [Reason("sample_entry", "info")] if entry.sample else []
    elif national in data.phones:
        site = data.phones[national]
        verdict, merchant, lists = "verified", site.name, site.lists
        reasons.append(Reason("verified_phone", "ok", {"merchant": merchant, **_list_params(data, site.lists[0])}))
        reasons += [Reason("sample_entry", "info")] if site.sample else []
    elif (real := _imitated_phone(national, data)) is not None:
        verdict, hotline = "danger", _hotline_params(data.phones[real], real)
        reasons.append(Reason("phone_lookalike", "danger",
                              {"merchant": hotline["merchant"], "real": hotline["hotline"]}))
    if national.startswith("+"):
        reasons.append(Reason("foreign_phone", "warn"))
    if national.startswith("1900") and verdict != "verified":
        reasons.append(Reason("premium_phone", "warn"))
    if verdict == "unknown":
        reasons.append(Reason("phone_not_in_lists", "info"))
    reasons.append(Reason("never_share_otp", "info"))
    return CheckResult("phone", verdict, phone_display(national), intl, national, merchant, tuple(reasons),
                       _advice("phone", verdict, hotline), lists)


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
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # unbalanced IPv6 brackets, a full-width '／' or '＠' in the host…
        raise DomainError("city.link.invalid_host") from exc
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


def gov_suffix(ascii_host: str, data: Rules) -> str:
    """The government suffix the host sits under ('gov.vn'), or ''."""
    return next((s for s in data.gov_suffixes if ascii_host.endswith("." + s)), "")


def _embedded_gov(labels: list[str], data: Rules) -> str:
    """'dichvucong.gov.vn' when a host that is not under gov.vn carries that name inside it."""
    for suffix in data.gov_suffixes:
        parts = suffix.split(".")
        for i in range(len(labels) - len(parts)):
            if labels[i:i + len(parts)] == parts:
                return ".".join(labels[:i + len(parts)])
    joined = "-".join(labels)
    for suffix in data.gov_suffixes:
        if re.search(r"(^|[-.])" + re.escape(suffix.replace(".", "")) + r"($|[-.])", joined) \
                or re.search(r"(^|-)" + re.escape(suffix.replace(".", "-")) + r"($|-)", joined):
            return suffix
    return ""


def _trick_reasons(ascii_host: str, site: str, data: Rules) -> tuple[list[Reason], str]:
    """The host starts with a trusted domain ('tiki.vn.khuyenmai.xyz'). Returns the reasons and that domain."""
    labels = ascii_host.split(".")
    for size in range(len(labels) - 1, 1, -1):
        prefix = ".".join(labels[:size])
        if prefix != site and prefix in data.sites and not ascii_host.endswith("." + prefix):
            real = to_unicode(prefix)
            return [Reason("subdomain_trick", "danger", {"real": real, "site": to_unicode(site)})], prefix
    return [], ""


def _imitation_reasons(site: str, data: Rules) -> tuple[list[Reason], str]:
    """The site's own name imitates a trusted one: look-alike letters (any trusted domain), or, for protected
    brands, the same name under another ending, doubled or missing letters."""
    unicode_site = to_unicode(site)
    twin = data.skeletons.get(skeleton(unicode_site, data), site)
    if twin != site:
        return [Reason("lookalike", "danger", {"real": to_unicode(twin)})], twin
    label = unicode_site.split(".")[0]
    own = skeleton(label, data)
    for brand, domain in sorted(data.brands.items()):
        real_label = to_unicode(domain).split(".")[0]
        if domain == site or not imitates(own, brand):
            continue
        real = to_unicode(domain)
        if label == real_label:  # banks and state bodies: the same name elsewhere is a fake, shops often own several
            level = "danger" if data.sites[domain].category in _GUARDED else "warn"
            return [Reason("other_suffix", level, {"real": real})], domain
        if own == brand:
            return [Reason("lookalike", "danger", {"real": real})], domain
        return [Reason("similar_name", "danger", {"real": real})], domain
    return [], ""


def _embedded_brand_reasons(ascii_host: str, site: str, data: Rules) -> tuple[list[Reason], str]:
    """A protected name used inside another site's name: 'vietcombank-hotro.com', 'shopee-qua-tang.top'."""
    suffix = site.split(".", 1)[1] if "." in site else ""
    unicode_host = to_unicode(ascii_host)
    name_part = unicode_host[: -len(suffix) - 1] if suffix and unicode_host.endswith("." + suffix) else unicode_host
    tokens = [t for t in re.split(r"[.\-]", skeleton(name_part, data)) if t]
    for brand, domain in sorted(data.brands.items()):
        if len(brand) < _MIN_BRAND:
            continue
        if any(t == brand or (len(brand) >= _MIN_INSIDE and brand in t) or (len(t) >= _MIN_EDIT and imitates(t, brand))
               for t in tokens):
            return [Reason("brand_elsewhere", "danger", {"real": to_unicode(domain), "site": to_unicode(site)})], domain
    return [], ""


def _name_reasons(ascii_host: str, unicode_host: str, site: str, data: Rules) -> tuple[list[Reason], bool, str]:
    """Reasons about the host name; whether it may still count as verified; the trusted domain it imitates."""
    reasons: list[Reason] = []
    clean = True
    for label in unicode_host.split("."):
        found = scripts_of(label)
        if len(found) > 1:
            reasons.append(Reason("mixed_scripts", "danger", {"label": label, "scripts": ", ".join(sorted(found))}))
            clean = False
    if any(label.startswith("xn--") for label in ascii_host.split(".")):
        reasons.append(Reason("punycode", "info", {"ascii": ascii_host, "unicode": unicode_host}))
    if site in data.sites or gov_suffix(ascii_host, data):
        return reasons, clean, ""
    related = ""
    for finder in (lambda: _trick_reasons(ascii_host, site, data), lambda: _imitation_reasons(site, data),
                   lambda: _embedded_brand_reasons(ascii_host, site, data)):
        found_reasons, related = finder()
        if found_reasons:
            reasons += found_reasons
            break
    embedded = _embedded_gov(ascii_host.split("."), data)
    if embedded or (related and data.sites[related].category == "gov"):
        reasons.append(Reason("gov_impersonation", "danger", {"real": to_unicode(related or embedded)}))
    return reasons, clean, related


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


def _shape_reasons(parsed: _Parsed, text: str) -> tuple[list[Reason], bool]:
    """Tricks in the link's shape; the flag says whether the shape is plain enough to verify."""
    reasons: list[Reason] = []
    plain = "\\" not in text
    if not plain:
        reasons.append(Reason("backslash", "warn"))
    if parsed.userinfo:
        reasons.append(Reason("userinfo", "danger", {"shown": parsed.userinfo[:60]}))
        plain = False
    if parsed.scheme == "http":
        reasons.append(Reason("not_https", "warn"))
        plain = False
    if parsed.port and parsed.port != _DEFAULT_PORTS.get(parsed.scheme or "https"):
        reasons.append(Reason("unusual_port", "warn", {"port": parsed.port}))
        plain = False
    return reasons, plain


def _trusted(ascii_host: str, site: str, data: Rules) -> tuple[Site | None, str]:
    """The trusted entry for the host (exact host first, then its site), or the .gov.vn rule."""
    entry = data.sites.get(ascii_host) or data.sites.get(site)
    suffix = gov_suffix(ascii_host, data)
    if entry is None and suffix:
        entry = Site("", "", (GOVERNMENT,), "gov")
    return entry, suffix


def check_url(text: str, data: Rules) -> CheckResult:
    parsed = _split_url(text)
    shape_reasons, plain = _shape_reasons(parsed, text)
    host, host_reasons = _clean_host(parsed.host)
    reasons = [*shape_reasons, *host_reasons]
    if any(r.code == "encoded_host" for r in host_reasons):
        plain = False
    address = ip_host(host.lower())
    if address is not None:
        reasons.append(Reason("ip_host", "danger", {"ip": address}))
        return _result(CheckResult("url", "unknown", address, address, address), "danger", "", reasons, None, ())
    if "." not in host:
        raise DomainError("city.link.not_a_link")
    ascii_host = to_ascii(host)
    unicode_host = to_unicode(ascii_host)
    site = registrable(ascii_host, data.suffixes)
    display = (parsed.scheme + "://" if parsed.scheme else "") + unicode_host
    base = CheckResult("url", "unknown", display, ascii_host, to_unicode(site))
    entry = data.blocked.get(ascii_host) or data.blocked.get(site)
    if entry is not None:
        reasons.insert(0, _blocked_reason(entry, data, "reported_site"))
        reasons += [Reason("sample_entry", "info")] if entry.sample else []
        return _result(base, "reported", "", reasons, None, (entry.list,))
    if ascii_host in data.shorteners or site in data.shorteners:
        reasons.append(Reason("shortener", "warn"))
        return _result(base, "unknown", "", reasons, None, ())
    name_reasons, clean_name, related = _name_reasons(ascii_host, unicode_host, site, data)
    reasons += name_reasons + _heuristics(parsed, ascii_host, site, data)
    trusted, suffix = _trusted(ascii_host, site, data)
    related_site = data.sites.get(related) if related else None
    if trusted is not None and plain and clean_name:
        return _result(base, "verified", trusted.name, [*_verified_reasons(trusted, suffix, data), *reasons],
                       related_site, trusted.lists)
    if trusted is not None:
        reasons.append(Reason("merchant_but_tricky", "warn", {"merchant": trusted.name or to_unicode(site)}))
    elif not any(r.level == "danger" for r in reasons):
        reasons.append(Reason("not_in_lists", "info"))
    verdict = "danger" if any(r.level == "danger" for r in reasons) else "unknown"
    return _result(base, verdict, "", reasons, related_site, ())


def _verified_reasons(trusted: Site, suffix: str, data: Rules) -> list[Reason]:
    reasons = []
    if trusted.name:
        code = "verified_gov" if trusted.category == "gov" else "verified_site"
        reasons.append(Reason(code, "ok", {"merchant": trusted.name, **_list_params(data, trusted.lists[0])}))
    if suffix:
        reasons.append(Reason("gov_suffix", "ok", {"suffix": "." + suffix}))
    if trusted.sample:
        reasons.append(Reason("sample_entry", "info"))
    return reasons


def _result(base: CheckResult, verdict: str, merchant: str, reasons: list[Reason], related: Site | None,
            lists: tuple[str, ...]) -> CheckResult:
    real = next((r.params["real"] for r in reasons if "real" in r.params), "")
    shortener = any(r.code == "shortener" for r in reasons)
    return CheckResult(base.kind, verdict, base.display, base.ascii_form, base.site, merchant, tuple(reasons),
                       _advice("url", verdict, _hotline_params(related), real, merchant, shortener), lists)


def _advice(kind: str, verdict: str, hotline: dict[str, str], real: str = "", merchant: str = "",
            shortener: bool = False) -> tuple[Reason, ...]:
    """What to do next, in plain words a volunteer can read aloud."""
    steps: list[Reason] = []
    if verdict == "verified":
        steps.append(Reason("verified_ok", "advice", {"merchant": merchant} if merchant else {}))
    elif verdict == "reported":
        steps += [Reason("stop_now", "advice"), Reason("if_paid", "advice")]
    elif verdict == "danger":
        steps.append(Reason("do_not_open" if kind == "url" else "do_not_call_back", "advice"))
        if kind == "url" and real:
            steps.append(Reason("type_real", "advice", {"real": real}))
    elif shortener:
        steps.append(Reason("ask_full_link", "advice"))
    else:
        steps.append(Reason("not_sure", "advice"))
    if hotline and verdict != "verified":
        steps.append(Reason("call_hotline", "advice", hotline))
    if verdict in ("reported", "danger", "unknown"):
        steps.append(Reason("report_it", "advice"))
    return tuple(steps)


def check(raw: str, data: Rules) -> CheckResult:
    """Check a pasted link or phone number against ``data``. Bad input raises DomainError (nothing is fetched)."""
    text = (raw or "").strip().strip("<>\"'").strip()
    if not text:
        raise DomainError("city.link.empty")
    if len(text) > MAX_INPUT or any(unicodedata.category(ch) == "Cc" for ch in text):
        raise DomainError("city.link.too_long")
    phone = parse_phone(text)
    if phone is not None:
        return check_phone(phone, data)
    if re.fullmatch(r"[+\d\s().\-]+", text) and ("." not in text or not re.fullmatch(r"[\d.]+", text)):
        raise DomainError("city.link.phone_invalid")
    return check_url(text, data)
