"""Every self-contained benchmark runs in smoke mode (tiny size, seconds) and prints its figures, so none can
break unnoticed; the ones that need the running app are in tests/e2e/test_benchmarks_smoke.py."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NUMBER = r"[\d,]+(?:\.\d+)?"


def run_smoke(script: str, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([sys.executable, f"benchmarks/{script}", "--smoke", *args], cwd=ROOT,
                          env=env or dict(os.environ), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{script} --smoke exited {done.returncode}:\n{done.stdout}\n{done.stderr[-3000:]}"
    return done.stdout


def test_feedback_board_builds_a_corpus_of_every_category_and_times_each_query(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    out = run_smoke("feedback_board.py", "--db", str(tmp_path / "board.sqlite"), env=env)
    assert "reports: 2,000" in out, out
    for query in ("list (filters)", "search 1 word", "search 2 words", "search 2 unrelated", "map bbox",
                  "open311 GET 1000"):
        assert re.search(rf"^{re.escape(query)} +{NUMBER} +{NUMBER} +\d+ (ok|SLOW)$", out, re.M), (query, out)
    held = re.search(r"\(last page held (\d+) requests\)", out)
    assert held and int(held[1]) > 0, out


def test_feedback_board_corpus_speaks_of_every_category_in_the_catalogue() -> None:
    from benchmarks.feedback_board import category_phrases
    from citizen_app.feedback.catalog import load_catalog

    phrases = category_phrases()
    expected = {c.code for c in load_catalog().categories.values() if not c.emergency}
    assert set(phrases) == expected
    assert all(len(p) >= 2 and any(len(x.split()) > 1 for x in p) for p in phrases.values()), phrases


def test_gate_validate_measures_in_process_online_and_http() -> None:
    out = run_smoke("gate_validate.py")
    for figure in (rf"in-process verifications/s \(1 core\): {NUMBER}$",
                   rf"raw OpenSSL Ed25519\+P-256 verifications/s \(same signatures\): {NUMBER}$",
                   rf"ratio ours/raw: {NUMBER} ", rf"online validate_at_gate decisions/s .*: {NUMBER}$",
                   rf"HTTP 40 req/s for 1 s \(40 requests, .*\): p50 {NUMBER} ms, p99 {NUMBER} ms"):
        assert re.search(figure, out, re.M), (figure, out)
    assert "HTTP decisions: {'ok': 40}" in out, out  # valid tickets are admitted: not error pages timed


def test_purchase_cpu_times_a_purchase_and_its_payment_notification() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    out = run_smoke("purchase_cpu.py", "--statements", env=env)
    for action in ("purchase", "notification"):
        assert re.search(rf"^  {action} +{NUMBER} ms CPU each, SQL statements each: \d+ \(3×\)$", out, re.M), out
    assert "INSERT INTO pay_notification" in out, out


def test_wallet_qr_sizes_prints_each_presentation_and_the_status_list() -> None:
    out = run_smoke("wallet_qr_sizes.py")
    assert len(re.findall(r"^.+ +\d+ chars +QR version +\d+-L / +\d+-M$", out, re.M)) == 5, out
    assert re.search(r"^status list: 131072 entries, \d+ revoked -> lst \d+ chars", out, re.M), out
