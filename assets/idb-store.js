/*
 * Công dân số — a tiny IndexedDB key-value store, usable from pages (<script src="/idb-store.js">)
 * and from the service worker (importScripts("/idb-store.js")). It defines self.cdsStore.
 *
 * Database "cds-store", one object store per name in STORES (out-of-line keys). Values are
 * stored with the structured clone algorithm (plain objects, arrays, Dates, Blobs — no functions).
 *
 *   cdsStore.STORES                 -> ["tickets", "drafts", "outbox", "prefs"]
 *   cdsStore.get(store, key)        -> Promise<value | undefined>
 *   cdsStore.put(store, key, value) -> Promise<void>      (insert or replace)
 *   cdsStore.del(store, key)        -> Promise<void>      (missing key is fine)
 *   cdsStore.keys(store)            -> Promise<key[]>     (ascending key order)
 *   cdsStore.clear(store?)          -> Promise<void>      (one store, or every store)
 *
 * Everything here is the logged-in user's: /session.js clears every store when the session ends or another
 * user logs in on the device.
 *
 * An unknown store name rejects with Error("cdsStore: unknown store <name>"). Keys are strings or
 * numbers. Adding a store = append its name to STORES and bump DB_VERSION (upgrade creates it).
 * Keep secrets out (no tokens, no passwords): anything here is readable by scripts of this origin.
 * If IndexedDB is unavailable (old browser, some private modes) every call rejects; callers must
 * fall back to online-only behaviour.
 */
(function (root) {
  "use strict";

  var DB_NAME = "cds-store";
  var DB_VERSION = 1;
  var STORES = ["tickets", "drafts", "outbox", "prefs"];
  var opening = null;

  function open() {
    if (opening) return opening;
    opening = new Promise(function (resolve, reject) {
      if (!root.indexedDB) {
        reject(new Error("cdsStore: IndexedDB unavailable"));
        return;
      }
      var request = root.indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        STORES.forEach(function (name) {
          if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
        });
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () { // another tab upgrades: let it, reopen lazily
          db.close();
          opening = null;
        };
        resolve(db);
      };
      request.onerror = function () { reject(request.error); };
      request.onblocked = function () { reject(new Error("cdsStore: upgrade blocked by another tab")); };
    });
    opening.catch(function () { opening = null; });
    return opening;
  }

  function run(store, mode, work) {
    if (STORES.indexOf(store) < 0) return Promise.reject(new Error("cdsStore: unknown store " + store));
    // In a page, wait for a clearing of the user's data under way (session.js); the service worker has none.
    return Promise.resolve(root.cdsSession && root.cdsSession.ready).then(open).then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result;
        var request = work(tx.objectStore(store));
        if (request) request.onsuccess = function () { result = request.result; };
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error || new Error("cdsStore: transaction aborted")); };
      });
    });
  }

  root.cdsStore = {
    STORES: STORES.slice(),
    get: function (store, key) {
      return run(store, "readonly", function (s) { return s.get(key); });
    },
    put: function (store, key, value) {
      return run(store, "readwrite", function (s) { s.put(value, key); }).then(function () {});
    },
    del: function (store, key) {
      return run(store, "readwrite", function (s) { s.delete(key); }).then(function () {});
    },
    keys: function (store) {
      return run(store, "readonly", function (s) { return s.getAllKeys(); });
    },
    clear: function (store) {
      var names = store ? [store] : STORES;
      return Promise.all(names.map(function (name) {
        return run(name, "readwrite", function (s) { s.clear(); });
      })).then(function () {});
    },
  };
})(typeof self !== "undefined" ? self : this);
