"""benchmarks/pageload.py's handling of Lighthouse's own failures, with a stand-in for Lighthouse's command line."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from benchmarks import pageload

# Writes the report Lighthouse would: the first ``fail`` runs lose their trace (Lighthouse's own words and code).
FAKE_LIGHTHOUSE = """#!{python}
import json, pathlib, sys
state = pathlib.Path({state!r}); runs = int(state.read_text() or 0) + 1 if state.exists() else 1
state.write_text(str(runs))
out = pathlib.Path(next(a for a in sys.argv if a.startswith("--output-path=")).split("=", 1)[1])
if runs <= {fail}:
    out.write_text(json.dumps({{"runtimeError": {{"code": {code!r}, "message": "Something went wrong with recording "
        "the trace over your page load. Please run Lighthouse again. (" + {code!r} + ")"}}}}))
    sys.exit(1)
audit = lambda v: {{"numericValue": v, "score": 1}}
out.write_text(json.dumps({{"audits": {{"largest-contentful-paint": audit(1500), "first-contentful-paint": audit(900),
    "total-blocking-time": audit(10), "total-byte-weight": audit(200000)}},
    "categories": {{"accessibility": {{"score": 1, "auditRefs": []}},
                   "best-practices": {{"score": 1, "auditRefs": []}}}}}}))
"""


def _fake_lighthouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail: int, code: str = "NO_NAVSTART") -> Path:
    node = tmp_path / "bin" / "node"  # pageload runs `node <cli>`: the stand-in is the "node" that ignores the cli
    node.parent.mkdir()
    node.write_text(FAKE_LIGHTHOUSE.format(python=sys.executable, state=str(tmp_path / "runs"), fail=fail, code=code))
    node.chmod(node.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(pageload, "node_dir", lambda: str(node.parent))
    monkeypatch.setattr(pageload, "LIGHTHOUSE", node)  # exists, so the "not installed" check passes
    return tmp_path / "runs"


def test_a_run_whose_trace_lighthouse_lost_is_run_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    runs = _fake_lighthouse(tmp_path, monkeypatch, fail=pageload.LIGHTHOUSE_ATTEMPTS - 1)
    load, _ = pageload.lighthouse("http://127.0.0.1:9/metro/ticket/", tmp_path, tmp_path / "r.json", repeat=False)
    assert runs.read_text() == str(pageload.LIGHTHOUSE_ATTEMPTS) and load.lcp_ms == 1500
    assert "could not read its trace of http://127.0.0.1:9/metro/ticket/ (NO_NAVSTART)" in capsys.readouterr().out


def test_a_page_whose_trace_is_lost_every_time_fails_the_benchmark(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert pageload.LIGHTHOUSE_ATTEMPTS == 3  # seen twice in a row on one page: two more runs, not one
    runs = _fake_lighthouse(tmp_path, monkeypatch, fail=pageload.LIGHTHOUSE_ATTEMPTS)
    with pytest.raises(RuntimeError, match="NO_NAVSTART"):
        pageload.lighthouse("http://127.0.0.1:9/", tmp_path, tmp_path / "r.json", repeat=True)
    assert runs.read_text() == str(pageload.LIGHTHOUSE_ATTEMPTS)


def test_other_failures_are_not_run_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _fake_lighthouse(tmp_path, monkeypatch, fail=1, code="ERRORED_DOCUMENT_REQUEST")
    node = Path(pageload.node_dir()) / "node"
    node.write_text(node.read_text().replace("Please run Lighthouse again. ", ""))
    with pytest.raises(RuntimeError, match="ERRORED_DOCUMENT_REQUEST"):
        pageload.lighthouse("http://127.0.0.1:9/", tmp_path, tmp_path / "r.json", repeat=False)
    assert runs.read_text() == "1"
    assert json.loads((tmp_path / "r.json").read_text())["runtimeError"]["code"] == "ERRORED_DOCUMENT_REQUEST"
