"""The benchmarks that need the running app, in smoke mode against the shared prod-mode app (tests/conftest.py
``prod_app``): they must still run and print their figures (the self-contained ones are in
tests/unit/test_benchmarks_smoke.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_smoke(script: str, prod_app: dict[str, str], timeout: float, *options: str) -> str:
    env = {**os.environ, "DATABASE_URL": prod_app["database_url"], "INSTANCE_DIR": prod_app["instance_dir"]}
    command = [sys.executable, f"benchmarks/{script}", "--smoke", "--url", prod_app["url"], *options]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{script} --smoke exited {done.returncode}:\n{done.stdout}\n{done.stderr[-3000:]}"
    return done.stdout


def table_rows(out: str, first_cell: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in out.splitlines()
            if line.startswith(f"| {first_cell} |")]


def test_load_simulated_citizens_buy_and_show_tickets(prod_app) -> None:
    """Every step a browser takes (page navigations over the websocket, buying a ticket through the payment page,
    the signed ticket list) must succeed, or the load benchmark's figures would measure error pages."""
    out = run_smoke("load.py", prod_app, timeout=300)
    rows = table_rows(out, prod_app["url"])
    assert len(rows) == 1, out
    clients, tickets, errors = rows[0][1], rows[0][-2], rows[0][-1]
    assert (clients, tickets, errors) == ("3 x 1", "3", "0"), out
    budget = re.search(rf"^- {re.escape(prod_app['url'])}, 3 clients: [\d.]+ of \d+ cores busy; CPU ms per event: "
                       r"app workers [\d.]+, bank [\d.]+, PostgreSQL [\d.]+, Redis [\d.]+, load generator ([\d.]+), "
                       r"other [\d.]+ \(all [\d.]+\)$", out, re.M)
    assert budget and float(budget.group(1)) > 0, out  # the whole machine's CPU, by kind of process


def test_load_floor_runs_the_same_visit_with_no_op_actions(prod_app) -> None:
    out = run_smoke("load.py", prod_app, 300, "--floor")
    assert "floor: no-op actions" in out, out
    (row,) = table_rows(out, prod_app["url"])
    assert (row[1], row[-2], row[-1]) == ("3 x 1", "3", "0"), out  # every visit ran to its end


def test_pageload_measures_pages_cold_repeat_and_the_ticket_page_offline_for_nobody_and_a_rider(prod_app) -> None:
    out = run_smoke("pageload.py", prod_app, timeout=900)
    assert re.search(r"^Lighthouse 12\.2\.3, mobile, simulate throttling \(150 ms RTT, 1\.6 Mbit/s, 4x CPU\)", out,
                     re.M), out
    report, ticket, report_again, ticket_again = table_rows(out, "Công dân số")  # cold table, then the repeat visit's
    assert re.fullmatch(r"`/feedback/\d+`", report[1]) and report_again[1] == report[1], out
    assert ticket[1] == ticket_again[1] == "`/metro/ticket/`", out
    for cold, repeat in ((report, report_again), (ticket, ticket_again)):
        lcp, fcp, tbt, kib = float(cold[2]), float(cold[3]), float(cold[4]), float(cold[5])
        assert lcp >= fcp > 0 and tbt >= 0 and kib > 100, out  # a real page came over the network
        assert cold[6] == "–", out  # no empty app in smoke mode: no ratio
        assert all(0 <= int(score) <= 100 for score in cold[7:9]), out
        assert float(repeat[2]) > 0 and float(repeat[5]) < kib, out  # the repeat visit is served from the warm profile
    # the network off: nobody logged in, then the demo citizen with a ticket bought through the sandbox gateway
    nobody, rider = table_rows(out, "`/metro/ticket/`")
    assert nobody[1:2] == ["nobody logged in"] and nobody[5] == "–", out  # no QR code to draw
    assert rider[1:2] == ["rider, 1 ticket"], out
    assert all(float(seconds) > 0 for seconds in [*nobody[2:5], nobody[6], *rider[2:7]]), out
    assert re.search(r"^load average before: .+\n(.|\n)*^load average after: ", out, re.M), out
