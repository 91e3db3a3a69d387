/*
 * Công dân số — PWA glue, loaded on every page (defer).
 *
 * - Registers /sw.js (scope /) after load and checks for updates hourly and when the tab returns; once a
 *   worker is active, posts it the build chunks this page loaded and the page ({type: "CACHE_ASSETS", urls, page}).
 * - A new service worker waits; a banner "Có bản cập nhật — tải lại" / "Update available — reload"
 *   appears and the page reloads only after the user taps it (postMessage {type: "SKIP_WAITING"}).
 * - beforeinstallprompt is kept in window.__installEvt and announced with the "cds:installable"
 *   event (and "cds:installed" after installing), so an install button can appear.
 *
 * window.cdsPwa = {
 *   install()            -> Promise<"accepted"|"dismissed"|"ios-hint"|"unavailable">
 *   canInstall()         -> boolean   (a deferred install prompt is available)
 *   isIos()              -> boolean   (iPhone/iPad, including iPadOS that reports "Macintosh")
 *   isStandalone()       -> boolean   (running as the installed app)
 *   needsIosHint()       -> boolean   (iOS and not installed: show "Add to Home Screen")
 *   showIosHint()        -> shows a dismissible hint (remembered in localStorage)
 *   subscribePush(vapidKey?, {topics?, deviceLabel?, register = true}?)
 *                        -> Promise<PushSubscriptionJSON>; call from a tap. Asks permission,
 *                           subscribes, and (register) POSTs it to /api/push/subscribe.
 *                           Rejects with Error(code): "unsupported", "denied", or the server's
 *                           error key (err.message holds the translated text).
 *   unsubscribePush()    -> Promise<boolean> (false if there was no subscription)
 *   noteSuccess()        a first success (a ticket bought, a report sent): the home page then offers, once,
 *                        to install the app (#cds-install-offer; on iOS the "Add to Home Screen" steps)
 * }
 * The offer's state is localStorage "cds_install": "offer" (after a success), "done" (installed or dismissed);
 * it is the device's, not the person's, so the logout keeps it (session.js).
 */
(function () {
  "use strict";

  var TEXT = {
    vi: {
      update: "Có bản cập nhật", reload: "Tải lại", later: "Để sau", close: "Đóng",
      ios: "Để cài ứng dụng: bấm nút Chia sẻ rồi chọn “Thêm vào MH chính”.",
      offer: "Cài Công dân số lên màn hình chính: mở vé metro bằng một chạm, kể cả khi mất mạng.",
      install: "Cài ứng dụng", notNow: "Không, cảm ơn",
      iosSteps: ["Bấm nút Chia sẻ (hình vuông có mũi tên lên) ở thanh dưới của Safari.",
                 "Chọn “Thêm vào MH chính”.", "Bấm “Thêm”: biểu tượng Công dân số hiện trên màn hình chính."],
    },
    en: {
      update: "Update available", reload: "Reload", later: "Later", close: "Close",
      ios: "To install the app: tap the Share button, then “Add to Home Screen”.",
      offer: "Add HCMC Digital Citizen to your home screen: open your metro ticket in one tap, even offline.",
      install: "Install the app", notNow: "No, thanks",
      iosSteps: ["Tap the Share button (a square with an arrow up) in Safari's bottom bar.",
                 "Choose “Add to Home Screen”.", "Tap “Add”: the app's icon appears on your home screen."],
    },
  };
  var IOS_HINT_KEY = "cds_ios_hint_dismissed";
  var OFFER_KEY = "cds_install";
  var userAskedReload = false;

  function t(key) {
    return TEXT[document.documentElement.lang === "en" ? "en" : "vi"][key];
  }

  function banner(id, message, actions) {
    var old = document.getElementById(id);
    if (old) old.remove();
    var box = document.createElement("div");
    box.id = id;
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    box.style.cssText = "position:fixed;left:8px;right:8px;bottom:calc(72px + env(safe-area-inset-bottom));z-index:1000;" +
      "display:flex;flex-wrap:wrap;gap:8px;align-items:center;justify-content:space-between;max-width:560px;margin:0 auto;" +
      "padding:12px 14px;border-radius:12px;background:#1b1f24;color:#fff;font:inherit;box-shadow:0 4px 16px rgba(0,0,0,.3)";
    var text = document.createElement("span");
    text.textContent = message;
    box.appendChild(text);
    actions.forEach(function (action) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = action.label;
      button.style.cssText = "min-height:44px;min-width:44px;padding:0 14px;border-radius:22px;font:inherit;cursor:pointer;" +
        (action.primary ? "background:#fff;color:#7d0a19;border:2px solid #fff;font-weight:700"
                        : "background:transparent;color:#fff;border:1px solid rgba(255,255,255,.7)");
      button.addEventListener("click", function () { action.run(box); });
      box.appendChild(button);
    });
    document.body.appendChild(box);
    return box;
  }

  /* ------------------------------------------------------------------ updates ---------- */

  function showUpdateBanner(worker) {
    banner("cds-update-banner", t("update") + " —", [
      {label: t("reload"), primary: true, run: function (box) {
        userAskedReload = true;
        box.remove();
        worker.postMessage({type: "SKIP_WAITING"});
      }},
      {label: t("later"), run: function (box) { box.remove(); }},
    ]);
  }

  function watchRegistration(registration) {
    if (registration.waiting && navigator.serviceWorker.controller) showUpdateBanner(registration.waiting);
    registration.addEventListener("updatefound", function () {
      var worker = registration.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        // "installed" with an existing controller = an update is waiting (first installs have none).
        if (worker.state === "installed" && navigator.serviceWorker.controller) showUpdateBanner(worker);
      });
    });
    setInterval(function () { registration.update().catch(function () {}); }, 60 * 60 * 1000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") registration.update().catch(function () {});
    });
  }

  function register() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (!userAskedReload) return; // first install claims the page: no reload, no lost input
      userAskedReload = false;
      window.location.reload();
    });
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).then(watchRegistration).catch(function (err) {
      if (window.console) console.warn("service worker registration failed", err);
    });
    navigator.serviceWorker.ready.then(cacheThisRoute);
  }

  /* The worker keeps the build chunks this page loaded (it takes only hashed /assets/ files) and the page itself
     (when it may answer it from its cache: sw.js navigationPlan), so the next visit of this route, even offline,
     needs nothing from the network: also after the very first visit, which the worker did not see. */
  function cacheThisRoute(registration) {
    if (!registration.active || !window.performance || !performance.getEntriesByType) return;
    var urls = performance.getEntriesByType("resource").map(function (entry) { return entry.name; });
    registration.active.postMessage({type: "CACHE_ASSETS", urls: urls, page: location.pathname + location.search});
  }

  /* ------------------------------------------------------------------ install ---------- */

  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    window.__installEvt = event;
    window.dispatchEvent(new CustomEvent("cds:installable"));
  });
  window.addEventListener("appinstalled", function () {
    window.__installEvt = null;
    window.dispatchEvent(new CustomEvent("cds:installed"));
  });

  function isIos() {
    var ua = navigator.userAgent || "";
    return /iPad|iPhone|iPod/.test(ua) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  }

  function isStandalone() {
    return navigator.standalone === true ||
      (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches);
  }

  function showIosHint() {
    try {
      if (window.localStorage.getItem(IOS_HINT_KEY) === "1") return;
    } catch (e) { /* private mode: show anyway */ }
    banner("cds-ios-hint", t("ios"), [{label: t("close"), run: function (box) {
      box.remove();
      try { window.localStorage.setItem(IOS_HINT_KEY, "1"); } catch (e) { /* ignore */ }
    }}]);
  }

  function install() {
    var deferred = window.__installEvt;
    if (deferred) {
      deferred.prompt();
      return deferred.userChoice.then(function (choice) {
        window.__installEvt = null;
        return choice.outcome;
      });
    }
    if (isIos() && !isStandalone()) {
      try { window.localStorage.removeItem(IOS_HINT_KEY); } catch (e) { /* ignore */ }
      showIosHint();
      return Promise.resolve("ios-hint");
    }
    return Promise.resolve("unavailable");
  }

  /* ------------------------------------------------------------------ the offer on the home page --- */

  function offerState() {
    try { return window.localStorage.getItem(OFFER_KEY) || ""; } catch (e) { return "done"; }
  }

  function setOffer(value) {
    try { window.localStorage.setItem(OFFER_KEY, value); } catch (e) { /* private mode: no offer */ }
  }

  function noteSuccess() {
    if (!offerState()) setOffer("offer");
  }

  function offerButton(label, primary, run) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.className = primary ? "cds-button" : "cds-button cds-button-outline";
    button.addEventListener("click", run);
    return button;
  }

  function drawOffer() {
    var box = document.getElementById("cds-install-offer");
    if (!box) return;
    var wanted = offerState() === "offer" && !isStandalone() && (!!window.__installEvt || isIos());
    var lang = document.documentElement.lang === "en" ? "en" : "vi";
    if (!wanted) {
      if (box.firstChild) box.replaceChildren();
      return;
    }
    if (box.getAttribute("data-lang") === lang && box.firstChild) return;
    box.setAttribute("data-lang", lang);
    var done = function () { setOffer("done"); box.replaceChildren(); };
    var panel = document.createElement("section");
    panel.className = "cds-install-offer";
    panel.setAttribute("aria-labelledby", "cds-install-title");
    var title = document.createElement("p");
    title.id = "cds-install-title";
    title.textContent = t("offer");
    panel.appendChild(title);
    if (isIos()) {
      var steps = document.createElement("ol");
      steps.id = "cds-install-ios-steps";
      TEXT[lang].iosSteps.forEach(function (step) {
        var item = document.createElement("li");
        item.textContent = step;
        steps.appendChild(item);
      });
      panel.appendChild(steps);
    }
    var actions = document.createElement("div");
    actions.className = "cds-actions";
    if (!isIos()) {
      actions.appendChild(offerButton(t("install"), true, function () {
        install().then(function (outcome) { if (outcome === "accepted") done(); });
      }));
    }
    actions.appendChild(offerButton(isIos() ? t("close") : t("notNow"), false, done));
    panel.appendChild(actions);
    box.replaceChildren(panel);
  }

  window.addEventListener("cds:installable", drawOffer);
  window.addEventListener("cds:installed", function () { setOffer("done"); drawOffer(); });
  setInterval(drawOffer, 1000);

  /* ------------------------------------------------------------------ push ------------- */

  function base64UrlToBytes(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function sameKey(subscription, keyBytes) {
    var current = subscription.options && subscription.options.applicationServerKey;
    if (!current) return true;
    var a = new Uint8Array(current);
    if (a.length !== keyBytes.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== keyBytes[i]) return false;
    return true;
  }

  function deviceLabel() {
    var ua = navigator.userAgent || "";
    var os = isIos() ? "iPhone/iPad" : /Android/.test(ua) ? "Android" : /Windows/.test(ua) ? "Windows"
      : /Mac OS X/.test(ua) ? "Mac" : /Linux/.test(ua) ? "Linux" : "";
    var browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\//.test(ua) ? "Chrome"
      : /Safari\//.test(ua) ? "Safari" : "";
    return [browser, os].filter(Boolean).join(" · ");
  }

  function postJson(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept-Language": document.documentElement.lang || "vi"},
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) return data;
        var lang = document.documentElement.lang === "en" ? "en" : "vi";
        var err = new Error((data.message && data.message[lang]) || ("HTTP " + response.status));
        err.code = data.error || "http_" + response.status;
        throw err;
      });
    });
  }

  function fail(code) {
    var err = new Error(code);
    err.code = code;
    return Promise.reject(err);
  }

  function vapidKey(given) {
    if (given) return Promise.resolve(given);
    return fetch("/api/push/vapid-public-key").then(function (r) { return r.json(); })
      .then(function (data) { return data.publicKey; });
  }

  function subscribePush(givenKey, options) {
    var opts = options || {};
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      return fail("unsupported");
    }
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") return fail("denied");
      return Promise.all([navigator.serviceWorker.ready, vapidKey(givenKey)]).then(function (both) {
        var registration = both[0];
        var keyBytes = base64UrlToBytes(both[1]);
        return registration.pushManager.getSubscription().then(function (existing) {
          if (existing && sameKey(existing, keyBytes)) return existing;
          var drop = existing ? existing.unsubscribe() : Promise.resolve(true);
          return drop.then(function () {
            return registration.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: keyBytes});
          });
        });
      });
    }).then(function (subscription) {
      var json = subscription.toJSON();
      if (opts.register === false) return json;
      var body = {subscription: json, deviceLabel: opts.deviceLabel || deviceLabel()};
      if (opts.topics) body.topics = opts.topics;
      return postJson("/api/push/subscribe", body).then(function () { return json; });
    });
  }

  function unsubscribePush() {
    if (!("serviceWorker" in navigator)) return Promise.resolve(false);
    return navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return false;
      return postJson("/api/push/unsubscribe", {endpoint: subscription.endpoint})
        .catch(function () { return null; }) // still stop receiving on this device
        .then(function () { return subscription.unsubscribe(); });
    });
  }

  window.cdsPwa = {
    install: install,
    canInstall: function () { return !!window.__installEvt; },
    isIos: isIos,
    isStandalone: isStandalone,
    needsIosHint: function () { return isIos() && !isStandalone(); },
    showIosHint: showIosHint,
    subscribePush: subscribePush,
    unsubscribePush: unsubscribePush,
    noteSuccess: noteSuccess,
  };

  if (document.readyState === "complete") register();
  else window.addEventListener("load", register);
})();
