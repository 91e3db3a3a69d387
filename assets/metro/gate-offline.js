/*
 * Công dân số — the offline gate decision in the browser: JavaScript twin of citizen_app/metro/gate.py
 * (TicketVerifier.verify, decide_tap and OfflineGate.scan), with the same checks in the same order and the same
 * reason codes (metro.reason.*), so a gate decides alike online and offline. tests/unit/metro/test_gate_offline_js.py
 * runs this file under Node against Python's OfflineGate on the same tickets.
 *
 *   var gate = new MetroGateOffline.OfflineGate({station, rules, jwks, denylist, denylistAt});
 *   await gate.decide(text, "in" | "out", nowSeconds)
 *       -> {admitted, reason, ticket: {tid, product, category, deviceKeyHash} | null, state: new journey state | null}
 *   gate.commit(decision, nowSeconds)  // an admitted decision: remember the ticket's state, queue the tap
 *   await gate.scan(text, direction, now) -> [admitted, reason]   (decide + commit, as OfflineGate.scan)
 *
 * rules: what POST /api/metro/gate/pull returns ("rules": stations, products, categories, journey rules).
 * Crypto is WebCrypto's (Ed25519 for the issuer, ECDSA P-256 for the phone's proof); imported keys are cached.
 * Exposes window.MetroGateOffline (and module.exports under Node).
 */
(function (root) {
  "use strict";

  var PREFIX = "MT1:";
  var B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  var BODY_LEN = 60, TICKET_LEN = 124, SCAN_LEN = 192;
  var IN = "in", OUT = "out";
  var PHASE = { unused: "unused", idle: "idle", in: "in", done: "done" };
  // P-256: y^2 = x^3 - 3x + b (mod p); p = 3 (mod 4), so a square root is v^((p+1)/4).
  var P = BigInt("0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
  var B = BigInt("0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");
  var subtle = (root.crypto || (typeof require === "function" ? require("crypto").webcrypto : null)).subtle;
  var enc = new TextEncoder();

  function Rejected(reason) { this.reason = reason; }

  // --- encodings ---------------------------------------------------------------------------------------

  /** Base45 (RFC 9285), canonical only (as qr.b45decode): null for anything else. */
  function b45decode(text) {
    var values = [];
    for (var i = 0; i < text.length; i++) {
      var v = B45.indexOf(text.charAt(i));
      if (v < 0) return null;
      values.push(v);
    }
    if (values.length % 3 === 1) return null;
    var out = [];
    var full = values.length - values.length % 3;
    for (var j = 0; j < full; j += 3) {
      var n = values[j] + values[j + 1] * 45 + values[j + 2] * 2025;
      if (n > 0xffff) return null;
      out.push(n >> 8, n & 0xff);
    }
    if (full < values.length) {
      var m = values[full] + values[full + 1] * 45;
      if (m > 0xff) return null;
      out.push(m);
    }
    return new Uint8Array(out);
  }

  function b64uDecode(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var bin = typeof atob === "function" ? atob(b64) : Buffer.from(b64, "base64").toString("binary");
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function hex(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return s;
  }

  function u32(bytes, at) { return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3]; }

  /** A decoded QR, nothing verified yet (qr.parse_scan): null on any structural failure. */
  function parse(text) {
    if (typeof text !== "string" || text.indexOf(PREFIX) !== 0 || text.length > 400) return null;
    var raw = b45decode(text.slice(PREFIX.length));
    if (raw === null || raw.length !== SCAN_LEN || raw[0] !== 1) return null;
    var key = raw.slice(27, 60);
    if (key[0] !== 2 && key[0] !== 3) return null;
    return {
      signed: raw.slice(0, BODY_LEN), kid: (raw[1] << 8) + raw[2], tidBytes: raw.slice(3, 15), tid: hex(raw.slice(3, 15)),
      productCode: raw[15], categoryCode: raw[16], origin: raw[17], destination: raw[18],
      validFrom: u32(raw, 19), validUntil: u32(raw, 23), deviceKey: key, issuerSig: raw.slice(BODY_LEN, TICKET_LEN),
      proofTime: u32(raw, TICKET_LEN), proofSig: raw.slice(TICKET_LEN + 4),
    };
  }

  // --- crypto ------------------------------------------------------------------------------------------

  function modPow(base, exp, mod) {
    var result = BigInt(1);
    base %= mod;
    while (exp > 0) {
      if (exp & BigInt(1)) result = (result * base) % mod;
      base = (base * base) % mod;
      exp >>= BigInt(1);
    }
    return result;
  }

  function toBig(bytes) { return BigInt("0x" + (hex(bytes) || "0")); }

  function toBytes(n) {
    var h = n.toString(16);
    while (h.length < 64) h = "0" + h;
    var out = new Uint8Array(32);
    for (var i = 0; i < 32; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
    return out;
  }

  /** 33-byte compressed P-256 point -> 65-byte uncompressed, or null when it is not on the curve. */
  function decompress(key) {
    var x = toBig(key.slice(1));
    if (x >= P) return null;
    var rhs = (((x * x % P) * x - BigInt(3) * x + B) % P + P) % P;
    var y = modPow(rhs, (P + BigInt(1)) / BigInt(4), P);
    if (y * y % P !== rhs) return null;
    if (Number(y & BigInt(1)) !== (key[0] & 1)) y = P - y;
    var out = new Uint8Array(65);
    out[0] = 4;
    out.set(toBytes(x), 1);
    out.set(toBytes(y), 33);
    return out;
  }

  var deviceKeys = new Map(); // hex compressed key -> Promise<CryptoKey | null>
  var denyHashes = new Map(); // hex compressed key -> Promise<first 16 hex of its SHA-256>

  function deviceKey(compressed) {
    var id = hex(compressed);
    if (!deviceKeys.has(id)) {
      if (deviceKeys.size > 5000) deviceKeys.clear();
      var point = decompress(compressed);
      deviceKeys.set(id, point === null ? Promise.resolve(null) : subtle.importKey(
        "raw", point, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]).catch(function () { return null; }));
    }
    return deviceKeys.get(id);
  }

  function deviceKeyHash(compressed) {
    var id = hex(compressed);
    if (!denyHashes.has(id)) {
      if (denyHashes.size > 5000) denyHashes.clear();
      denyHashes.set(id, subtle.digest("SHA-256", compressed).then(function (d) { return hex(new Uint8Array(d)).slice(0, 16); }));
    }
    return denyHashes.get(id);
  }

  function proofMessage(scan) {
    var msg = new Uint8Array(4 + 12 + 4);
    msg.set(enc.encode("MT1P"), 0);
    msg.set(scan.tidBytes, 4);
    msg.set([scan.proofTime >>> 24, (scan.proofTime >>> 16) & 0xff, (scan.proofTime >>> 8) & 0xff, scan.proofTime & 0xff], 16);
    return msg;
  }

  async function verifyDeviceProof(scan) {
    var r = toBig(scan.proofSig.slice(0, 32)), s = toBig(scan.proofSig.slice(32));
    if (r <= BigInt(0) || s <= BigInt(0)) return false;
    var key = await deviceKey(scan.deviceKey);
    if (key === null) return false;
    return subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, scan.proofSig, proofMessage(scan));
  }

  // --- the journey rules (gate.decide_tap) --------------------------------------------------------------

  function initialState(product) { return { phase: product.kind === "single" ? PHASE.unused : PHASE.idle, entry_station: null, entry_at: null, last_tap_at: null, version: 0 }; }

  function stationIndex(rules, code) {
    for (var i = 0; i < rules.stations.length; i++) if (rules.stations[i].code === code) return rules.stations[i].index;
    return null;
  }

  function withinPaidZone(rules, ticket, station) {
    if (!ticket.origin || !ticket.destination) return true;
    var a = stationIndex(rules, ticket.origin), b = stationIndex(rules, ticket.destination);
    var here = stationIndex(rules, station);
    return Math.min(a, b) <= here && here <= Math.max(a, b);
  }

  function tapIn(ticket, state, station, now, single, maxJourney, passback) {
    if (state.phase === PHASE.done) throw new Rejected("ticket_used");
    if (state.phase === PHASE.in) {
      var since = now - (state.entry_at || 0);
      if (single) throw new Rejected(since <= maxJourney ? "passback" : "ticket_used");
      if (since < passback) throw new Rejected("passback");
    }
    if (single && ticket.origin && station !== ticket.origin) throw new Rejected("wrong_station");
    return { phase: PHASE.in, entry_station: station, entry_at: now, last_tap_at: now, version: state.version + 1 };
  }

  /** The state after an admitted tap, or throws Rejected (gate.decide_tap). */
  function decideTap(rules, ticket, state, station, direction, now) {
    var maxJourney = rules.max_journey_minutes * 60;
    var single = ticket.product.kind === "single";
    if (direction === IN) return tapIn(ticket, state, station, now, single, maxJourney, rules.passback_minutes * 60);
    if (state.phase !== PHASE.in) throw new Rejected(state.phase === PHASE.done ? "ticket_used" : "no_entry");
    if (state.entry_at !== null && now - state.entry_at > maxJourney) throw new Rejected("journey_time_exceeded");
    if (single && !withinPaidZone(rules, ticket, station)) throw new Rejected("fare_adjustment");
    return { phase: single ? PHASE.done : PHASE.idle, entry_station: null, entry_at: null, last_tap_at: now, version: state.version + 1 };
  }

  /** The state after a tap the server admitted (online): the gate's own view follows it. */
  function followTap(product, state, station, direction, now) {
    var base = state || initialState(product);
    if (direction === IN) return { phase: PHASE.in, entry_station: station, entry_at: now, last_tap_at: now, version: base.version + 1 };
    return { phase: product.kind === "single" ? PHASE.done : PHASE.idle, entry_station: null, entry_at: null, last_tap_at: now, version: base.version + 1 };
  }

  // --- the gate ----------------------------------------------------------------------------------------

  function OfflineGate(opts) {
    this.station = opts.station;
    this.rules = opts.rules;
    this.denylist = new Set(opts.denylist || []);
    this.denylistAt = opts.denylistAt || 0;
    this.states = opts.states || new Map();
    this.pending = [];
    this.gateId = opts.gateId || "";
    this.issuerKeys = new Map(); // kid -> Promise<CryptoKey>
    this.issuerOk = new Map(); // hex(body + signature) -> true/false (a ticket is shown many times a day)
    this.setKeys(opts.jwks || { keys: [] });
  }

  OfflineGate.prototype.setKeys = function (jwks) {
    var keys = new Map();
    (jwks.keys || []).forEach(function (jwk) {
      if (jwk.kty === "OKP" && jwk.crv === "Ed25519") {
        keys.set(Number(jwk.kid), subtle.importKey("raw", b64uDecode(jwk.x), { name: "Ed25519" }, false, ["verify"]));
      }
    });
    this.issuerKeys = keys;
    this.issuerOk = new Map();
  };

  OfflineGate.prototype.setDenylist = function (entries, now) {
    this.denylist = new Set(entries);
    this.denylistAt = now;
  };

  OfflineGate.prototype.product = function (code) { return this.rules.products[String(code)] || null; };

  OfflineGate.prototype.issuerValid = async function (scan) {
    var cacheKey = hex(scan.signed) + hex(scan.issuerSig);
    if (this.issuerOk.has(cacheKey)) return this.issuerOk.get(cacheKey);
    var key = this.issuerKeys.get(scan.kid);
    if (!key) throw new Rejected("unknown_key");
    var ok = await subtle.verify({ name: "Ed25519" }, await key, scan.issuerSig, scan.signed);
    if (this.issuerOk.size > 50000) this.issuerOk.clear();
    this.issuerOk.set(cacheKey, ok);
    return ok;
  };

  OfflineGate.prototype.stationCode = function (index) {
    if (index === 0) return null;
    var found = this.rules.stations.filter(function (s) { return s.index === index; })[0];
    if (!found) throw new Rejected("wrong_line");
    return found.code;
  };

  /** TicketVerifier.verify: the ticket, or throws Rejected. */
  OfflineGate.prototype.verify = async function (text, direction, now) {
    if (stationIndex(this.rules, this.station) === null) throw new Rejected("wrong_line");
    if (direction !== IN && direction !== OUT) throw new Rejected("malformed");
    var scan = parse(text);
    if (scan === null) throw new Rejected("malformed");
    if (!(await this.issuerValid(scan))) throw new Rejected("bad_signature");
    var product = this.product(scan.productCode), category = this.rules.categories[String(scan.categoryCode)];
    if (!product || !category) throw new Rejected("malformed");
    var origin = this.stationCode(scan.origin), destination = this.stationCode(scan.destination);
    if (now < scan.validFrom) throw new Rejected("not_yet_valid");
    var grace = this.rules.max_journey_minutes * 60;
    if (now > (direction === OUT ? scan.validUntil + grace : scan.validUntil)) throw new Rejected("expired");
    if (Math.abs(now - scan.proofTime) > this.rules.proof_window_seconds) throw new Rejected("proof_stale");
    if (!(await verifyDeviceProof(scan))) throw new Rejected("bad_device_proof");
    var keyHash = await deviceKeyHash(scan.deviceKey);
    if (this.denylist.has("t:" + scan.tid) || this.denylist.has("d:" + scan.tid + ":" + keyHash)) throw new Rejected("revoked");
    return { tid: scan.tid, product: product, category: category, origin: origin, destination: destination, deviceKeyHash: keyHash };
  };

  /** OfflineGate.scan without its side effects: {admitted, reason, ticket, state}. */
  OfflineGate.prototype.decide = async function (text, direction, now) {
    var maxAge = this.rules.denylist_max_age_offline_hours * 3600;
    if (now - this.denylistAt > maxAge) return { admitted: false, reason: "gate_data_stale", ticket: null, state: null };
    var ticket = null;
    try {
      ticket = await this.verify(text, direction, now);
      var known = this.states.get(ticket.tid);
      // A ticket this gate never saw, going out, entered at another gate: it leaves (sync reconciles).
      var state = known || (direction === OUT ? { phase: PHASE.in, entry_station: null, entry_at: null, last_tap_at: null, version: 0 } : initialState(ticket.product));
      var next = decideTap(this.rules, { product: ticket.product, origin: ticket.origin, destination: ticket.destination }, state, this.station, direction, now);
      return { admitted: true, reason: "ok", ticket: ticket, state: next };
    } catch (e) {
      if (e instanceof Rejected) return { admitted: false, reason: e.reason, ticket: ticket, state: null };
      throw e;
    }
  };

  /** Remember an admitted decision: the ticket's state and the tap to upload (sync.sync_offline_taps). */
  OfflineGate.prototype.commit = function (decision, direction, now, scanId) {
    this.states.set(decision.ticket.tid, decision.state);
    var event = { scan_id: scanId, tid: decision.ticket.tid, direction: direction, station: this.station, at: now,
                  device_key_hash: decision.ticket.deviceKeyHash };
    this.pending.push(event);
    return event;
  };

  OfflineGate.prototype.scan = async function (text, direction, now) {
    var decision = await this.decide(text, direction, now);
    if (decision.admitted) this.commit(decision, direction, now, this.gateId + ":" + hex(crypto.getRandomValues(new Uint8Array(8))));
    return [decision.admitted, decision.reason];
  };

  var api = { OfflineGate: OfflineGate, parse: parse, decideTap: decideTap, followTap: followTap, initialState: initialState,
              b45decode: b45decode, decompress: decompress, hex: hex };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  root.MetroGateOffline = api;
})(typeof window !== "undefined" ? window : globalThis);
