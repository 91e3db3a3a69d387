/*
 * Công dân số — the ticket screen's stored tickets and the phone's key, read as early as the page allows (issue 24:
 * the rider's ticket offline on a slow phone). Inline in every page's head, right after session.js; it does
 * something only at the ticket screen's address (/metro/ticket) and only when someone is logged in on this device.
 *
 * The first opening of the origin's IndexedDB in a just-opened browser took 0.1-0.3 s (4x CPU slowdown, trace):
 * started here, while the browser is still reading the page, it is done by the time the ticket scripts (async,
 * ~0.15 s later) need it. One opening, one transaction reads both keys; assets/metro/ticket.js keeps using this
 * connection and takes the read once (MetroTicket.stored()), provided nothing was cleared since:
 *
 *   window.cdsTicketEarly = { owner, ready, db: Promise<IDBDatabase>, read: Promise<{tickets, pair}> }
 *
 * Logout safety: the read waits for cdsSession.ready (a clearing of another user's data started by session.js just
 * before), and records the owner and the ready promise it waited for; ticket.js uses the read only while both are
 * still the session's (a clearing since replaces ready), else it reads again.
 * The database is ticket.js's: "cds-metro", version 1, store "kv" (keys "tickets" and "device-key").
 */
(function (root) {
  "use strict";
  if (root.cdsTicketEarly || !root.indexedDB || !/^\/metro\/ticket\/?$/.test(root.location.pathname)) return;
  var session = root.cdsSession;
  var owner = session ? session.owner() : "";
  if (session && !owner) return; // nobody logged in here: no ticket to show
  var ready = session ? session.ready : undefined;
  var db = Promise.resolve(ready).then(function () {
    return new Promise(function (resolve, reject) {
      var request = root.indexedDB.open("cds-metro", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("kv"); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  });
  var read = db.then(function (connection) {
    return new Promise(function (resolve, reject) {
      var tx = connection.transaction("kv", "readonly");
      var store = tx.objectStore("kv");
      var tickets = store.get("tickets"), pair = store.get("device-key");
      tx.oncomplete = function () { resolve({ tickets: tickets.result || [], pair: pair.result || null }); };
      tx.onerror = tx.onabort = function () { reject(tx.error); };
    });
  });
  read.catch(function () { return null; }); // ticket.js reads again; no unhandled rejection meanwhile
  root.cdsTicketEarly = { owner: owner, ready: ready, db: db, read: read };
})(window);
