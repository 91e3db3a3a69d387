/*
 * Công dân số — the ticket screen (/metro/ticket), drawn on the device from IndexedDB: the gate screen.
 *
 * No server round trip is needed: the page shell is cached by the service worker, the tickets by
 * ticket.js in IndexedDB. When online it first refreshes the stored tickets (/api/metro/my/tickets).
 * It watches for #metro-ticket-view (the Reflex page renders it empty), so it also works after
 * client-side navigation, and stops its timers when the element goes away.
 *
 * Gate mode (body.mt-gate while the view is shown): the bottom navigation, footer and page heading step aside,
 * the QR is sized to the screen so it is whole and centred above the fold (320x568 and up, the offline line
 * at the bottom included), the route and validity are large, the screen is kept awake (Wake Lock, taken again
 * when the page becomes visible), and a brightness hint sits under the code. The ticket valid now is chosen
 * (the one that ends first); the others are one swipe (or one tap on the list below) away.
 * canvas[data-qr] holds the exact QR text. ?id=<ticket id> selects a ticket.
 */
(function (root) {
  "use strict";
  if (root.MetroTicketPage) return; // helmet re-inserts the script on every visit

  var TEXT = {
    vi: {
      none: "Chưa có vé nào trên điện thoại này.", buy: "Mua vé", restore: "Tải vé từ tài khoản về máy này",
      restoreHint: "Vé mua trên điện thoại khác sẽ chuyển sang máy này; máy cũ không dùng được nữa.",
      login: "Đăng nhập để mở vé của bạn trên máy này",
      until: "Có giá trị đến", today: "Chỉ dùng trong ngày mua, đến", any: "Mọi ga trên tuyến số 1",
      category: { adult: "Người lớn", student: "Học sinh, sinh viên", senior: "Người từ 60 tuổi" },
      qr: "Mã QR vé", bright: "Tăng độ sáng màn hình lên tối đa và đưa mã vào đầu đọc của cổng.",
      choose: "Vé khác trên máy này (vuốt ngang để đổi)", error: "Không mở được vé trên máy này.",
      refresh: "Mã tự đổi mỗi 10 giây; ảnh chụp màn hình sẽ không qua được cổng.",
      position: "Vé {n}/{total}", previous: "Vé trước", next: "Vé sau",
    },
    en: {
      none: "No tickets on this phone yet.", buy: "Buy a ticket", restore: "Download my tickets to this phone",
      restoreHint: "Tickets bought on another phone move to this one; the old phone stops working.",
      login: "Log in to open your tickets on this phone",
      until: "Valid until", today: "Valid on the day bought only, until", any: "Any station on Line 1",
      category: { adult: "Adult", student: "Student", senior: "Aged 60+" },
      qr: "Ticket QR code", bright: "Turn the screen brightness up and hold the code to the gate reader.",
      choose: "Other tickets on this phone (swipe sideways to change)", error: "The ticket cannot be opened on this phone.",
      refresh: "The code changes every 10 seconds; a screenshot will not pass the gate.",
      position: "Ticket {n} of {total}", previous: "Previous ticket", next: "Next ticket",
    },
  };
  var QR_MAX = 420;
  var QR_MIN = 200;
  var BOTTOM_RESERVE = 44; // the offline line (ui/offline.py) sits at the bottom in gate mode
  var CSS = [
    // Gate mode: nothing but the ticket; the offline line moves to the very bottom.
    "body.mt-gate .cds-bottom-nav,body.mt-gate .cds-footer{display:none}",
    "body.mt-gate{--cds-nav-h:0px}",
    "body.mt-gate .cds-main{padding-top:8px;padding-bottom:56px}",
    "body.mt-gate .cds-main h1{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "#metro-ticket-view .mt-card{background:#fff;color:#000;border:2px solid #000;border-radius:14px;padding:8px 10px;max-width:460px;margin:0 auto;touch-action:pan-y}",
    "#metro-ticket-view .mt-product{font-size:1rem;font-weight:700;margin:0}",
    "#metro-ticket-view .mt-route{font-size:1.3rem;font-weight:800;line-height:1.25;margin:0}",
    "#metro-ticket-view .mt-validity{font-size:1.1rem;font-weight:700;margin:4px 0 0}",
    "#metro-ticket-view .mt-qr{display:block;width:min(86vw,420px);height:auto;aspect-ratio:1/1;margin:6px auto;background:#fff;image-rendering:pixelated}",
    "#metro-ticket-view .mt-live{display:flex;align-items:center;gap:12px;font-size:1.3rem;font-variant-numeric:tabular-nums}",
    "#metro-ticket-view .mt-bar{flex:1;height:10px;border-radius:5px;background:linear-gradient(90deg,#a50e22,#f5b400,#0a6b2a,#a50e22);background-size:300% 100%;animation:mt-move 3s linear infinite}",
    "@keyframes mt-move{from{background-position:0 0}to{background-position:300% 0}}",
    "@media (prefers-reduced-motion: reduce){#metro-ticket-view .mt-bar{animation-duration:12s}}",
    "#metro-ticket-view .mt-pager{display:flex;align-items:center;justify-content:space-between;gap:8px;margin:8px 0 0}",
    "#metro-ticket-view .mt-pager button{min-width:48px;min-height:48px;font-size:1.4rem;padding:0 12px}",
    "#metro-ticket-view .mt-tabs{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}",
    // The chosen ticket: white on black (21:1). The outline buttons' own dark red would sit on the black.
    "#metro-ticket-view .mt-tabs button[aria-pressed=true]{background:#000;color:#fff !important;border-color:#000}",
  ].join("\n");

  var current = null; // {el, stop}

  function lang() { return document.documentElement.lang === "en" ? "en" : "vi"; }
  function tx(key) { return TEXT[lang()][key]; }
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
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  /** Unix seconds -> "HH:MM dd/mm/yyyy" in Ho Chi Minh City time (UTC+7, no daylight saving). */
  function vnTime(sec) {
    var d = new Date((sec + 7 * 3600) * 1000);
    return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + " " + pad(d.getUTCDate()) + "/" +
      pad(d.getUTCMonth() + 1) + "/" + d.getUTCFullYear();
  }
  function name(pair) { return pair ? pair[lang()] || pair.vi : ""; }
  function selectedId() {
    try { return new URL(root.location.href).searchParams.get("id"); } catch (e) { return null; }
  }

  function injectCss() {
    if (document.getElementById("metro-ticket-css")) return;
    var style = el("style", { id: "metro-ticket-css" });
    style.textContent = CSS;
    document.head.appendChild(style);
  }

  function emptyView(view) {
    var children = [el("p", { text: tx("none"), id: "metro-no-ticket", elementtiming: "metro-ticket" }),
      el("p", {}, [el("a", { href: "/metro", className: "cds-button", text: tx("buy") })])];
    if (root.cdsSession && !root.cdsSession.owner()) { // nobody logged in here: tickets come with a login
      children.push(el("p", {}, [el("a", { href: "/login?next=/metro/ticket/", id: "metro-ticket-login", text: tx("login") })]));
    } else if (navigator.onLine) {
      var button = el("button", { type: "button", className: "cds-button cds-button-outline", text: tx("restore") });
      button.addEventListener("click", function () { load(view, true); });
      children.push(el("p", {}, [button]), el("p", { className: "cds-hint", text: tx("restoreHint") }));
    }
    view.replaceChildren.apply(view, children);
  }

  function productName(ticket) { return lang() === "en" ? ticket.name_en : ticket.name_vi; }

  function routeText(ticket) {
    return ticket.origin_name && ticket.destination_name
      ? name(ticket.origin_name) + " → " + name(ticket.destination_name) : tx("any");
  }

  function ticketCard(ticket) {
    var single = ticket.kind === "single";
    var category = ticket.rider_category && ticket.rider_category !== "adult"
      ? " · " + (TEXT[lang()].category[ticket.rider_category] || "") : "";
    var canvas = el("canvas", { className: "mt-qr", id: "metro-qr", role: "img", "aria-label": tx("qr") + ": " + productName(ticket), "data-ticket": ticket.id });
    var clock = el("span", { id: "metro-clock" });
    var card = el("div", { className: "mt-card", id: "metro-ticket-card" }, [
      el("p", { className: "mt-product" }, [el("span", { id: "metro-ticket-product", text: productName(ticket) }),
                                            category ? el("span", { text: category }) : null]),
      el("p", { className: "mt-route", id: "metro-ticket-route", text: routeText(ticket), elementtiming: "metro-ticket" }),
      canvas,
      el("p", { className: "mt-validity", id: "metro-ticket-validity", text: (single ? tx("today") : tx("until")) + " " + vnTime(ticket.valid_until) }),
      el("div", { className: "mt-live", "aria-hidden": "true" }, [clock, el("span", { className: "mt-bar" })]),
      el("p", { className: "cds-hint", id: "metro-bright", text: tx("bright") }),
      el("p", { className: "cds-hint", text: tx("refresh") }),
    ]);
    return { card: card, canvas: canvas, clock: clock };
  }

  /** The ticket to show: the one asked for, else the one valid now that ends first, else the next to start. */
  function choose(tickets, wantedId, nowSec) {
    var asked = tickets.find(function (t) { return t.id === wantedId; });
    if (asked) return asked;
    var byEnd = tickets.slice().sort(function (a, b) { return (a.valid_until || Infinity) - (b.valid_until || Infinity); });
    var validNow = byEnd.filter(function (t) { return (!t.valid_from || t.valid_from <= nowSec) && (!t.valid_until || t.valid_until >= nowSec); });
    return validNow[0] || byEnd[0];
  }

  function tabs(view, tickets, chosen) {
    if (tickets.length < 2) return null;
    var nav = el("div", { className: "mt-tabs", role: "group", "aria-label": tx("choose") });
    tickets.forEach(function (t) {
      var label = productName(t) + (t.origin_name ? " · " + routeText(t) : "");
      var b = el("button", { type: "button", className: "cds-button cds-button-outline", text: label,
        "aria-pressed": String(t.id === chosen.id) });
      b.addEventListener("click", function () { render(view, tickets, t.id); });
      nav.appendChild(b);
    });
    return nav;
  }

  function pager(view, tickets, chosen) {
    if (tickets.length < 2) return null;
    var index = tickets.indexOf(chosen);
    var go = function (step) {
      return function () { render(view, tickets, tickets[(index + step + tickets.length) % tickets.length].id); };
    };
    var previous = el("button", { type: "button", className: "cds-button cds-button-outline", "aria-label": tx("previous"), text: "‹", id: "metro-ticket-prev" });
    var next = el("button", { type: "button", className: "cds-button cds-button-outline", "aria-label": tx("next"), text: "›", id: "metro-ticket-next" });
    previous.addEventListener("click", go(-1));
    next.addEventListener("click", go(1));
    var position = tx("position").replace("{n}", index + 1).replace("{total}", tickets.length);
    return { node: el("div", { className: "mt-pager" }, [previous, el("span", { id: "metro-ticket-position", "aria-live": "polite", text: position }), next]),
             go: go };
  }

  /** A horizontal swipe on the card shows the next (left) or previous (right) ticket. */
  function swipeable(card, go) {
    var start = null;
    card.addEventListener("pointerdown", function (e) { start = { x: e.clientX, y: e.clientY }; });
    card.addEventListener("pointercancel", function () { start = null; });
    card.addEventListener("pointerup", function (e) {
      if (!start) return;
      var dx = e.clientX - start.x, dy = e.clientY - start.y;
      start = null;
      if (Math.abs(dx) > 50 && Math.abs(dx) > 1.5 * Math.abs(dy)) go(dx < 0 ? 1 : -1)();
    });
  }

  /** The QR as large as fits: the card's width, and the screen height left under its top (above the fold). */
  function fitQr(canvas, view) {
    var top = canvas.getBoundingClientRect().top + root.scrollY;
    var room = root.innerHeight - top - BOTTOM_RESERVE;
    var width = canvas.parentNode ? canvas.parentNode.clientWidth - 24 : view.clientWidth;
    var size = Math.floor(Math.max(QR_MIN, Math.min(width, QR_MAX, room)));
    canvas.style.width = canvas.style.height = size + "px";
  }

  /** Settles once the browser has painted what the page holds now (a task after the next animation frame), or
   *  after a 0.1 s timer (a hidden tab draws no frames). The code is drawn after the card's first frame, not
   *  before it: its ~0.1 s of work at 4x CPU slowdown would hold the card back. */
  function painted() {
    return new Promise(function (resolve) {
      var done = false;
      function go() { if (!done) { done = true; setTimeout(resolve, 0); } }
      requestAnimationFrame(go);
      setTimeout(go, 100);
    });
  }

  /** Settles inside the frame after the next one (a hidden tab draws no frames: then a 0.1 s timer): what is drawn
   *  then is painted in that frame, the card's frame being the next one. Waiting for a task after the card's frame
   *  instead (painted()) let the tasks queued meanwhile run first. */
  function frameAfterNext() {
    return new Promise(function (resolve) {
      requestAnimationFrame(function () { requestAnimationFrame(resolve); });
      setTimeout(resolve, 100);
    });
  }

  async function render(view, tickets, wantedId) {
    if (current && current.stop) current.stop();
    var now = Date.now() / 1000;
    var usable = tickets.filter(function (t) { return t.payload && (!t.valid_until || t.valid_until > now - 7200); });
    if (!usable.length) { emptyView(view); return; }
    var chosen = choose(usable, wantedId, now);
    if (root.cdsPwa) root.cdsPwa.noteSuccess(); // a ticket is on this phone: the home page offers to install
    var parts = ticketCard(chosen);
    var paging = pager(view, usable, chosen);
    if (paging) { parts.card.appendChild(paging.node); swipeable(parts.card, paging.go); }
    view.replaceChildren.apply(view, [parts.card, tabs(view, usable, chosen)].filter(Boolean));
    fitQr(parts.canvas, view);
    current.fit = function () { fitQr(parts.canvas, view); };
    try {
      // The ticket and the key already read: no second read; the signing runs while the card is painted.
      current.stop = await root.MetroTicket.show(parts.canvas, chosen.id, { clock: parts.clock, ticket: chosen,
                                                                           pair: current.pair,
                                                                           painted: frameAfterNext() });
    } catch (e) {
      view.replaceChildren(el("p", { role: "alert", text: tx("error") }));
    }
  }

  async function load(view, restore) {
    var found;
    if (root.cdsSession && !root.cdsSession.owner()) { // nobody logged in here: the logout cleared the tickets
      if (current && current.el === view) await render(view, [], selectedId());
      return;
    }
    // What the phone holds, in one read (the page head's, started while the page was being read: ticket-early.js).
    try {
      found = await root.MetroTicket.stored();
    } catch (e) {
      found = { tickets: [], pair: null };
    }
    var tickets = found.tickets;
    if (navigator.onLine) {
      try {
        tickets = await root.MetroTicket.syncTickets(!!restore, found.pair);
      } catch (e) { /* the stored copies are the tickets */ }
    }
    if (current && current.el === view) {
      current.pair = found.pair;
      await render(view, tickets || [], selectedId());
    }
  }

  function check() {
    var view = document.getElementById("metro-ticket-view");
    if (current && current.el !== view) {
      if (current.stop) current.stop();
      current = null;
    }
    document.body.classList.toggle("mt-gate", !!view);
    if (!view || current || !root.MetroTicket || !root.CdsQr) return;
    current = { el: view, stop: null };
    injectCss();
    // The page starts the app's JavaScript once the screen is drawn and painted (citizen_app/ui/first_paint.py,
    // data-cds-first): started before that frame, its stylesheet and modules arriving held the QR code's frame back.
    load(view, false).then(painted, painted).then(drawn);
  }

  function drawn() { root.dispatchEvent(new CustomEvent("cds:drawn")); }

  // The session ended or another user logged in (here or in another tab): stop the QR, show what is left.
  root.addEventListener("cds:device-cleared", function () {
    if (!current) return;
    if (current.stop) current.stop();
    current.stop = null;
    current.el.replaceChildren();
    load(current.el, false);
  });

  root.addEventListener("resize", function () { if (current && current.fit) current.fit(); });

  root.MetroTicketPage = { check: check, vnTime: vnTime, choose: choose };
  setInterval(check, 300);
  check();
  // The page's scripts are async: this one may run before the view is parsed or before the scripts it needs have
  // run. Look again as soon as either happens, not at the next 300 ms tick.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", check);
  document.querySelectorAll("script[src]").forEach(function (script) { script.addEventListener("load", check); });
})(window);
