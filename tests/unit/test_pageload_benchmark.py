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


# --- the ticket page offline: nobody logged in, then a rider -------------------------------------------------------

TICKET = pageload.Target(pageload.OURS, "/metro/ticket/", "http://127.0.0.1:9/metro/ticket/")


def _offline(fcp: float, qr: float = 0, content: float = 0) -> pageload.OfflineLoad:
    return pageload.OfflineLoad(fcp_ms=fcp, lcp_ms=fcp + 100, content_ms=content, qr_ms=qr, drawn_ms=fcp + 300)


def test_the_offline_visits_measure_nobody_then_a_rider_with_a_ticket_bought_in_the_same_profile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    steps: list[tuple] = []
    monkeypatch.setattr(pageload, "warm_profile", lambda url, profile: steps.append(("warm", url, profile)))
    monkeypatch.setattr(pageload, "store_a_ticket", lambda base, profile: steps.append(("ticket", base, profile)))

    def visit(url: str, profile: Path, rider: bool = False) -> pageload.OfflineLoad:
        steps.append(("offline", url, profile, rider))
        return _offline(500 if rider else 400, qr=900 if rider else 0)

    monkeypatch.setattr(pageload, "offline_visit", visit)
    offline: dict = {}
    pageload.offline_visits(TICKET, tmp_path, offline)  # after Lighthouse's repeat visit: no warming
    pageload.offline_visits(TICKET, tmp_path, offline, warm=True)  # --offline-only: a fresh profile
    visits = [("offline", TICKET.url, tmp_path, False), ("ticket", "http://127.0.0.1:9", tmp_path),
              ("offline", TICKET.url, tmp_path, True)]
    assert steps == [*visits, ("warm", TICKET.url, tmp_path), *visits]
    assert [load.qr_ms for load in offline[(TICKET, pageload.RIDER)]] == [900, 900]
    assert [load.fcp_ms for load in offline[(TICKET, pageload.NOBODY)]] == [400, 400]


def test_the_offline_table_has_a_row_per_visitor_and_a_dash_for_what_a_visit_did_not_have() -> None:
    table = pageload.offline_table({
        (TICKET, pageload.NOBODY): [_offline(400, content=450), _offline(420, content=470)],
        (TICKET, pageload.RIDER): [_offline(500, qr=900), _offline(520, qr=950)],  # content 0: a page without the mark
    })
    header, rule, nobody, rider = table.splitlines()
    assert header.split("|")[3:8] == [" FCP s ", " LCP s ", " first line painted s ", " QR code painted s ",
                                      " screen drawn s "]
    assert nobody == ("| `/metro/ticket/` | nobody logged in | 0.41 (0.40–0.42) | 0.51 (0.50–0.52) | "
                      "0.46 (0.45–0.47) | – | 0.71 (0.70–0.72) |")
    assert rider == ("| `/metro/ticket/` | rider, 1 ticket | 0.51 (0.50–0.52) | 0.61 (0.60–0.62) | – | "
                     "0.93 (0.90–0.95) | 0.81 (0.80–0.82) |")


def test_offline_only_measures_the_ticket_pages_offline_visits_alone(monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    called: dict[str, object] = {}
    monkeypatch.setattr(pageload, "demo_report", lambda base: "7")
    monkeypatch.setattr(pageload, "measure", lambda *a, **k: pytest.fail("Lighthouse ran"))

    def measure_offline(targets: list[pageload.Target], runs: int, work: Path) -> dict:
        called.update(targets=targets, runs=runs)
        return {(TICKET, pageload.RIDER): [_offline(500, qr=900)]}

    monkeypatch.setattr(pageload, "measure_offline", measure_offline)
    monkeypatch.setattr(sys, "argv", ["pageload.py", "--url", "http://127.0.0.1:9/", "--offline-only", "--runs", "2",
                                      "--pages", "/,/metro/ticket/"])
    pageload.main()
    assert called == {"targets": [TICKET], "runs": 2}  # no empty app, the ticket page only
    out = capsys.readouterr().out
    assert "| `/metro/ticket/` | rider, 1 ticket | 0.50 | 0.60 | – | 0.90 | 0.80 |" in out
