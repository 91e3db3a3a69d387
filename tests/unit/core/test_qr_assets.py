"""One QR library vendored once and one drawer (assets/qr/) for every page that shows a QR code."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ASSETS = ROOT / "assets"


def test_the_qr_library_is_vendored_once() -> None:
    copies = sorted(p.relative_to(ASSETS).as_posix() for p in ASSETS.rglob("qrcode-generator*.js"))
    assert copies == ["qr/qrcode-generator.js"]


def test_no_page_script_draws_qr_modules_itself() -> None:
    """A module loop (``isDark``) or the library's factory is used only by ``qr/draw.js``."""
    drawers = sorted(p.relative_to(ASSETS).as_posix() for p in ASSETS.rglob("*.js")
                     if "leaflet" not in p.parts and p.name != "qrcode-generator.js"
                     and (".isDark(" in (text := p.read_text(encoding="utf-8")) or "qrcode(0," in text))
    assert drawers == ["qr/draw.js"]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_drawer_encodes_base45_in_alphanumeric_mode_and_caps_the_version() -> None:
    script = """
      const Q = require(process.argv[1]);
      const small = Q.matrix("MT1:" + "A".repeat(40), "M");
      const bytes = Q.matrix("mt1:" + "a".repeat(40), "M");
      let capped = "";
      try { Q.matrix("X".repeat(600), "M", 10); } catch (e) { capped = e.message; }
      console.log(JSON.stringify({small: small.version, bytes: bytes.version, capped,
                                  square: small.modules.length === small.version * 4 + 17}));
    """
    out = subprocess.run(["node", "-e", script, str(ASSETS / "qr" / "draw.js")], capture_output=True, text=True,
                         check=True).stdout
    result = json.loads(out)
    assert result["small"] < result["bytes"]  # alphanumeric mode packs Base45 tighter than bytes
    assert result["square"] and "> 10" in result["capped"]
