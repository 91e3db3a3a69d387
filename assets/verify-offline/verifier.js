/*
 * Công dân số — strict SD-JWT VC verifier that runs in the browser (WebCrypto), with no server.
 *
 * JavaScript twin of citizen_app/wallet/credentials.py strict_verify(): the same checks in the
 * same order, so both give the same answer (and the same identity.verify.* code) on the same
 * vectors (tests/unit/wallet/test_verifier_js.py runs this file under Node against Python).
 *
 *  - algorithm allow-list (ES256 only), typ checks, no "crit";
 *  - issuer key by kid from a trusted JWKS (iss -> JWKS), ES256 over the issuer JWT;
 *  - exp / nbf / iat with at most 60 s skew, optional expected vct;
 *  - every disclosure's digest present exactly once (RFC 9901 §7.1), decoys ignored;
 *  - KB-JWT mandatory (cnf.jwk), sd_hash, aud, nonce (mode a) or one-time QR at most 60 s old (mode b);
 *  - status bit from a signed Token Status List (zlib, LSB first), the list's exp respected;
 *  - replay cache: nonce consumed once, one-time ids seen once.
 *
 * Errors are thrown as Error objects whose .code is an identity.verify.* message key.
 * Exposes window.CdsVerifier (and module.exports under Node).
 */
(function (root) {
  "use strict";

  const ES256 = "ES256";
  const SD_JWT_TYP = "dc+sd-jwt";
  const KB_JWT_TYP = "kb+jwt";
  const STATUS_TYP = "statuslist+jwt";
  const SD_ALG = "sha-256";
  const MAX_SKEW = 60;
  const ONE_TIME_WINDOW = 60;
  const NONCE_TTL = 300;
  const ONE_TIME_AUD = "cds:qr";
  const MAX_PRESENTATION = 8192;
  const STATUS_OPTIONAL_SECONDS = 86400;
  const MAX_LIST_BYTES = 1 << 20;
  const VERIFIER_PREFIX = "cdsvp1:";
  const QR_PREFIX = "VP1:";
  const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  const REGISTERED = new Set(["iss", "vct", "iat", "exp", "nbf", "cnf", "status", "sub", "jti", "_sd", "_sd_alg"]);
  const VCT_TO_KIND = {
    "urn:cds:id": "identity", "urn:cds:rsd": "residence", "urn:cds:a18": "age18", "urn:cds:a60": "age60",
    "urn:cds:stu": "student", "urn:cds:pr": "result",
  };
  const enc = new TextEncoder();
  const strictDecoder = new TextDecoder("utf-8", { fatal: true });

  function fail(code) {
    return Object.assign(new Error(`identity.verify.${code}`), { code: `identity.verify.${code}` });
  }

  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const isInt = (v) => typeof v === "number" && Number.isInteger(v);
  const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);

  // --- encodings ----------------------------------------------------------------------------

  function b64u(bytes) {
    const arr = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    let bin = "";
    for (let i = 0; i < arr.length; i += 1) bin += String.fromCharCode(arr[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  /** Strict base64url (no padding, no +/ or spaces), like identity/crypto.py b64u_decode. */
  function b64uDecode(text) {
    if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw fail("malformed");
    const pad = "=".repeat((4 - (text.length % 4)) % 4);
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/") + pad);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
    return out;
  }

  function jsonFromB64u(text) {
    return JSON.parse(strictDecoder.decode(b64uDecode(text)));
  }

  async function sha256B64u(text) {
    return b64u(await crypto.subtle.digest("SHA-256", enc.encode(text)));
  }

  async function sha256Hex(text) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(text)));
    return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function base45Decode(text) {
    const out = [];
    for (let i = 0; i < text.length; i += 3) {
      const chunk = text.slice(i, i + 3).split("").map((c) => {
        const v = B45.indexOf(c);
        if (v < 0) throw fail("malformed");
        return v;
      });
      const n = chunk.reduce((acc, v, k) => acc + v * 45 ** k, 0);
      if (chunk.length === 3 && n <= 0xffff) out.push(n >> 8, n & 255);
      else if (chunk.length === 2 && n <= 0xff) out.push(n);
      else throw fail("malformed");
    }
    return new Uint8Array(out);
  }

  /** zlib-inflate with a size limit; throws on corrupt input. */
  async function inflate(bytes, limit) {
    const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate")).getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        await reader.cancel();
        throw new Error("too large");
      }
      chunks.push(value);
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** The compact "VP1:" QR form (Base45 of zlib) or a plain presentation, as qr_transport.decode_from_qr. */
  async function fromQrPayload(text) {
    const value = String(text || "").trim();
    if (!value.startsWith(QR_PREFIX)) return value;
    let raw;
    try {
      raw = await inflate(base45Decode(value.slice(QR_PREFIX.length)), MAX_PRESENTATION);
    } catch (err) {
      throw fail("malformed");
    }
    for (const b of raw) if (b > 127) throw fail("malformed");
    return new TextDecoder().decode(raw);
  }

  // --- JWS ES256 ----------------------------------------------------------------------------

  function jwsParse(token) {
    const parts = typeof token === "string" ? token.split(".") : [];
    if (parts.length !== 3 || !parts[0] || !parts[1]) throw fail("malformed");
    let header;
    let payload;
    try {
      header = jsonFromB64u(parts[0]);
      payload = jsonFromB64u(parts[1]);
    } catch (err) {
      throw fail("malformed");
    }
    if (!isObject(header) || !isObject(payload)) throw fail("malformed");
    return { header, payload, signingInput: enc.encode(`${parts[0]}.${parts[1]}`), signature: b64uDecode(parts[2]) };
  }

  /** Only a public EC P-256 JWK with 32-byte coordinates on the curve (identity/crypto.py jwk_to_public_key). */
  async function importJwk(jwk) {
    if (!isObject(jwk) || jwk.kty !== "EC" || jwk.crv !== "P-256" || has(jwk, "d")) throw fail("bad_key");
    let x;
    let y;
    try {
      x = b64uDecode(jwk.x);
      y = b64uDecode(jwk.y);
    } catch (err) {
      throw fail("bad_key");
    }
    if (x.length !== 32 || y.length !== 32) throw fail("bad_key");
    try {
      return await crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true },
        { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    } catch (err) {
      throw fail("bad_key");
    }
  }

  async function verifyEs256(key, signingInput, signature) {
    if (signature.length !== 64) return false;
    return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, signingInput);
  }

  function findKey(jwks, kid) {
    if (typeof kid !== "string") return null;
    const keys = isObject(jwks) && Array.isArray(jwks.keys) ? jwks.keys : [];
    return keys.find((k) => isObject(k) && k.kid === kid) || null;
  }

  // --- the issuer JWT, times, disclosures ---------------------------------------------------

  async function verifyIssuerJwt(token, trustedJwks) {
    const { header, payload, signingInput, signature } = jwsParse(token);
    if (header.alg !== ES256) throw fail("bad_alg");
    if (header.typ !== SD_JWT_TYP) throw fail("bad_typ");
    if (has(header, "crit")) throw fail("malformed");
    const jwks = typeof payload.iss === "string" && has(trustedJwks, payload.iss) ? trustedJwks[payload.iss] : null;
    if (!jwks) throw fail("untrusted_issuer");
    const jwk = findKey(jwks, header.kid);
    if (!jwk || !(await verifyEs256(await importJwk(jwk), signingInput, signature))) throw fail("bad_signature");
    return payload;
  }

  function checkTimes(payload, now) {
    const { exp, nbf, iat } = payload;
    if (!isInt(exp) || !isInt(iat) || (nbf !== undefined && nbf !== null && !isInt(nbf))) throw fail("malformed");
    if (now > exp + MAX_SKEW) throw fail("expired");
    if ((isInt(nbf) && now < nbf - MAX_SKEW) || iat > now + MAX_SKEW) throw fail("not_yet_valid");
  }

  function collectDigests(node, out) {
    if (isObject(node)) {
      const sd = has(node, "_sd") ? node._sd : [];
      if (!Array.isArray(sd) || !sd.every((d) => typeof d === "string")) throw fail("malformed");
      out.push(...sd);
      const keys = Object.keys(node);
      for (const key of keys) {
        const value = node[key];
        if (key === "..." && typeof value === "string" && keys.length === 1) out.push(value);
        else if (key !== "_sd") collectDigests(value, out);
      }
    } else if (Array.isArray(node)) {
      node.forEach((item) => collectDigests(item, out));
    }
  }

  async function decodeDisclosures(disclosures) {
    const byDigest = new Map();
    for (const disclosure of disclosures) {
      let value;
      try {
        value = jsonFromB64u(disclosure);
      } catch (err) {
        throw fail("bad_disclosure");
      }
      if (!Array.isArray(value) || (value.length !== 2 && value.length !== 3) || typeof value[0] !== "string") {
        throw fail("bad_disclosure");
      }
      if (value.length === 3 && (typeof value[1] !== "string" || value[1] === "_sd" || value[1] === "...")) {
        throw fail("bad_disclosure");
      }
      const digest = await sha256B64u(disclosure);
      if (byDigest.has(digest)) throw fail("bad_disclosure");
      byDigest.set(digest, value);
    }
    return byDigest;
  }

  function resolve(node, byDigest, used) {
    if (Array.isArray(node)) {
      const out = [];
      for (const item of node) {
        if (isObject(item) && Object.keys(item).length === 1 && has(item, "...")) {
          const value = typeof item["..."] === "string" ? byDigest.get(item["..."]) : undefined;
          if (value !== undefined) {
            if (value.length !== 2) throw fail("bad_disclosure");
            used.add(item["..."]);
            out.push(resolve(value[1], byDigest, used));
          }
        } else {
          out.push(resolve(item, byDigest, used));
        }
      }
      return out;
    }
    if (!isObject(node)) return node;
    const result = {};
    for (const [key, value] of Object.entries(node)) {
      if (key !== "_sd" && key !== "_sd_alg") result[key] = resolve(value, byDigest, used);
    }
    for (const digest of has(node, "_sd") ? node._sd : []) {
      const value = byDigest.get(digest);
      if (value === undefined) continue;
      if (value.length !== 3 || has(result, value[1])) throw fail("bad_disclosure");
      used.add(digest);
      result[value[1]] = resolve(value[2], byDigest, used);
    }
    return result;
  }

  async function disclose(payload, disclosures) {
    if ((has(payload, "_sd_alg") ? payload._sd_alg : SD_ALG) !== SD_ALG) throw fail("bad_alg");
    const all = [];
    collectDigests(payload, all);
    if (all.length !== new Set(all).size) throw fail("bad_disclosure");
    const byDigest = await decodeDisclosures(disclosures);
    const used = new Set();
    const claims = resolve(payload, byDigest, used);
    if (used.size !== byDigest.size || [...byDigest.keys()].some((d) => !used.has(d))) throw fail("bad_disclosure");
    const names = [...byDigest.values()].filter((v) => v.length === 3).map((v) => v[1]);
    return { claims, names };
  }

  // --- holder binding -----------------------------------------------------------------------

  async function verifyKbJwt(kbJwt, body, holderJwk, expectedAud, expectedNonce, now) {
    if (!kbJwt) throw fail("missing_kb");
    const { header, payload, signingInput, signature } = jwsParse(kbJwt);
    if (header.alg !== ES256) throw fail("bad_alg");
    if (header.typ !== KB_JWT_TYP) throw fail("bad_typ");
    if (!(await verifyEs256(await importJwk(holderJwk), signingInput, signature))) throw fail("bad_kb_signature");
    if (payload.sd_hash !== (await sha256B64u(body))) throw fail("bad_sd_hash");
    if (typeof payload.aud !== "string" || payload.aud !== expectedAud) throw fail("wrong_audience");
    const { nonce, iat } = payload;
    if (typeof nonce !== "string" || !nonce || nonce.length > 64) throw fail("wrong_nonce");
    if (expectedNonce !== null && expectedNonce !== undefined && nonce !== expectedNonce) throw fail("wrong_nonce");
    if (!isInt(iat)) throw fail("malformed");
    const maxAge = expectedNonce !== null && expectedNonce !== undefined ? NONCE_TTL : ONE_TIME_WINDOW;
    if (iat > now + MAX_SKEW || now - iat > maxAge) throw fail("stale_kb");
    return payload;
  }

  // --- Token Status List --------------------------------------------------------------------

  async function readBit(lst, idx) {
    let data;
    try {
      data = await inflate(b64uDecode(lst), MAX_LIST_BYTES);
    } catch (err) {
      throw fail("status_unavailable");
    }
    if (idx < 0 || Math.floor(idx / 8) >= data.length) throw fail("status_unavailable");
    return (data[Math.floor(idx / 8)] >> (idx % 8)) & 1;
  }

  /** Verify a status list JWT for `uri` (signed by the issuer) and return the bit at `idx`. */
  async function checkStatusList(token, uri, idx, jwks, now) {
    const { header, payload, signingInput, signature } = jwsParse(token);
    if (header.alg !== ES256 || header.typ !== STATUS_TYP) throw fail("status_unavailable");
    const jwk = findKey(jwks, header.kid);
    if (!jwk || !(await verifyEs256(await importJwk(jwk), signingInput, signature))) throw fail("status_unavailable");
    if (payload.sub !== uri) throw fail("status_unavailable");
    if (!isInt(payload.iat) || (isInt(payload.exp) && payload.exp < now)) throw fail("status_unavailable");
    const list = isObject(payload.status_list) ? payload.status_list : {};
    if (list.bits !== 1 || typeof list.lst !== "string") throw fail("status_unavailable");
    return readBit(list.lst, idx);
  }

  /** Unverified claims of a status list JWT (ttl, iat, sub) for the freshness display. */
  function statusListInfo(token) {
    const { payload } = jwsParse(token);
    return { uri: payload.sub, iat: payload.iat, exp: payload.exp, ttl: payload.ttl };
  }

  async function checkStatus(payload, jwks, statusFetcher, now) {
    const status = payload.status;
    if (status === undefined || status === null) {
      if (payload.exp - payload.iat > STATUS_OPTIONAL_SECONDS) throw fail("status_unavailable");
      return null;
    }
    const ref = isObject(status) ? status.status_list : null;
    if (!isObject(ref) || !isInt(ref.idx) || typeof ref.uri !== "string") throw fail("malformed");
    if (!statusFetcher) throw fail("status_unavailable");
    let token;
    try {
      token = await statusFetcher(ref.uri);
    } catch (err) {
      throw fail("status_unavailable");
    }
    if ((await checkStatusList(token, ref.uri, ref.idx, jwks, now)) !== 0) throw fail("revoked");
    return ref.uri;
  }

  // --- strict verification ------------------------------------------------------------------

  /**
   * Verify a presentation; resolves to {iss, vct, kind, claims, holderJwk, iat, exp, mode, disclosed, statusUri}.
   * opts: expectedAud, expectedNonce (null = one-time QR), now (epoch s), trustedJwks {iss: JWKS},
   *       statusFetcher(uri) -> Promise<JWT>, replay {useOnce(key, until) -> bool | Promise<bool>}, expectedVct.
   */
  async function strictVerify(presentation, opts) {
    const o = opts || {};
    const now = isInt(o.now) ? o.now : Math.floor(Date.now() / 1000);
    const nonceMode = o.expectedNonce !== null && o.expectedNonce !== undefined;
    if (typeof presentation !== "string" || presentation.length > MAX_PRESENTATION || !presentation.includes("~")) {
      throw fail("malformed");
    }
    const text = presentation.trim();
    const parts = text.split("~");
    const issuerJwt = parts[0];
    const disclosures = parts.slice(1, -1);
    const kbJwt = parts[parts.length - 1];
    if (disclosures.some((d) => !d)) throw fail("malformed");
    const trusted = o.trustedJwks || {};
    const payload = await verifyIssuerJwt(issuerJwt, trusted);
    checkTimes(payload, now);
    const vct = payload.vct;
    if (typeof vct !== "string" || (o.expectedVct && !o.expectedVct.includes(vct))) throw fail("wrong_type");
    const { claims, names } = await disclose(payload, disclosures);
    const cnf = payload.cnf;
    if (!isObject(cnf) || !isObject(cnf.jwk)) throw fail("missing_cnf");
    const body = text.slice(0, text.length - kbJwt.length);
    const kb = await verifyKbJwt(kbJwt, body, cnf.jwk, o.expectedAud, nonceMode ? o.expectedNonce : null, now);
    const statusUri = await checkStatus(payload, trusted[payload.iss], o.statusFetcher, now);
    let mode;
    if (nonceMode) {
      if (!(await o.replay.useOnce(`n:${kb.nonce}`, now + NONCE_TTL + MAX_SKEW))) throw fail("replay");
      mode = "nonce";
    } else {
      const oneTimeId = typeof kb.jti === "string" ? kb.jti : kb.nonce;
      const key = `j:${(await sha256Hex(oneTimeId)).slice(0, 40)}`;
      if (!(await o.replay.useOnce(key, kb.iat + ONE_TIME_WINDOW + 2 * MAX_SKEW))) throw fail("replay");
      mode = "one_time";
    }
    const visible = Object.fromEntries(Object.entries(claims).filter(([k]) => !REGISTERED.has(k)));
    return { iss: payload.iss, vct, kind: VCT_TO_KIND[vct] || null, claims: visible, holderJwk: cnf.jwk,
      iat: payload.iat, exp: payload.exp, mode, disclosed: names, statusUri };
  }

  /** In-memory replay cache (tests; the page keeps its own in IndexedDB). */
  class MemoryReplayCache {
    constructor() {
      this.seen = new Map();
    }

    useOnce(key, until) {
      const now = Math.floor(Date.now() / 1000);
      for (const [k, v] of this.seen) if (v < now) this.seen.delete(k);
      if (this.seen.has(key)) return false;
      this.seen.set(key, until);
      return true;
    }
  }

  /** Unverified peek at the KB-JWT audience, to choose the mode (strictVerify checks it afterwards). */
  function kbAudience(presentation) {
    try {
      const kb = String(presentation).trim().split("~").pop();
      const payload = jsonFromB64u(kb.split(".")[1]);
      return isObject(payload) && typeof payload.aud === "string" ? payload.aud : null;
    } catch (err) {
      return null;
    }
  }

  function kbNonce(presentation) {
    try {
      const kb = String(presentation).trim().split("~").pop();
      const payload = jsonFromB64u(kb.split(".")[1]);
      return isObject(payload) && typeof payload.nonce === "string" ? payload.nonce : null;
    } catch (err) {
      return null;
    }
  }

  /** A fresh verifier request (mode a): 12 random bytes as the nonce, shown as "cdsvp1:<nonce>:<aud>". */
  function newRequest(aud, now) {
    const nonce = b64u(crypto.getRandomValues(new Uint8Array(12)));
    const at = isInt(now) ? now : Math.floor(Date.now() / 1000);
    return { nonce, aud, created: at, expires: at + NONCE_TTL, qr: `${VERIFIER_PREFIX}${nonce}:${aud}` };
  }

  const api = {
    ONE_TIME_AUD, NONCE_TTL, MAX_SKEW, strictVerify, checkStatusList, statusListInfo, fromQrPayload, kbAudience,
    kbNonce, newRequest, MemoryReplayCache, b64u, b64uDecode, VCT_TO_KIND,
  };
  root.CdsVerifier = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
