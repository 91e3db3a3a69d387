/*
 * Công dân số — browser wallet (holder side of SD-JWT VC, RFC 9901).
 *
 * - Holder key: WebCrypto ECDSA P-256, generated NON-EXTRACTABLE and kept as a CryptoKey in
 *   IndexedDB. Software-protected, not hardware-isolated. Browsers may evict storage (notably
 *   iOS): credentials here are a cache that the server can re-issue.
 * - KB-JWT: ES256 over the presentation; WebCrypto already returns raw r||s (IEEE P1363),
 *   exactly what JWS expects, so no DER conversion.
 * - Fallback when WebCrypto or IndexedDB is missing: a server-held key (key_mode "server"),
 *   shown to the user as less protected.
 * - QR transport: "VP1:" + Base45(zlib(presentation)), same as citizen_app/wallet/qr_transport.py.
 *
 * Exposes window.CdsWallet (and module.exports under Node for tests).
 */
(function (root) {
  "use strict";

  const DB_NAME = "cds-wallet";
  const DB_VERSION = 1;
  const KEY_ID = "holder";
  const ONE_TIME_AUD = "cds:qr";
  const VERIFIER_PREFIX = "cdsvp1:";
  const QR_PREFIX = "VP1:";
  const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  // --- encoding helpers ---------------------------------------------------------------------

  function b64u(bytes) {
    const arr = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    let bin = "";
    for (let i = 0; i < arr.length; i += 1) bin += String.fromCharCode(arr[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function b64uDecode(text) {
    const pad = "=".repeat((4 - (text.length % 4)) % 4);
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/") + pad);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
    return out;
  }

  const jsonB64 = (obj) => b64u(enc.encode(JSON.stringify(obj)));

  async function sha256B64u(text) {
    return b64u(await crypto.subtle.digest("SHA-256", enc.encode(text)));
  }

  function randomId(nbytes) {
    return b64u(crypto.getRandomValues(new Uint8Array(nbytes || 12)));
  }

  function base45Encode(bytes) {
    let out = "";
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      let n = bytes[i] * 256 + bytes[i + 1];
      const e = Math.floor(n / 2025);
      n %= 2025;
      out += B45[n % 45] + B45[Math.floor(n / 45)] + B45[e];
    }
    if (bytes.length % 2) {
      const last = bytes[bytes.length - 1];
      out += B45[last % 45] + B45[Math.floor(last / 45)];
    }
    return out;
  }

  function base45Decode(text) {
    const out = [];
    for (let i = 0; i < text.length; i += 3) {
      const chunk = text.slice(i, i + 3).split("").map((c) => {
        const v = B45.indexOf(c);
        if (v < 0) throw new Error("identity.verify.malformed");
        return v;
      });
      const n = chunk.reduce((acc, v, k) => acc + v * 45 ** k, 0);
      if (chunk.length === 3) out.push(n >> 8, n & 255);
      else if (chunk.length === 2) out.push(n);
      else throw new Error("identity.verify.malformed");
    }
    return new Uint8Array(out);
  }

  async function streamBytes(bytes, transform) {
    const stream = new Blob([bytes]).stream().pipeThrough(transform);
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  /** Compact QR text; falls back to the plain presentation when CompressionStream is missing. */
  async function toQrPayload(presentation) {
    if (typeof CompressionStream === "undefined") return presentation;
    const zipped = await streamBytes(enc.encode(presentation), new CompressionStream("deflate"));
    return QR_PREFIX + base45Encode(zipped);
  }

  async function fromQrPayload(text) {
    const value = (text || "").trim();
    if (!value.startsWith(QR_PREFIX)) return value;
    const raw = await streamBytes(base45Decode(value.slice(QR_PREFIX.length)), new DecompressionStream("deflate"));
    if (raw.length > 8192) throw new Error("identity.verify.malformed");
    return dec.decode(raw);
  }

  // --- IndexedDB storage --------------------------------------------------------------------

  function openDb() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        req.result.createObjectStore("keys");
        req.result.createObjectStore("credentials", { keyPath: "id" });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  async function idb(store, mode, action) {
    if (root.cdsSession) await root.cdsSession.ready; // a clearing of the user's data under way (session.js)
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const req = action(tx.objectStore(store));
      tx.oncomplete = () => resolve(req && req.result);
      tx.onerror = () => reject(tx.error);
    });
  }

  function hasSecureKeys() {
    return typeof crypto !== "undefined" && !!crypto.subtle && typeof indexedDB !== "undefined";
  }

  // --- the holder key -----------------------------------------------------------------------

  async function getHolderKey() {
    let pair = await idb("keys", "readonly", (s) => s.get(KEY_ID));
    if (!pair) {
      pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
      await idb("keys", "readwrite", (s) => s.put(pair, KEY_ID));
    }
    return pair;
  }

  async function publicJwk(publicKey) {
    const jwk = await crypto.subtle.exportKey("jwk", publicKey);
    return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  }

  /** New phone / lost storage: forget the key; the caller re-issues (old credentials get revoked). */
  async function resetHolderKey() {
    await idb("keys", "readwrite", (s) => s.delete(KEY_ID));
    await idb("credentials", "readwrite", (s) => s.clear());
  }

  // --- SD-JWT helpers -----------------------------------------------------------------------

  function splitSdJwt(sdJwt) {
    const parts = sdJwt.split("~");
    return { issuerJwt: parts[0], disclosures: parts.slice(1).filter(Boolean) };
  }

  function decodeDisclosure(disclosure) {
    const value = JSON.parse(dec.decode(b64uDecode(disclosure)));
    return value.length === 3 ? { name: value[1], value: value[2] } : { name: null, value: value[1] };
  }

  /** What the wallet may show before sharing: visible claims plus each disclosable claim. */
  function describeCredential(sdJwt) {
    const { issuerJwt, disclosures } = splitSdJwt(sdJwt);
    const payload = JSON.parse(dec.decode(b64uDecode(issuerJwt.split(".")[1])));
    const registered = new Set(["iss", "vct", "iat", "exp", "nbf", "cnf", "status", "_sd", "_sd_alg"]);
    const visible = Object.fromEntries(Object.entries(payload).filter(([k]) => !registered.has(k)));
    return { vct: payload.vct, exp: payload.exp, visible, disclosable: disclosures.map(decodeDisclosure) };
  }

  /** Build "<issuer-jwt>~<chosen disclosures>~<KB-JWT>" signed with a WebCrypto private key. */
  async function buildPresentationWithKey(privateKey, sdJwt, disclose, aud, nonce, iat) {
    const wanted = new Set(disclose || []);
    const { issuerJwt, disclosures } = splitSdJwt(sdJwt);
    const chosen = disclosures.filter((d) => wanted.has(decodeDisclosure(d).name));
    const body = [issuerJwt, ...chosen, ""].join("~");
    const payload = { iat: iat || Math.floor(Date.now() / 1000), aud, nonce, sd_hash: await sha256B64u(body) };
    const signingInput = `${jsonB64({ alg: "ES256", typ: "kb+jwt" })}.${jsonB64(payload)}`;
    const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, enc.encode(signingInput));
    return `${body}${signingInput}.${b64u(signature)}`; // P1363 r||s, 64 bytes
  }

  function parseVerifierRequest(text) {
    if (!text || !text.startsWith(VERIFIER_PREFIX)) throw new Error("identity.verify.bad_request_qr");
    const rest = text.slice(VERIFIER_PREFIX.length);
    const cut = rest.indexOf(":");
    const nonce = rest.slice(0, cut);
    const aud = rest.slice(cut + 1);
    if (cut < 0 || nonce.length !== 16 || !aud) throw new Error("identity.verify.bad_request_qr");
    return { nonce, aud };
  }

  // --- talking to the server ----------------------------------------------------------------

  async function postJson(url, body) {
    const res = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}),
    });
    const data = await res.json();
    if (!res.ok) throw Object.assign(new Error(data.error || `http_${res.status}`), { code: data.error });
    return data;
  }

  async function saveCredential(record) {
    await idb("credentials", "readwrite", (s) => s.put(record));
    return record;
  }

  /** Ask the server for a credential bound to this browser's key (or the server key as fallback). */
  async function requestCredential(kind) {
    if (!hasSecureKeys()) {
      const data = await postJson("/api/identity/credentials", { kind, key_mode: "server" });
      return { id: data.id, kind, keyMode: "server", expiresAt: data.expires_at, credential: data.credential };
    }
    const pair = await getHolderKey();
    const data = await postJson("/api/identity/credentials", { kind, holder_jwk: await publicJwk(pair.publicKey) });
    return saveCredential({ id: data.id, kind, keyMode: "browser", expiresAt: data.expires_at,
      credential: data.credential });
  }

  /** An OpenID4VCI key proof (typ openid4vci-proof+jwt) over the issuer's nonce, signed with the holder key. */
  async function signKeyProof(privateKey, jwk, aud, nonce) {
    const payload = { aud, iat: Math.floor(Date.now() / 1000), ...(nonce ? { nonce } : {}) };
    const input = `${jsonB64({ alg: "ES256", typ: "openid4vci-proof+jwt", jwk })}.${jsonB64(payload)}`;
    const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, enc.encode(input));
    return `${input}.${b64u(signature)}`;
  }

  /** Accept a trusted issuer's credential offer: opts {offer, issuer, nonces: {configuration id: c_nonce}, tx_code}.
   * The server runs the protocol with the issuer and checks what it sends; the key proofs are signed here. */
  async function acceptOffer(opts) {
    const body = { offer: opts.offer, tx_code: opts.tx_code || "" };
    if (!hasSecureKeys()) {
      const data = await postJson("/api/identity/offers/accept", { ...body, key_mode: "server" });
      return data.credentials.map((c) => ({ id: c.id, kind: c.kind, name: c.name, issuer: c.issuer,
        keyMode: "server", expiresAt: c.expires_at, credential: c.credential }));
    }
    const pair = await getHolderKey();
    const jwk = await publicJwk(pair.publicKey);
    const proofs = {};
    for (const [id, nonce] of Object.entries(opts.nonces || {})) {
      proofs[id] = await signKeyProof(pair.privateKey, jwk, opts.issuer, nonce);
    }
    const data = await postJson("/api/identity/offers/accept", { ...body, proofs });
    const saved = [];
    for (const c of data.credentials) {
      saved.push(await saveCredential({ id: c.id, kind: c.kind, name: c.name, issuer: c.issuer, keyMode: "browser",
        expiresAt: c.expires_at, credential: c.credential }));
    }
    return saved;
  }

  async function listCredentials() {
    if (!hasSecureKeys()) return [];
    return (await idb("credentials", "readonly", (s) => s.getAll())) || [];
  }

  async function removeCredential(id) {
    await idb("credentials", "readwrite", (s) => s.delete(id));
  }

  /** Mode B: answer a verifier's QR ("cdsvp1:<nonce>:<aud>"). Returns the QR text to show. */
  async function answerVerifier(record, disclose, verifierQr) {
    const { nonce, aud } = parseVerifierRequest(verifierQr);
    return present(record, disclose, aud, nonce);
  }

  /** Mode C: one-minute QR with a random one-time nonce (the verifier checks iat <= 60 s and replay). */
  async function presentOneTime(record, disclose) {
    return present(record, disclose, ONE_TIME_AUD, randomId(12));
  }

  async function present(record, disclose, aud, nonce) {
    if (record.keyMode === "server") {
      const data = await postJson("/api/identity/present-server", {
        credential: record.credential, disclose, aud, nonce,
      });
      return { presentation: data.presentation, qr: data.qr, keyMode: "server" };
    }
    const pair = await getHolderKey();
    const presentation = await buildPresentationWithKey(pair.privateKey, record.credential, disclose, aud, nonce);
    return { presentation, qr: await toQrPayload(presentation), keyMode: "browser" };
  }

  const api = {
    ONE_TIME_AUD, hasSecureKeys, getHolderKey, publicJwk, resetHolderKey, requestCredential, listCredentials,
    saveCredential, removeCredential, describeCredential, signKeyProof, acceptOffer, buildPresentationWithKey, parseVerifierRequest, answerVerifier,
    presentOneTime, present, toQrPayload, fromQrPayload, base45Encode, base45Decode, b64u, b64uDecode,
  };
  root.CdsWallet = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
