/*
 * Công dân số — the ticket screen (/metro/ticket), drawn on the device from IndexedDB.
 *
 * No server round trip is needed: the page shell is cached by the service worker, the tickets by
 * ticket.js in IndexedDB. When online it first refreshes the stored tickets (/api/metro/my/tickets).
 * It watches for #metro-ticket-view (the Reflex page renders it empty), so it also works after
 * client-side navigation, and stops its timers when the element goes away.
 *
 * Shows: product and validity in words, the route, a large high-contrast QR re-signed every ~10 s
 * (canvas[data-qr] holds the exact QR text), a live clock and moving bar for visual checks, a
 * brightness hint and the offline state. ?id=<ticket id> selects a ticket.
 */
(function (root) {
  "use strict";
  if (root.MetroTicketPage) return; // helmet re-inserts the script on every visit

  var TEXT = {
    vi: {
      none: "Chưa có vé nào trên điện thoại này.", buy: "Mua vé", restore: "Tải vé từ tài khoản về máy này",
      restoreHint: "Vé mua trên điện thoại khác sẽ chuyển sang máy này; máy cũ không dùng được nữa.",
      until: "Có giá trị đến", today: "Chỉ dùng trong ngày mua, đến", any: "Mọi ga trên tuyến số 1",
      category: { adult: "Người lớn", student: "Học sinh, sinh viên", senior: "Người từ 60 tuổi" },
      qr: "Mã QR vé", bright: "Tăng độ sáng màn hình lên tối đa và đưa mã vào đầu đọc của cổng.",
      offline: "Đang ngoại tuyến — vé vẫn dùng được.", choose: "Chọn vé", error: "Không mở được vé trên máy này.",
      refresh: "Mã tự đổi mỗi 10 giây; ảnh chụp màn hình sẽ không qua được cổng.",
    },
    en: {
      none: "No tickets on this phone yet.", buy: "Buy a ticket", restore: "Download my tickets to this phone",
      restoreHint: "Tickets bought on another phone move to this one; the old phone stops working.",
      until: "Valid until", today: "Valid on the day bought only, until", any: "Any station on Line 1",
      category: { adult: "Adult", student: "Student", senior: "Aged 60+" },
      qr: "Ticket QR code", bright: "Turn the screen brightness up and hold the code to the gate reader.",
      offline: "Offline — the ticket still works.", choose: "Choose a ticket", error: "The ticket cannot be opened on this phone.",
      refresh: "The code changes every 10 seconds; a screenshot will not pass the gate.",
    },
  };
  var CSS = [
    "#metro-ticket-view .mt-card{background:#fff;color:#000;border:2px solid #000;border-radius:14px;padding:16px;max-width:460px}",
    "#metro-ticket-view .mt-product{font-size:1.5rem;font-weight:800;margin:0 0 4px}",
    "#metro-ticket-view .mt-route{font-size:1.2rem;font-weight:600;margin:0 0 4px}",
    "#metro-ticket-view .mt-qr{display:block;width:min(86vw,420px);height:auto;aspect-ratio:1/1;margin:12px auto;background:#fff;image-rendering:pixelated}",
    "#metro-ticket-view .mt-live{display:flex;align-items:center;gap:12px;font-size:1.4rem;font-variant-numeric:tabular-nums}",
    "#metro-ticket-view .mt-bar{flex:1;height:10px;border-radius:5px;background:linear-gradient(90deg,#a50e22,#f5b400,#0a6b2a,#a50e22);background-size:300% 100%;animation:mt-move 3s linear infinite}",
    "@keyframes mt-move{from{background-position:0 0}to{background-position:300% 0}}",
    "@media (prefers-reduced-motion: reduce){#metro-ticket-view .mt-bar{animation-duration:12s}}",
    "#metro-ticket-view .mt-tabs{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 12px}",
    "#metro-ticket-view .mt-tabs button[aria-pressed=true]{background:#000;color:#fff}",
    // Reflex's "cannot connect to server" toast is expected here when offline: the ticket needs no server.
    "body.mt-offline-ticket [data-sonner-toaster]{display:none}",
    "#metro-ticket-view .mt-offline{background:#fff3cd;color:#3d2e00;border:1px solid #8a6d00;padding:8px 12px;border-radius:8px}",
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
    var children = [el("p", { text: tx("none"), id: "metro-no-ticket" }),
      el("p", {}, [el("a", { href: "/metro", className: "cds-button", text: tx("buy") })])];
    if (navigator.onLine) {
      var button = el("button", { type: "button", className: "cds-button cds-button-outline", text: tx("restore") });
      button.addEventListener("click", function () { load(view, true); });
      children.push(el("p", {}, [button]), el("p", { className: "cds-hint", text: tx("restoreHint") }));
    }
    view.replaceChildren.apply(view, children);
  }

  function ticketCard(ticket) {
    var single = ticket.kind === "single";
    var route = ticket.origin_name && ticket.destination_name
      ? name(ticket.origin_name) + " → " + name(ticket.destination_name) : tx("any");
    var category = ticket.rider_category && ticket.rider_category !== "adult"
      ? el("p", { text: TEXT[lang()].category[ticket.rider_category] || ticket.rider_category }) : null;
    var canvas = el("canvas", { className: "mt-qr", id: "metro-qr", role: "img", "aria-label": tx("qr") + ": " + name({ vi: ticket.name_vi, en: ticket.name_en }), "data-ticket": ticket.id });
    var clock = el("span", { id: "metro-clock" });
    var card = el("div", { className: "mt-card", id: "metro-ticket-card" }, [
      el("p", { className: "mt-product", id: "metro-ticket-product", text: lang() === "en" ? ticket.name_en : ticket.name_vi }),
      el("p", { className: "mt-route", id: "metro-ticket-route", text: route }),
      el("p", { id: "metro-ticket-validity", text: (single ? tx("today") : tx("until")) + " " + vnTime(ticket.valid_until) }),
      category,
      canvas,
      el("div", { className: "mt-live", "aria-hidden": "true" }, [clock, el("span", { className: "mt-bar" })]),
      el("p", { className: "cds-hint", text: tx("bright") }),
      el("p", { className: "cds-hint", text: tx("refresh") }),
    ]);
    return { card: card, canvas: canvas, clock: clock };
  }

  function tabs(view, tickets, chosen) {
    if (tickets.length < 2) return null;
    var nav = el("div", { className: "mt-tabs", role: "group", "aria-label": tx("choose") });
    tickets.forEach(function (t) {
      var label = (lang() === "en" ? t.name_en : t.name_vi) +
        (t.origin_name ? " · " + name(t.origin_name) + " → " + name(t.destination_name) : "");
      var b = el("button", { type: "button", className: "cds-button cds-button-outline", text: label,
        "aria-pressed": String(t.id === chosen.id) });
      b.addEventListener("click", function () { render(view, tickets, t.id); });
      nav.appendChild(b);
    });
    return nav;
  }

  async function render(view, tickets, wantedId) {
    if (current && current.stop) current.stop();
    var now = Date.now() / 1000;
    var usable = tickets.filter(function (t) { return t.payload && (!t.valid_until || t.valid_until > now - 7200); });
    if (!usable.length) { emptyView(view); return; }
    var chosen = usable.find(function (t) { return t.id === wantedId; }) || usable[0];
    var parts = ticketCard(chosen);
    var offline = navigator.onLine ? null : el("p", { className: "mt-offline", role: "status", text: tx("offline") });
    view.replaceChildren.apply(view, [offline, tabs(view, usable, chosen), parts.card].filter(Boolean));
    try {
      current.stop = await root.MetroTicket.show(parts.canvas, chosen.id, { clock: parts.clock });
    } catch (e) {
      view.replaceChildren(el("p", { role: "alert", text: tx("error") }));
    }
  }

  async function load(view, restore) {
    var tickets;
    try {
      tickets = navigator.onLine ? await root.MetroTicket.syncTickets(!!restore) : await root.MetroTicket.storedTickets();
    } catch (e) {
      tickets = await root.MetroTicket.storedTickets().catch(function () { return []; });
    }
    if (current && current.el === view) await render(view, tickets || [], selectedId());
  }

  function check() {
    var view = document.getElementById("metro-ticket-view");
    if (current && current.el !== view) {
      if (current.stop) current.stop();
      current = null;
    }
    document.body.classList.toggle("mt-offline-ticket", !!view && !navigator.onLine);
    if (!view || current || !root.MetroTicket || !root.qrcode) return;
    current = { el: view, stop: null };
    injectCss();
    load(view, false);
  }

  // The session ended or another user logged in (here or in another tab): stop the QR, show what is left.
  root.addEventListener("cds:device-cleared", function () {
    if (!current) return;
    if (current.stop) current.stop();
    current.stop = null;
    current.el.replaceChildren();
    load(current.el, false);
  });

  root.MetroTicketPage = { check: check, vnTime: vnTime };
  setInterval(check, 300);
  check();
})(window);
