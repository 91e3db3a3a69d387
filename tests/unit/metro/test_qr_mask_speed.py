"""assets/qr/qrcode-generator.js scores the 8 masks with a faster getLostPoint (issue 24: the rider's ticket on a
slow phone): it must choose the masks upstream's scoring chose (the same codes, module for module), and read each
module once per mask instead of some twenty times (~0.1-0.2 s at 4x CPU slowdown for a ticket's version 10 code)."""

from __future__ import annotations

import hashlib
import json
import subprocess

from citizen_app.core.config import ROOT
from tests.conftest import interop
from tests.unit.metro.test_ticket_js import NODE_BIN

pytestmark = interop(NODE_BIN is not None, "node")
LIBRARY = ROOT / "assets" / "qr" / "qrcode-generator.js"
PATCH = ("    // cds-patch begin", "    // cds-patch end\n")
# npm qrcode-generator 2.0.4's dist/qrcode.js: the vendored file with upstream's scoring put back must be this file,
# so the reference below is upstream's release and nothing outside the cds-patch marks was changed.
UPSTREAM_SHA256 = "79ec86f82856005b1c887905cfccfcfbec3821ca61c7fd5a952faa5f778f791c"

# qrcode-generator 2.0.4's own getLostPoint (MIT licence, (c) 2009 Kazuhiko Arase), verbatim: the reference.
UPSTREAM_LOST_POINT = r"""
    _this.getLostPoint = function(qrcode) {

      var moduleCount = qrcode.getModuleCount();

      var lostPoint = 0;

      // LEVEL1

      for (var row = 0; row < moduleCount; row += 1) {
        for (var col = 0; col < moduleCount; col += 1) {

          var sameCount = 0;
          var dark = qrcode.isDark(row, col);

          for (var r = -1; r <= 1; r += 1) {

            if (row + r < 0 || moduleCount <= row + r) {
              continue;
            }

            for (var c = -1; c <= 1; c += 1) {

              if (col + c < 0 || moduleCount <= col + c) {
                continue;
              }

              if (r == 0 && c == 0) {
                continue;
              }

              if (dark == qrcode.isDark(row + r, col + c) ) {
                sameCount += 1;
              }
            }
          }

          if (sameCount > 5) {
            lostPoint += (3 + sameCount - 5);
          }
        }
      };

      // LEVEL2

      for (var row = 0; row < moduleCount - 1; row += 1) {
        for (var col = 0; col < moduleCount - 1; col += 1) {
          var count = 0;
          if (qrcode.isDark(row, col) ) count += 1;
          if (qrcode.isDark(row + 1, col) ) count += 1;
          if (qrcode.isDark(row, col + 1) ) count += 1;
          if (qrcode.isDark(row + 1, col + 1) ) count += 1;
          if (count == 0 || count == 4) {
            lostPoint += 3;
          }
        }
      }

      // LEVEL3

      for (var row = 0; row < moduleCount; row += 1) {
        for (var col = 0; col < moduleCount - 6; col += 1) {
          if (qrcode.isDark(row, col)
              && !qrcode.isDark(row, col + 1)
              &&  qrcode.isDark(row, col + 2)
              &&  qrcode.isDark(row, col + 3)
              &&  qrcode.isDark(row, col + 4)
              && !qrcode.isDark(row, col + 5)
              &&  qrcode.isDark(row, col + 6) ) {
            lostPoint += 40;
          }
        }
      }

      for (var col = 0; col < moduleCount; col += 1) {
        for (var row = 0; row < moduleCount - 6; row += 1) {
          if (qrcode.isDark(row, col)
              && !qrcode.isDark(row + 1, col)
              &&  qrcode.isDark(row + 2, col)
              &&  qrcode.isDark(row + 3, col)
              &&  qrcode.isDark(row + 4, col)
              && !qrcode.isDark(row + 5, col)
              &&  qrcode.isDark(row + 6, col) ) {
            lostPoint += 40;
          }
        }
      }

      // LEVEL4

      var darkCount = 0;

      for (var col = 0; col < moduleCount; col += 1) {
        for (var row = 0; row < moduleCount; row += 1) {
          if (qrcode.isDark(row, col) ) {
            darkCount += 1;
          }
        }
      }

      var ratio = Math.abs(100 * darkCount / moduleCount / moduleCount - 50) / 5;
      lostPoint += ratio * 10;

      return lostPoint;
    };
"""

# The library twice (patched, and with upstream's scoring put back), the same texts through both.
COMPARE = r"""
const fs = require("fs");
const load = (path) => { const module = {exports: {}};
  new Function("module", "exports", fs.readFileSync(path, "utf8"))(module, module.exports); return module.exports; };
const [patched, upstream] = [load(process.argv[1]), load(process.argv[2])];
const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
let seed = 7; const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const text = (alphabet, n) => Array.from({length: n}, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
const matrix = (factory, t, ecc, mode) => { const qr = factory(0, ecc); qr.addData(t, mode); qr.make();
  const n = qr.getModuleCount(); let bits = "";
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) bits += qr.isDark(r, c) ? 1 : 0;
  return bits; };
let differ = 0, cases = 0;
for (let i = 0; i < 120; i++) {
  const ticket = "MT1:" + text(B45, 288);  // a ticket's code: version 10 at ECC M
  const other = text(B45, 1 + Math.floor(random() * 300));
  const bytes = text("abcdefghijklmnopqrstuvwxyz0123456789/:?=&", 1 + Math.floor(random() * 200));
  for (const [t, ecc, mode] of [[ticket, "M", "Alphanumeric"], [other, "L", "Alphanumeric"], [bytes, "M", "Byte"]]) {
    cases++; if (matrix(patched, t, ecc, mode) !== matrix(upstream, t, ecc, mode)) differ++;
  }
}
const qr = patched(0, "M"); qr.addData("MT1:" + text(B45, 288), "Alphanumeric");
let reads = 0; const isDark = qr.isDark; qr.isDark = function (r, c) { reads++; return isDark(r, c); };
qr.make();
process.stdout.write(JSON.stringify({cases, differ, reads, modules: qr.getModuleCount() ** 2}));
"""


def _with_upstream_scoring(source: str) -> str:
    start, end = source.index(PATCH[0]), source.index(PATCH[1]) + len(PATCH[1])
    return source[:start] + UPSTREAM_LOST_POINT.lstrip("\n") + source[end:]


def test_the_reference_is_upstreams_release() -> None:
    reference = _with_upstream_scoring(LIBRARY.read_text(encoding="utf-8"))
    assert hashlib.sha256(reference.encode("utf-8")).hexdigest() == UPSTREAM_SHA256


def test_the_faster_scoring_chooses_upstreams_masks_and_reads_each_module_once(tmp_path) -> None:
    upstream = tmp_path / "qrcode-upstream.js"
    upstream.write_text(_with_upstream_scoring(LIBRARY.read_text(encoding="utf-8")), encoding="utf-8")
    done = subprocess.run([NODE_BIN, "-e", COMPARE, str(LIBRARY), str(upstream)], capture_output=True, text=True,
                          timeout=120, check=True)
    result = json.loads(done.stdout)
    assert result["cases"] == 360 and result["differ"] == 0, result
    assert result["reads"] <= 8 * result["modules"], result  # upstream's scoring: ~20 reads per module and mask
