/*
 * Công dân số — the login on this device (window.cdsSession). Loaded in <head>, before the app and before any
 * script that reads the device's stores.
 *
 * Whose data does the device hold? The server sets the cookie cds_owner (a keyed pseudonym of the logged-in
 * user, readable here) together with the HttpOnly session cookie and deletes both at logout; this script keeps
 * the owner it last saw in localStorage "cds_owner". When the two differ (logged out, session expired or
 * closed elsewhere, another user logged in, even without a logout), the user's data on the device is cleared
 * before anything reads it:
 *   - IndexedDB "cds-store" (tickets, drafts, outbox, prefs), "cds-wallet" (holder key, credentials) and the
 *     tickets in "cds-metro" (its device key stays: it belongs to the phone, and a ticket bound to it is
 *     useless without the ticket itself);
 *   - every page in the service worker's runtime cache ("cds-runtime-*"; its hashed build files stay); the
 *     precached app shell, metro ticket screen and offline verifier ("cds-shell-*") and the verifier's keys
 *     and status lists ("cds-verifier") stay;
 *   - sessionStorage (with Reflex's tab token, so the next page starts a fresh server-side state), and
 *     localStorage except the language and text-size choices;
 *   - the user's notifications in the tray and the device's push subscription.
 *
 *   cdsSession.ready                 Promise: settled when no clearing is under way (await it before reading)
 *   cdsSession.signOut(url)          log out here (POST /auth/logout), clear the device, then load url; without a
 *                                    connection the device is cleared at once and the server told when back online
 *   cdsSession.ended()               this tab found its session closed: drop the cookies if the session they
 *                                    hold is closed too (another tab may have logged in since), then check()
 *   cdsSession.completeLogin(ticket) bind a login ticket to this browser (POST /auth/session), then redeem it
 *   cdsSession.openTicket(url)       redeem a ticket URL already bound (passkey login)
 *   cdsSession.check()               compare the owner cookie with the stores now
 *   cdsSession.owner()               the pseudonym of the user this device acts for ("" when nobody)
 *   window "cds:device-cleared"      fired after a clearing (in this tab or another): pages drop what they
 *                                    show from the stores
 *
 * The header's account link carries data-session="1" while the tab acts for a user; when it turns "0" without
 * a page load (the server refused a handler because the session was closed), ended() runs.
 *
 * Logout buttons carry data-cds-logout="<page to load after>": the click itself logs out, without the socket
 * (after a yes to their data-cds-confirm question, when they have one).
 * A logout without a connection: the session cookie is HttpOnly, so this script cannot delete it. It sets the
 * readable cookie cds_logout instead (the server then treats the session as ended for this browser) and deletes
 * cds_owner, clears the device at once, and POSTs /auth/logout as soon as the network is back (at the next page
 * start, on the "online" event, and before any new login), which closes the session and drops the cookies.
 */
(function (root) {
  "use strict";
  if (root.cdsSession) return;

  var OWNER = "cds_owner";
  var LOGOUT = "cds_logout"; // this browser logged out offline; the server honours it until /auth/logout
  var CLEARED = "cds_device_cleared"; // time of the last clearing: tells the other tabs, which drop what they show
  var KEEP_LOCAL = ["cds_lang", "cds_large", OWNER, CLEARED, "cds_install"]; // cds_install: pwa.js, the device's
  var REFLEX_TOKEN = "token";
  var RUNTIME_CACHE_PREFIX = "cds-runtime-";
  var BUILD_PREFIXES = ["/assets/", "/_next/static/"];
  var DATABASES = [
    { name: "cds-store", keys: null },           // every store, every key
    { name: "cds-wallet", keys: null },
    { name: "cds-metro", keys: { kv: ["tickets"] } },
  ];
  var ready = Promise.resolve();

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  var unstored = null; // the owner, when localStorage is unavailable (then this page is all there is to clear)

  function stored() {
    try { return root.localStorage.getItem(OWNER) || ""; } catch (e) { return unstored === null ? "" : unstored; }
  }

  function remember(owner) {
    unstored = owner;
    try {
      if (owner) root.localStorage.setItem(OWNER, owner);
      else root.localStorage.removeItem(OWNER);
    } catch (e) { /* storage unavailable */ }
  }

  function clearDatabase(spec) {
    return new Promise(function (resolve) {
      var request;
      try { request = root.indexedDB.open(spec.name); } catch (e) { resolve(); return; }
      request.onupgradeneeded = function () { request.transaction.abort(); }; // absent: do not create it
      request.onerror = function () { resolve(); };
      request.onsuccess = function () {
        var db = request.result;
        var names = Array.prototype.filter.call(db.objectStoreNames, function (n) { return !spec.keys || spec.keys[n]; });
        if (!names.length) { db.close(); resolve(); return; }
        var tx = db.transaction(names, "readwrite");
        names.forEach(function (n) {
          var store = tx.objectStore(n);
          if (spec.keys) spec.keys[n].forEach(function (key) { store.delete(key); });
          else store.clear();
        });
        tx.oncomplete = tx.onerror = tx.onabort = function () { db.close(); resolve(); };
      };
    });
  }

  function isBuildFile(url) {
    var path = new URL(url).pathname;
    return BUILD_PREFIXES.some(function (prefix) { return path.indexOf(prefix) === 0; });
  }

  /** Every page the service worker cached at run time goes; the hashed build files (the same for everyone,
   *  needed to open the cached shell offline) stay. */
  function clearCaches() {
    if (!root.caches) return Promise.resolve();
    return root.caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf(RUNTIME_CACHE_PREFIX) === 0; }).map(function (n) {
        return root.caches.open(n).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.filter(function (r) { return !isBuildFile(r.url); })
              .map(function (r) { return cache.delete(r); }));
          });
        });
      }));
    }).catch(function () { return null; });
  }

  /** The user's notifications in the tray and the device's push subscription (the server drops the device at its
   *  next send, when the push service answers 410). */
  function clearPush() {
    var sw = root.navigator.serviceWorker;
    if (!sw) return Promise.resolve();
    return sw.getRegistration("/").then(function (registration) {
      if (!registration) return null;
      var shown = registration.getNotifications ? registration.getNotifications().then(function (notes) {
        notes.forEach(function (note) { note.close(); });
      }) : null;
      var push = registration.pushManager ? registration.pushManager.getSubscription().then(function (sub) {
        return sub ? sub.unsubscribe() : null;
      }) : null;
      return Promise.all([shown, push]);
    }).catch(function () { return null; });
  }

  function clearWebStorage(newTab) {
    var area, i, key;
    try {
      area = root.localStorage;
      for (i = area.length - 1; i >= 0; i--) {
        key = area.key(i);
        if (KEEP_LOCAL.indexOf(key) < 0) area.removeItem(key);
      }
    } catch (e) { /* unavailable */ }
    try {
      area = root.sessionStorage;
      for (i = area.length - 1; i >= 0; i--) {
        key = area.key(i);
        if (newTab || key !== REFLEX_TOKEN) area.removeItem(key); // a live app keeps its token until it reloads
      }
    } catch (e) { /* unavailable */ }
  }

  /** Clear the user's data; newTab: also Reflex's tab token (only before the app runs or a page load). */
  function clearDevice(newTab) {
    clearWebStorage(newTab);
    var databases = root.indexedDB ? DATABASES.map(clearDatabase) : [];
    var work = Promise.all(databases.concat([clearCaches(), clearPush()])).then(function () {
      try { root.localStorage.setItem(CLEARED, String(Date.now())); } catch (e) { /* unavailable */ }
      root.dispatchEvent(new Event("cds:device-cleared"));
    });
    ready = Promise.all([ready, work]).then(function () { return undefined; });
    return ready;
  }

  function check(newTab) {
    var owner = cookie(OWNER);
    var was = stored();
    if (owner === was) return ready;
    remember(owner);
    return clearDevice(!!newTab);
  }

  function post(url, body) {
    var init = { method: "POST", credentials: "same-origin" };
    if (body) {
      init.headers = { "Content-Type": "application/json" };
      init.body = JSON.stringify(body);
    }
    return root.fetch(url, init).catch(function () { return null; });
  }

  function setCookie(name, value, maxAge) {
    document.cookie = name + "=" + value + "; path=/; max-age=" + maxAge + "; samesite=lax" +
      (root.location.protocol === "https:" ? "; secure" : "");
  }

  function logoutPending() { return cookie(LOGOUT) !== ""; }

  /** Tell the server about a logout made offline: it closes the session and drops the cookies. */
  function flushLogout() {
    if (!logoutPending()) return Promise.resolve(true);
    return post("/auth/logout").then(function (response) { return !!(response && response.ok); });
  }

  function signOut(url) {
    // The browser knows it is offline: no request (a request could also leave by a path the browser's offline
    // state does not cover, e.g. the service worker's fallback to the network).
    var sent = root.navigator.onLine === false ? Promise.resolve(null) : post("/auth/logout");
    return sent.then(function (response) {
      if (!response || !response.ok) { // no connection: logged out on this device now, on the server later
        setCookie(LOGOUT, "1", 400 * 86400);
        setCookie(OWNER, "", 0);
      }
      remember(cookie(OWNER));
      return clearDevice(true);
    }).then(function () { root.location.replace(url); });
  }

  function ended() {
    return post("/auth/logout?ended=1").then(function () { return check(false); });
  }

  function openTicket(url) {
    try { root.sessionStorage.removeItem(REFLEX_TOKEN); } catch (e) { /* unavailable */ }
    root.location.replace(url);
  }

  function completeLogin(ticket) {
    return flushLogout().then(function () { return post("/auth/session", { ticket: ticket }); }).then(function () {
      openTicket("/auth/session?ticket=" + encodeURIComponent(ticket));
    });
  }

  function watchTab() {
    var actingForUser = false;
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        var value = record.target.getAttribute("data-session");
        if (value === "1") actingForUser = true;
        else if (value === "0" && actingForUser) {
          actingForUser = false;
          ended();
        }
      });
    }).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ["data-session"] });
  }

  root.cdsSession = {
    get ready() { return ready; },
    signOut: signOut, ended: ended, completeLogin: completeLogin, openTicket: openTicket,
    check: function () { return check(false); },
    owner: function () { return logoutPending() ? "" : cookie(OWNER); },
  };
  check(true); // before the app reads its token or any script reads the stores
  if (root.navigator.onLine !== false) flushLogout();
  root.addEventListener("online", function () { flushLogout(); });
  // Logout buttons (data-cds-logout="<page to load after>") work on the click itself: no socket needed, so offline too.
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("[data-cds-logout]");
    if (!button) return;
    event.preventDefault();
    event.stopPropagation();
    var question = button.getAttribute("data-cds-confirm"); // e.g. reports still waiting, which the logout deletes
    if (question && !root.confirm(question)) return;
    signOut(button.getAttribute("data-cds-logout") || "/");
  }, true);
  root.addEventListener("storage", function (event) { // what another tab of this browser did
    if (event.key === CLEARED) root.dispatchEvent(new Event("cds:device-cleared"));
    else if (event.key === OWNER || event.key === null) check(false);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") check(false);
  });
  root.addEventListener("pageshow", function (event) { if (event.persisted) check(false); });
  watchTab();
})(window);
