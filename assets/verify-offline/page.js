/*
 * Công dân số — the offline verifier page (/verify-offline/): no Reflex, no websocket.
 *
 * - Caches the issuer metadata (/.well-known/jwt-vc-issuer, with its JWKS) and every Token Status
 *   List JWT (/api/identity/status-lists) in IndexedDB "cds-verifier", refreshed whenever online.
 * - Shows when they were last refreshed and their age; warns when older than the lists' ttl and
 *   says so when a list has expired (then revocation cannot be checked and checks fail closed).
 * - Mode (a): shows its own fresh nonce as a QR "cdsvp1:<nonce>:<aud>"; the nonce is used up by the
 *   first check whatever the outcome, and a new one is made. Mode (b): the citizen's one-minute QR
 *   (aud "cds:qr"), with a replay cache of one-time ids in IndexedDB.
 * - Verification is CdsVerifier.strictVerify (verifier.js), the twin of Python's strict_verify.
 * The service worker (/sw.js) precaches this page and its scripts so it opens without a network.
 */
(function () {
  "use strict";

  const M = window.CDS_VERIFIER_MESSAGES || {};
  const V = window.CdsVerifier;
  const AUD = "cds:v:offline";
  const DB_NAME = "cds-verifier";
  const STORES = ["cache", "seen", "state"];
  const DEFAULT_TTL = 300;
  let lang = pickLang();
  let lastResult = null;

  // --- text ---------------------------------------------------------------------------------

  function pickLang() {
    try {
      const saved = String(localStorage.getItem("cds_lang") || "").replace(/"/g, "");
      if (saved === "en" || saved === "vi") return saved;
    } catch (err) {
      /* storage blocked */
    }
    return "vi";
  }

  function t(key, params) {
    const texts = M[key];
    const text = texts ? texts[lang] || texts.vi : key;
    return params ? text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m)) : text;
  }

  function applyTexts() {
    document.documentElement.lang = lang;
    document.title = `${t("identity.offline.title")} — Công dân số TP.HCM`;
    document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
    document.querySelectorAll("[data-t-aria]").forEach((el) => el.setAttribute("aria-label", t(el.dataset.tAria)));
    document.getElementById("lang-toggle").lang = lang === "vi" ? "en" : "vi";
  }

  const pad = (n) => String(n).padStart(2, "0");

  /** dd/mm/yyyy HH:MM in Vietnam time (UTC+7, no daylight saving). */
  function formatWhen(ms) {
    const d = new Date(ms + 7 * 3600 * 1000);
    return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} `
      + `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  }

  function formatDate(seconds) {
    return formatWhen(seconds * 1000).slice(0, 10);
  }

  function formatAge(ms) {
    const minutes = Math.floor(ms / 60000);
    if (minutes < 1) return t("identity.offline.age_now");
    if (minutes < 120) return t("identity.offline.age_minutes", { n: minutes });
    const hours = Math.floor(minutes / 60);
    return hours < 48 ? t("identity.offline.age_hours", { n: hours })
      : t("identity.offline.age_days", { n: Math.floor(hours / 24) });
  }

  // --- IndexedDB ----------------------------------------------------------------------------

  let opening = null;

  function openDb() {
    if (opening) return opening;
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => STORES.forEach((s) => {
        if (!req.result.objectStoreNames.contains(s)) req.result.createObjectStore(s);
      });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    opening.catch(() => { opening = null; });
    return opening;
  }

  async function idb(store, mode, work) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const req = work(tx.objectStore(store));
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  }

  const getItem = (store, key) => idb(store, "readonly", (s) => s.get(key));
  const putItem = (store, key, value) => idb(store, "readwrite", (s) => s.put(value, key));

  /** The replay cache kept in IndexedDB: a key is accepted once until its expiry. */
  const replay = {
    async useOnce(key, until) {
      const now = Math.floor(Date.now() / 1000);
      const seen = await getItem("seen", key);
      if (seen !== undefined && seen >= now) return false;
      await putItem("seen", key, until);
      return true;
    },
    async seen(key) {
      const until = await getItem("seen", key);
      return until !== undefined && until >= Math.floor(Date.now() / 1000);
    },
    async prune() {
      const now = Math.floor(Date.now() / 1000);
      const keys = await idb("seen", "readonly", (s) => s.getAllKeys());
      for (const key of keys || []) {
        if ((await getItem("seen", key)) < now) await idb("seen", "readwrite", (s) => s.delete(key));
      }
    },
  };

  // --- issuer keys and status lists ---------------------------------------------------------

  async function fetchJson(url) {
    const res = await fetch(url, { cache: "no-store", credentials: "omit" });
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return res.json();
  }

  async function fetchStatusList(uri, jwks) {
    const res = await fetch(uri, { cache: "no-store", credentials: "omit" });
    if (!res.ok) throw new Error(`${uri}: ${res.status}`);
    const token = (await res.text()).trim();
    await V.checkStatusList(token, uri, 0, jwks, Math.floor(Date.now() / 1000)); // signed by the issuer
    return token;
  }

  /** Download the issuer metadata and every status list; replace the cache only when all succeed. */
  async function refresh() {
    const meta = await fetchJson("/.well-known/jwt-vc-issuer");
    if (typeof meta.issuer !== "string" || !meta.jwks || !Array.isArray(meta.jwks.keys)) throw new Error("metadata");
    const index = await fetchJson("/api/identity/status-lists");
    const lists = {};
    for (const uri of index.lists || []) lists[uri] = await fetchStatusList(uri, meta.jwks);
    const cache = { issuer: meta.issuer, jwks: meta.jwks, lists, refreshedAt: Date.now() };
    await putItem("cache", "current", cache);
    return cache;
  }

  function listTtl(cache) {
    const ttls = Object.values(cache.lists).map((jwt) => {
      try {
        return V.statusListInfo(jwt).ttl;
      } catch (err) {
        return DEFAULT_TTL;
      }
    }).filter((n) => Number.isInteger(n) && n > 0);
    return ttls.length ? Math.min(...ttls) : DEFAULT_TTL;
  }

  function listExpired(cache) {
    const now = Math.floor(Date.now() / 1000);
    return Object.values(cache.lists).some((jwt) => {
      try {
        const exp = V.statusListInfo(jwt).exp;
        return Number.isInteger(exp) && exp < now;
      } catch (err) {
        return true;
      }
    });
  }

  async function showFreshness() {
    const cache = await getItem("cache", "current").catch(() => undefined);
    const fresh = document.getElementById("freshness");
    const warning = document.getElementById("stale-warning");
    warning.hidden = true;
    warning.textContent = "";
    if (!cache) {
      fresh.textContent = "";
      warning.textContent = t("identity.offline.no_cache");
      warning.hidden = false;
      return null;
    }
    const age = Date.now() - cache.refreshedAt;
    fresh.textContent = t("identity.offline.refreshed", { when: formatWhen(cache.refreshedAt), age: formatAge(age) });
    fresh.dataset.refreshedAt = String(cache.refreshedAt);
    const ttl = listTtl(cache);
    if (listExpired(cache)) {
      warning.textContent = t("identity.offline.list_expired");
      warning.hidden = false;
    } else if (age > ttl * 1000) {
      warning.textContent = t("identity.offline.stale", { minutes: Math.round(ttl / 60) });
      warning.hidden = false;
    }
    return cache;
  }

  async function tryRefresh(showError) {
    const box = document.getElementById("refresh-error");
    try {
      await refresh();
      box.hidden = true;
    } catch (err) {
      if (showError) {
        box.textContent = t("identity.offline.refresh_failed");
        box.hidden = false;
      }
    }
    await showFreshness();
  }

  function showNetwork() {
    document.getElementById("net-state").textContent = t(navigator.onLine ? "identity.offline.online"
      : "identity.offline.offline");
  }

  // --- the verifier request (mode a) --------------------------------------------------------

  function drawQr(text) {
    const canvas = document.getElementById("vr-qr");
    if (!window.CdsQr || !canvas) return;
    window.CdsQr.draw(canvas, text, { ecc: "M" });
  }

  async function currentRequest(forceNew) {
    const now = Math.floor(Date.now() / 1000);
    let req = forceNew ? undefined : await getItem("state", "request");
    if (!req || req.used || req.expires < now) {
      req = V.newRequest(AUD, now);
      await putItem("state", "request", req);
    }
    return req;
  }

  async function showRequest(forceNew) {
    const req = await currentRequest(forceNew);
    document.getElementById("vr-text").textContent = req.qr;
    document.getElementById("vr-aud").textContent = req.aud;
    document.getElementById("vr-until").textContent = formatWhen(req.expires * 1000);
    drawQr(req.qr);
    return req;
  }

  /** Use up the request (whatever the outcome), so that the same nonce never verifies twice. */
  async function burnRequest() {
    const req = await getItem("state", "request");
    if (req && !req.used) {
      req.used = true;
      await putItem("state", "request", req);
    }
    return req;
  }

  // --- verifying ----------------------------------------------------------------------------

  function headline(result) {
    const c = result.claims;
    if (c.age_over_60 === true) return t("identity.verifier.headline_age60");
    if (c.age_over_18 === true) return t("identity.verifier.headline_age18");
    if (c.student === true) return t("identity.verifier.headline_student");
    if (c.resident_hcmc === true) return t("identity.verifier.headline_resident");
    return result.kind ? t(`identity.kind.${result.kind}`) : t("identity.verify.ok");
  }

  function claimValue(name, value) {
    if (typeof value === "boolean") return t(value ? "identity.ui.yes" : "identity.ui.no");
    if (name === "sex" && (value === "M" || value === "F")) return t(`identity.ui.sex_${value}`);
    if (name === "birth_date" && /^\d{4}-\d{2}-\d{2}$/.test(String(value))) {
      const [y, m, d] = String(value).split("-");
      return `${d}/${m}/${y}`;
    }
    return String(value).slice(0, 200);
  }

  function addItem(parent, tag, text, id) {
    const el = document.createElement(tag);
    el.textContent = text;
    if (id) el.id = id;
    parent.appendChild(el);
    return el;
  }

  function render() {
    const box = document.getElementById("verify-result");
    if (!lastResult) {
      box.hidden = true;
      return;
    }
    const { ok, result, code, cache } = lastResult;
    box.hidden = false;
    box.className = ok ? "valid" : "invalid";
    box.dataset.valid = ok ? "1" : "0";
    document.getElementById("verify-verdict").textContent = `${ok ? "✔" : "✘"} ${t(ok ? "identity.verifier.valid"
      : "identity.verifier.invalid")}`;
    const head = document.getElementById("verify-headline");
    const reason = document.getElementById("verify-reason");
    const claims = document.getElementById("verify-claims");
    const details = document.getElementById("verify-details");
    claims.textContent = "";
    details.textContent = "";
    head.hidden = !ok;
    reason.hidden = ok;
    if (!ok) {
      reason.textContent = t(M[code] ? code : "identity.ui.unexpected");
      reason.dataset.code = code;
      return;
    }
    head.textContent = headline(result);
    Object.entries(result.claims).forEach(([name, value]) => {
      const li = document.createElement("li");
      const label = M[`identity.claim.${name}`] ? t(`identity.claim.${name}`) : name;
      li.append(`${label}: `);
      addItem(li, "strong", claimValue(name, value));
      claims.appendChild(li);
    });
    addItem(details, "dt", t("identity.verifier.issuer"));
    addItem(details, "dd", `${result.iss} ✔`);
    addItem(details, "dt", t("identity.verifier.binding"));
    addItem(details, "dd", t(result.mode === "nonce" ? "identity.verifier.binding_nonce"
      : "identity.verifier.binding_one_time"));
    addItem(details, "dt", t("identity.ui.expires"));
    addItem(details, "dd", formatDate(result.exp));
    addItem(details, "dt", t("identity.verifier.status"));
    addItem(details, "dd", result.statusUri ? t("identity.offline.status_ok", { when: formatWhen(cache.refreshedAt) })
      : t("identity.offline.status_none"), "verify-status");
  }

  function statusFetcherFor(cache) {
    return async (uri) => {
      if (cache.lists[uri]) return cache.lists[uri];
      const token = await fetchStatusList(uri, cache.jwks); // a list created since the last refresh
      cache.lists[uri] = token;
      await putItem("cache", "current", cache);
      return token;
    };
  }

  async function verify(text) {
    let presentation;
    let cache;
    try {
      presentation = await V.fromQrPayload(text);
      cache = await getItem("cache", "current");
      if (!cache) throw Object.assign(new Error("no cache"), { code: "identity.offline.no_cache" });
      const oneTime = V.kbAudience(presentation) === V.ONE_TIME_AUD;
      let aud = V.ONE_TIME_AUD;
      let nonce = null;
      if (!oneTime) {
        const req = await getItem("state", "request");
        const sent = V.kbNonce(presentation);
        const fresh = req && !req.used && req.nonce === sent && req.expires >= Math.floor(Date.now() / 1000);
        await burnRequest();
        if (!fresh) {
          const code = sent && (await replay.seen(`n:${sent}`)) ? "replay" : "wrong_nonce";
          throw Object.assign(new Error(code), { code: `identity.verify.${code}` });
        }
        aud = req.aud;
        nonce = req.nonce;
      }
      const result = await V.strictVerify(presentation, {
        expectedAud: aud, expectedNonce: nonce, trustedJwks: { [cache.issuer]: cache.jwks },
        statusFetcher: statusFetcherFor(cache), replay,
      });
      lastResult = { ok: true, result, cache };
    } catch (err) {
      lastResult = { ok: false, code: (err && err.code) || "identity.ui.unexpected" };
    }
    render();
    if (!lastResult.ok || lastResult.result.mode === "nonce") await showRequest(false);
    document.getElementById("verify-result").focus();
  }

  // --- camera -------------------------------------------------------------------------------

  async function scan() {
    const error = document.getElementById("scan-error");
    error.hidden = true;
    const video = document.getElementById("verify-video");
    let stream = null;
    try {
      if (!("BarcodeDetector" in window) || !navigator.mediaDevices) throw new Error("identity.ui.no_scanner");
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      const deadline = Date.now() + 60000;
      while (Date.now() < deadline) {
        const codes = await detector.detect(video);
        if (codes.length) return verify(codes[0].rawValue);
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error("identity.ui.scan_timeout");
    } catch (err) {
      const key = err && err.name === "NotAllowedError" ? "identity.ui.camera_denied"
        : (M[err && err.message] ? err.message : "identity.ui.no_scanner");
      error.textContent = t(key);
      error.hidden = false;
      return undefined;
    } finally {
      if (stream) stream.getTracks().forEach((track) => track.stop());
      video.hidden = true;
    }
  }

  // --- start --------------------------------------------------------------------------------

  async function start() {
    applyTexts();
    showNetwork();
    window.addEventListener("online", () => { showNetwork(); tryRefresh(false); });
    window.addEventListener("offline", showNetwork);
    document.getElementById("lang-toggle").addEventListener("click", async () => {
      lang = lang === "vi" ? "en" : "vi";
      try {
        localStorage.setItem("cds_lang", lang);
      } catch (err) {
        /* storage blocked */
      }
      applyTexts();
      showNetwork();
      render();
      await showFreshness();
    });
    document.getElementById("refresh").addEventListener("click", () => tryRefresh(true));
    document.getElementById("new-request").addEventListener("click", () => showRequest(true));
    document.getElementById("verify-scan").addEventListener("click", scan);
    document.getElementById("verify-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const field = document.getElementById("f-code");
      const text = field.value.slice(0, 20000);
      field.value = "";
      verify(text);
    });
    await showFreshness();
    await showRequest(false);
    if (navigator.onLine) await tryRefresh(false);
    replay.prune().catch(() => undefined);
    setInterval(() => { showFreshness(); }, 30000);
    if ("serviceWorker" in navigator) {
      try {
        await navigator.serviceWorker.register("/sw.js", { scope: "/" });
        await navigator.serviceWorker.ready;
      } catch (err) {
        /* no offline copy in this browser; the page still works while it stays open */
      }
    }
    document.body.dataset.ready = "1";
  }

  start();
})();
