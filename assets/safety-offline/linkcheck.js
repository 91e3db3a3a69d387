/*
 * Công dân số — the link checker's engine for use without a network: the twin of
 * citizen_app/city/linkcheck.py, fed the same snapshot (/api/city/linkcheck-data.json, or the shipped
 * /safety-offline/data.json). tests/unit/city/test_linkcheck_js.py runs both on the same table of inputs
 * and requires the same answers, reasons and advice.
 *
 *   CdsLinkcheck.buildRules(snapshot)  -> rules
 *   CdsLinkcheck.check(text, rules)    -> {kind, verdict, display, ascii_form, site, merchant, reasons, advice, lists}
 *                                         reasons/advice: [{code, level, params}]; bad input throws {code, params}
 */
(function (root) {
  "use strict";

  var MAX_INPUT = 2000;
  var VERDICTS = ["verified", "reported", "danger", "unknown"];
  var GOVERNMENT = "government";
  var DEFAULT_PORTS = {http: "80", https: "443"};
  var PHONE_SHAPE = /^[+\d\s().\-]{6,24}$/;
  var NUMERIC_LABEL = /^(0x[0-9a-f]*|\d+)$/;
  var SCRIPTS = [
    ["LATIN", /[a-zA-Z\u00c0-\u024f\u0250-\u02af\u1e00-\u1eff]/],
    ["CYRILLIC", /[\u0400-\u052f]/],
    ["GREEK", /[\u0370-\u03ff\u1f00-\u1fff]/],
  ];
  var MIN_BRAND = 4, MIN_EDIT = 5, MIN_INSIDE = 6;
  var GUARDED = ["bank", "wallet", "gov"];

  function DomainError(code, params) {
    this.code = code;
    this.params = params || {};
  }

  function reason(code, level, params) {
    return {code: code, level: level, params: params || {}};
  }

  function chars(text) {
    return Array.from(text);
  }

  // --- punycode (RFC 3492) and IDNA ------------------------------------------------------------

  function punycodeDecode(input) {
    var base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700;
    var output = [], n = 128, bias = 72, i = 0;
    var basic = input.lastIndexOf("-");
    if (basic < 0) basic = 0;
    for (var j = 0; j < basic; j++) {
      if (input.charCodeAt(j) >= 0x80) throw new Error("not basic");
      output.push(input.charCodeAt(j));
    }
    function adapt(delta, numPoints, first) {
      var k = 0;
      delta = first ? Math.floor(delta / damp) : delta >> 1;
      delta += Math.floor(delta / numPoints);
      for (; delta > ((base - tMin) * tMax) >> 1; k += base) delta = Math.floor(delta / (base - tMin));
      return Math.floor(k + (base - tMin + 1) * delta / (delta + skew));
    }
    for (var index = basic > 0 ? basic + 1 : 0; index < input.length;) {
      var oldi = i;
      for (var w = 1, k = base; ; k += base) {
        if (index >= input.length) throw new Error("bad input");
        var c = input.charCodeAt(index++);
        var digit = c - 48 < 10 ? c - 22 : c - 65 < 26 ? c - 65 : c - 97 < 26 ? c - 97 : base;
        if (digit >= base) throw new Error("bad digit");
        i += digit * w;
        var t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
        if (digit < t) break;
        w *= base - t;
      }
      var len = output.length + 1;
      bias = adapt(i - oldi, len, oldi === 0);
      n += Math.floor(i / len);
      i %= len;
      output.splice(i++, 0, n);
    }
    return String.fromCodePoint.apply(null, output);
  }

  function checkLabels(host) {
    if (host.length > 253) throw new DomainError("city.link.invalid_host");
    host.split(".").forEach(function (label) {
      if (!label || label.length > 63 || !/^[a-z0-9-]+$/.test(label) || label[0] === "-"
          || label[label.length - 1] === "-" || (label.slice(2, 4) === "--" && label.slice(0, 4) !== "xn--")) {
        throw new DomainError("city.link.invalid_host");
      }
      if (label.slice(0, 4) === "xn--") {
        try {
          punycodeDecode(label.slice(4));
        } catch (e) {
          throw new DomainError("city.link.invalid_host");
        }
      }
    });
  }

  /** Unicode or punycode host -> lower-case punycode (UTS #46 via the WHATWG URL parser, then IDNA 2008's label rules). */
  function toAscii(host) {
    var ascii = host.toLowerCase();
    if (!/^[\x00-\x7f]*$/.test(host)) { // an ASCII name only needs lower case (as in Python's idna)
      try {
        ascii = new URL("http://" + host + "/").hostname;
      } catch (e) {
        throw new DomainError("city.link.invalid_host");
      }
    }
    checkLabels(ascii);
    return ascii;
  }

  function toUnicode(asciiHost) {
    try {
      return asciiHost.split(".").map(function (label) {
        return label.slice(0, 4) === "xn--" ? punycodeDecode(label.slice(4)) : label;
      }).join(".");
    } catch (e) {
      return asciiHost;
    }
  }

  // --- text helpers (fold, skeleton, distances) -------------------------------------------------

  function stripMarks(text) {
    return text.replace(/\p{Mn}/gu, "");
  }

  /** citizen_app.city.text.fold: 'Phường Bàn Cờ' -> 'phuong ban co'. */
  function fold(text) {
    var decomposed = String(text || "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD");
    return stripMarks(decomposed).normalize("NFC").toLowerCase().replace(/\s+/gu, " ").trim();
  }

  function skeleton(text, rules) {
    var base = stripMarks(text.toLowerCase().normalize("NFKD"));
    base = chars(base).map(function (ch) {
      return Object.prototype.hasOwnProperty.call(rules.confusables, ch) ? rules.confusables[ch] : ch;
    }).join("");
    rules.sequences.forEach(function (pair) {
      base = base.split(pair[0]).join(pair[1]);
    });
    return base;
  }

  function squeeze(text) {
    return text.replace(/(.)\1+/gu, "$1");
  }

  function distance(a, b) {
    var A = chars(a), B = chars(b), prev2 = [], prev = [];
    for (var j = 0; j <= B.length; j++) prev.push(j);
    for (var i = 1; i <= A.length; i++) {
      var cur = [i];
      for (j = 1; j <= B.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (A[i - 1] !== B[j - 1] ? 1 : 0));
        if (i > 1 && j > 1 && A[i - 1] === B[j - 2] && A[i - 2] === B[j - 1]) cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
      }
      prev2 = prev;
      prev = cur;
    }
    return prev[B.length];
  }

  function imitates(candidate, protectedName) {
    if (candidate === protectedName || squeeze(candidate) === squeeze(protectedName)) return true;
    var a = chars(candidate).length, b = chars(protectedName).length;
    return b >= MIN_EDIT && Math.abs(a - b) <= 1 && distance(candidate, protectedName) === 1;
  }

  function registrable(asciiHost, suffixes) {
    var labels = asciiHost.split(".");
    for (var size = labels.length - 1; size > 0; size--) {
      if (suffixes.has(labels.slice(-size).join("."))) return labels.slice(-size - 1).join(".");
    }
    return labels.slice(-2).join(".");
  }

  function scriptsOf(label) {
    var found = new Set();
    chars(label).forEach(function (ch) {
      if (!/\p{L}/u.test(ch)) return;
      var hit = SCRIPTS.find(function (s) { return s[1].test(ch); });
      found.add(hit ? hit[0] : "OTHER");
    });
    return Array.from(found).sort();
  }

  function firstLabel(host) {
    return host.split(".")[0];
  }

  /** urllib.parse.unquote: %XX runs decoded as UTF-8 (bad bytes become U+FFFD), anything else kept. */
  function unquote(text) {
    return text.replace(/(%[0-9a-fA-F]{2})+/g, function (run) {
      var bytes = new Uint8Array(run.length / 3);
      for (var i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.substr(i * 3 + 1, 2), 16);
      return new TextDecoder("utf-8").decode(bytes);
    });
  }

  function sortedKeys(object) {
    return Object.keys(object).sort(function (a, b) {
      return a < b ? -1 : a > b ? 1 : 0;
    });
  }

  // --- the lists ---------------------------------------------------------------------------------

  function site(raw, rules) {
    return {name: raw.name || "", brand: raw.brand ? skeleton(raw.brand, rules) : "", lists: raw.lists || [],
            category: raw.category || "", hotlines: raw.hotlines || [], sample: !!raw.sample};
  }

  function block(raw) {
    return {list: raw.list, note_vi: raw.note_vi || "", note_en: raw.note_en || "", since: raw.since || "",
            report: raw.report ? String(raw.report) : "", sample: !!raw.sample};
  }

  function buildRules(snapshot) {
    var raw = snapshot.rules, gov = raw.government || {};
    var rules = {
      suffixes: new Set(raw.public_suffixes), shorteners: new Set(raw.shorteners), riskyTlds: new Set(raw.risky_tlds),
      lureWords: raw.lure_words, confusables: raw.confusables || {}, sequences: raw.sequences || [],
      govSuffixes: gov.suffixes || [], sites: {}, brands: {}, skeletons: {}, phones: {}, blocked: {},
      blockedPhones: {}, lists: snapshot.lists || {}, version: String(snapshot.version || ""),
    };
    Object.keys(snapshot.sites).forEach(function (d) { rules.sites[d] = site(snapshot.sites[d], rules); });
    (gov.portals || []).forEach(function (portal) {
      var domain = toAscii(portal.domain);
      if (!rules.sites[domain]) {
        rules.sites[domain] = {name: portal.name, brand: skeleton(firstLabel(domain), rules), lists: [GOVERNMENT],
                               category: "gov", hotlines: [], sample: false};
      }
    });
    sortedKeys(rules.sites).forEach(function (domain) {
      var brand = rules.sites[domain].brand;
      if (brand && !(brand in rules.brands)) rules.brands[brand] = domain;
      var sk = skeleton(toUnicode(domain), rules);
      if (!(sk in rules.skeletons)) rules.skeletons[sk] = domain;
    });
    Object.keys(snapshot.phones).forEach(function (p) { rules.phones[p] = site(snapshot.phones[p], rules); });
    Object.keys(snapshot.blocked).forEach(function (d) { rules.blocked[d] = block(snapshot.blocked[d]); });
    Object.keys(snapshot.blocked_phones).forEach(function (p) { rules.blockedPhones[p] = block(snapshot.blocked_phones[p]); });
    return rules;
  }

  function listParams(rules, code) {
    var info = rules.lists[code] || {};
    return {list_vi: String(info.name_vi || code), list_en: String(info.name_en || code)};
  }

  function lookup(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : null;
  }

  // --- phone numbers -------------------------------------------------------------------------------

  function parsePhone(raw) {
    var text = String(raw || "").normalize("NFKC").trim();
    if (text.toLowerCase().slice(0, 4) === "tel:") text = text.slice(4).trim();
    var plus = (text.match(/\+/g) || []).length;
    if (!PHONE_SHAPE.test(text) || plus > 1 || text.replace(/\(/g, "").replace(/^\s+/, "").indexOf("+") > 0) return null;
    var digits = text.replace(/\D/g, "");
    if (text.indexOf("+") >= 0 || digits.slice(0, 2) === "00") {
      digits = digits.slice(0, 2) === "00" ? digits.slice(2) : digits;
      if (digits.slice(0, 2) !== "84") return digits.length >= 8 && digits.length <= 15 ? "+" + digits : null;
      digits = "0" + digits.slice(2);
    } else if (digits.slice(0, 2) === "84" && (digits.length === 11 || digits.length === 12)) {
      digits = "0" + digits.slice(2);
    }
    if (/^0[1-9]\d{8,9}$/.test(digits) || /^1[89]00\d{4,6}$/.test(digits)) return digits;
    return null;
  }

  function phoneDisplay(national) {
    if (/^1[89]00\d+$/.test(national)) return national.slice(0, 4) + " " + national.slice(4);
    if (national[0] === "0" && national.length === 10) {
      return national.slice(0, 4) + " " + national.slice(4, 7) + " " + national.slice(7);
    }
    return national;
  }

  function hotlineParams(entry, number) {
    number = number || (entry && entry.hotlines.length ? entry.hotlines[0] : "");
    return entry && number ? {merchant: entry.name, hotline: phoneDisplay(number)} : {};
  }

  function blockedReason(entry, rules, code) {
    if (entry.report) return reason("confirmed_report", "danger", {report: entry.report, since: entry.since});
    var params = {since: entry.since, note_vi: entry.note_vi, note_en: entry.note_en};
    Object.assign(params, listParams(rules, entry.list));
    return reason(code, "danger", params);
  }

  function imitatedPhone(national, rules) {
    if (national[0] === "+" || national.length < 8) return null;
    return sortedKeys(rules.phones).find(function (number) {
      return Math.abs(number.length - national.length) <= 1 && distance(national, number) === 1;
    }) || null;
  }

  function checkPhone(national, rules) {
    var intl = national[0] === "+" ? national : national[0] === "0" ? "+84" + national.slice(1) : national;
    var reasons = [], verdict = "unknown", merchant = "", hotline = {}, lists = [];
    var blocked = lookup(rules.blockedPhones, national), trusted = lookup(rules.phones, national), real;
    if (blocked) {
      verdict = "reported";
      lists = [blocked.list];
      reasons.push(blockedReason(blocked, rules, "reported_phone"));
      if (blocked.sample) reasons.push(reason("sample_entry", "info"));
    } else if (trusted) {
      verdict = "verified";
      merchant = trusted.name;
      lists = trusted.lists;
      reasons.push(reason("verified_phone", "ok", Object.assign({merchant: merchant}, listParams(rules, trusted.lists[0]))));
      if (trusted.sample) reasons.push(reason("sample_entry", "info"));
    } else if ((real = imitatedPhone(national, rules)) !== null) {
      verdict = "danger";
      hotline = hotlineParams(rules.phones[real], real);
      reasons.push(reason("phone_lookalike", "danger", {merchant: hotline.merchant, real: hotline.hotline}));
    }
    if (national[0] === "+") reasons.push(reason("foreign_phone", "warn"));
    if (national.slice(0, 4) === "1900" && verdict !== "verified") reasons.push(reason("premium_phone", "warn"));
    if (verdict === "unknown") reasons.push(reason("phone_not_in_lists", "info"));
    reasons.push(reason("never_share_otp", "info"));
    return result("phone", verdict, phoneDisplay(national), intl, national, merchant, reasons,
                  advice("phone", verdict, hotline, "", "", false), lists);
  }

  // --- URLs ------------------------------------------------------------------------------------------

  /** Python's urllib.parse._checknetloc: a host whose NFKC form gains one of / ? # @ : is refused. */
  function checkNetloc(netloc) {
    if (/^[\x00-\x7f]*$/.test(netloc)) return;
    var n = netloc.replace(/[@:#?]/g, "");
    var normal = n.normalize("NFKC");
    if (n === normal) return;
    if (/[/?#@:]/.test(normal)) throw new DomainError("city.link.invalid_host");
  }

  /** Python's urllib.parse._check_bracketed_host: only an IPv6 address (or IPvFuture) may stand in brackets. */
  function checkBracketed(inner) {
    if (/^v/i.test(inner)) {
      if (!/^v[0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+$/i.test(inner)) throw new DomainError("city.link.invalid_host");
      return;
    }
    try {
      new URL("http://[" + inner + "]/"); // eslint-disable-line no-new
    } catch (e) {
      throw new DomainError("city.link.invalid_host");
    }
  }

  function urlsplit(text) {
    var scheme = "", rest = text, i = text.indexOf(":");
    if (i > 0 && /^[a-zA-Z][a-zA-Z0-9+.\-]*$/.test(text.slice(0, i))) {
      scheme = text.slice(0, i).toLowerCase();
      rest = text.slice(i + 1);
    }
    var netloc = "";
    if (rest.slice(0, 2) === "//") {
      var end = rest.slice(2).search(/[/?#]/);
      netloc = end < 0 ? rest.slice(2) : rest.slice(2, end + 2);
      rest = end < 0 ? "" : rest.slice(end + 2);
      if ((netloc.indexOf("[") >= 0) !== (netloc.indexOf("]") >= 0)) throw new DomainError("city.link.invalid_host");
      if (netloc.indexOf("[") >= 0) checkBracketed(netloc.split("[")[1].split("]")[0]);
      checkNetloc(netloc);
    }
    var hash = rest.indexOf("#");
    if (hash >= 0) rest = rest.slice(0, hash);
    var q = rest.indexOf("?");
    return {scheme: scheme, netloc: netloc, path: q >= 0 ? rest.slice(0, q) : rest, query: q >= 0 ? rest.slice(q + 1) : ""};
  }

  function splitPort(hostport) {
    if (hostport[0] === "[") {
      var end = hostport.indexOf("]");
      if (end < 0) throw new DomainError("city.link.invalid_host");
      var rest = hostport.slice(end + 1);
      return [hostport.slice(0, end + 1), rest[0] === ":" ? rest.slice(1) : ""];
    }
    var colon = hostport.lastIndexOf(":");
    if (colon >= 0) {
      var port = hostport.slice(colon + 1);
      if (port && !/^\d+$/.test(port)) throw new DomainError("city.link.invalid_host");
      return [hostport.slice(0, colon), port];
    }
    return [hostport, ""];
  }

  function splitUrl(text) {
    text = text.replace(/\\/g, "/");
    var lowered = text.toLowerCase(), scheme;
    if (/^[a-z][a-z0-9+.\-]*:/.test(lowered) && !/^[^/:]+:\d/.test(lowered) && text.indexOf("://") < 0) {
      scheme = lowered.split(":")[0];
      if (scheme !== "http" && scheme !== "https") throw new DomainError("city.link.bad_scheme", {scheme: scheme.slice(0, 20)});
      text = scheme + "://" + text.slice(text.indexOf(":") + 1).replace(/^\/+/, "");
    }
    if (text.indexOf("://") < 0) text = "//" + text;
    var parts = urlsplit(text);
    scheme = parts.scheme;
    if (["", "http", "https"].indexOf(scheme) < 0) throw new DomainError("city.link.bad_scheme", {scheme: scheme.slice(0, 20)});
    var at = parts.netloc.lastIndexOf("@");
    var hp = splitPort(at >= 0 ? parts.netloc.slice(at + 1) : parts.netloc);
    return {scheme: scheme, userinfo: at >= 0 ? parts.netloc.slice(0, at) : "", host: hp[0], port: hp[1],
            path: parts.path + (parts.query ? "?" + parts.query : "")};
  }

  function ipv4Number(label) {
    if (label.slice(0, 2) === "0x") return label.length > 2 ? parseInt(label.slice(2), 16) : 0;
    if (label.length > 1 && label[0] === "0") {
      if (!/^[0-7]+$/.test(label)) return NaN;
      return parseInt(label, 8);
    }
    return parseInt(label, 10);
  }

  function ipHost(host) {
    if (host[0] === "[" && host[host.length - 1] === "]") {
      try {
        var parsed = new URL("http://" + host + "/").hostname;
        return parsed.slice(1, -1);
      } catch (e) {
        return null;
      }
    }
    var labels = host.split(".");
    if (!labels.length || labels.length > 4 || !labels.every(function (l) { return NUMERIC_LABEL.test(l); })) return null;
    var numbers = labels.map(ipv4Number);
    if (numbers.some(function (n) { return isNaN(n); })) return null;
    var last = numbers[numbers.length - 1], head = numbers.slice(0, -1);
    if (head.some(function (n) { return n > 255; }) || last >= Math.pow(256, 5 - numbers.length)) return null;
    var value = last;
    head.forEach(function (n, i) { value += n * Math.pow(2, 8 * (3 - i)); });
    return [value >>> 24 & 255, value >>> 16 & 255, value >>> 8 & 255, value & 255].join(".");
  }

  function cleanHost(rawHost) {
    var reasons = [], host = rawHost;
    if (host.indexOf("%") >= 0) {
      host = unquote(host);
      reasons.push(reason("encoded_host", "danger"));
      var at = host.lastIndexOf("@");
      if (at >= 0) {
        reasons.push(reason("userinfo", "danger", {shown: chars(host.slice(0, at)).slice(0, 60).join("")}));
        host = host.slice(at + 1);
      }
    }
    host = host.normalize("NFC").trim();
    if (host[host.length - 1] === ".") {
      host = host.replace(/\.+$/, "");
      reasons.push(reason("trailing_dot", "info"));
    }
    if (!host || host.indexOf("..") >= 0 || /[\s@/?#]/u.test(host)) throw new DomainError("city.link.invalid_host");
    return [host, reasons];
  }

  function govSuffix(asciiHost, rules) {
    return rules.govSuffixes.find(function (s) { return asciiHost.endsWith("." + s); }) || "";
  }

  function escapeRe(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function embeddedGov(labels, rules) {
    var found = "";
    rules.govSuffixes.some(function (suffix) {
      var parts = suffix.split(".");
      for (var i = 0; i < labels.length - parts.length; i++) {
        if (labels.slice(i, i + parts.length).join(".") === suffix) {
          found = labels.slice(0, i + parts.length).join(".");
          return true;
        }
      }
      return false;
    });
    if (found) return found;
    var joined = labels.join("-");
    return rules.govSuffixes.find(function (suffix) {
      return new RegExp("(^|[-.])" + escapeRe(suffix.replace(/\./g, "")) + "($|[-.])").test(joined)
        || new RegExp("(^|-)" + escapeRe(suffix.replace(/\./g, "-")) + "($|-)").test(joined);
    }) || "";
  }

  function trickReasons(asciiHost, siteName, rules) {
    var labels = asciiHost.split(".");
    for (var size = labels.length - 1; size > 1; size--) {
      var prefix = labels.slice(0, size).join(".");
      if (prefix !== siteName && lookup(rules.sites, prefix) && !asciiHost.endsWith("." + prefix)) {
        return [[reason("subdomain_trick", "danger", {real: toUnicode(prefix), site: toUnicode(siteName)})], prefix];
      }
    }
    return [[], ""];
  }

  function imitationReasons(siteName, rules) {
    var unicodeSite = toUnicode(siteName);
    var twin = lookup(rules.skeletons, skeleton(unicodeSite, rules)) || siteName;
    if (twin !== siteName) return [[reason("lookalike", "danger", {real: toUnicode(twin)})], twin];
    var label = firstLabel(unicodeSite), own = skeleton(label, rules), brands = sortedKeys(rules.brands);
    for (var i = 0; i < brands.length; i++) {
      var brand = brands[i], domain = rules.brands[brand];
      if (domain === siteName || !imitates(own, brand)) continue;
      var real = toUnicode(domain);
      if (label === firstLabel(real)) {
        var level = GUARDED.indexOf(rules.sites[domain].category) >= 0 ? "danger" : "warn";
        return [[reason("other_suffix", level, {real: real})], domain];
      }
      if (own === brand) return [[reason("lookalike", "danger", {real: real})], domain];
      return [[reason("similar_name", "danger", {real: real})], domain];
    }
    return [[], ""];
  }

  function embeddedBrandReasons(asciiHost, siteName, rules) {
    var dot = siteName.indexOf("."), suffix = dot >= 0 ? siteName.slice(dot + 1) : "";
    var unicodeHost = toUnicode(asciiHost);
    var namePart = suffix && unicodeHost.endsWith("." + suffix) ? unicodeHost.slice(0, -suffix.length - 1) : unicodeHost;
    var tokens = skeleton(namePart, rules).split(/[.\-]/).filter(Boolean);
    var brands = sortedKeys(rules.brands);
    for (var i = 0; i < brands.length; i++) {
      var brand = brands[i], n = chars(brand).length;
      if (n < MIN_BRAND) continue;
      var hit = tokens.some(function (t) {
        return t === brand || (n >= MIN_INSIDE && t.indexOf(brand) >= 0) || (chars(t).length >= MIN_EDIT && imitates(t, brand));
      });
      if (hit) {
        var domain = rules.brands[brand];
        return [[reason("brand_elsewhere", "danger", {real: toUnicode(domain), site: toUnicode(siteName)})], domain];
      }
    }
    return [[], ""];
  }

  function nameReasons(asciiHost, unicodeHost, siteName, rules) {
    var reasons = [], clean = true;
    unicodeHost.split(".").forEach(function (label) {
      var found = scriptsOf(label);
      if (found.length > 1) {
        reasons.push(reason("mixed_scripts", "danger", {label: label, scripts: found.join(", ")}));
        clean = false;
      }
    });
    if (asciiHost.split(".").some(function (l) { return l.slice(0, 4) === "xn--"; })) {
      reasons.push(reason("punycode", "info", {ascii: asciiHost, unicode: unicodeHost}));
    }
    if (lookup(rules.sites, siteName) || govSuffix(asciiHost, rules)) return [reasons, clean, ""];
    var related = "", finders = [
      function () { return trickReasons(asciiHost, siteName, rules); },
      function () { return imitationReasons(siteName, rules); },
      function () { return embeddedBrandReasons(asciiHost, siteName, rules); },
    ];
    for (var i = 0; i < finders.length; i++) {
      var found = finders[i]();
      related = found[1];
      if (found[0].length) {
        reasons = reasons.concat(found[0]);
        break;
      }
    }
    var embedded = embeddedGov(asciiHost.split("."), rules);
    if (embedded || (related && rules.sites[related].category === "gov")) {
      reasons.push(reason("gov_impersonation", "danger", {real: toUnicode(related || embedded)}));
    }
    return [reasons, clean, related];
  }

  function heuristics(parsed, asciiHost, siteName, rules) {
    var reasons = [], tld = asciiHost.split(".").pop();
    if (rules.riskyTlds.has(tld)) reasons.push(reason("risky_tld", "warn", {tld: "." + tld}));
    var folded = fold(unquote(asciiHost + parsed.path));
    var lure = rules.lureWords.find(function (w) { return folded.indexOf(w) >= 0; });
    if (lure) reasons.push(reason("lure_words", "warn", {word: lure}));
    var label = firstLabel(toUnicode(siteName));
    if ((label.match(/-/g) || []).length >= 2 || /\d{4,}/.test(label)) reasons.push(reason("odd_name", "warn"));
    return reasons;
  }

  function shapeReasons(parsed, text) {
    var reasons = [], plain = text.indexOf("\\") < 0;
    if (!plain) reasons.push(reason("backslash", "warn"));
    if (parsed.userinfo) {
      reasons.push(reason("userinfo", "danger", {shown: chars(parsed.userinfo).slice(0, 60).join("")}));
      plain = false;
    }
    if (parsed.scheme === "http") {
      reasons.push(reason("not_https", "warn"));
      plain = false;
    }
    if (parsed.port && parsed.port !== DEFAULT_PORTS[parsed.scheme || "https"]) {
      reasons.push(reason("unusual_port", "warn", {port: parsed.port}));
      plain = false;
    }
    return [reasons, plain];
  }

  function trustedEntry(asciiHost, siteName, rules) {
    var entry = lookup(rules.sites, asciiHost) || lookup(rules.sites, siteName);
    var suffix = govSuffix(asciiHost, rules);
    if (!entry && suffix) entry = {name: "", brand: "", lists: [GOVERNMENT], category: "gov", hotlines: [], sample: false};
    return [entry, suffix];
  }

  function verifiedReasons(trusted, suffix, rules) {
    var reasons = [];
    if (trusted.name) {
      reasons.push(reason(trusted.category === "gov" ? "verified_gov" : "verified_site", "ok",
                          Object.assign({merchant: trusted.name}, listParams(rules, trusted.lists[0]))));
    }
    if (suffix) reasons.push(reason("gov_suffix", "ok", {suffix: "." + suffix}));
    if (trusted.sample) reasons.push(reason("sample_entry", "info"));
    return reasons;
  }

  function hasDanger(reasons) {
    return reasons.some(function (r) { return r.level === "danger"; });
  }

  function checkUrl(text, rules) {
    var parsed = splitUrl(text);
    var shape = shapeReasons(parsed, text), plain = shape[1];
    var cleaned = cleanHost(parsed.host), host = cleaned[0];
    var reasons = shape[0].concat(cleaned[1]);
    if (cleaned[1].some(function (r) { return r.code === "encoded_host"; })) plain = false;
    var address = ipHost(host.toLowerCase());
    if (address !== null) {
      reasons.push(reason("ip_host", "danger", {ip: address}));
      return urlResult({display: address, ascii: address, site: address}, "danger", "", reasons, null, []);
    }
    if (host.indexOf(".") < 0) throw new DomainError("city.link.not_a_link");
    var asciiHost = toAscii(host), unicodeHost = toUnicode(asciiHost);
    var siteName = registrable(asciiHost, rules.suffixes);
    var base = {display: (parsed.scheme ? parsed.scheme + "://" : "") + unicodeHost, ascii: asciiHost, site: toUnicode(siteName)};
    var entry = lookup(rules.blocked, asciiHost) || lookup(rules.blocked, siteName);
    if (entry) {
      reasons.unshift(blockedReason(entry, rules, "reported_site"));
      if (entry.sample) reasons.push(reason("sample_entry", "info"));
      return urlResult(base, "reported", "", reasons, null, [entry.list]);
    }
    if (rules.shorteners.has(asciiHost) || rules.shorteners.has(siteName)) {
      reasons.push(reason("shortener", "warn"));
      return urlResult(base, "unknown", "", reasons, null, []);
    }
    var named = nameReasons(asciiHost, unicodeHost, siteName, rules);
    reasons = reasons.concat(named[0], heuristics(parsed, asciiHost, siteName, rules));
    var t = trustedEntry(asciiHost, siteName, rules), trusted = t[0];
    var relatedSite = named[2] ? rules.sites[named[2]] : null;
    if (trusted && plain && named[1]) {
      return urlResult(base, "verified", trusted.name, verifiedReasons(trusted, t[1], rules).concat(reasons),
                       relatedSite, trusted.lists);
    }
    if (trusted) reasons.push(reason("merchant_but_tricky", "warn", {merchant: trusted.name || toUnicode(siteName)}));
    else if (!hasDanger(reasons)) reasons.push(reason("not_in_lists", "info"));
    return urlResult(base, hasDanger(reasons) ? "danger" : "unknown", "", reasons, relatedSite, []);
  }

  function urlResult(base, verdict, merchant, reasons, related, lists) {
    var withReal = reasons.find(function (r) { return "real" in r.params; });
    var shortener = reasons.some(function (r) { return r.code === "shortener"; });
    return result("url", verdict, base.display, base.ascii, base.site, merchant, reasons,
                  advice("url", verdict, hotlineParams(related), withReal ? withReal.params.real : "", merchant, shortener),
                  lists);
  }

  function advice(kind, verdict, hotline, real, merchant, shortener) {
    var steps = [];
    if (verdict === "verified") {
      steps.push(reason("verified_ok", "advice", merchant ? {merchant: merchant} : {}));
    } else if (verdict === "reported") {
      steps.push(reason("stop_now", "advice"), reason("if_paid", "advice"));
    } else if (verdict === "danger") {
      steps.push(reason(kind === "url" ? "do_not_open" : "do_not_call_back", "advice"));
      if (kind === "url" && real) steps.push(reason("type_real", "advice", {real: real}));
    } else if (shortener) {
      steps.push(reason("ask_full_link", "advice"));
    } else {
      steps.push(reason("not_sure", "advice"));
    }
    if (Object.keys(hotline).length && verdict !== "verified") steps.push(reason("call_hotline", "advice", hotline));
    if (verdict === "reported" || verdict === "danger" || verdict === "unknown") steps.push(reason("report_it", "advice"));
    return steps;
  }

  function result(kind, verdict, display, asciiForm, siteName, merchant, reasons, steps, lists) {
    return {kind: kind, verdict: verdict, display: display, ascii_form: asciiForm, site: siteName, merchant: merchant,
            reasons: reasons, advice: steps, lists: lists.slice()};
  }

  function check(raw, rules) {
    var text = String(raw || "").trim().replace(/^[<>"']+|[<>"']+$/g, "").trim();
    if (!text) throw new DomainError("city.link.empty");
    if (chars(text).length > MAX_INPUT || /\p{Cc}/u.test(text)) throw new DomainError("city.link.too_long");
    var phone = parsePhone(text);
    if (phone !== null) return checkPhone(phone, rules);
    if (/^[+\d\s().\-]+$/.test(text) && (text.indexOf(".") < 0 || !/^[\d.]+$/.test(text))) {
      throw new DomainError("city.link.phone_invalid");
    }
    return checkUrl(text, rules);
  }

  var api = {VERDICTS: VERDICTS, MAX_INPUT: MAX_INPUT, buildRules: buildRules, check: check, parsePhone: parsePhone,
             phoneDisplay: phoneDisplay, toAscii: toAscii, toUnicode: toUnicode, fold: fold, DomainError: DomainError};
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.CdsLinkcheck = api;
})(typeof self !== "undefined" ? self : this);
