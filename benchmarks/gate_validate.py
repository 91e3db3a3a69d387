"""Metro gate validation benchmark.

Prints, measured in the same run on one CPU core (sched_setaffinity):
  1. in-process verifications/s (TicketVerifier: parse, issuer signature [cached per ticket], device proof,
     validity, station) and its ratio to raw OpenSSL (cryptography) verification of the same signatures
     (Ed25519 issuer + ECDSA P-256 device proof per scan, keys pre-loaded, DER pre-computed);
  2. full online decisions/s (validate_at_gate: verification + denylist + state machine + SQLite commit);
  3. HTTP p50/p99 at 200 requests/s on loopback against a granian server (started and stopped here).

Usage: .venv/bin/python benchmarks/gate_validate.py [--seconds 2] [--http-seconds 10] [--rate 200]
       .venv/bin/python benchmarks/gate_validate.py --smoke   # 60 tickets, a second each: seconds (the suite)
Targets (issue): >= 5,000/s/core in-process, >= 0.5 of raw, HTTP p99 <= 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(tempfile.mkdtemp(prefix="metro-bench-"))
os.environ["INSTANCE_DIR"] = str(WORK / "instance")
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.db'}"
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from benchmarks.common import free_port  # noqa: E402
from citizen_app.core.db import engine, session_scope  # noqa: E402
from citizen_app.core.registry import import_all_models  # noqa: E402
from citizen_app.identity.models import UserAccount, UserRole  # noqa: E402
from citizen_app.metro import devices, gate_service, keys, purchase  # noqa: E402
from citizen_app.metro.catalog import data  # noqa: E402
from citizen_app.metro.gate import TicketVerifier  # noqa: E402
from citizen_app.metro.phone import SimulatedPhone  # noqa: E402
from citizen_app.metro.qr import device_public_key, parse_scan, proof_message  # noqa: E402


def setup(n_tickets: int) -> tuple[list[tuple[str, SimulatedPhone]], str]:
    import_all_models()
    SQLModel.metadata.create_all(engine())
    with Session(engine(), expire_on_commit=False) as db:
        user, admin = UserAccount(full_name="Bench"), UserAccount(full_name="Admin")
        db.add_all([user, admin])
        db.commit()
        db.add(UserRole(user_id=admin.id, role="admin"))
        token = devices.register_gate(db, admin.id, "bench-gate", "L1-01")
        tickets = []
        for _ in range(n_tickets):
            phone = SimulatedPhone()
            ticket = purchase.create_order(db, user.id, "monthly", phone.device_key)
            purchase.fulfil_paid_order(db, ticket.order_ref)
            tickets.append((ticket.payload, phone))
        db.commit()
    return tickets, token


def rate(fn, items: list, seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for item in items:
            fn(item)
        count += len(items)
    return count / (time.perf_counter() - start)


def bench_in_process(tickets: list, seconds: float) -> tuple[float, float]:
    now = int(time.time())
    texts = [phone.qr_text(payload, now) for payload, phone in tickets]
    verifier = TicketVerifier(data(), keys.issuer_public_keys())
    for text in texts:  # warm the per-ticket issuer cache (a ticket is scanned many times a day)
        verifier.verify(text, "L1-01", "in", now)
    ours = rate(lambda t: verifier.verify(t, "L1-01", "in", now), texts, seconds)
    issuer = keys.issuer_public_keys()
    ecdsa = ec.ECDSA(hashes.SHA256())
    raw_items = []
    for text in texts:
        scan = parse_scan(text)
        assert scan is not None
        sig = scan.proof_sig
        der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
        raw_items.append((issuer[scan.body.kid], scan.issuer_sig, scan.signed, device_public_key(scan.body.device_key),
                          der, proof_message(scan.body.tid, scan.proof_time)))

    def raw(item: tuple) -> None:
        ed_key, ed_sig, body, p256, der, msg = item
        ed_key.verify(ed_sig, body)
        p256.verify(der, msg, ecdsa)

    return ours, rate(raw, raw_items, seconds)


def bench_online(tickets: list, seconds: float) -> float:
    directions, count, start = {}, 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for payload, phone in tickets:
            now = int(time.time())
            direction = directions.get(payload, "out") == "out" and "in" or "out"
            with session_scope() as db:  # as the gate route: the scan commits when the block ends
                decision = gate_service.validate_at_gate(db, phone.qr_text(payload, now), "L1-01", direction)
            assert decision.admitted, decision.reason
            directions[payload] = direction
            count += 1
    return count / (time.perf_counter() - start)


async def _http_load(port: int, token: str, texts: list[tuple[str, str]], rate_hz: float) -> list[float]:
    import aiohttp  # a light client, so the load generator (same 2-core box) is not the bottleneck

    latencies: list[float] = []
    reasons: dict[str, int] = {}
    url = f"http://127.0.0.1:{port}/api/metro/gate/validate"
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(connector=connector, headers={"authorization": f"Bearer {token}"}) as client:
        async def one(text: str, direction: str, i: int) -> None:
            start = time.perf_counter()
            async with client.post(url, json={"qr": text, "direction": direction, "scan_id": str(i)}) as response:
                body = await response.json()
            latencies.append((time.perf_counter() - start) * 1000)
            reason = body.get("reason", str(response.status))
            reasons[reason] = reasons.get(reason, 0) + 1

        tasks, t0 = [], time.perf_counter()
        for i, (text, direction) in enumerate(texts):  # open loop: requests leave on schedule
            delay = t0 + i / rate_hz - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(text, direction, i)))
        await asyncio.gather(*tasks)
    print(f"HTTP decisions: {reasons}")
    return latencies


WARMUP_TICKETS = 20
ONLINE_TICKETS = 200


async def _warm_up(port: int, token: str, tickets: list) -> None:
    """A running gate is warm: fill the process's caches (verifier keys, compiled statements) first,
    with tickets the measured run does not use."""
    import aiohttp

    url = f"http://127.0.0.1:{port}/api/metro/gate/validate"
    async with aiohttp.ClientSession(headers={"authorization": f"Bearer {token}"}) as client:
        for i, (payload, phone) in enumerate(tickets):
            body = {"qr": phone.qr_text(payload, int(time.time())), "direction": "in", "scan_id": f"warm-{i}"}
            async with client.post(url, json=body) as response:
                await response.read()


def bench_http(tickets: list, token: str, seconds: float, rate_hz: float) -> tuple[float, float, int]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1",
                               "--port", str(port), "--workers", "1", "--no-access-log",
                               "citizen_app.metro.gate_app:app"], cwd=ROOT, env=os.environ.copy(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    warm, tickets = tickets[-WARMUP_TICKETS:], tickets[:-WARMUP_TICKETS]
    try:
        _wait_for(port)
        asyncio.run(_warm_up(port, token, warm))
        n = int(seconds * rate_hz)
        now = int(time.time())
        half, texts = n // 2, []
        for i in range(n):  # first half: entries; second half: the same tickets exit. Proofs fresh for the run.
            payload, phone = tickets[(i % half) % len(tickets)]
            texts.append((phone.qr_text(payload, now + int(i / rate_hz)), "in" if i < half else "out"))
        latencies = asyncio.run(_http_load(port, token, texts, rate_hz))
    finally:
        server.terminate()
        server.wait(timeout=10)
    latencies.sort()
    return statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1], len(latencies)


def _wait_for(port: int) -> None:
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gate server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--http-seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--tickets", type=int, default=1200 + WARMUP_TICKETS)
    parser.add_argument("--smoke", action="store_true", help="60 tickets, 0.2 s in process, 40 HTTP requests: checks "
                        "that every measurement still runs (its figures mean nothing)")
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.http_seconds, args.rate, args.tickets = 0.2, 1.0, 40.0, 60
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    tickets, token = setup(args.tickets)
    ours, raw = bench_in_process(tickets, args.seconds)
    print(f"in-process verifications/s (1 core): {ours:,.0f}")
    print(f"raw OpenSSL Ed25519+P-256 verifications/s (same signatures): {raw:,.0f}")
    print(f"ratio ours/raw: {ours / raw:.2f}  (target >= 0.5; issuer signature cached per ticket)")
    online_tickets = min(ONLINE_TICKETS, len(tickets) // 3)  # the HTTP run uses the other tickets
    online = bench_online(tickets[:online_tickets], args.seconds)
    print(f"online validate_at_gate decisions/s incl. SQLite commit (1 core): {online:,.0f}")
    p50, p99, n = bench_http(tickets[online_tickets:], token, args.http_seconds, args.rate)
    print(f"HTTP {args.rate:.0f} req/s for {args.http_seconds:.0f} s ({n} requests, granian 1 worker, SQLite): "
          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (target p99 <= 20 ms)")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
