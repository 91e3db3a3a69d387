/* Feedback board: maps (Leaflet + OpenStreetMap tiles, vendored under /feedback/leaflet/), the
 * "use my location" button, and the report draft's auto-save. Progressive enhancement only: the
 * list and the coordinate fields work without this file, and the maps step aside when offline. */
(function () {
  "use strict";
  if (window.FeedbackUI) return;
  var FB = (window.FeedbackUI = {});
  var CENTER = [10.7753, 106.6836]; // phường Bàn Cờ
  var TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  var ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';
  var saveTimer = null;

  function byId(id) { return document.getElementById(id); }
  function form() { return byId("fb-form"); }
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* --- the new-report form ---------------------------------------------------------------- */

  FB.collect = function () {
    var f = form();
    var out = {};
    if (!f) return out;
    new FormData(f).forEach(function (value, key) { if (typeof value === "string") out[key] = value; });
    out.hide_name = f.elements.hide_name && f.elements.hide_name.checked ? "1" : "";
    return out;
  };

  FB.touch = function () { // auto-save a moment after the last change (the server's copy of the draft)
    clearTimeout(saveTimer);
    saveTimer = setTimeout(function () {
      // Offline the socket would queue the save and replay it on reconnect, maybe after the outbox sent the
      // report: the phone keeps the draft meanwhile (outbox-form.js).
      if (window.cdsOffline && !window.cdsOffline.connected()) return;
      var b = byId("fb-autosave");
      if (b) b.click();
    }, 1200);
  };

  function checkDuplicates() { var b = byId("fb-dupes-check"); if (b) b.click(); }

  FB.setPoint = function (lat, lon) {
    var la = byId("f-lat"), lo = byId("f-lon");
    if (!la || !lo) return;
    la.value = Number(lat).toFixed(6);
    lo.value = Number(lon).toFixed(6);
    var map = FB.pickerMap;
    if (map) {
      if (!map._fbMarker) map._fbMarker = L.marker([lat, lon], pin()).addTo(map);
      else map._fbMarker.setLatLng([lat, lon]);
      map.setView([lat, lon], Math.max(map.getZoom(), 17));
    }
    checkDuplicates();
    FB.touch();
  };

  FB.locate = function () {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) { resolve({ error: "unsupported" }); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        FB.setPoint(pos.coords.latitude, pos.coords.longitude);
        resolve(FB.collect());
      }, function (err) {
        var out = FB.collect(); out.error = String(err.code || "1"); resolve(out);
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  };

  document.addEventListener("input", function (e) {
    if (e.target && e.target.closest && e.target.closest("#fb-form")) {
      FB.touch();
      if (e.target.id === "f-lat" || e.target.id === "f-lon") checkDuplicates();
    }
  }, true);
  document.addEventListener("change", function (e) {
    if (e.target && e.target.closest && e.target.closest("#fb-form")) {
      FB.touch();
      if (e.target.id === "f-category_code") checkDuplicates();
    }
  }, true);

  document.addEventListener("submit", function (e) {
    if (e.target && e.target.id === "fb-form") clearTimeout(saveTimer); // the report replaces the draft
  }, true);

  /* --- maps ---------------------------------------------------------------------------- */

  function showFallback(el) {
    el.hidden = true;
    var note = byId(el.id + "-offline");
    if (note) note.hidden = false;
  }

  function baseMap(el, center, zoom) {
    var map = L.map(el, { scrollWheelZoom: false }).setView(center, zoom);
    var failures = 0;
    L.tileLayer(TILES, { maxZoom: 19, attribution: ATTRIBUTION, crossOrigin: true })
      .on("tileerror", function () { failures += 1; if (failures === 4) el.classList.add("fb-map-notiles"); })
      .addTo(map);
    return map;
  }

  /* Markers are 44 px targets (WCAG 2.5.8, Lighthouse's tap targets): a div icon, drawn by feedback.css. */
  var PIN = 44;
  function pin(title, count) { // without a title: a mark only (not focusable, not a target)
    var html = '<span class="fb-marker-pin" aria-hidden="true"></span>' +
      (count > 1 ? '<span class="fb-marker-count" aria-hidden="true">' + count + "</span>" : "");
    var icon = L.divIcon({ className: "fb-marker", html: html,
                           iconSize: [PIN, PIN], iconAnchor: [PIN / 2, PIN], popupAnchor: [0, -40] });
    return title ? { icon: icon, title: title, keyboard: true } : { icon: icon, interactive: false, keyboard: false };
  }
  FB.pin = pin;

  /* Reports closer than a marker's size share one marker (its popup lists them), and a marker is drawn only where
     it is whole and clear of the map's controls: overlapping or covered targets cannot be tapped (WCAG 2.5.8). */
  function clusters(map, el, points) {
    var size = map.getSize(), box = el.getBoundingClientRect();
    var blocked = Array.prototype.map.call(el.querySelectorAll(".leaflet-control"), function (c) {
      var r = c.getBoundingClientRect();
      return { left: r.left - box.left, top: r.top - box.top, right: r.right - box.left, bottom: r.bottom - box.top };
    });
    function clear(x, y) {
      var r = { left: x - PIN / 2, top: y - PIN, right: x + PIN / 2, bottom: y };
      return r.left >= 0 && r.top >= 0 && r.right <= size.x && r.bottom <= size.y && blocked.every(function (c) {
        return r.left >= c.right || r.right <= c.left || r.top >= c.bottom || r.bottom <= c.top;
      });
    }
    var out = [];
    points.forEach(function (p) {
      var xy = map.latLngToContainerPoint([p.lat, p.lon]);
      var near = out.filter(function (c) { return Math.abs(c.x - xy.x) < PIN && Math.abs(c.y - xy.y) < PIN; })[0];
      if (near) near.points.push(p);
      else out.push({ x: xy.x, y: xy.y, lat: p.lat, lon: p.lon, points: [p] });
    });
    return out.filter(function (c) { return clear(c.x, c.y); });
  }

  function reportLink(p) {
    return '<a href="/feedback/' + encodeURIComponent(p.id) + '">' + escapeHtml(p.title) + "</a>";
  }

  function clusterMarker(el, c) {
    var n = c.points.length;
    if (n === 1) return L.marker([c.lat, c.lon], pin(c.points[0].title)).bindPopup(reportLink(c.points[0]));
    var title = (el.getAttribute("data-many") || "{n}").replace("{n}", String(n));
    var list = "<ul class=\"fb-marker-list\">" + c.points.map(function (p) { return "<li>" + reportLink(p) + "</li>"; }).join("") + "</ul>";
    return L.marker([c.lat, c.lon], pin(title, n)).bindPopup(list, { maxHeight: 260 });
  }

  var FILTERS = ["category", "status", "ward", "agency", "from", "to"]; // the board's filters, as in its URL

  function boardMap(el) {
    var map = baseMap(el, CENTER, 15);
    var layer = L.layerGroup().addTo(map);
    var seq = 0;
    function refresh() {
      var b = map.getBounds();
      var q = "bbox=" + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
      FILTERS.forEach(function (name) {
        var value = el.getAttribute("data-" + name);
        if (value) q += "&" + name + "=" + encodeURIComponent(value);
      });
      var mine = ++seq;
      fetch("/api/feedback/map.json?" + q, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { points: [] }; })
        .then(function (data) {
          if (mine !== seq) return;
          layer.clearLayers();
          var drawn = clusters(map, el, data.points || []);
          drawn.forEach(function (c) { clusterMarker(el, c).addTo(layer); });
          el.setAttribute("data-markers", String(drawn.length)); // the markers are drawn (scripts and tests wait)
          var note = byId(el.id + "-zoom");
          if (note) note.hidden = !data.truncated;
        })
        .catch(function () { /* offline: the list below still works */ });
    }
    map.on("moveend", refresh);
    new MutationObserver(refresh).observe(el, { attributes: true, attributeFilter: FILTERS.map(function (n) { return "data-" + n; }) });
    refresh();
    return map;
  }

  function pickerMap(el) {
    var la = parseFloat((byId("f-lat") || {}).value), lo = parseFloat((byId("f-lon") || {}).value);
    var has = isFinite(la) && isFinite(lo);
    var map = baseMap(el, has ? [la, lo] : CENTER, has ? 17 : 15);
    FB.pickerMap = map;
    if (has) map._fbMarker = L.marker([la, lo], pin()).addTo(map);
    map.on("click", function (e) { FB.setPoint(e.latlng.lat, e.latlng.lng); });
    return map;
  }

  function pointMap(el) {
    var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
    if (!isFinite(lat) || !isFinite(lon)) { el.hidden = true; return null; }
    var map = baseMap(el, [lat, lon], 17);
    L.marker([lat, lon], pin()).addTo(map);
    return map;
  }

  var KINDS = { board: boardMap, picker: pickerMap, point: pointMap };

  function initMaps() {
    var nodes = document.querySelectorAll("[data-fb-map]");
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      if (el._fbMap !== undefined || !el.isConnected) continue;
      if (navigator.onLine === false) { el._fbMap = null; showFallback(el); continue; }
      if (!window.L) { // leaflet.js still loading; give up after a few seconds
        el._fbWait = (el._fbWait || 0) + 1;
        if (el._fbWait > 15) { el._fbMap = null; showFallback(el); }
        continue;
      }
      try { el._fbMap = KINDS[el.dataset.fbMap](el); } catch (err) { el._fbMap = null; showFallback(el); }
    }
    if (FB.pickerMap && !document.body.contains(FB.pickerMap.getContainer())) FB.pickerMap = null;
  }

  window.addEventListener("offline", function () {
    var nodes = document.querySelectorAll("[data-fb-map]");
    for (var i = 0; i < nodes.length; i++) showFallback(nodes[i]);
  });
  setInterval(initMaps, 600);
})();
