/* The one QR drawer of the app: the metro ticket, the wallet's presentations and offers, the offline verifier.
 *
 * Uses qrcode-generator (MIT licence, (c) 2009 Kazuhiko Arase, npm qrcode-generator 2.0.4), vendored once
 * beside this file; one change there (between "cds-patch" marks): a faster scoring of the 8 masks that picks the masks
 * upstream's picks (tests/unit/metro/test_qr_mask_speed.py). Load it first: <script src="/qr/qrcode-generator.js"></script><script src="/qr/draw.js">.
 * Under Node (unit tests) it is required from the same folder.
 *
 *   CdsQr.matrix(text, ecc)        -> { version, modules }   (modules[r][c] true = dark)
 *   CdsQr.draw(canvas, text, opts) -> version                (opts: ecc "L"/"M", maxVersion)
 *
 * Text in the QR alphanumeric alphabet (Base45, upper-case) is encoded in alphanumeric mode, anything else as bytes.
 */
(function (root) {
  "use strict";

  var ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/;
  var QUIET = 4; // modules of white border the standard asks for

  function generator() {
    var factory = root.qrcode || (typeof require === "function" ? require("./qrcode-generator.js") : null);
    if (!factory) throw new Error("qrcode-generator not loaded");
    return factory;
  }

  function matrix(text, ecc, maxVersion) {
    var qr = generator()(0, ecc || "M");
    qr.addData(text, ALPHANUMERIC.test(text) ? "Alphanumeric" : "Byte");
    qr.make();
    var n = qr.getModuleCount(), version = (n - 17) / 4, rows = [];
    if (maxVersion && version > maxVersion) throw new Error("QR version " + version + " > " + maxVersion);
    for (var r = 0; r < n; r++) {
      var row = [];
      for (var c = 0; c < n; c++) row.push(qr.isDark(r, c));
      rows.push(row);
    }
    return { version: version, modules: rows };
  }

  /** Black modules on white, whole pixels per module, sized to the canvas's CSS width (at most 480 px). */
  function draw(canvas, text, opts) {
    var o = opts || {}, m = matrix(text, o.ecc, o.maxVersion), n = m.modules.length;
    var size = Math.min(canvas.clientWidth || 320, 480) * (root.devicePixelRatio || 1);
    var cell = Math.max(2, Math.floor(size / (n + 2 * QUIET)));
    canvas.width = canvas.height = cell * (n + 2 * QUIET);
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "#000";
    for (var r = 0; r < n; r++) for (var c = 0; c < n; c++) {
      if (m.modules[r][c]) ctx.fillRect((c + QUIET) * cell, (r + QUIET) * cell, cell, cell);
    }
    canvas.dataset.version = String(m.version);
    return m.version;
  }

  var api = { matrix: matrix, draw: draw };
  root.CdsQr = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof self !== "undefined" ? self : this);
