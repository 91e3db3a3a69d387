/*
 * Công dân số — service worker (served at /sw.js, scope /).
 *
 * Routing (see decide()):
 *   - never touched (network only, never cached): non-GET, cross-origin, /_event, /_upload, /auth/*,
 *     /api/*, /open311/*, /pay/*, /ping, /_health, /sw.js — the path is percent-decoded and its
 *     repeated slashes collapsed first, so "/%61pi/x" or "//api/x" cannot sneak past the list;
 *   - navigations (navigationPlan()): a cached page is answered at once from the cache and refreshed from the
 *     network behind it for the next visit (stale-while-revalidate), provided every hashed build file the cached
 *     page imports is cached too (else network first: a deploy removes the old files from the server); the pages
 *     of NETWORK_FIRST_PAGES (registration and account recovery, payment returns, OpenID answers) and any navigation
 *     with a query other than IGNORED_QUERY_KEYS go network first; the login page is answered from a stored copy only
 *     when that copy is less than a day old (MAX_AGE_PAGES); a page in the reader's language (a report's frame:
 *     Vary: Cookie, Content-Language) only to a reader whose cds_lang cookie is that language (pageFitsReader()).
 *     A page is stored together with its build files.
 *     Without a network: cached page -> /offline.html; /metro, /metro/tickets (and the "Vé metro" shortcut) lead
 *     to the ticket screen, which needs no server (see offlinePlan());
 *   - hashed build assets (/assets/*, /_next/static/*): cache first; the ones the precached pages (/, the
 *     ticket page) import are precached with them, and pwa.js posts {type: "CACHE_ASSETS", urls, page} with the
 *     chunks the open page loaded and its address (the page is stored too, see storeVisitedPage()), so a repeat
 *     visit of that route needs nothing from the network;
 *   - the precached shell files (/pwa.js, /idb-store.js, icons, manifest…): stale-while-revalidate;
 *   - everything else: network only.
 * A response is stored only if it is a same-origin 200 that is not redirected and whose
 * Cache-Control has neither no-store nor private (the app marks personal responses no-store).
 *
 * Updates: a new VERSION installs and then WAITS. /pwa.js shows "Có bản cập nhật — tải lại" and
 * posts {type: "SKIP_WAITING"} only when the user taps it, so nobody is interrupted mid-task.
 * activate deletes every "cds-" cache of other versions.
 *
 * Background Sync ("cds-outbox", where the browser has it): the reports queued offline (/outbox.js) are sent
 * when the connection returns, even with the app closed; elsewhere the page sends them at its next open.
 *
 * The decision functions are pure and exported for node tests (tests/unit/notify/test_pwa_assets.py).
 */
"use strict";

const VERSION = "2026-12-07.12"; // bump on every release that changes the shell
const CACHE_PREFIX = "cds-";
const SHELL_CACHE = CACHE_PREFIX + "shell-" + VERSION;
const RUNTIME_CACHE = CACHE_PREFIX + "runtime-" + VERSION;
const RUNTIME_MAX_ENTRIES = 200; // a route's chunks are ~20 files: the last few routes' worth
const OFFLINE_URL = "/offline.html";
const PRECACHE = [
  "/", OFFLINE_URL, "/manifest.webmanifest", "/pwa.js", "/idb-store.js",
  "/icons/icon-192.png", "/icons/icon-512.png", "/icons/icon-512-maskable.png",
];
const TICKET_PAGE = "/metro/ticket/";
const PRECACHE_OPTIONAL = [
  "/shell.css", "/outbox.js", "/offline.js", "/icons/apple-touch-icon-180.png",
  // Metro ticket screen: must open with the network off (page shell + its scripts; tickets are in IndexedDB).
  TICKET_PAGE, "/metro/ticket.js", "/metro/ticket-page.js", "/qr/qrcode-generator.js", "/qr/draw.js",
  // A new report written offline (the draft and the outbox are in IndexedDB; the page is the same for everyone).
  "/feedback/new/", "/feedback/feedback.js", "/feedback/outbox-form.js", "/feedback/feedback.css",
  "/feedback/leaflet/leaflet.css", "/feedback/leaflet/leaflet.js",
  // Offline verifier (static page, no websocket): keys and status lists are cached by the page in IndexedDB.
  "/verify-offline/", "/verify-offline/verifier.js", "/verify-offline/page.js", "/verify-offline/messages.js",
  // Offline link checker (static page): the lists shipped with the app until the page fetches current ones.
  "/safety-offline/", "/safety-offline/linkcheck.js", "/safety-offline/page.js", "/safety-offline/messages.js",
  "/safety-offline/data.json",
];
const NEVER_PREFIXES = ["/_event", "/_upload", "/auth", "/api", "/open311", "/pay", "/ping", "/_health", "/sw.js"];
const CACHE_FIRST_PREFIXES = ["/assets", "/_next/static"];
const SHELL_PATHS = PRECACHE.concat(PRECACHE_OPTIONAL).filter((p) => p !== "/");
// Offline, these lead to the ticket screen: at the gate the rider needs the ticket, not the shop or the history.
const OFFLINE_TO_TICKET = ["/metro", "/metro/tickets"];
const OUTBOX_SYNC_TAG = "cds-outbox";
/* Never answered from the cache while there is a network: registration and account recovery, the pages a payment
   returns to, the OpenID answer and console (their request is in the query). Their paths and everything below. */
const NETWORK_FIRST_PAGES = [
  "/register", "/recover", "/payments", "/metro/receipt", "/wallet/openid", "/verify/openid",
];
/* Answered from the stored copy (refreshed behind) only while that copy is younger than this (ms, by its Date header).
   The login page is the build's static page: nothing personal, no per-request secret (the OpenID state and the passkey
   challenge are asked for when a button is pressed; "?next=" and "?error=" go network first), but an old build's
   login page must not outlive a day after a deploy. */
const MAX_AGE_PAGES = {"/login": 24 * 3600 * 1000};
// Query keys that do not change the page (the manifest's start_url "/?src=pwa"); any other key: network first.
const IGNORED_QUERY_KEYS = ["src"];
const LANG_COOKIE = "cds_lang";
const LANGS = ["vi", "en"]; // the first is the server's default
const DEFAULT_TEXT = {
  vi: {title: "Công dân số TP.HCM", body: "Bạn có thông báo mới."},
  en: {title: "HCMC Digital Citizen", body: "You have a new notification."},
};

/** Percent-decode and collapse "//" so the path is compared the way the server routes it. */
function normalisePath(pathname) {
  let path = pathname;
  try {
    path = decodeURIComponent(pathname);
  } catch (e) {
    return null; // undecodable: let the network deal with it, never cache
  }
  return path.replace(/\/{2,}/g, "/");
}

function matchesPrefix(path, prefix) {
  return path === prefix || path.startsWith(prefix + "/");
}

/**
 * The routing decision: "bypass" (do not call respondWith, never cache), "navigate",
 * "cache-first", "stale-while-revalidate" or "network".
 */
function decide(rawUrl, method, mode, origin) {
  let url;
  try {
    url = new URL(rawUrl, origin);
  } catch (e) {
    return "bypass";
  }
  if ((method || "GET").toUpperCase() !== "GET" || url.origin !== origin) return "bypass";
  const path = normalisePath(url.pathname);
  if (path === null || NEVER_PREFIXES.some((p) => matchesPrefix(path, p))) return "bypass";
  if (mode === "navigate") return "navigate";
  if (CACHE_FIRST_PREFIXES.some((p) => matchesPrefix(path, p))) return "cache-first";
  if (SHELL_PATHS.includes(path)) return "stale-while-revalidate";
  return "network";
}

/** The hashed build files among some URLs (a page's imports, the resources a page loaded), as same-origin paths. */
function buildAssets(urls, origin) {
  const found = [];
  for (const raw of urls || []) {
    if (typeof raw !== "string" || decide(raw, "GET", "no-cors", origin) !== "cache-first") continue;
    const url = new URL(raw, origin);
    if (!url.search && !found.includes(url.pathname)) found.push(url.pathname);
  }
  return found;
}

/** The build files a prerendered page links or imports ("/assets/…" in its href, src and import() strings). */
function assetsInPage(html, origin) {
  const quoted = String(html || "").match(/["'](\/assets\/[^"'?#\s]+)["']/g) || [];
  return buildAssets(quoted.map((q) => q.slice(1, -1)), origin);
}

/**
 * What a navigation that could not reach the network gets: {redirect} (the ticket screen for the metro pages)
 * or {candidates}: the cached pages to try in order (with and without the trailing slash), before /offline.html.
 */
function offlinePlan(rawUrl, origin) {
  let url;
  try {
    url = new URL(rawUrl, origin);
  } catch (e) {
    return {candidates: []};
  }
  const path = normalisePath(url.pathname) || "/";
  const bare = path.length > 1 ? path.replace(/\/+$/, "") : path;
  if (OFFLINE_TO_TICKET.includes(bare)) return {redirect: TICKET_PAGE};
  const candidates = [url.pathname + url.search, path, bare, bare === "/" ? "/" : bare + "/"];
  return {candidates: candidates.filter((c, i) => candidates.indexOf(c) === i)};
}

/**
 * How a navigation is answered: {how: "network-first" | "stale-while-revalidate", key}, where key is the URL the
 * page is stored under (the query keys that do not change the page left out: "/?src=pwa" is stored as "/").
 */
function navigationPlan(rawUrl, origin) {
  let url;
  try {
    url = new URL(rawUrl, origin);
  } catch (e) {
    return {how: "network-first", key: rawUrl};
  }
  const path = normalisePath(url.pathname);
  const params = new URLSearchParams(url.search);
  const kept = Array.from(params.keys()).filter((k) => !IGNORED_QUERY_KEYS.includes(k));
  if (path === null || kept.length || NETWORK_FIRST_PAGES.some((p) => matchesPrefix(path, p))) {
    return {how: "network-first", key: url.pathname + url.search};
  }
  const bounded = Object.keys(MAX_AGE_PAGES).find((p) => matchesPrefix(path, p));
  return {how: "stale-while-revalidate", key: url.pathname, maxAgeMs: bounded ? MAX_AGE_PAGES[bounded] : null};
}

/** Is a stored copy fetched at ``dateHeader`` (its HTTP Date) young enough for maxAgeMs (null: no bound)? */
function youngEnough(dateHeader, maxAgeMs, now) {
  if (!maxAgeMs) return true;
  const fetched = Date.parse(dateHeader || "");
  return Number.isFinite(fetched) && now - fetched >= -60000 && now - fetched <= maxAgeMs; // a minute of clock skew
}

/**
 * The language a page was written in when it depends on the reader's language cookie ("Vary: Cookie": a report's
 * frame, filled in the language of cds_lang): its Content-Language, "vi" or "en". "" for a page the same for every
 * reader; null for one that varies by cookie without saying its language (kept by nobody: the server's to answer).
 */
function pageLanguage(vary, contentLanguage) {
  if (!/\bcookie\b/i.test(String(vary || ""))) return "";
  const lang = String(contentLanguage || "").trim().toLowerCase();
  return LANGS.includes(lang) ? lang : null;
}

/** The reader's language as the server picks it from the cds_lang cookie's value (absent or unknown: Vietnamese). */
function readerLanguage(cookieValue) {
  return LANGS.includes(cookieValue) ? cookieValue : LANGS[0];
}

/**
 * May a stored page be answered at once to this reader? A page the same for everyone, yes; a page in one language
 * only when it is the reader's (readerLang null: the browser cannot tell the worker, so the network answers).
 */
function pageFitsReader(vary, contentLanguage, readerLang) {
  const lang = pageLanguage(vary, contentLanguage);
  return lang === "" || (lang !== null && lang === readerLang);
}

/** True when the SW answers the request itself (false = the browser goes to the network untouched). */
function shouldHandle(rawUrl, method, mode, origin) {
  const how = decide(rawUrl, method, mode || "cors", origin || (typeof self !== "undefined" ? self.location.origin : ""));
  return how !== "bypass" && how !== "network";
}

/** May this response be stored? Only plain same-origin 200s without no-store/private. */
function isCacheable(status, type, cacheControl, redirected) {
  if (status !== 200 || redirected || (type && type !== "basic" && type !== "default")) return false;
  const directives = String(cacheControl || "").toLowerCase().split(",").map((d) => d.trim().split("=")[0]);
  return !directives.includes("no-store") && !directives.includes("private");
}

function responseCacheable(response) {
  return isCacheable(response.status, response.type, response.headers.get("Cache-Control"), response.redirected);
}

/** The page a notification click opens: same-origin only, anything else becomes the home page. */
function safeTargetUrl(raw, origin) {
  try {
    const url = new URL(raw || "/", origin);
    if (url.origin === origin && (url.protocol === "https:" || url.protocol === "http:")) return url.href;
  } catch (e) {
    /* fall through */
  }
  return new URL("/", origin).href;
}

/** Build showNotification() arguments from the decrypted push payload (tolerates missing fields). */
function notificationFromPayload(data, origin) {
  const payload = data && typeof data === "object" ? data : {};
  const lang = payload.lang === "en" ? "en" : "vi";
  const text = (value, fallback, max) => (typeof value === "string" && value.trim() ? value.slice(0, max) : fallback);
  const options = {
    body: text(payload.body, DEFAULT_TEXT[lang].body, 500),
    lang: lang,
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    data: {url: safeTargetUrl(payload.url, origin)},
  };
  if (typeof payload.tag === "string" && payload.tag) options.tag = payload.tag.slice(0, 64);
  return {title: text(payload.title, DEFAULT_TEXT[lang].title, 120), options: options};
}

const api = {
  VERSION, PRECACHE, PRECACHE_OPTIONAL, NEVER_PREFIXES, CACHE_FIRST_PREFIXES, TICKET_PAGE, NETWORK_FIRST_PAGES,
  MAX_AGE_PAGES,
  normalisePath, decide, shouldHandle, isCacheable, safeTargetUrl, notificationFromPayload, offlinePlan, buildAssets,
  assetsInPage, navigationPlan, youngEnough, pageLanguage, readerLanguage, pageFitsReader,
};
if (typeof module !== "undefined" && module.exports) module.exports = api;

/* ---------------------------------------------------------------- service worker runtime --- */

async function trimCache(name, max) {
  const cache = await caches.open(name);
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - max; i++) await cache.delete(keys[i]);
}

async function putIfCacheable(cacheName, request, response) {
  if (!responseCacheable(response)) return;
  const copy = response.clone(); // synchronously, before the page starts reading the body
  const cache = await caches.open(cacheName);
  await cache.put(request, copy);
  if (cacheName === RUNTIME_CACHE) await trimCache(RUNTIME_CACHE, RUNTIME_MAX_ENTRIES);
}

async function networkFirstNavigation(event, key) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(storePage(RUNTIME_CACHE, key, response.clone()));
    return response;
  } catch (e) {
    return offlineNavigation(event.request);
  }
}

/** The path's twin with or without its trailing slash ("/metro" and "/metro/", which the server redirects to), or
 * null for "/" and files ("/offline.html"). */
function slashTwin(key) {
  if (key === "/" || key.includes("?") || /\.[^/]*$/.test(key)) return null;
  return key.endsWith("/") ? key.slice(0, -1) : key + "/";
}

/** The stored copy of a page ({response, cacheName, key}), under its key or its slash twin: a precached page (the
 * shell's) stays in the shell's cache. */
async function cachedPage(key) {
  const keys = [key, slashTwin(key)].filter(Boolean);
  for (const name of [SHELL_CACHE, RUNTIME_CACHE]) {
    const cache = await caches.open(name);
    for (const candidate of keys) {
      const response = await cache.match(candidate, {ignoreVary: true});
      if (response) return {response, cacheName: name, key: candidate};
    }
  }
  return null;
}

/** The reader's language from the cds_lang cookie (Cookie Store API, where the browser has it in workers), else null. */
async function currentLanguage() {
  if (!self.cookieStore) return null;
  try {
    const cookie = await self.cookieStore.get(LANG_COOKIE);
    return readerLanguage(cookie ? cookie.value : "");
  } catch (e) {
    return null;
  }
}

/** May this stored page be shown to the reader now? A page in one language only to a reader of that language. */
async function fitsReader(page) {
  const vary = page.headers.get("Vary");
  if (pageLanguage(vary, "") === "") return true; // the same for everyone: no cookie to read
  return pageFitsReader(vary, page.headers.get("Content-Language"), await currentLanguage());
}

/** Is this stored page a page of a build, with all the build files it imports in the cache? (After a deploy the server
 * has only the new ones.) Anything else stored under a page's address (a static page, an error) goes network first. */
async function hasItsBuildFiles(page) {
  const wanted = assetsInPage(await page.clone().text(), self.location.origin);
  if (!wanted.length) return false;
  const keys = await (await caches.open(RUNTIME_CACHE)).keys();
  const have = new Set(keys.map((request) => new URL(request.url).pathname));
  return wanted.every((path) => have.has(path));
}

/** Keep a page's network copy for the next visit, its build files first, so a stored page can always start. A page
 * that is gone (404, 410) leaves the caches. */
async function storePage(cacheName, key, response) {
  if (response.status === 404 || response.status === 410) {
    await Promise.all([SHELL_CACHE, RUNTIME_CACHE].map(async (name) => (await caches.open(name)).delete(key)));
    return;
  }
  // A page that varies by cookie is kept only when it says its language (a report's frame, in the reader's language):
  // the worker then answers it to readers of that language only (fitsReader()).
  const headers = response.headers;
  if (!responseCacheable(response) || pageLanguage(headers.get("Vary"), headers.get("Content-Language")) === null) return;
  const copy = response.clone();
  await cacheAssets(assetsInPage(await response.text(), self.location.origin));
  await (await caches.open(cacheName)).put(key, copy);
  if (cacheName === RUNTIME_CACHE) await trimCache(RUNTIME_CACHE, RUNTIME_MAX_ENTRIES);
}

/* The page a tab shows, which the worker may not have seen (the first visit, before it controlled the tab): stored
   for the next visit when it is a page the worker answers from its cache. */
async function storeVisitedPage(raw) {
  const origin = self.location.origin;
  if (typeof raw !== "string" || decide(raw, "GET", "navigate", origin) !== "navigate") return;
  const plan = navigationPlan(raw, origin);
  if (plan.how !== "stale-while-revalidate" || (await cachedPage(plan.key))) return;
  try {
    await storePage(RUNTIME_CACHE, plan.key, await fetch(plan.key, {credentials: "same-origin"}));
  } catch (e) {
    /* offline: the next visit online stores it */
  }
}

/* A stored page at once, the network copy stored behind it for the next visit; network first when the page is not
   stored or misses a build file. With the device offline, the offline plan (the metro pages lead to the ticket). */
async function navigation(event) {
  const plan = navigationPlan(event.request.url, self.location.origin);
  if (plan.how === "network-first") return networkFirstNavigation(event, plan.key);
  if (self.navigator && self.navigator.onLine === false) return offlineNavigation(event.request);
  const found = await cachedPage(plan.key);
  if (!found || !youngEnough(found.response.headers.get("Date"), plan.maxAgeMs, Date.now()) ||
      !(await fitsReader(found.response)) || !(await hasItsBuildFiles(found.response))) {
    return networkFirstNavigation(event, plan.key);
  }
  // The stored URL itself ("/metro/" for "/metro"): a redirect would store nothing.
  event.waitUntil(fetch(found.key, {credentials: "same-origin"})
    .then((response) => storePage(found.cacheName, found.key, response)).catch(() => undefined));
  return found.response;
}

/* The app answers with "Vary: Origin" (its CORS policy), and a module script's request carries an Origin header
   while the worker's own precache fetches do not: matching on Vary would miss every stored chunk offline. Each
   stored URL has one body (hashed build files, the shell), so the worker matches on the URL alone. */
function stored(request, options) {
  return caches.match(request, Object.assign({ignoreVary: true}, options));
}

async function offlineNavigation(request) {
  const plan = offlinePlan(request.url, self.location.origin);
  if (plan.redirect) return Response.redirect(new URL(plan.redirect, self.location.origin).href, 302);
  for (const candidate of plan.candidates) {
    const cached = (await stored(candidate)) || (await stored(candidate, {ignoreSearch: true}));
    if (cached) return cached;
  }
  return (await stored(OFFLINE_URL)) || new Response("Offline", {status: 503});
}

async function cacheFirst(event) {
  const cached = await stored(event.request);
  if (cached) return cached;
  const response = await fetch(event.request);
  event.waitUntil(putIfCacheable(RUNTIME_CACHE, event.request, response));
  return response;
}

/* The exact URL in the shell's cache first: a lookup by key. ignoreSearch makes the browser scan every stored
   entry of every cache, and the ticket screen's scripts waited ~0.3 s for it offline at 4x CPU. Offline, no refresh. */
async function staleWhileRevalidate(event) {
  const shell = await caches.open(SHELL_CACHE);
  const cached = (await shell.match(event.request, {ignoreVary: true})) ||
    (await stored(event.request, {ignoreSearch: true}));
  if (cached && self.navigator && self.navigator.onLine === false) return cached;
  const refresh = fetch(event.request).then((response) => {
    return putIfCacheable(SHELL_CACHE, event.request, response).then(() => response);
  });
  if (cached) {
    event.waitUntil(refresh.catch(() => undefined));
    return cached;
  }
  return refresh;
}

const PRECACHE_ATTEMPTS = 3;

/* One failed request fails the whole install (and the app stays without offline pages until the next
   visit), so a shell file is fetched again after a short pause before giving up. */
async function fetchForPrecache(url) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(new Request(url, {cache: "reload"}));
      if (response.ok && !response.redirected) return response;
      if (attempt >= PRECACHE_ATTEMPTS) throw new Error(`precache ${url}: HTTP ${response.status}`);
    } catch (err) {
      if (attempt >= PRECACHE_ATTEMPTS) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
}

/* Missing files only; the browser's HTTP cache usually holds them already (immutable for a year). Best effort. */
async function cacheAssets(paths) {
  const cache = await caches.open(RUNTIME_CACHE);
  for (const path of paths) {
    if (await cache.match(path)) continue; // this version's cache: an older one is deleted at activation
    try {
      const response = await fetch(path);
      if (responseCacheable(response)) await cache.put(path, response);
    } catch (e) {
      /* offline or gone: the next visit fetches it */
    }
  }
  await trimCache(RUNTIME_CACHE, RUNTIME_MAX_ENTRIES);
}

async function precache() {
  const cache = await caches.open(SHELL_CACHE);
  const responses = await Promise.all(PRECACHE.map(fetchForPrecache));
  await Promise.all(responses.map((response, i) => cache.put(PRECACHE[i], response)));
  await Promise.all(PRECACHE_OPTIONAL.map((url) => cache.add(new Request(url, {cache: "reload"})).catch(() => undefined)));
  // The chunks of the precached pages (home, the offline ticket page), so they also render offline.
  const pages = await Promise.all(["/", TICKET_PAGE].map(async (page) => {
    const response = await cache.match(page);
    return response ? response.text() : "";
  }));
  await cacheAssets(assetsInPage(pages.join("\n"), self.location.origin));
}

async function cleanOldCaches() {
  const names = await caches.keys();
  const keep = [SHELL_CACHE, RUNTIME_CACHE];
  await Promise.all(names.filter((n) => n.startsWith(CACHE_PREFIX) && !keep.includes(n)).map((n) => caches.delete(n)));
}

async function openFromNotification(notification) {
  const target = safeTargetUrl(notification.data && notification.data.url, self.location.origin);
  const windows = await self.clients.matchAll({type: "window", includeUncontrolled: true});
  const same = windows.find((client) => client.url === target);
  if (same && "focus" in same) return same.focus();
  return self.clients.openWindow(target); // never navigates an open tab away from unsaved work
}

async function resubscribe(event) {
  const old = event.oldSubscription;
  const fresh = event.newSubscription || (old ? await self.registration.pushManager.subscribe(old.options) : null);
  if (!fresh) return;
  await fetch("/api/push/subscribe", {
    method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({subscription: fresh.toJSON(), replaces: old ? old.endpoint : null}),
  });
}

function installHandlers(scope) {
  scope.addEventListener("install", (event) => event.waitUntil(precache()));
  scope.addEventListener("activate", (event) => {
    event.waitUntil((async () => {
      // No navigation preload: with it, a navigation the worker bypasses (e.g. /auth/session, a
      // single-use login link) would reach the server twice.
      const preload = scope.registration.navigationPreload;
      // A failed clean-up must not leave the open pages uncontrolled: claim them whatever happens.
      await Promise.allSettled([cleanOldCaches(), preload ? preload.disable() : null]);
      await scope.clients.claim();
    })());
  });
  scope.addEventListener("message", (event) => {
    if (event.data && event.data.type === "SKIP_WAITING") scope.skipWaiting();
    if (event.data && event.data.type === "CACHE_ASSETS") {
      event.waitUntil(cacheAssets(buildAssets(event.data.urls, scope.location.origin).slice(0, 100))
        .then(() => storeVisitedPage(event.data.page)));
    }
  });
  scope.addEventListener("fetch", (event) => {
    const request = event.request;
    const how = decide(request.url, request.method, request.mode, scope.location.origin);
    if (how === "navigate") event.respondWith(navigation(event));
    else if (how === "cache-first") event.respondWith(cacheFirst(event));
    else if (how === "stale-while-revalidate") event.respondWith(staleWhileRevalidate(event));
    // "bypass" and "network": no respondWith, the browser fetches normally and nothing is cached.
  });
  scope.addEventListener("push", (event) => {
    let data = {};
    try {
      data = event.data ? event.data.json() : {};
    } catch (e) {
      data = {};
    }
    const note = notificationFromPayload(data, scope.location.origin);
    event.waitUntil(scope.registration.showNotification(note.title, note.options));
  });
  scope.addEventListener("notificationclick", (event) => {
    event.notification.close();
    event.waitUntil(openFromNotification(event.notification));
  });
  scope.addEventListener("pushsubscriptionchange", (event) => {
    event.waitUntil(resubscribe(event).catch(() => undefined));
  });
  scope.addEventListener("sync", (event) => {
    if (event.tag === OUTBOX_SYNC_TAG && scope.cdsOutbox) event.waitUntil(scope.cdsOutbox.flush());
  });
}

if (typeof ServiceWorkerGlobalScope !== "undefined" && self instanceof ServiceWorkerGlobalScope) {
  try {
    importScripts("/idb-store.js", "/outbox.js"); // the store and the sender the pages use (Background Sync)
  } catch (e) {
    /* without them the pages send the outbox themselves at their next open */
  }
  installHandlers(self);
}
