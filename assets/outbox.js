/*
 * Công dân số — the outbox: what the person sent without a connection, kept on this device until the server
 * has it. Runs in pages (<script src="/outbox.js" defer> after /idb-store.js) and in the service worker
 * (importScripts, for Background Sync). Defines self.cdsOutbox. See docs/PWA.md, "Outbox and drafts".
 *
 * An item lives in cdsStore "outbox" under its idempotency key (a random UUID made when its draft was started,
 * so sending the same draft twice makes one report):
 *   {key, kind: "feedback-report", owner, createdAt, state: "queued" | "sent" | "refused", attempts,
 *    sentAt, result: {id, href}, error: {vi, en}, body: {...}, photos: [Blob]}
 *   owner: the cds_owner pseudonym of the person who queued it. The page sends only its own person's items and
 *   drops any other; the server refuses an item whose owner is not the session's user (409), and the device's
 *   stores (this one included) are cleared at logout and when another person logs in (session.js).
 *
 *   cdsOutbox.queue(kind, key, owner, body, photos) -> Promise<item>   (replaces an item with the same key)
 *   cdsOutbox.list()                               -> Promise<item[]>  newest first
 *   cdsOutbox.get(key) / remove(key)
 *   cdsOutbox.flush(owner?)  -> Promise<{sent, left}>  send every queued item (of owner, when given); one at a time
 *   cdsOutbox.describe(item, lang) -> "Chưa gửi — sẽ gửi khi có mạng" | "Đã gửi lúc 14:05 07/12" | …
 *   cdsOutbox.requestSync()  -> asks for Background Sync where the browser has it (page only)
 * After every change pages get the window event "cds:outbox"; the service worker posts {type: "cds:outbox"} to
 * its pages.
 *
 * Answers: 200/201 sent (the server's report id and page); 409 not this session's person (dropped, never sent
 * under another one); 400/413/415/422 refused with the server's translated reason (the person fixes the draft);
 * 401 no session (kept, sent after the next login of the same person); network errors and 5xx kept for later.
 */
(function (root) {
  "use strict";

  var STORE = "outbox";
  var SYNC_TAG = "cds-outbox";
  var KEEP_SENT_MS = 7 * 86400 * 1000; // a sent item stays a week so its status can still be shown
  var KINDS = { "feedback-report": { url: "/api/feedback/reports" } };
  var TEXT = {
    vi: { queued: "Chưa gửi — sẽ gửi khi có mạng", sent: "Đã gửi lúc", refused: "Chưa gửi được:",
          sending: "Đang gửi…" },
    en: { queued: "Not sent yet — will be sent when online", sent: "Sent at", refused: "Could not be sent:",
          sending: "Sending…" },
  };
  var flushing = null;
  var flushAgain = null;

  function store() { return root.cdsStore; }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /** Milliseconds -> "HH:MM dd/mm" in Ho Chi Minh City time (UTC+7, no daylight saving). */
  function vnTime(ms) {
    var d = new Date(ms + 7 * 3600 * 1000);
    return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + " " + pad(d.getUTCDate()) + "/" + pad(d.getUTCMonth() + 1);
  }

  function announce(item) {
    if (typeof root.dispatchEvent === "function" && typeof root.CustomEvent === "function" && root.document) {
      root.dispatchEvent(new CustomEvent("cds:outbox", { detail: item || null }));
    } else if (root.clients && root.clients.matchAll) { // service worker: tell the open pages
      root.clients.matchAll({ type: "window" }).then(function (pages) {
        pages.forEach(function (page) { page.postMessage({ type: "cds:outbox" }); });
      });
    }
  }

  function save(item) {
    return store().put(STORE, item.key, item).then(function () { announce(item); return item; });
  }

  function get(key) { return store().get(STORE, key); }

  function remove(key) {
    return store().del(STORE, key).then(function () { announce(null); });
  }

  function list() {
    return store().keys(STORE).then(function (keys) {
      return Promise.all(keys.map(get));
    }).then(function (items) {
      var now = Date.now();
      return items.filter(function (item) {
        return item && !(item.state === "sent" && now - (item.sentAt || 0) > KEEP_SENT_MS);
      }).sort(function (a, b) { return (b.createdAt || 0) - (a.createdAt || 0); });
    });
  }

  function queue(kind, key, owner, body, photos) {
    if (!KINDS[kind]) return Promise.reject(new Error("cdsOutbox: unknown kind " + kind));
    return save({ key: key, kind: kind, owner: owner || "", createdAt: Date.now(), state: "queued", attempts: 0,
                  body: body, photos: photos || [] });
  }

  function base64(blob) {
    return blob.arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer), out = "", step = 0x8000;
      for (var i = 0; i < bytes.length; i += step) {
        out += String.fromCharCode.apply(null, bytes.subarray(i, i + step));
      }
      return root.btoa(out);
    });
  }

  function payload(item) {
    return Promise.all((item.photos || []).map(function (photo) {
      return base64(photo).then(function (data) { return { type: photo.type || "image/jpeg", data: data }; });
    })).then(function (photos) {
      return JSON.stringify({ key: item.key, owner: item.owner, report: item.body, photos: photos });
    });
  }

  function readJson(response) {
    return response.json().catch(function () { return {}; });
  }

  /** One attempt; resolves with what to do next: "sent", "refused", "dropped", "later" or "login". */
  function sendOne(item) {
    return payload(item).then(function (body) {
      return root.fetch(KINDS[item.kind].url, {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "Content-Type": "application/json" }, body: body,
      });
    }).then(function (response) {
      return readJson(response).then(function (data) {
        item.attempts = (item.attempts || 0) + 1;
        if (response.ok) {
          item.state = "sent";
          item.sentAt = Date.now();
          item.result = { id: String(data.id || ""), href: String(data.href || "") };
          item.photos = []; // the server has them now
          item.body = { title: item.body && item.body.title };
          return save(item).then(function () { return "sent"; });
        }
        if (response.status === 409 && data.error === "feedback.outbox_other_user") {
          return remove(item.key).then(function () { return "dropped"; });
        }
        if (response.status === 401) return "login";
        if (response.status >= 500 || response.status === 429 || response.status === 408) return "later";
        item.state = "refused";
        item.error = data.message && data.message.vi ? data.message : { vi: "HTTP " + response.status, en: "HTTP " + response.status };
        return save(item).then(function () { return "refused"; });
      });
    }, function () { return "later"; }); // no connection
  }

  function flushAll(owner) {
    var summary = { sent: 0, left: 0 };
    return list().then(function (items) {
      var queued = items.filter(function (item) { return item.state === "queued"; }).reverse(); // oldest first
      var chain = Promise.resolve("");
      queued.forEach(function (item) {
        chain = chain.then(function (previous) {
          if (previous === "later" || previous === "login") { summary.left += 1; return previous; }
          if (owner !== undefined && item.owner !== owner) { // another person's: never sent from this session
            return remove(item.key).then(function () { return ""; });
          }
          return sendOne(item).then(function (outcome) {
            if (outcome === "sent") summary.sent += 1;
            else if (outcome === "later" || outcome === "login") summary.left += 1;
            return outcome;
          });
        });
      });
      return chain;
    }).then(function () { return summary; });
  }

  /** Send what is queued. A call during a flush gets the next flush, not the running one: the running one listed
      the items before this caller queued its own (a report sent the moment it was queued would wait otherwise). */
  function flush(owner) {
    if (!store()) return Promise.resolve({ sent: 0, left: 0 });
    if (flushing) {
      if (!flushAgain) flushAgain = flushing.then(function () { flushAgain = null; return flush(owner); });
      return flushAgain;
    }
    flushing = flushAll(owner).catch(function () { return { sent: 0, left: 0 }; }).then(function (summary) {
      flushing = null;
      return summary;
    });
    return flushing;
  }

  function describe(item, lang) {
    var text = TEXT[lang === "en" ? "en" : "vi"];
    if (!item) return "";
    if (item.state === "sent") return text.sent + " " + vnTime(item.sentAt);
    if (item.state === "refused") return text.refused + " " + ((item.error && item.error[lang === "en" ? "en" : "vi"]) || "");
    return text.queued;
  }

  function requestSync() {
    var sw = root.navigator && root.navigator.serviceWorker;
    if (!sw) return Promise.resolve(false);
    return sw.ready.then(function (registration) {
      if (!registration.sync) return false; // no Background Sync here: the page sends at its next open
      return registration.sync.register(SYNC_TAG).then(function () { return true; });
    }).catch(function () { return false; });
  }

  root.cdsOutbox = {
    queue: queue, list: list, get: get, remove: remove, flush: flush, describe: describe, requestSync: requestSync,
    vnTime: vnTime, SYNC_TAG: SYNC_TAG,
  };
})(typeof self !== "undefined" ? self : this);
