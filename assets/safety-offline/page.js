/*
 * Công dân số — the offline link checker page (/safety-offline/): no Reflex, no websocket.
 *
 * - The lists: fetched from /api/city/linkcheck-data.json whenever online and kept in IndexedDB
 *   "cds-linkcheck"; without a network the kept copy is used, and before the first fetch the lists
 *   shipped with the app (/safety-offline/data.json, precached by the service worker).
 * - The check is CdsLinkcheck.check (linkcheck.js), the twin of the server's checker.
 * The service worker (/sw.js) precaches this page and its scripts so it opens without a network.
 */
(function () {
  "use strict";

  const M = window.CDS_LINKCHECK_MESSAGES || {};
  const L = window.CdsLinkcheck;
  const DB_NAME = "cds-linkcheck";
  const STORE = "cache";
  let lang = pickLang();
  let rules = null;
  let data = null;
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
    document.title = `${t("city.offline.title")} — Công dân số TP.HCM`;
    document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
    document.getElementById("lang-toggle").lang = lang === "vi" ? "en" : "vi";
  }

  const pad = (n) => String(n).padStart(2, "0");

  /** dd/mm/yyyy HH:MM in Vietnam time (UTC+7, no daylight saving). */
  function formatWhen(ms) {
    const d = new Date(ms + 7 * 3600 * 1000);
    return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} `
      + `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  }

  function isoToDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? `${m[3]}/${m[2]}/${m[1]}` : "";
  }

  // --- IndexedDB ----------------------------------------------------------------------------

  function idb(mode, work) {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction(STORE, mode);
        const req = work(tx.objectStore(STORE));
        tx.oncomplete = () => { open.result.close(); resolve(req ? req.result : undefined); };
        tx.onerror = () => reject(tx.error);
      };
    });
  }

  // --- the lists ----------------------------------------------------------------------------

  async function fetchJson(url) {
    const res = await fetch(url, { cache: "no-store", credentials: "omit" });
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return res.json();
  }

  /** Current lists when online (kept for later), else the kept copy, else the lists shipped with the app. */
  async function loadData() {
    if (navigator.onLine) {
      try {
        const fresh = await fetchJson("/api/city/linkcheck-data.json");
        const kept = { data: fresh, fetchedAt: Date.now() };
        await idb("readwrite", (s) => s.put(kept, "current")).catch(() => undefined);
        return kept;
      } catch (err) {
        /* fall back below */
      }
    }
    const kept = await idb("readonly", (s) => s.get("current")).catch(() => undefined);
    if (kept && kept.data) return kept;
    return { data: await fetchJson("/safety-offline/data.json"), fetchedAt: 0 };
  }

  function showLists() {
    const fresh = document.getElementById("freshness");
    fresh.textContent = data.fetchedAt ? t("city.offline.fresh", { when: formatWhen(data.fetchedAt) })
      : t("city.offline.shipped");
    const ul = document.getElementById("lists");
    ul.textContent = "";
    Object.keys(data.data.lists).filter((code) => code !== "government").forEach((code) => {
      const info = data.data.lists[code];
      const li = document.createElement("li");
      li.dataset.list = code;
      const name = document.createElement("strong");
      name.textContent = lang === "en" ? info.name_en : info.name_vi;
      li.appendChild(name);
      const date = isoToDate(info.as_of);
      if (date) li.appendChild(document.createTextNode(` — ${t("city.safety.list_as_of", { date })}`));
      if (info.sample) {
        const mark = document.createElement("span");
        mark.className = "sample";
        mark.textContent = ` (${t("city.safety.list_sample")})`;
        li.appendChild(mark);
      }
      ul.appendChild(li);
    });
  }

  // --- checking -----------------------------------------------------------------------------

  function reasonText(r) {
    return `${t(`city.level.${r.level}`)}: ${t(`city.reason.${r.code}`, r.params)}`;
  }

  function fill(listId, items, text) {
    const ul = document.getElementById(listId);
    ul.textContent = "";
    items.forEach((item) => {
      const li = document.createElement("li");
      li.textContent = text(item);
      li.dataset.code = item.code;
      ul.appendChild(li);
    });
  }

  function showResult(result) {
    const box = document.getElementById("check-result");
    box.dataset.verdict = result.verdict;
    document.getElementById("verdict").textContent = t(`city.verdict.${result.verdict}`);
    document.getElementById("understood").textContent = result.display;
    fill("advice", result.advice, (a) => t(`city.advice.${a.code}`, a.params));
    fill("reasons", result.reasons, reasonText);
    box.hidden = false;
  }

  function check(event) {
    event.preventDefault();
    const error = document.getElementById("check-error");
    error.hidden = true;
    if (!rules) {
      error.textContent = t("city.offline.no_data");
      error.hidden = false;
      return;
    }
    try {
      lastResult = L.check(document.getElementById("f-link").value, rules);
    } catch (err) {
      lastResult = null;
      document.getElementById("check-result").hidden = true;
      error.textContent = err instanceof L.DomainError ? t(err.code, err.params) : t("city.link.invalid_host");
      error.hidden = false;
      return;
    }
    showResult(lastResult);
    document.getElementById("check-result").focus();
  }

  function showNet() {
    document.getElementById("net-state").textContent = t(navigator.onLine ? "city.offline.online" : "city.offline.offline");
  }

  function toggleLang() {
    lang = lang === "vi" ? "en" : "vi";
    try {
      localStorage.setItem("cds_lang", lang);
    } catch (err) {
      /* storage blocked */
    }
    applyTexts();
    showNet();
    if (data) showLists();
    if (lastResult) showResult(lastResult);
  }

  async function start() {
    applyTexts();
    showNet();
    window.addEventListener("online", showNet);
    window.addEventListener("offline", showNet);
    document.getElementById("lang-toggle").addEventListener("click", toggleLang);
    document.getElementById("check-form").addEventListener("submit", check);
    try {
      data = await loadData();
      rules = L.buildRules(data.data);
      showLists();
    } catch (err) {
      const warning = document.getElementById("data-error");
      warning.textContent = t("city.offline.no_data");
      warning.hidden = false;
    }
    document.body.dataset.ready = "1";
  }

  start();
})();
