"""assets/shell.js under node with a stand-in browser: it applies the remembered language and text size
before the app renders, and keeps the cookie the server reads in step with localStorage."""

from __future__ import annotations

import json
import subprocess

from tests.unit.notify.test_pwa_assets import ASSETS, _node

HARNESS = """
const fs = require("fs"), vm = require("vm");
const [storage, cookies] = JSON.parse(process.argv[1]);
const jar = Object.assign({}, cookies), classes = new Set();
const document = {
  documentElement: { lang: "", classList: { add: (c) => classes.add(c), contains: (c) => classes.has(c),
                                            toggle: (c, on) => (on ? classes.add(c) : classes.delete(c)) } },
  get cookie() { return Object.entries(jar).map(([k, v]) => k + "=" + v).join("; "); },
  set cookie(text) {
    const [pair] = text.split(";"), i = pair.indexOf("=");
    jar[pair.slice(0, i)] = pair.slice(i + 1);
  },
};
const localStorage = { getItem: (k) => (k in storage ? storage[k] : null) };
let observer = null;
class MutationObserver { constructor(fn) { observer = fn; } observe() {} }
vm.runInNewContext(fs.readFileSync(process.argv[2], "utf8"),
                   { window: { localStorage }, document, location: { protocol: "http:" }, MutationObserver });
// The app's hydration puts back lang="vi" and the theme's class: the remembered choices come back.
document.documentElement.lang = "vi";
classes.clear();
classes.add("light");
observer([{ attributeName: "lang" }]);
console.log(JSON.stringify({ lang: document.documentElement.lang, large: classes.has("cds-large"), cookies: jar }));
"""


def _run(storage: dict[str, str], cookies: dict[str, str]) -> dict:
    done = subprocess.run([_node(), "-e", HARNESS, json.dumps([storage, cookies]), str(ASSETS / "shell.js")],
                          capture_output=True, text=True, check=True, timeout=30)
    return json.loads(done.stdout)


def test_a_choice_kept_only_in_local_storage_reaches_the_cookie() -> None:
    result = _run({"cds_lang": "en", "cds_large": '"1"'}, {})
    assert result == {"lang": "en", "large": True, "cookies": {"cds_lang": "en", "cds_large": "1"}}


def test_the_cookie_alone_still_sets_the_page_language() -> None:
    result = _run({}, {"cds_lang": "en", "cds_sid": "x"})
    assert result["lang"] == "en" and not result["large"]
    assert result["cookies"] == {"cds_lang": "en", "cds_sid": "x"}


def test_unknown_values_are_ignored() -> None:
    result = _run({"cds_lang": "fr", "cds_large": "yes"}, {"cds_lang": "<script>"})
    assert result == {"lang": "vi", "large": False, "cookies": {"cds_lang": "<script>"}}
