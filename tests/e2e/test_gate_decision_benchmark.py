"""The gate decision benchmark in smoke mode against the real prod-mode app: it enrols a gate, times scans online
and offline with the CPU slowed 4x, and uploads the offline taps; every scan must be a real admission, decided
where the benchmark says (a figure of refusals or of the wrong mode would measure nothing)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_gate_decision_benchmark_smoke(prod_app) -> None:
    env = {**os.environ, "DATABASE_URL": prod_app["database_url"], "INSTANCE_DIR": prod_app["instance_dir"]}
    done = subprocess.run([sys.executable, "benchmarks/gate_decision.py", "--url", prod_app["url"], "--smoke"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    rows = {cells[0]: cells for cells in ([c.strip() for c in line.strip("|").split("|")]
                                          for line in done.stdout.splitlines() if line.startswith("| o"))}
    assert set(rows) == {"online", "offline"}, done.stdout
    for mode, (_mode, scans, p50, p95, slowest, admitted) in rows.items():
        assert scans == admitted == "8", (mode, done.stdout, done.stderr[-2000:])
        assert 0 < float(p50) <= float(p95) <= float(slowest), done.stdout
    assert "were decided" not in done.stderr, done.stderr
    assert "Upload of the 11 offline taps" in done.stdout
