/*
 * Công dân số — the app without a connection (loaded on every page, defer, after /idb-store.js and /outbox.js).
 * Defines window.cdsOffline. See docs/PWA.md, "Offline shell", "Outbox and drafts".
 *
 * - Offline, the Reflex state cannot load, so every page would look logged out. While the device has a signed-in
 *   person (cdsSession.owner(), no logout pending) and the app has no connection (the offline banner of
 *   ui/offline.py is shown, or the browser says offline), <html> gets the class "cds-offline-user": the shell shows
 *   that person's name ([data-offline-name]), pages marked offline keep their form instead of the login prompt,
 *   and the home page draws #cds-offline-home from what this device kept: the name and open items
 *   (GET /api/home/snapshot, fetched while online, kept in cdsStore "prefs" — the logout clears it), a link to
 *   the metro ticket, and the reports waiting in the outbox with their status.
 * - The outbox (/outbox.js) is sent when the connection returns (the "online" event, the banner going away) and
 *   at every page start online; Background Sync sends it from the service worker where the browser has it.
 * - Form drafts: a form with data-cds-draft="<key>" (and data-cds-draft-url="<POST url>") keeps what is typed in
 *   cdsStore "drafts" as the person types, puts it back when the form is shown again, and saves it to the server
 *   (POST {answers}) when there is a connection; the element [data-cds-draft-status="<key>"] says where it is.
 *
 *   cdsOffline.connected()       -> false while the app has no connection
 *   cdsOffline.lang()            -> "vi" | "en" (from <html lang>)
 *   cdsOffline.formValues(form)  -> {name: value} of the form's fields (checkboxes "1"/"", files left out)
 *   cdsOffline.fillForm(form, values[, {onlyEmpty}]) puts values into the form's fields; with onlyEmpty a field
 *                                that already shows something (typed, chosen, checked) keeps it
 *   cdsOffline.update()          re-checks the connection and redraws (called every second anyway)
 */
(function (root) {
  "use strict";
  if (root.cdsOffline) return;

  var BANNER = "cds-offline-banner";
  var SNAPSHOT_KEY = "home";
  var SNAPSHOT_MAX_AGE = 10 * 60 * 1000;
  var HOME_SNAPSHOT_MAX_AGE = 60 * 1000;
  var SNAPSHOT_RETRY_AFTER = 10 * 1000;
  var TEXT = {
    vi: {
      someone: "Tài khoản trên máy này", here: "Trên máy này, không cần mạng", ticket: "Mở vé metro",
      waiting: "Phản ánh đang chờ gửi", open: "Việc của bạn đang mở", asOf: "cập nhật lúc",
      none: "Chưa có việc nào được lưu trên máy này.", logout: "Đăng xuất khỏi máy này",
      draftLocal: "Đã lưu trên máy này lúc {t} — sẽ lưu lên hệ thống khi có mạng.",
      draftSaved: "Đã lưu lên hệ thống lúc {t}.", draftRefused: "Chưa lưu được lên hệ thống: {m}",
      unsentLogout: "{n} phản ánh chưa gửi sẽ bị xoá khỏi điện thoại này. Vẫn đăng xuất?",
    },
    en: {
      someone: "The account on this device", here: "On this device, no network needed", ticket: "Open my metro ticket",
      waiting: "Reports waiting to be sent", open: "Your open items", asOf: "as of",
      none: "Nothing is kept on this device yet.", logout: "Log out of this device",
      draftLocal: "Saved on this device at {t} — it will be saved to the system when online.",
      draftSaved: "Saved to the system at {t}.", draftRefused: "Not saved to the system yet: {m}",
      unsentLogout: "{n} report(s) not sent yet will be deleted from this phone. Log out anyway?",
    },
  };
  var state = { snapshot: null, snapshotFor: null, fetching: false, nextTry: 0, outbox: [], drawn: "" };

  function lang() { return document.documentElement.lang === "en" ? "en" : "vi"; }
  function tx(key) { return TEXT[lang()][key]; }
  function owner() { return root.cdsSession ? root.cdsSession.owner() : ""; }
  function store() { return root.cdsStore; }

  function connected() {
    return root.navigator.onLine !== false && !document.getElementById(BANNER);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  /* ------------------------------------------------------------ the signed-in shell offline ----- */

  function loadSnapshot() {
    var who = owner();
    if (!who || !store() || state.snapshotFor === who) return Promise.resolve(state.snapshot);
    state.snapshotFor = who;
    return store().get("prefs", SNAPSHOT_KEY).then(function (kept) {
      state.snapshot = kept && kept.owner === who ? kept : null;
      return state.snapshot;
    }).catch(function () { return null; });
  }

  /** Fetch the snapshot when it is missing, another person's or old (older than a minute on the home page, which
   *  shows the latest, ten minutes elsewhere); after a failed try, wait before the next (update() runs every second). */
  function refreshSnapshot() {
    var who = owner();
    var now = Date.now();
    var age = state.snapshot && state.snapshot.owner === who ? now - state.snapshot.at : Infinity;
    var maxAge = root.location.pathname === "/" ? HOME_SNAPSHOT_MAX_AGE : SNAPSHOT_MAX_AGE;
    if (!who || state.fetching || !store() || age < maxAge || now < state.nextTry || !connected()) return;
    state.fetching = true;
    state.nextTry = now + SNAPSHOT_RETRY_AFTER;
    root.fetch("/api/home/snapshot", { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok) return null;
      return response.json().then(function (data) {
        if (owner() !== who) return null; // the person changed meanwhile: keep nothing of the last one
        var kept = { owner: who, at: Date.now(), name: String(data.name || ""), items: data.items || {} };
        return store().put("prefs", SNAPSHOT_KEY, kept).then(function () { state.snapshot = kept; state.drawn = ""; });
      });
    }).catch(function () { return null; }).then(function () { state.fetching = false; });
  }

  function loadOutbox() {
    if (!root.cdsOutbox || !store()) return Promise.resolve([]);
    return root.cdsOutbox.list().then(function (items) {
      var who = owner();
      state.outbox = items.filter(function (item) { return item.owner === who; });
      state.drawn = "";
      return state.outbox;
    }).catch(function () { return []; });
  }

  function outboxList(items) {
    return el("ul", { className: "cds-list", id: "offline-outbox" }, items.map(function (item) {
      return el("li", { className: "cds-list-row" }, [
        el("span", { text: (item.body && item.body.title) || "—" }),
        el("span", { className: "cds-offline-status", "data-state": item.state, text: root.cdsOutbox.describe(item, lang()) }),
      ]);
    }));
  }

  function drawHome() {
    var box = document.getElementById("cds-offline-home");
    if (!box) return;
    var snap = state.snapshot;
    var items = (snap && snap.items && snap.items[lang()]) || [];
    var signature = JSON.stringify([lang(), snap && snap.at, state.outbox.map(function (i) { return [i.key, i.state]; })]);
    if (state.drawn === signature && box.childElementCount) return;
    state.drawn = signature;
    var logout = { type: "button", className: "cds-button cds-button-outline", id: "offline-logout",
                   "data-cds-logout": "/?notice=logged_out", text: tx("logout") };
    var unsent = state.outbox.filter(function (item) { return item.state !== "sent"; }).length;
    if (unsent) logout["data-cds-confirm"] = tx("unsentLogout").replace("{n}", String(unsent)); // the logout clears the outbox
    var children = [
      el("h2", { className: "cds-h2", text: tx("here") }),
      el("div", { className: "cds-actions" }, [
        el("a", { href: "/metro/ticket/", className: "cds-button", id: "offline-ticket-link", text: tx("ticket") }),
        el("button", logout),
      ]),
    ];
    if (state.outbox.length) children.push(el("h2", { className: "cds-h2", text: tx("waiting") }), outboxList(state.outbox));
    children.push(el("h2", { className: "cds-h2", text: tx("open") + (snap ? " (" + tx("asOf") + " " + root.cdsOutbox.vnTime(snap.at) + ")" : "") }));
    children.push(items.length ? el("ul", { className: "cds-list", id: "offline-open-items" }, items.map(function (item) {
      return el("li", { className: "cds-list-row" }, [el("span", { text: item.title + " — " + item.status })]);
    })) : el("p", { text: tx("none") }));
    box.replaceChildren.apply(box, children);
  }

  function drawNames() {
    // Only while the offline shell shows it: online the page's own heading says who is there.
    var offlineUser = document.documentElement.classList.contains("cds-offline-user");
    var name = offlineUser ? (state.snapshot && state.snapshot.name) || tx("someone") : "";
    var nodes = document.querySelectorAll("[data-offline-name]");
    for (var i = 0; i < nodes.length; i++) if (nodes[i].textContent !== name) nodes[i].textContent = name;
  }

  /* ------------------------------------------------------------ form drafts ---------------------- */

  function formValues(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.disabled || field.type === "file" || field.type === "submit" || field.type === "button") return;
      if (field.type === "checkbox") out[field.name] = field.checked ? (field.value && field.value !== "on" ? field.value : "1") : "";
      else if (field.type === "radio") { if (field.checked) out[field.name] = field.value; else if (!(field.name in out)) out[field.name] = ""; }
      else out[field.name] = field.value;
    });
    return out;
  }

  function showsSomething(form, field) {
    if (field.type === "checkbox") return field.checked;
    if (field.type === "radio") return Boolean(form.querySelector("[name=\"" + field.name + "\"]:checked"));
    return field.value !== "";
  }

  /** Put values into the form. With onlyEmpty (a copy kept on the phone, put back when the form is drawn anew), a
      field that already shows something is left alone: the page may have been redrawn after the person chose or
      typed it, and the kept copy can be older than that. */
  function fillForm(form, values, options) {
    var onlyEmpty = Boolean(options && options.onlyEmpty);
    Object.keys(values || {}).forEach(function (name) {
      var fields = form.querySelectorAll("[name=\"" + name.replace(/["\\]/g, "") + "\"]");
      Array.prototype.forEach.call(fields, function (field) {
        var value = values[name];
        if (onlyEmpty && showsSomething(form, field)) return;
        if (field.type === "checkbox") field.checked = value === "1" || value === field.value;
        else if (field.type === "radio") field.checked = field.value === value;
        else if (field.type !== "file" && field.value !== value) {
          var setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(field), "value");
          if (setter && setter.set) setter.set.call(field, value); else field.value = value;
          field.dispatchEvent(new Event("input", { bubbles: true })); // React's value tracking sees the change
        }
      });
    });
  }

  var drafts = {}; // key -> {form, timer, saving}

  function draftStatus(key, text) {
    var node = document.querySelector("[data-cds-draft-status=\"" + key + "\"]");
    if (node && node.textContent !== text) node.textContent = text;
  }

  function now() { return root.cdsOutbox ? root.cdsOutbox.vnTime(Date.now()) : ""; }

  function syncDraft(key) {
    var entry = drafts[key];
    if (!entry || entry.saving || !connected() || !store()) return;
    var url = entry.form.getAttribute("data-cds-draft-url");
    if (!url) return;
    entry.saving = true;
    store().get("drafts", key).then(function (kept) {
      if (!kept || kept.owner !== owner()) return null;
      return root.fetch(url, {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify({ answers: kept.values }),
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.ok) {
            return store().get("drafts", key).then(function (latest) { // typed again meanwhile: keep that
              if (latest && latest.at === kept.at) return store().del("drafts", key);
              return null;
            }).then(function () { draftStatus(key, tx("draftSaved").replace("{t}", now())); });
          }
          if (response.status >= 400 && response.status < 500 && data.message) {
            draftStatus(key, tx("draftRefused").replace("{m}", data.message[lang()] || ""));
          }
          return null;
        });
      });
    }).catch(function () { return null; }).then(function () { entry.saving = false; });
  }

  function keepDraft(key) {
    var entry = drafts[key];
    if (!entry || !store()) return;
    var kept = { owner: owner(), at: Date.now(), values: formValues(entry.form) };
    store().put("drafts", key, kept).then(function () {
      draftStatus(key, tx("draftLocal").replace("{t}", root.cdsOutbox.vnTime(kept.at)));
      clearTimeout(entry.timer);
      entry.timer = setTimeout(function () { syncDraft(key); }, 1500);
    }).catch(function () { return null; });
  }

  function watchDraftForms() {
    var forms = document.querySelectorAll("form[data-cds-draft]");
    Array.prototype.forEach.call(forms, function (form) {
      var key = form.getAttribute("data-cds-draft");
      if (!key || (drafts[key] && drafts[key].form === form)) return;
      drafts[key] = { form: form, timer: null, saving: false };
      if (!store()) return;
      store().get("drafts", key).then(function (kept) {
        if (!kept || kept.owner !== owner()) return;
        fillForm(form, kept.values);
        draftStatus(key, tx("draftLocal").replace("{t}", root.cdsOutbox.vnTime(kept.at)));
        syncDraft(key);
      }).catch(function () { return null; });
    });
  }

  function onInput(event) {
    var form = event.target && event.target.form;
    if (!form || !form.hasAttribute("data-cds-draft") || !event.isTrusted) return;
    keepDraft(form.getAttribute("data-cds-draft"));
  }

  /* ------------------------------------------------------------ the loop ------------------------- */

  var wasConnected = null;

  function flushOutbox() {
    if (!root.cdsOutbox || !owner()) return Promise.resolve(null);
    return root.cdsOutbox.flush(owner()).then(function (summary) {
      if (summary && summary.sent && root.cdsPwa) root.cdsPwa.noteSuccess(); // a report went: offer to install
      return loadOutbox();
    });
  }

  function update() {
    var online = connected();
    markClass(); // also when the app's hydration replaced <html>'s classes (the observer below)
    if (online && wasConnected === false) { // the connection is back
      flushOutbox();
      Object.keys(drafts).forEach(syncDraft);
    }
    wasConnected = online;
    loadSnapshot().then(function () {
      if (online) refreshSnapshot();
      drawNames();
      drawHome();
    });
    watchDraftForms();
  }

  function markClass() {
    var offlineUser = !connected() && !!owner();
    if (document.documentElement.classList.contains("cds-offline-user") !== offlineUser) {
      document.documentElement.classList.toggle("cds-offline-user", offlineUser);
    }
  }

  new MutationObserver(markClass).observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  root.addEventListener("online", update);
  root.addEventListener("offline", update);
  root.addEventListener("cds:outbox", loadOutbox);
  document.addEventListener("input", onInput, true);
  document.addEventListener("change", onInput, true);
  if (root.navigator.serviceWorker) {
    root.navigator.serviceWorker.addEventListener("message", function (event) {
      // the worker sent the outbox (Background Sync): every part of the page that shows it redraws
      if (event.data && event.data.type === "cds:outbox") root.dispatchEvent(new CustomEvent("cds:outbox", { detail: null }));
    });
  }
  root.addEventListener("cds:device-cleared", function () { // logout or another person: forget what is shown
    state.snapshot = null;
    state.snapshotFor = null;
    state.nextTry = 0;
    state.outbox = [];
    state.drawn = "";
    drafts = {};
  });

  root.cdsOffline = {
    connected: connected, lang: lang, formValues: formValues, fillForm: fillForm, update: update,
    flushOutbox: flushOutbox, owner: owner,
  };
  loadOutbox().then(function () { if (connected()) flushOutbox(); });
  update();
  setInterval(update, 1000);
})(window);
