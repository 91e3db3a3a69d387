"""The load benchmark's simulated citizens against the real prod-mode app: every step a browser takes
(page navigations over the websocket, buying a ticket through the payment page, the signed ticket list)
must succeed, or the benchmark's figures would measure error pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_simulated_citizens_buy_and_show_tickets(prod_app) -> None:
    env = {**os.environ, "DATABASE_URL": prod_app["database_url"], "INSTANCE_DIR": prod_app["instance_dir"]}
    done = subprocess.run([sys.executable, "benchmarks/load.py", "--url", prod_app["url"], "--clients", "3",
                           "--iterations", "1", "--think", "0"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith(f"| {prod_app['url']} |")]
    assert len(rows) == 1, done.stdout
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    tickets, errors = cells[-2], cells[-1]
    assert (tickets, errors) == ("3", "0"), done.stdout + done.stderr[-2000:]
