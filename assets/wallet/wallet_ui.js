/*
 * Công dân số — glue between the Reflex wallet pages and the browser wallet (wallet.js).
 *
 * Everything private stays in this browser: credentials (IndexedDB), the holder key and the
 * presentation. The pages only learn ids, sizes and QR versions. QR codes are drawn here with
 * QR codes through the app's one drawer (/qr/draw.js over the vendored qrcode-generator); Base45 "VP1:" text
 * uses QR alphanumeric mode.
 * Scanning uses the camera with BarcodeDetector where the browser has it; otherwise paste.
 * Passkeys use navigator.credentials with the JSON routes under /api/identity/passkeys/.
 *
 * Every function resolves to a plain object {ok: true, ...} or {ok: false, code: "<i18n key>"}.
 */
(function (root) {
  "use strict";

  const ALNUM = /^[0-9A-Z $%*+\-./:]*$/;
  const ONE_TIME_SECONDS = 60;
  let countdownTimer = null;
  let scanStream = null;

  function loadScript(src) {
    if (document.querySelector(`script[data-cds-src="${src}"]`)) return;
    const el = document.createElement("script");
    el.src = src;
    el.dataset.cdsSrc = src;
    document.head.appendChild(el);
  }

  async function ready() {
    if (!root.CdsWallet) loadScript("/wallet/wallet.js");
    if (!root.qrcode) loadScript("/qr/qrcode-generator.js");
    for (let i = 0; i < 200 && !(root.CdsWallet && root.qrcode); i += 1) {
      await new Promise((r) => setTimeout(r, 25));
    }
    if (!root.CdsQr) loadScript("/qr/draw.js");  // after the generator it draws with
    for (let i = 0; i < 200 && !root.CdsQr; i += 1) {
      await new Promise((r) => setTimeout(r, 25));
    }
    if (!(root.CdsWallet && root.qrcode && root.CdsQr)) throw Object.assign(new Error("load"), { code: "identity.ui.script_failed" });
    return true;
  }

  async function waitFor(id) {
    for (let i = 0; i < 100; i += 1) {
      const el = document.getElementById(id);
      if (el) return el;
      await new Promise((r) => setTimeout(r, 30));
    }
    return null;
  }

  function fail(err) {
    const code = (err && (err.code || err.message)) || "identity.ui.unexpected";
    return { ok: false, code: String(code).slice(0, 80) };
  }

  async function guarded(fn) {
    try {
      await ready();
      return await fn();
    } catch (err) {
      return fail(err);
    }
  }

  // --- QR -----------------------------------------------------------------------------------

  /** Draw `text` as a QR code on canvas #id; returns its version and size. ECC L keeps it small. */
  async function renderQr(id, text, ecc) {
    return guarded(async () => {
      const canvas = await waitFor(id);
      if (!canvas) return { ok: false, code: "identity.ui.unexpected" };
      const version = root.CdsQr.draw(canvas, text, { ecc: ecc || "L" });
      return { ok: true, version, chars: text.length };
    });
  }

  function clearQr(id) {
    const canvas = document.getElementById(id);
    if (canvas) {
      canvas.width = canvas.height = 0;
      delete canvas.dataset.version;
    }
  }

  // --- credentials --------------------------------------------------------------------------

  async function request(kind) {
    return guarded(async () => {
      const rec = await root.CdsWallet.requestCredential(kind);
      if (rec.keyMode === "server") storeServerCopy(rec);
      return { ok: true, id: rec.id, kind: rec.kind, key_mode: rec.keyMode };
    });
  }

  /** Fallback store for server-key credentials when IndexedDB is missing (this tab's session only). */
  function storeServerCopy(rec) {
    const list = JSON.parse(sessionStorage.getItem("cds-server-creds") || "[]").filter((r) => r.id !== rec.id);
    list.push(rec);
    sessionStorage.setItem("cds-server-creds", JSON.stringify(list));
  }

  async function allRecords() {
    const local = await root.CdsWallet.listCredentials();
    const server = JSON.parse(sessionStorage.getItem("cds-server-creds") || "[]");
    return [...local, ...server];
  }

  async function deviceIds() {
    return guarded(async () => ({
      ok: true, secure: root.CdsWallet.hasSecureKeys(), ids: (await allRecords()).map((r) => String(r.id)),
    }));
  }

  async function holderJwk() {
    return guarded(async () => {
      if (!root.CdsWallet.hasSecureKeys()) return { ok: false, code: "identity.wallet.server_key_notice" };
      const pair = await root.CdsWallet.getHolderKey();
      return { ok: true, jwk: await root.CdsWallet.publicJwk(pair.publicKey) };
    });
  }

  async function store(record) {
    return guarded(async () => {
      await root.CdsWallet.saveCredential(record);
      return { ok: true, id: record.id, kind: record.kind };
    });
  }

  async function forget(id) {
    return guarded(async () => {
      await root.CdsWallet.removeCredential(Number(id));
      return { ok: true };
    });
  }

  function startCountdown(seconds) {
    if (countdownTimer) clearInterval(countdownTimer);
    const out = document.getElementById("vp-countdown");
    const end = Date.now() + seconds * 1000;
    const tick = () => {
      const left = Math.max(0, Math.round((end - Date.now()) / 1000));
      if (out) out.textContent = String(left);
      if (left === 0) {
        clearInterval(countdownTimer);
        clearQr("vp-qr");
        const text = document.getElementById("vp-text");
        if (text) text.value = "";
        const box = document.getElementById("vp-expired");
        if (box) box.hidden = false;
      }
    };
    tick();
    countdownTimer = setInterval(tick, 500);
  }

  /** Build a presentation in this browser and show it as a QR. opts: {id, disclose, mode, request}. */
  async function present(opts) {
    return guarded(async () => {
      const record = (await allRecords()).find((r) => String(r.id) === String(opts.id));
      if (!record) return { ok: false, code: "identity.ui.not_on_device" };
      let out;
      let aud = root.CdsWallet.ONE_TIME_AUD;
      if (opts.mode === "nonce") {
        aud = root.CdsWallet.parseVerifierRequest((opts.request || "").trim()).aud;
        out = await root.CdsWallet.answerVerifier(record, opts.disclose, (opts.request || "").trim());
      } else {
        out = await root.CdsWallet.presentOneTime(record, opts.disclose);
      }
      const drawn = await renderQr("vp-qr", out.qr, "L");
      if (!drawn.ok) return drawn;
      const text = document.getElementById("vp-text");
      if (text) text.value = out.qr;
      const expired = document.getElementById("vp-expired");
      if (expired) expired.hidden = true;
      const canvas = document.getElementById("vp-qr");
      if (canvas && canvas.scrollIntoView) canvas.scrollIntoView({ block: "center" });
      if (opts.mode !== "nonce") startCountdown(ONE_TIME_SECONDS);
      else if (countdownTimer) clearInterval(countdownTimer);
      return { ok: true, aud, version: drawn.version, chars: out.qr.length, raw: out.presentation.length,
        key_mode: out.keyMode };
    });
  }

  /** OpenID4VP: answer a request with a valid credential of `opts.kind` on this device, disclosing `opts.claims`
   * only. A plain answer to this city's verifier is posted to its response_uri (ours); an answer to an unknown
   * verifier or an encrypted one (`opts.relay`) goes to our server, which checks, encrypts and delivers it. */
  async function answerOpenid(opts) {
    return guarded(async () => {
      if (!opts.relay && new URL(opts.responseUri).origin !== root.location.origin) {
        return { ok: false, code: "identity.oid4vp.foreign_request" };
      }
      const now = Date.now();
      const record = (await allRecords()).filter((r) => r.kind === opts.kind
        && (!r.expiresAt || Date.parse(r.expiresAt) > now)).pop();
      if (!record) return { ok: false, code: "identity.ui.not_on_device" };
      const out = await root.CdsWallet.present(record, opts.claims, opts.aud, opts.nonce);
      const res = opts.relay
        ? await fetch("/api/identity/oid4vp/answer", { method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ request: opts.request, presentation: out.presentation }) })
        : await fetch(opts.responseUri, { method: "POST", credentials: "omit", body: new URLSearchParams({
          vp_token: JSON.stringify({ [opts.queryId]: [out.presentation] }), state: opts.state }) });
      if (res.ok) return { ok: true };
      const data = await res.json().catch(() => ({}));
      return { ok: false, code: "identity.oid4vp.refused", message: data.message || null };
    });
  }

  /** OpenID4VCI: accept another trusted issuer's offer (read by the page first) and keep what it issues. */
  async function acceptOffer(opts) {
    return guarded(async () => {
      const records = await root.CdsWallet.acceptOffer(opts);
      records.filter((r) => r.keyMode === "server").forEach(storeServerCopy);
      return { ok: true, ids: records.map((r) => String(r.id)) };
    });
  }

  /** Who is asking: the audience inside a verifier QR, shown before the citizen answers. */
  async function readRequest(text) {
    return guarded(async () => ({ ok: true, ...root.CdsWallet.parseVerifierRequest((text || "").trim()) }));
  }

  // --- camera scanning ----------------------------------------------------------------------

  function stopScan() {
    if (scanStream) scanStream.getTracks().forEach((t) => t.stop());
    scanStream = null;
  }

  /** Scan one QR code with the camera into <video id=videoId>; resolves with its text. */
  async function scan(videoId) {
    try {
      if (!("BarcodeDetector" in root) || !navigator.mediaDevices) return { ok: false, code: "identity.ui.no_scanner" };
      const detector = new root.BarcodeDetector({ formats: ["qr_code"] });
      const video = await waitFor(videoId);
      stopScan();
      scanStream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = scanStream;
      video.hidden = false;
      await video.play();
      const deadline = Date.now() + 60000;
      while (Date.now() < deadline && scanStream) {
        const codes = await detector.detect(video);
        if (codes.length) {
          stopScan();
          video.hidden = true;
          return { ok: true, text: codes[0].rawValue };
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      stopScan();
      video.hidden = true;
      return { ok: false, code: "identity.ui.scan_timeout" };
    } catch (err) {
      stopScan();
      return { ok: false, code: err && err.name === "NotAllowedError" ? "identity.ui.camera_denied" : "identity.ui.no_scanner" };
    }
  }

  // --- passkeys (WebAuthn) ------------------------------------------------------------------

  const toBuf = (s) => root.CdsWallet.b64uDecode(s).buffer;
  const fromBuf = (b) => root.CdsWallet.b64u(new Uint8Array(b));

  async function postJson(url, body) {
    const res = await fetch(url, {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error("http"), { code: data.error || "identity.passkey.failed" });
    return data;
  }

  function creationOptions(o) {
    return { ...o, challenge: toBuf(o.challenge), user: { ...o.user, id: toBuf(o.user.id) },
      excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: toBuf(c.id) })) };
  }

  function requestOptions(o) {
    return { ...o, challenge: toBuf(o.challenge),
      allowCredentials: (o.allowCredentials || []).map((c) => ({ ...c, id: toBuf(c.id) })) };
  }

  function credentialJson(cred) {
    const r = cred.response;
    const response = { clientDataJSON: fromBuf(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = fromBuf(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    }
    if (r.authenticatorData) {
      response.authenticatorData = fromBuf(r.authenticatorData);
      response.signature = fromBuf(r.signature);
      if (r.userHandle) response.userHandle = fromBuf(r.userHandle);
    }
    return { id: cred.id, rawId: fromBuf(cred.rawId), type: cred.type, response,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {} };
  }

  function webauthnError(err) {
    if (err && err.code) return fail(err);
    if (err && (err.name === "NotAllowedError" || err.name === "AbortError")) return { ok: false, code: "identity.ui.passkey_cancelled" };
    return { ok: false, code: "identity.ui.passkey_unsupported" };
  }

  async function passkeyRegister(name) {
    try {
      await ready();
      if (!root.PublicKeyCredential) return { ok: false, code: "identity.ui.passkey_unsupported" };
      const start = await postJson("/api/identity/passkeys/register/options");
      const cred = await navigator.credentials.create({ publicKey: creationOptions(start.options) });
      const done = await postJson("/api/identity/passkeys/register/verify",
        { challenge_id: start.challenge_id, credential: credentialJson(cred), name });
      return { ok: true, name: done.name };
    } catch (err) {
      return webauthnError(err);
    }
  }

  async function passkeyLogin(next) {
    try {
      await ready();
      if (!root.PublicKeyCredential) return { ok: false, code: "identity.ui.passkey_unsupported" };
      const start = await postJson("/api/identity/passkeys/login/options");
      const cred = await navigator.credentials.get({ publicKey: requestOptions(start.options) });
      const done = await postJson("/api/identity/passkeys/login/verify",
        { challenge_id: start.challenge_id, credential: credentialJson(cred), next: next || "/" });
      // The verify response bound the ticket to this browser (HttpOnly cookie); a fresh tab state follows.
      if (root.cdsSession) root.cdsSession.openTicket(done.ticket_url);
      else root.location.replace(done.ticket_url);
      return { ok: true };
    } catch (err) {
      return webauthnError(err);
    }
  }

  root.CdsWalletUI = {
    ready, renderQr, clearQr, request, deviceIds, holderJwk, store, forget, present, readRequest, answerOpenid, acceptOffer, scan,
    stopScan,
    passkeyRegister, passkeyLogin,
  };
})(window);
