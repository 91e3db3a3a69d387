/*
 * Công dân số — the new report form (/feedback/new) on the phone, online or not. Needs /idb-store.js,
 * /outbox.js and /offline.js (loaded in <head>). See docs/PWA.md, "Outbox and drafts".
 *
 * - The draft (the form's fields and the photos) is kept in cdsStore "drafts" under "feedback-new" as the person
 *   types, with the idempotency key of the report it will become (a UUID made when the draft starts), and put
 *   back into the form whenever it is shown (after a reload, offline, or when the page's state reloads it).
 * - Photos are resized on the phone (longest side 1600 px, JPEG): the re-encoding drops their EXIF location too.
 * - "Gửi phản ánh" never goes through the websocket (offline it would be queued there and sent again on
 *   reconnect): the report goes into the outbox and is sent at once when there is a connection (then the report's
 *   page opens), else "Chưa gửi — sẽ gửi khi có mạng" and it is sent when the connection returns (Background Sync
 *   where the browser has it, the next open otherwise). A refused report comes back as the draft, with the reason.
 */
(function (root) {
  "use strict";
  if (root.FeedbackOutboxForm) return;

  var DRAFT = "feedback-new";
  var KIND = "feedback-report";
  var MAX_PHOTOS = 5;
  var MAX_SIDE = 1600;
  var QUALITY = [0.85, 0.7, 0.55];
  var MAX_BYTES = 2.5 * 1024 * 1024;
  var TEXT = {
    vi: {
      saved: "Bản nháp được lưu trên điện thoại này lúc {t}.", photo: "Ảnh {n}", remove: "Xóa ảnh {n}",
      notImage: "Không đọc được ảnh này. Chỉ nhận ảnh JPEG, PNG hoặc WebP.", tooMany: "Tối đa 5 ảnh.",
      sending: "Đang gửi…", queued: "Đã lưu phản ánh trên máy. Chưa gửi — sẽ gửi khi có mạng.",
      mine: "Phản ánh gửi từ máy này", open: "Xem",
    },
    en: {
      saved: "The draft is kept on this phone (saved at {t}).", photo: "Photo {n}", remove: "Remove photo {n}",
      notImage: "This photo cannot be read. Only JPEG, PNG or WebP.", tooMany: "At most 5 photos.",
      sending: "Sending…", queued: "The report is kept on this phone. Not sent yet — it will be sent when online.",
      mine: "Reports sent from this phone", open: "Open",
    },
  };
  var current = { form: null, draft: null, urls: [], saveTimer: null, sending: false };

  function lang() { return document.documentElement.lang === "en" ? "en" : "vi"; }
  function tx(key) { return TEXT[lang()][key]; }
  function byId(id) { return document.getElementById(id); }
  function owner() { return root.cdsOffline ? root.cdsOffline.owner() : ""; }
  function store() { return root.cdsStore; }

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

  function newKey() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID().replace(/-/g, "");
    var bytes = new Uint8Array(16);
    root.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function emptyDraft() { return { owner: owner(), key: newKey(), at: 0, values: {}, photos: [] }; }

  function loadDraft() {
    if (!store()) return Promise.resolve(emptyDraft());
    return store().get("drafts", DRAFT).then(function (kept) {
      return kept && kept.owner === owner() ? kept : emptyDraft();
    }).catch(emptyDraft);
  }

  function saveDraft() {
    var draft = current.draft;
    if (!draft || !current.form || !store()) return Promise.resolve();
    draft.values = root.cdsOffline.formValues(current.form);
    draft.at = Date.now();
    draft.owner = owner();
    return store().put("drafts", DRAFT, draft).then(showSaved).catch(function () { return null; });
  }

  function showSaved() {
    var node = byId("fb-device-status");
    if (node && current.draft && current.draft.at) {
      node.textContent = tx("saved").replace("{t}", root.cdsOutbox.vnTime(current.draft.at));
    }
  }

  function scheduleSave() {
    clearTimeout(current.saveTimer);
    current.saveTimer = setTimeout(saveDraft, 300);
  }

  /* ----------------------------------------------------------------------------- photos ------ */

  function drawPhotos() {
    var list = byId("fb-photo-list");
    if (!list || !current.draft) return;
    current.urls.forEach(function (url) { URL.revokeObjectURL(url); });
    current.urls = [];
    list.replaceChildren.apply(list, current.draft.photos.map(function (blob, i) {
      var url = URL.createObjectURL(blob);
      current.urls.push(url);
      var remove = el("button", { type: "button", className: "cds-button cds-button-outline",
        text: tx("remove").replace("{n}", i + 1) });
      remove.addEventListener("click", function () {
        current.draft.photos.splice(i, 1);
        drawPhotos();
        saveDraft();
      });
      return el("li", { className: "cds-list-row" }, [
        el("img", { src: url, alt: tx("photo").replace("{n}", i + 1), width: "96", height: "72",
                    style: "object-fit:cover;border-radius:6px" }),
        remove,
      ]);
    }));
    var pick = byId("fb-photos-pick");
    if (pick) pick.hidden = current.draft.photos.length >= MAX_PHOTOS;
  }

  function toBlob(canvas, quality) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", quality); });
  }

  /** Decode (upright, as the camera meant it), scale to MAX_SIDE, re-encode as JPEG without any metadata. */
  function resize(file) {
    return root.createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      var attempt = function (i) {
        return toBlob(canvas, QUALITY[i]).then(function (blob) {
          if (blob && blob.size > MAX_BYTES && i + 1 < QUALITY.length) return attempt(i + 1);
          return blob;
        });
      };
      return attempt(0);
    });
  }

  function addPhotos(input) {
    var files = Array.prototype.slice.call(input.files || []);
    var error = byId("fb-photo-error");
    if (error) error.textContent = "";
    input.value = "";
    if (!current.draft) return Promise.resolve();
    var room = MAX_PHOTOS - current.draft.photos.length;
    if (files.length > room && error) error.textContent = tx("tooMany");
    return files.slice(0, Math.max(0, room)).reduce(function (chain, file) {
      return chain.then(function () {
        return resize(file).then(function (blob) {
          if (blob) current.draft.photos.push(blob);
        }, function () { if (error) error.textContent = tx("notImage"); });
      });
    }, Promise.resolve()).then(function () { drawPhotos(); return saveDraft(); });
  }

  /* ----------------------------------------------------------------------------- sending ----- */

  function showRefusal(message) {
    var box = byId("fb-outbox-error");
    if (!box) return;
    box.replaceChildren();
    if (message) box.appendChild(el("p", { className: "cds-offline-status", "data-state": "refused", text: message }));
  }

  function resetForm() {
    current.draft = emptyDraft();
    if (current.form) { // empty, not reset(): reset would bring back the values the page was rendered with
      var blank = {};
      Array.prototype.forEach.call(current.form.elements, function (field) {
        if (field.name && field.type !== "file") blank[field.name] = "";
      });
      root.cdsOffline.fillForm(current.form, blank);
    }
    drawPhotos();
    var node = byId("fb-device-status");
    if (node) node.textContent = "";
    return store() ? store().del("drafts", DRAFT).catch(function () { return null; }) : Promise.resolve();
  }

  function rememberSuccess() { if (root.cdsPwa) root.cdsPwa.noteSuccess(); } // the home page offers to install

  function afterFlush(key) {
    return root.cdsOutbox.get(key).then(function (item) {
      if (!item) return;
      if (item.state === "sent") {
        rememberSuccess();
        root.location.assign(item.result.href + "?created=1");
      } else if (item.state === "refused") { // back to the draft, with the reason
        current.draft.values = item.body;
        current.draft.photos = item.photos || [];
        return root.cdsOutbox.remove(key).then(function () {
          root.cdsOffline.fillForm(current.form, item.body);
          drawPhotos();
          showRefusal(root.cdsOutbox.describe(item, lang()));
          return saveDraft();
        });
      } else {
        root.cdsOutbox.requestSync();
        showRefusal("");
        showQueued();
      }
    });
  }

  function submit(event) {
    if (!event.target || event.target.id !== "fb-form") return;
    event.preventDefault();
    event.stopPropagation(); // React's handler must not run: the socket would send the report too
    if (current.sending || !current.draft || !root.cdsOutbox || !store()) return;
    current.sending = true;
    var draft = current.draft;
    var body = root.cdsOffline.formValues(current.form);
    var button = byId("fb-submit");
    if (button) button.disabled = true;
    showRefusal("");
    root.cdsOutbox.queue(KIND, draft.key, owner(), body, draft.photos.slice()).then(function () {
      return resetForm();
    }).then(function () {
      if (!root.cdsOffline.connected()) { root.cdsOutbox.requestSync(); return showQueued(); }
      drawStatus(tx("sending"));
      return root.cdsOffline.flushOutbox().then(function () { return afterFlush(draft.key); });
    }).catch(function () { return null; }).then(function () {
      current.sending = false;
      if (button) button.disabled = false;
      drawStatus();
    });
  }

  function showQueued() {
    var box = byId("fb-outbox-status");
    if (box) box.scrollIntoView({ block: "center" });
  }

  function drawStatus(extra) {
    var box = byId("fb-outbox-status");
    if (!box || !root.cdsOutbox || !store()) return;
    root.cdsOutbox.list().then(function (items) {
      var who = owner();
      var mine = items.filter(function (item) { return item.kind === KIND && item.owner === who && item.state !== "refused"; });
      var children = [];
      if (extra) children.push(el("p", { className: "cds-offline-status", text: extra }));
      if (mine.length) {
        children.push(el("h2", { className: "cds-h2", text: tx("mine") }));
        children.push(el("ul", { className: "cds-list", id: "fb-outbox-list" }, mine.map(function (item) {
          var row = [el("span", { text: (item.body && item.body.title) || "—" }),
            el("span", { className: "cds-offline-status", "data-state": item.state, text: root.cdsOutbox.describe(item, lang()) })];
          if (item.state === "sent" && item.result && item.result.href) {
            row.push(el("a", { href: item.result.href, text: tx("open") }));
          }
          return el("li", { className: "cds-list-row", "data-key": item.key }, row);
        })));
      }
      box.replaceChildren.apply(box, children);
    }).catch(function () { return null; });
  }

  /* ----------------------------------------------------------------------------- the page ---- */

  function attach(form) {
    current.form = form;
    loadDraft().then(function (draft) {
      if (current.form !== form) return;
      current.draft = draft;
      if (draft.at) {
        root.cdsOffline.fillForm(form, draft.values, { onlyEmpty: true });
        showSaved();
      }
      drawPhotos();
      drawStatus();
    });
  }

  function check() {
    var form = byId("fb-form");
    if (form && form !== current.form && root.cdsOffline && root.cdsOutbox) attach(form); // new, or remounted
    if (!form && current.form) current.form = null;
  }

  document.addEventListener("submit", submit, true);
  function typed(event) { // the person's own typing (not the values put back or emptied by this script)
    return event.isTrusted && event.target && event.target.closest && event.target.closest("#fb-form");
  }

  document.addEventListener("input", function (event) { if (typed(event)) scheduleSave(); }, true);
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "fb-device-photos") { addPhotos(event.target); return; }
    if (typed(event)) scheduleSave();
  }, true);
  document.addEventListener("click", function (event) { // "Xóa bản nháp": the phone's copy goes too
    if (event.target && event.target.closest && event.target.closest("#fb-discard")) resetForm();
  }, true);
  root.addEventListener("cds:outbox", function () { drawStatus(); });
  root.addEventListener("cds:device-cleared", function () { current.form = null; current.draft = null; });

  root.FeedbackOutboxForm = { check: check, resize: resize };
  setInterval(check, 400);
  check();
})(window);
