/*
 * Công dân số — a gate or handheld validator on the gate page (/metro/gate), drawn on the device.
 *
 * Not enrolled: #gate-device offers enrolment with the operator's one-time QR (camera, or its link pasted; a link
 * opened with "#enrol=<code>" enrols at once). POST /api/metro/gate/enrol returns the device's own token, kept in
 * this device's IndexedDB "cds-gate" (not the user's stores, which session.js clears: a gate is nobody's account).
 *
 * Enrolled: every scan is decided online (POST /api/metro/gate/validate, Bearer token) when the server answers
 * within rules.online_timeout_ms, else offline by gate-offline.js with the keys, denylist and rules of the last
 * pull. Each scan replaces the previous result (scan number and time, and whether the gate decided offline); an
 * offline admission is stored with its journey state in the same IndexedDB transaction before it is shown, and
 * uploaded by POST /api/metro/gate/sync when the server answers again. Every rules.pull_seconds the device pulls
 * (POST /api/metro/gate/pull), reporting its queue and the key and denylist versions it holds.
 *
 * window.MetroGateDevice: check(text) -> Promise<result (with .ms: scan -> result painted)>, enrol(text),
 * syncNow(), status() — used by the camera (gate.js), the form, tests and benchmarks/gate_decision.py.
 */
(function (root) {
  "use strict";
  if (root.MetroGateDevice) return;

  var DB_NAME = "cds-gate", STORES = ["kv", "queue", "states"];
  var FINAL = { applied: 1, duplicate: 1, late: 1, invalid: 1, unknown_ticket: 1 };
  var SERVER_DOWN_MS = 10000; // after a failed call, decide offline at once for a while
  var BATCH = 500, KEEP_STATES_S = 2 * 86400;
  var CSS = [
    "#gate-device .gd-card{border:2px solid #000;border-radius:12px;padding:12px;background:#fff;color:#000;max-width:640px}",
    "#gate-device .gd-row{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:6px 0}",
    "#gate-device .gd-pill{display:inline-block;padding:4px 10px;border-radius:14px;font-weight:700}",
    "#gate-device .gd-online{background:#0a6b2a;color:#fff}",
    "#gate-device .gd-offline{background:#fff3cd;color:#3d2e00;border:2px solid #8a6d00}",
    "#gate-device .gd-dir button[aria-pressed=true]{background:#000;color:#fff;border-color:#000}",
    "#gate-device .gd-result{color:#fff;padding:16px;border-radius:12px;text-align:center;margin:12px 0;outline:2px solid #000;animation:gd-in .25s ease-out}",
    "#gate-device .gd-ok{background:#0a6b2a;border:6px solid #fff}",
    "#gate-device .gd-no{background:#a3001b;border:6px dashed #fff}",
    "#gate-device .gd-word{font-size:2.6rem;font-weight:800;margin:.1em 0}",
    "#gate-device .gd-mode{display:inline-block;margin:6px 0;padding:6px 10px;border-radius:8px;font-weight:700}",
    "#gate-device .gd-mode-offline{background:#fff3cd;color:#3d2e00}",
    "#gate-device .gd-mode-online{background:#fff;color:#0a3d1a}",
    "#gate-device .gd-error{color:#a3001b;font-weight:600}",
    "@keyframes gd-in{from{transform:scale(.96);opacity:.4}to{transform:none;opacity:1}}",
    "@media (prefers-reduced-motion: reduce){#gate-device .gd-result{animation:none}}",
    "body.gd-active #gate-staff{display:none}",
    // Reflex's "cannot connect" toast is expected offline: the gate needs no websocket.
    "body.gd-active [data-sonner-toaster]{display:none}",
  ].join("\n");

  var texts = null, box = null, db = null, gate = null, cfg = null, counter = 0, chain = Promise.resolve();
  var serverDownUntil = 0, lastSync = null, pendingCount = 0, lastResult = null, message = null, pullTimer = null;
  var timings = [], syncing = null;

  // --- small helpers -----------------------------------------------------------------------------------

  function lang() { return document.documentElement.lang === "en" ? "en" : "vi"; }
  function tx(key, other) {
    var entry = texts && texts[key];
    return entry ? entry[other || lang()] : key;
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "on") Object.keys(attrs.on).forEach(function (ev) { node.addEventListener(ev, attrs.on[ev]); });
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function nowSeconds() { return Math.floor(Date.now() / 1000); }
  function clock(date) {
    return date.toLocaleTimeString("en-GB", { timeZone: "Asia/Ho_Chi_Minh", hour12: false });
  }
  function randomId() { return MetroGateOffline.hex(crypto.getRandomValues(new Uint8Array(8))); }
  function nextPaint() {
    return new Promise(function (resolve) { requestAnimationFrame(function () { setTimeout(resolve, 0); }); });
  }

  // --- storage (IndexedDB "cds-gate": kv, queue, states) -----------------------------------------------

  function openDb() {
    if (db) return db;
    db = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { STORES.forEach(function (s) { request.result.createObjectStore(s); }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return db;
  }

  /** One transaction over ``stores``; work(objectStores) may return a request whose result resolves. */
  function transact(stores, mode, work) {
    return openDb().then(function (handle) {
      return new Promise(function (resolve, reject) {
        var t = handle.transaction(stores, mode), result;
        var req = work(stores.map(function (s) { return t.objectStore(s); }));
        if (req) req.onsuccess = function () { result = req.result; };
        t.oncomplete = function () { resolve(result); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    });
  }
  function kvGet(key) { return transact(["kv"], "readonly", function (s) { return s[0].get(key); }); }
  function kvPut(key, value) { return transact(["kv"], "readwrite", function (s) { s[0].put(value, key); }); }
  function entries(store) {
    return openDb().then(function (handle) {
      return new Promise(function (resolve, reject) {
        var out = [], t = handle.transaction([store], "readonly");
        t.objectStore(store).openCursor().onsuccess = function (e) {
          var cursor = e.target.result;
          if (cursor) { out.push([cursor.key, cursor.value]); cursor.continue(); }
        };
        t.oncomplete = function () { resolve(out); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function countQueue() { return transact(["queue"], "readonly", function (s) { return s[0].count(); }); }

  // --- network -----------------------------------------------------------------------------------------

  function call(path, body, timeoutMs) {
    var ctrl = new AbortController();
    var timer = setTimeout(function () { ctrl.abort(); }, timeoutMs || 15000);
    return fetch(path, {
      method: "POST", headers: { "Content-Type": "application/json", Authorization: "Bearer " + (cfg ? cfg.token : "") },
      body: JSON.stringify(body), signal: ctrl.signal, cache: "no-store", credentials: "omit",
    }).then(function (response) {
      clearTimeout(timer);
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401) throw Object.assign(new Error("revoked"), { revoked: true, data: data });
        if (!response.ok) throw Object.assign(new Error("http " + response.status), { data: data, status: response.status });
        serverDownUntil = 0;
        return data;
      });
    }, function (error) {
      clearTimeout(timer);
      serverDownUntil = Date.now() + SERVER_DOWN_MS;
      throw error;
    });
  }

  function online() { return navigator.onLine && Date.now() >= serverDownUntil; }

  // --- configuration from enrolment and pulls ----------------------------------------------------------

  function applyPull(data) {
    cfg.gate = data.gate;
    cfg.rules = data.rules;
    cfg.jwks = data.keys;
    cfg.key_version = data.key_version;
    cfg.denylist = data.denylist;
    cfg.denylist_version = data.denylist_version;
    cfg.denylist_at = nowSeconds();
    gate.station = cfg.gate.station;
    gate.rules = cfg.rules;
    gate.setKeys(cfg.jwks);
    gate.setDenylist(cfg.denylist, cfg.denylist_at);
    return kvPut("config", cfg);
  }

  function makeGate(states) {
    gate = new MetroGateOffline.OfflineGate({ station: cfg.gate.station, rules: cfg.rules, jwks: cfg.jwks,
                                              denylist: cfg.denylist, denylistAt: cfg.denylist_at, states: states,
                                              gateId: cfg.gate.id });
  }

  function report() {
    return { queue: pendingCount, key_version: cfg.key_version || null, denylist_version: cfg.denylist_version || "" };
  }

  function revoked() {
    cfg.revoked = true;
    message = { key: "metro.device.revoked" };
    kvPut("config", cfg);
    render();
  }

  /** Upload the queue (in batches), then pull; quietly gives up when the server does not answer. One at a time. */
  function syncNow() {
    if (!syncing) syncing = syncOnce().then(function (done) { syncing = null; return done; });
    return syncing;
  }

  function syncOnce() {
    if (!cfg || cfg.revoked || !navigator.onLine) return Promise.resolve(false);
    var before = pendingCount;
    return entries("queue").then(function (queued) {
      var batch = queued.slice(0, BATCH).map(function (kv) { return kv[1]; });
      if (!batch.length) return null;
      var body = report();
      body.events = batch;
      body.queue = queued.length;
      return call("/api/metro/gate/sync", body).then(function (data) {
        var done = (data.results || []).filter(function (r) { return FINAL[r.status]; }).map(function (r) { return r.scan_id; });
        return transact(["queue"], "readwrite", function (s) { done.forEach(function (id) { s[0].delete(id); }); });
      });
    }).then(function () {
      return countQueue();
    }).then(function (n) {
      pendingCount = n;
      return call("/api/metro/gate/pull", report());
    }).then(function (data) {
      lastSync = new Date();
      return applyPull(data);
    }).then(function () {
      return countQueue();
    }).then(function (n) {
      var progressed = n < before;
      pendingCount = n;
      render();
      return n === 0 ? true : progressed ? syncOnce() : false;
    }).catch(function (error) {
      if (error && error.revoked) revoked();
      else render();
      return false;
    });
  }

  // --- deciding a scan ---------------------------------------------------------------------------------

  function productNames(result) {
    var products = cfg.rules.products, found = null;
    Object.keys(products).forEach(function (code) {
      if (products[code].id === result.productId) found = products[code];
    });
    return found;
  }

  async function decideOnline(text, direction, rawId) {
    var data = await call("/api/metro/gate/validate", { qr: text.slice(0, 1000), direction: direction, scan_id: rawId },
                          cfg.rules.online_timeout_ms);
    return { admitted: !!data.admitted, reason: data.reason, mode: "online", productId: data.product_id,
             category: data.rider_category, tid: data.ticket_id };
  }

  async function decideOffline(text, direction, rawId, now) {
    var decision = await gate.decide(text, direction, now);
    var result = { admitted: decision.admitted, reason: decision.reason, mode: "offline",
                   productId: decision.ticket ? decision.ticket.product.id : null,
                   category: decision.ticket ? decision.ticket.category : null };
    if (decision.admitted) {
      var event = gate.commit(decision, direction, now, cfg.gate.id + ":" + rawId);
      gate.pending = [];
      await transact(["queue", "states"], "readwrite", function (s) {
        s[0].put(event, event.scan_id);
        s[1].put(decision.state, decision.ticket.tid);
      });
      pendingCount += 1;
    }
    return result;
  }

  /** The server admitted the tap: this gate's own view of the ticket follows (for when it is offline later). */
  function followOnline(result, text, direction, now) {
    var scan = MetroGateOffline.parse(text);
    var product = scan && gate.product(scan.productCode);
    if (!result.admitted || !product) return;
    var state = MetroGateOffline.followTap(product, gate.states.get(scan.tid), gate.station, direction, now);
    gate.states.set(scan.tid, state);
    transact(["states"], "readwrite", function (s) { s[0].put(state, scan.tid); });
  }

  async function decide(text) {
    var started = performance.now();
    var direction = cfg.direction || "in", now = nowSeconds(), rawId = randomId(), result = null;
    if (online()) {
      try {
        result = await decideOnline(text, direction, rawId);
        followOnline(result, text, direction, now);
      } catch (error) {
        if (error && error.revoked) { revoked(); return null; }
        result = null; // timeout, no network, server error: the gate decides itself
      }
    }
    if (result === null) result = await decideOffline(text, direction, rawId, now);
    counter += 1;
    result.n = counter;
    result.at = new Date();
    lastResult = result;
    render();
    var painted = document.getElementById("gd-result-box");
    if (painted && painted.scrollIntoView) painted.scrollIntoView({ block: "nearest" });
    await nextPaint();
    result.ms = performance.now() - started;
    timings.push({ ms: result.ms, mode: result.mode });
    if (timings.length > 10000) timings.shift();
    var shown = document.getElementById("gd-result-box");
    if (shown) shown.setAttribute("data-ms", result.ms.toFixed(1));
    if (result.mode === "offline" && navigator.onLine) setTimeout(syncNow, 0);
    return result;
  }

  function check(text) {
    var value = String(text || "").trim();
    if (!value || !cfg || cfg.revoked) return Promise.resolve(null);
    var run = chain.then(function () { return decide(value); });
    chain = run.catch(function () { return null; });
    return run;
  }

  // --- enrolment ---------------------------------------------------------------------------------------

  function enrol(text) {
    message = { key: "metro.device.enrolling" };
    render();
    if (!navigator.onLine) { message = { key: "metro.device.enrol_offline", error: true }; render(); return Promise.resolve(false); }
    return fetch("/api/metro/gate/enrol", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ code: String(text || "").trim().slice(0, 300) }),
      cache: "no-store", credentials: "omit",
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw Object.assign(new Error("enrol"), { data: data });
        var previous = cfg && cfg.gate ? cfg.gate.id : null;
        var direction = cfg && cfg.direction;
        cfg = { token: data.token, direction: direction || "in", gate: data.gate };
        var keep = previous === data.gate.id; // the same device enrolled again: its queue and states stay
        var clear = keep ? Promise.resolve() : transact(["queue", "states"], "readwrite", function (s) { s[0].clear(); s[1].clear(); });
        return clear.then(function () {
          return keep ? entries("states") : [];
        }).then(function (states) {
          makeGate(new Map(states));
          return applyPull(data);
        }).then(function () {
          message = null;
          lastSync = new Date();
          return countQueue();
        }).then(function (n) {
          pendingCount = n;
          render();
          if (n) syncNow();
          return true;
        });
      });
    }).catch(function (error) {
      var server = error && error.data && error.data.message;
      message = { text: server ? server[lang()] : null, key: "metro.device.enrol_failed", error: true };
      render();
      return false;
    });
  }

  function forget() {
    if (pendingCount > 0) { message = { key: "metro.device.forget_pending", error: true }; render(); return; }
    cfg = null;
    gate = null;
    lastResult = null;
    message = null;
    if (root.MetroGate) root.MetroGate.stop();
    transact(["kv", "queue", "states"], "readwrite", function (s) { s.forEach(function (store) { store.clear(); }); }).then(render);
  }

  // --- drawing -----------------------------------------------------------------------------------------

  function cameraButtons(onText) {
    var video = el("video", { id: "gd-video", muted: "", playsinline: "", "aria-hidden": "true",
                              style: "display:none;width:100%;max-width:480px;background:#000" });
    var status = el("p", { id: "gd-camera-status", class: "cds-hint", role: "status" });
    var cameraText = { unsupported: tx("metro.device.camera_unsupported"), denied: tx("metro.device.camera_denied"),
                       on: tx("metro.device.camera_on") };
    return el("div", {}, [
      el("div", { class: "cds-actions" }, [
        el("button", { type: "button", class: "cds-button cds-button-outline", id: "gd-camera", text: tx("metro.gate.camera"),
                       on: { click: function () { root.MetroGate.start({ video: video, status: status, onText: onText, text: cameraText }); } } }),
        el("button", { type: "button", class: "cds-button cds-button-outline", text: tx("metro.gate.camera_stop"),
                       on: { click: function () { root.MetroGate.stop(); } } }),
      ]),
      video, status,
    ]);
  }

  function messageLine() {
    if (!message) return null;
    var text = message.text ? tx(message.key) + " " + message.text : tx(message.key);
    return el("p", { class: message.error ? "gd-error" : "cds-hint", role: message.error ? "alert" : "status", id: "gd-message", text: text });
  }

  function renderEnrol() {
    var input = el("input", { id: "gd-enrol-code", class: "cds-input", autocomplete: "off", spellcheck: "false", "aria-describedby": "gd-enrol-hint" });
    var form = el("form", { class: "cds-form", id: "gd-enrol-form", on: { submit: function (e) { e.preventDefault(); enrol(input.value); } } }, [
      el("div", { class: "cds-field" }, [
        el("label", { for: "gd-enrol-code", class: "cds-label", text: tx("metro.device.enrol_paste") }),
        el("p", { id: "gd-enrol-hint", class: "cds-hint", text: tx("metro.device.enrol_paste_hint") }),
        input,
      ]),
      el("button", { type: "submit", class: "cds-button", id: "gd-enrol-submit", text: tx("metro.device.enrol_submit") }),
    ]);
    return el("div", { class: "gd-card", id: "gd-enrol" }, [
      el("h2", { class: "cds-h2", text: tx("metro.device.enrol_heading") }),
      el("p", { text: tx("metro.device.enrol_lead") }),
      cameraButtons(function (text) { root.MetroGate.stop(); enrol(text); }),
      form, messageLine(),
    ]);
  }

  function resultBox() {
    var r = lastResult;
    if (!r) return el("div", { id: "gd-result", role: "status", "aria-live": "assertive" }, [el("p", { class: "cds-hint", text: tx("metro.device.ready") })]);
    var product = productNames(r);
    var offline = r.mode === "offline";
    var category = r.category ? tx("metro.category." + r.category) : "";
    return el("div", { id: "gd-result", role: "status", "aria-live": "assertive" }, [
      el("div", { id: "gd-result-box", class: "gd-result " + (r.admitted ? "gd-ok" : "gd-no"), "data-scan": String(r.n),
                  "data-mode": r.mode, "data-admitted": r.admitted ? "1" : "0", "data-reason": r.reason }, [
        el("p", { class: "gd-word", text: tx(r.admitted ? "metro.gate.admit" : "metro.gate.refuse") }),
        el("p", { lang: "vi", style: "font-size:1.25rem;font-weight:600;margin:.2em 0", text: tx("metro.reason." + r.reason, "vi") }),
        el("p", { lang: "en", style: "font-size:1.1rem;margin:.2em 0", text: tx("metro.reason." + r.reason, "en") }),
        product ? el("p", { text: (lang() === "en" ? product.name_en : product.name_vi) + (category ? " · " + category : "") }) : null,
        el("p", { class: "gd-mode " + (offline ? "gd-mode-offline" : "gd-mode-online"), id: "gd-mode",
                  text: tx(offline ? "metro.device.decided_offline" : "metro.device.decided_online") + (offline && r.admitted ? " — " + tx("metro.device.queued") : "") }),
        el("p", { id: "gd-scan-no", text: tx("metro.gate.scan_no") + " " + r.n + " · " + clock(r.at) }),
      ]),
    ]);
  }

  function directionButtons() {
    function button(value, key) {
      return el("button", { type: "button", class: "cds-button cds-button-outline", "aria-pressed": String(cfg.direction === value),
                            id: "gd-dir-" + value, text: tx(key),
                            on: { click: function () { cfg.direction = value; kvPut("config", cfg); render(); } } });
    }
    return el("div", { class: "gd-row gd-dir", role: "group", "aria-label": tx("metro.gate.direction") },
              [button("in", "metro.gate.in"), button("out", "metro.gate.out")]);
  }

  function renderDevice() {
    var station = cfg.gate ? (lang() === "en" ? cfg.gate.station_en : cfg.gate.station_vi) : "";
    var up = online();
    var input = el("input", { id: "gd-qr", class: "cds-input", autocomplete: "off", spellcheck: "false",
                              style: "font-family:monospace", "aria-describedby": "gd-qr-hint" });
    var form = el("form", { class: "cds-form", id: "gd-form", on: { submit: function (e) {
      e.preventDefault();
      var value = input.value;
      input.value = "";
      check(value);
    } } }, [
      el("div", { class: "cds-field" }, [
        el("label", { for: "gd-qr", class: "cds-label", text: tx("metro.gate.qr") }),
        el("p", { id: "gd-qr-hint", class: "cds-hint", text: tx("metro.gate.qr_hint") }),
        input,
      ]),
      el("button", { type: "submit", class: "cds-button", id: "gd-submit", text: tx("metro.gate.check") }),
    ]);
    return el("div", { class: "gd-card", id: "gd-device", "data-gate": cfg.gate.id }, [
      el("h2", { class: "cds-h2", id: "gd-title", text: tx("metro.device.kind." + (cfg.gate.kind || "gate")) + " " + cfg.gate.id + " · " + station }),
      el("div", { class: "gd-row" }, [
        el("span", { class: "gd-pill " + (up ? "gd-online" : "gd-offline"), id: "gd-connection", role: "status",
                     text: tx(up ? "metro.device.online" : "metro.device.offline") }),
        el("span", { id: "gd-pending", "data-count": String(pendingCount), text: tx("metro.device.pending") + ": " + pendingCount }),
        el("span", { class: "cds-hint", id: "gd-synced", text: lastSync ? tx("metro.device.synced_at") + " " + clock(lastSync) : tx("metro.device.never_synced") }),
      ]),
      resultBox(),
      directionButtons(),
      form,
      cameraButtons(function (text) { check(text); }),
      messageLine(),
      el("div", { class: "cds-actions" }, [
        el("button", { type: "button", class: "cds-button cds-button-outline", id: "gd-sync", text: tx("metro.device.sync_now"),
                       on: { click: function () { syncNow(); } } }),
        el("button", { type: "button", class: "cds-button cds-button-outline", id: "gd-forget", text: tx("metro.device.forget"),
                       on: { click: forget } }),
      ]),
    ]);
  }

  function render() {
    if (!box || !box.isConnected) return;
    var focused = document.activeElement && document.activeElement.id;
    var typed = document.getElementById("gd-qr") ? document.getElementById("gd-qr").value : "";
    var camera = document.getElementById("gd-video");
    var enrolled = !!(cfg && cfg.gate && !cfg.revoked);
    document.body.classList.toggle("gd-active", enrolled);
    var view = enrolled ? renderDevice() : renderEnrol();
    if (camera && camera.srcObject) { // keep the running camera element
      var fresh = view.querySelector("#gd-video");
      if (fresh) fresh.replaceWith(camera);
    }
    box.replaceChildren(view);
    if (typed && document.getElementById("gd-qr")) document.getElementById("gd-qr").value = typed;
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  }

  // --- start -------------------------------------------------------------------------------------------

  function fromHash() {
    var hash = root.location.hash || "";
    if (hash.indexOf("enrol=") < 0) return null;
    history.replaceState(null, "", root.location.pathname + root.location.search); // the code leaves the address bar
    return hash.slice(1);
  }

  function startPulling() {
    if (pullTimer) clearInterval(pullTimer);
    var seconds = cfg && cfg.rules ? cfg.rules.pull_seconds : 30;
    pullTimer = setInterval(function () {
      if (!box || !box.isConnected) { clearInterval(pullTimer); pullTimer = null; return; }
      syncNow();
    }, seconds * 1000);
  }

  async function boot(found) {
    box = found;
    if (!document.getElementById("gd-style")) document.head.appendChild(el("style", { id: "gd-style", text: CSS }));
    try { texts = JSON.parse(box.getAttribute("data-text") || "{}"); } catch (e) { texts = {}; }
    cfg = await kvGet("config").catch(function () { return null; });
    if (cfg && cfg.gate && cfg.rules) {
      var now = nowSeconds();
      var states = (await entries("states")).filter(function (kv) { return (kv[1].last_tap_at || now) > now - KEEP_STATES_S; });
      makeGate(new Map(states));
      pendingCount = await countQueue();
      if (cfg.revoked) message = { key: "metro.device.revoked" };
    } else {
      cfg = null;
    }
    render();
    var code = fromHash();
    if (code) await enrol(code);
    if (cfg) syncNow();
    startPulling();
  }

  function watch() {
    var found = document.getElementById("gate-device");
    if (found && found !== box) boot(found);
  }

  root.addEventListener("online", function () { serverDownUntil = 0; render(); syncNow(); });
  root.addEventListener("offline", render);
  new MutationObserver(watch).observe(document.documentElement, { childList: true, subtree: true });
  new MutationObserver(render).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  watch();

  root.MetroGateDevice = {
    check: check, enrol: enrol, syncNow: syncNow,
    status: function () {
      return { enrolled: !!(cfg && cfg.gate), gate: cfg && cfg.gate ? cfg.gate.id : null, pending: pendingCount,
               online: online(), revoked: !!(cfg && cfg.revoked) };
    },
    timings: function () { return timings.slice(); },
  };
})(window);
